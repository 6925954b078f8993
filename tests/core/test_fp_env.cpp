// Flush-to-zero and denormals-are-zero (fp_env.h, issue 26): the mode sets and reads back, the
// pool's workers compute in their caller's mode, and training on real MNIST gives the same losses
// with and without it (the difference measured and printed). A counter over the passes shows that
// no buffer holds a subnormal value with the mode off: the optimizer pass flushes tiny moments.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/fp_env.h"
#include "core/model.h"
#include "core/optim.h"
#include "core/threads.h"
#include "core/train.h"

using namespace aelab;

namespace {

#if defined(__EMSCRIPTEN__)
constexpr bool kHasMode = false; // WebAssembly has no flush-to-zero mode
#else
constexpr bool kHasMode = true;
#endif

// The caller's mode for the rest of a test, then back to what it was.
struct FlushMode { // (WebAssembly: nothing to set; it never flushes)
  explicit FlushMode(bool on) : before(fp_mode_bits()) { set_flush_denormals(on); }
  ~FlushMode() { set_fp_mode_bits(before); }
  unsigned before;
};

// a * b at run time: the operands read through volatiles, the product out of line, so that no
// compiler folds it in its own (IEEE) mode
volatile float g_a, g_b;
__attribute__((noinline)) float times(float a, float b) {
  g_a = a, g_b = b;
  return g_a * g_b;
}

template <class V> size_t subnormals(const V& v) {
  size_t n = 0;
  for (float x : v) n += std::fpclassify(x) == FP_SUBNORMAL;
  return n;
}

} // namespace

TEST(FpEnv, TheModeSetsAndReadsBack_AndFlushesATinyProduct) {
  if (!kHasMode) GTEST_SKIP() << "WebAssembly has no flush-to-zero mode";
  {
    FlushMode off(false);
    EXPECT_FALSE(flush_denormals());
    EXPECT_EQ(std::fpclassify(times(1e-30f, 1e-10f)), FP_SUBNORMAL); // 1e-40: subnormal
  }
  {
    FlushMode on(true);
    EXPECT_TRUE(flush_denormals());
    EXPECT_EQ(times(1e-30f, 1e-10f), 0.0f);         // flushed to zero
    EXPECT_EQ(times(1e-40f, 1e30f), 0.0f);          // a subnormal input read as 0
    EXPECT_FLOAT_EQ(times(1e-20f, 1e-10f), 1e-30f); // normal results stay
  }
}

TEST(FpEnv, ThePoolsWorkersTakeTheCallersModeWithEachJob) {
  if (!kHasMode || thread_count_max() < 2) GTEST_SKIP() << "needs the mode and two threads";
  const int threads = thread_count();
  set_thread_count(2);
  for (bool on : {true, false, true}) {
    FlushMode mode(on);
    std::vector<int> seen(64, -1);
    parallel_for(64, [&](int task, int) { seen[size_t(task)] = flush_denormals() ? 1 : 0; });
    for (size_t i = 0; i < seen.size(); i++)
      ASSERT_EQ(seen[i], on ? 1 : 0) << "task " << i << ", mode " << on;
  }
  set_thread_count(threads);
}

// Two epochs on MNIST at batch 64, without and with flushing: the same losses to the printed
// difference. Before the optimizer pass flushed tiny moments, 25,485 of Adam's first moments
// ended subnormal without the mode, and the losses were these same ones (0.159026361 and
// 0.106403277). Now the next test finds no subnormal value in any buffer, so this one guards
// what that counter cannot see: values inside the products, the loss and the passes' registers,
// where a subnormal would round differently with the mode than without.
TEST(FpEnv, MnistTrainingGivesTheSameLossesWithAndWithoutFlushing) {
  if (!kHasMode) GTEST_SKIP() << "WebAssembly has no flush-to-zero mode";
  if (!std::ifstream(std::string(AELAB_MNIST_DIR) + "/train-images-idx3-ubyte"))
    GTEST_SKIP() << "MNIST not found at " << AELAB_MNIST_DIR;
  Dataset train;
  ASSERT_EQ(load_split(AELAB_MNIST_DIR, true, 60000, &train), "");
  constexpr int kEpochs = 2;
  std::vector<double> losses[2];
  for (int flush = 0; flush < 2; flush++) {
    FlushMode mode(flush == 1);
    Autoencoder m = make_autoencoder(ModelShape{});
    init_glorot_uniform(m, 3);
    TrainConfig config;
    config.batch_size = 64;
    Trainer t;
    trainer_init(t, m, config);
    for (int epoch = 0; epoch < kEpochs; epoch++) {
      begin_epoch(t, train.count);
      while (train_next_batch(t, m, train, nullptr)) {
      }
      losses[flush].push_back(epoch_train_loss(t));
      end_epoch(t);
    }
  }
  double worst = 0;
  for (size_t e = 0; e < losses[0].size(); e++) {
    const double rel = std::fabs(losses[1][e] - losses[0][e]) / losses[0][e];
    worst = std::max(worst, rel);
    EXPECT_LE(rel, 1e-5) << "epoch " << e + 1 << ": " << losses[0][e] << " without, " << losses[1][e]
                         << " with";
  }
  for (size_t e = 0; e < losses[0].size(); e++)
    std::printf("  epoch %zu: loss %.9f without flushing, %.9f with\n", e + 1, losses[0][e], losses[1][e]);
  std::printf("  largest relative difference %.3g\n", worst);
}

