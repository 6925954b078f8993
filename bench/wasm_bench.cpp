// The WebAssembly side of `./build.sh bench`: our core's training loop exported to JavaScript, so
// the benchmark page (in headless Chromium) and bench/wasm_bench_node.cjs (in node) time real
// MNIST epochs with the same kernels and the same calls the web app makes. Single-threaded, or
// with WebAssembly threads in the -pthread build (aelab_bench_mt.js, see bench_set_threads).
// The page fetches the IDX bytes, copies them into the heap and hands them to bench_load_*;
// timing happens in JavaScript (performance.now) around bench_train_batches.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/gemm.h"
#include "core/model.h"
#include "core/threads.h"
#include "core/train.h"

namespace {

struct Bench {
  aelab::Dataset data;
  aelab::Autoencoder model;
  aelab::Trainer trainer;
  std::string message; // the last error or text answer, for the caller to read
  std::vector<uint8_t> image_bytes; // the image file on its way in (bench_image_buffer)
};

Bench& bench() {
  static Bench b;
  return b;
}

const char* give(std::string text) {
  bench().message = std::move(text);
  return bench().message.c_str();
}

} // namespace

extern "C" {

// A buffer for the IDX image file (train-images-idx3-ubyte), which bench_load_images then takes
// over without a copy, as the web app does.
EMSCRIPTEN_KEEPALIVE uint8_t* bench_image_buffer(int size) {
  bench().image_bytes.assign(size_t(size > 0 ? size : 1), 0);
  return bench().image_bytes.data();
}

// The buffer's bytes -> the training set. Returns "" or an error line.
EMSCRIPTEN_KEEPALIVE const char* bench_load_images() {
  Bench& b = bench();
  b.data = aelab::Dataset();
  std::string error = aelab::parse_idx_images(std::move(b.image_bytes), "train-images-idx3-ubyte", &b.data);
  b.image_bytes = {};
  return give(error);
}

// IDX label bytes; optional (training reads only the images). Returns "" or an error line.
EMSCRIPTEN_KEEPALIVE const char* bench_load_labels(const uint8_t* bytes, int size) {
  return give(aelab::parse_idx_labels(bytes, size_t(size), "train-labels-idx1-ubyte", &bench().data.labels));
}

EMSCRIPTEN_KEEPALIVE int bench_sample_count() { return bench().data.count; }

// A fresh Glorot-uniform model and Adam state, BCE: the reference experiment (batch 256), or with
// conv = 1 the Keras blog's convolutional model (filters 16, 8, 8) at its batch of 128.
EMSCRIPTEN_KEEPALIVE void bench_reset(int seed, int conv) {
  Bench& b = bench();
  aelab::ModelShape shape;
  aelab::TrainConfig config;
  if (conv) {
    shape.kind = aelab::ModelKind::conv;
    shape = aelab::with_code_size(shape);
    config.batch_size = 128;
  }
  b.model = aelab::make_autoencoder(shape);
  aelab::init_glorot_uniform(b.model, uint64_t(seed));
  config.seed = uint64_t(seed);
  aelab::trainer_init(b.trainer, b.model, config);
}

EMSCRIPTEN_KEEPALIVE void bench_begin_epoch() { aelab::begin_epoch(bench().trainer, bench().data.count); }

// Runs up to n batches of the epoch in progress; returns how many ran (0 once it is finished).
EMSCRIPTEN_KEEPALIVE int bench_train_batches(int n) {
  Bench& b = bench();
  int done = 0;
  while (done < n && aelab::train_next_batch(b.trainer, b.model, b.data, nullptr)) done++;
  return done;
}

EMSCRIPTEN_KEEPALIVE int bench_batches_per_epoch() { return aelab::batches_per_epoch(bench().trainer); }
EMSCRIPTEN_KEEPALIVE double bench_epoch_loss() { return aelab::epoch_train_loss(bench().trainer); }
EMSCRIPTEN_KEEPALIVE void bench_end_epoch() { aelab::end_epoch(bench().trainer); }
EMSCRIPTEN_KEEPALIVE const char* bench_kernel() { return give(aelab::gemm_kernel_selected()); }

// Threads for training (1 in the single-thread build); returns how many will be used.
EMSCRIPTEN_KEEPALIVE int bench_set_threads(int n) {
  aelab::set_thread_count(n);
  return aelab::thread_count();
}

} // extern "C"
