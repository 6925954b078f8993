// Browser end-to-end test of the web app: serves build/web on 127.0.0.1, drives Debian's
// Chromium headless through playwright-core (never a downloaded browser), and checks what a user
// and the window.aelab API see. Screenshots of each step go to SCREENSHOT_DIR. The main run is
// served with COOP/COEP (cross-origin isolated: the threaded build, aelab-mt.js); a second run
// without them checks the single-thread build, aelab.js, that iframes on other sites get.
// usage: node e2e.cjs WEB_DIR REFERENCE_JSON SCREENSHOT_DIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, waitFor, chromiumOptions, returningVisitor } = require('./harness.cjs');

const [webDir, referencePath, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node e2e.cjs WEB_DIR REFERENCE_JSON SCREENSHOT_DIR');
  process.exit(2);
}
const reference = JSON.parse(fs.readFileSync(referencePath, 'utf8'));
// Training throughput at the CLI's batch size (256), for comparison with node and between the
// two builds: samples/s while computing, wall-clock samples/s and fps after `ms` of training.
async function measureBatch256(page, ms) {
  await page.evaluate(async () => { aelab.set({ batch: 256 }); await aelab.train(true); });
  await sleep(ms);
  const s = await page.evaluate(() => aelab.state());
  await page.evaluate(() => aelab.train(false));
  return { threads: s.threads, computeSamplesPerS: Math.round(s.computeSamplesPerS),
           samplesPerS: Math.round(s.samplesPerS), fps: Number(s.fps.toFixed(1)) };
}

// After Reset, `steps` training steps at batch 64 lower the validation loss by more than 0.05.
async function trainLowersValidationLoss(page, steps, label) {
  await page.evaluate(async () => { await aelab.reset(); aelab.set({ batch: 64, lr: 0.001 }); });
  await waitFor(page, `${label}: validation loss of the fresh weights`, () => {
    const st = aelab.state();
    return st.valLoss !== null && st.valStep === 0 && !st.validating;
  }, null, 60000);
  const v0 = (await page.evaluate(() => aelab.state())).valLoss;
  await page.evaluate(() => aelab.train(true));
  await waitFor(page, `${label}: training set loads`, () => aelab.state().trainSet.status === 'ready', null, 120000);
  await waitFor(page, `${label}: ${steps} training steps`, (n) => aelab.state().step >= n, steps, 240000);
  await page.evaluate(() => aelab.train(false));
  await waitFor(page, `${label}: validation after pausing`, (n) => {
    const st = aelab.state();
    return st.valStep >= n && !st.validating;
  }, steps, 60000);
  const s = await page.evaluate(() => aelab.state());
  check(`${label}: training lowers the validation loss`, s.valLoss < v0 - 0.05,
        `${v0.toFixed(4)} before, ${s.valLoss.toFixed(4)} after ${s.valStep} steps`);
}

// The numbers 20 training steps from fresh weights lead to: the same in both builds, since the
// core's results do not depend on the thread count.
async function lossesAfter20Steps(page) {
  return page.evaluate(async () => {
    await aelab.reset();
    aelab.set({ batch: 64, lr: 0.001 });
    const steps = await aelab.step(20);
    aelab.loadTestDigit(0);
    const s = aelab.state();
    return { steps, trainLoss: s.trainLoss, digit0Loss: s.inputLoss, host: s.trainingHost };
  });
}

function firstDownloadSizes(dir) {
  const rows = [];
  for (const name of ['index.html', 'aelab-load.js', 'aelab-page.js', 'aelab-api.js', 'aelab-host.js', 'aelab.js', 'aelab.wasm', 'aelab-mt.js', 'aelab-mt.wasm',
                      'aelab-mt.worker.js', 'model.aelab']) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    const raw = fs.readFileSync(file);
    rows.push({ name, raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length });
  }
  for (const name of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) {
    const file = path.join(dir, 'data', name);
    if (fs.existsSync(file)) rows.push({ name: `data/${name}`, raw: null, gzip: fs.statSync(file).size });
  }
  return rows;
}