// The debug counter over the passes (issue 26): seeded runs on MNIST with flushing off, counting
// the subnormal values each step leaves in every buffer (the activations and their gradients, the
// weight gradients, the weights and the optimizer's moments), summed over the steps. Before the
// optimizer pass flushed tiny moments (optim_kernel.h), the dense model's 1,876 steps left
// 28,433,144 subnormal first moments and nothing else; now every buffer must stay free of them,
// so that a CPU without the mode (WebAssembly on Intel) pays no assists.
struct SubnormalCount {
  size_t act = 0, dact = 0, grads = 0, params = 0, m = 0, v = 0;
  size_t total() const { return act + dact + grads + params + m + v; }
};

SubnormalCount count_over_training(const Dataset& train, ModelShape shape, OptimizerKind optimizer,
                                   int batches) {
  FlushMode off(false);
  Autoencoder m = make_autoencoder(with_code_size(shape));
  init_glorot_uniform(m, 3);
  TrainConfig config;
  config.batch_size = 64;
  config.optimizer.kind = optimizer;
  Trainer t;
  trainer_init(t, m, config);
  SubnormalCount c;
  begin_epoch(t, train.count);
  for (int b = 0; b < batches; b++) {
    if (!train_next_batch(t, m, train, nullptr)) begin_epoch(t, train.count);
    for (int l = 0; l < kNumLayers; l++) c.act += subnormals(t.act[l]), c.dact += subnormals(t.dact[l]);
    for (int s = 0; s < kConvStages; s++)
      c.act += subnormals(t.conv.act[s]), c.dact += subnormals(t.conv.dact[s]);
    c.grads += subnormals(t.grads), c.params += subnormals(m.params);
    c.m += subnormals(t.optimizer.m), c.v += subnormals(t.optimizer.v);
  }
  return c;
}

// WebAssembly has no mode to set: there it always runs as with flushing off, which is what the
// page needs it to show.
TEST(FpEnv, NoPassLeavesSubnormalValuesWithFlushingOff) {
  if (!std::ifstream(std::string(AELAB_MNIST_DIR) + "/train-images-idx3-ubyte"))
    GTEST_SKIP() << "MNIST not found at " << AELAB_MNIST_DIR;
  Dataset train;
  ASSERT_EQ(load_split(AELAB_MNIST_DIR, true, 60000, &train), "");
  ModelShape vae, conv;
  vae.kind = ModelKind::vae;
  conv.kind = ModelKind::conv;
  const struct {
    const char* name;
    ModelShape shape;
    OptimizerKind optimizer;
    int batches;
  } runs[] = {{"ae, Adam", ModelShape{}, OptimizerKind::adam, 1876},
              {"ae, SGD with momentum", ModelShape{}, OptimizerKind::sgd, 800},
              {"vae, Adam", vae, OptimizerKind::adam, 800},
              {"conv, Adam", conv, OptimizerKind::adam, 300}};
  for (const auto& r : runs) {
    const SubnormalCount c = count_over_training(train, r.shape, r.optimizer, r.batches);
    std::printf("  %s, %d steps: subnormal activations %zu, their gradients %zu, weight gradients %zu, "
                "weights %zu, moments %zu and %zu\n",
                r.name, r.batches, c.act, c.dact, c.grads, c.params, c.m, c.v);
    EXPECT_EQ(c.total(), 0u) << r.name;
  }
}
