// Browser test of the teaching features (docs/teaching.md, docs/web-api.md): a lesson link opens
// exactly its lab (settings, view, panels, hidden controls, title), bad values give a notice and
// unknown keys a console warning; a link round-trips; the keyboard alone starts training; and
// web/embed-example.html, served from another origin than the labs, gets aelab:ready, aelab:epoch,
// aelab:state-changed and aelab:input, drives a lab with commands, gets aelab:error for bad ones,
// keeps its text field's keys, and scrolls under the wheel; a lab with parentOrigin= ignores
// other origins. Prints the host page's message log.
// usage: node teach.cjs WEB_DIR SCREENSHOT_DIR
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, waitFor, chromiumOptions, returningVisitor } = require('./harness.cjs');

const [webDir, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node teach.cjs WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}

const readyFn = () => { try { return aelab.state().ready; } catch (e) { return false; } };

// A mouse press at the middle of a rectangle of state() (CSS pixels), as a person clicks.
async function clickAt(page, r) {
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
  await sleep(150);
  await page.mouse.down();
  await sleep(80);
  await page.mouse.up();
}

async function openPage(context, url, consoleLines) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (consoleLines) page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  await page.goto(url);
  if (!(await waitFor(page, `the page becomes ready (${url.slice(0, 60)}...)`, readyFn, null, 90000)))
    throw new Error('the page never became ready');
  return { page, errors };
}

async function lessonLinks(browser, url) {
  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  const consoleLines = [];
  const lesson = 'latent=3&lr=0.002&epochs=7&view=traverse&panels=draw,latent,train,views&lr_hide=1&reset_hide=1' +
    '&title=Lesson%201%3A%20three%20numbers&note=Press%20Start&zoom=2&batch=abc';
  const { page, errors } = await openPage(context, `${url}#${lesson}`, consoleLines);
  await sleep(500);
  const s = await page.evaluate(() => ({ state: aelab.state(), hidden: aelab.hidden(), link: aelab.link(), href: location.href }));
  const st = s.state;
  check('a lesson link opens its settings, model shape and view',
        st.model.latent === 3 && Math.abs(st.lr - 0.002) < 1e-9 && st.epochs === 7 && st.view === 'traverse',
        `latent ${st.model.latent}, lr ${st.lr}, epochs ${st.epochs}, view ${st.view}`);
  check('its title and note are shown, and the panels it names (no Model and data panel)',
        st.lesson.title === 'Lesson 1: three numbers' && st.lesson.note === 'Press Start' &&
        st.lesson.panels.join() === 'draw,latent,train,views' && !st.layout.model && st.layout.views.w > 0,
        `"${st.lesson.title}" / "${st.lesson.note}", panels ${st.lesson.panels.join()}`);
  check('hidden controls are listed by aelab.hidden() and not drawn; the others are',
        s.hidden.join() === 'lr,reset' && !st.controlsDrawn.includes('lr') && !st.controlsDrawn.includes('reset') &&
        ['batch', 'epochs', 'start', 'step', 'latent'].every((c) => st.controlsDrawn.includes(c)),
        `hidden ${s.hidden.join()}; drawn ${st.controlsDrawn.join()}`);
  const warned = consoleLines.some((l) => l.startsWith('warning') && l.includes("unknown key 'zoom'"));
  check("a bad value gives a one-line notice in the lab, an unknown key a console warning, and neither stops it",
        st.lesson.notices.length === 1 && st.lesson.notices[0] === 'lesson link: batch=abc: expected a number' &&
        warned && errors.length === 0 && st.ready,
        `notices ${JSON.stringify(st.lesson.notices)}; warned about zoom: ${warned}`);
  check("the page's address follows the lab (a reload opens the same lab)", s.href === s.link, s.href.split('#')[1]);
  await page.screenshot({ path: path.join(shotDir, 'web-lesson-1280x800.png') });

  // Round trip: change a setting, take the link, open it in a new tab: the same lab.
  await page.evaluate(() => aelab.set({ batch: 128, seed: 4 }));
  const link = await page.evaluate(() => aelab.link());
  const second = await openPage(context, link);
  await sleep(300);
  const again = await second.page.evaluate(() => ({ state: aelab.state(), link: aelab.link() }));
  const keys = ['lr', 'batch', 'epochs', 'loss', 'optimizer', 'seed', 'view'];
  const same = keys.every((k) => again.state[k] === st[k] || (k === 'batch' && again.state.batch === 128) ||
                                 (k === 'seed' && again.state.seed === 4));
  check('a copied link reopens as the same lab (settings, shape, panels, hidden controls, title; the same link)',
        again.link === link && same && again.state.model.latent === 3 && again.state.batch === 128 &&
        again.state.lesson.hidden.join() === 'lr,reset' && again.state.lesson.title === st.lesson.title,
        link.split('#')[1]);
  await second.page.close();

  // The Share window opens from its button.
  await clickAt(page, st.shareButton);
  await waitFor(page, 'the Share window opens from its button', () => aelab.state().shareOpen, null, 5000);
  await sleep(300);
  await page.screenshot({ path: path.join(shotDir, 'web-share-1280x800.png') });
  check('the Share / make a lesson window opens from its button', await page.evaluate(() => aelab.state().shareOpen));
  await context.close();
}

