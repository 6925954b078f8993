// aelab bench: throughput of the training step and GFLOP/s of every matrix product in it, at
// batch 256 on the reference model, at 1 thread and at all threads, for one or every GEMM
// kernel; and seconds per real MNIST epoch. Kernels are called many times through the real
// entry points, and the median of several repeats is reported. --json writes it all for
// ./build.sh bench, which sets it beside the peers (PyTorch, OpenBLAS, TensorFlow.js).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/cli.h"
#include "core/dataset.h"
#include "core/gemm.h"
#include "core/rng.h"
#include "core/threads.h"
#include "core/train.h"

namespace aelab {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median seconds per call of fn over `repeats` timings of `calls` calls each.
double median_seconds(const std::function<void()>& fn, int calls, int repeats) {
  fn(); // warm up: buffers sized, caches filled
  std::vector<double> t;
  for (int r = 0; r < repeats; r++) {
    auto t0 = Clock::now();
    for (int i = 0; i < calls; i++) fn();
    t.push_back(seconds_since(t0) / calls);
  }
  return median(t);
}

struct GemmCase {
  const char* name;
  Trans ta, tb;
  int M, N, K;
};

std::string cpu_name() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

} // namespace

int cmd_bench(int argc, char** argv) {
  if (wants_help(argc, argv)) {
    std::fputs("usage: aelab bench [--threads N] [--kernel NAME|all] [--repeats N] [--epochs N]\n"
               "                   [--data DIR] [--json FILE]\n"
               "  GFLOP/s of each matrix product of a training step (batch 256, 784-128-32-128-784)\n"
               "  and training samples/s on MNIST digits, at 1 thread and at N threads (default: all cores); then\n"
               "  the median seconds of --epochs real MNIST epochs (default 3, 0 to skip)\n",
               stdout);
    return 0;
  }
  Args args = parse_args(argc, argv, 2, {"threads", "kernel", "repeats", "epochs", "data", "json"}, {});
  const int max_threads = args.get_int("threads", thread_count_max(), 1, 256);
  const int repeats = args.get_int("repeats", 5, 1, 1000);
  const int epochs = args.get_int("epochs", 3, 0, 100);
  if (!args.error.empty()) return usage_error("bench", args.error);
  std::vector<std::string> kernels = {gemm_kernel_selected()};
  const std::string kernel_arg = args.get("kernel", "");
  if (kernel_arg == "all") kernels = gemm_kernels_available();
  else if (!kernel_arg.empty()) kernels = {kernel_arg};
  for (const auto& k : kernels)
    if (!gemm_select_kernel(k)) return usage_error("bench", "--kernel " + k + ": not available here");

  // Real digits: the step's cost depends on them (the first layer skips zero pixels).
  Dataset mnist;
  if (std::string e = load_split(args.get("data", default_data_dir()), true, 0, &mnist); !e.empty())
    return data_error(e);

  const int B = 256;
  ModelShape shape;
  const int D = shape.input_dim, H = shape.hidden_dim, Z = shape.latent_dim;
  // forward x W, weight gradient x^T dz, input gradient dz W^T, for each layer
  const GemmCase cases[] = {
      {"L1 forward (256x784 @ 784x128)", Trans::no, Trans::no, B, H, D},
      {"L1 dW (784x256 @ 256x128)", Trans::yes, Trans::no, D, H, B},
      {"L2 forward (256x128 @ 128x32)", Trans::no, Trans::no, B, Z, H},
      {"L2 dW (128x256 @ 256x32)", Trans::yes, Trans::no, H, Z, B},
      {"L2 dx (256x32 @ 32x128)", Trans::no, Trans::yes, B, H, Z},
      {"L3 forward (256x32 @ 32x128)", Trans::no, Trans::no, B, H, Z},
      {"L3 dW (32x256 @ 256x128)", Trans::yes, Trans::no, Z, H, B},
      {"L3 dx (256x128 @ 128x32)", Trans::no, Trans::yes, B, Z, H},
      {"L4 forward (256x128 @ 128x784)", Trans::no, Trans::no, B, D, H},
      {"L4 dW (128x256 @ 256x784)", Trans::yes, Trans::no, H, D, B},
      {"L4 dx (256x784 @ 784x128)", Trans::no, Trans::yes, B, H, D},
  };
  Rng rng(1);
  std::vector<float> A(size_t(D) * D), Bm(size_t(D) * D), C(size_t(D) * D);
  for (auto& v : A) v = rng.uniform();
  for (auto& v : Bm) v = rng.uniform();
  double step_flops = 0;
  for (const GemmCase& g : cases) step_flops += 2.0 * g.M * g.N * g.K;

  std::vector<int> thread_counts = {1};
  if (max_threads > 1) thread_counts.push_back(max_threads);

  std::string json = "{\n  \"cpu\": \"" + cpu_name() + "\",\n  \"cores\": " +
                     std::to_string(thread_count_max()) + ",\n  \"batch\": 256,\n  \"runs\": [";
  bool first_run = true;
  for (const auto& kernel : kernels) {
    gemm_select_kernel(kernel);
    std::printf("\naelab bench: gemm kernel %s, batch %d, median of %d repeats\n", kernel.c_str(), B, repeats);
    std::printf("%-34s", "GFLOP/s");
    for (int t : thread_counts) std::printf("  %2d thread%s", t, t == 1 ? " " : "s");
    std::printf("\n");
    std::vector<std::vector<double>> gflops(thread_counts.size());
    for (const GemmCase& g : cases) {
      const double flops = 2.0 * g.M * g.N * g.K;
      std::printf("%-34s", g.name);
      for (size_t ti = 0; ti < thread_counts.size(); ti++) {
        set_thread_count(thread_counts[ti]);
        const int lda = g.ta == Trans::no ? g.K : g.M, ldb = g.tb == Trans::no ? g.N : g.K;
        double s = median_seconds(
            [&] { gemm(g.ta, g.tb, g.M, g.N, g.K, A.data(), lda, Bm.data(), ldb, C.data(), g.N); },
            std::max(3, int(2e8 / flops)), repeats);
        gflops[ti].push_back(flops / s * 1e-9);
        std::printf("  %10.1f", gflops[ti].back());
      }
      std::printf("\n");
    }

    std::vector<double> step_s, epoch_s;
    for (int t : thread_counts) {
      set_thread_count(t);
      Autoencoder model = make_autoencoder(shape);
      init_glorot_uniform(model, 0);
      TrainConfig config;
      Trainer trainer;
      trainer_init(trainer, model, config);
      std::vector<int> idx(static_cast<size_t>(B));
      for (int i = 0; i < B; i++) idx[size_t(i)] = i * 13 % mnist.count;
      step_s.push_back(median_seconds([&] { train_one_batch(trainer, model, mnist, idx.data(), B); }, 20, repeats));
      // real epochs: 60000 shuffled MNIST digits, last partial batch kept
      std::vector<double> per_epoch;
      for (int e = 0; e < epochs; e++) {
        begin_epoch(trainer, mnist.count);
        auto t0 = Clock::now();
        while (train_next_batch(trainer, model, mnist, nullptr)) {}
        per_epoch.push_back(seconds_since(t0));
      }
      epoch_s.push_back(epochs ? median(per_epoch) : 0.0);
    }
    std::printf("%-34s", "training step (samples/s)");
    for (double s : step_s) std::printf("  %10.0f", B / s);
    std::printf("\n%-34s", "step GFLOP/s (dense-equivalent)");
    for (double s : step_s) std::printf("  %10.1f", step_flops / s * 1e-9);
    if (epochs) {
      std::printf("\n%-34s", "seconds per MNIST epoch (median)");
      for (double s : epoch_s) std::printf("  %10.3f", s);
    }
    std::printf("\n");

    for (size_t ti = 0; ti < thread_counts.size(); ti++) {
      char buf[256];
      json += std::string(first_run ? "" : ",") + "\n    {\"kernel\": \"" + kernel + "\", \"threads\": " +
              std::to_string(thread_counts[ti]) + ", \"gemm\": [";
      for (size_t g = 0; g < gflops[ti].size(); g++) {
        std::snprintf(buf, sizeof buf, "%s{\"name\": \"%s\", \"M\": %d, \"N\": %d, \"K\": %d, \"gflops\": %.2f}",
                      g ? ", " : "", cases[g].name, cases[g].M, cases[g].N, cases[g].K, gflops[ti][g]);
        json += buf;
      }
      std::snprintf(buf, sizeof buf,
                    "],\n     \"step_samples_per_s\": %.1f, \"step_gflops\": %.2f, \"epoch_seconds\": %.4f}",
                    B / step_s[ti], step_flops / step_s[ti] * 1e-9, epoch_s[ti]);
      json += buf;
      first_run = false;
    }
  }
  json += "\n  ]\n}\n";
  if (args.has("json")) {
    const std::string path = args.get("json", "");
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "w"), std::fclose);
    if (!f || std::fputs(json.c_str(), f.get()) < 0) return data_error(path + ": cannot write");
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
}

} // namespace aelab
