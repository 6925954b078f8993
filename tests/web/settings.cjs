// Browser test of the settings table (src/lab/settings.h) through the page: every row that
// aelab.settings() lists is set through aelab.set, read back from state(), carried by the lesson
// link (where links carry it) into a new page that has the same value; every value out of a row's
// range or choices is refused with what was expected. Then a person's journey in the Train panel,
// with the mouse and keyboard only: type a number of epochs, press + on the seed, and, with no
// input at all afterwards, the lab shows and links what was typed.
// usage: node settings.cjs WEB_DIR SCREENSHOT_DIR
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');
const { serve } = require('../../tools/serve_child.cjs');
const { results, check, sleep, waitFor, chromiumOptions, returningVisitor } = require('./harness.cjs');

const [webDir, shotDir] = process.argv.slice(2);
if (!shotDir) {
  console.error('usage: node settings.cjs WEB_DIR SCREENSHOT_DIR');
  process.exit(2);
}

async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const ready = await waitFor(page, `the page becomes ready (${url.slice(-60)})`, () => {
    try { const s = aelab.state(); return s.ready && s.testSet.status === 'ready'; } catch (e) { return false; }
  }, null, 90000);
  if (!ready) throw new Error('the page never became ready');
  return { page, errors };
}

// A value of the row other than the lab's, as aelab.set takes it, and as state() and links say it.
function otherValue(row, state) {
  if (row.kind === 'number') {
    let v = row.integer ? row.min + 1 : row.min > 0 ? row.min * 2 : row.min + 1;
    if (v === state[row.key]) v += 1; // beta's min + 1 is its default, which a link leaves out
    return { given: v, text: String(v) };
  }
  if (row.kind === 'flag') return { given: !state[row.key], text: String(!state[row.key]) };
  if (row.kind === 'choice') {
    const name = row.choices.find((c) => c !== state[row.key] && !(row.key === 'precision' && !state.bf16Available) &&
                                         !(row.key === 'dataset' && c === 'custom'));
    return name ? { given: name, text: name } : null;
  }
  const first = row.example.split("'")[1]; // "'mask:0.3' or 'none'": the first
  return { given: first, text: first };
}

const sameValue = (row, a, b) => (row.kind === 'number' ? Math.abs(Number(a) - Number(b)) <= 1e-6 * Math.abs(Number(b)) : String(a) === String(b));