async function keyboardAlone(browser, url) {
  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  const { page } = await openPage(context, url);
  const before = await page.evaluate(() => document.activeElement && document.activeElement.id);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  await page.keyboard.press('Space');
  const started = await waitFor(page, 'Space starts training', () => aelab.state().training, null, 10000);
  await page.keyboard.press('Space');
  const paused = await waitFor(page, 'Space pauses training', () => !aelab.state().training, null, 10000);
  await page.keyboard.press('Escape');
  const after = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check('the page does not take the focus on load; Tab reaches the lab, Space starts and pauses training, Escape leaves',
        before !== 'canvas' && focused === 'canvas' && started && paused && after !== 'canvas',
        `focus on load: ${before || 'body'}, after Tab: ${focused}, after Escape: ${after || 'body'}`);
  await context.close();
}

async function embedding(browser, labUrl, hostUrl) {
  const context = await returningVisitor(browser, { viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const labOrigin = new URL(labUrl).origin;
  await page.goto(`${hostUrl}embed-example.html?lab=${encodeURIComponent(`${labUrl}index.html`)}`);
  // typing in the host's field while the labs load: the labs must not take the keys
  await page.click('#answer');
  await page.keyboard.type('abc', { delay: 60 });
  const got = (type, from) => (m) => m.message.type === type && (!from || m.from === from);
  const messages = () => page.evaluate(() => window.messages);
  // Waits (polling from here) for a message of `type` from `from` that passes `test`; a timeout is
  // a failed check named `what`.
  const waitMessage = async (what, type, from, timeoutMs, test = () => true) => {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if ((await messages()).some((m) => m.message.type === type && (!from || m.from === from) && test(m.message)))
        return true;
      await sleep(200);
    }
    check(what, false, `timed out after ${timeoutMs / 1000} s`);
    return false;
  };
  // (Chromium draws no frames in a cross-origin iframe out of view: each lab is brought into view
  // while it is to do something, and the page is scrolled back to lab 1 after each use of the field.)
  const toTop = () => page.evaluate(() => window.scrollTo(0, 0));
  await toTop();
  const ready1st = await waitMessage('lab 1 says aelab:ready', 'aelab:ready', 'lab1', 120000);
  await page.evaluate(() => document.getElementById('lab2').scrollIntoView());
  const readyBoth = ready1st && await waitMessage('lab 2 says aelab:ready', 'aelab:ready', 'lab2', 120000);
  await page.click('#answer');
  await page.keyboard.type('def');
  let answer = await page.inputValue('#answer');
  await toTop();
  const ready1 = (await messages()).find(got('aelab:ready', 'lab1'));
  check('both embedded labs load, from another origin, and say aelab:ready with their state',
        readyBoth && ready1 && ready1.message.state.model.latent === 2, `lab 1 latent ${ready1 && ready1.message.state.model.latent}`);
  check("the host's text field keeps its keys while the labs load", answer === 'abcdef', `"${answer}"`);

  const send = (id, message) => page.evaluate(([i, m, o]) => document.getElementById(i).contentWindow.postMessage(m, o),
                                              [id, message, labOrigin]);
  // A command changes the lab; aelab:state answers with its state; the link change is an event.
  await send('lab1', { type: 'aelab:view', name: 'grid' });
  await send('lab1', { type: 'aelab:state' });
  const viewed = await waitMessage('lab 1 answers aelab:state with the new view', 'aelab:state', 'lab1', 10000,
                                   (m) => m.state.view === 'grid');
  const changed = await waitMessage('lab 1 says aelab:state-changed with the new link', 'aelab:state-changed', 'lab1', 10000,
                                    (m) => m.link.includes('view=grid'));
  check('a command from the host changes the lab, aelab:state answers, and aelab:state-changed carries the link',
        viewed && changed);
  // Bad commands get aelab:error, and the lab goes on.
  await send('lab1', { type: 'aelab:view', name: 'nosuch' });
  await send('lab1', { type: 'aelab:frobnicate' });
  await send('lab1', { type: 'aelab:set', settings: { latent: 1e10 } });
  await waitMessage('three bad commands get three aelab:error answers', 'aelab:error', 'lab1', 10000,
                    (m) => m.message.startsWith('aelab.set'));
  const errorsFrom1 = (await messages()).filter(got('aelab:error', 'lab1')).map((m) => m.message.message);
  check('bad commands are answered with aelab:error naming what was wrong', errorsFrom1.length === 3,
        errorsFrom1.join(' | '));
  // setInput: a debounced aelab:input with the loss and the 2-number code.
  await send('lab1', { type: 'aelab:setInput', input: [[[14, 4], [14, 24]]] });
  const input = await waitMessage('lab 1 says aelab:input after a drawing', 'aelab:input', 'lab1', 10000,
                                  (m) => typeof m.loss === 'number' && m.code.length === 2);
  check('a drawing sent by the host gives an aelab:input event with its loss and code', input);
  // Training from the host: aelab:epoch after the first epoch.
  await send('lab1', { type: 'aelab:set', settings: { batch: 256 } });
  await send('lab1', { type: 'aelab:train', on: true });
  const epoch = await waitMessage('lab 1 says aelab:epoch after an epoch', 'aelab:epoch', 'lab1', 240000,
                                  (m) => m.epoch === 1 && typeof m.valLoss === 'number');
  const lab1 = await (await page.$('#lab1')).contentFrame();
  let spoken = '';
  for (let i = 0; i < 30 && !/Epoch 1 done/.test(spoken); i++, await sleep(100))
    spoken = await lab1.evaluate(() => document.getElementById('live').textContent);
  check('the aria-live region says when an epoch is done, with its losses',
        /Epoch 1 done: validation loss 0\.\d{4}, training loss 0\.\d{4}\./.test(spoken), `"${spoken}"`);
  if (!epoch) console.log('lab 1 then:', JSON.stringify(await lab1.evaluate(() => { const s = aelab.state(); return { epoch: s.epoch, step: s.step, runStatus: s.runStatus, training: s.training, trainSet: s.trainSet, valEpoch: s.valEpoch, host: s.trainingHost, status: s.status }; })));
  await send('lab1', { type: 'aelab:train', on: false });
  const e1 = (await messages()).find(got('aelab:epoch', 'lab1'));
  check('training started by the host sends aelab:epoch with the losses', epoch,
        e1 && `epoch ${e1.message.epoch}, train ${e1.message.trainLoss && e1.message.trainLoss.toFixed(4)}, val ${e1.message.valLoss && e1.message.valLoss.toFixed(4)}`);

  // Typing into the host's field after clicking into a lab.
  const box = await page.locator('#lab1').boundingBox();
  await page.mouse.click(box.x + 60, box.y + 200);
  await sleep(300);
  await page.click('#answer');
  await page.keyboard.type('ghi');
  answer = await page.inputValue('#answer');
  await toTop();
  check("after a click into a lab, the host's text field takes typing again", answer.endsWith('ghi'), `"${answer}"`);

  // The wheel over a lab (where nothing in it scrolls) scrolls the host page.
  const frame = lab1;
  const layout = await frame.evaluate(() => aelab.state().layout);
  await page.evaluate(() => window.scrollTo(0, 0));
  const box1 = await page.locator('#lab1').boundingBox();
  const point = [box1.x + layout.views.x + layout.views.w * 0.5, box1.y + layout.views.y + layout.views.h * 0.6];
  await page.mouse.move(...point);
  await sleep(300);
  const wanted = await frame.evaluate(() => Module._aelab_wheel_wanted());
  await page.mouse.wheel(0, 400);
  await sleep(800);
  const scrolled = await page.evaluate(() => window.scrollY);
  check('the wheel over a lab scrolls the host page', scrolled > 100 && !wanted,
        `host scrolled by ${scrolled} px (the lab wants the wheel there: ${!!wanted})`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await sleep(300);
  await page.screenshot({ path: path.join(shotDir, 'web-embed-example.png') });

  // parentOrigin: a lab told to belong to another origin ignores this page's commands and sends
  // it nothing; told this page's origin, it obeys.
  const hostOrigin = new URL(hostUrl).origin;
  for (const [id, origin] of [['wrong', 'http://127.0.0.1:9'], ['right', hostOrigin]]) {
    await page.evaluate(([i, src]) => {
      const f = document.createElement('iframe');
      f.id = i;
      f.src = src;
      f.style.width = '640px';
      f.style.height = '480px';
      document.body.prepend(f); // in view: a lab out of view draws no frames
      window.scrollTo(0, 0);
    }, [id, `${labUrl}index.html?embed=1#view=map&panels=views&parentOrigin=${encodeURIComponent(origin)}`]);
    let labFrame = null;
    for (let i = 0; i < 100 && !labFrame; i++, await sleep(100))
      labFrame = await (await page.$(`#${id}`)).contentFrame();
    await waitFor(labFrame, `the ${id}-origin lab loads`, readyFn, null, 90000);
    await send(id, { type: 'aelab:view', name: 'weights' });
    await sleep(1500);
    const view = await labFrame.evaluate(() => aelab.state().view);
    const heard = (await messages()).filter((m) => m.from === '?').length;
    if (id === 'wrong')
      check('a lab with another parentOrigin ignores this page and sends it nothing', view === 'map' && heard === 0,
            `view ${view}, ${heard} messages from it`);
    else
      check('a lab with this page as parentOrigin obeys it', view === 'weights', `view ${view}`);
    await page.evaluate((i) => document.getElementById(i).remove(), id);
  }
  check('no errors in the host page', errors.length === 0, errors.join(' | '));
  const log = (await messages()).map((m) => `${m.from} ${m.message.type}${m.message.type === 'aelab:epoch'
    ? ` epoch=${m.message.epoch} valLoss=${m.message.valLoss && m.message.valLoss.toFixed(4)}`
    : m.message.type === 'aelab:error' ? ` "${m.message.message}"` : ''}`);
  console.log('host-page message log:');
  // collapse repeats (state-changed and input come in bursts)
  let last = null, count = 0;
  for (const line of [...log, null]) {
    if (line === last) { count++; continue; }
    if (last !== null) console.log(`  ${last}${count > 1 ? ` (x${count})` : ''}`);
    last = line, count = 1;
  }
  await context.close();
}

// The layout's rectangles: inside the window, not overlapping, and the tab strip's panel under it.
function layoutProblems(layout, w, h) {
  const rects = Object.entries(layout), problems = [];
  for (const [name, r] of rects) {
    if (r.x < 0 || r.y < 0 || r.x + r.w > w + 0.5 || r.y + r.h > h + 0.5 || r.w < 150 || r.h < 150)
      problems.push(`${name} ${JSON.stringify(r)} is not inside ${w}x${h} or too small`);
  }
  for (let i = 0; i < rects.length; i++)
    for (let j = i + 1; j < rects.length; j++) {
      const [a, b] = [rects[i][1], rects[j][1]];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
        problems.push(`${rects[i][0]} and ${rects[j][0]} overlap`);
    }
  return problems;
}

// 800x600 and 640x480 embedded (?embed=1, in an iframe on another origin) and a 390x844 phone
// with touch: the compact and phone layouts, every tab, screenshots; a touch stroke draws.
async function smallScreens(browser, labUrl, hostUrl) {
  const tabs = ['draw', 'latent', 'train', 'views', 'model'];
  for (const [w, h] of [[800, 600], [640, 480]]) {
    const context = await returningVisitor(browser, { viewport: { width: w + 40, height: h + 40 } });
    const page = await context.newPage();
    await page.goto(`${hostUrl}embed-example.html?lab=${encodeURIComponent(`${labUrl}index.html`)}`);
    await page.evaluate(([src, fw, fh]) => { // one lab of exactly w x h at the top
      document.body.innerHTML = '';
      document.body.style.margin = '0';
      document.body.style.padding = '0';
      const f = document.createElement('iframe');
      f.id = 'lab';
      f.src = src;
      Object.assign(f.style, { width: `${fw}px`, height: `${fh}px`, border: '0', display: 'block' });
      document.body.appendChild(f);
    }, [`${labUrl}index.html?embed=1#view=map`, w, h]);
    let frame = null;
    for (let i = 0; i < 100 && !frame; i++, await sleep(100)) frame = await (await page.$('#lab')).contentFrame();
    await waitFor(frame, `the ${w}x${h} embedded lab loads`, readyFn, null, 90000);
    const problems = [];
    let mode = null;
    for (const tab of tabs.slice(1)) {
      await frame.evaluate((t) => { location.hash = `view=map&tab=${t}`; }, tab);
      await sleep(900);
      const s = await frame.evaluate(() => aelab.state());
      mode = s.layoutMode;
      problems.push(...layoutProblems(s.layout, w, h).map((p) => `${tab}: ${p}`));
      if (!s.layout[tab] || !s.layout.draw) problems.push(`${tab}: not shown beside the draw panel`);
      await page.screenshot({ path: path.join(shotDir, `web-embed-${w}x${h}-${tab}.png`), clip: { x: 0, y: 0, width: w, height: h } });
    }
    check(`embedded at ${w}x${h} (another origin): the compact layout, the draw panel beside each tab, nothing overlapping`,
          mode === 'compact' && problems.length === 0, problems.join('; ') || `screenshots web-embed-${w}x${h}-*.png`);
    await context.close();
  }

  const context = await returningVisitor(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
                                             deviceScaleFactor: 2 });
  const { page } = await openPage(context, labUrl);
  const problems = [];
  let s = null;
  for (const tab of [...tabs.slice(1), 'draw']) {
    await page.evaluate((t) => { location.hash = `tab=${t}`; }, tab);
    await sleep(900);
    s = await page.evaluate(() => aelab.state());
    problems.push(...layoutProblems(s.layout, 390, 844).map((p) => `${tab}: ${p}`));
    if (Object.keys(s.layout).join() !== tab) problems.push(`${tab}: shows ${Object.keys(s.layout).join()}`);
    await page.screenshot({ path: path.join(shotDir, `web-phone-390x844-${tab}.png`) });
  }
  check('a 390x844 phone: one panel at a time under a tab strip, nothing overlapping', s.layoutMode === 'phone' &&
        problems.length === 0, problems.join('; ') || 'screenshots web-phone-390x844-*.png');
  const c = s.drawCanvas;
  check('on the phone the drawing canvas is large enough for a finger', c.w >= 300, `${c.w.toFixed(0)} px`);
  // a finger stroke down the canvas (touch events through the DevTools protocol)
  const cdp = await context.newCDPSession(page);
  const at = (fx, fy) => ({ x: c.x + c.w * fx, y: c.y + c.h * fy });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0.5, 0.2)] });
  for (let i = 1; i <= 12; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(0.5, 0.2 + 0.05 * i)] });
    await sleep(30);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await sleep(400);
  const after = await page.evaluate(() => ({ ink: aelab.input().reduce((a, v) => a + v, 0), s: aelab.state(),
                                             scale: window.visualViewport.scale, scrollY: window.scrollY }));
  check('a touch stroke draws on the phone, without zooming or scrolling the page',
        after.ink > 5 && !after.s.inputEmpty && after.scale === 1 && after.scrollY === 0,
        `ink ${after.ink.toFixed(1)}, zoom ${after.scale}, scrolled ${after.scrollY}`);
  await page.screenshot({ path: path.join(shotDir, 'web-phone-390x844-drawn.png') });
  await context.close();
}

