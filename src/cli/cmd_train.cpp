// aelab train: the reference experiment (784-128-32-128-784, BCE, Adam, batch 256, 50 epochs)
// with a Keras-like progress bar, one summary line per epoch, an optional CSV log, and Ctrl-C
// that stops after the current batch and still saves the model.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/args.h"
#include "cli/cli.h"
#include "core/dataset.h"
#include "core/files.h"
#include "core/gemm.h"
#include "core/limits.h"
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
    "  --data DIR          folder with the four MNIST-style IDX files, plain or .gz; or mnist,\n"
    "                      fashion: the data sets the lab knows (Fashion-MNIST: Debian's)\n"
    "                      (default: the MNIST that ./build.sh fetched)\n"
    "  --epochs N          default 50\n"
    "  --batch N           default 256\n"
    "  --latent N          latent code size, default 32\n"
    "  --kind ae|vae|conv  ae: the plain autoencoder (default); vae: the variational one, whose\n"
    "                      loss per image is the BCE summed over the pixels plus beta * KL;\n"
    "                      conv: the convolutional one (the Keras blog's; 28x28 pictures)\n"
    "  --filters F1,F2,F3  a conv model's filter counts, 1 to 64 each, default 16,8,8: its\n"
    "                      code is 4x4xF3\n"
    "  --beta B            a VAE's KL weight, 0 to 10, default 1\n"
    "  --sparsity LAMBDA   the plain model's code L1 penalty (lambda * mean L1 norm), default 0\n"
    "  --hidden N          hidden layer size, default 128\n"
    "  --lr X              learning rate, default 0.001\n"
    "  --loss bce|mse      default bce\n"
    "  --optimizer adam|sgd  default adam (sgd: momentum 0.9)\n"
    "  --seed N            weights, batch order and noise, default 0\n"
    "  --exclude-classes 7[,3...]  leave these labels out of the training split (anomaly\n"
    "                      experiments: aelab score then reports their AUC)\n"
    "  --noise KIND:AMOUNT denoising: corrupt each batch's inputs, train towards the clean ones:\n"
    "                      none (default), gaussian:SIGMA, mask:P or saltpepper:P (0 to 1);\n"
    "                      recorded in the model file (a resumed run keeps the file's)\n"
    "  --precision fp32|bf16  the matrix products: fp32 (default) or bfloat16 inputs with fp32\n"
    "                      sums, where the CPU has AVX512-BF16 (AMX tiles where it has them);\n"
    "                      faster on AMD Zen 4 and on AMX, so a start-up timing says when it is\n"
    "                      \"not faster on this CPU\"; weights, Adam and the loss stay fp32\n"
    "  --threads N         default: all cores (more than the cores: all cores, with a note)\n"
    "  --kernel auto|avx512|avx2|sse2  the fp32 GEMM kernel; auto (default) times avx512 and\n"
    "                      avx2, which give the same results bit for bit, and takes the faster\n"
    "  --limit N           use only the first N samples of each split\n"
    "  --out FILE          the trained model, default model.aelab\n"
    "  --log FILE.csv      per-epoch log: epoch,train_loss,val_loss,seconds,samples_per_s; a VAE's\n"
    "                      adds val_recon,val_kl (per image; its losses are per image too)\n"
    "  --weights-only      save no optimizer state (a 3x smaller file, e.g. to ship in the app)\n"
    "  --resume FILE       go on from a saved model (its shape, weights and optimizer state):\n"
    "                      --epochs more epochs; stopped at an epoch's end, the result equals\n"
    "                      one uninterrupted run\n";

// Everything `aelab train` was asked for, range-checked. The steps below that can fail return
// 0 to go on, or the exit code after printing the message (as cli.h describes).
struct TrainOptions {
  TrainConfig config;
  ModelShape shape; // input_dim comes from the data; a resumed model brings its own shape
  int threads = 0;
  int limit = 0;               // 0: every sample
  std::string kernel;          // --kernel: "auto" (timed at start) or a kernel's name
  std::string loss, optimizer; // as typed ("bce", "adam"...), for the messages
  std::string data_dir, out_path;
  bool write_log = false; // --log given, even as "" (which then fails to open)
  std::string log_path;
  bool resume = false;
  std::string resume_path;
  bool weights_only = false;
  bool noise_given = false;                        // else a resumed run keeps its file's noise
  std::vector<int> excluded;                       // --exclude-classes: labels left out of training
  bool hidden_given = false, latent_given = false; // a resumed model's shape must not be asked to change
  bool kind_given = false, filters_given = false;
};

using LogFile = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

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

