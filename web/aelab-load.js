// Loading, for the page (aelab-page.js) and its training worker (aelab-worker.js): a URL's bytes,
// the one gunzip (the browser's DecompressionStream: the WebAssembly build has no zlib), the one
// naming of a data set's IDX files and their detection, and the .npz rewriter.
'use strict';
self.aelabLoad = (function () {
  // Gunzipped if gzip (by its magic bytes, so a server that already decoded a Content-Encoding:
  // gzip response works too); `what` names it in the error.
  async function gunzip(bytes, what) {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    if (typeof DecompressionStream === 'undefined') throw new Error(`${what}: this browser has no DecompressionStream`);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // A failed fetch is tried again after these waits (15 s in all) before it fails: a classroom's
  // network drops for a moment. Not after an HTTP answer that another try cannot change (404).
  const retryWaitsMs = [1000, 2000, 4000, 8000];
  const waiting = new Set(); // the waits in progress: retryNow() ends them at once
  function retryNow() { for (const wake of [...waiting]) wake(); }
  const transient = (status) => status === 408 || status === 429 || status >= 500;

  // The whole body of a URL as bytes, gunzipped; onProgress(fraction, loaded, total) as it comes
  // (fraction and total 0 where the size is not known: a server that compresses on the fly sends
  // the compressed size); onWait(text) says what a retry waits for ('' once it tries again).
  async function fetchBytes(url, onProgress, onWait) {
    for (let attempt = 0; ; attempt++) {
      try {
        const bytes = await fetchOnce(url, onProgress);
        if (attempt > 0 && onWait) onWait('');
        return bytes;
      } catch (e) {
        if (e.final || attempt >= retryWaitsMs.length) throw e;
        const ms = retryWaitsMs[attempt];
        if (onWait) onWait(`${e.message}; trying again in ${ms / 1000} s (try ${attempt + 2} of ${retryWaitsMs.length + 1})`);
        await new Promise((resolve) => {
          const wake = () => { clearTimeout(timer); waiting.delete(wake); resolve(); };
          const timer = setTimeout(wake, ms);
          waiting.add(wake);
        });
        if (onWait) onWait(`trying ${url} again`);
      }
    }
  }

  async function fetchOnce(url, onProgress) {
    let response;
    try {
      response = await fetch(url);
    } catch (e) {
      throw new Error(`${url}: ${e.message} (offline?)`);
    }
    if (!response.ok) {
      const e = new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
      e.final = !transient(response.status);
      throw e;
    }
    const encoding = (response.headers.get('Content-Encoding') || 'identity').toLowerCase();
    const total = encoding === 'identity' ? Number(response.headers.get('Content-Length')) || 0 : 0;
    const reader = response.body.getReader();
    const chunks = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      if (onProgress) onProgress(total >= loaded ? loaded / total : 0, loaded, total >= loaded ? total : 0);
    }
    const bytes = new Uint8Array(loaded);
    for (let i = 0, at = 0; i < chunks.length; at += chunks[i].byteLength, i++) bytes.set(chunks[i], at);
    return gunzip(bytes, url);
  }

  // The folders of the data sets the page serves, and a split's files there.
  const dataDirs = { mnist: 'data/', fashion: 'data/fashion/' };
  function splitNames(dir, train) {
    const prefix = `${dir}${train ? 'train' : 't10k'}`;
    return { imagesName: `${prefix}-images-idx3-ubyte.gz`, labelsName: `${prefix}-labels-idx1-ubyte.gz` };
  }
  // A split's images and labels, fetched from `dir`: {images, labels, imagesName, labelsName}.
  async function fetchSplit(dir, train, onProgress, onWait) {
    const split = splitNames(dir, train);
    split.images = await fetchBytes(split.imagesName, onProgress && ((f) => f > 0 && onProgress(f)), onWait);
    split.labels = await fetchBytes(split.labelsName, null, onWait);
    return split;
  }

  // An IDX file's kind by its magic number: 'images', 'labels', or null.
  const be32 = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  const idxKind = (b) => (b.length >= 8 && be32(b, 0) === 0x803 ? 'images' : b.length >= 8 && be32(b, 0) === 0x801 ? 'labels' : null);

  // A stored zip entry's local header and central directory entry for `data` (the CRC as given).
  function storedEntry(name, crc, data, offset) {
    const header = new Uint8Array(30 + name.length), h = new DataView(header.buffer);
    h.setUint32(0, 0x04034b50, true); h.setUint16(4, 20, true); h.setUint32(14, crc, true);
    h.setUint32(18, data.length, true); h.setUint32(22, data.length, true); h.setUint16(26, name.length, true);
    header.set(name, 30);
    const entry = new Uint8Array(46 + name.length), d = new DataView(entry.buffer);
    d.setUint32(0, 0x02014b50, true); d.setUint16(4, 20, true); d.setUint16(6, 20, true); d.setUint32(16, crc, true);
    d.setUint32(20, data.length, true); d.setUint32(24, data.length, true); d.setUint16(28, name.length, true);
    d.setUint32(42, offset, true);
    entry.set(name, 46);
    return { header, entry };
  }

  // An .npz written by np.savez_compressed, as np.savez would have written it: each deflated entry
  // inflated by the browser (DecompressionStream 'deflate-raw') and stored, with its CRC-32 as it
  // was (the app's reader checks it). Anything else is returned as it is, for the app to judge.
  async function storedNpz(bytes) {
    const le16 = (at) => bytes[at] | (bytes[at + 1] << 8), le32 = (at) => (le16(at) | (le16(at + 2) << 16)) >>> 0;
    let end = -1;
    for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--)
      if (le32(at) === 0x06054b50) { end = at; break; }
    if (end < 0 || typeof DecompressionStream === 'undefined') return bytes;
    const entries = le16(end + 10), parts = [], directory = [];
    let at = le32(end + 16), out = 0, deflated = false;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > bytes.length || le32(at) !== 0x02014b50) return bytes;
      const method = le16(at + 10), crc = le32(at + 16), stored = le32(at + 20), size = le32(at + 24);
      const nameLen = le16(at + 28), extraLen = le16(at + 30), commentLen = le16(at + 32), local = le32(at + 42);
      if (stored === 0xffffffff || size === 0xffffffff || local === 0xffffffff) return bytes; // zip64: the app's reader
      if (local + 30 > bytes.length || le32(local) !== 0x04034b50) return bytes;
      const dataAt = local + 30 + le16(local + 26) + le16(local + 28);
      let data = bytes.subarray(dataAt, dataAt + stored);
      if (method === 8) {
        deflated = true;
        const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
        try { data = new Uint8Array(await new Response(stream).arrayBuffer()); } catch (e) { return bytes; }
      } else if (method !== 0) return bytes;
      const { header, entry } = storedEntry(bytes.subarray(at + 46, at + 46 + nameLen), crc, data, out);
      parts.push(header, data);
      directory.push(entry);
      out += header.length + data.length;
      at += 46 + nameLen + extraLen + commentLen;
    }
    if (!deflated) return bytes;
    const dirSize = directory.reduce((n, e) => n + e.length, 0);
    const tail = new Uint8Array(22), t = new DataView(tail.buffer);
    t.setUint32(0, 0x06054b50, true); t.setUint16(8, entries, true); t.setUint16(10, entries, true);
    t.setUint32(12, dirSize, true); t.setUint32(16, out, true);
    const all = new Uint8Array(out + dirSize + 22);
    let k = 0;
    for (const p of [...parts, ...directory, tail]) { all.set(p, k); k += p.length; }
    return all;
  }

  return { gunzip, fetchBytes, retryNow, dataDirs, splitNames, fetchSplit, be32, idxKind, storedNpz };
})();