async function tableWalk(browser, url) {
  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  const { page, errors } = await openPage(context, url);
  const rows = await page.evaluate(() => aelab.settings());
  check('aelab.settings() lists the table: every key aelab.set took before is a row',
        ['lr', 'batch', 'epochs', 'loss', 'optimizer', 'seed', 'latent', 'hidden', 'preprocess', 'noise', 'corrupt',
         'dataset', 'exclude', 'precision', 'budgetMs'].every((k) => rows.some((r) => r.key === k)),
        rows.map((r) => `${r.key}:${r.kind}`).join(' '));
  // every row: set, then state() says it
  const wanted = {};
  for (const row of rows) {
    const state = await page.evaluate(() => aelab.state());
    const v = otherValue(row, state);
    if (!v) continue;
    const got = await page.evaluate(([key, given]) => {
      try { return { state: aelab.set({ [key]: given })[key] }; } catch (e) { return { error: e.message }; }
    }, [row.key, v.given]);
    check(`set({${row.key}: ${JSON.stringify(v.given)}}) -> state().${row.key}`,
          !got.error && sameValue(row, got.state, v.text), got.error || String(got.state));
    wanted[row.key] = { row, text: v.text };
  }
  await waitFor(page, 'the run has every setting', () => aelab.state().settled, null, 60000);
  // the link carries every row that links carry; a new page opened at it has the same values
  const link = await page.evaluate(() => aelab.link());
  // a dense model's link leaves out the conv model's filters (the walk ends with kind vae)
  const kind = (await page.evaluate(() => aelab.state())).kind;
  const linked = Object.values(wanted).filter((w) => w.row.inLink && (w.row.key !== 'filters' || kind === 'conv'));
  check(`a ${kind} model's link leaves out the conv model's filters`, kind === 'conv' || !/[#&]filters=/.test(link), link);
  const pairs = new URLSearchParams(link.split('#')[1]);
  const missing = linked.filter((w) => !pairs.has(w.row.key) || !sameValue(w.row, pairs.get(w.row.key), w.text));
  check('the lesson link carries every setting links carry, as set', missing.length === 0,
        missing.length ? `missing ${missing.map((w) => `${w.row.key}=${w.text}`).join(', ')} in ${link}` : `${linked.length} settings`);
  const second = await openPage(context, link);
  await waitFor(second.page, 'the new page has its model', () => aelab.state().settled, null, 60000);
  const again = await second.page.evaluate(() => aelab.state());
  const differ = linked.filter((w) => !sameValue(w.row, again[w.row.key], w.text));
  check('a new page opened at that link has every linked setting', differ.length === 0,
        differ.map((w) => `${w.row.key}: ${again[w.row.key]} (wanted ${w.text})`).join(', ') || `${linked.length} settings`);
  // out of range, out of the choices: refused with what was expected, nothing changes
  const refusals = await page.evaluate((all) => {
    const before = aelab.link(), out = [];
    for (const row of all) {
      const bad = row.kind === 'number' ? row.max * 2 + 1 : row.kind === 'choice' ? 'frob' : row.kind === 'text' ? 'frob:2' : 2;
      try { aelab.set({ [row.key]: bad }); out.push({ key: row.key, error: null }); } catch (e) { out.push({ key: row.key, error: e.message }); }
    }
    return { out, same: aelab.link() === before };
  }, rows);
  const wrong = refusals.out.filter((r) => {
    const row = rows.find((x) => x.key === r.key);
    if (!r.error || !r.error.startsWith(`aelab.set: ${r.key}`)) return true;
    if (row.kind === 'number') return !r.error.includes(' from ');
    if (row.kind === 'choice') return !row.choices.every((c) => r.error.includes(`'${c}'`));
    return !r.error.includes('expected');
  });
  check('every value out of a row\'s range or choices is refused with what was expected, and nothing changes',
        wrong.length === 0 && refusals.same, wrong.map((r) => `${r.key}: ${r.error}`).join('; ') || `${refusals.out.length} refused`);
  check('no errors in the pages', errors.length === 0 && second.errors.length === 0, [...errors, ...second.errors].join('; '));
  await context.close();
}

// A person in the Train panel: a click into the epochs field, Ctrl+A, 7, Enter; a click on the
// seed's + button. Then no input at all: the lab shows and links what was typed.
async function trainPanelJourney(browser, url) {
  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  const { page, errors } = await openPage(context, url);
  const widgets = await page.evaluate(() => aelab.state().settingWidgets);
  check('the Train panel draws a widget for each setting it offers', ['hidden', 'latent', 'lr', 'batch', 'loss', 'optimizer',
        'epochs', 'seed', 'noise', 'exclude'].every((k) => widgets[k] && widgets[k].w > 0), Object.keys(widgets).join(' '));
  const e = widgets.epochs, s = widgets.seed;
  await page.mouse.click(e.x + 20, e.y + e.h / 2);
  await sleep(200);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('7', { delay: 50 });
  await page.keyboard.press('Enter');
  await sleep(300);
  await page.mouse.click(s.x + s.w - s.h / 2, s.y + s.h / 2); // the + button, at the field's right end
  await page.mouse.move(5, 790); // away, then no input at all
  await sleep(2000);
  const after = await page.evaluate(() => ({ epochs: aelab.state().epochs, seed: aelab.state().seed, link: aelab.link() }));
  check('typed into the Train panel and pressed +: with no input since, the lab has epochs 7 and seed 1, and links them',
        after.epochs === 7 && after.seed === 1 && after.link.includes('epochs=7') && after.link.includes('seed=1'),
        `epochs ${after.epochs}, seed ${after.seed}`);
  await page.screenshot({ path: path.join(shotDir, 'web-settings-typed-1280x800.png') });
  check('no errors in the page', errors.length === 0, errors.join('; '));
  await context.close();
}

async function main() {
  const { server, url } = await serve(webDir, { isolated: false });
  const browser = await chromium.launch(chromiumOptions());
  try {
    await tableWalk(browser, url);
    await trainPanelJourney(browser, url);
  } catch (e) {
    check('settings test', false, e.stack);
  } finally {
    await browser.close();
    server.kill();
  }
  console.log(`settings test: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

main();
