// A classroom's journeys, with real input only: mouse, touch and keyboard events, then waiting
// with no input at all and no API call other than reading state() (reads do not wake the lab),
// as a student who has stopped touching the page. Each journey ends with what the screen must
// show (state()'s widgets and texts, and a screenshot).
//   1. first visit: the tour, a stroke, "Train a fresh network" (asked about first), then the
//      Anomaly view finishes scoring with nobody touching the page;
//   2. a teacher makes a lesson with a trained model (the Share window downloads its file, the
//      link names it), and a fresh browser opens the link: the same weights;
//   3. a teacher presses "Make available offline"; with the network gone the page reloads, draws
//      and trains;
//   4. the training set fails to download twice, then arrives with no reload; a download that
//      fails every try shows Retry, and Retry fetches it;
//   5. a phone, by touch: a tap on Step trains and leaves no tooltip over the controls;
//   6. a teacher's 800x600 iframe on another origin: training started by clicks draws 30 frames a
//      second while nobody touches it (frame pacing: the worker keeps the core), every frame while
//      the mouse moves over it, and trains throughout.
// usage: node classroom.cjs WEB_DIR SCREENSHOT_DIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, chromiumOptions, returningVisitor, quietlyUntil, press } = require('./harness.cjs');

const [webDir, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node classroom.cjs WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const state = (page) => page.evaluate(() => aelab.state());
const total = (bytes) => (bytes ? `${(bytes / 1e6).toFixed(2)} MB` : 'a size not known (compressed on the fly)');

// A press at the middle of a widget that state().widgets names, as a person clicks; then the mouse
// rests somewhere neutral (no hover left over the widget).
async function click(page, name) {
  const s = await state(page);
  const r = s.widgets[name];
  if (!r) throw new Error(`no widget '${name}' on screen (have: ${Object.keys(s.widgets).join(', ')})`);
  await press(page, r);
}

// Whether two rects of state().widgets share any pixel.
const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

async function stroke(page) {
  const c = (await state(page)).drawCanvas;
  const at = (fx, fy) => [c.x + fx * c.w, c.y + fy * c.h];
  const points = [[0.35, 0.2], [0.6, 0.2], [0.62, 0.35], [0.45, 0.55], [0.4, 0.8]];
  await page.mouse.move(...at(...points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(...p), { steps: 6 });
  await page.mouse.up();
}

async function openPage(browser, url, { returning = true, viewport = { width: 1280, height: 800 }, serviceWorkers = 'allow',
  hasTouch = false, isMobile = false } = {}) {
  const options = { viewport, acceptDownloads: true, serviceWorkers, hasTouch, isMobile };
  const context = returning ? await returningVisitor(browser, options) : await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const s = await quietlyUntil(page, (st) => st.testSet.status === 'ready', 90000);
  if (!s) throw new Error(`the page never became ready: ${url}`);
  return { context, page, errors };
}

// 1. A student's first visit, to the end of the anomaly view's scoring with no input.
async function firstVisit(browser, url) {
  const { context, page, errors } = await openPage(browser, url, { returning: false });
  let s = await state(page);
  check('a first visit starts the tour', s.tourStep === 0, `tour step ${s.tourStep}`);
  for (let i = 0; i < 10 && (await state(page)).tourStep >= 0; i++) {
    const t = await state(page);
    await page.mouse.click(t.tourNext.x + t.tourNext.w / 2, t.tourNext.y + t.tourNext.h / 2);
    await sleep(250);
  }
  check('Next to the end closes the tour', (await state(page)).tourStep === -1);
  await stroke(page);
  await sleep(300);
  s = await state(page);
  check('the stroke is the input', !s.inputEmpty && s.inputLoss > 0, `loss ${s.inputLoss}`);
  await click(page, 'fresh');
  s = await state(page);
  check('"Train a fresh network" over the shipped model asks first', s.question === 'fresh', `question ${s.question}`);
  await click(page, 'discard:do');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.step > 30, 60000);
  check('the fresh network trains with nobody touching the page', s !== null, s ? `step ${s.step}` : 'no steps');
  await click(page, 'pause'); // a resting lab: nothing else keeps it drawing frames
  s = await quietlyUntil(page, (st) => !st.training && st.settled, 20000);
  check('Pause stops training', s !== null);
  await click(page, 'view:anomaly');
  await page.mouse.move(5, 795); // away, then no input at all
  const t0 = Date.now();
  s = await quietlyUntil(page, (st) => st.view === 'anomaly' && st.anomaly.threshold !== null && st.anomaly.builds > 0, 60000);
  check('the Anomaly view finishes scoring with nobody touching the page (it stalled until the mouse moved)',
        s !== null, s ? `scored in ${((Date.now() - t0) / 1000).toFixed(1)} s, threshold ${s.anomaly.threshold.toFixed(4)}`
          : `still ${JSON.stringify((await state(page)).working)}`);
  await page.screenshot({ path: path.join(shotDir, 'classroom-1-anomaly-untouched.png') });
  check('no page errors in the first visit', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 2. A lesson that carries a trained model, opened in a fresh browser.
async function lessonWithModel(browser, url, servedDir) {
  const { context, page, errors } = await openPage(browser, url);
  await page.mouse.click(5, 795); // into the lab (the canvas takes the keys)
  for (let i = 0; i < 12; i++) { await page.keyboard.press('s'); await sleep(60); } // S: one batch each
  let s = await quietlyUntil(page, (st) => st.step >= 12 && st.modelCurrent !== false, 60000);
  check('S trains batches', s !== null, s ? `step ${s.step}` : '');
  await click(page, 'share');
  s = await state(page);
  check('the Share window opens', s.shareOpen);
  // "the model as it is now" is chosen already: its button downloads the file the link names
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }),
                                        click(page, 'download-model')]);
  const name = download.suggestedFilename();
  check('the Share window downloads the model as a file the link names', /^aelab-lesson-[0-9a-f]{8}\.aelab$/.test(name), name);
  const file = path.join(servedDir, name);
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  const shipped = fs.readFileSync(path.join(servedDir, 'model.aelab'));
  check('the lesson model file holds the weights trained here, not the shipped ones', !bytes.equals(shipped),
        `${bytes.length} bytes against the shipped model's ${shipped.length}`);
  check('the lesson model file is float16 (flag bit 2), 2 bytes a weight',
        (bytes.readUInt32LE(24) & 4) && bytes.length < 2.1 * 209968 + 100, `${bytes.length} bytes, flags ${bytes.readUInt32LE(24)}`);
  await click(page, 'copy-link');
  s = await state(page);
  const link = s.copied;
  check('the copied link names the file', link && link.includes(`model=${name}`), link);
  await page.screenshot({ path: path.join(shotDir, 'classroom-2-share-model.png') });
  await click(page, 'share-close');
  await page.mouse.click(5, 795);
  await page.keyboard.press('Escape');
  // the teacher's reconstruction of test digit 7, to compare with the student's
  const teacher = await page.evaluate(async () => { aelab.loadTestDigit(7); await new Promise((r) => setTimeout(r, 400)); return aelab.state().inputLoss; });
  await context.close();

  const student = await openPage(browser, link);
  s = await quietlyUntil(student.page, (st) => st.model.name === name, 30000);
  check('a fresh browser opening the link loads the model file', s !== null,
        s ? s.model.name : (await state(student.page)).model.name);
  const loss = await student.page.evaluate(async () => { aelab.loadTestDigit(7); await new Promise((r) => setTimeout(r, 400)); return aelab.state().inputLoss; });
  check('the student sees the teacher\'s weights (test digit 7\'s loss, to float16)',
        Math.abs(loss - teacher) <= 2e-3 * teacher, `teacher ${teacher.toFixed(6)}, student ${loss.toFixed(6)}`);
  s = await state(student.page);
  check('the student\'s lab has no notice', s.lesson.notices.length === 0, s.lesson.notices.join(' | '));
  await student.page.screenshot({ path: path.join(shotDir, 'classroom-2-student.png') });
  check('no page errors in the lesson journey', errors.length + student.errors.length === 0,
        [...errors, ...student.errors].join(' | '));
  await student.context.close();
  fs.unlinkSync(file);

  // a link naming a file that is not there: a notice, and the shipped model
  const missing = await openPage(browser, `${url}#model=not-there.aelab`);
  s = await quietlyUntil(missing.page, (st) => st.lesson.notices.length > 0, 40000);
  check('a missing model file gives a notice and the shipped model', s && s.modelShipped &&
        /model=not-there.aelab: .*404.*the lab starts from the shipped model/.test(s.lesson.notices[0]),
        s ? s.lesson.notices.join(' | ') : 'no notice');
  await missing.context.close();
}

