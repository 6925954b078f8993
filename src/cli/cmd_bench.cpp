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

constexpr int kBatch = 256;

const char* kBenchHelp =
    "usage: aelab bench [--threads N] [--kernel NAME|all] [--repeats N] [--epochs N]\n"
    "                   [--data DIR] [--json FILE]\n"
    "  GFLOP/s of each matrix product of a training step (batch 256, 784-128-32-128-784)\n"
    "  and training samples/s on MNIST digits, at 1 thread and at N threads (default: all cores); then\n"
    "  the median seconds of --epochs real MNIST epochs (default 3, 0 to skip). --kernel avx512-bf16\n"
    "  or amx (in all, where the CPU has AVX512-BF16 or AMX tiles) is the best fp32 kernel with\n"
    "  bf16 products by that kernel (train --precision bf16). Last, the fp32 floor: the FLOPs an\n"
    "  epoch executes at the measured 2048^3 SGEMM peak of the best fp32 kernel, and each epoch\n"
    "  against it\n";

// The bf16 products by one of the bf16 kernels ("avx512-bf16", "amx"), as a "kernel" of the tables.
bool is_bf16_run(const std::string& kernel) {
  for (const std::string& k : bf16_kernels_available())
    if (k == kernel) return true;
  return false;
}

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

struct BenchOptions {
  int max_threads = 0, repeats = 0, epochs = 0;
  std::vector<std::string> kernels; // each one available here
  std::string data_dir;
  bool write_json = false;
  std::string json_path;
};

// What every kernel is timed on: the products of one training step, random operands large
// enough for each of them, and the thread counts (1, and --threads if more).
struct BenchWorkload {
  ModelShape shape;       // the reference model
  double epoch_flops = 0; // the products' FLOPs one MNIST epoch executes (zero pixels skipped)
  std::vector<GemmCase> products;
  double step_flops = 0;       // of all the products, dense-equivalent
  std::vector<float> A, Bm, C; // 784 * 784 floats each, more than any product reads or writes
  std::vector<int> thread_counts;
};

// One kernel's figures, indexed like BenchWorkload::thread_counts.
struct KernelFigures {
  Precision precision = Precision::fp32;
  std::vector<std::vector<double>> gflops; // [thread count][product]
  std::vector<double> step_s, epoch_s;     // seconds per training step, per MNIST epoch (0: none run)
};

// Returns 0 or the exit code of a usage error.
int parse_bench_options(int argc, char** argv, BenchOptions* opt) {
  Args args = parse_args(argc, argv, 2, {"threads", "kernel", "repeats", "epochs", "data", "json"}, {});
  opt->max_threads = args.get_int("threads", thread_count_max(), 1, 256);
  if (args.error.empty() && opt->max_threads > thread_count_max()) {
    std::fprintf(stderr, "aelab: --threads %d: this machine runs %d at once; measuring up to %d\n",
                 opt->max_threads, thread_count_max(), thread_count_max());
    opt->max_threads = thread_count_max();
  }
  opt->repeats = args.get_int("repeats", 5, 1, 1000);
  opt->epochs = args.get_int("epochs", 3, 0, 100);
  if (!args.error.empty()) return usage_error("bench", args.error);
  opt->kernels = {gemm_kernel_selected()};
  const std::string kernel_arg = args.get("kernel", "");
  if (kernel_arg == "all") {
    opt->kernels = gemm_kernels_available();
    for (const std::string& k : bf16_kernels_available()) opt->kernels.push_back(k);
  } else if (!kernel_arg.empty()) {
    opt->kernels = {kernel_arg};
  }
  for (const auto& k : opt->kernels) {
    if (k == "avx512-bf16" || k == "amx") {
      if (std::string e = precision_problem(Precision::bf16); !e.empty())
        return usage_error("bench", "--kernel " + k + ": " + e);
      if (!is_bf16_run(k)) return usage_error("bench", "--kernel " + k + ": this CPU has no AMX tiles");
    } else if (!gemm_select_kernel(k)) {
      return usage_error("bench", "--kernel " + k + ": not available here");
    }
  }
  opt->data_dir = data_dir_named(args.get("data", default_data_dir()));
  opt->write_json = args.has("json");
  opt->json_path = args.get("json", "");
  return 0;
}

