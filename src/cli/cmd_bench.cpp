// aelab bench: throughput of the training step and GFLOP/s of every matrix product in it, at
// batch 256 on the reference model, at 1 thread and at all threads. Kernels are called many
// times through the real entry points, and the median of several repeats is reported.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "cli/args.h"
#include "cli/cli.h"
#include "core/gemm.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"

namespace aelab {

namespace {

// Median seconds per call of fn over `repeats` timings of `calls` calls each.
double median_seconds(const std::function<void()>& fn, int calls, int repeats) {
  fn(); // warm up: buffers sized, caches filled
  std::vector<double> t;
  for (int r = 0; r < repeats; r++) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; i++) fn();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / calls);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

struct GemmCase {
  const char* what;
  Trans ta, tb;
  int M, N, K;
};

} // namespace

int cmd_bench(int argc, char** argv) {
  if (wants_help(argc, argv)) {
    std::fputs("usage: aelab bench [--threads N] [--kernel NAME] [--repeats N]\n"
               "  GFLOP/s of each matrix product of a training step (batch 256, 784-128-32-128-784)\n"
               "  and training samples/s, at 1 thread and at N threads (default: all cores)\n",
               stdout);
    return 0;
  }
  Args args = parse_args(argc, argv, 2, {"threads", "kernel", "repeats"}, {});
  const int max_threads = args.get_int("threads", thread_count_max(), 1, 256);
  const int repeats = args.get_int("repeats", 5, 1, 1000);
  if (!args.error.empty()) return usage_error("bench", args.error);
  if (args.has("kernel") && !gemm_select_kernel(args.get("kernel", "")))
    return usage_error("bench", "--kernel " + args.get("kernel", "") + ": not available here");

  const int B = 256;
  ModelShape shape;
  const int D = shape.input_dim, H = shape.hidden_dim, Z = shape.latent_dim;
  // forward x W, weight gradient x^T dz, input gradient dz W^T, for each layer
  const GemmCase cases[] = {
      {"L1 forward   (256x784 @ 784x128)", Trans::no, Trans::no, B, H, D},
      {"L1 dW        (784x256 @ 256x128)", Trans::yes, Trans::no, D, H, B},
      {"L2 forward   (256x128 @ 128x32) ", Trans::no, Trans::no, B, Z, H},
      {"L2 dW        (128x256 @ 256x32) ", Trans::yes, Trans::no, H, Z, B},
      {"L2 dx        (256x32 @ 32x128)  ", Trans::no, Trans::yes, B, H, Z},
      {"L3 forward   (256x32 @ 32x128)  ", Trans::no, Trans::no, B, H, Z},
      {"L3 dW        (32x256 @ 256x128) ", Trans::yes, Trans::no, Z, H, B},
      {"L3 dx        (256x128 @ 128x32) ", Trans::no, Trans::yes, B, Z, H},
      {"L4 forward   (256x128 @ 128x784)", Trans::no, Trans::no, B, D, H},
      {"L4 dW        (128x256 @ 256x784)", Trans::yes, Trans::no, H, D, B},
      {"L4 dx        (256x784 @ 784x128)", Trans::no, Trans::yes, B, H, D},
  };
  Rng rng(1);
  std::vector<float> A(size_t(D) * D), Bm(size_t(D) * D), C(size_t(D) * D);
  for (auto& v : A) v = rng.uniform();
  for (auto& v : Bm) v = rng.uniform();

  // synthetic data: the cost of a step does not depend on the pixel values
  Dataset data;
  data.count = 4096;
  data.rows = data.cols = 28;
  data.images.resize(size_t(data.count) * 784);
  data.labels.assign(size_t(data.count), 0);
  for (auto& p : data.images) p = uint8_t(rng.next_u64() & 255);

  std::vector<int> thread_counts = {1};
  if (max_threads > 1) thread_counts.push_back(max_threads);
  std::printf("aelab bench: gemm kernel %s, batch %d, median of %d repeats\n",
              gemm_kernel_selected().c_str(), B, repeats);
  std::printf("%-36s", "GFLOP/s");
  for (int t : thread_counts) std::printf("  %2d thread%s", t, t == 1 ? " " : "s");
  std::printf("\n");
  double step_flops = 0;
  std::vector<std::vector<double>> rows;
  for (const GemmCase& g : cases) {
    const double flops = 2.0 * g.M * g.N * g.K;
    step_flops += flops;
    std::printf("%-36s", g.what);
    for (int t : thread_counts) {
      set_thread_count(t);
      const int lda = g.ta == Trans::no ? g.K : g.M, ldb = g.tb == Trans::no ? g.N : g.K;
      double s = median_seconds([&] {
        gemm(g.ta, g.tb, g.M, g.N, g.K, A.data(), lda, Bm.data(), ldb, C.data(), g.N);
      }, std::max(3, int(2e8 / flops)), repeats);
      std::printf("  %10.1f", flops / s * 1e-9);
    }
    std::printf("\n");
  }

  std::printf("%-36s", "training step (samples/s)");
  std::vector<double> step_s;
  for (int t : thread_counts) {
    set_thread_count(t);
    Autoencoder model = make_autoencoder(shape);
    init_glorot_uniform(model, 0);
    TrainConfig config;
    Trainer trainer;
    trainer_init(trainer, model, config);
    std::vector<int> idx(static_cast<size_t>(B));
    for (int i = 0; i < B; i++) idx[size_t(i)] = i * 13 % data.count;
    double s = median_seconds([&] { train_one_batch(trainer, model, data, idx.data(), B); }, 20, repeats);
    step_s.push_back(s);
    std::printf("  %10.0f", B / s);
  }
  std::printf("\n%-36s", "training step (GFLOP/s, products)");
  for (double s : step_s) std::printf("  %10.1f", step_flops / s * 1e-9);
  std::printf("\n%-36s", "seconds per epoch (60000 samples)");
  for (double s : step_s) std::printf("  %10.3f", s * 60000.0 / B);
  std::printf("\n");
  return 0;
}

} // namespace aelab