// 3. A teacher makes the lab available offline before class; in class the network is gone: the
// page reloads, draws and trains from what the browser kept.
async function offline(browser, url) {
  const { context, page, errors } = await openPage(browser, url);
  let s = await quietlyUntil(page, (st) => st.offline.status === 'available', 30000);
  check('the page has an offline copy (its service worker is up)', s !== null,
        s ? s.offline.status : (await state(page)).offline.status);
  await click(page, 'offline');
  await page.mouse.move(5, 795);
  s = await quietlyUntil(page, (st) => st.offline.status === 'done' || st.offline.status === 'failed', 60000);
  check('"Make available offline" keeps the app and the training set', s && s.offline.status === 'done',
        s ? `${s.offline.status}: ${s.offline.text}` : JSON.stringify((await state(page)).offline));
  await page.screenshot({ path: path.join(shotDir, 'classroom-3-made-offline.png') });
  await context.setOffline(true);
  await page.reload();
  s = await quietlyUntil(page, (st) => st.testSet.status === 'ready', 60000);
  check('offline, the page reloads from what the browser kept, test set and all', s !== null);
  if (s) {
    await stroke(page);
    await page.mouse.click(5, 795);
    await page.keyboard.press('Space');
    await page.mouse.move(5, 790);
    s = await quietlyUntil(page, (st) => st.trainSet.status === 'ready' && st.step > 20, 60000);
    const now = await state(page);
    check('offline, it draws and trains', s !== null && !now.inputEmpty,
          s ? `step ${s.step}, drawing loss ${now.inputLoss}` : JSON.stringify(now.trainSet));
    await page.screenshot({ path: path.join(shotDir, 'classroom-3-offline-training.png') });
  }
  check('no page errors offline', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 5. On a phone, by touch: a tap on a button with a tooltip trains a batch and leaves no tooltip
// over the controls; the views' headers fit the narrow screen.
async function phone(browser, url) {
  const { context, page, errors } = await openPage(browser, url,
    { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  // a finger's press: down, held as a person holds it (a tooltip shows meanwhile), lifted
  const cdp = await context.newCDPSession(page);
  const tap = async (name, holdMs = 120) => {
    const r = (await state(page)).widgets[name];
    if (!r) throw new Error(`no widget '${name}' on the phone`);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: r.x + r.w / 2, y: r.y + r.h / 2 }] });
    await sleep(holdMs);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await sleep(400);
  };
  await tap('tab:train');
  const before = (await state(page)).step;
  await tap('step', 700);
  let s = await quietlyUntil(page, (st) => st.step > before, 30000);
  check('a tap on Step trains a batch', s !== null, s ? `step ${before} -> ${s.step}` : '');
  await sleep(1500); // no input at all
  s = await state(page);
  check('no tooltip stays on the phone after a tap', !s.tooltip, `tooltip ${s.tooltip}`);
  await tap('tab:views');
  await tap('view:map');
  await sleep(2500); // no input at all while the map is built and drawn
  s = await state(page);
  const [map, plane, name] = ['map-picture', 'decoded-plane', 'plane-name'].map((k) => s.widgets[k]);
  check('the phone\'s Latent map stacks the decoded plane under the map, its name above it, over neither picture',
        map && plane && name && name.y >= map.y + map.h && name.y + name.h <= plane.y && !overlaps(name, plane) &&
        name.x + name.w <= 390,
        JSON.stringify({ map, plane, name }));
  await page.screenshot({ path: path.join(shotDir, 'classroom-5-phone-map.png') });
  await tap('view:interpolate');
  await sleep(800);
  await page.screenshot({ path: path.join(shotDir, 'classroom-5-phone-interpolate.png') });
  check('no page errors on the phone', errors.length === 0, errors.join(' | '));
  await context.close();
}

