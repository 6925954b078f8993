// aelab train: the reference experiment (784-128-32-128-784, BCE, Adam, batch 256, 50 epochs)
// with a Keras-like progress bar, one summary line per epoch, an optional CSV log, and Ctrl-C
// that stops after the current batch and still saves the model.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/args.h"
#include "cli/cli.h"
#include "core/dataset.h"
#include "core/gemm.h"
#include "core/model_file.h"
#include "core/threads.h"
#include "core/train.h"

namespace aelab {

namespace {

volatile std::sig_atomic_t g_stop_requested = 0;

void on_sigint(int) {
  g_stop_requested = 1;
  std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

const char* kTrainHelp =
    "usage: aelab train [options]\n"
    "  --data DIR          folder with the four MNIST-style IDX files, plain or .gz\n"
    "                      (default: the MNIST that ./build.sh fetched)\n"
    "  --epochs N          default 50\n"
    "  --batch N           default 256\n"
    "  --latent N          latent code size, default 32\n"
    "  --hidden N          hidden layer size, default 128\n"
    "  --lr X              learning rate, default 0.001\n"
    "  --loss bce|mse      default bce\n"
    "  --optimizer adam|sgd  default adam (sgd: momentum 0.9)\n"
    "  --seed N            weights and batch order, default 0\n"
    "  --threads N         default: all cores\n"
    "  --limit N           use only the first N samples of each split\n"
    "  --out FILE          the trained model, default model.aelab\n"
    "  --log FILE.csv      per-epoch log: epoch,train_loss,val_loss,seconds,samples_per_s\n"
    "  --weights-only      save no optimizer state (a 3x smaller file, e.g. to ship in the app)\n"
    "  --resume FILE       go on from a saved model (its shape, weights and optimizer state):\n"
    "                      --epochs more epochs; stopped at an epoch's end, the result equals\n"
    "                      one uninterrupted run\n";

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// "  120/235 [=========>..........] - ETA: 1s - loss: 0.2134"
void print_progress(int done, int total, double elapsed_s, double loss) {
  constexpr int kWidth = 30;
  char bar[kWidth + 1];
  const int filled = total ? done * kWidth / total : kWidth;
  for (int i = 0; i < kWidth; i++) bar[i] = i < filled ? '=' : (i == filled ? '>' : '.');
  bar[kWidth] = '\0';
  const double eta = done ? elapsed_s * (total - done) / done : 0.0;
  std::printf("\r%5d/%d [%s] - ETA: %.0fs - loss: %.4f ", done, total, bar, eta, loss);
  std::fflush(stdout);
}

} // namespace

int cmd_train(int argc, char** argv) {
  if (wants_help(argc, argv)) {
    std::fputs(kTrainHelp, stdout);
    return 0;
  }
  Args args = parse_args(argc, argv, 2,
                         {"data", "epochs", "batch", "latent", "hidden", "lr", "loss", "optimizer",
                          "seed", "threads", "limit", "out", "log", "resume"},
                         {"weights-only"});
  TrainConfig config;
  ModelShape shape;
  config.epochs = args.get_int("epochs", 50, 1, 100000);
  config.batch_size = args.get_int("batch", 256, 1, 65536);
  shape.latent_dim = args.get_int("latent", 32, 1, 1024);
  shape.hidden_dim = args.get_int("hidden", 128, 1, 4096);
  config.optimizer.learning_rate = args.get_float("lr", 1e-3f, 1e-9f, 10.0f);
  config.seed = uint64_t(args.get_int("seed", 0, 0, 2147483647));
  const int threads = args.get_int("threads", thread_count_max(), 1, 256);
  const int limit = args.get_int("limit", 0, 1, 100000000);
  const std::string loss = args.get("loss", "bce"), optimizer = args.get("optimizer", "adam");
  if (args.error.empty() && loss != "bce" && loss != "mse")
    args.error = "--loss " + loss + ": expected bce or mse";
  if (args.error.empty() && optimizer != "adam" && optimizer != "sgd")
    args.error = "--optimizer " + optimizer + ": expected adam or sgd";
  if (!args.error.empty()) return usage_error("train", args.error);
  config.loss = loss == "bce" ? LossKind::bce : LossKind::mse;
  config.optimizer.kind = optimizer == "adam" ? OptimizerKind::adam : OptimizerKind::sgd;
  if (optimizer == "sgd" && !args.has("lr")) config.optimizer.learning_rate = 0.01f;

  const std::string data_dir = args.get("data", default_data_dir());
  const std::string out_path = args.get("out", "model.aelab");
  Dataset train, test;
  if (std::string e = load_split(data_dir, true, limit, &train); !e.empty()) return data_error(e);
  if (std::string e = load_split(data_dir, false, limit, &test); !e.empty()) return data_error(e);
  shape.input_dim = train.pixels();
  if (test.pixels() != train.pixels())
    return data_error(data_dir + ": test images are " + std::to_string(test.rows) + "x" +
                      std::to_string(test.cols) + ", training images " + std::to_string(train.rows) +
                      "x" + std::to_string(train.cols));

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log(nullptr, std::fclose);
  if (args.has("log")) {
    log.reset(std::fopen(args.get("log", "").c_str(), "w"));
    if (!log) return data_error(args.get("log", "") + ": cannot open for writing");
    std::fprintf(log.get(), "epoch,train_loss,val_loss,seconds,samples_per_s\n");
  }

  set_thread_count(threads);
  ModelFile file;
  Trainer trainer;
  if (args.has("resume")) {
    const std::string from = args.get("resume", "");
    if (std::string e = load_model(from, &file); !e.empty()) return data_error(e);
    const ModelShape& s = file.model.shape;
    if ((args.has("hidden") && s.hidden_dim != shape.hidden_dim) || (args.has("latent") && s.latent_dim != shape.latent_dim))
      return usage_error("train", "--resume " + from + " is a " + std::to_string(s.hidden_dim) + "-" +
                                      std::to_string(s.latent_dim) + " model: leave out --hidden/--latent");
    if (s.input_dim != shape.input_dim)
      return data_error(from + ": the model takes " + std::to_string(s.input_dim) + " pixels, " + data_dir +
                        " has " + std::to_string(shape.input_dim));
    shape = s;
    trainer_init(trainer, file.model, config);
    if (file.has_optimizer && file.optimizer_kind == config.optimizer.kind) trainer.optimizer = file.optimizer;
    else std::printf("note: %s has no %s state; the optimizer starts afresh\n", from.c_str(), optimizer.c_str());
    // replay the batch orders of the epochs already trained, so the next epoch's order is the
    // one an uninterrupted run would draw
    for (uint32_t e = 0; e < file.epochs_trained; e++) begin_epoch(trainer, train.count);
    trainer.epoch = int(file.epochs_trained);
    std::printf("resuming %s after epoch %d\n", from.c_str(), trainer.epoch);
  } else {
    file.model = make_autoencoder(shape);
    init_glorot_uniform(file.model, config.seed);
    trainer_init(trainer, file.model, config);
  }

  const bool tty = isatty(fileno(stdout));
  std::printf("training %d-%d-%d-%d-%d on %d samples (%s), validating on %d; batch %d, %s, %s, "
              "%d thread%s, gemm %s\n",
              shape.input_dim, shape.hidden_dim, shape.latent_dim, shape.hidden_dim, shape.input_dim,
              train.count, data_dir.c_str(), test.count, config.batch_size, optimizer.c_str(),
              loss.c_str(), thread_count(), thread_count() == 1 ? "" : "s",
              gemm_kernel_selected().c_str());
  std::signal(SIGINT, on_sigint);
  const int first_epoch = trainer.epoch + 1, last_epoch = trainer.epoch + config.epochs;
  for (int epoch = first_epoch; epoch <= last_epoch && !g_stop_requested; epoch++) {
    if (tty) std::printf("epoch %d/%d\n", epoch, last_epoch);
    begin_epoch(trainer, train.count);
    const auto t0 = std::chrono::steady_clock::now();
    float batch_loss = 0;
    while (!g_stop_requested && train_next_batch(trainer, file.model, train, &batch_loss)) {
      if (!std::isfinite(batch_loss)) {
        std::printf("\n");
        return data_error("training diverged at epoch " + std::to_string(epoch) +
                          " (loss is " + std::to_string(batch_loss) + "): try a lower --lr");
      }
      if (tty) print_progress(batches_done(trainer), batches_per_epoch(trainer), seconds_since(t0),
                              epoch_train_loss(trainer));
    }
    const double train_s = seconds_since(t0);
    if (tty) std::printf("\n");
    if (g_stop_requested && batches_done(trainer) < batches_per_epoch(trainer)) {
      std::printf("stopped in epoch %d after %d of %d batches\n", epoch, batches_done(trainer),
                  batches_per_epoch(trainer));
      break;
    }
    end_epoch(trainer);
    const double val = evaluate(file.model, test, config.loss).mean_loss;
    const double samples_per_s = trainer.epoch_samples / train_s;
    std::printf("epoch %3d  train_loss %.5f  val_loss %.5f  %.2f s  %.0f samples/s\n", epoch,
                epoch_train_loss(trainer), val, train_s, samples_per_s);
    std::fflush(stdout);
    if (log) {
      std::fprintf(log.get(), "%d,%.6f,%.6f,%.4f,%.1f\n", epoch, epoch_train_loss(trainer), val,
                   train_s, samples_per_s);
      std::fflush(log.get());
    }
  }

  file.has_optimizer = !args.has("weights-only");
  file.optimizer_kind = config.optimizer.kind;
  file.optimizer = trainer.optimizer;
  file.epochs_trained = uint32_t(trainer.epoch);
  if (std::string e = save_model(out_path, file); !e.empty()) return data_error(e);
  std::printf("saved %s (%d epoch%s)\n", out_path.c_str(), trainer.epoch, trainer.epoch == 1 ? "" : "s");
  return 0;
}

} // namespace aelab
