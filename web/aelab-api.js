// window.aelab, the page's API (docs/web-api.md): what a page, a test or a host page's messages
// (aelab-host.js) call. It turns JavaScript values into what the app takes and the app's answers
// into JavaScript; the app checks every value (the settings through its table, src/lab/settings.h;
// the limits come from the app, aelab_limits). The page around it is aelab-page.js.
'use strict';
(function () {
  const { page, ready, heap, linkText } = self.aelabPage;
  let limits = null; // the app's limits (aelab_limits): pixels, maxStrokePoints, maxCoordinate, maxStepBatches
  function limit(name) {
    if (!limits) limits = JSON.parse(Module.UTF8ToString(Module._aelab_limits()));
    return limits[name];
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
  // an index or count the app takes as a C int: whole, from 0 to 2^31 - 1 (its range is the app's to check)
  const isIndex = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff;
  const isCoordinate = (v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= limit('maxCoordinate');
  function floats(pointer, n) {
    return Array.from(heap(Float32Array).subarray(pointer >> 2, (pointer >> 2) + n));
  }
  // The settings table (src/lab/settings.h): each row's key, kind ('number', 'flag', 'choice',
  // 'text'), choices, text example and alias. The app checks every value; the page only turns
  // JavaScript values into what the app takes.
  let settingRows = null;
  function settingTable() {
    if (!settingRows) settingRows = JSON.parse(Module.UTF8ToString(Module._aelab_settings()));
    return settingRows;
  }
  function settingRow(key) { return settingTable().find((r) => r.key === key || r.alias === key); }
  const listed = (names) => names.map((n) => `'${n}'`).join(', ').replace(/, ([^,]*)$/, ' or $1');
  // A view's data from the app as JSON; its {error} becomes an exception naming the call.
  function viewData(call, text) {
    const data = JSON.parse(text);
    if (data && data.error) throw new Error(`aelab.${call}: ${data.error}`);
    return data;
  }
  const bounds = (b) => ({ x0: b[0], x1: b[1], y0: b[2], y1: b[3] });
  function endpoint(call, v) {
    if (v === 'input') return -1;
    if (isIndex(v)) return v;
    throw new Error(`aelab.${call}: ${JSON.stringify(v)}: expected a test digit's index or 'input'`);
  }

  window.aelab = {
    ready,
    // The settings set() takes, from the app's table (src/lab/settings.h): [{key, kind ('number',
    // 'flag', 'choice' or 'text'), choices, min, max, integer, example, alias, inLink}, ...].
    settings() { read(); return JSON.parse(JSON.stringify(settingTable())); },
    // Never throws: before the app is up it says {ready: false}.
    state() {
      const s = page.runtime ? JSON.parse(Module.UTF8ToString(Module._aelab_state())) : { ready: false };
      s.readyMs = page.readyMs;
      s.script = page.script; // aelab-mt.js or aelab.js
      s.threadsFallback = page.threadsFallback || null; // why the threaded build was not used
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
        if (key === 'model') { // what the lab shows: 'shipped', 'random', or a model file's address
          if (typeof given !== 'string') refuse("'shipped', 'random' or a .aelab or .npz file");
          error = Module.ccall('aelab_set_text', 'string', ['string', 'string'], [key, given]);
        } else if (row && row.kind === 'text') {
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
    // The type of each value is checked here (a string would become NaN); the app checks them too.
    setInput(input) {
      need();
      const n = limit('pixels');
      if (!Array.isArray(input) && !ArrayBuffer.isView(input)) throw new Error(`aelab.setInput: expected ${n} numbers or a list of strokes`);
      const pixels = input.length > 0 && !Array.isArray(input[0]) && typeof input[0] !== 'object';
      if (pixels) {
        if (input.length !== n) throw new Error(`aelab.setInput: expected ${n} pixel values (28x28), got ${input.length}`);
        for (let i = 0; i < n; i++) {
          if (typeof input[i] !== 'number' || !Number.isFinite(input[i]))
            throw new Error(`aelab.setInput: pixel ${i} is ${JSON.stringify(input[i])}, expected a number in [0, 1]`);
        }
        const p = Module._malloc(n * 4);
        heap(Float32Array).set(Float32Array.from(input), p >> 2);
        const refused = Module.UTF8ToString(Module._aelab_set_input(p, n));
        Module._free(p);
        if (refused) throw new Error(`aelab.setInput: ${refused}`);
        return;
      }
      const xy = [], counts = [];
      input.forEach((stroke, s) => {
        if (!Array.isArray(stroke) || stroke.length > limit('maxStrokePoints'))
          throw new Error(`aelab.setInput: stroke ${s} must be a list of at most ${limit('maxStrokePoints')} [x, y] points`);
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
    input() { read(); return floats(Module._aelab_input(), limit('pixels')); },
    reconstruction() { read(); return floats(Module._aelab_reconstruction(), limit('pixels')); },
    latent() { read(); const p = Module._aelab_latent(); return floats(p, Module._aelab_latent_dim()); },
    // New random weights; resolves once the run has them.
    reset() { need(); return applied(Module._aelab_reset(), (s) => s.modelCurrent).then(() => undefined); },
    // Trains `batches` batches (loading the training set first if needed); resolves to how many ran.
    step(batches = 1) {
      need();
      const most = limit('maxStepBatches');
      if (!isIndex(batches) || batches > most) throw new Error(`aelab.step: batches = ${batches}: expected an integer from 0 to ${most}`);
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
      if (!isIndex(n)) throw new Error(`aelab.decodeGrid: n = ${JSON.stringify(n)}: expected an integer`); // its range: the app's
      const g = viewData('decodeGrid', Module.UTF8ToString(Module._aelab_decode_grid(n)));
      return { n: g.n, bounds: bounds(g.bounds), images: g.images };
    },
    // k decodings on the straight line from A's code to B's; a and b: a test digit's index or 'input'.
    interpolate(a, b, k = 10) {
      need();
      const ia = endpoint('interpolate', a), ib = endpoint('interpolate', b);
      if (!isIndex(k)) throw new Error(`aelab.interpolate: k = ${JSON.stringify(k)}: expected an integer`); // its range: the app's
      return viewData('interpolate', Module.UTF8ToString(Module._aelab_interpolate(ia, ib, k))).images;
    },
    // k decodings of the input's code as `unit` sweeps the range it takes over the test set.
    traverse(unit, k = 9) {
      need();
      if (!isIndex(unit)) throw new Error(`aelab.traverse: unit = ${JSON.stringify(unit)}: expected a latent unit's index`);
      if (!isIndex(k)) throw new Error(`aelab.traverse: k = ${JSON.stringify(k)}: expected an integer`); // its range: the app's
      return viewData('traverse', Module.UTF8ToString(Module._aelab_traverse(unit, k))).images;
    },
    // n new pictures (arrays of 784 numbers in [0, 1]) decoded from random codes drawn with
    // `seed`: a VAE's from its prior N(0, I), the plain autoencoder's from a Gaussian fitted to
    // its test codes (state().model.kind says which).
    // A conv model's every layer for the current input: [{name, shape: [h, w, c], values}, ...],
    // 'input', 'conv1', 'pool1', ... 'conv7' (the output, after its sigmoid); values NHWC.
    featureMaps() { need(); return viewData('featureMaps', Module.UTF8ToString(Module._aelab_feature_maps())); },
    sample(n = 16, seed = 0) {
      need();
      if (!isIndex(n)) throw new Error(`aelab.sample: n = ${JSON.stringify(n)}: expected an integer from 1 to 1000`);
      if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new Error(`aelab.sample: seed = ${JSON.stringify(seed)}: expected a whole number`);
      return viewData('sample', Module.UTF8ToString(Module._aelab_sample(n, seed))).images;
    },
    // The first layer's weight vectors: one array of 784 per hidden unit.
    firstLayer() { need(); return viewData('firstLayer', Module.UTF8ToString(Module._aelab_first_layer())).weights; },
    // The training timeline's snapshots, oldest first.
    timeline() { need(); return viewData('timeline', Module.UTF8ToString(Module._aelab_timeline())).points; },
    // Shows snapshot i everywhere (-1 or 'now': the live model again).
    scrub(i) {
      need();
      const index = i === 'now' ? -1 : i;
      if (index !== -1 && !isIndex(index)) throw new Error(`aelab.scrub: ${JSON.stringify(i)}: expected a snapshot's index, -1 or 'now'`);
      const error = Module.UTF8ToString(Module._aelab_scrub(index));
      if (error) throw new Error(`aelab.scrub: ${error}`);
    },
    // Shows a view: 'map', 'grid', 'interpolate', 'traverse', 'weights', 'gallery', 'anomaly',
    // 'generate', 'compare' or 'features'.
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


  self.aelabPage.start();
})();
