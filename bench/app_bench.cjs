// The app itself while it trains, in Debian's headless Chromium: frames per second and training
// samples per second (wall clock and while computing) at batch 256, for the threaded page (served
// with COOP/COEP by tools/serve.py: training on a thread of its own) and the single-thread page
// (no isolation: training in slices of each frame), at 1280x800 and 640x400. Prints JSON.
//   NODE_PATH=<node_modules> node app_bench.cjs WEB_DIR [--seconds S]
'use strict';
const { serve } = require('../tools/serve_child.cjs');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Trains `seconds` at batch 256 once the training set is in and an epoch is under way.
async function measure(browser, url, width, height, seconds) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => { try { return aelab.state().ready; } catch (e) { return false; } },
      null, { timeout: 60000, polling: 100 });
    await page.evaluate(() => { aelab.set({ batch: 256 }); aelab.train(true); });
    await page.waitForFunction(() => aelab.state().step > 20, null, { timeout: 180000, polling: 100 });
    await sleep(2000); // past the first epoch's start and the single-thread build's budget settling
    const a = await page.evaluate(() => aelab.state()), t0 = Date.now();
    await sleep(seconds * 1000);
    const b = await page.evaluate(() => aelab.state()), dt = (Date.now() - t0) / 1000;
    await page.evaluate(() => aelab.train(false));
    return { width, height, script: b.script, trainingThread: b.trainingThread, threads: b.threads,
             seconds: Number(dt.toFixed(1)), fps: Number(((b.frames - a.frames) / dt).toFixed(1)),
             samplesPerS: Math.round((b.step - a.step) * 256 / dt),
             computeSamplesPerS: Math.round(b.computeSamplesPerS) };
  } finally {
    await context.close();
  }
}

async function main() {
  const dir = process.argv[2];
  const seconds = process.argv[3] === '--seconds' ? Number(process.argv[4]) : 15;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const result = { batch: 256, seconds };
  try {
    for (const [key, isolated] of [['threaded', true], ['single_thread', false]]) {
      const { server, url } = await serve(dir, { isolated });
      try {
        result[key] = [];
        for (const [w, h] of [[1280, 800], [640, 400]]) {
          result[key].push(await measure(browser, url, w, h, seconds));
        }
      } catch (e) {
        result[key] = { error: String(e.message || e) };
      } finally {
        server.kill();
      }
    }
    // The renderer's own ceiling: an idle page's frame rate at each size.
    const { server, url } = await serve(dir);
    try {
      result.idle = [];
      for (const [w, h] of [[1280, 800], [640, 400]]) {
        const context = await browser.newContext({ viewport: { width: w, height: h } });
        const page = await context.newPage();
        await page.goto(url);
        await page.waitForFunction(() => { try { return aelab.state().ready; } catch (e) { return false; } },
          null, { timeout: 60000, polling: 100 });
        await sleep(1000);
        const a = await page.evaluate(() => aelab.state()), t0 = Date.now();
        await sleep(5000);
        const b = await page.evaluate(() => aelab.state()), dt = (Date.now() - t0) / 1000;
        result.idle.push({ width: w, height: h, fps: Number(((b.frames - a.frames) / dt).toFixed(1)) });
        await context.close();
      }
    } finally {
      server.kill();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result, null, 1) + '\n');
}

main().catch((e) => { console.error(`app_bench: ${e.message}`); process.exit(1); });