// The first-visit tour: it starts on a first visit to the full page, Next moves on, Skip ends it
// and it is remembered; tour=1 brings it back; an embedded lab has none.
async function tour(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } }); // a first visit
  const { page } = await openPage(context, url);
  await sleep(400);
  const click = async (r) => { await clickAt(page, r); await sleep(300); };
  const first = await page.evaluate(() => aelab.state());
  await page.screenshot({ path: path.join(shotDir, 'web-tour-1280x800.png') });
  await click(first.tourNext);
  const second = await page.evaluate(() => aelab.state());
  await click(second.tourSkip);
  const skipped = await page.evaluate(() => aelab.state().tourStep);
  await page.reload();
  await waitFor(page, 'the page reloads', readyFn, null, 90000);
  await sleep(300);
  const again = await page.evaluate(() => aelab.state().tourStep);
  await page.goto(`${url}?tour=1`);
  await waitFor(page, 'the page with tour=1 loads', readyFn, null, 90000);
  await sleep(300);
  const asked = await page.evaluate(() => aelab.state().tourStep);
  check('a first visit starts the tour; Next moves on, Skip ends it for good, tour=1 brings it back',
        first.tourStep === 0 && second.tourStep === 1 && skipped === -1 && again === -1 && asked === 0,
        `steps: ${first.tourStep} -> ${second.tourStep} -> skipped ${skipped}; after a reload ${again}; with tour=1 ${asked}; screenshot web-tour-1280x800.png`);
  await context.close();
}

