// The app itself in Debian's headless Chromium, as its users meet it: frames per second and
// training samples per second (wall clock) at batch 256 while the UI runs, and what an idle page
// costs. Three ways in:
//   threaded       the page served with COOP/COEP: the threaded build, training on a thread of its own
//   iframe         the page in an 800x600 iframe of a course page on another origin, no isolation:
//                  the single-thread build, training in its Web Worker (the teacher's embed)
//   single_thread  the same single-thread page opened directly (Web Worker host)
// The idle frame rate is the renderer's ceiling: the mouse moves over the lab without pause, so
// every animation frame is drawn. The idle CPU is the page's main-thread task time over 5 s at
// rest (no input, no training), from the Chrome DevTools Protocol's Performance metrics. Then the
// convolutional model (issue 25) trains at batch 128 in the threaded page and in the iframe
// (under "conv"; training pace only). Prints JSON.
//   NODE_PATH=<node_modules> node app_bench.cjs WEB_DIR [--seconds S] [--only threaded,iframe,...]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { serve } = require('../tools/serve_child.cjs');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const readyFn = () => {
  try { const s = aelab.state(); return s.ready && s.testSet.status === 'ready' && s.valLoss !== null && s.settled; } catch (e) { return false; }
};

// A course page on another origin with the lab in an 800x600 iframe.
function coursePage(labUrl) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-course-'));
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Course page</title>
<body style="margin:0"><p style="margin:4px;font:13px sans-serif">Lesson: autoencoders</p>
<iframe id="lab" src="${labUrl}" width="800" height="600" style="border:0"></iframe></body>`);
  return dir;
}

// Moves the mouse in circles over `box` for `ms`, so the app draws every animation frame.
async function wiggle(page, box, ms) {
  const t0 = Date.now();
  for (let i = 0; Date.now() - t0 < ms; i++) {
    const a = i / 8;
    await page.mouse.move(box.x + box.width * (0.5 + 0.3 * Math.cos(a)), box.y + box.height * (0.5 + 0.3 * Math.sin(a)));
    await sleep(8);
  }
}

async function measure(browser, { url, width, height, seconds, iframe, model = 'ae' }) {
  const batch = model === 'conv' ? 128 : 256;
  const context = await browser.newContext({ viewport: { width: iframe ? 820 : width, height: iframe ? 640 : height } });
  const page = await context.newPage();
  let course = null;
  try {
    if (iframe) {
      course = await serve(coursePage(url), { isolated: false });
      await page.goto(course.url);
    } else {
      await page.goto(url);
    }
    const frame = iframe ? page.frames().find((f) => f.url().startsWith(url)) : page.mainFrame();
    if (!frame) throw new Error('the lab iframe did not load');
    await frame.waitForFunction(readyFn, null, { timeout: 90000, polling: 100 });
    const box = iframe ? await (await page.$('#lab')).boundingBox() : { x: 0, y: 0, width, height };

    // idle: at rest (the main loop should sleep), then the ceiling with the mouse moving
    let idle = null;
    if (model === 'ae') {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await sleep(1500);
      const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
      const r0 = await frame.evaluate(() => aelab.state()), c0 = await task(), t0 = Date.now();
      await sleep(5000);
      const r1 = await frame.evaluate(() => aelab.state()), c1 = await task(), restS = (Date.now() - t0) / 1000;
      const w0 = await frame.evaluate(() => aelab.state()), tw = Date.now();
      await wiggle(page, box, 5000);
      const w1 = await frame.evaluate(() => aelab.state()), wiggleS = (Date.now() - tw) / 1000;
      idle = { restFps: Number(((r1.frames - r0.frames) / restS).toFixed(2)),
               restMainThreadCpu: Number(((c1 - c0) / restS).toFixed(4)), // share of one core
               ceilingFps: Number(((w1.frames - w0.frames) / wiggleS).toFixed(1)) };
    }

    // training, once the training set is in and the run is under way
    await frame.evaluate(async ([kind, b]) => { aelab.set({ kind, batch: b }); await aelab.train(true); }, [model, batch]);
    await frame.waitForFunction(() => aelab.state().step > 20, null, { timeout: 240000, polling: 100 });
    await sleep(2000);
    const a = await frame.evaluate(() => aelab.state()), ta = Date.now();
    await sleep(seconds * 1000);
    const b = await frame.evaluate(() => aelab.state()), dt = (Date.now() - ta) / 1000;
    await frame.evaluate(() => aelab.train(false));
    const samplesPerS = Math.round((b.step - a.step) * batch / dt);
    return {
      model: b.model.kind, batch, width, height, iframe: !!iframe, script: b.script, trainingHost: b.trainingHost,
      threads: b.threads, ...(idle ? { idle } : {}),
      training: { seconds: Number(dt.toFixed(1)), fps: Number(((b.frames - a.frames) / dt).toFixed(1)), samplesPerS,
                  secondsPerEpoch: Number((60000 / samplesPerS).toFixed(2)),
                  computeSamplesPerS: Math.round(b.computeSamplesPerS), frameCpuMs: Number(b.frameCpuMs.toFixed(2)) },
    };
  } finally {
    await context.close();
    if (course) course.server.kill();
  }
}

async function main() {
  const dir = process.argv[2];
  let seconds = 15, only = null;
  for (let i = 3; i < process.argv.length; i += 2) {
    if (process.argv[i] === '--seconds') seconds = Number(process.argv[i + 1]);
    else if (process.argv[i] === '--only') only = process.argv[i + 1].split(',');
    else throw new Error(`unknown option ${process.argv[i]}`);
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const result = { batch: 256, seconds };
  const runs = [['threaded', true, [[1280, 800, false], [800, 600, false]]],
                ['iframe', false, [[800, 600, true]]],
                ['single_thread', false, [[1280, 800, false]]],
                ['conv_threaded', true, [[1280, 800, false, 'conv']]],
                ['conv_iframe', false, [[800, 600, true, 'conv']]]];
  try {
    for (const [key, isolated, sizes] of runs) {
      if (only && !only.includes(key)) continue;
      const { server, url } = await serve(dir, { isolated });
      try {
        result[key] = [];
        for (const [width, height, iframe, model] of sizes) {
          result[key].push(await measure(browser, { url, width, height, seconds, iframe, model }));
        }
      } catch (e) {
        result[key] = { error: String(e.message || e) };
      } finally {
        server.kill();
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result, null, 1) + '\n');
}

main().catch((e) => { console.error(`app_bench: ${e.message}`); process.exit(1); });
