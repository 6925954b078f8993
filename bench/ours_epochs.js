// Times our WebAssembly core on real MNIST epochs: shared by the benchmark page (Chromium) and
// bench/wasm_bench_node.cjs (node), so both measure exactly the same calls. One call into the
// module per batch, as the web app makes them (V8 tiers a wasm function up only between calls).
// createModule: the factory of aelab_bench.js (or of aelab_bench_mt.js, whose `threads` can be
// 2); imageBytes: train-images-idx3-ubyte as bytes; model: 'ae' (the reference experiment, batch
// 256) or 'conv' (the Keras blog's convolutional model, batch 128).
async function aelabBenchEpochs(createModule, imageBytes, { epochs = 3, threads = 1, model = 'ae', now = () => performance.now() } = {}) {
  if (model !== 'ae' && model !== 'conv') throw new Error(`model '${model}': expected 'ae' or 'conv'`);
  const m = await createModule();
  const threadsUsed = m._bench_set_threads(threads);
  const ptr = m._bench_image_buffer(imageBytes.length);
  m.HEAPU8.set(imageBytes, ptr); // m.HEAPU8, not a saved view: the buffer may have grown the heap
  const error = m.UTF8ToString(m._bench_load_images());
  if (error) throw new Error(error);
  m._bench_reset(0, model === 'conv' ? 1 : 0);
  const result = {
    model, kernel: m.UTF8ToString(m._bench_kernel()), threads: threadsUsed, samples: m._bench_sample_count(),
    batch: model === 'conv' ? 128 : 256, warmup_epoch_seconds: null, epoch_seconds: [], train_loss_per_epoch: [],
  };
  for (let e = 0; e <= epochs; e++) { // epoch 0 warms up (V8 compiles the hot functions)
    m._bench_begin_epoch();
    result.batches_per_epoch = m._bench_batches_per_epoch();
    const t0 = now();
    while (m._bench_train_batches(1) > 0) {}
    const seconds = (now() - t0) / 1000;
    result.train_loss_per_epoch.push(m._bench_epoch_loss());
    m._bench_end_epoch();
    if (e === 0) result.warmup_epoch_seconds = seconds;
    else result.epoch_seconds.push(seconds);
  }
  const sorted = [...result.epoch_seconds].sort((a, b) => a - b);
  result.epoch_seconds_median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
  // Wasm memory only grows, so its size now is the peak of the whole run.
  result.heap_bytes_after_epochs = m.HEAP8.length;
  return result;
}

if (typeof module !== 'undefined') module.exports = { aelabBenchEpochs };
