// The variational autoencoder in the page (issue 24), as a student meets it, with real input only
// (mouse, touch, keyboard) and then no input at all, reading state() (reads do not wake the lab):
//   1. the Train panel's model combo chosen VAE by mouse, latent 2 typed, Start: the worker trains a
//      VAE with nobody touching the page; Pause; the Generate tab's samples appear untouched, New
//      samples draws others, a click on its plane shows that code's picture; the AE vs VAE tab
//      fetches its two trained models and draws both with no input; "the lab's own" puts the
//      VAE trained here on its side;
//   2. the API: aelab.sample (the same seed, the same pictures), state().model.kind, lossTerms,
//      aelab.set({beta}), the lesson link's kind and beta, a bad kind refused;
//   3. a phone, by touch: the Generate and AE vs VAE tabs.
// Screenshots of each, which the session looks at.
// usage: node generate.cjs WEB_DIR SCREENSHOT_DIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, chromiumOptions, quietlyUntil, press, clickWidget, openQuietly } = require('./harness.cjs');

const [webDir, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node generate.cjs WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const state = (page) => page.evaluate(() => aelab.state());


const click = clickWidget;
const openPage = openQuietly;

// 1. A student's VAE, by mouse and keyboard only.
async function studentJourney(browser, url) {
  const { context, page, errors } = await openPage(browser, url);
  // the model combo: open it, then the second choice, "VAE"
  const combo = (await state(page)).settingWidgets.kind;
  await press(page, combo);
  await page.keyboard.press('ArrowDown'); // from "autoencoder" to "VAE" in the list that opened
  await sleep(100);
  await page.keyboard.press('Enter');
  await sleep(300);
  let s = await state(page);
  check('choosing VAE waits for "Build this model..."', s.model.kind === 'ae' && Boolean(s.widgets.build),
        `the model ${s.model.kind}, Build ${s.widgets.build ? 'shown' : 'absent'}`);
  // latent 2: typed into its field (a double-click selects the number, then the keys replace it)
  const latent = (await state(page)).settingWidgets.latent;
  await page.mouse.dblclick(latent.x + latent.w * 0.3, latent.y + latent.h / 2);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  await sleep(300);
  await click(page, 'build');
  s = await state(page);
  if (s.question) await click(page, 'discard:do'); // the shipped model: nothing trained here, but asked anyway
  s = await quietlyUntil(page, (st) => st.model.kind === 'vae' && st.model.latent === 2, 10000);
  check('Build makes a 2-unit VAE (state().model)', s !== null,
        s ? '' : JSON.stringify((await state(page)).model));
  await click(page, 'start');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.step >= 300, 120000);
  check('the VAE trains in the worker with nobody touching the page', s !== null, s ? `step ${s.step}` : `step ${(await state(page)).step}`);
  await click(page, 'pause');
  s = await quietlyUntil(page, (st) => !st.training && st.settled && st.lossTerms !== null, 30000);
  check('Pause, then the validation pass in its parts', s !== null && s.lossTerms.kl > 0 && s.lossTerms.recon > 50,
        s ? `recon ${s.lossTerms.recon.toFixed(2)}, KL ${s.lossTerms.kl.toFixed(3)}, loss ${s.valLoss.toFixed(2)} (beta ${s.beta})` : '');
  check('  ... the validation loss is recon + beta KL, per picture',
        s !== null && Math.abs(s.valLoss - (s.lossTerms.recon + s.beta * s.lossTerms.kl)) < 1e-2 * s.valLoss);
  await click(page, 'view:generate');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.view === 'generate' && st.generate.samples > 0 && st.settled, 30000);
  check('the Generate tab draws its samples with no input', s !== null, s ? `${s.generate.samples} samples, seed ${s.generate.seed}` : '');
  await click(page, 'new-samples');
  s = await state(page);
  check('New samples draws another seed', s.generate.seed === 1, `seed ${s.generate.seed}`);
  const plane = s.widgets['generate-plane'];
  await press(page, plane, 0.8, 0.25);
  s = await quietlyUntil(page, (st) => st.generate.picked !== null, 5000);
  check('a click on the plane picks a code to decode', s !== null, s ? `picked ${JSON.stringify(s.generate.picked)}` : '');
  await page.mouse.move(5, 795);
  await sleep(800);
  await page.screenshot({ path: path.join(shotDir, 'generate-1-vae-1280x800.png') });
  // a click on the Decoded plane tab's picture picks that point and shows it large in Generate
  await click(page, 'view:grid');
  await page.mouse.move(5, 795);
  await sleep(600);
  const plane0 = (await state(page)).generate.picked;
  const area = (await state(page)).layout.views;
  await press(page, area, 0.2, 0.6); // within the plane's picture, which fills the tab's left
  s = await quietlyUntil(page, (st) => st.view === 'generate' && JSON.stringify(st.generate.picked) !== JSON.stringify(plane0), 5000);
  check('a click on the Decoded plane opens Generate with that point picked', s !== null,
        s ? `picked ${JSON.stringify(s.generate.picked)}` : `view ${(await state(page)).view}`);
  await click(page, 'view:compare');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.compare.ae.drawn && st.compare.vae.drawn, 60000);
  check('the AE vs VAE tab fetches its two trained models and draws both with no input', s !== null,
        s ? '' : JSON.stringify((await state(page)).compare));
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'generate-2-compare-1280x800.png') });
  await click(page, 'compare-own:vae');
  s = await quietlyUntil(page, (st) => st.compare.vae.own && st.compare.vae.drawn, 20000);
  check('"the lab\'s own" shows the VAE trained here on the VAE side', s !== null);
  await page.mouse.move(5, 795);
  await sleep(800);
  await page.screenshot({ path: path.join(shotDir, 'generate-3-compare-own.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await sleep(1500);
  await page.screenshot({ path: path.join(shotDir, 'generate-4-compare-1920x1080.png') });
  check('no page errors in the student journey', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 2. The page's API and the lesson link's keys.
async function api(browser, url) {
  const { context, page, errors } = await openPage(browser, `${url}#kind=vae&latent=2&beta=2&view=generate`);
  const s = await quietlyUntil(page, (st) => st.model.kind === 'vae' && st.model.latent === 2, 20000);
  check('a lesson link with kind=vae&latent=2&beta=2 opens a 2-unit VAE', s !== null && s.beta === 2 && s.view === 'generate',
        s ? `beta ${s.beta}, view ${s.view}` : JSON.stringify((await state(page)).model));
  const r = await page.evaluate(() => {
    const a = aelab.sample(5, 3), b = aelab.sample(5, 3), c = aelab.sample(5, 4);
    const same = JSON.stringify(a) === JSON.stringify(b), other = JSON.stringify(a) !== JSON.stringify(c);
    let refused = '';
    try { aelab.set({ kind: 'gan' }); } catch (e) { refused = e.message; }
    let badN = '';
    try { aelab.sample(0); } catch (e) { badN = e.message; }
    aelab.set({ beta: 4 });
    return { n: a.length, len: a[0].length, inRange: a.flat().every((v) => v >= 0 && v <= 1), same, other, refused, badN,
             link: aelab.link(), beta: aelab.state().beta };
  });
  check('aelab.sample(5, 3) gives 5 pictures of 784 values in [0, 1]', r.n === 5 && r.len === 784 && r.inRange);
  check('  ... the same seed the same pictures, another seed others', r.same && r.other);
  check('aelab.set({kind: "gan"}) is refused saying what kinds there are', /'ae', 'vae' or 'conv'/.test(r.refused), r.refused);
  check('aelab.sample(0) is refused', /expected/.test(r.badN), r.badN);
  check('aelab.set({beta: 4}) while a VAE: state().beta and the link say 4', r.beta === 4 && /[#&]kind=vae&/.test(r.link) && /&beta=4(&|$)/.test(r.link), r.link);
  check('no page errors in the API journey', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 3. A phone: the two new tabs by touch.
async function phone(browser, url) {
  const { context, page, errors } = await openPage(browser, `${url}#kind=vae&latent=2`,
    { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const cdp = await context.newCDPSession(page);
  const tap = async (name) => {
    const r = (await state(page)).widgets[name];
    if (!r) throw new Error(`no widget '${name}' on the phone`);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: r.x + r.w / 2, y: r.y + r.h / 2 }] });
    await sleep(120);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await sleep(400);
  };
  await tap('tab:views');
  await tap('view:generate'); // a phone shows every view's button, wrapped
  let s = await quietlyUntil(page, (st) => st.view === 'generate' && st.generate.samples > 0, 30000);
  check('the phone shows the Generate tab by touch', s !== null);
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'generate-5-phone-generate.png') });
  await tap('view:compare');
  s = await quietlyUntil(page, (st) => st.compare.ae.drawn && st.compare.vae.drawn, 60000);
  check('the phone shows the AE vs VAE tab by touch', s !== null);
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'generate-6-phone-compare.png') });
  check('no page errors on the phone', errors.length === 0, errors.join(' | '));
  await context.close();
}

(async () => {
  fs.mkdirSync(shotDir, { recursive: true });
  const { server, url } = await serve(webDir, { isolated: false });
  const browser = await chromium.launch(chromiumOptions());
  const only = process.env.AELAB_JOURNEY;
  try {
    if (!only || only === '1') await studentJourney(browser, url);
    if (!only || only === '2') await api(browser, url);
    if (!only || only === '3') await phone(browser, url);
  } catch (e) {
    check('the generate journeys ran to the end', false, e.stack);
  } finally {
    await browser.close();
    server.kill();
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
})();