// The 11 products of a training step at batch B: forward x W, weight gradient x^T dz, input
// gradient dz W^T, for each layer (layer 1 needs no input gradient).
std::vector<GemmCase> training_step_products(int B, const ModelShape& shape) {
  const int D = shape.input_dim, H = shape.hidden_dim, Z = shape.latent_dim;
  return {
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
}

BenchWorkload make_workload(int max_threads) {
  BenchWorkload w;
  const int D = w.shape.input_dim;
  w.products = training_step_products(kBatch, w.shape);
  for (const GemmCase& g : w.products) w.step_flops += 2.0 * g.M * g.N * g.K;
  Rng rng(1);
  w.A.resize(size_t(D) * D);
  w.Bm.resize(size_t(D) * D);
  w.C.resize(size_t(D) * D);
  for (auto& v : w.A) v = rng.uniform();
  for (auto& v : w.Bm) v = rng.uniform();
  w.thread_counts = {1};
  if (max_threads > 1) w.thread_counts.push_back(max_threads);
  return w;
}

// The FLOPs of the products one epoch over `data` executes: the first layer's forward and weight
// gradient only for nonzero pixels (the sparse products), every other product dense.
double executed_epoch_flops(const Dataset& data, const ModelShape& s) {
  double nonzeros = 0;
  for (int i = 0; i < data.count; i++) {
    const uint8_t* p = data.image(i);
    for (int k = 0; k < data.pixels(); k++) nonzeros += p[k] != 0;
  }
  const double per_sample_dense =
      3.0 * 2.0 * (double(s.hidden_dim) * s.latent_dim * 2 + double(s.hidden_dim) * s.input_dim);
  return 2.0 * 2.0 * nonzeros * s.hidden_dim + per_sample_dense * data.count;
}

// GFLOP/s of one square 2048^3 product with the best fp32 kernel, at each thread count: the
// machine's fp32 GEMM peak as this build reaches it.
std::vector<double> sgemm_peak(BenchWorkload& w, int repeats) {
  constexpr int n = 2048;
  gemm_select_kernel(gemm_kernels_available().front());
  std::vector<float> A(size_t(n) * n), B(A.size()), C(A.size());
  Rng rng(3);
  for (auto& v : A) v = rng.uniform();
  for (auto& v : B) v = rng.uniform();
  std::vector<double> gflops;
  for (int t : w.thread_counts) {
    set_thread_count(t);
    const double s = median_seconds(
        [&] { gemm(Trans::no, Trans::no, n, n, n, A.data(), n, B.data(), n, C.data(), n); }, 1, repeats);
    gflops.push_back(2.0 * n * n * n / s * 1e-9);
  }
  return gflops;
}

// The GFLOP/s table: a row per product, a column per thread count, printed as it is measured.
std::vector<std::vector<double>> time_products(BenchWorkload& w, int repeats, Precision precision) {
  std::printf("%-34s", "GFLOP/s");
  for (int t : w.thread_counts) std::printf("  %2d thread%s", t, t == 1 ? " " : "s");
  std::printf("\n");
  std::vector<std::vector<double>> gflops(w.thread_counts.size());
  for (const GemmCase& g : w.products) {
    const double flops = 2.0 * g.M * g.N * g.K;
    std::printf("%-34s", g.name);
    for (size_t ti = 0; ti < w.thread_counts.size(); ti++) {
      set_thread_count(w.thread_counts[ti]);
      const int lda = g.ta == Trans::no ? g.K : g.M, ldb = g.tb == Trans::no ? g.N : g.K;
      double s = median_seconds(
          [&] {
            gemm(g.ta, g.tb, g.M, g.N, g.K, w.A.data(), lda, w.Bm.data(), ldb, w.C.data(), g.N, {},
                 precision);
          },
          std::max(3, int(2e8 / flops)), repeats);
      gflops[ti].push_back(flops / s * 1e-9);
      std::printf("  %10.1f", gflops[ti].back());
    }
    std::printf("\n");
  }
  return gflops;
}

// At each thread count: the median training step on a fixed batch of real digits, then the
// median of `epochs` real epochs (60000 shuffled MNIST digits, last partial batch kept).
void time_training(const BenchWorkload& w, const Dataset& mnist, int repeats, int epochs,
                   KernelFigures* out) {
  for (int t : w.thread_counts) {
    set_thread_count(t);
    Autoencoder model = make_autoencoder(w.shape);
    init_glorot_uniform(model, 0);
    TrainConfig config;
    config.precision = out->precision;
    Trainer trainer;
    trainer_init(trainer, model, config);
    std::vector<int> idx(static_cast<size_t>(kBatch));
    for (int i = 0; i < kBatch; i++) idx[size_t(i)] = i * 13 % mnist.count;
    out->step_s.push_back(
        median_seconds([&] { train_one_batch(trainer, model, mnist, idx.data(), kBatch); }, 20, repeats));
    std::vector<double> per_epoch;
    for (int e = 0; e < epochs; e++) {
      begin_epoch(trainer, mnist.count);
      auto t0 = Clock::now();
      while (train_next_batch(trainer, model, mnist, nullptr)) {
      }
      per_epoch.push_back(seconds_since(t0));
    }
    out->epoch_s.push_back(epochs ? median(per_epoch) : 0.0);
  }
}

void print_training_rows(const BenchWorkload& w, const KernelFigures& f, int epochs) {
  std::printf("%-34s", "training step (samples/s)");
  for (double s : f.step_s) std::printf("  %10.0f", kBatch / s);
  std::printf("\n%-34s", "step GFLOP/s (dense-equivalent)");
  for (double s : f.step_s) std::printf("  %10.1f", w.step_flops / s * 1e-9);
  if (epochs) {
    std::printf("\n%-34s", "seconds per MNIST epoch (median)");
    for (double s : f.epoch_s) std::printf("  %10.3f", s);
  }
  std::printf("\n");
}

// Every figure for one kernel, printed as a table on the way.
KernelFigures bench_kernel(const std::string& kernel, const BenchOptions& opt, BenchWorkload& w,
                           const Dataset& mnist) {
  KernelFigures f;
  if (is_bf16_run(kernel)) { // bf16 products; the best fp32 kernel for validation only
    f.precision = Precision::bf16;
    bf16_select_kernel(kernel);
    gemm_select_kernel(gemm_kernels_available().front());
  } else {
    gemm_select_kernel(kernel);
  }
  std::printf("\naelab bench: gemm kernel %s, %s products, batch %d, median of %d repeats\n", kernel.c_str(),
              precision_name(f.precision), kBatch, opt.repeats);
  f.gflops = time_products(w, opt.repeats, f.precision);
  time_training(w, mnist, opt.repeats, opt.epochs, &f);
  print_training_rows(w, f, opt.epochs);
  return f;
}

// The kernel's entries of the "runs" array, one per thread count.
void append_kernel_json(const std::string& kernel, const BenchWorkload& w, const KernelFigures& f,
                        bool first_kernel, std::string* json) {
  for (size_t ti = 0; ti < w.thread_counts.size(); ti++) {
    char buf[256];
    *json += std::string(first_kernel && ti == 0 ? "" : ",") + "\n    {\"kernel\": \"" + kernel +
             "\", \"precision\": \"" + precision_name(f.precision) +
             "\", \"threads\": " + std::to_string(w.thread_counts[ti]) + ", \"gemm\": [";
    for (size_t g = 0; g < f.gflops[ti].size(); g++) {
      const GemmCase& c = w.products[g];
      std::snprintf(buf, sizeof buf,
                    "%s{\"name\": \"%s\", \"M\": %d, \"N\": %d, \"K\": %d, \"gflops\": %.2f}", g ? ", " : "",
                    c.name, c.M, c.N, c.K, f.gflops[ti][g]);
      *json += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "],\n     \"step_samples_per_s\": %.1f, \"step_gflops\": %.2f, \"epoch_seconds\": %.4f}",
                  kBatch / f.step_s[ti], w.step_flops / f.step_s[ti] * 1e-9, f.epoch_s[ti]);
    *json += buf;
  }
}

// Returns 0 or the exit code of a data error.
int write_json(const std::string& path, const std::string& json) {
  if (std::string e = write_file_bytes(path, json); !e.empty()) return data_error(e);
  std::printf("wrote %s\n", path.c_str());
  return 0;
}

} // namespace