int parse_train_options(int argc, char** argv, TrainOptions* opt) {
  Args args =
      parse_args(argc, argv, 2,
                 {"data",      "epochs",  "batch", "latent", "hidden",   "lr",     "loss",  "optimizer",
                  "seed",      "threads", "limit", "out",    "log",      "resume", "noise", "exclude-classes",
                  "precision", "kernel",  "kind",  "beta",   "sparsity", "filters"},
                 {"weights-only"});
  TrainConfig& config = opt->config;
  config.epochs = args.get_int("epochs", 50, 1, 100000);
  config.batch_size = args.get_int("batch", 256, 1, 65536);
  opt->shape.latent_dim = args.get_int("latent", 32, 1, 1024);
  opt->shape.hidden_dim = args.get_int("hidden", 128, 1, 4096);
  config.optimizer.learning_rate = args.get_float("lr", 1e-3f, 1e-9f, 10.0f);
  config.seed = uint64_t(args.get_int("seed", 0, 0, 2147483647));
  config.beta = args.get_float("beta", 1.0f, float(kBetaLimit.min), float(kBetaLimit.max));
  config.sparsity = args.get_float("sparsity", 0.0f, float(kSparsityLimit.min), float(kSparsityLimit.max));
  const std::string kind = args.get("kind", "ae");
  if (args.error.empty() && kind != "ae" && kind != "vae" && kind != "conv")
    args.error = "--kind " + kind + ": expected ae, vae or conv";
  opt->shape.kind = kind == "vae" ? ModelKind::vae : kind == "conv" ? ModelKind::conv : ModelKind::ae;
  if (args.error.empty() && kind == "vae" && config.sparsity > 0)
    args.error = "--sparsity is the plain autoencoder's (--kind ae); a VAE's code has its KL term";
  if (args.error.empty() && kind != "conv" && args.has("filters"))
    args.error = "--filters is a convolutional model's (--kind conv)";
  if (args.error.empty() && kind == "conv" && (args.has("latent") || args.has("hidden")))
    args.error = "--latent and --hidden are the dense models': a conv model's code is 4x4xF3 (--filters)";
  if (args.error.empty() && args.has("filters"))
    if (std::string e = parse_filters(args.get("filters", ""), &opt->shape); !e.empty())
      args.error = "--" + e;
  opt->shape = with_code_size(opt->shape);
  opt->threads = args.get_int("threads", thread_count_max(), 1, 256);
  opt->limit = args.get_int("limit", 0, 1, 100000000);
  const std::string loss = args.get("loss", "bce"), optimizer = args.get("optimizer", "adam");
  if (args.error.empty() && loss != "bce" && loss != "mse")
    args.error = "--loss " + loss + ": expected bce or mse";
  if (args.error.empty() && optimizer != "adam" && optimizer != "sgd")
    args.error = "--optimizer " + optimizer + ": expected adam or sgd";
  if (args.error.empty())
    if (std::string e = parse_noise(args.get("noise", "none"), &config.noise); !e.empty())
      args.error = "--" + e;
  if (args.error.empty()) {
    const std::string precision = args.get("precision", "fp32");
    if (!parse_precision(precision, &config.precision))
      args.error = "--precision " + precision + ": expected fp32 or bf16";
    else if (std::string e = precision_problem(config.precision); !e.empty())
      args.error = "--precision " + precision + ": " + e;
    else if (config.precision == Precision::bf16 && kind == "conv")
      args.error = "--precision bf16: the dense models' products only; a conv model trains in fp32";
  }
  if (!args.error.empty()) return usage_error("train", args.error);
  opt->kernel = args.get("kernel", "auto");
  if (opt->kernel != "auto" && !gemm_select_kernel(opt->kernel)) {
    std::string names;
    for (const std::string& k : gemm_kernels_available()) names += (names.empty() ? "" : ", ") + k;
    return usage_error("train",
                       "--kernel " + opt->kernel + ": expected auto or one this CPU runs (" + names + ")");
  }
  opt->noise_given = args.has("noise");
  if (args.has("exclude-classes")) opt->excluded = args.get_ints("exclude-classes", 0, 255);
  if (!args.error.empty()) return usage_error("train", args.error);
  config.loss = loss == "bce" ? LossKind::bce : LossKind::mse;
  config.optimizer.kind = optimizer == "adam" ? OptimizerKind::adam : OptimizerKind::sgd;
  if (optimizer == "sgd" && !args.has("lr")) config.optimizer.learning_rate = 0.01f;

  opt->loss = loss;
  opt->optimizer = optimizer;
  opt->data_dir = data_dir_named(args.get("data", default_data_dir()));
  opt->out_path = args.get("out", "model.aelab");
  opt->write_log = args.has("log");
  opt->log_path = args.get("log", "");
  opt->resume = args.has("resume");
  opt->resume_path = args.get("resume", "");
  opt->weights_only = args.has("weights-only");
  opt->hidden_given = args.has("hidden");
  opt->latent_given = args.has("latent");
  opt->kind_given = args.has("kind");
  opt->filters_given = args.has("filters");
  return 0;
}

