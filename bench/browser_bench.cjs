// Drives the benchmark pages in Debian's headless Chromium (playwright-core; no browser is ever
// downloaded): our WebAssembly core for full MNIST epochs, then TensorFlow.js on each backend,
// each in a fresh page and each time-boxed so a backend that hangs (webgl on SwiftShader) cannot
// stall the run. Serves the folder itself on 127.0.0.1 without COOP/COEP headers: the
// single-thread case, which also works inside someone else's iframe; then, from a second server
// that sends them, our -pthread build at 2 threads (ours_mt.html). Then the same for the
// convolutional model (issue 25, batch 128) against TensorFlow.js, under "conv" (--conv-epochs 0
// leaves it out). Prints JSON.
//   NODE_PATH=<node_modules> node browser_bench.cjs WEB_DIR [--epochs N] [--budget S] [--backends wasm,cpu,webgl]
//     [--conv-epochs N] [--conv-backends wasm,cpu,webgl]
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.gz': 'application/gzip', '.json': 'application/json' };

function parseArgs(argv) {
  const opts = { dir: argv[0], epochs: 3, budget: 30, backends: ['wasm', 'cpu', 'webgl'], timeout: 240, convEpochs: 2,
                 convBackends: ['wasm', 'cpu', 'webgl'] };
  for (let i = 1; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--epochs') opts.epochs = Number(value);
    else if (name === '--budget') opts.budget = Number(value);
    else if (name === '--timeout') opts.timeout = Number(value);
    else if (name === '--conv-epochs') opts.convEpochs = Number(value);
    else if (name === '--conv-backends') opts.convBackends = value.split(',').filter(Boolean);
    else if (name === '--backends') opts.backends = value.split(',').filter(Boolean);
    else throw new Error(`unknown option ${name}`);
  }
  if (!opts.dir || !fs.existsSync(path.join(opts.dir, 'ours.html'))) throw new Error(`${opts.dir}: no ours.html`);
  return opts;
}

// isolated: send COOP/COEP, so pages may use shared memory (WebAssembly threads).
function serve(dir, { isolated = false } = {}) {
  const isolation = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin',
                                 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const server = http.createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(path.resolve(dir)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
                         'Cache-Control': 'no-cache', ...isolation });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function withTimeout(promise, seconds, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Opens `page` in a fresh tab, runs `fn(arg)` in it, closes the tab whatever happens.
async function inPage(context, url, fn, arg, seconds, what) {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    await page.goto(url);
    return await withTimeout(page.evaluate(fn, arg), seconds, what);
  } catch (e) {
    return { error: e.message.split('\n')[0], page_errors: consoleErrors };
  } finally {
    await page.close().catch(() => {});
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = path.resolve(opts.dir);
  const server = await serve(dir);
  const isolatedServer = await serve(dir, { isolated: true });
  const base = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const result = { chromium: context.browser() ? context.browser().version() : null,
                   server: 'no COOP/COEP (not cross-origin isolated: single thread)' };
  const isolatedBase = `http://127.0.0.1:${isolatedServer.address().port}`;
  const threaded = fs.existsSync(path.join(dir, 'ours_mt.html'));
  try {
    result.ours = await inPage(context, `${base}/ours.html`, (epochs) => window.benchOurs(epochs),
                               opts.epochs, opts.timeout, 'our wasm epochs');
    result.tfjs = {};
    for (const backend of opts.backends) {
      result.tfjs[backend] = await inPage(context, `${base}/tfjs.html`,
        ([b, budget]) => window.benchTfjs(b, { budgetSeconds: budget }), [backend, opts.budget],
        opts.timeout, `tfjs ${backend}`);
      process.stderr.write(`tfjs ${backend}: ${JSON.stringify(result.tfjs[backend].epoch_seconds ?? result.tfjs[backend].error)}\n`);
    }
    if (threaded) {
      result.ours_2t = await inPage(context, `${isolatedBase}/ours_mt.html`, (epochs) => window.benchOurs(epochs),
                                    opts.epochs, opts.timeout, 'our wasm epochs, 2 threads');
    }
    if (opts.convEpochs > 0) { // the convolutional model: ours at 1 and 2 threads, tfjs on wasm
      const conv = result.conv = {};
      const convTimeout = opts.timeout * (opts.convEpochs + 1);
      conv.ours = await inPage(context, `${base}/ours.html`, (e) => window.benchOurs(e, 'conv'),
                               opts.convEpochs, convTimeout, 'our wasm conv epochs');
      process.stderr.write(`ours conv: ${JSON.stringify(conv.ours.epoch_seconds ?? conv.ours.error)}\n`);
      if (threaded)
        conv.ours_2t = await inPage(context, `${isolatedBase}/ours_mt.html`, (e) => window.benchOurs(e, 'conv'),
                                    opts.convEpochs, convTimeout, 'our wasm conv epochs, 2 threads');
      // tfjs 4.22's wasm backend has no Conv2DBackpropFilter kernel: its error is the result
      conv.tfjs = {};
      for (const backend of opts.convBackends) {
        conv.tfjs[backend] = await inPage(context, `${base}/tfjs.html`,
          ([b, budget]) => window.benchTfjs(b, { budgetSeconds: budget, model: 'conv' }), [backend, opts.budget],
          opts.timeout, `tfjs ${backend} conv`);
        process.stderr.write(`tfjs ${backend} conv: ${JSON.stringify(conv.tfjs[backend].epoch_seconds ?? conv.tfjs[backend].error)}\n`);
      }
    }
  } finally {
    await context.close();
    server.close();
    isolatedServer.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result, null, 1));
}

main().catch((e) => { console.error(`browser_bench: ${e.message}`); process.exit(1); });