async function embeddedLab(browser, labUrl) {
  const hostDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'aelab-host-'));
  fs.writeFileSync(path.join(hostDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Course page</title>
<body style="margin:0;background:#fff;font:14px sans-serif">
<p style="margin:8px">Lesson 3: autoencoders. Notes: <input id="notes" size="40"></p>
<iframe id="lab" src="${labUrl}" width="800" height="600" style="border:1px solid #888"></iframe></body>`);
  const host = await serve(hostDir, { isolated: false });
  const context = await returningVisitor(browser, { viewport: { width: 1000, height: 720 } });
  // in every frame, from its first moment: poll window.aelab.state() and count what it throws
  await context.addInitScript(() => {
    window.__statePolls = 0;
    window.__stateErrors = [];
    const poll = () => {
      if (window.aelab) {
        window.__statePolls++;
        try { window.aelab.state(); } catch (e) { window.__stateErrors.push(String(e)); }
      }
      setTimeout(poll, 5);
    };
    poll();
  });
  const result = {};
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(host.url);
    const frame = page.frames().find((f) => f.url().startsWith(labUrl));
    if (!frame) throw new Error('the lab iframe did not load');
    const ok = await waitFor(frame, 'embedded lab becomes ready', () => {
      try { return aelab.state().ready && aelab.state().testSet.status === 'ready'; } catch (e) { return false; }
    }, null, 60000);
    if (!ok) return result;
    const s0 = await frame.evaluate(() => aelab.state());
    check('embedded on another origin: not cross-origin isolated, the single-thread build',
          !s0.crossOriginIsolated && s0.script === 'aelab.js', `crossOriginIsolated=${s0.crossOriginIsolated}, ${s0.script}`);
    // at rest the main loop sleeps, though aelab-host.js reads the lab (input()) every 100 ms
    await sleep(1500);
    const r0 = await frame.evaluate(() => aelab.state()), tr = Date.now();
    await sleep(3000);
    const r1 = await frame.evaluate(() => aelab.state());
    const restFps = (r1.frames - r0.frames) / ((Date.now() - tr) / 1000);
    check('embedded lab at rest: the main loop sleeps while the host-page messages read the lab',
          restFps < 2 && r1.mainLoopPaused,
          `${restFps.toFixed(1)} frames a second at rest, main loop ${r1.mainLoopPaused ? 'paused' : 'running'}`);
    await frame.evaluate(async () => { aelab.set({ batch: 256 }); await aelab.train(true); });
    await waitFor(frame, 'embedded lab trains', () => aelab.state().step > 30, null, 180000);
    const a = await frame.evaluate(() => aelab.state()), t0 = Date.now();
    await sleep(5000);
    const b = await frame.evaluate(() => aelab.state()), dt = (Date.now() - t0) / 1000;
    // a pause reaches the worker between two batches: once applied, no step follows it
    const paused = await frame.evaluate(async () => { await aelab.train(false); return aelab.state().step; });
    await sleep(1000);
    const later = await frame.evaluate(() => aelab.state());
    check('embedded lab: a pause stops the worker after the batch in flight', later.step === paused && !later.training,
          `step ${paused} when the pause was applied, ${later.step} a second later (${later.runStatus})`);
    result.trainingHost = b.trainingHost;
    result.samplesPerS = Math.round((b.step - a.step) * 256 / dt);
    result.secondsPerEpoch = Number((60000 / result.samplesPerS).toFixed(2));
    result.fps = Number(((b.frames - a.frames) / dt).toFixed(1));
    check('embedded lab trains in a Web Worker', b.trainingHost === 'worker' && b.step > a.step,
          `host ${b.trainingHost}: ${result.samplesPerS} samples/s at batch 256 (${result.secondsPerEpoch} s per epoch), ` +
          `${result.fps} fps while training`);
    await page.screenshot({ path: path.join(shotDir, 'web-7-iframe-800x600.png') });
    const polls = await frame.evaluate(() => ({ n: window.__statePolls, errors: window.__stateErrors.slice(0, 3) }));
    check('state() polled from the first moment never throws', polls.n > 10 && polls.errors.length === 0,
          `${polls.n} calls, ${polls.errors.length} exceptions ${polls.errors.join(' | ')}`);
    // a click into the lab, then the course page's own text field takes the typing
    const box = await (await page.$('#lab')).boundingBox();
    await page.mouse.click(box.x + 200, box.y + 200);
    await page.click('#notes');
    await page.keyboard.type('hello lab');
    const typed = await page.$eval('#notes', (e) => e.value);
    check('typing in the host page works after clicking into the lab', typed === 'hello lab', `typed: "${typed}"`);
    check('no errors in the host page', errors.length === 0, errors.slice(0, 3).join(' | '));
  } finally {
    await context.close();
    host.server.kill();
  }
  return result;
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const { server, url } = await serve(webDir);
  // playwright gives the browser a new empty profile folder of its own
  const browser = await chromium.launch(chromiumOptions());
  const summary = {};
  try {
    const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const foreign = [], consoleErrors = [];
    const origin = new URL(url).origin;
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
      foreign.push(u);
      return route.abort();
    });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    const encodings = {}; // file name -> Content-Encoding of its response
    page.on('response', (r) => { encodings[new URL(r.url()).pathname.slice(1)] = r.headers()['content-encoding'] || 'none'; });

    // 1. The page becomes ready: the first interactive frame, with the model settled.
    await page.goto(url);
    const ready = await waitFor(page, 'page becomes ready', () => {
      try { return window.aelab.state().ready; } catch (e) { return false; }
    }, null, 60000);
    if (!ready) throw new Error('the page never became ready');
    let s = await page.evaluate(() => aelab.state());
    summary.firstInteractiveFrameMs = Math.round(s.readyMs);
    check('page becomes ready', true, `first interactive frame ${Math.round(s.readyMs)} ms after navigation; ` +
          `model: ${s.model.name} (${s.model.input}-${s.model.hidden}-${s.model.latent})`);
    check('model is the one the native reference used', s.modelShipped === reference.shipped,
          `page shipped=${s.modelShipped}, native shipped=${reference.shipped}`);
    await page.screenshot({ path: path.join(shotDir, 'web-1-ready.png') });
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    // training on a thread of its own, with one core fewer than the page uses (at most 4)
    const trainingThreads = Math.max(1, Math.min(cores, 4) - 1);
    check('served with COOP/COEP, the page loads the threaded build and trains on its own thread',
          s.crossOriginIsolated && s.script === 'aelab-mt.js' && s.trainingThread && s.trainingHost === 'thread' &&
          s.threads === trainingThreads,
          `crossOriginIsolated=${s.crossOriginIsolated}, ${s.script}, training thread ${s.trainingThread}, ` +
          `${s.threads} training threads (${cores} cores)`);
    summary.multiThread = { script: s.script, trainingThread: s.trainingThread, threads: s.threads, cores };

    // 2. The test set streams in; test digit 0's loss matches the native core's.
    await waitFor(page, 'test set loads', () => aelab.state().testSet.status === 'ready', null, 60000);
    const digit = await page.evaluate(() => {
      const loaded = aelab.loadTestDigit(0);
      return { loaded, loss: aelab.state().inputLoss, recon: aelab.reconstruction(), latent: aelab.latent() };
    });
    const diff = Math.abs(digit.loss - reference.loss);
    check('test digit 0 loads', digit.loaded && digit.recon.length === 784 && digit.recon.every(Number.isFinite),
          `${digit.recon.length} reconstruction values, ${digit.latent.length} latent values`);
    check('test digit 0 loss matches the native core within 1e-3', diff <= 1e-3,
          `page ${digit.loss.toFixed(6)}, native ${reference.loss.toFixed(6)}, |diff| ${diff.toExponential(2)}`);
    summary.digit0 = { page: digit.loss, native: reference.loss };
    await sleep(300);
    await page.screenshot({ path: path.join(shotDir, 'web-2-test-digit-0.png') });

    // 3. A stroke drawn with the mouse on the canvas changes the input and the reconstruction.
    await page.evaluate(() => aelab.setInput(new Array(784).fill(0)));
    await sleep(200);
    const before = await page.evaluate(() => ({ input: aelab.input(), recon: aelab.reconstruction() }));
    const c = (await page.evaluate(() => aelab.state())).drawCanvas;
    const at = (fx, fy) => [c.x + fx * c.w, c.y + fy * c.h];
    const stroke = [[0.35, 0.2], [0.6, 0.2], [0.62, 0.35], [0.45, 0.55], [0.4, 0.8]];
    await page.mouse.move(...at(...stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) {
      await page.mouse.move(...at(...p), { steps: 6 });
      await sleep(30);
    }
    await page.mouse.up();
    await sleep(300);
    const after = await page.evaluate(() => ({ input: aelab.input(), recon: aelab.reconstruction(), s: aelab.state() }));
    const l1 = (a, b) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0);
    const inkAfter = after.input.reduce((a, v) => a + v, 0);
    check('mouse stroke changes the input', l1(before.input, after.input) > 5 && !after.s.inputEmpty,
          `input changed by ${l1(before.input, after.input).toFixed(1)} (ink ${inkAfter.toFixed(1)})`);
    check('mouse stroke changes the reconstruction', l1(before.recon, after.recon) > 1,
          `reconstruction changed by ${l1(before.recon, after.recon).toFixed(1)}, loss ${after.s.inputLoss.toFixed(4)}`);

    // The keyboard belongs to the canvas only while it has focus; clicking it gives focus back.
    const keys = await page.evaluate(() => {
      document.activeElement.blur();
      const e = new KeyboardEvent('keydown', { key: 'Backspace', code: 'Backspace', keyCode: 8, bubbles: true, cancelable: true });
      document.body.dispatchEvent(e);
      return { bodyPrevented: e.defaultPrevented };
    });
    await page.mouse.click(c.x + c.w + 8, c.y + 4); // beside the drawing, still on the canvas element
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    check('keys outside the canvas are left to the page', !keys.bodyPrevented);
    check('clicking the canvas gives it the keyboard', focused === 'canvas', `focused: ${focused}`);

    // Dragging a latent bar edits the code; the encoder's own code is unchanged.
    const bars = (await page.evaluate(() => aelab.state())).latentBars;
    const codeBefore = await page.evaluate(() => aelab.latent());
    const barX = bars.x + bars.w * (3.5 / codeBefore.length);
    await page.mouse.move(barX, bars.y + bars.h - 2);
    await page.mouse.down();
    await page.mouse.move(barX, bars.y + bars.h * 0.1, { steps: 8 });
    await page.mouse.up();
    await sleep(200);
    const edited = await page.evaluate(() => ({ s: aelab.state(), code: aelab.latent() }));
    check('dragging a latent bar edits the code', edited.s.codeEdited && l1(codeBefore, edited.code) < 1e-6,
          `codeEdited=${edited.s.codeEdited}`);
    await page.screenshot({ path: path.join(shotDir, 'web-3-drawn.png') });

    // Bad input through the API: refused with a one-line Error naming the value, never coerced.
    const hostile = await page.evaluate(() => {
      const refused = (fn) => { try { fn(); return null; } catch (e) { return e.message; } };
      return {
        hugeStroke: refused(() => aelab.setInput([{ length: 3e7 }])),
        stringPixels: refused(() => aelab.setInput(new Array(784).fill('0.5'))),
        shortPixels: refused(() => aelab.setInput(new Array(783).fill(0.5))),
        latent: refused(() => aelab.set({ latent: 1e10 })),
        fractional: refused(() => aelab.set({ latent: 2.9 })),
        seed: refused(() => aelab.set({ seed: -5 })),
        loss: refused(() => aelab.set({ loss: 7 })),
        digits: [NaN, 'abc', 4294967297, 2.7, -1].map((i) => aelab.loadTestDigit(i)),
        latentAfter: aelab.state().model.latent,
      };
    });
    check('bad API input is refused with the expected range, nothing is coerced',
          hostile.hugeStroke && hostile.stringPixels && hostile.shortPixels &&
          /expected an integer from 1 to 1024/.test(hostile.latent) && /expected an integer from 1 to 1024/.test(hostile.fractional) &&
          /expected an integer from 0 to/.test(hostile.seed) && hostile.loss && hostile.digits.every((d) => d === false) &&
          hostile.latentAfter === 32,
          `${hostile.latent} | ${hostile.seed} | ${hostile.shortPixels} | loadTestDigit: ${hostile.digits.join(',')}`);

    // 4. After Reset, a few hundred training steps lower the validation loss; fps while training.
    await page.evaluate(async () => { await aelab.reset(); aelab.set({ batch: 64, lr: 0.001 }); });
    await waitFor(page, 'validation loss of the fresh weights', () => {
      const st = aelab.state();
      return st.valLoss !== null && st.valStep === 0 && !st.validating;
    }, null, 60000);
    const v0 = (await page.evaluate(() => aelab.state())).valLoss;
    await page.evaluate(() => aelab.train(true));
    await waitFor(page, 'training set loads', () => aelab.state().trainSet.status === 'ready', null, 120000);
    await waitFor(page, 'training starts', () => aelab.state().step > 0, null, 30000);
    const t0 = Date.now(), f0 = (await page.evaluate(() => aelab.state())).frames;
    const s0 = (await page.evaluate(() => aelab.state())).step;
    await waitFor(page, '300 training steps', () => aelab.state().step >= 300, null, 240000);
    const t1 = Date.now();
    s = await page.evaluate(() => aelab.state());
    const fps = (s.frames - f0) / ((t1 - t0) / 1000);
    summary.fpsWhileTraining = Number(fps.toFixed(1));
    summary.samplesPerS = Math.round(s.samplesPerS);
    summary.computeSamplesPerS = Math.round(s.computeSamplesPerS);
    summary.stepsPerS = Number(((s.step - s0) / ((t1 - t0) / 1000)).toFixed(1));
    await page.screenshot({ path: path.join(shotDir, 'web-4-training.png') });
    await page.evaluate(() => aelab.train(false));
    await waitFor(page, 'validation after pausing', () => {
      const st = aelab.state();
      return st.valStep >= 300 && !st.validating;
    }, null, 60000);
    s = await page.evaluate(() => aelab.state());
    check('training lowers the validation loss', s.valLoss < v0 - 0.05,
          `${v0.toFixed(4)} before, ${s.valLoss.toFixed(4)} after ${s.valStep} steps`);
    check('frame rate while training is reported', fps > 0,
          `${fps.toFixed(1)} fps over ${((t1 - t0) / 1000).toFixed(1)} s (budget ${s.budgetMs.toFixed(1)} ms); ${summary.samplesPerS} samples/s ` +
          `(${summary.computeSamplesPerS} while computing), ${summary.stepsPerS} steps/s at batch 64`);
    await sleep(300);
    await page.screenshot({ path: path.join(shotDir, 'web-5-trained.png') });

    // The same core's speed at the CLI's batch size (256), for comparison with node.
    summary.batch256 = await measureBatch256(page, 4000);
    summary.multiThread.batch256 = summary.batch256;
    summary.multiThread.after20Steps = await lossesAfter20Steps(page);
    console.log(`     at batch 256 (${summary.batch256.threads} threads): ${summary.batch256.computeSamplesPerS} samples/s ` +
                `while computing, ${summary.batch256.samplesPerS} wall, ${summary.batch256.fps} fps`);

    // Save downloads a model file; dropping it on the page loads it back.
    const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => aelab.save())]);
    const saved = fs.readFileSync(await download.path());
    check('Save downloads a model file', saved.subarray(0, 8).toString('latin1') === 'AELABMDL',
          `${download.suggestedFilename()}, ${saved.length} bytes`);
    await page.evaluate(() => aelab.reset());
    const dropped = await page.evaluate(async (bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped.aelab'));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 500));
      return aelab.state(); // the app shows the file's name at once; the run loads it meanwhile
    }, Array.from(saved));
    check('a dropped model file is loaded', dropped.model.name === 'dropped.aelab' && dropped.step === 0,
          `model: ${dropped.model.name}; ${dropped.message}`);

    // 5. A smaller HiDPI window: the layout adapts (screenshot to look at).
    const hidpi = await returningVisitor(browser, { viewport: { width: 1024, height: 700 }, deviceScaleFactor: 2 });
    const small = await hidpi.newPage();
    await small.goto(url);
    await waitFor(small, 'HiDPI page becomes ready', () => {
      try { return window.aelab.state().ready && window.aelab.state().testSet.status === 'ready'; } catch (e) { return false; }
    }, null, 60000);
    await small.evaluate(() => aelab.loadTestDigit(1));
    await sleep(500);
    await small.screenshot({ path: path.join(shotDir, 'web-6-hidpi-1024x700.png') });
    await hidpi.close();

    // Frame rate while training where the software renderer is not the bottleneck (a smaller
    // window): at 1280x800 headless Chromium's SwiftShader caps even an idle page near 30 fps.
    await context.close(); // alone, so no other page competes for the two cores
    const smallCtx = await returningVisitor(browser, { viewport: { width: 640, height: 400 } });
    const p2 = await smallCtx.newPage();
    await p2.goto(url);
    await waitFor(p2, 'small page becomes ready', () => { try { return aelab.state().ready; } catch (e) { return false; } }, null, 60000);
    const fpsOver = async (ms) => {
      const a = await p2.evaluate(() => aelab.state()), t = Date.now();
      await sleep(ms);
      const b = await p2.evaluate(() => aelab.state());
      return { fps: (b.frames - a.frames) / ((Date.now() - t) / 1000), steps: b.step - a.step, budgetMs: b.budgetMs };
    };
    const idle = await fpsOver(3000);
    await p2.evaluate(() => aelab.train(true));
    await waitFor(p2, 'small page trains', () => aelab.state().step > 0, null, 60000);
    await sleep(2000); // let the frame budget settle
    const busy = await fpsOver(5000);
    summary.at640x400 = { idleFps: Number(idle.fps.toFixed(1)), trainingFps: Number(busy.fps.toFixed(1)),
                          stepsPerS: Number((busy.steps / 5).toFixed(1)), budgetMs: busy.budgetMs };
    check('frame rate while training at 640x400 is reported', busy.fps > 0,
          `${busy.fps.toFixed(1)} fps training (${idle.fps.toFixed(1)} idle), budget ${busy.budgetMs.toFixed(1)} ms, ` +
          `${(busy.steps / 5).toFixed(1)} steps/s`);
    await smallCtx.close();

    // The server compresses the app's files; the data files are already gzip and go as they are.
    const gzipped = ['aelab-api.js', 'aelab-mt.js', 'aelab-mt.wasm', 'model.aelab'].filter((f) => encodings[f] === 'gzip');
    check('the app\'s files are served gzip-compressed, the .gz data files as they are',
          gzipped.length === 4 && encodings['data/t10k-images-idx3-ubyte.gz'] === 'none',
          Object.entries(encodings).filter(([f]) => /\.(js|wasm|aelab|gz)$/.test(f)).map(([f, e]) => `${f}: ${e}`).join(', '));

    // 6. Static, same-origin, quiet.
    check('no request to another origin', foreign.length === 0, foreign.slice(0, 3).join(', '));
    check('no errors in the page', consoleErrors.length === 0 && s.pageErrors.length === 0,
          [...consoleErrors, ...s.pageErrors].slice(0, 3).join(' | '));

    // 7. Without COOP/COEP (as in an iframe on another site): the single-thread build, same results.
    const plain = await serve(webDir, { isolated: false });
    try {
      const stCtx = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
      const st = await stCtx.newPage();
      const stErrors = [], requested = {};
      st.on('pageerror', (e) => stErrors.push(String(e)));
      st.on('request', (r) => { requested[new URL(r.url()).pathname.slice(1)] = true; });
      await st.goto(plain.url);
      if (!await waitFor(st, 'single-thread page becomes ready', () => {
        try { return window.aelab.state().ready && window.aelab.state().testSet.status === 'ready'; } catch (e) { return false; }
      }, null, 60000)) throw new Error('the single-thread page never became ready');
      const s1 = await st.evaluate(() => aelab.state());
      check('without COOP/COEP the page loads the single-thread build, its run first in the frames',
            !s1.crossOriginIsolated && s1.script === 'aelab.js' && s1.threads === 1 && s1.trainingHost === 'frames',
            `crossOriginIsolated=${s1.crossOriginIsolated}, ${s1.script}, ${s1.threads} thread, host ${s1.trainingHost}`);
      const workerCode = Object.keys(requested).filter((f) => /aelab-(run|worker)/.test(f));
      check('the worker\'s code is not part of the first download', workerCode.length === 0, workerCode.join(', '));
      const loss1 = await st.evaluate(() => { aelab.loadTestDigit(0); return aelab.state().inputLoss; });
      check('single-thread: test digit 0 loss matches the native core within 1e-3', Math.abs(loss1 - reference.loss) <= 1e-3,
            `page ${loss1.toFixed(6)}, native ${reference.loss.toFixed(6)}, threaded page ${summary.digit0.page.toFixed(6)}`);
      await trainLowersValidationLoss(st, 300, 'single-thread');
      const afterTraining = await st.evaluate(() => aelab.state());
      check('single-thread: training moved the run into a Web Worker', afterTraining.trainingHost === 'worker',
            `host ${afterTraining.trainingHost}; loaded ${Object.keys(requested).filter((f) => /aelab-(run|worker)/.test(f)).join(', ')}`);
      // measured, as in the threaded page, after training paused and its validation finished
      summary.singleThread = { script: s1.script, threads: s1.threads, batch256: await measureBatch256(st, 4000) };
      const a1 = await lossesAfter20Steps(st), aN = summary.multiThread.after20Steps;
      // and the inline (frames) host: the single-thread page with ?worker=0
      await st.goto(`${plain.url}?worker=0`);
      await waitFor(st, '?worker=0 page becomes ready', () => {
        try { return aelab.state().ready && aelab.state().testSet.status === 'ready'; } catch (e) { return false; }
      }, null, 60000);
      const aF = await lossesAfter20Steps(st);
      const same = (a) => a.steps === 20 && a.trainLoss === aN.trainLoss && a.digit0Loss === aN.digit0Loss;
      check('the thread, worker and frames hosts train to the same numbers (20 steps from fresh weights)',
            aN.host === 'thread' && a1.host === 'worker' && aF.host === 'frames' && same(a1) && same(aF) && aN.steps === 20,
            `${a1.host}: train loss ${a1.trainLoss}, digit 0 loss ${a1.digit0Loss}; ${aF.host}: ${aF.trainLoss}, ` +
            `${aF.digit0Loss}; ${aN.host} (${summary.multiThread.threads} threads): ${aN.trainLoss}, ${aN.digit0Loss}`);
      // reported, not asserted (timings): the wall-clock pace of training in each page, and what
      // share of the time spent computing batches it keeps while the page draws
      const b1 = summary.singleThread.batch256, bN = summary.multiThread.batch256;
      summary.wallSpeedup = Number((bN.samplesPerS / b1.samplesPerS).toFixed(2));
      const share = (b) => `${Math.round(100 * b.samplesPerS / b.computeSamplesPerS)}%`;
      console.log(`     at batch 256, wall clock: single-thread page ${b1.samplesPerS} samples/s (${share(b1)} of its ` +
                  `${b1.computeSamplesPerS} while computing, ${b1.fps} fps); threaded page, ${bN.threads} training ` +
                  `thread(s) ${bN.samplesPerS} (${share(bN)} of ${bN.computeSamplesPerS}, ${bN.fps} fps): x${summary.wallSpeedup}`);
      // ?threads=1 asks for the single-thread build on an isolated page too
      await st.goto(`${url}?threads=1`);
      await waitFor(st, '?threads=1 page becomes ready', () => { try { return aelab.state().ready; } catch (e) { return false; } }, null, 60000);
      const forced = await st.evaluate(() => aelab.state());
      check('?threads=1 loads the single-thread build on an isolated page',
            forced.crossOriginIsolated && forced.script === 'aelab.js' && forced.threads === 1,
            `crossOriginIsolated=${forced.crossOriginIsolated}, ${forced.script}, ${forced.threads} thread`);
      check('no errors in the single-thread page', stErrors.length === 0, stErrors.slice(0, 3).join(' | '));
      await stCtx.close();

      // 8. A teacher's course page on another origin embeds the lab in an 800x600 iframe, with no
      // COOP/COEP: the lab trains in a Web Worker there, its state() can be polled from the first
      // moment, and the host page keeps its keyboard.
      summary.iframe = await embeddedLab(browser, plain.url);
    } finally {
      plain.server.kill();
    }
  } finally {
    await browser.close();
    server.kill();
  }
  summary.firstDownload = firstDownloadSizes(webDir);
  fs.writeFileSync(path.join(shotDir, 'web-e2e-summary.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log('first download (bytes, raw / gzip -9):');
  for (const r of summary.firstDownload) console.log(`  ${r.name.padEnd(32)} ${String(r.raw ?? '-').padStart(9)} ${String(r.gzip).padStart(9)}`);
  // A first visit to the single-thread page (any iframe): the html, the scripts, the app (with its
  // font compiled in) and the model (float16, README); the data sets come after the first frame.
  const firstVisit = ['index.html', 'aelab-load.js', 'aelab-page.js', 'aelab-api.js', 'aelab-host.js', 'aelab.js', 'aelab.wasm', 'model.aelab'];
  const firstGzip = summary.firstDownload.filter((r) => firstVisit.includes(r.name)).reduce((n, r) => n + r.gzip, 0);
  check(`a first visit downloads at most 900,000 bytes gzip -9 (${firstVisit.join(', ')})`, firstGzip <= 900000,
        `${firstGzip} bytes`);
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`web e2e: ${e.message}`);
  console.log(`${results.passed} passed, ${results.failed + 1} failed`);
  process.exit(1);
});
