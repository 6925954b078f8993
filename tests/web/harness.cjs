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

// An .npz as np.savez writes it (a zip of stored .npy float32 arrays), built here from a model
// file's weights: the Keras layout's arrays are the file's W1, b1, ..., b4 slices as they are;
// `torch` writes the PyTorch layout (NAME.weight transposed to out x in, NAME.bias).
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1)); }
  return ~c >>> 0;
}
// A returning visitor's page at 1280x800, once the lab is ready with its test set; its page
// errors are collected in `errors`.
async function openLab(browser, url) {
  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  if (!(await waitFor(page, 'page becomes ready with the test set', () => {
    try { const s = aelab.state(); return s.ready && s.testSet.status === 'ready'; } catch (e) { return false; }
  }, null, 90000))) throw new Error('the page never became ready');
  return { context, page, errors };
}

// IEEE float16 to float32, written out from the format's definition; the model file keeps the
// P high bytes, then the P low bytes (src/core/model_file.h).
function halfToFloat32(bytes) {
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    const h = (bytes[i] << 8) | bytes[out.length + i], sign = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 31, m = h & 1023;
    out[i] = sign * (e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15));
  }
  return out;
}

function npzOf(modelBytes, torch = false) {
  const view = new DataView(modelBytes.buffer, modelBytes.byteOffset, modelBytes.byteLength);
  const d = view.getUint32(12, true), h = view.getUint32(16, true), z = view.getUint32(20, true);
  const P = Number(view.getBigUint64(32, true));
  // a copy (a Buffer's slice shares its pool), so the floats start at the copy's byte 0; a
  // float16 file (flag bit 2, the page's shipped model) expanded here as the app expands it
  const params = (view.getUint32(24, true) & 4) ? halfToFloat32(modelBytes.subarray(40, 40 + 2 * P))
    : new Float32Array(new Uint8Array(modelBytes.subarray(40, 40 + 4 * P)).buffer);
  const dims = [[d, h], [h, z], [z, h], [h, d]], arrays = [];
  let at = 0;
  dims.forEach(([i, o], l) => {
    let w = params.slice(at, at + i * o);
    at += i * o;
    const b = params.slice(at, at + o);
    at += o;
    if (torch) {
      const t = new Float32Array(i * o);
      for (let r = 0; r < i; r++) for (let c = 0; c < o; c++) t[c * i + r] = w[r * o + c];
      arrays.push([`layers.${2 * l}.weight`, [o, i], t], [`layers.${2 * l}.bias`, [o], b]);
    } else {
      arrays.push([`W${l + 1}`, [i, o], w], [`b${l + 1}`, [o], b]);
    }
  });
  const parts = [], central = [];
  let offset = 0;
  for (const [name, shape, data] of arrays) {
    let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    while ((10 + header.length + 1) % 64) header += ' ';
    header += '\n';
    const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]),
                               Buffer.from([header.length & 255, header.length >> 8]), Buffer.from(header, 'latin1'),
                               Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
    const file = Buffer.from(`${name}.npy`), crc = crc32(npy);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(npy.length, 18); local.writeUInt32LE(npy.length, 22); local.writeUInt16LE(file.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6); dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(npy.length, 20); dir.writeUInt32LE(npy.length, 24); dir.writeUInt16LE(file.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, file, npy);
    central.push(dir, file);
    offset += 30 + file.length + npy.length;
  }
  const dirBytes = Buffer.concat(central), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(arrays.length, 8); end.writeUInt16LE(arrays.length, 10);
  end.writeUInt32LE(dirBytes.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dirBytes, end]);
}

// Waits, reading only state() (reads do not wake the lab), until fn(state) holds; null after
// timeoutMs. What a journey does after its input: nothing else.
async function quietlyUntil(page, fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const s = await page.evaluate(() => { try { return aelab.state(); } catch (e) { return { ready: false }; } });
    if (s.ready && fn(s)) return s;
    await sleep(250);
  }
  return null;
}

// A press at (fx, fy) of rectangle r as a person makes it: the pointer rests there, the button is
// held a moment.
async function press(page, r, fx = 0.5, fy = 0.5) {
  await page.mouse.move(r.x + fx * r.w, r.y + fy * r.h, { steps: 4 });
  await sleep(120);
  await page.mouse.down();
  await sleep(60);
  await page.mouse.up();
  await sleep(120);
}

// A press on a widget by its state() name (widgets, or a setting's field), as a person presses.
async function clickWidget(page, name) {
  const s = await page.evaluate(() => aelab.state());
  const r = s.widgets[name] || s.settingWidgets[name];
  if (!r) throw new Error(`no widget '${name}' on screen (have: ${Object.keys(s.widgets).join(', ')})`);
  await press(page, r);
}

// A returning visitor's page at `url` (1280x800 unless options say), ready with its test set and
// settled, read with state() only.
async function openQuietly(browser, url, options = {}) {
  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const s = await quietlyUntil(page, (st) => st.testSet.status === 'ready' && st.settled, 90000);
  if (!s) throw new Error(`the page never became ready: ${url}`);
  return { context, page, errors };
}

module.exports = { results, check, sleep, waitFor, chromiumOptions, returningVisitor, npzOf, openLab, quietlyUntil, press,
                   clickWidget, openQuietly };
