// Browser test of the data sets and the experiments on them (issue 10), in the single-thread page
// with the training run in its Web Worker (served without COOP/COEP, as in a teacher's iframe):
//   - the Anomaly view loads the other data set (Fashion-MNIST for the shipped MNIST model),
//     scores it and reports the ROC AUC of its items against the test digits; a scribble is
//     unusual;
//   - aelab.set({dataset: 'fashion'}) loads Fashion-MNIST's test set, says plainly that the
//     shipped model learned digits, and a new model trains there (the worker fetches
//     data/fashion/ itself);
//   - an .npz written by NumPy's np.savez_compressed loads through the file input (inflated by the
//     browser) and reconstructs test digit 0 as the shipped model does;
//   - a user's own IDX files (.gz) through the same file input: chosen, tested and trained on in
//     the worker; 14x14 pictures and a file that is not IDX are refused with their messages.
//   - with the command line given: a test digit's percentile in the page agrees with the one
//     `aelab score`'s CSV gives, and so does every score.
// Screenshots of each go to SCREENSHOT_DIR.
// usage: node data.cjs WEB_DIR SCREENSHOT_DIR [AELAB_CLI MNIST_DIR]
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, waitFor, chromiumOptions, npzOf, openLab } = require('./harness.cjs');

const [webDir, shotDir, cli, mnistDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node data.cjs WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// IDX files: images (count, rows, cols) and labels, from the first `count` of a gzipped split.
function idxImages(count, rows, cols, pixels) {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x803, 0); head.writeUInt32BE(count, 4); head.writeUInt32BE(rows, 8); head.writeUInt32BE(cols, 12);
  return Buffer.concat([head, pixels.subarray(0, count * rows * cols)]);
}
function idxLabels(count, labels) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(0x801, 0); head.writeUInt32BE(count, 4);
  return Buffer.concat([head, labels.subarray(0, count)]);
}