// Lesson 2, denoising: its link sets the training noise; the run (the Web Worker in this
// non-isolated page) trains with it; "corrupt" in the draw panel shows the model a masked digit
// (about 30% of its ink blanked), its reconstruction and the clean original.
async function denoisingLesson(browser, url) {
  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  const lesson = 'model=random&noise=mask:0.3&epochs=3&batch=256&view=gallery&panels=draw,train,views&title=Denoising';
  const { page, errors } = await openPage(context, `${url}#${lesson}`);
  await sleep(300);
  const opened = await page.evaluate(() => ({ noise: aelab.state().noise, link: aelab.link() }));
  await page.evaluate(() => aelab.train(true));
  const trained = await waitFor(page, 'the denoising lesson trains', () => aelab.state().step >= 30, null, 120000);
  await page.evaluate(() => aelab.train(false));
  await page.evaluate(() => { aelab.loadTestDigit(3); aelab.set({ corrupt: 'mask:0.3' }); });
  await sleep(500);
  const s = await page.evaluate(() => ({ state: aelab.state(), input: Array.from(aelab.input()) }));
  const clean = await page.evaluate(() => { aelab.set({ corrupt: 'none' }); return Array.from(aelab.input()); });
  const ink = clean.filter((v) => v > 0).length, blanked = clean.filter((v, i) => v > 0 && s.input[i] === 0).length;
  await page.evaluate(() => aelab.set({ corrupt: 'mask:0.3' }));
  await sleep(300);
  await page.screenshot({ path: path.join(shotDir, 'web-lesson-denoising.png') });
  check('the denoising lesson: its link sets mask:0.3 noise, the worker trains with it, "corrupt" blanks about 30% of the ink',
        opened.noise === 'mask:0.3' && opened.link.includes('noise=mask:0.3') && trained &&
        s.state.noise === 'mask:0.3' && s.state.trainingHost === 'worker' && s.state.corrupt === 'mask:0.3' &&
        blanked > 0.15 * ink && blanked < 0.45 * ink && errors.length === 0,
        `noise ${s.state.noise} on the ${s.state.trainingHost}, ${s.state.step} steps; ${blanked} of ${ink} ink pixels blanked; screenshot web-lesson-denoising.png`);
  await context.close();
}

