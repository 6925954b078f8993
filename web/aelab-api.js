// The page's side of aelab: it fetches the model and the MNIST files from this folder (the data
// as .gz, decompressed with the browser's DecompressionStream: the WebAssembly build has no
// zlib), hands the bytes to the app, and exposes window.aelab (see docs/web-api.md).
// Order: the model (in parallel with the app's own download), then the test set; the training
// set only when training first starts. In the single-thread build the training run then moves
// into a dedicated Web Worker (aelab-worker.js, loaded at that moment), which fetches the
// training set itself; the page's thread only draws.
// Two builds of the app sit next to this file: aelab-mt.js (WebAssembly threads: trains on
// several cores) is loaded when the page is cross-origin isolated, which shared memory needs;
// otherwise, or with ?threads=1, or if aelab-mt.js is missing, the single-thread aelab.js.
'use strict';
(function () {
  const overlay = document.getElementById('overlay');
  const statusText = document.getElementById('status');
  const progressBar = document.getElementById('progress');
  const canvas = document.getElementById('canvas');
  const fileInput = document.getElementById('model-file');
  const live = document.getElementById('live');
  // ?embed=1, or inside any iframe: the lab alone, no text below it to scroll to
  const embedded = new URLSearchParams(location.search).get('embed') === '1' ||
                   new URLSearchParams(location.hash.slice(1)).get('embed') === '1';
  if (embedded || window.parent !== window) document.documentElement.classList.add('embed');
  const page = { readyMs: null, runtime: false, errors: [], trainRequested: false, script: null, worker: null,
                 downloads: [] };
  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });

  function setStatus(text, fraction) {
    statusText.textContent = text;
    if (fraction === undefined) progressBar.removeAttribute('value');
    else progressBar.value = fraction;
  }

  function fatal(text) {
    page.errors.push(text);
    overlay.classList.remove('hidden');
    statusText.className = 'error';
    statusText.textContent = text;
    progressBar.hidden = true;
  }

  const fetchBytes = self.aelabFetchBytes; // aelab-fetch.js, shared with the training worker

  // The app's memory seen as a typed array. In the threaded build another thread may grow the
  // memory, which leaves Module.HEAP* on the old buffer; Module.wasmMemory is always current.
  function heap(Type) {
    return new Type(Module.wasmMemory ? Module.wasmMemory.buffer : Module.HEAPU8.buffer);
  }

  // Copies byte arrays into the app's memory for the duration of fn(pointers...).
  function withHeap(arrays, fn) {
    const pointers = arrays.map((a) => {
      const p = Module._malloc(Math.max(1, a.length));
      heap(Uint8Array).set(a, p);
      return p;
    });
    try { return fn(...pointers); } finally { pointers.forEach((p) => Module._free(p)); }
  }

  // The model downloads while the app does; the overlay shows its progress.
  const modelProgress = (fraction, loaded, total) => {
    if (page.readyMs === null && !statusText.className)
      setStatus(`Loading the trained network: ${(loaded / 1e6).toFixed(2)} of ${(total / 1e6).toFixed(2)} MB`, fraction);
  };
  const modelFetch = fetchBytes('model.aelab', modelProgress).then((bytes) => ({ bytes }), (error) => ({ error }));

  async function handOverModel() {
    setStatus('Starting the lab...');
    const got = await modelFetch;
    if (got.error) {
      Module.ccall('aelab_shipped_model_missing', null, ['string'], [`No shipped model (${got.error.message})`]);
      return;
    }
    const error = withHeap([got.bytes], (p) =>
      Module.UTF8ToString(Module._aelab_set_shipped_model(p, got.bytes.length)));
    if (error) page.errors.push(error);
  }

  // ---- data sets. The app asks for a split of a data set (aelabRequestData) under a generation
  // number that changes with each choice; what arrives for an older choice is dropped there.
  // Targets as the app numbers them: 0 the training set, 1 the test set, 2 the other data set's
  // test set (the Anomaly view's comparison).
  const dataDirs = { mnist: 'data/', fashion: 'data/fashion/' };
  page.data = { dataset: 'mnist', gen: 1 }; // the app's choice, as last asked for
  page.own = null; // the user's own files, gunzipped: {train: split, test: split}, split = {images, labels, imagesName, labelsName}

  async function fetchSplit(dataset, train, progress) {
    if (dataset === 'custom') {
      if (!page.own) throw new Error('no data of your own was given');
      return page.own[train ? 'train' : 'test'];
    }
    const prefix = `${dataDirs[dataset]}${train ? 'train' : 't10k'}`;
    const split = { imagesName: `${prefix}-images-idx3-ubyte.gz`, labelsName: `${prefix}-labels-idx1-ubyte.gz` };
    split.images = await fetchBytes(split.imagesName, progress);
    split.labels = await fetchBytes(split.labelsName);
    return split;
  }

  async function loadSplit(target, dataset, gen) {
    const progress = (f) => Module._aelab_data_progress(target, f);
    try {
      progress(0);
      const split = await fetchSplit(dataset, target === 0, (f) => progress(0.97 * f));
      // the images go straight into the buffer the app keeps them in (no second copy)
      const at = Module._aelab_image_buffer(split.images.length); // may grow the memory: view it after
      heap(Uint8Array).set(split.images, at);
      const error = withHeap([split.labels], (pl) => Module.ccall('aelab_load_data', 'string',
        ['number', 'number', 'number', 'number', 'string', 'string'],
        [target, pl, split.labels.length, gen, split.imagesName, split.labelsName]));
      if (error) page.errors.push(error);
    } catch (e) {
      page.errors.push(e.message);
      Module.ccall('aelab_data_failed', null, ['number', 'string', 'number'], [target, e.message, gen]);
    }
  }

  // Gunzipped if gzip (by its magic bytes).
  async function gunzipped(bytes) {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const be32 = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  const idxKind = (b) => (b.length >= 8 && be32(b, 0) === 0x803 ? 'images' : b.length >= 8 && be32(b, 0) === 0x801 ? 'labels' : null);

  // The user's own IDX files (the file picker or a drop): an images and a labels file to train and
  // test on, or the four of a data set (the larger pair trains). Kept in the page, and chosen.
  async function useOwnFiles(files) {
    const read = [];
    for (const f of files) {
      let bytes;
      try { bytes = await gunzipped(new Uint8Array(await f.arrayBuffer())); } catch (e) {
        throw new Error(`${f.name}: could not be read (${e.message})`);
      }
      const kind = idxKind(bytes);
      if (!kind) throw new Error(`${f.name}: not an IDX images (magic 0x00000803) or labels (0x00000801) file`);
      read.push({ name: f.name, bytes, kind, count: be32(bytes, 4) });
    }
    const images = read.filter((r) => r.kind === 'images').sort((a, b) => b.count - a.count);
    const labels = read.filter((r) => r.kind === 'labels').sort((a, b) => b.count - a.count);
    if (images.length !== labels.length || images.length < 1 || images.length > 2)
      throw new Error(`expected an IDX images file and a labels file, or the four of a data set; got ${images.length} images and ${labels.length} labels files`);
    // checked here too, so the data in use stays when they do not fit (the app checks again)
    for (const im of images) {
      const rows = be32(im.bytes, 8), cols = be32(im.bytes, 12);
      if (rows !== 28 || cols !== 28)
        throw new Error(`${im.name}: ${im.count} pictures of ${rows}x${cols} pixels; the lab's network takes 28x28 pictures`);
    }
    images.forEach((im, i) => {
      if (labels[i].count !== im.count)
        throw new Error(`${labels[i].name}: ${labels[i].count} labels for the ${im.count} images of ${im.name}, expected as many`);
    });
    const split = (i) => ({ images: images[i].bytes, labels: labels[i].bytes, imagesName: images[i].name, labelsName: labels[i].name });
    page.own = { train: split(0), test: split(images.length - 1) };
    const what = images.length === 1 ? `${images[0].name} and ${labels[0].name} (training and testing on the same ${images[0].count} pictures)`
      : `${read.length} files: training on ${images[0].name} (${images[0].count}), testing on ${images[1].name} (${images[1].count})`;
    const error = Module.ccall('aelab_own_data', 'string', ['string'], [what]);
    if (error) throw new Error(error);
  }

  // Files picked or dropped: IDX data, or one model file (.aelab, or .npz weights).
  async function openFiles(files) {
    if (!page.runtime || !files.length) return;
    let data = files.length > 1;
    if (!data && !/\.(aelab|npz)$/i.test(files[0].name)) {
      try { data = idxKind(await gunzipped(new Uint8Array(await files[0].arrayBuffer()))) !== null; } catch (e) { data = false; }
    }
    if (!data) return loadModelFile(files[0]);
    try { await useOwnFiles(files); } catch (e) {
      Module.ccall('aelab_show_error', null, ['string'], [e.message]); // the data in use stays
    }
  }

  // ---- the Web Worker host (single-thread build): the run lives in aelab-worker.js
  function startWorker() {
    let worker;
    try {
      worker = new Worker('aelab-worker.js');
    } catch (e) {
      page.errors.push(`no training worker (${e.message}): training in the page's frames`);
      loadSplit(0, page.data.dataset, page.data.gen);
      return;
    }
    page.worker = worker;
    let up = false;
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'ready') {
        up = true;
        Module._aelab_use_worker();
      } else if (m.type === 'snapshot') {
        const bytes = new Uint8Array(m.bytes);
        withHeap([bytes], (p) => Module._aelab_worker_snapshot(p, bytes.length));
      } else if (m.type === 'progress' && m.train) { // the page has its own test set already
        if (m.gen === page.data.gen) Module._aelab_data_progress(0, m.fraction);
      } else if (m.type === 'failed' || m.type === 'fatal') {
        page.errors.push(m.error);
        Module.ccall('aelab_data_failed', null, ['number', 'string', 'number'],
                     [m.train || m.type === 'fatal' ? 0 : 1, m.error, m.gen || page.data.gen]);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      page.errors.push(`training worker: ${e.message || 'failed to start'}`);
      if (!up) { // never took over: train in the page's frames instead
        page.worker = null;
        loadSplit(0, page.data.dataset, page.data.gen);
      }
    };
  }

  // An .npz written by np.savez_compressed, as np.savez would have written it: each deflated entry
  // inflated by the browser (DecompressionStream 'deflate-raw'; the WebAssembly build has no zlib)
  // and stored, with its CRC-32 as it was (the app's reader checks it). Anything else is returned
  // as it is, for the app's reader to judge.
  async function storedNpz(bytes) {
    const le16 = (at) => bytes[at] | (bytes[at + 1] << 8), le32 = (at) => (le16(at) | (le16(at + 2) << 16)) >>> 0;
    let end = -1;
    for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--)
      if (le32(at) === 0x06054b50) { end = at; break; }
    if (end < 0 || typeof DecompressionStream === 'undefined') return bytes;
    const entries = le16(end + 10), dirAt = le32(end + 16);
    const parts = [], directory = [];
    let at = dirAt, out = 0, deflated = false;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > bytes.length || le32(at) !== 0x02014b50) return bytes;
      const method = le16(at + 10), crc = le32(at + 16), stored = le32(at + 20), size = le32(at + 24);
      const nameLen = le16(at + 28), extraLen = le16(at + 30), commentLen = le16(at + 32), local = le32(at + 42);
      if (stored === 0xffffffff || size === 0xffffffff || local === 0xffffffff) return bytes; // zip64: the app's reader
      const name = bytes.subarray(at + 46, at + 46 + nameLen);
      if (local + 30 > bytes.length || le32(local) !== 0x04034b50) return bytes;
      const dataAt = local + 30 + le16(local + 26) + le16(local + 28);
      let data = bytes.subarray(dataAt, dataAt + stored);
      if (method === 8) {
        deflated = true;
        const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
        try { data = new Uint8Array(await new Response(stream).arrayBuffer()); } catch (e) { return bytes; }
      } else if (method !== 0) return bytes;
      const header = new Uint8Array(30 + nameLen), h = new DataView(header.buffer);
      h.setUint32(0, 0x04034b50, true); h.setUint16(4, 20, true); h.setUint32(14, crc, true);
      h.setUint32(18, data.length, true); h.setUint32(22, data.length, true); h.setUint16(26, nameLen, true);
      header.set(name, 30);
      const entry = new Uint8Array(46 + nameLen), d = new DataView(entry.buffer);
      d.setUint32(0, 0x02014b50, true); d.setUint16(4, 20, true); d.setUint16(6, 20, true); d.setUint32(16, crc, true);
      d.setUint32(20, data.length, true); d.setUint32(24, data.length, true); d.setUint16(28, nameLen, true);
      d.setUint32(42, out, true);
      entry.set(name, 46);
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

  async function loadModelFile(file) {
    if (!page.runtime) return;
    let bytes = new Uint8Array(await file.arrayBuffer());
    if (/\.npz$/i.test(file.name)) bytes = await storedNpz(bytes);
    withHeap([bytes], (p) => Module.ccall('aelab_load_model', 'string', ['number', 'number', 'string'],
                                           [p, bytes.length, file.name]));
  }

  function download(bytes, name) {
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  // One file input for everything the user may give: a model (.aelab or .npz) or IDX data files.
  fileInput.addEventListener('change', () => {
    const files = Array.from(fileInput.files);
    fileInput.value = '';
    openFiles(files);
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    openFiles(Array.from(e.dataTransfer.files));
  });
  window.addEventListener('error', (e) => page.errors.push(String(e.message)));

  // Emscripten's Module: settings for aelab.js, and the functions the app calls (main_web.cpp).
  window.Module = {
    canvas,
    locateFile: (path) => path, // next to this page, whatever folder it is served from
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fatal(`The app stopped: ${what}`),
    onRuntimeInitialized() {
      page.runtime = true;
      if (embedded) Module._aelab_set_embed(1);
      handOverModel().then(() => {
        if (location.hash.length > 1) openLesson(location.hash); // before the first frame shows
        Module._aelab_request_test_set(); // of the data set chosen (a lesson may choose one)
      });
    },
    // The app wants a split (target 0 training, 1 test, 2 the other data set's test set). The
    // training set goes to the Web Worker where the run lives there (started on the first ask).
    aelabRequestData(target, dataset, gen) {
      if (target !== 2) {
        // the worker drops what it still loads for the earlier choice
        if (gen !== page.data.gen && page.worker) page.worker.postMessage({ type: 'gen', gen });
        page.data = { dataset, gen };
      }
      const threaded = page.script === 'aelab-mt.js';
      const useWorker = target === 0 && !threaded && typeof Worker === 'function' && !noWorker;
      if (!useWorker) loadSplit(target, dataset, gen);
      else if (!page.trainRequested) { page.trainRequested = true; startWorker(); } // it loads the set when up
      else if (page.worker) Module.aelabWorkerLoad(1, 0);
      else loadSplit(target, dataset, gen); // the worker failed to start: the frames train
    },
    aelabWorkerPost(bytes) { page.worker.postMessage({ type: 'command', bytes: bytes.buffer }, [bytes.buffer]); },
    // A split for the worker's run, of the data set chosen now.
    aelabWorkerLoad(train, seq) {
      const { dataset, gen } = page.data, split = train ? 'train' : 'test';
      if (dataset === 'custom' && page.own) page.worker.postMessage({ type: 'load', train, seq, gen, own: page.own[split] });
      else page.worker.postMessage({ type: 'load', train, seq, gen, dir: dataDirs[dataset] || 'data/' });
    },
    aelabOpenModelPicker: () => fileInput.click(),
    aelabOpenDataPicker: () => fileInput.click(),
    aelabDownload(bytes, name) {
      download(bytes, name);
      page.downloads.splice(0).forEach((resolve) => resolve(name));
    },
    aelabFatal: fatal,
    // This page's address without the hash and without embed=1: the base of the links the share
    // window makes (its iframe snippet adds embed=1 itself).
    aelabPageAddress() {
      const url = new URL(location.href);
      url.hash = '';
      url.searchParams.delete('embed');
      return url.href.replace(/#$/, '');
    },
    // The tour was finished or skipped: not again on this browser (unless tour=1).
    aelabTourDone() { try { localStorage.setItem('aelab-tour-seen', '1'); } catch (e) { /* storage off */ } },
    // Embed mode's "Open the full lab": this lab as it is now, in a page of its own.
    aelabOpenFullLab() { window.open(`${Module.aelabPageAddress()}#${linkText()}`, '_blank', 'noopener'); },
    // The share window's Copy buttons: the async clipboard where the page may use it, else the
    // old copy command on a hidden text field (an iframe without clipboard-write permission).
    aelabCopyText(text) {
      page.copied = text;
      const fallback = () => {
        const field = document.createElement('textarea');
        field.value = text;
        field.style.position = 'fixed';
        field.style.opacity = '0';
        document.body.appendChild(field);
        field.select();
        try { document.execCommand('copy'); } catch (e) { /* nothing more to try */ }
        field.remove();
        canvas.focus();
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).catch(fallback);
      else fallback();
    },
    aelabFirstFrame() {
      page.readyMs = performance.now();
      overlay.classList.add('hidden');
      // No canvas.focus() here: the keyboard stays where the user (or the host page) has it
      // until a click into the lab.
      keepLinkInStep();
      announce();
      // the tour: on a first visit to the full page; in an iframe only with tour=1; never with tour=0
      const tour = params.get('tour') || new URLSearchParams(location.hash.slice(1)).get('tour');
      let seen = false;
      try { seen = localStorage.getItem('aelab-tour-seen') === '1'; } catch (e) { seen = true; }
      const inFrame = embedded || window.parent !== window;
      if (tour === '1' || (tour !== '0' && !seen && !inFrame)) Module._aelab_start_tour();
      resolveReady();
    },
  };
  if (typeof WebAssembly !== 'object') fatal('This browser has no WebAssembly.');

  // ---- lesson links: the URL hash holds the lab's settings (docs/teaching.md); the lab reads
  // and writes them (src/app/lesson.cpp), the page keeps its own URL in step.
  let shownLink = null;
  // The page's own keys in the hash (they belong to this embedding, not to the lesson): kept in
  // the address as it follows the lab.
  const startHash = new URLSearchParams(location.hash.slice(1));
  const pageHash = ['embed', 'parentOrigin', 'tour', 'threads', 'worker'].filter((k) => startHash.has(k))
    .map((k) => `&${k}=${encodeURIComponent(startHash.get(k))}`).join('');
  function linkText() { return Module.UTF8ToString(Module._aelab_link()); }
  function openLesson(hash) {
    const r = JSON.parse(Module.ccall('aelab_apply_lesson', 'string', ['string'], [hash]));
    r.unknown.forEach((key) => console.warn(`aelab: lesson link: unknown key '${key}' ignored`));
    r.notices.forEach((line) => console.warn(`aelab: ${line}`));
    shownLink = null;
    return r;
  }
  // Every half second: the page's URL follows the lab (a reload or a copied address opens the
  // same lab); listeners on 'aelab-link' (aelab-host.js) hear of each change.
  function keepLinkInStep() {
    const text = linkText();
    if (text !== shownLink) {
      shownLink = text;
      history.replaceState(history.state, '', `#${text}${pageHash}`);
      window.dispatchEvent(new CustomEvent('aelab-link', { detail: window.aelab.link() }));
    }
    setTimeout(keepLinkInStep, 500);
  }
  window.addEventListener('hashchange', () => { // a lesson link opened in this tab
    if (page.runtime && location.hash.slice(1) !== `${shownLink}${pageHash}`) openLesson(location.hash);
  });

  // ---- the aria-live region: what a screen reader says as the lab changes (every half second
  // at most; the drawing's loss once it has stopped changing for a second)
  const said = { model: null, training: null, epoch: null, inputLoss: null, inputSince: 0 };
  function announce() {
    const s = window.aelab.state(), lines = [];
    const shape = `${s.model.input}-${s.model.hidden}-${s.model.latent}-${s.model.hidden}-${s.model.input}`;
    const model = `${s.model.name} (${shape})`;
    if (model !== said.model) lines.push(`Loaded: ${model}.`), said.model = model;
    if (said.training !== null && s.training !== said.training)
      lines.push(s.training ? 'Training started.' : 'Training paused.');
    said.training = s.training;
    if (said.epoch !== null && s.epoch > said.epoch && s.valEpoch >= s.epoch)
      lines.push(`Epoch ${s.epoch} done: validation loss ${s.valLoss.toFixed(4)}, training loss ${s.trainLoss.toFixed(4)}.`);
    if (said.epoch === null || s.epoch < said.epoch || s.valEpoch >= s.epoch) said.epoch = s.epoch;
    const loss = s.inputEmpty ? null : s.inputLoss.toFixed(4);
    if (loss !== said.inputLoss) {
      said.inputSince = said.inputSince || performance.now();
      if (performance.now() - said.inputSince > 1000 && !s.training) {
        lines.push(loss === null ? 'The drawing is empty.' : `Your drawing: reconstruction loss ${loss}.`);
        said.inputLoss = loss, said.inputSince = 0;
      }
    }
    if (lines.length) live.textContent = lines.join(' ');
    setTimeout(announce, 500);
  }

  // Calls need the lab up; those that change it also wake its main loop for the frame that shows
  // the change. Reads (read()) do not: an embedded lab's aelab-host.js reads input() every 100
  // ms, and waking on it kept an iframe drawing ~58 frames a second at rest.
  function read() {
    if (!page.runtime) throw new Error('aelab is not ready yet: await aelab.ready first');
  }
  function need() {
    read();
    Module._aelab_wake();
  }
  // Resolves once the run has applied command `seq` and `until(state)` holds (polled: the run may
  // be on another thread or in a worker).
  function applied(seq, until = () => true) {
    return new Promise((resolve) => {
      const poll = () => {
        const s = window.aelab.state();
        if (s.commandsApplied >= seq && until(s)) resolve(s);
        else setTimeout(poll, 5);
      };
      poll();
    });
  }
  const isIndex = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff;
  const isCoordinate = (v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e6;
  function floats(pointer, n) {
    return Array.from(heap(Float32Array).subarray(pointer >> 2, (pointer >> 2) + n));
  }
  // The settings table (src/lab/settings.h): each row's key, kind ('number', 'flag', 'choice',
  // 'text'), choices, text example and alias. The app checks every value; the page only turns
  // JavaScript values into what the app takes.
  let settingRows = null;
  function settingRow(key) {
    if (!settingRows) settingRows = JSON.parse(Module.UTF8ToString(Module._aelab_settings()));
    return settingRows.find((r) => r.key === key || r.alias === key);
  }
  const listed = (names) => names.map((n) => `'${n}'`).join(', ').replace(/, ([^,]*)$/, ' or $1');
  // A view's data from the app as JSON; its {error} becomes an exception naming the call.
  function viewData(call, text) {
    const data = JSON.parse(text);
    if (data && data.error) throw new Error(`aelab.${call}: ${data.error}`);
    return data;
  }
  const bounds = (b) => ({ x0: b[0], x1: b[1], y0: b[2], y1: b[3] });
  const isCount = (v, lo, hi) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  function endpoint(call, v) {
    if (v === 'input') return -1;
    if (isIndex(v)) return v;
    throw new Error(`aelab.${call}: ${JSON.stringify(v)}: expected a test digit's index or 'input'`);
  }

  window.aelab = {
    ready,
    // Never throws: before the app is up it says {ready: false}.
    state() {
      const s = page.runtime ? JSON.parse(Module.UTF8ToString(Module._aelab_state())) : { ready: false };
      s.readyMs = page.readyMs;
      s.script = page.script; // aelab-mt.js or aelab.js
      s.crossOriginIsolated = self.crossOriginIsolated === true;
      s.pageErrors = page.errors.slice();
      s.copied = page.copied || null; // the last text a Copy button put on the clipboard
      s.wasmHeapBytes = page.runtime ? heap(Uint8Array).length : 0; // the app's WebAssembly memory
      return s;
    },
    // Start or pause; resolves once the run has taken the command.
    train(on = true) { need(); return applied(Module._aelab_train(on ? 1 : 0)).then(() => undefined); },
    set(settings) {
      need();
      for (const [key, given] of Object.entries(settings)) {
        const row = settingRow(key); // unknown keys go to the app, which lists the known ones
        const refuse = (expected) => { throw new Error(`aelab.set: ${key} = ${JSON.stringify(given)}: expected ${expected}`); };
        let error;
        if (row && row.kind === 'text') {
          // a text ('mask:0.3', 'none'); a list of classes as an array ([3, 5]) or a number (7)
          const text = Array.isArray(given) ? (given.length ? given.join(',') : 'none')
            : typeof given === 'number' ? String(given) : given;
          if (typeof text !== 'string') refuse(`a text such as ${row.example}`);
          error = Module.ccall('aelab_set_text', 'string', ['string', 'string'], [key, text]);
        } else if (row && row.kind === 'choice') { // by name: 'bce', 'adam', 'fashion'
          if (typeof given !== 'string') refuse(listed(row.choices));
          error = Module.ccall('aelab_set_text', 'string', ['string', 'string'], [key, given.toLowerCase()]);
        } else {
          const value = typeof given === 'boolean' ? (given ? 1 : 0) : given;
          if (typeof value !== 'number' || !Number.isFinite(value)) refuse('a finite number');
          error = Module.ccall('aelab_set', 'string', ['string', 'number'], [key, value]);
        }
        if (error) throw new Error(`aelab.set: ${error}`);
      }
      return this.state();
    },
    // 784 numbers in [0, 1] (row-major 28x28), or strokes: [[[x, y], [x, y], ...], ...] in 0-28 units.
    setInput(input) {
      need();
      if (!Array.isArray(input) && !ArrayBuffer.isView(input)) throw new Error('aelab.setInput: expected 784 numbers or a list of strokes');
      const pixels = input.length > 0 && !Array.isArray(input[0]) && typeof input[0] !== 'object';
      if (pixels) {
        if (input.length !== 784) throw new Error(`aelab.setInput: expected 784 pixel values (28x28), got ${input.length}`);
        for (let i = 0; i < 784; i++) {
          if (typeof input[i] !== 'number' || !Number.isFinite(input[i]))
            throw new Error(`aelab.setInput: pixel ${i} is ${JSON.stringify(input[i])}, expected a number in [0, 1]`);
        }
        const p = Module._malloc(784 * 4);
        heap(Float32Array).set(Float32Array.from(input), p >> 2);
        const refused = Module.UTF8ToString(Module._aelab_set_input(p, 784));
        Module._free(p);
        if (refused) throw new Error(`aelab.setInput: ${refused}`);
        return;
      }
      const xy = [], counts = [];
      input.forEach((stroke, s) => {
        if (!Array.isArray(stroke) || stroke.length > 10000)
          throw new Error(`aelab.setInput: stroke ${s} must be a list of at most 10000 [x, y] points`);
        stroke.forEach((pt, k) => {
          const p = Array.isArray(pt) ? pt : [pt && pt.x, pt && pt.y];
          if (p.length !== 2 || !isCoordinate(p[0]) || !isCoordinate(p[1]))
            throw new Error(`aelab.setInput: stroke ${s}, point ${k} is ${JSON.stringify(pt)}, expected [x, y] in 0-28 units`);
          xy.push(p[0], p[1]);
        });
        counts.push(stroke.length);
      });
      const px = Module._malloc(Math.max(1, xy.length) * 4), pc = Module._malloc(Math.max(1, counts.length) * 4);
      heap(Float32Array).set(Float32Array.from(xy), px >> 2);
      heap(Int32Array).set(Int32Array.from(counts), pc >> 2);
      const refused = Module.UTF8ToString(Module._aelab_set_strokes(px, xy.length, pc, counts.length));
      Module._free(px);
      Module._free(pc);
      if (refused) throw new Error(`aelab.setInput: ${refused}`);
    },
    // false if the test set is not loaded or `index` is not an index into it
    loadTestDigit(index) { need(); return isIndex(index) && Module._aelab_load_test_digit(index) === 1; },
    input() { read(); return floats(Module._aelab_input(), 784); },
    reconstruction() { read(); return floats(Module._aelab_reconstruction(), 784); },
    latent() { read(); const p = Module._aelab_latent(); return floats(p, Module._aelab_latent_dim()); },
    // New random weights; resolves once the run has them.
    reset() { need(); return applied(Module._aelab_reset(), (s) => s.modelCurrent).then(() => undefined); },
    // Trains `batches` batches (loading the training set first if needed); resolves to how many ran.
    step(batches = 1) {
      need();
      if (!isIndex(batches) || batches > 1e6) throw new Error(`aelab.step: batches = ${batches}: expected an integer from 0 to 1000000`);
      const seq = Module._aelab_step(batches);
      return applied(seq, (s) => (s.stepCommand !== seq || s.stepsWanted === 0) && (s.modelCurrent || s.training))
        .then((s) => (s.stepCommand === seq ? s.stepsOfCommand : batches));
    },
    // ---- looking inside (docs/web-api.md): all synchronous
    // The latent map: every test digit's code on the PCA plane (or the latent plane for 2 units).
    map() {
      need();
      const m = viewData('map', Module.UTF8ToString(Module._aelab_map()));
      return { method: m.method, explained: m.explained, points: m.points, input: m.input, bounds: bounds(m.bounds),
               axes: { x: m.x, y: m.y } };
    },
    // Anomaly scores: the reconstruction loss of each of the 10,000 test digits (by index), and the
    // anomaly view's numbers: {threshold, shareAbove, inputLoss, percentileOfInput, unusual, auc}
    // (auc: null while there is no other data set to compare with; inputLoss and
    // percentileOfInput null for an empty input).
    scores() { need(); return viewData('scores', Module.UTF8ToString(Module._aelab_scores())).scores; },
    anomaly() { need(); return viewData('anomaly', Module.UTF8ToString(Module._aelab_anomaly())); },
    // The decoder over an n x n grid of the map's plane: n*n images, row-major from the top left
    // (row 0 at y1, column 0 at x0), with the plane's bounds.
    decodeGrid(n = 10) {
      need();
      if (!isCount(n, 2, 40)) throw new Error(`aelab.decodeGrid: n = ${JSON.stringify(n)}: expected an integer from 2 to 40`);
      const g = viewData('decodeGrid', Module.UTF8ToString(Module._aelab_decode_grid(n)));
      return { n: g.n, bounds: bounds(g.bounds), images: g.images };
    },
    // k decodings on the straight line from A's code to B's; a and b: a test digit's index or 'input'.
    interpolate(a, b, k = 10) {
      need();
      const ia = endpoint('interpolate', a), ib = endpoint('interpolate', b);
      if (!isCount(k, 2, 100)) throw new Error(`aelab.interpolate: k = ${JSON.stringify(k)}: expected an integer from 2 to 100`);
      return viewData('interpolate', Module.UTF8ToString(Module._aelab_interpolate(ia, ib, k))).images;
    },
    // k decodings of the input's code as `unit` sweeps the range it takes over the test set.
    traverse(unit, k = 9) {
      need();
      if (!isCount(unit, 0, 0x7fffffff)) throw new Error(`aelab.traverse: unit = ${JSON.stringify(unit)}: expected a latent unit's index`);
      if (!isCount(k, 2, 100)) throw new Error(`aelab.traverse: k = ${JSON.stringify(k)}: expected an integer from 2 to 100`);
      return viewData('traverse', Module.UTF8ToString(Module._aelab_traverse(unit, k))).images;
    },
    // The first layer's weight vectors: one array of 784 per hidden unit.
    firstLayer() { need(); return viewData('firstLayer', Module.UTF8ToString(Module._aelab_first_layer())).weights; },
    // The training timeline's snapshots, oldest first.
    timeline() { need(); return viewData('timeline', Module.UTF8ToString(Module._aelab_timeline())).points; },
    // Shows snapshot i everywhere (-1 or 'now': the live model again).
    scrub(i) {
      need();
      const index = i === 'now' ? -1 : i;
      if (!isCount(index, -1, 0x7fffffff)) throw new Error(`aelab.scrub: ${JSON.stringify(i)}: expected a snapshot's index, -1 or 'now'`);
      const error = Module.UTF8ToString(Module._aelab_scrub(index));
      if (error) throw new Error(`aelab.scrub: ${error}`);
    },
    // Shows a view: 'map', 'grid', 'interpolate', 'traverse', 'weights' or 'gallery'.
    view(name) {
      need();
      const error = Module.ccall('aelab_view', 'string', ['string'], [String(name)]);
      if (error) throw new Error(`aelab.view: ${error}`);
    },
    // ---- lessons (docs/teaching.md)
    // The lesson link of the lab as it is now: this page's address with the settings in the hash.
    link() { read(); return `${location.href.split('#')[0]}#${linkText()}`; },
    // The controls the lesson hides, by name ('lr', 'reset', ...).
    hidden() { read(); return this.state().lesson.hidden; },
    // Downloads the test set's latent codes for the TensorBoard Embedding Projector as
    // aelab-projector.zip (vectors.tsv, metadata.tsv, sprite.png, projector_config.json); resolves
    // with the file name once downloaded.
    saveProjector() {
      need();
      const done = new Promise((resolve) => page.downloads.push(resolve));
      const error = Module.UTF8ToString(Module._aelab_save_projector());
      if (error) { page.downloads.pop(); throw new Error(`aelab.saveProjector: ${error}`); }
      return done;
    },
    // Downloads the current model, with its optimizer state, as aelab-model.aelab; resolves then.
    save() {
      need();
      const done = new Promise((resolve) => page.downloads.push(resolve));
      Module._aelab_save_model();
      return done;
    },
  };

  // Start the app: the threaded build if this page may use shared memory, else (or if it fails
  // to load) the single-thread one.
  function loadApp(names) {
    const script = document.createElement('script');
    script.src = names[0];
    script.async = true;
    script.onerror = () => {
      script.remove();
      if (names.length > 1) loadApp(names.slice(1));
      else fatal(`Could not load ${names[0]}.`);
    };
    page.script = names[0];
    document.body.appendChild(script);
  }
  const params = new URLSearchParams(location.search);
  const threadsAllowed = params.get('threads') !== '1';
  const noWorker = params.get('worker') === '0'; // ?worker=0: train in the page's frames (the inline host)
  // Input wakes the app's main loop, which sleeps while nothing changes.
  for (const type of ['pointerdown', 'pointermove', 'pointerup', 'wheel', 'keydown', 'keyup', 'touchstart',
                      'touchmove', 'touchend', 'focus', 'blur']) {
    canvas.addEventListener(type, () => { if (page.runtime) Module._aelab_wake(); }, { passive: true });
  }
  window.addEventListener('resize', () => { if (page.runtime) Module._aelab_wake(); });
  // The keyboard: the canvas takes it on a click into the lab and gives it back on Escape (or
  // when the user clicks elsewhere), so a host page's fields keep their keys and Tab can leave.
  canvas.addEventListener('pointerdown', () => canvas.focus());
  canvas.addEventListener('keydown', (e) => { if (e.key === 'Escape') canvas.blur(); });
  // The wheel scrolls the lab's panels where they have more than fits; anywhere else it is not
  // the app's (SDL would swallow it), so the browser scrolls the page, or the host page around
  // an embedded lab.
  window.addEventListener('wheel', (e) => {
    if (e.target === canvas && page.runtime && !Module._aelab_wheel_wanted()) e.stopImmediatePropagation();
  }, { capture: true, passive: true });
  loadApp(self.crossOriginIsolated === true && threadsAllowed ? ['aelab-mt.js', 'aelab.js'] : ['aelab.js']);
})();