// Both splits, with the same image size; that size becomes the model's input_dim.
int load_training_data(TrainOptions* opt, Dataset* train, Dataset* test) {
  const std::string& dir = opt->data_dir;
  if (std::string e = load_split(dir, true, opt->limit, train); !e.empty()) return data_error(e);
  if (std::string e = load_split(dir, false, opt->limit, test); !e.empty()) return data_error(e);
  opt->shape.input_dim = train->pixels();
  if (is_conv(opt->shape) && (train->rows != kConvSide || train->cols != kConvSide))
    return data_error(dir + ": a convolutional model takes 28x28 pictures; these are " +
                      std::to_string(train->rows) + "x" + std::to_string(train->cols));
  if (!opt->excluded.empty()) {
    const int dropped = remove_classes(train, opt->excluded);
    std::string list;
    for (int c : opt->excluded) list += (list.empty() ? "" : ",") + std::to_string(c);
    if (train->count == 0) return data_error(dir + ": no training images are left without classes " + list);
    std::printf("left out class%s %s: %d training images dropped, %d remain (the test split keeps them)\n",
                opt->excluded.size() > 1 ? "es" : "", list.c_str(), dropped, train->count);
  }
  if (test->pixels() != train->pixels())
    return data_error(dir + ": test images are " + std::to_string(test->rows) + "x" +
                      std::to_string(test->cols) + ", training images " + std::to_string(train->rows) + "x" +
                      std::to_string(train->cols));
  return 0;
}

// "" once everything written to the log has reached the file, else the path and why not.
std::string flush_log(const TrainOptions& opt, std::FILE* log) {
  errno = 0;
  if (std::fflush(log) == 0 && !std::ferror(log)) return "";
  return opt.log_path + ": cannot write (" + std::strerror(errno ? errno : EIO) + ")";
}

// The CSV log, opened (and its header written) before any training, so a bad path fails at once.
int open_epoch_log(const TrainOptions& opt, LogFile* log) {
  if (!opt.write_log) return 0;
  log->reset(std::fopen(opt.log_path.c_str(), "w"));
  if (!*log) return data_error(opt.log_path + ": cannot open for writing (" + std::strerror(errno) + ")");
  std::fprintf(log->get(), "epoch,train_loss,val_loss,seconds,samples_per_s%s\n",
               opt.shape.kind == ModelKind::vae ? ",val_recon,val_kl" : "");
  if (std::string e = flush_log(opt, log->get()); !e.empty()) return data_error(e); // e.g. /dev/full
  return 0;
}

void start_new_model(const TrainOptions& opt, ModelFile& file, Trainer& trainer) {
  file.model = make_autoencoder(opt.shape);
  init_glorot_uniform(file.model, opt.config.seed);
  trainer_init(trainer, file.model, opt.config);
}

// Loads --resume FILE: its weights, its optimizer state when it has the same kind, and the
// epochs it was trained for. The model's shape replaces opt->shape.
int resume_model(TrainOptions* opt, const Dataset& train, ModelFile& file, Trainer& trainer) {
  const std::string& from = opt->resume_path;
  if (std::string e = load_model(from, &file); !e.empty()) return data_error(e);
  const ModelShape& s = file.model.shape;
  if ((opt->hidden_given && s.hidden_dim != opt->shape.hidden_dim) ||
      (opt->latent_given && s.latent_dim != opt->shape.latent_dim) ||
      (opt->kind_given && s.kind != opt->shape.kind) || (opt->filters_given && !(s == opt->shape)))
    return usage_error("train", "--resume " + from + " is a " + model_shape_text(s) + " " +
                                    model_kind_name(s.kind) +
                                    " model: leave out --hidden/--latent/--kind/--filters");
  if (s.kind == ModelKind::vae && opt->config.sparsity > 0)
    return usage_error("train", "--resume " + from + " is a VAE: --sparsity is the plain autoencoder's");
  if (s.input_dim != opt->shape.input_dim)
    return data_error(from + ": the model takes " + std::to_string(s.input_dim) + " pixels, " +
                      opt->data_dir + " has " + std::to_string(opt->shape.input_dim));
  opt->shape = s;
  if (!opt->noise_given) opt->config.noise = file.noise;
  trainer_init(trainer, file.model, opt->config);
  if (file.has_optimizer && file.optimizer_kind == opt->config.optimizer.kind)
    trainer.optimizer = file.optimizer;
  else
    std::printf("note: %s has no %s state; the optimizer starts afresh\n", from.c_str(),
                opt->optimizer.c_str());
  // epochs are counted in an int, and the run adds --epochs more
  if (file.epochs_trained > uint32_t(INT_MAX - opt->config.epochs))
    return data_error(from + ": claims " + std::to_string(file.epochs_trained) +
                      " epochs trained; resuming it for " + std::to_string(opt->config.epochs) +
                      " more needs at most " + std::to_string(INT_MAX - opt->config.epochs));
  // skip the batch orders of the epochs already trained, so the next epoch's order is the one an
  // uninterrupted run would draw
  skip_epochs(trainer, train.count, file.epochs_trained);
  trainer.epoch = int(file.epochs_trained);
  std::printf("resuming %s after epoch %d\n", from.c_str(), trainer.epoch);
  return 0;
}