async function setFiles(page, files) {
  await page.setInputFiles('#model-file', files);
  await sleep(300);
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-data-'));
  const { server, url } = await serve(webDir, { isolated: false });
  const browser = await chromium.launch(chromiumOptions());
  try {
    const { page, errors } = await openLab(browser, url);
    const shippedRecon = await page.evaluate(() => { aelab.loadTestDigit(0); return aelab.reconstruction(); });

    // 1. The Anomaly view compares MNIST's test digits with Fashion-MNIST's items.
    await page.evaluate(() => aelab.view('anomaly'));
    await waitFor(page, 'the Anomaly view loads Fashion-MNIST\'s test set', () => aelab.state().otherSet.status === 'ready', null, 60000);
    const anomaly = await page.evaluate(() => {
      aelab.setInput([[[2, 2], [26, 26]], [[26, 2], [2, 26]], [[2, 14], [26, 14]], [[14, 2], [14, 26]]]);
      return { a: aelab.anomaly(), s: aelab.state() };
    });
    await sleep(800);
    await page.screenshot({ path: path.join(shotDir, 'web-data-anomaly-fashion-vs-mnist.png') });
    // measured: 1.0000 (aelab score --other gives the same on the command line)
    check('the Anomaly view scores Fashion-MNIST\'s 10,000 items with the shipped model: ROC AUC against MNIST\'s digits >= 0.995',
          anomaly.a.auc >= 0.995 && anomaly.s.otherSet.dataset === 'fashion' && anomaly.s.otherSet.count === 10000,
          `AUC ${anomaly.a.auc}; screenshot web-data-anomaly-fashion-vs-mnist.png`);
    check('a scribble is unusual there: percentile above 99', anomaly.a.unusual && anomaly.a.percentileOfInput > 99,
          `percentile ${anomaly.a.percentileOfInput}`);

    // The page's scores and a digit's percentile against the command line's `aelab score`.
    if (cli) {
      const csv = path.join(tmp, 'scores.csv');
      execFileSync(cli, ['score', '--model', path.join(webDir, 'model.aelab'), '--data', mnistDir, '--out', csv]);
      const theirs = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[2]));
      const mine = await page.evaluate(() => { aelab.loadTestDigit(123); return { scores: aelab.scores(), a: aelab.anomaly() }; });
      const loss = theirs[123];
      const percentile = 100 * (theirs.filter((v) => v < loss).length + 0.5 * theirs.filter((v) => v === loss).length) / theirs.length;
      check('the page\'s anomaly scores are aelab score\'s (to 1e-5), and test digit 123\'s percentile is the one its CSV gives (to 0.01)',
            theirs.length === 10000 && maxDiff(mine.scores, theirs) < 1e-5 && Math.abs(mine.a.percentileOfInput - percentile) < 0.01,
            `largest difference ${maxDiff(mine.scores, theirs).toExponential(2)}; percentile ${mine.a.percentileOfInput.toFixed(3)} in the page, ${percentile.toFixed(3)} from the CSV`);
    }

    // 2. Fashion-MNIST: chosen, the shipped model's mismatch said plainly, a new model trained in the worker.
    const chosen = await page.evaluate(() => aelab.set({ dataset: 'fashion' }));
    check('set({dataset: \'fashion\'}) is taken: state().dataset', chosen.dataset === 'fashion', chosen.dataset);
    await waitFor(page, 'Fashion-MNIST\'s test set loads', () => {
      const s = aelab.state();
      return s.testSet.status === 'ready' && s.dataset === 'fashion';
    }, null, 60000);
    const fashion = await page.evaluate(() => aelab.state());
    check('Fashion-MNIST\'s test set: 10,000 items; the shipped model is said to have learned MNIST digits',
          fashion.testSet.count === 10000 && fashion.modelDataMismatch === true && fashion.modelData === 'mnist' &&
          /learned MNIST digits, not Fashion-MNIST/.test(fashion.message), `"${fashion.message}"`);
    await page.evaluate(() => aelab.view('map'));
    await sleep(1500);
    await page.screenshot({ path: path.join(shotDir, 'web-data-fashion-shipped-model.png') });
    const trained = await page.evaluate(async () => {
      await aelab.reset();
      const ran = await aelab.step(30);
      return { ran, s: aelab.state() };
    });
    await waitFor(page, 'the training set of Fashion-MNIST in the worker', () => aelab.state().trainSet.count === 60000, null, 60000);
    await waitFor(page, 'a validation pass on Fashion-MNIST', () => { const s = aelab.state(); return s.valLoss !== null && !s.validating; }, null, 60000);
    const after = await page.evaluate(() => aelab.state());
    check('a new model trains 30 steps on Fashion-MNIST in the Web Worker; the model now learned Fashion-MNIST',
          trained.ran === 30 && after.trainingHost === 'worker' && after.trainSet.count === 60000 && after.modelData === 'fashion' &&
          !after.modelDataMismatch && after.valLoss > 0 && after.valLoss < 0.6,
          `${trained.ran} steps, host ${after.trainingHost}, training set ${after.trainSet.count}, validation BCE ${after.valLoss}`);
    await page.evaluate(() => aelab.view('map'));
    await sleep(1500);
    await page.screenshot({ path: path.join(shotDir, 'web-data-fashion-trained-map.png') });

    // 3. An .npz from np.savez_compressed: inflated in the page, digit 0 as the shipped model has it.
    const stored = path.join(tmp, 'stored.npz'), compressed = path.join(tmp, 'compressed.npz');
    fs.writeFileSync(stored, npzOf(fs.readFileSync(path.join(webDir, 'model.aelab'))));
    execFileSync('/usr/bin/python3', ['-c', 'import numpy as np, sys; d = np.load(sys.argv[1]); np.savez_compressed(sys.argv[2], **d)', stored, compressed]);
    // Switched back to MNIST mid-epoch, while training: the run waits for MNIST's sets, then trains on.
    await page.evaluate(async () => { await aelab.train(true); });
    await sleep(1000);
    const before = await page.evaluate(() => { const s = aelab.state(); aelab.set({ dataset: 'mnist' }); return s; });
    await waitFor(page, 'MNIST again, training on it', () => {
      const s = aelab.state();
      return s.dataset === 'mnist' && s.testSet.status === 'ready' && s.trainSet.status === 'ready' && s.trainSet.count === 60000 && s.runStatus === 'training';
    }, null, 60000);
    const t0 = await page.evaluate(() => aelab.state().step);
    await sleep(1500);
    const switched = await page.evaluate(async () => { const s = aelab.state(); await aelab.train(false); return s; });
    check('switching to MNIST mid-epoch while training: the run waits for its sets, then trains on MNIST\'s 60,000 digits',
          before.training && switched.step > t0 && switched.modelData === 'mnist' && switched.pageErrors.length === 0 && errors.length === 0,
          `step ${before.step} on Fashion-MNIST, ${t0} -> ${switched.step} on MNIST`);
    await setFiles(page, compressed);
    await waitFor(page, 'the compressed .npz loads', () => aelab.state().model.name === 'compressed.npz', null, 20000);
    const npz = await page.evaluate(() => { aelab.loadTestDigit(0); return { r: aelab.reconstruction(), s: aelab.state() }; });
    check(`an .npz written by np.savez_compressed (${fs.statSync(compressed).size} bytes) loads through the file input and reconstructs digit 0 as the shipped model (to 1e-6)`,
          maxDiff(npz.r, shippedRecon) < 1e-6 && npz.s.pageErrors.length === 0,
          `largest difference ${maxDiff(npz.r, shippedRecon)}`);

    // 4. The user's own IDX files (here 3,000 and 500 of Fashion-MNIST's, gzipped) through the file input.
    const gunzip = (f) => zlib.gunzipSync(fs.readFileSync(path.join(webDir, 'data/fashion', f)));
    const trainImages = gunzip('train-images-idx3-ubyte.gz').subarray(16), trainLabels = gunzip('train-labels-idx1-ubyte.gz').subarray(8);
    const own = {
      'my-train-images.idx.gz': zlib.gzipSync(idxImages(3000, 28, 28, trainImages)),
      'my-train-labels.idx.gz': zlib.gzipSync(idxLabels(3000, trainLabels)),
      'my-test-images.idx': idxImages(500, 28, 28, trainImages.subarray(3000 * 784)),
      'my-test-labels.idx': idxLabels(500, trainLabels.subarray(3000)),
    };
    const ownPaths = Object.entries(own).map(([name, bytes]) => { const p = path.join(tmp, name); fs.writeFileSync(p, bytes); return p; });
    await setFiles(page, ownPaths);
    await waitFor(page, 'the own data becomes the data set', () => { const s = aelab.state(); return s.dataset === 'custom' && s.testSet.status === 'ready'; }, null, 20000);
    const ownRun = await page.evaluate(async () => { const ran = await aelab.step(10); return { ran, s: aelab.state() }; });
    await waitFor(page, 'the own training set in the worker', () => aelab.state().trainSet.count === 3000, null, 30000);
    const ownState = await page.evaluate(() => aelab.state());
    check('four IDX files of your own (two gzipped) through the file input: tested on 500, 10 steps trained on 3,000 in the worker',
          ownState.testSet.count === 500 && ownState.trainSet.count === 3000 && ownRun.ran === 10 && ownState.trainingHost === 'worker' &&
          /testing on my-test-images\.idx \(500\)/.test(ownState.ownData),
          `test ${ownState.testSet.count}, train ${ownState.trainSet.count}, ran ${ownRun.ran}: "${ownState.ownData}"`);
    await page.evaluate(() => aelab.view('gallery'));
    await sleep(1200);
    await page.screenshot({ path: path.join(shotDir, 'web-data-own-files.png') });

    // Refused: 14x14 pictures (with their sizes), and a file that is not IDX.
    const small = [path.join(tmp, 'small-images'), path.join(tmp, 'small-labels')];
    fs.writeFileSync(small[0], idxImages(20, 14, 14, Buffer.alloc(20 * 196)));
    fs.writeFileSync(small[1], idxLabels(20, Buffer.alloc(20)));
    await setFiles(page, small);
    await waitFor(page, 'a message for 14x14 pictures', () => /14x14/.test(aelab.state().message), null, 10000);
    const smallState = await page.evaluate(() => aelab.state());
    check('14x14 pictures are refused with a message naming the file and the sizes; the data in use stays',
          /small-images: 20 pictures of 14x14 pixels; the lab's network takes 28x28 pictures/.test(smallState.message) &&
          smallState.testSet.status === 'ready' && smallState.testSet.count === 500 && errors.length === 0, `"${smallState.message}"`);
    const notIdx = path.join(tmp, 'notes.txt');
    fs.writeFileSync(notIdx, 'these are not pictures');
    await setFiles(page, [notIdx, small[1]]);
    await waitFor(page, 'a message for a file that is not IDX', () => /notes\.txt/.test(aelab.state().message), null, 10000);
    const bad = await page.evaluate(() => aelab.state());
    check('a file that is not IDX is refused with its name; the data in use stays',
          /notes\.txt: not an IDX images \(magic 0x00000803\) or labels \(0x00000801\) file/.test(bad.message) &&
          bad.dataset === 'custom' && bad.testSet.count === 500, `"${bad.message}"`);
    await sleep(500);
    await page.screenshot({ path: path.join(shotDir, 'web-data-refused.png') });
    check('no page errors', errors.length === 0, errors.join('; '));
  } finally {
    await browser.close();
    server.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`data: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
