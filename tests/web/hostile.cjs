// The page as a careless or hostile user treats it, then left training: wrong files dropped on
// it, a learning rate that blows up, a window resized to 1x1 and back and a frozen tab while
// training, a model switched mid-epoch; then a soak (10+ epochs with 20 resets and model
// switches) with the WebAssembly and JS heaps sampled and bounded. Served with COOP/COEP (the
// threaded page: the run's memory is in the page's own heap, where it can be measured).
// usage: node hostile.cjs WEB_DIR SCREENSHOT_DIR [EPOCHS]
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, waitFor, chromiumOptions, returningVisitor, npzOf } = require('./harness.cjs');

const [webDir, shotDir, epochsArg] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node hostile.cjs WEB_DIR SCREENSHOT_DIR [EPOCHS]');
  process.exit(2);
}
const soakEpochs = Number(epochsArg || 10);
const MB = (b) => (b / 1048576).toFixed(1);

// Drops a file named `name` with `bytes` on the page, as a user drags one in; returns state().
async function drop(page, name, bytes) {
  return page.evaluate(async ([name, bytes]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    await new Promise((r) => setTimeout(r, 400));
    return aelab.state();
  }, [name, Array.from(bytes)]);
}


async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const { server, url } = await serve(webDir);
  const browser = await chromium.launch(chromiumOptions(['--enable-precise-memory-info', '--js-flags=--expose-gc']));
  const summary = {};
  try {
    const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(url);
    if (!await waitFor(page, 'page becomes ready', () => {
      try { return aelab.state().ready && aelab.state().testSet.status === 'ready'; } catch (e) { return false; }
    }, null, 60000)) throw new Error('the page never became ready');
    const shipped = (await page.evaluate(() => aelab.state())).model.name;

    // Wrong files dropped on the page: a message naming the file, the model kept.
    const model = fs.readFileSync(path.join(webDir, 'model.aelab'));
    const shot = path.join(shotDir, 'web-1-ready.png'); // the browser test's first screenshot, if it ran
    const png = fs.existsSync(shot) ? fs.readFileSync(shot) : Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200)]);
    for (const [name, bytes, expect] of [
      ['half.aelab', model.subarray(0, model.length >> 1), /half\.aelab: truncated: expected \d+ bytes, found \d+/],
      ['digit.png', png, /digit\.png: not an aelab model \(expected magic AELABMDL\)/],
      ['empty.aelab', Buffer.alloc(0), /empty\.aelab: truncated/],
    ]) {
      const s = await drop(page, name, bytes);
      check(`dropping ${name} (${bytes.length} bytes) is refused with a message, the model kept`,
            expect.test(s.message) && s.model.name === shipped && s.pageErrors.length === 0, `"${s.message}"`);
    }

    // Weights from Keras or PyTorch: an .npz dropped on the page loads, and reconstructs test
    // digit 0 exactly as the model it was made from; a cut one is refused with its message.
    const shippedRecon = await page.evaluate(() => { aelab.loadTestDigit(0); return Array.from(aelab.reconstruction()); });
    for (const [name, bytes] of [['keras.npz', npzOf(model)], ['torch.npz', npzOf(model, true)]]) {
      const s = await drop(page, name, bytes);
      const after = await page.evaluate(() => { aelab.loadTestDigit(0); return Array.from(aelab.reconstruction()); });
      const diff = Math.max(...after.map((v, i) => Math.abs(v - shippedRecon[i])));
      check(`dropping ${name} (${bytes.length} bytes, the shipped weights) loads it: digit 0's reconstruction is the same (to 1e-6)`,
            s.model.name === name && s.message === `loaded ${name}` && diff < 1e-6 && s.pageErrors.length === 0,
            `"${s.message}", model ${s.model.name}, largest difference ${diff}`);
    }
    const cut = npzOf(model).subarray(0, 3000);
    const refused = await drop(page, 'cut.npz', cut);
    check('a cut .npz is refused with its message, the model kept', refused.message === 'cut.npz: not an .npz (no zip end record)' &&
          refused.model.name === 'torch.npz', `"${refused.message}"`);

    // A learning rate that blows up: training stops by itself, says so, and goes on at a lower one.
    await page.evaluate(async () => { await aelab.reset(); aelab.set({ lr: 10, batch: 64 }); await aelab.train(true); });
    const diverged = await waitFor(page, 'training at lr 10 stops by itself', () => aelab.state().diverged, null, 120000);
    let s = await page.evaluate(() => aelab.state());
    if (diverged) {
      check('a diverging run stops, names the step and keeps the last good weights', !s.training && /^training diverged at step \d+ \(the loss is .*\): the weights of step \d+/.test(s.divergence),
            s.divergence);
      await sleep(300);
      await page.screenshot({ path: path.join(shotDir, 'web-hostile-diverged.png') });
    }
    const ran = await page.evaluate(async () => { aelab.set({ lr: 0.001 }); return aelab.step(40); });
    s = await page.evaluate(() => aelab.state());
    check('after lowering the learning rate the same page trains on', ran === 40 && !s.diverged && Number.isFinite(s.trainLoss),
          `${ran} steps, training loss ${s.trainLoss}`);

    // While training: a 1x1 window and back, and a frozen tab (no frames, no timers) and back.
    await page.evaluate(() => aelab.train(true));
    await sleep(1000);
    const before = await page.evaluate(() => aelab.state());
    await page.setViewportSize({ width: 1, height: 1 });
    await sleep(1500);
    await page.setViewportSize({ width: 1280, height: 800 });
    await sleep(1500);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await sleep(3000);
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await sleep(1500);
    s = await page.evaluate(() => aelab.state());
    check('a 1x1 window and a frozen tab while training: it trains and draws on', s.training && s.step > before.step &&
          s.frames > before.frames + 10 && s.pageErrors.length === 0,
          `steps ${before.step} -> ${s.step}, frames ${before.frames} -> ${s.frames}`);
    // a model switched mid-epoch: the dropped one replaces the run's (training pauses, as after
    // any load), and training goes on from it
    const switched = await drop(page, 'switched.aelab', model);
    await page.evaluate(() => aelab.train(true));
    await sleep(1500);
    s = await page.evaluate(() => aelab.state());
    check('a model dropped mid-epoch replaces the run\'s, and training goes on from it', switched.model.name === 'switched.aelab' &&
          s.training && s.step > 0 && s.model.name === 'switched.aelab',
          `model ${s.model.name}, ${s.step} steps since it was loaded`);
    await page.screenshot({ path: path.join(shotDir, 'web-hostile-after.png') });
    await page.evaluate(() => aelab.train(false));

    // Soak: 10+ epochs of training with 20 resets and model switches among them; heaps sampled.
    // the JS heap after a full collection (gc() is exposed by --expose-gc): what is still held,
    // not the garbage the collector has yet to take, which comes and goes by tens of MB
    // (collected twice, 200 ms apart: a download's buffers that a settled promise still held at the
    // first collection went at the second; one run on 2026-12-04 read 105 MB right after the
    // training set had arrived, which two runs since did not repeat)
    const sample = () => page.evaluate(async () => {
      if (window.gc) window.gc();
      await new Promise((r) => setTimeout(r, 200));
      if (window.gc) window.gc();
      const s = aelab.state();
      return { wasm: s.wasmHeapBytes, inUse: s.wasmHeapInUseBytes, timeline: s.timelineBytes,
               js: performance.memory.usedJSHeapSize, epoch: s.epoch, step: s.step };
    });
    await page.evaluate(async () => { await aelab.reset(); aelab.set({ batch: 256, lr: 0.001, epochs: 1000 }); await aelab.train(true); });
    await waitFor(page, 'soak: the first epoch', () => aelab.state().epoch >= 1, null, 180000);
    const warm = await sample(), samples = [warm];
    const timelineBudget = await page.evaluate(() => aelab.state().timelineBudgetBytes);
    const t0 = Date.now();
    let epochs = 0, resets = 0, switches = 0, lastEpoch = warm.epoch;
    while (epochs < soakEpochs && Date.now() - t0 < 600000) {
      await sleep(resets < 20 ? 1000 : 3000);
      const now = await sample();
      samples.push(now);
      if (now.epoch !== lastEpoch) epochs += Math.max(0, now.epoch - lastEpoch), lastEpoch = now.epoch;
      if (resets < 20) { // each reset starts a new run: epochs are counted across them
        if (resets % 4 === 3) { await drop(page, `soak-${resets}.aelab`, model); switches++; } else await page.evaluate(() => aelab.reset());
        await page.evaluate(() => aelab.train(true));
        lastEpoch = 0;
        resets++;
      }
    }
    const end = await sample();
    await page.evaluate(() => aelab.train(false));
    const maxWasm = Math.max(...samples.map((x) => x.wasm)), maxJs = Math.max(...samples.map((x) => x.js));
    // what the allocator holds apart from the training timeline's snapshots, which fill up to
    // their budget as a run goes on (a reset empties them)
    const held = (x) => x.inUse - x.timeline, maxHeld = Math.max(...samples.map(held));
    const maxTimeline = Math.max(...samples.map((x) => x.timeline));
    summary.soak = { epochs, resets, modelSwitches: switches, seconds: Math.round((Date.now() - t0) / 1000),
                     wasmHeapMB: { warm: MB(warm.wasm), max: MB(maxWasm), end: MB(end.wasm) },
                     wasmInUseApartFromTimelineMB: { warm: MB(held(warm)), max: MB(maxHeld), end: MB(held(end)) },
                     timelineMB: { warm: MB(warm.timeline), max: MB(maxTimeline), budget: MB(timelineBudget) },
                     jsHeapMB: { warm: MB(warm.js), max: MB(maxJs), end: MB(end.js) } };
    check(`soak: ${epochs} epochs with ${resets} resets and model switches`, epochs >= soakEpochs && resets === 20,
          `${summary.soak.seconds} s`);
    // bounds:
    // - the allocator's bytes in use, the timeline's snapshots aside, never more than 8 MB above
    //   the first epoch's (a leak of anything per step, per reset or per load shows here);
    // - the WebAssembly memory (it only grows, by 20% at a time) never more than the timeline's
    //   budget and 16 MB above the first epoch's: the timeline holds a few snapshots after the
    //   first epoch and up to its budget later. (Until 2026-12 the bound was 16 MB alone, which
    //   a timeline filling up could pass: one CI run grew from 100.3 to 120.4 MB, one step.)
    // - the JS heap, measured after a full collection, never tops 64 MB (it has been seen from
    //   3.5 to 43 MB at the end of this soak: the spread is not explained yet; a leak of anything
    //   per frame or per snapshot would pass 64 MB here)
    check('soak: the WebAssembly allocator holds no more than after the first epoch (the timeline aside)',
          maxHeld <= held(warm) + 8 * 1048576,
          `${MB(held(warm))} MB after the first epoch, at most ${MB(maxHeld)} MB, ${MB(held(end))} MB at the end; ` +
          `the timeline ${MB(warm.timeline)} MB, at most ${MB(maxTimeline)} MB of its ${MB(timelineBudget)} MB`);
    check('soak: the WebAssembly heap grows by no more than the timeline\'s budget and 16 MB',
          maxWasm <= warm.wasm + timelineBudget + 16 * 1048576,
          `${MB(warm.wasm)} MB after the first epoch, at most ${MB(maxWasm)} MB, ${MB(end.wasm)} MB at the end`);
    check('soak: the JS heap stays under 64 MB', maxJs <= 64 * 1048576,
          `${MB(warm.js)} MB after the first epoch, at most ${MB(maxJs)} MB, ${MB(end.js)} MB at the end`);
    check('no errors in the page', errors.length === 0, errors.slice(0, 3).join(' | '));
    await context.close();
  } finally {
    await browser.close();
    server.kill();
  }
  fs.writeFileSync(path.join(shotDir, 'web-hostile-summary.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`web hostile: ${e.message}`);
  console.log(`${results.passed} passed, ${results.failed + 1} failed`);
  process.exit(1);
});