// "training 784-128-32-128-784 on 60000 samples (...), validating on 10000; batch 256, ..."
void print_run_summary(const TrainOptions& opt, const Dataset& train, const Dataset& test) {
  const ModelShape& shape = opt.shape;
  char kind[64] = "";
  if (shape.kind == ModelKind::vae)
    std::snprintf(kind, sizeof kind, " (beta %g)", double(opt.config.beta));
  else if (opt.config.sparsity > 0)
    std::snprintf(kind, sizeof kind, " (code L1 penalty %g)", double(opt.config.sparsity));
  std::printf("training %s%s on %d samples (%s), validating on %d; batch %d, %s, %s, "
              "%d thread%s, gemm %s%s%s%s\n",
              model_shape_text(shape).c_str(), kind, train.count, opt.data_dir.c_str(), test.count,
              opt.config.batch_size, opt.optimizer.c_str(), opt.loss.c_str(), thread_count(),
              thread_count() == 1 ? "" : "s", gemm_kernel_selected().c_str(),
              opt.config.precision == Precision::bf16
                  ? (" with bf16 products (" + bf16_kernel_selected() + ")").c_str()
                  : "",
              opt.config.noise.kind == NoiseKind::none ? "" : ", input noise ",
              opt.config.noise.kind == NoiseKind::none ? "" : noise_text(opt.config.noise).c_str());
}

constexpr int kDiverged = -1; // run_epochs' code for "diverged, the last good weights are back"

// One epoch's batches (or fewer, on Ctrl-C), with the progress bar on a terminal. *train_s is
// the seconds they took. A batch that diverges (train.h) ends the epoch with kDiverged.
int train_epoch_batches(Trainer& trainer, Autoencoder& model, const Dataset& train, bool tty,
                        double* train_s) {
  begin_epoch(trainer, train.count);
  const auto t0 = std::chrono::steady_clock::now();
  float batch_loss = 0;
  while (!g_stop_requested && train_next_batch(trainer, model, train, &batch_loss)) {
    if (!trainer.divergence.empty()) {
      if (tty) std::printf("\n");
      return kDiverged;
    }
    if (tty)
      print_progress(batches_done(trainer), batches_per_epoch(trainer), seconds_since(t0),
                     epoch_train_loss(trainer));
  }
  *train_s = seconds_since(t0);
  return 0;
}

// The epoch's summary line, and its row in the CSV log if there is one: "" or the log's error.
// A VAE's losses are per image (its validation: recon + beta * kl), the plain model's per pixel.
std::string report_epoch(const TrainOptions& opt, int epoch, double train_loss, const Evaluation& val,
                         double train_s, double samples_per_s, std::FILE* log) {
  const bool vae = opt.shape.kind == ModelKind::vae;
  const double val_loss = vae ? val.recon + double(opt.config.beta) * val.kl : val.mean_loss;
  char terms[64] = "";
  if (vae) std::snprintf(terms, sizeof terms, " (recon %.2f, kl %.3f)", val.recon, val.kl);
  std::printf("epoch %3d  train_loss %.5f  val_loss %.5f%s  %.2f s  %.0f samples/s\n", epoch, train_loss,
              val_loss, terms, train_s, samples_per_s);
  std::fflush(stdout);
  if (!log) return "";
  std::fprintf(log, "%d,%.6f,%.6f,%.4f,%.1f", epoch, train_loss, val_loss, train_s, samples_per_s);
  if (vae) std::fprintf(log, ",%.6f,%.6f", val.recon, val.kl);
  std::fprintf(log, "\n");
  return flush_log(opt, log);
}