int cmd_bench(int argc, char** argv) {
  if (wants_help(argc, argv)) {
    std::fputs(kBenchHelp, stdout);
    return 0;
  }
  BenchOptions opt;
  if (int code = parse_bench_options(argc, argv, &opt)) return code;
  // Real digits: the step's cost depends on them (the first layer skips zero pixels).
  Dataset mnist;
  if (std::string e = load_split(opt.data_dir, true, 0, &mnist); !e.empty()) return data_error(e);

  BenchWorkload workload = make_workload(opt.max_threads);
  workload.epoch_flops = executed_epoch_flops(mnist, workload.shape);
  std::string json = "{\n  \"cpu\": \"" + cpu_name() +
                     "\",\n  \"cores\": " + std::to_string(thread_count_max()) +
                     ",\n  \"batch\": 256,\n  \"runs\": [";
  std::vector<KernelFigures> figures;
  for (size_t k = 0; k < opt.kernels.size(); k++) {
    figures.push_back(bench_kernel(opt.kernels[k], opt, workload, mnist));
    append_kernel_json(opt.kernels[k], workload, figures.back(), k == 0, &json);
  }
  json += "\n  ]";
  if (opt.epochs) {
    // the fp32 floor, and every kernel's epoch against it
    const std::vector<double> peak = sgemm_peak(workload, 3);
    std::printf("\nfp32 floor: an MNIST epoch executes %.2f GFLOP of products (zero pixels skipped)\n",
                workload.epoch_flops * 1e-9);
    json += ",\n  \"executed_gflop_per_epoch\": " + std::to_string(workload.epoch_flops * 1e-9) +
            ",\n  \"sgemm_2048\": [";
    for (size_t ti = 0; ti < workload.thread_counts.size(); ti++) {
      const double floor_s = workload.epoch_flops / (peak[ti] * 1e9);
      std::printf("  %d thread%s: 2048^3 SGEMM %.1f GFLOP/s (%s), floor %.3f s/epoch\n",
                  workload.thread_counts[ti], workload.thread_counts[ti] == 1 ? "" : "s", peak[ti],
                  gemm_kernels_available().front().c_str(), floor_s);
      for (size_t k = 0; k < opt.kernels.size(); k++)
        std::printf("    %-12s %.3f s/epoch = %.2fx the floor\n", opt.kernels[k].c_str(),
                    figures[k].epoch_s[ti], figures[k].epoch_s[ti] / floor_s);
      json += std::string(ti ? ", " : "") + "{\"threads\": " + std::to_string(workload.thread_counts[ti]) +
              ", \"gflops\": " + std::to_string(peak[ti]) +
              ", \"floor_epoch_seconds\": " + std::to_string(floor_s) + "}";
    }
    json += "]";
  }
  json += "\n}\n";
  if (opt.write_json) return write_json(opt.json_path, json);
  return 0;
}

} // namespace aelab
