// The convolutional autoencoder in the page (issue 25), as a student meets it, with real input only
// (mouse, touch, keyboard) and then no input at all, reading state() (reads do not wake the lab):
//   1. the Train panel's model combo chosen "convolutional" by mouse and keys, Build, a digit drawn
//      on the canvas, the Feature maps tab by a click, Start: the worker trains the conv model with
//      nobody touching the page; Pause; the First layer tab shows its filters; a drag on a cell of
//      the Latent panel's 4x4 maps edits the code;
//   2. the API: a lesson link kind=conv&filters=8,4,2, aelab.featureMaps() (every layer's shape and
//      values), the latent size refused, the link's keys;
//   3. a phone, by touch: the Feature maps tab;
//   4. a teacher: a dense model's Feature maps tab builds a conv model (asked first), then the
//      filters typed in the Train panel and built.
// The student journey also saves the Feature maps as a PNG and clicks a filter's tile.
// Screenshots of each, which the session looks at.
// usage: node conv.cjs WEB_DIR SCREENSHOT_DIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, chromiumOptions, quietlyUntil, press, clickWidget, openQuietly } = require('./harness.cjs');

const [webDir, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node conv.cjs WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const state = (page) => page.evaluate(() => aelab.state());

const click = clickWidget;
const openPage = openQuietly;

// A "7" drawn with the mouse on the draw panel's canvas.
async function drawSeven(page) {
  const c = (await state(page)).drawCanvas;
  const at = (fx, fy) => [c.x + c.w * fx, c.y + c.h * fy];
  await page.mouse.move(...at(0.3, 0.25));
  await page.mouse.down();
  await page.mouse.move(...at(0.7, 0.25), { steps: 8 });
  await page.mouse.move(...at(0.45, 0.8), { steps: 10 });
  await page.mouse.up();
}

// 1. A student's convolutional model, by mouse and keyboard only.
async function studentJourney(browser, url) {
  const { context, page, errors } = await openPage(browser, url);
  const combo = (await state(page)).settingWidgets.kind;
  await press(page, combo);
  await page.keyboard.press('ArrowDown'); // "autoencoder" -> "VAE" -> "convolutional"
  await sleep(100);
  await page.keyboard.press('ArrowDown');
  await sleep(100);
  await page.keyboard.press('Enter');
  await sleep(300);
  let s = await state(page);
  check('choosing convolutional waits for "Build this model..."', s.model.kind === 'ae' && Boolean(s.widgets.build),
        `the model ${s.model.kind}, Build ${s.widgets.build ? 'shown' : 'absent'}`);
  check('  ... the Train panel offers its filters, not the latent size',
        Boolean(s.settingWidgets.filters) && !s.settingWidgets.latent, Object.keys(s.settingWidgets).join(', '));
  await click(page, 'build');
  s = await state(page);
  if (s.question) await click(page, 'discard:do');
  s = await quietlyUntil(page, (st) => st.model.kind === 'conv' && st.model.latent === 128, 10000);
  check('Build makes the Keras blog\'s conv model (state().model: conv, filters 16,8,8, a 128-number code)',
        s !== null && s.model.filters === '16,8,8', s ? '' : JSON.stringify((await state(page)).model));
  await drawSeven(page);
  await click(page, 'view:features');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.view === 'features' && st.settled, 10000);
  check('the Feature maps tab opens by a click', s !== null);
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'conv-1-features-untrained-1280x800.png') });
  await click(page, 'start');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.step >= 120, 180000);
  check('the conv model trains in the worker with nobody touching the page', s !== null,
        s ? `step ${s.step}` : `step ${(await state(page)).step}`);
  await click(page, 'pause');
  s = await quietlyUntil(page, (st) => !st.training && st.settled && st.valLoss !== null, 60000);
  check('Pause, then its validation loss below an untrained model\'s 0.69', s !== null && s.valLoss < 0.5,
        s ? `val ${s.valLoss}` : '');
  await page.mouse.move(5, 795);
  await sleep(800);
  await page.screenshot({ path: path.join(shotDir, 'conv-2-features-trained-1280x800.png') });
  // Save PNG on the Feature maps tab downloads every layer's maps as one picture
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), click(page, 'save-png')]);
  const png = fs.readFileSync(await download.path());
  const pngW = png.readUInt32BE(16), pngH = png.readUInt32BE(20);
  check('Save PNG on the Feature maps tab downloads aelab-features.png, a picture of the layers',
        download.suggestedFilename() === 'aelab-features.png' && png.slice(1, 4).toString() === 'PNG' && pngW > 200 && pngH > 200,
        `${download.suggestedFilename()}, ${pngW}x${pngH}`);
  await click(page, 'view:weights');
  await page.mouse.move(5, 795);
  await sleep(500);
  // a click on the third filter's tile (eight to a row) shows the map it draws of the 7
  const tiles = (await state(page)).widgets.filters;
  check('the First layer tab shows the conv model\'s filters as tiles', Boolean(tiles) && tiles.w > 100,
        JSON.stringify(tiles));
  await press(page, tiles, 2.5 / 8, 0.5 / 2);
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.firstLayerTile === 2, 5000);
  check('a click on filter 3\'s tile picks it (its map of the input beside the tiles)', s !== null,
        `firstLayerTile ${(await state(page)).firstLayerTile}`);
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'conv-3-filters-1280x800.png') });
  // a drag upwards on map 1's top-left cell of the Latent panel edits that code number
  const bars = (await state(page)).latentBars;
  const before = (await state(page)).codeEdited;
  await page.mouse.move(bars.x + 6, bars.y + 6);
  await page.mouse.down();
  await page.mouse.move(bars.x + 6, bars.y - 30, { steps: 8 });
  await page.mouse.up();
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.codeEdited, 5000);
  check('dragging a cell of the code\'s 4x4 maps edits the code', !before && s !== null);
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'conv-4-code-edited-1280x800.png') });
  check('no page errors in the student journey', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 2. The page's API and the lesson link's keys.
async function api(browser, url) {
  const { context, page, errors } = await openPage(browser, `${url}#kind=conv&filters=8,4,2&view=features`);
  const s = await quietlyUntil(page, (st) => st.model.kind === 'conv' && st.model.filters === '8,4,2', 20000);
  check('a lesson link with kind=conv&filters=8,4,2 opens that conv model (a 4x4x2 code)',
        s !== null && s.model.latent === 32 && s.view === 'features', s ? `latent ${s.model.latent}, view ${s.view}` : '');
  const r = await page.evaluate(() => {
    const maps = aelab.featureMaps();
    let latent = '', kind = '';
    try { aelab.set({ latent: 16 }); } catch (e) { latent = e.message; }
    try { aelab.set({ kind: 'gan' }); } catch (e) { kind = e.message; }
    return { names: maps.map((m) => m.name), shapes: maps.map((m) => m.shape.join('x')),
             sizes: maps.map((m) => m.values.length === m.shape[0] * m.shape[1] * m.shape[2]),
             link: aelab.link(), latent, kind };
  });
  check('aelab.featureMaps() names every layer from the input to the output', r.names.join(',') ===
        'input,conv1,pool1,conv2,pool2,conv3,pool3,conv4,up1,conv5,up2,conv6,up3,conv7', r.names.join(','));
  check('  ... with their shapes', r.shapes.join(' ') ===
        '28x28x1 28x28x8 14x14x8 14x14x4 7x7x4 7x7x2 4x4x2 4x4x2 8x8x2 8x8x4 16x16x4 14x14x8 28x28x8 28x28x1', r.shapes.join(' '));
  check('  ... and h * w * c values each', r.sizes.every(Boolean));
  check('aelab.set({latent: 16}) is refused for a conv model', /filters/.test(r.latent), r.latent);
  check('aelab.set({kind: "gan"}) names the three kinds', /'ae', 'vae' or 'conv'/.test(r.kind), r.kind);
  check('the link carries kind and filters, no latent', /[#&]kind=conv&filters=8,4,2&/.test(r.link) && !/latent=/.test(r.link), r.link);
  const dense = await page.evaluate(() => { aelab.set({ kind: 'ae' }); try { aelab.featureMaps(); return ''; } catch (e) { return e.message; } });
  check('a dense model has no feature maps: featureMaps() says so', /no feature maps/.test(dense), dense);
  check('no page errors in the API journey', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 3. A phone: the Feature maps tab by touch.
async function phone(browser, url) {
  const { context, page, errors } = await openPage(browser, `${url}#kind=conv`,
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
  // a stroke by touch on the Draw tab's canvas
  const c = (await state(page)).drawCanvas;
  const pts = [[0.3, 0.25], [0.5, 0.25], [0.7, 0.25], [0.6, 0.5], [0.5, 0.8]].map(([fx, fy]) => ({ x: c.x + c.w * fx, y: c.y + c.h * fy }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [pts[0]] });
  for (const p of pts.slice(1)) {
    await sleep(40);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await sleep(400);
  let s = await quietlyUntil(page, (st) => !st.inputEmpty, 5000);
  check('a digit drawn by touch on the phone', s !== null);
  await tap('tab:views');
  await tap('view:features');
  s = await quietlyUntil(page, (st) => st.view === 'features' && st.model.kind === 'conv', 20000);
  check('the phone shows the Feature maps tab by touch', s !== null);
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'conv-5-phone-features.png') });
  await tap('tab:latent');
  await sleep(500);
  await page.screenshot({ path: path.join(shotDir, 'conv-6-phone-latent.png') });
  check('no page errors on the phone', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 4. A teacher with the shipped dense model: the Feature maps tab offers "Build a convolutional
// model...", which asks before the trained network goes; then filters typed in the Train panel.
async function teacherJourney(browser, url) {
  const { context, page, errors } = await openPage(browser, url);
  await drawSeven(page); // the dense model's code: numbers up to about 10
  await page.mouse.move(5, 795);
  const dense = await quietlyUntil(page, (st) => !st.inputEmpty && st.settled, 5000);
  await click(page, 'view:features');
  await page.mouse.move(5, 795);
  let s = await quietlyUntil(page, (st) => st.view === 'features' && st.widgets['build-conv'], 5000);
  check('a dense model\'s Feature maps tab offers "Build a convolutional model..."', s !== null && s.model.kind === 'ae',
        s ? '' : Object.keys((await state(page)).widgets).join(', '));
  await page.screenshot({ path: path.join(shotDir, 'conv-7-dense-features-1280x800.png') });
  await click(page, 'build-conv');
  s = await quietlyUntil(page, (st) => st.question !== null, 3000);
  check('  ... which asks first: the shipped model is trained', s !== null && s.model.kind === 'ae',
        s ? `question ${s.question}` : 'no question');
  await click(page, 'discard:do');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.model.kind === 'conv' && st.settled, 10000);
  check('  ... and, answered, builds the conv model (16,8,8)', s !== null && s.model.filters === '16,8,8',
        s ? s.model.filters : JSON.stringify((await state(page)).model));
  // the Latent panel's scale starts afresh with the new model: the dense code's would leave the
  // untrained conv code's cells (numbers under 1) dark
  const code = await page.evaluate(() => Math.max(...aelab.latent()));
  const scale = (await state(page)).latentScale;
  check('  ... and the Latent panel scales its cells to the conv code, not the dense one\'s',
        dense !== null && dense.latentScale > 3 && scale <= 1.2 * Math.max(1, code) + 1e-3,
        `dense scale ${dense && dense.latentScale.toFixed(2)}, now ${scale.toFixed(2)} for a code up to ${code.toFixed(3)}`);
  // the first filter count typed: click the field, select it all, type 8, Enter; then Build
  const f = (await state(page)).settingWidgets.filters;
  await press(page, f, 0.15, 0.5);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('8', { delay: 60 });
  await page.keyboard.press('Enter');
  await sleep(300);
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.widgets.build, 3000);
  check('typing 8 in the first filters field waits for "Build this model..."', s !== null && s.model.filters === '16,8,8',
        s ? s.model.filters : Object.keys((await state(page)).widgets).join(', '));
  await click(page, 'build');
  s = await state(page);
  if (s.question) await click(page, 'discard:do');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.model.kind === 'conv' && st.model.filters === '8,8,8' && st.settled, 10000);
  check('  ... Build makes the conv model with filters 8,8,8', s !== null,
        JSON.stringify((await state(page)).model));
  check('no page errors in the teacher journey', errors.length === 0, errors.join(' | '));
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
    if (!only || only === '4') await teacherJourney(browser, url);
  } catch (e) {
    check('the conv journeys ran to the end', false, e.stack);
  } finally {
    await browser.close();
    server.kill();
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
})();