// --epochs more epochs after the ones already trained, each validated on the test split; Ctrl-C
// stops after the current batch (a partial epoch is not counted). A log that can no longer be
// written stops the run at the epoch's end with *log_error set, so the model can still be saved.
int run_epochs(const TrainOptions& opt, const Dataset& train, const Dataset& test, ModelFile& file,
               Trainer& trainer, std::FILE* log, std::string* log_error) {
  const bool tty = isatty(fileno(stdout));
  const int first_epoch = trainer.epoch + 1, last_epoch = trainer.epoch + opt.config.epochs;
  for (int epoch = first_epoch; epoch <= last_epoch && !g_stop_requested; epoch++) {
    if (tty) std::printf("epoch %d/%d\n", epoch, last_epoch);
    double train_s = 0;
    if (int code = train_epoch_batches(trainer, file.model, train, tty, &train_s)) return code;
    if (tty) std::printf("\n");
    if (g_stop_requested && batches_done(trainer) < batches_per_epoch(trainer)) {
      std::printf("stopped in epoch %d after %d of %d batches\n", epoch, batches_done(trainer),
                  batches_per_epoch(trainer));
      break;
    }
    end_epoch(trainer);
    const Evaluation val = evaluate(file.model, test, opt.config.loss);
    *log_error = report_epoch(opt, epoch, epoch_train_loss(trainer), val, train_s,
                              trainer.epoch_samples / train_s, log);
    if (!log_error->empty()) break;
  }
  return 0;
}

// The model with its optimizer state (unless --weights-only) and the epochs it has now had.
int save_trained_model(const TrainOptions& opt, const Trainer& trainer, ModelFile& file) {
  file.has_optimizer = !opt.weights_only;
  file.optimizer_kind = opt.config.optimizer.kind;
  file.optimizer = trainer.optimizer;
  file.epochs_trained = uint32_t(trainer.epoch);
  file.noise = opt.config.noise;
  if (std::string e = save_model(opt.out_path, file); !e.empty()) return data_error(e);
  std::printf("saved %s (%d epoch%s)\n", opt.out_path.c_str(), trainer.epoch, trainer.epoch == 1 ? "" : "s");
  return 0;
}

} // namespace

int cmd_train(int argc, char** argv) {
  if (wants_help(argc, argv)) {
    std::fputs(kTrainHelp, stdout);
    return 0;
  }
  TrainOptions opt;
  if (int code = parse_train_options(argc, argv, &opt)) return code;
  // where the model goes is checked now, not after the epochs
  if (std::string e = check_replaceable(opt.out_path); !e.empty()) return data_error("--out " + e);
  Dataset train, test;
  if (int code = load_training_data(&opt, &train, &test)) return code;
  set_thread_count(opt.threads);
  if (thread_count() < opt.threads)
    std::fprintf(stderr, "aelab: --threads %d: this machine runs %d at once; training on %d\n", opt.threads,
                 thread_count_max(), thread_count());
  if (opt.kernel == "auto") gemm_select_fastest_kernel();
  if (opt.config.precision == Precision::bf16) { // which bf16 kernel, and whether it pays here
    bf16_time_products();
    if (std::string note = precision_note(Precision::bf16); !note.empty())
      std::fprintf(stderr, "aelab: --precision bf16 is %s; training with it as asked\n", note.c_str());
  }
  ModelFile file;
  Trainer trainer;
  if (opt.resume) {
    if (int code = resume_model(&opt, train, file, trainer)) return code;
  } else {
    start_new_model(opt, file, trainer);
  }
  LogFile log(nullptr, std::fclose); // after a resume: the file's kind decides the columns
  if (int code = open_epoch_log(opt, &log)) return code;

  print_run_summary(opt, train, test);
  std::signal(SIGINT, on_sigint);
  std::string log_error;
  const int code = run_epochs(opt, train, test, file, trainer, log.get(), &log_error);
  if (code != 0 && code != kDiverged) return code;
  if (int save_code = save_trained_model(opt, trainer, file)) return save_code;
  if (code == kDiverged) { // the last good weights are in the model again, and now in the file
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", double(opt.config.optimizer.learning_rate));
    return data_error(trainer.divergence + " and saved in " + opt.out_path +
                      "; try a lower --lr (this run had " + lr + ")");
  }
  if (log && std::fclose(log.release()) != 0 && log_error.empty())
    log_error = opt.log_path + ": cannot write (" + std::strerror(errno) + ")";
  if (!log_error.empty())
    return data_error(log_error + "; training stopped after epoch " + std::to_string(trainer.epoch) +
                      ", the model is saved in " + opt.out_path);
  return 0;
}

} // namespace aelab
