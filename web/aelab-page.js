// The page around the app: the loading overlay, Emscripten's Module (its settings and the
// functions the app calls: data wanted, downloads, the clipboard, the first frame), the model and
// the data sets handed to the app (fetched with aelab-load.js), the user's own files, the Web
// Worker the run moves into, the URL hash kept in step with the lab, and the aria-live region.
// window.aelab is aelab-api.js, which starts the app (aelabPage.start) once it is defined.
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

  const load = self.aelabLoad; // aelab-load.js, shared with the training worker

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
  // (the size is known only where the server sends the bytes as they are: one that compresses on
  // the fly sends the compressed size, which the decoded bytes pass)
  const modelProgress = (fraction, loaded, total) => {
    if (page.readyMs === null && !statusText.className)
      setStatus(total ? `Loading the trained network: ${(loaded / 1e6).toFixed(2)} of ${(total / 1e6).toFixed(2)} MB`
                      : `Loading the trained network: ${(loaded / 1e6).toFixed(2)} MB`, total ? fraction : undefined);
  };
  const modelWait = (text) => { if (page.readyMs === null && text) setStatus(`Loading the trained network: ${text}`); };
  const modelFetch = load.fetchBytes('model.aelab', modelProgress, modelWait).then((bytes) => ({ bytes }), (error) => ({ error }));

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
  page.data = { dataset: 'mnist', gen: 1 }; // the app's choice, as last asked for
  page.own = null; // the user's own files, gunzipped: {train: split, test: split}, split = {images, labels, imagesName, labelsName}

  async function fetchSplit(dataset, train, progress) {
    if (dataset === 'custom') {
      if (!page.own) throw new Error('no data of your own was given');
      return page.own[train ? 'train' : 'test'];
    }
    return load.fetchSplit(load.dataDirs[dataset], train, progress);
  }

  // What a download waits for before it tries again ('' once it does): shown by its progress bar.
  const dataWaiting = (target, gen, text) => Module.ccall('aelab_data_waiting', null, ['number', 'string', 'number'], [target, text, gen]);
  async function loadSplit(target, dataset, gen) {
    const progress = (f) => Module._aelab_data_progress(target, f);
    try {
      progress(0);
      const split = await fetchSplit(dataset, target === 0, (f) => progress(0.97 * f), (text) => dataWaiting(target, gen, text));
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

  const { be32, idxKind } = load;

  // The user's own IDX files (the file picker or a drop): an images and a labels file to train and
  // test on, or the four of a data set (the larger pair trains). Kept in the page, and chosen.
  async function useOwnFiles(files) {
    const read = [];
    for (const f of files) {
      let bytes;
      try { bytes = await load.gunzip(new Uint8Array(await f.arrayBuffer()), f.name); } catch (e) {
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
      try { data = idxKind(await load.gunzip(new Uint8Array(await files[0].arrayBuffer()), files[0].name)) !== null; } catch (e) { data = false; }
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
      } else if (m.type === 'waiting' && m.train) {
        dataWaiting(0, m.gen, m.text);
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

  async function loadModelFile(file) {
    if (!page.runtime) return;
    let bytes = new Uint8Array(await file.arrayBuffer());
    if (/\.npz$/i.test(file.name)) bytes = await load.storedNpz(bytes);
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

  // Emscripten's Module: settings for aelab.js, and the functions the app calls (main_web.cpp). A
  // fresh one for each build tried (a threaded build that failed may have left its marks).
  const makeModule = () => ({
    canvas,
    locateFile: (path) => path, // next to this page, whatever folder it is served from
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fatal(`The app stopped: ${what}`),
    onRuntimeInitialized() {
      if (this !== window.Module) return; // a build given up on (loadApp) that started after all
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
      else page.worker.postMessage({ type: 'load', train, seq, gen, dir: load.dataDirs[dataset] || load.dataDirs.mnist });
    },
    aelabOpenModelPicker: () => fileInput.click(),
    aelabMakeOffline: (fashion) => makeOffline(fashion), // the Model panel's "Make available offline"
    // "About autoencoders": the page's text below the lab
    aelabOpenAbout() { document.getElementById('about').scrollIntoView({ behavior: 'smooth' }); },
    // A lesson link's model=FILE: relative to this page, or an absolute address; retried like
    // every download. An .npz from Keras or PyTorch is rewritten as the app reads it.
    async aelabFetchModel(name) {
      try {
        const url = new URL(name, location.href).href;
        let bytes = await load.fetchBytes(url, null, (text) => text && page.errors.push(`model ${name}: ${text}`));
        if (/\.npz$/i.test(name)) bytes = await load.storedNpz(bytes);
        const error = withHeap([bytes], (p) => Module.ccall('aelab_model_file', 'string',
          ['number', 'number', 'string'], [p, bytes.length, name]));
        if (error) page.errors.push(error);
      } catch (e) {
        Module.ccall('aelab_model_file_failed', null, ['string', 'string'], [name, e.message]);
      }
    },
    // The AE vs VAE tab's trained models, beside the page: fetched when the tab first opens (and
    // kept by the service worker like every file the lab fetches).
    async aelabFetchAsset(name) {
      let bytes = new Uint8Array(0), error = '';
      try {
        bytes = await load.fetchBytes(new URL(name, location.href).href, null, () => undefined);
      } catch (e) { error = e.message; }
      withHeap([bytes], (p) => Module.ccall('aelab_asset', null, ['string', 'number', 'number', 'string'],
        [name, p, bytes.length, error]));
    },
    // The Retry button: every download waiting to try again tries now, the worker's too.
    aelabRetryDownloads() {
      load.retryNow();
      if (page.worker) page.worker.postMessage({ type: 'retry' });
    },
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
      startOffline();
      // the tour: on a first visit to the full page; in an iframe only with tour=1; never with tour=0
      const tour = params.get('tour') || new URLSearchParams(location.hash.slice(1)).get('tour');
      let seen = false;
      try { seen = localStorage.getItem('aelab-tour-seen') === '1'; } catch (e) { seen = true; }
      const inFrame = embedded || window.parent !== window;
      if (tour === '1' || (tour !== '0' && !seen && !inFrame)) Module._aelab_start_tour();
      resolveReady();
    },
  });
  window.Module = makeModule();
  if (typeof WebAssembly !== 'object') fatal('This browser has no WebAssembly.');

  // ---- offline (aelab-sw.js): the service worker keeps what the lab fetches, so a second visit
  // works with no network. Registered once the lab is up (its downloads come first), over http(s)
  // only; state().offline says how far it has got.
  page.offline = { status: 'unavailable', progress: 0, text: '' };
  const offlineStatus = (status, progress, text) => {
    page.offline = { status, progress, text };
    const codes = { unavailable: 0, available: 1, working: 2, done: 3, failed: 4 };
    if (page.runtime) Module.ccall('aelab_offline_status', null, ['number', 'number', 'string'], [codes[status], progress, text]);
  };
  // The files the lab has fetched before the worker took the page over: kept now.
  const keepFiles = (files) => new Promise((resolve) => {
    const sw = navigator.serviceWorker;
    const answer = (e) => { if (e.data && e.data.type === 'aelab:kept') { sw.removeEventListener('message', answer); resolve(e.data); } };
    sw.addEventListener('message', answer);
    sw.ready.then((r) => r.active.postMessage({ type: 'aelab:keep', files }));
  });
  const appFiles = () => [page.script, page.script.replace(/\.js$/, '.wasm'),
    ...(page.script === 'aelab-mt.js' ? ['aelab-mt.worker.js'] : ['aelab-worker.js', 'aelab-run.js', 'aelab-run.wasm']),
    'model.aelab', ...['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) => `${load.dataDirs.mnist}${f}`)];
  function startOffline() {
    if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
    navigator.serviceWorker.register('aelab-sw.js').then(() => navigator.serviceWorker.ready).then(async () => {
      await keepFiles(appFiles());
      offlineStatus('available', 0, '');
    }).catch((e) => page.errors.push(`offline copy: ${e.message}`));
  }
  // "Make available offline": the app's files, then the training set (and Fashion-MNIST), fetched
  // through the worker, which keeps them.
  async function makeOffline(fashion) {
    try {
      offlineStatus('working', 0, 'keeping the app');
      const kept = await keepFiles([...appFiles(), 'compare-ae.aelab', 'compare-vae.aelab']);
      if (kept.failed.length) throw new Error(`could not keep ${kept.failed.join(', ')}`);
      const splits = [load.splitNames(load.dataDirs.mnist, true)];
      if (fashion) splits.push(load.splitNames(load.dataDirs.fashion, true), load.splitNames(load.dataDirs.fashion, false));
      const files = splits.flatMap((n) => [n.imagesName, n.labelsName]);
      if (!navigator.serviceWorker.controller) throw new Error('reload the page once first');
      for (let i = 0; i < files.length; i++) {
        const said = files[i].replace(/-idx\d-ubyte\.gz$/, '');
        await load.fetchBytes(files[i], (f) => offlineStatus('working', (i + f) / files.length, `keeping ${said}`),
                              (text) => text && offlineStatus('working', i / files.length, text));
      }
      offlineStatus('done', 1, fashion ? 'the app, MNIST and Fashion-MNIST are kept in this browser'
                                       : 'the app and MNIST are kept in this browser');
    } catch (e) {
      offlineStatus('failed', 0, e.message);
    }
  }

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

  // Start the app: the threaded build if this page may use shared memory, else the single-thread
  // one. A threaded build that fails to load, throws (WebKitGTK says crossOriginIsolated but has no
  // SharedArrayBuffer), or has not started within kThreadedStartMs gives way to the single-thread
  // one with a fresh Module; state().threadsFallback says why.
  const kThreadedStartMs = 12000;
  function loadApp(names) {
    const script = document.createElement('script');
    let settled = false;
    const giveUp = (why) => {
      if (settled || page.runtime) return;
      settled = true;
      script.remove();
      if (names.length > 1) {
        page.threadsFallback = `${names[0]}: ${why}; using ${names[1]}`;
        page.errors.push(page.threadsFallback);
        window.Module = makeModule();
        loadApp(names.slice(1));
      } else {
        fatal(`Could not load ${names[0]}: ${why}.`);
      }
    };
    script.async = true;
    script.onerror = () => giveUp('it did not load');
    if (names.length > 1) {
      const thrown = (e) => {
        if (e.filename && (e.filename === script.src || e.filename.endsWith(names[0]))) giveUp(`it stopped: ${e.message}`);
      };
      window.addEventListener('error', thrown);
      script.onload = () => setTimeout(() => giveUp(`it had not started after ${kThreadedStartMs / 1000} s`), kThreadedStartMs);
      ready.then(() => window.removeEventListener('error', thrown));
    }
    page.script = names[0];
    if (names[0] !== 'aelab-mt.js') {
      script.src = names[0];
      document.body.appendChild(script);
      return;
    }
    // the threaded build's script, fetched once: its threads start from the same bytes
    // (Emscripten's mainScriptUrlOrBlob) instead of each fetching it again
    fetch(names[0]).then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`)))).then((blob) => {
      window.Module.mainScriptUrlOrBlob = blob;
      script.src = URL.createObjectURL(blob);
      document.body.appendChild(script);
    }, () => giveUp('it did not load'));
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

  // What window.aelab (aelab-api.js) works with; it calls start() once it is defined.
  self.aelabPage = {
    page, ready, heap, linkText,
    start() {
      // shared memory needs both: WebKitGTK is isolated yet has no SharedArrayBuffer
      const shared = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
      if (self.crossOriginIsolated === true && !shared) page.threadsFallback = 'no SharedArrayBuffer in this browser; using aelab.js';
      loadApp(shared && threadsAllowed ? ['aelab-mt.js', 'aelab.js'] : ['aelab.js']);
    },
  };
})();
