// The page in Firefox ESR (Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi; no
// browser is downloaded), in a window under Xvfb (headless Firefox has no WebGL2 without a GPU):
// it becomes ready, test digit 0's loss matches the native core's, a mouse stroke becomes the
// input, Space (keys go to the lab after a click into it) starts training in the Web Worker, S
// trains one batch, Escape gives the keyboard back to the page, the AE vs VAE tab draws, the
// Feature maps tab builds a conv model, and no page errors.
// usage: xvfb-run node firefox.cjs WEB_DIR REFERENCE_JSON SCREENSHOT_DIR
'use strict';
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep } = require('./harness.cjs');

const [webDir, referencePath, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: xvfb-run node firefox.cjs WEB_DIR REFERENCE_JSON SCREENSHOT_DIR');
  process.exit(2);
}
const reference = JSON.parse(fs.readFileSync(referencePath, 'utf8'));

const state = (page) => page.evaluate(() => { try { return aelab.state(); } catch (e) { return { ready: false }; } });
async function until(page, fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const s = await state(page);
    if (s.ready && fn(s)) return s;
    await sleep(250);
  }
  return null;
}

(async () => {
  fs.mkdirSync(shotDir, { recursive: true });
  const { server, url } = await serve(webDir, { isolated: false });
  const profile = fs.mkdtempSync('/tmp/aelab-firefox-');
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: false, protocol: 'webDriverBiDi',
    userDataDir: profile, defaultViewport: { width: 1280, height: 800 },
    extraPrefsFirefox: { 'browser.shell.checkDefaultBrowser': false, 'datareporting.policy.dataSubmissionEnabled': false },
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.evaluateOnNewDocument(() => { try { localStorage.setItem('aelab-tour-seen', '1'); } catch (e) { /* none */ } });
    await page.goto(url);
    let s = await until(page, (st) => st.testSet.status === 'ready', 120000);
    const version = await browser.version();
    check(`Firefox (${version}) makes the lab ready with its test set`, s !== null,
          s ? `${s.script}, first frame after ${Math.round(s.readyMs)} ms` : JSON.stringify(await state(page)));
    if (!s) throw new Error('not ready');
    const digit = await page.evaluate(async () => {
      aelab.loadTestDigit(0);
      await new Promise((r) => setTimeout(r, 500));
      return { loss: aelab.state().inputLoss, recon: aelab.reconstruction() };
    });
    check('test digit 0\'s loss matches the native core within 1e-3', Math.abs(digit.loss - reference.loss) <= 1e-3,
          `Firefox ${digit.loss.toFixed(10)}, native ${reference.loss.toFixed(10)}`);
    await page.evaluate(() => aelab.setInput(new Array(784).fill(0)));
    await sleep(300);
    const c = (await state(page)).drawCanvas;
    const at = (fx, fy) => [c.x + fx * c.w, c.y + fy * c.h];
    await page.mouse.move(...at(0.35, 0.2));
    await page.mouse.down();
    for (const p of [[0.6, 0.2], [0.62, 0.35], [0.45, 0.55], [0.4, 0.8]]) await page.mouse.move(...at(...p), { steps: 6 });
    await page.mouse.up();
    s = await until(page, (st) => !st.inputEmpty, 5000);
    check('a mouse stroke becomes the input', s !== null, s ? `loss ${s.inputLoss.toFixed(4)}` : '');
    await page.mouse.click(5, 795); // into the lab: the canvas takes the keys
    await page.keyboard.press(' ');
    s = await until(page, (st) => st.training && st.step > 5, 60000);
    check('Space starts training in the Web Worker', s !== null && s.trainingHost === 'worker',
          s ? `step ${s.step}, host ${s.trainingHost}` : JSON.stringify((await state(page)).trainSet));
    await page.keyboard.press(' ');
    s = await until(page, (st) => !st.training && st.settled, 20000);
    check('Space pauses it', s !== null);
    const before = s ? s.step : 0;
    await page.keyboard.press('s');
    s = await until(page, (st) => st.step === before + 1 && st.settled, 20000);
    check('S trains one batch', s !== null, s ? `step ${before} -> ${s.step}` : '');
    await page.keyboard.press('Escape');
    const focus = await page.evaluate(() => document.activeElement && document.activeElement.id);
    check('Escape gives the keyboard back to the page', focus !== 'canvas', `focus on ${focus || 'the page'}`);
    await page.screenshot({ path: path.join(shotDir, 'firefox-1280x800.png') });
    // the AE vs VAE tab, by a click: its two trained models fetched and drawn with no input
    // (a press as a person makes it: the pointer rests on the tab first, the button is held a
    // moment; an instant click right after Escape once went unseen in a CI run)
    const pressAt = async (r) => {
      await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2, { steps: 4 });
      await sleep(150);
      await page.mouse.down();
      await sleep(80);
      await page.mouse.up();
      await sleep(150);
    };
    await pressAt((await state(page)).widgets['view:compare']);
    await page.mouse.move(5, 795);
    s = await until(page, (st) => st.view === 'compare' && st.compare.ae.drawn && st.compare.vae.drawn, 60000);
    check('the AE vs VAE tab draws both trained models in Firefox', s !== null, s ? '' : JSON.stringify((await state(page)).compare));
    await page.screenshot({ path: path.join(shotDir, 'firefox-compare.png') });
    // the Feature maps tab: "Build a convolutional model...", answered, then its every layer
    await pressAt((await state(page)).widgets['view:features']);
    s = await until(page, (st) => st.view === 'features' && st.widgets['build-conv'], 10000);
    if (s) await pressAt(s.widgets['build-conv']);
    s = await until(page, (st) => st.question !== null, 5000);
    if (s) await pressAt(s.widgets['discard:do']);
    await page.mouse.move(5, 795);
    s = await until(page, (st) => st.model.kind === 'conv' && st.settled, 20000);
    const maps = s ? await page.evaluate(() => aelab.featureMaps().map((m) => m.name).length) : 0;
    check('the Feature maps tab builds a conv model in Firefox, and featureMaps() gives its 14 layers',
          s !== null && maps === 14, s ? `${maps} layers` : JSON.stringify((await state(page)).model));
    await page.screenshot({ path: path.join(shotDir, 'firefox-features.png') });
    check('no page errors in Firefox', errors.length === 0 && (await state(page)).pageErrors.length === 0,
          [...errors, ...(await state(page)).pageErrors].join(' | '));
  } catch (e) {
    check('the Firefox smoke test ran to the end', false, e.stack);
  } finally {
    await browser.close();
    server.kill();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
})();