// 6. Frame pacing in a teacher's iframe: while the lab trains with nobody touching it, it draws at
// most 30 frames a second (and keeps drawing: the progress moves), and every frame again while
// the mouse moves over it.
async function pacedIframe(browser, url) {
  const os = require('os');
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-course-'));
  fs.writeFileSync(path.join(hostDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Course page</title>
<body style="margin:0"><p style="margin:4px;font:13px sans-serif">Lesson: autoencoders</p>
<iframe id="lab" src="${url}" width="800" height="600" style="border:0"></iframe></body>`);
  const host = await serve(hostDir, { isolated: false });
  const context = await returningVisitor(browser, { viewport: { width: 840, height: 660 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(host.url);
    const frame = page.frames().find((f) => f.url().startsWith(url));
    if (!frame) throw new Error('the lab iframe did not load');
    const read = () => frame.evaluate(() => { try { return aelab.state(); } catch (e) { return { ready: false }; } });
    const until = async (fn, ms) => {
      for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) {
        const st = await read();
        if (st.ready && fn(st)) return st;
      }
      return null;
    };
    if (!(await until((st) => st.testSet.status === 'ready', 90000))) throw new Error('the embedded lab never became ready');
    const box = await (await page.$('#lab')).boundingBox();
    const clickIn = async (name) => {
      const r = (await read()).widgets[name];
      if (!r) throw new Error(`no widget '${name}' in the iframe (have: ${Object.keys((await read()).widgets).join(', ')})`);
      await press(page, { x: box.x + r.x, y: box.y + r.y, w: r.w, h: r.h });
    };
    await clickIn('tab:train'); // the small lab's panels are tabs
    await sleep(300);
    await clickIn('fresh');
    if ((await read()).question === 'fresh') await clickIn('discard:do');
    await page.mouse.move(box.x + box.width + 20, box.y + box.height + 20); // off the lab, then no input
    let s = await until((st) => st.step > 20 && st.training, 120000);
    check('the embedded lab trains after two clicks', s !== null, s ? `step ${s.step}, host ${s.trainingHost}` : '');
    await sleep(1000);
    const a = await read(), ta = Date.now();
    await sleep(4000);
    const b = await read(), dt = (Date.now() - ta) / 1000;
    const pacedFps = (b.frames - a.frames) / dt;
    check('training with nobody touching it: at most 30 frames a second, and still drawing',
          pacedFps <= 32 && pacedFps >= 10 && b.step > a.step,
          `${pacedFps.toFixed(1)} frames a second, steps ${a.step} -> ${b.step}`);
    // the mouse over the lab, moving: every animation frame is drawn again
    const c = await read(), tc = Date.now();
    for (let i = 0; Date.now() - tc < 3000; i++) {
      await page.mouse.move(box.x + box.width * (0.5 + 0.3 * Math.cos(i / 8)), box.y + box.height * (0.5 + 0.3 * Math.sin(i / 8)));
      await sleep(8);
    }
    const d = await read(), moving = (d.frames - c.frames) / ((Date.now() - tc) / 1000);
    check('with the mouse moving over it, more frames than paced (every animation frame)',
          moving > 1.2 * pacedFps && d.step > c.step,
          `${moving.toFixed(1)} frames a second moving, ${pacedFps.toFixed(1)} paced; steps ${c.step} -> ${d.step}`);
    await page.mouse.move(box.x + box.width + 20, box.y + box.height + 20);
    await sleep(1500);
    await page.screenshot({ path: path.join(shotDir, 'classroom-6-iframe-paced.png') });
    // the Latent map in the 800x600 frame: map and decoded plane side by side, what each shows
    // written under it, inside the frame and over neither picture
    await clickIn('tab:views');
    await sleep(300);
    await clickIn('view:map');
    await page.mouse.move(box.x + box.width + 20, box.y + box.height + 20);
    await sleep(2500); // no input
    s = await read();
    const [map, plane, mapName, planeName] = ['map-picture', 'decoded-plane', 'map-name', 'plane-name'].map((k) => s.widgets[k]);
    const inFrame = (r) => r && r.x >= 0 && r.y >= 0 && r.x + r.w <= 800 && r.y + r.h <= 600;
    check('the iframe\'s Latent map: the map and the decoded plane side by side, each named under it, inside the frame',
          map && plane && plane.x >= map.x + map.w && [map, plane, mapName, planeName].every(inFrame) &&
          mapName.y >= map.y + map.h && planeName.y >= plane.y + plane.h &&
          ![mapName, planeName].some((t) => overlaps(t, map) || overlaps(t, plane)),
          JSON.stringify({ map, plane, mapName, planeName }));
    await page.screenshot({ path: path.join(shotDir, 'classroom-6-iframe-map.png') });
    check('no page errors in the paced iframe', errors.length === 0, errors.join(' | '));
  } finally {
    await context.close();
    host.server.kill();
  }
}

// 4. The training set's download fails, twice and then for good, with nobody reloading.
async function flakyNetwork(browser, url) {
  // (the routes stand for the network: no service worker between them and the page)
  const { context, page, errors } = await openPage(browser, url, { serviceWorkers: 'block' });
  // the loading bar said "0.42 of 0.36 MB": decoded bytes against a gzip Content-Length
  const reports = await page.evaluate(async () => {
    const seen = [];
    await aelabLoad.fetchBytes('aelab.js', (fraction, loaded, total) => seen.push([fraction, loaded, total]));
    return seen;
  });
  const last = reports[reports.length - 1] || [];
  check('download progress never counts decoded bytes against a compressed size', reports.length > 0 &&
        reports.every(([f, loaded, total]) => f >= 0 && f <= 1 && (total === 0 || loaded <= total)),
        `${reports.length} reports, the last ${(last[1] / 1e6).toFixed(2)} MB of ${total(last[2])}`);
  let failures = 2;
  await context.route(/train-images-idx3-ubyte\.gz$/, (route) => (failures-- > 0 ? route.abort('internetdisconnected') : route.continue()));
  await page.mouse.click(5, 795);
  await page.keyboard.press('Space'); // Continue training the shipped model
  await page.mouse.move(5, 790);
  let s = await quietlyUntil(page, (st) => st.trainSet.status === 'ready' && st.step > 0, 60000);
  check('the training set arrives after two failed tries, with no reload and no input', s !== null,
        s ? `step ${s.step}` : JSON.stringify((await state(page)).trainSet));
  await context.close();

  // every try fails: it says so, with Retry; Retry fetches it once the network is back
  const second = await openPage(browser, url, { serviceWorkers: 'block' });
  let offline = true;
  await second.context.route(/train-images-idx3-ubyte\.gz$/, (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
  await second.page.mouse.click(5, 795);
  await second.page.keyboard.press('Space');
  await second.page.mouse.move(5, 790);
  s = await quietlyUntil(second.page, (st) => st.trainSet.waiting !== '', 20000);
  check('a failed try says what it waits for', s !== null, s ? s.trainSet.waiting : '');
  s = await quietlyUntil(second.page, (st) => st.trainSet.status === 'failed', 40000);
  check('after its last try the training set is marked failed, with a Retry button', s && s.widgets['retry:train'],
        s ? `${s.trainSet.error}; widgets ${Object.keys(s.widgets).filter((k) => k.startsWith('retry')).join()}` : 'never failed');
  await second.page.screenshot({ path: path.join(shotDir, 'classroom-4-download-failed.png') });
  offline = false;
  await click(second.page, 'retry:train');
  await second.page.mouse.move(5, 790);
  s = await quietlyUntil(second.page, (st) => st.trainSet.status === 'ready' && st.step > 0, 60000);
  check('Retry fetches it and training goes on, with no reload', s !== null,
        s ? `step ${s.step}` : JSON.stringify((await state(second.page)).trainSet));
  await second.context.close();

  // every try fails again; once the network is back, Start (Space, after Space paused the waiting
  // run) asks for the training set again: it stranded the lab until a reload before
  const third = await openPage(browser, url, { serviceWorkers: 'block' });
  offline = true;
  await third.context.route(/train-images-idx3-ubyte\.gz$/, (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
  await third.page.mouse.click(5, 795);
  await third.page.keyboard.press('Space');
  await third.page.mouse.move(5, 790);
  s = await quietlyUntil(third.page, (st) => st.trainSet.status === 'failed', 40000);
  check('the training set fails for good', s !== null);
  offline = false;
  await third.page.mouse.click(5, 795);
  await third.page.keyboard.press('Space'); // pauses the run that waits for data
  await sleep(300);
  await third.page.keyboard.press('Space'); // starts it again: the training set is asked for again
  await third.page.mouse.move(5, 790);
  s = await quietlyUntil(third.page, (st) => st.trainSet.status === 'ready' && st.step > 0, 60000);
  check('after a failed download, Start asks for the training set again and trains, with no reload', s !== null,
        s ? `step ${s.step}` : JSON.stringify((await state(third.page)).trainSet));
  // the Anomaly view's other data set (Fashion-MNIST's test set) fails for good: its line has Retry
  let fashionOffline = true;
  await third.context.route(/fashion\/t10k-images-idx3-ubyte\.gz$/,
                            (route) => (fashionOffline ? route.abort('internetdisconnected') : route.continue()));
  await click(third.page, 'view:anomaly');
  await third.page.mouse.move(5, 790);
  s = await quietlyUntil(third.page, (st) => st.otherSet.status === 'failed' && st.widgets['retry:other'], 40000);
  check('the Anomaly view\'s other data set, failed for good, says so with a Retry button', s !== null,
        s ? s.otherSet.error : JSON.stringify((await state(third.page)).otherSet));
  fashionOffline = false;
  if (s) await click(third.page, 'retry:other');
  await third.page.mouse.move(5, 790);
  s = await quietlyUntil(third.page, (st) => st.otherSet.status === 'ready', 60000);
  check('its Retry fetches it, with no reload', s !== null, s ? `${s.otherSet.count} pictures` : '');
  check('no page errors in the network journeys', errors.length + second.errors.length + third.errors.length === 0,
        [...errors, ...second.errors, ...third.errors].join(' | '));
  await third.context.close();
}

(async () => {
  fs.mkdirSync(shotDir, { recursive: true });
  const { server, url } = await serve(webDir, { isolated: false });
  const browser = await chromium.launch(chromiumOptions());
  const only = process.env.AELAB_JOURNEY;
  try {
    if (!only || only === '1') await firstVisit(browser, url);
    if (!only || only === '2') await lessonWithModel(browser, url, webDir);
    if (!only || only === '3') await offline(browser, url);
    if (!only || only === '4') await flakyNetwork(browser, url);
    if (!only || only === '5') await phone(browser, url);
    if (!only || only === '6') await pacedIframe(browser, url);
  } catch (e) {
    check('the classroom journeys ran to the end', false, e.stack);
  } finally {
    await browser.close();
    server.kill();
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
})();