// Large and tall screens. At 1920x1080 the whole UI zooms (the font follows the window): the
// text is larger than at 1280x800, the layout (reported in CSS pixels) fills the window without
// overlaps, and a click at a reported rectangle lands on its button (the mouse is zoomed too).
// A 768x1024 tablet gets two columns: draw and latent code on the left, the tabs on the right.
async function largeScreens(browser, url) {
  const sizes = {};
  for (const [w, h] of [[1280, 800], [1920, 1080]]) {
    const context = await returningVisitor(browser, { viewport: { width: w, height: h } });
    const { page } = await openPage(context, url);
    await sleep(400);
    const s = await page.evaluate(() => aelab.state());
    sizes[w] = s.fontPixels;
    if (w === 1920) {
      const problems = layoutProblems(s.layout, w, h);
      const covered = Object.values(s.layout).reduce((a, r) => a + r.w * r.h, 0) / (w * h);
      await clickAt(page, s.shareButton);
      const opened = await waitFor(page, 'at 1920x1080 the Share window opens from its button', () => aelab.state().shareOpen, null, 5000);
      await sleep(300);
      await page.screenshot({ path: path.join(shotDir, 'web-1920x1080.png') });
      check('at 1920x1080 the UI zooms: larger text, the panels fill the window, a click lands on its button',
            s.zoom > 1.3 && sizes[1920] > 1.3 * sizes[1280] && problems.length === 0 && covered > 0.9 && opened,
            `zoom ${s.zoom}, text ${sizes[1280]} px at 1280x800 and ${sizes[1920]} px here, ${(100 * covered).toFixed(0)}% covered; ${problems.join('; ') || 'screenshot web-1920x1080.png'}`);
    }
    await context.close();
  }
  const context = await returningVisitor(browser, { viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true,
                                             deviceScaleFactor: 2 });
  const { page } = await openPage(context, url);
  await waitFor(page, 'the tablet shows the latent map', () => aelab.state().map.w > 0, null, 60000);
  await sleep(400);
  const s = await page.evaluate(() => aelab.state());
  await page.screenshot({ path: path.join(shotDir, 'web-tablet-768x1024.png') });
  const l = s.layout, problems = layoutProblems(l, 768, 1024);
  const columns = l.draw && l.latent && l.views && l.latent.x === l.draw.x && l.latent.y > l.draw.y && l.views.x > l.draw.x + l.draw.w - 1;
  check('a 768x1024 tablet: two columns, draw and latent code on the left, the views on the right',
        s.layoutMode === 'compact' && columns && problems.length === 0 && s.map && s.map.w >= 300,
        `${JSON.stringify(l)}; map ${s.map ? s.map.w.toFixed(0) : 'none'} px wide; ${problems.join('; ') || 'screenshot web-tablet-768x1024.png'}`);
  await context.close();
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const lab = await serve(webDir, { isolated: false }), host = await serve(webDir, { isolated: false });
  const browser = await chromium.launch(chromiumOptions());
  try {
    await lessonLinks(browser, lab.url);
    await keyboardAlone(browser, lab.url);
    await embedding(browser, lab.url, host.url);
    await smallScreens(browser, lab.url, host.url);
    await tour(browser, lab.url);
    await largeScreens(browser, lab.url);
    await denoisingLesson(browser, lab.url);
  } catch (e) {
    check('the teaching test ran to the end', false, e.stack);
  } finally {
    await browser.close();
    lab.server.kill();
    host.server.kill();
  }
  console.log(`teach test: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}

main();
