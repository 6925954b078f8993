// What the browser tests share: pass/fail lines and their count, waiting on the page, and
// Chromium's options (Debian's browser, never a downloaded one; WebGL2 through SwiftShader).
'use strict';

const results = { passed: 0, failed: 0 };

function check(name, ok, detail) {
  results[ok ? 'passed' : 'failed']++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until fn(arg) is true in the page; a timeout is a failed check named `what`.
async function waitFor(page, what, fn, arg, timeoutMs, pollingMs = 100) {
  try {
    await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: pollingMs });
    return true;
  } catch (e) {
    check(what, false, `timed out after ${timeoutMs / 1000} s`);
    return false;
  }
}

const chromiumOptions = (extraArgs = []) => ({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
         ...extraArgs],
});

// A browser context of a returning visitor: the first-visit tour was seen already (teach.cjs
// tests the first visit).
async function returningVisitor(browser, options) {
  const context = await browser.newContext(options);
  await context.addInitScript(() => { try { localStorage.setItem('aelab-tour-seen', '1'); } catch (e) { /* none */ } });
  return context;
}

module.exports = { results, check, sleep, waitFor, chromiumOptions, returningVisitor };
