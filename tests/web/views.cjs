// Browser test of the Look inside views: the window.aelab calls return the documented shapes and
// agree with each other (interpolation ends are reconstructions), every view renders and is
// screenshotted at 1280x800 (and the map at 1920x1080 and 1024x700), the map follows drawing,
// refreshes while training in the Web Worker with the frame rate within 2/3 of the rate with the
// map hidden, and the timeline's snapshots arrive over the worker's wire and can be scrubbed.
// Served without COOP/COEP: the single-thread build with the training run in a Web Worker.
// usage: node views.cjs WEB_DIR SCREENSHOT_DIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, waitFor, chromiumOptions, openLab } = require('./harness.cjs');

const [webDir, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node views.cjs WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const VIEWS = ['map', 'grid', 'interpolate', 'traverse', 'weights', 'gallery', 'anomaly'];
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const isImage = (im) => Array.isArray(im) && im.length === 784 && im.every((v) => Number.isFinite(v) && v >= 0 && v <= 1);

// Frames per second over `ms`, from the app's own frame counter.
async function fpsOver(page, ms) {
  const a = await page.evaluate(() => aelab.state()), t0 = Date.now();
  await sleep(ms);
  const b = await page.evaluate(() => aelab.state());
  return { fps: (b.frames - a.frames) / ((Date.now() - t0) / 1000), builds: b.mapBuilds - a.mapBuilds, state: b };
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const { server, url } = await serve(webDir, { isolated: false });
  const browser = await chromium.launch(chromiumOptions());
  const summary = {};
  try {
    const { context, page, errors } = await openLab(browser, url);
    await waitFor(page, 'the validation pass of the shipped model', () => {
      const s = aelab.state();
      return s.valLoss !== null && !s.validating && s.timelinePoints >= 1;
    }, null, 60000);

    // 1. The API's shapes, and what they must equal.
    const api = await page.evaluate(() => {
      const out = {};
      const t0 = performance.now();
      const m = aelab.map();
      out.mapMs = performance.now() - t0;
      out.map = { method: m.method, explained: m.explained, n: m.points.length, first: m.points[0], input: m.input,
                  bounds: m.bounds, axes: m.axes,
                  wellFormed: m.points.every((p) => p.length === 3 && Number.isFinite(p[0]) && Number.isFinite(p[1]) &&
                                                   Number.isInteger(p[2]) && p[2] >= 0 && p[2] <= 9) };
      const g = aelab.decodeGrid(6);
      out.grid = { n: g.n, count: g.images.length, bounds: g.bounds, image: g.images[7] };
      const line = aelab.interpolate(0, 1, 5);
      aelab.loadTestDigit(0);
      const r0 = aelab.reconstruction();
      aelab.loadTestDigit(1);
      const r1 = aelab.reconstruction();
      out.line = { count: line.length, first: line[0], last: line[4], r0, r1, middle: line[2] };
      out.fromInput = aelab.interpolate('input', 2, 3).length;
      const tr = aelab.traverse(0, 7);
      out.traverse = { count: tr.length, image: tr[3] };
      const w = aelab.firstLayer();
      out.weights = { count: w.length, length: w[0].length, finite: w.every((r) => r.every(Number.isFinite)) };
      out.timeline = aelab.timeline();
      out.errors = [];
      for (const bad of [() => aelab.view('nosuch'), () => aelab.decodeGrid(1), () => aelab.interpolate(0, 'x', 5),
                         () => aelab.traverse(99, 5), () => aelab.scrub(999), () => aelab.interpolate(0, 99999, 3)]) {
        try { bad(); out.errors.push(null); } catch (e) { out.errors.push(String(e.message)); }
      }
      return out;
    });
    const m = api.map;
    check('map(): 10,000 points [x, y, label] on the PCA plane with the explained variance and the input',
          m.method === 'pca' && m.n === 10000 && m.wellFormed && m.explained.length === 2 &&
          m.explained[0] > m.explained[1] && m.explained[1] > 0 && m.explained[0] < 1 && m.input.length === 2 &&
          m.bounds.x0 < m.bounds.x1 && m.bounds.y0 < m.bounds.y1,
          `${m.method}, explained ${m.explained.map((v) => (100 * v).toFixed(1) + '%').join(', ')}, axes "${m.axes.x}" / "${m.axes.y}", ` +
          `built in ${api.mapMs.toFixed(0)} ms (synchronous call)`);
    summary.mapCallMs = Math.round(api.mapMs);
    check('decodeGrid(6): 36 images with the plane\'s bounds', api.grid.n === 6 && api.grid.count === 36 &&
          isImage(api.grid.image) && api.grid.bounds.x0 === m.bounds.x0, JSON.stringify(api.grid.bounds));
    const d0 = maxDiff(api.line.first, api.line.r0), d1 = maxDiff(api.line.last, api.line.r1);
    check('interpolate(0, 1, 5): 5 images, the first and last the reconstructions of digits 0 and 1',
          api.line.count === 5 && isImage(api.line.middle) && d0 < 1e-4 && d1 < 1e-4 && maxDiff(api.line.middle, api.line.r0) > 0.01,
          `max |difference| ${d0.toExponential(1)} and ${d1.toExponential(1)}`);
    check("interpolate('input', 2, 3) and traverse(0, 7) give 3 and 7 images",
          api.fromInput === 3 && api.traverse.count === 7 && isImage(api.traverse.image));
    check('firstLayer(): 128 arrays of 784 finite weights', api.weights.count === 128 && api.weights.length === 784 && api.weights.finite);
    check('timeline(): the snapshot before training', api.timeline.length >= 1 && api.timeline[0].step === 0 &&
          api.timeline[0].valLoss > 0, JSON.stringify(api.timeline.slice(0, 2)));
    check('bad calls throw, naming the call and what was expected', api.errors.every((e) => e && e.startsWith('aelab.')),
          api.errors.join(' | '));

    // 2. Every view renders; a screenshot of each.
    await page.evaluate(() => aelab.loadTestDigit(3));
    for (const name of VIEWS) {
      await page.evaluate((n) => aelab.view(n), name);
      await waitFor(page, `view ${name} shows`, (n) => aelab.state().view === n, name, 10000);
      await sleep(name === 'map' ? 1500 : 600);
      await page.screenshot({ path: path.join(shotDir, `web-view-${name}.png`) });
    }
    const afterViews = await page.evaluate(() => aelab.state());
    check('every view renders (the map is on screen, the page reports no error)',
          afterViews.mapBuilds >= 1 && afterViews.map.w > 100 && errors.length === 0,
          `${afterViews.mapBuilds} map builds, map ${afterViews.map.w.toFixed(0)} px wide; screenshots web-view-*.png`);

    // 2b. Anomaly scores: one per test digit, their mean is the validation loss, a loaded test
    // digit's percentile is its rank among them, and a scribble is unusual (above the 99th
    // percentile of the test digits' losses).
    const anomaly = await page.evaluate(async () => {
      const scores = aelab.scores();
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      aelab.loadTestDigit(17);
      const digit = aelab.anomaly();
      const below = scores.filter((v) => v < scores[17]).length + 0.5 * scores.filter((v) => v === scores[17]).length;
      aelab.setInput([[[2, 2], [26, 26]], [[26, 2], [2, 26]], [[2, 14], [26, 14]], [[14, 2], [14, 26]], [[4, 4], [24, 4], [24, 24], [4, 24], [4, 4]]]);
      aelab.view('anomaly');
      const scribble = aelab.anomaly();
      return { n: scores.length, mean, valLoss: aelab.state().valLoss, digit, digitLoss: scores[17], expected: 100 * below / scores.length, scribble };
    });
    await sleep(800);
    await page.screenshot({ path: path.join(shotDir, 'web-view-anomaly-scribble.png') });
    check('anomaly scores: 10,000, their mean is the validation loss, a test digit\'s percentile is its rank',
          anomaly.n === 10000 && Math.abs(anomaly.mean - anomaly.valLoss) < 1e-5 &&
          Math.abs(anomaly.digit.inputLoss - anomaly.digitLoss) < 1e-6 && Math.abs(anomaly.digit.percentileOfInput - anomaly.expected) < 1e-3,
          `mean ${anomaly.mean.toFixed(6)} vs val ${anomaly.valLoss.toFixed(6)}; digit 17: ${anomaly.digit.percentileOfInput.toFixed(2)}% vs ${anomaly.expected.toFixed(2)}%`);
    check('a scribble in the anomaly view is unusual: its loss is above the 99th-percentile threshold',
          anomaly.scribble.unusual && anomaly.scribble.percentileOfInput > 99 && Math.abs(anomaly.scribble.shareAbove - 1) < 0.05 &&
          (anomaly.scribble.auc === null || anomaly.scribble.auc > 0.99), // null until Fashion-MNIST is scored (data.cjs)
          `${JSON.stringify(anomaly.scribble)}; screenshot web-view-anomaly-scribble.png`);
    summary.anomaly = anomaly.scribble;

    // 3. The map follows drawing: the input's point moves with the strokes.
    const follow = await page.evaluate(async () => {
      aelab.view('map');
      aelab.setInput([[[14, 4], [14, 24]]]); // a 1
      const a = aelab.map().input;
      aelab.setInput([[[14, 4], [8, 8], [7, 16], [10, 23], [17, 23], [20, 15], [19, 7], [14, 4]]]); // a 0
      const b = aelab.map().input;
      return { a, b };
    });
    const moved = Math.hypot(follow.a[0] - follow.b[0], follow.a[1] - follow.b[1]);
    check('the map follows drawing: a 1 and a 0 put the input at different points', moved > 0.5,
          `(${follow.a.map((v) => v.toFixed(2))}) -> (${follow.b.map((v) => v.toFixed(2))}), moved ${moved.toFixed(2)}`);
    await sleep(500);
    await page.screenshot({ path: path.join(shotDir, 'web-view-map-drawn.png') });

    // 4. While training (in the Web Worker): the frame rate with the map shown vs. hidden, and
    // the map refreshing.
    // (epochs enough that the run is still training at the end: the worker trains the default 20
    // epochs at batch 64 in about 20 s on a fast machine, and a finished run rightly draws nothing)
    await page.evaluate(async () => { aelab.view('gallery'); aelab.set({ batch: 64, epochs: 1000 }); await aelab.train(true); });
    await waitFor(page, 'training starts in the worker', () => aelab.state().step > 50, null, 180000);
    // the machine is shared and the software renderer noisy: three rounds of each, interleaved
    const hidden = { frames: 0, seconds: 0 }, shown = { frames: 0, seconds: 0, builds: 0, state: null };
    for (let round = 0; round < 3; round++) {
      for (const view of ['gallery', 'map']) {
        await page.evaluate((n) => aelab.view(n), view);
        await sleep(1000);
        const r = await fpsOver(page, 4000), into = view === 'map' ? shown : hidden;
        into.frames += r.fps * 4, into.seconds += 4;
        if (view === 'map') shown.builds += r.builds, shown.state = r.state;
      }
    }
    hidden.fps = hidden.frames / hidden.seconds, shown.fps = shown.frames / shown.seconds;
    await page.screenshot({ path: path.join(shotDir, 'web-view-map-training.png') });
    summary.training = { host: shown.state.trainingHost, fpsMapHidden: Number(hidden.fps.toFixed(1)),
                         fpsMapShown: Number(shown.fps.toFixed(1)), mapBuildsIn12s: shown.builds,
                         mapComputeMs: Math.round(shown.state.mapComputeMs) };
    check('while training the map refreshes (at least 4 times in 12 s)', shown.builds >= 4,
          `${shown.builds} builds in 12 s, ${Math.round(shown.state.mapComputeMs)} ms of compute each (in slices of a few ms)`);
    // 2/3, not closer: on this shared 2-core machine one view's rate has swung 20 -> 9 fps between
    // rounds. A map redrawn or decoded on every frame costs far more than that (it cost 28% before
    // the views' pictures were limited to 4 redraws a second while training).
    check('with the map shown the frame rate stays within 2/3 of the rate with it hidden', shown.fps >= 0.667 * hidden.fps,
          `${shown.fps.toFixed(1)} fps with the map, ${hidden.fps.toFixed(1)} fps without (${shown.state.trainingHost} host)`);
    const fpsByView = {};
    for (const name of VIEWS) {
      await page.evaluate((n) => aelab.view(n), name);
      await sleep(500);
      fpsByView[name] = Number((await fpsOver(page, 2000)).fps.toFixed(1));
    }
    summary.fpsByViewWhileTraining = fpsByView;
    const stillTraining = await page.evaluate(() => aelab.state().runStatus === 'training');
    check('every view keeps the page drawing while training', stillTraining && Object.values(fpsByView).every((f) => f > 3),
          `${JSON.stringify(fpsByView)}${stillTraining ? '' : ' (the run was no longer training)'}`);

    // 5. The timeline: snapshots arrive over the worker's wire, scrubbing shows one.
    await page.evaluate(() => aelab.train(false));
    await waitFor(page, 'validation after pausing', () => { const s = aelab.state(); return !s.validating && s.valStep === s.step; },
                  null, 60000);
    const tl = await page.evaluate(() => {
      const points = aelab.timeline();
      aelab.view('map');
      const live = aelab.map().input;
      aelab.scrub(0);
      const s = aelab.state();
      const past = aelab.map().input;
      return { points, shown: s.timelineShown, bytes: s.timelineBytes, modelCurrent: s.modelCurrent, live, past };
    });
    summary.timeline = { points: tl.points.length, bytes: tl.bytes };
    check('timeline(): snapshots at step 0, 20, 100 and the pause, with their losses, over the worker\'s wire',
          tl.points.length >= 4 && tl.points[1].step === 20 && tl.points[2].step === 100 && tl.points.every((p) => p.valLoss > 0),
          tl.points.map((p) => `${p.step}:${p.valLoss.toFixed(4)}`).join(' '));
    check('scrub(0) shows the first snapshot everywhere (the map moves the input with it)',
          tl.shown === 0 && tl.modelCurrent && Math.hypot(tl.live[0] - tl.past[0], tl.live[1] - tl.past[1]) > 1e-3,
          `shown ${tl.shown}, input (${tl.live.map((v) => v.toFixed(2))}) live, (${tl.past.map((v) => v.toFixed(2))}) at step 0`);
    await sleep(1500);
    await page.screenshot({ path: path.join(shotDir, 'web-view-scrubbed.png') });
    await page.evaluate(() => aelab.scrub('now'));

    // 6. Other window sizes.
    for (const [w, h] of [[1920, 1080], [1024, 700]]) {
      await page.setViewportSize({ width: w, height: h });
      await sleep(1500);
      await page.screenshot({ path: path.join(shotDir, `web-view-map-${w}x${h}.png`) });
    }
    // 7. A 2-unit code: the map is the latent plane itself, no PCA.
    await page.setViewportSize({ width: 1280, height: 800 });
    const two = await page.evaluate(async () => {
      aelab.set({ latent: 2 });
      await new Promise((resolve) => { const poll = () => (aelab.state().modelCurrent && aelab.state().model.latent === 2 ? resolve() : setTimeout(poll, 20)); poll(); });
      aelab.view('map');
      const m = aelab.map(), g = aelab.decodeGrid(4);
      return { method: m.method, explained: m.explained, axes: m.axes, n: m.points.length, grid: g.images.length };
    });
    check('latent size 2: the map is the latent plane (no PCA), axes z[0] and z[1]',
          two.method === 'latent' && two.explained === null && two.axes.x === 'z[0]' && two.axes.y === 'z[1]' && two.n === 10000 &&
          two.grid === 16, JSON.stringify(two));
    await sleep(1000);
    await page.screenshot({ path: path.join(shotDir, 'web-view-map-latent2.png') });
    check('no errors in the page', errors.length === 0, errors.slice(0, 3).join(' | '));
    await context.close();
  } finally {
    await browser.close();
    server.kill();
  }
  fs.writeFileSync(path.join(shotDir, 'web-views-summary.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
  console.log(`views test: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
