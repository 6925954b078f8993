// TensorFlow.js on the reference experiment: Dense 128 relu, 32 relu, 128 relu, 784 sigmoid
// (tf.layers' defaults: Glorot-uniform kernels, zero biases), binaryCrossentropy, Adam(1e-3,
// 0.9, 0.999, eps 1e-7), batch 256, shuffled. model.fit is tfjs's own fast path for this.
// With { model: 'conv' }: the Keras blog's convolutional autoencoder (issue 25) at batch 128,
// layer for layer as src/core/model.h builds it (filters 16, 8, 8; 'same' but conv6's 'valid').
// A full epoch (235 batches) takes tens of seconds on the wasm backend and longer on cpu, so by
// default it times as many batches as fit in `budgetSeconds` and scales to 60000 samples; the
// result says how many samples were timed and whether it was scaled.
const MNIST_SAMPLES = 60000, PIXELS = 784;

function makeDenseModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [PIXELS], units: 128, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu' }));
  model.add(tf.layers.dense({ units: PIXELS, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: 'binaryCrossentropy' });
  return model;
}

function makeConvModel() {
  const model = tf.sequential();
  const conv = (filters, more = {}) => tf.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', padding: 'same', ...more });
  const pool = () => tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' });
  const up = () => tf.layers.upSampling2d({ size: [2, 2] });
  model.add(conv(16, { inputShape: [28, 28, 1] }));
  model.add(pool());
  model.add(conv(8));
  model.add(pool());
  model.add(conv(8));
  model.add(pool()); // the code: 4x4x8
  model.add(conv(8));
  model.add(up());
  model.add(conv(8));
  model.add(up());
  model.add(conv(16, { padding: 'valid' }));
  model.add(up());
  model.add(conv(1, { activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: 'binaryCrossentropy' });
  return model;
}

const SPECS = {
  ae: { make: makeDenseModel, batch: 256, shape: [PIXELS] },
  conv: { make: makeConvModel, batch: 128, shape: [28, 28, 1] },
};

// Seconds for one fit() pass over the first `samples` digits (pixels / 255).
async function timeFit(model, spec, images, samples) {
  const pixels = new Float32Array(samples * PIXELS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i] / 255;
  const x = tf.tensor(pixels, [samples, ...spec.shape]);
  const t0 = performance.now();
  const history = await model.fit(x, x, { batchSize: spec.batch, epochs: 1, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  x.dispose();
  return { seconds, loss: history.history.loss[0] };
}

window.benchTfjs = async (backend, { budgetSeconds = 40, fullEpoch = false, model: kind = 'ae' } = {}) => {
  const spec = SPECS[kind];
  if (!spec) throw new Error(`model '${kind}': expected 'ae' or 'conv'`);
  const BATCH = spec.batch;
  if (backend === 'wasm') tf.wasm.setWasmPaths('tfjs/'); // local files, never a CDN
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();
  const images = await fetchIdx('data/train-images-idx3-ubyte.gz');
  const model = spec.make();
  const result = { model: kind, backend: tf.getBackend(), tfjs: tf.version.tfjs, batch: BATCH,
                   cross_origin_isolated: self.crossOriginIsolated, runtime: navigator.userAgent };
  if (backend === 'wasm') {
    result.wasm_simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    result.wasm_threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  if (backend === 'webgl') result.webgl_renderer = (() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : null;
  })();
  await timeFit(model, spec, images, 4 * BATCH); // warm-up: kernels compiled, buffers allocated
  const probe = await timeFit(model, spec, images, 4 * BATCH);
  const perBatch = probe.seconds / 4;
  let batches = Math.ceil(MNIST_SAMPLES / BATCH);
  if (!fullEpoch) batches = Math.max(8, Math.min(batches, Math.floor(budgetSeconds / perBatch)));
  const samples = Math.min(MNIST_SAMPLES, batches * BATCH);
  const run = await timeFit(model, spec, images, samples);
  Object.assign(result, {
    samples_timed: samples, batches_timed: Math.ceil(samples / BATCH), seconds_timed: run.seconds,
    scaled_to_full_epoch: samples < MNIST_SAMPLES,
    epoch_seconds: run.seconds * MNIST_SAMPLES / samples, last_fit_loss: run.loss,
  });
  model.dispose();
  return result;
};
