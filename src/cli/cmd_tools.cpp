// The commands that use a trained model: eval, reconstruct, encode, decode, export.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <set>

#include "cli/args.h"
#include "cli/cli.h"
#include "core/anomaly.h"
#include "core/dataset.h"
#include "core/explore.h"
#include "core/figures.h"
#include "core/files.h"
#include "core/generate.h"
#include "core/image_io.h"
#include "core/model_file.h"
#include "core/npz.h"
#include "core/pixels.h"
#include "core/projector.h"
#include "core/train.h"

namespace aelab {

namespace {

// Parses the options common to the model commands; returns 0 or an exit code.
struct ModelCommand {
  Args args;
  ModelFile file;
  Dataset test;
};

// --data's test split (default MNIST's), which must have the model's pixel count.
int load_test_set(ModelCommand* cmd) {
  const std::string dir = data_dir_named(cmd->args.get("data", default_data_dir()));
  if (std::string e = load_split(dir, false, 0, &cmd->test); !e.empty()) return data_error(e);
  if (cmd->test.pixels() != cmd->file.model.shape.input_dim)
    return data_error(dir + ": images have " + std::to_string(cmd->test.pixels()) +
                      " pixels, the model expects " + std::to_string(cmd->file.model.shape.input_dim));
  return 0;
}

int open_model_command(const char* name, const char* help, int argc, char** argv,
                       std::set<std::string> options, bool needs_test_set, ModelCommand* cmd,
                       std::set<std::string> flags = {}) {
  if (wants_help(argc, argv)) {
    std::fputs(help, stdout);
    return -1;
  }
  options.insert("model");
  if (needs_test_set) options.insert("data");
  cmd->args = parse_args(argc, argv, 2, options, flags);
  if (cmd->args.error.empty() && !cmd->args.has("model")) cmd->args.error = "--model FILE is required";
  if (!cmd->args.error.empty()) return usage_error(name, cmd->args.error);
  if (std::string e = load_model(cmd->args.get("model", ""), &cmd->file); !e.empty()) return data_error(e);
  return needs_test_set ? load_test_set(cmd) : 0;
}

const char* loss_name_lower(LossKind loss) { return loss == LossKind::bce ? "bce" : "mse"; }

// --loss bce|mse (default bce) of a model command into *out; 0, or the exit code after the message.
int loss_option(const ModelCommand& c, const char* name, LossKind* out) {
  const std::string loss = c.args.get("loss", "bce");
  if (loss != "bce" && loss != "mse") return usage_error(name, "--loss " + loss + ": expected bce or mse");
  *out = loss == "bce" ? LossKind::bce : LossKind::mse;
  return 0;
}

Matrix test_images(const Dataset& data, const std::vector<int>& indices) {
  Matrix x({indices.size(), size_t(data.pixels())});
  images_to_float(data, indices.data(), int(indices.size()), x.data());
  return x;
}

} // namespace

int cmd_eval(int argc, char** argv) {
  ModelCommand c;
  const char* help =
      "usage: aelab eval --model FILE [--data DIR] [--loss bce|mse] [--noise KIND:AMOUNT] [--seed N] "
      "[--json]\n"
      "  prints the mean reconstruction loss over the test set, and per digit class; a VAE's loss\n"
      "  is per image: the reconstruction of decoding mu, summed over the pixels, plus the KL term\n"
      "  --json              one JSON object: kind, loss, bce_per_pixel (mse_per_pixel), code_mean\n"
      "                      (the code's mean activation; a VAE's mu), and a VAE's recon and kl\n"
      "  --noise none|gaussian:SIGMA|mask:P|saltpepper:P  corrupt the inputs (drawn from --seed,\n"
      "                      default 0); the loss is against the clean pictures: how well it denoises\n";
  if (int rc = open_model_command("eval", help, argc, argv, {"loss", "noise", "seed"}, true, &c, {"json"}))
    return rc < 0 ? 0 : rc;
  LossKind loss;
  if (int rc = loss_option(c, "eval", &loss)) return rc;
  Noise noise;
  if (std::string e = parse_noise(c.args.get("noise", "none"), &noise); !e.empty())
    return usage_error("eval", "--" + e);
  const uint64_t seed = uint64_t(c.args.get_int("seed", 0, 0, 2147483647));
  if (!c.args.error.empty()) return usage_error("eval", c.args.error);
  const Evaluation e = evaluate_noisy(c.file.model, c.test, loss, noise, seed);
  const bool vae = c.file.model.shape.kind == ModelKind::vae;
  const double per_pixel = vae ? e.recon / c.file.model.shape.input_dim : e.mean_loss;
  const Matrix codes = encode_dataset(c.file.model, c.test, 0, c.test.count); // a VAE's: mu
  const double code_mean =
      codes.size() ? std::accumulate(codes.begin(), codes.end(), 0.0) / double(codes.size()) : 0.0;
  if (c.args.has("json")) {
    std::printf("{\"kind\":\"%s\",\"loss\":%.6f,", model_kind_name(c.file.model.shape.kind), e.mean_loss);
    if (vae) std::printf("\"recon\":%.6f,\"kl\":%.6f,", e.recon, e.kl);
    std::printf("\"%s_per_pixel\":%.8f,\"code_mean\":%.6f,\"images\":%d,\"epochs\":%u}\n",
                loss_name_lower(loss), per_pixel, code_mean, c.test.count, c.file.epochs_trained);
    return 0;
  }
  std::printf("val_loss %.6f (%s, %d test images%s%s, model trained %u epochs%s%s)\n", e.mean_loss,
              loss_name_lower(loss), c.test.count,
              noise.kind == NoiseKind::none ? "" : ", inputs with noise ",
              noise.kind == NoiseKind::none ? "" : noise_text(noise).c_str(), c.file.epochs_trained,
              c.file.noise.kind == NoiseKind::none ? "" : " with noise ",
              c.file.noise.kind == NoiseKind::none ? "" : noise_text(c.file.noise).c_str());
  if (vae)
    std::printf("VAE: reconstruction %.4f + KL %.4f per image (decoding mu; %s per pixel %.6f)\n", e.recon,
                e.kl, loss_name_lower(loss), per_pixel);
  for (int d = 0; d < 10; d++)
    if (e.class_count[d])
      std::printf("  digit %d  %.6f  (%d images)\n", d, e.class_loss[d], e.class_count[d]);
  std::printf("code: mean activation %.4f over the test set%s\n", code_mean, vae ? " (mu)" : "");
  return 0;
}

int cmd_score(int argc, char** argv) {
  ModelCommand c;
  const char* help =
      "usage: aelab score --model FILE --out scores.csv [--data DIR] [--other DIR] [--loss bce|mse]\n"
      "  anomaly scores: writes index,label,loss for every test image (its reconstruction loss),\n"
      "  prints each class's ROC AUC against the other classes and, with --other, the AUC of\n"
      "  DIR's test set (e.g. Fashion-MNIST) against this one: 1 = a threshold on the loss\n"
      "  separates them perfectly, 0.5 = chance\n";
  if (int rc = open_model_command("score", help, argc, argv, {"out", "other", "loss"}, true, &c))
    return rc < 0 ? 0 : rc;
  if (!c.args.has("out")) return usage_error("score", "--out FILE.csv is required");
  LossKind loss;
  if (int rc = loss_option(c, "score", &loss)) return rc;
  Dataset other;
  const std::string other_dir = data_dir_named(c.args.get("other", ""));
  if (c.args.has("other")) {
    if (std::string e = load_split(other_dir, false, 0, &other); !e.empty()) return data_error(e);
    if (other.pixels() != c.test.pixels())
      return data_error(other_dir + ": images have " + std::to_string(other.pixels()) +
                        " pixels, the model expects " + std::to_string(c.test.pixels()));
  }
  std::vector<float> losses(size_t(c.test.count));
  sample_losses(c.file.model, c.test, 0, c.test.count, loss, losses.data());
  std::string csv = "index,label,loss\n";
  char line[64];
  double sum = 0;
  for (int i = 0; i < c.test.count; i++) {
    std::snprintf(line, sizeof line, "%d,%d,%.6f\n", i, int(c.test.labels[size_t(i)]),
                  double(losses[size_t(i)]));
    csv += line;
    sum += losses[size_t(i)];
  }
  const std::string out = c.args.get("out", "");
  if (std::string e = write_file_bytes(out, csv); !e.empty()) return data_error(e);
  std::printf("wrote %s: %d test images, mean loss %.6f (%s)\n", out.c_str(), c.test.count,
              c.test.count ? sum / c.test.count : 0.0, loss_name_lower(loss));
  for (int cls = 0; cls < 10; cls++) { // each class as the anomaly among the others
    std::vector<float> in, out_of;
    for (int i = 0; i < c.test.count; i++)
      (c.test.labels[size_t(i)] == cls ? in : out_of).push_back(losses[size_t(i)]);
    if (!in.empty() && !out_of.empty())
      std::printf("  class %d against the others: AUC %.4f (%zu images)\n", cls, roc_auc(in, out_of),
                  in.size());
  }
  if (c.args.has("other")) {
    std::vector<float> other_losses(size_t(other.count));
    sample_losses(c.file.model, other, 0, other.count, loss, other_losses.data());
    double other_sum = 0;
    for (float v : other_losses) other_sum += v;
    std::printf("%s: %d test images, mean loss %.6f; AUC against this test set %.4f\n", other_dir.c_str(),
                other.count, other.count ? other_sum / other.count : 0.0, roc_auc(other_losses, losses));
  }
  return 0;
}

int cmd_import(int argc, char** argv) {
  const char* help =
      "usage: aelab import --npz WEIGHTS.npz --out model.aelab\n"
      "  a model from NumPy arrays (np.savez or np.savez_compressed): the Keras layout that\n"
      "  aelab export writes (W1 784xH, b1, ..., W4 Hx784, b4), or a PyTorch state_dict saved\n"
      "  through NumPy (four Linear layers: NAME.weight out x in, NAME.bias); any hidden and\n"
      "  latent size. The model has no optimizer state and counts 0 epochs\n";
  if (wants_help(argc, argv)) {
    std::fputs(help, stdout);
    return 0;
  }
  Args args = parse_args(argc, argv, 2, {"npz", "out"}, {});
  if (args.error.empty() && !args.has("npz")) args.error = "--npz FILE is required";
  if (args.error.empty() && !args.has("out")) args.error = "--out FILE is required";
  if (!args.error.empty()) return usage_error("import", args.error);
  const std::string in = args.get("npz", ""), out = args.get("out", "");
  if (std::string e = check_replaceable(out); !e.empty()) return data_error("--out " + e);
  std::vector<uint8_t> bytes;
  if (std::string e = read_file_bytes(in, &bytes); !e.empty()) return data_error(e);
  ModelFile file;
  if (std::string e = import_npz(bytes.data(), bytes.size(), in, &file); !e.empty()) return data_error(e);
  if (std::string e = save_model(out, file); !e.empty()) return data_error(e);
  const ModelShape& s = file.model.shape;
  std::printf("wrote %s: %s from %s\n", out.c_str(), model_shape_text(s).c_str(), in.c_str());
  return 0;
}

int cmd_reconstruct(int argc, char** argv) {
  ModelCommand c;
  const char* help =
      "usage: aelab reconstruct --model FILE --out fig.png [--indices 0,1,...] [--data DIR] [--scale N]\n"
      "  draws test digits (default: the first ten) above their reconstructions\n";
  if (int rc = open_model_command("reconstruct", help, argc, argv, {"out", "indices", "scale"}, true, &c))
    return rc < 0 ? 0 : rc;
  if (!c.args.has("out")) return usage_error("reconstruct", "--out FILE.png is required");
  std::vector<int> indices(10);
  std::iota(indices.begin(), indices.end(), 0);
  if (c.args.has("indices")) indices = c.args.get_ints("indices", 0, c.test.count - 1);
  const int scale = c.args.get_int("scale", 3, 1, 16);
  if (!c.args.error.empty()) return usage_error("reconstruct", c.args.error);
  if (indices.empty() || indices.size() > 100)
    return usage_error("reconstruct", "--indices: expected 1 to 100 indices");
  if (c.test.rows != 28 || c.test.cols != 28) // the figure's layout is 28x28 per digit
    return data_error(data_dir_named(c.args.get("data", default_data_dir())) + ": images are " +
                      std::to_string(c.test.rows) + "x" + std::to_string(c.test.cols) +
                      ", reconstruct draws 28x28 images only");
  const Matrix x = test_images(c.test, indices);
  const Matrix y = reconstruct(c.file.model, x);
  int width = 0, height = 0;
  auto pixels = compose_figure(x.data(), y.data(), int(indices.size()), scale, 2 * scale, &width, &height);
  const std::string out = c.args.get("out", "");
  if (std::string e = write_png_gray(out, pixels.data(), width, height); !e.empty()) return data_error(e);
  std::printf("wrote %s (%dx%d): test images", out.c_str(), width, height);
  for (int i : indices) std::printf(" %d", i);
  std::printf(" above their reconstructions\n");
  return 0;
}

// The TensorBoard Embedding Projector's files for the test set's codes (core/projector.h), in
// `dir` (created if missing).
std::string write_projector(const std::string& dir, const Matrix& codes, const Dataset& test,
                            const char* const* class_names) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return dir + ": cannot create the folder (" + std::strerror(errno) + ")";
  for (const NamedFile& f : projector_files(codes, test, class_names))
    if (std::string e = write_file_bytes(join_path(dir, f.name), f.bytes.data(), f.bytes.size()); !e.empty())
      return e;
  return "";
}

int cmd_encode(int argc, char** argv) {
  ModelCommand c;
  const char* help =
      "usage: aelab encode --model FILE --out codes.csv [--data DIR]\n"
      "       aelab encode --model FILE --format projector --out DIR [--data DIR] [--classes mnist|fashion]\n"
      "  writes label,z0,...,z<latent-1> for every test image; with --format projector, the\n"
      "  TensorBoard Embedding Projector's files in DIR: vectors.tsv, metadata.tsv (label and\n"
      "  class name), sprite.png and projector_config.json (open it with the Projector's Load)\n";
  if (int rc = open_model_command("encode", help, argc, argv, {"out", "format", "classes"}, true, &c))
    return rc < 0 ? 0 : rc;
  if (!c.args.has("out"))
    return usage_error("encode", "--out FILE.csv (or DIR with --format projector) is required");
  const std::string format = c.args.get("format", "csv"),
                    classes =
                        c.args.get("classes", c.args.get("data", "") == "fashion" ? "fashion" : "mnist");
  if (format != "csv" && format != "projector")
    return usage_error("encode", "--format " + format + ": expected csv or projector");
  if (classes != "mnist" && classes != "fashion")
    return usage_error("encode", "--classes " + classes + ": expected mnist or fashion");
  std::vector<int> all(size_t(c.test.count));
  std::iota(all.begin(), all.end(), 0);
  const Matrix codes = encode(c.file.model, test_images(c.test, all));
  const std::string out = c.args.get("out", "");
  const int latent = c.file.model.shape.latent_dim;
  if (format == "projector") {
    if (std::string e =
            write_projector(out, codes, c.test, classes == "fashion" ? kFashionClassNames : kDigitClassNames);
        !e.empty())
      return data_error(e);
    std::printf(
        "wrote %s/: vectors.tsv (%d codes of %d values), metadata.tsv, sprite.png, projector_config.json\n",
        out.c_str(), c.test.count, latent);
    return 0;
  }
  std::string csv = "label";
  for (int j = 0; j < latent; j++) csv += ",z" + std::to_string(j);
  csv += "\n";
  char value[32];
  for (int i = 0; i < c.test.count; i++) {
    csv += std::to_string(c.test.labels[size_t(i)]);
    for (int j = 0; j < latent; j++) {
      std::snprintf(value, sizeof value, ",%.6g", codes(size_t(i), size_t(j)));
      csv += value;
    }
    csv += "\n";
  }
  if (std::string e = write_file_bytes(out, csv); !e.empty()) return data_error(e);
  std::printf("wrote %s (%d codes of %d values)\n", out.c_str(), c.test.count, latent);
  return 0;
}

int cmd_decode(int argc, char** argv) {
  ModelCommand c;
  const char* help = "usage: aelab decode --model FILE --code \"v1,...,v32\" --out digit.png [--scale N]\n"
                     "  draws what the decoder alone makes of a latent code (get codes from aelab encode)\n";
  if (int rc = open_model_command("decode", help, argc, argv, {"code", "out", "scale"}, false, &c))
    return rc < 0 ? 0 : rc;
  const int latent = c.file.model.shape.latent_dim;
  std::vector<float> code = c.args.get_floats("code");
  const int scale = c.args.get_int("scale", 8, 1, 32);
  if (!c.args.error.empty()) return usage_error("decode", c.args.error);
  if (!c.args.has("out")) return usage_error("decode", "--out FILE.png is required");
  if (int(code.size()) != latent)
    return usage_error("decode", "--code has " + std::to_string(code.size()) +
                                     " values, the model's code has " + std::to_string(latent));
  const int side = 28;
  if (c.file.model.shape.input_dim != side * side)
    return data_error(c.args.get("model", "") + ": the model makes " +
                      std::to_string(c.file.model.shape.input_dim) +
                      "-pixel images, decode draws 28x28 (784) only");
  Matrix z({1, size_t(latent)});
  std::copy(code.begin(), code.end(), z.data());
  const Matrix y = decode(c.file.model, z);
  std::vector<uint8_t> pixels(size_t(side * scale) * size_t(side * scale));
  for (int r = 0; r < side * scale; r++)
    for (int col = 0; col < side * scale; col++)
      pixels[size_t(r) * size_t(side * scale) + size_t(col)] =
          unit_to_pixel(y(0, size_t((r / scale) * side + col / scale)));
  const std::string out = c.args.get("out", "");
  if (std::string e = write_png_gray(out, pixels.data(), side * scale, side * scale); !e.empty())
    return data_error(e);
  std::printf("wrote %s\n", out.c_str());
  return 0;
}

// New pictures from random codes (generate.h): a VAE's from its prior; the plain model's from a
// Gaussian fitted to its test codes (so it needs the test set).
int cmd_sample(int argc, char** argv) {
  ModelCommand c;
  const char* help =
      "usage: aelab sample --model FILE --n N --out FILE [--seed S] [--data DIR] [--columns C]\n"
      "  decodes N random codes: a VAE's from its prior N(0, I), the plain autoencoder's from a\n"
      "  Gaussian fitted to its codes of the test set (DIR's, default MNIST's)\n"
      "  --out grid.png      a grid of the N pictures (--columns, default 10), 2x larger\n"
      "  --out samples.npy   an (N, 784) float32 array of the decoded pixels in [0, 1]\n";
  if (int rc =
          open_model_command("sample", help, argc, argv, {"n", "out", "seed", "data", "columns"}, false, &c))
    return rc < 0 ? 0 : rc;
  const bool vae = c.file.model.shape.kind == ModelKind::vae;
  if (!vae)
    if (int rc = load_test_set(&c)) return rc;
  const int n = c.args.get_int("n", 0, 1, 100000);
  const uint64_t seed = uint64_t(c.args.get_int("seed", 0, 0, 2147483647));
  const int columns = c.args.get_int("columns", 10, 1, 1000);
  if (c.args.error.empty() && !c.args.has("n")) c.args.error = "--n N is required";
  if (c.args.error.empty() && !c.args.has("out")) c.args.error = "--out FILE.png or FILE.npy is required";
  if (!c.args.error.empty()) return usage_error("sample", c.args.error);
  const Autoencoder& m = c.file.model;
  const Matrix codes = vae ? Matrix() : encode_dataset(m, c.test, 0, c.test.count);
  const Matrix images = decode(m, sample_codes(sampling_gaussian(m, codes), n, seed));
  const std::string out = c.args.get("out", "");
  const bool npy = out.size() > 4 && out.compare(out.size() - 4, 4, ".npy") == 0;
  std::string e;
  if (npy) {
    const std::vector<uint8_t> bytes =
        encode_npy({"samples", {size_t(n), size_t(m.shape.input_dim)}, images.data()});
    e = write_file_bytes(out, bytes.data(), bytes.size());
  } else {
    const int side = int(std::lround(std::sqrt(double(m.shape.input_dim))));
    if (side * side != m.shape.input_dim)
      return data_error(c.args.get("model", "") + ": its pictures are not square; write --out FILE.npy");
    e = write_png_rgb(out, render_tiles(images.data(), n, std::min(columns, n), side, side, 2, 2));
  }
  if (!e.empty()) return data_error(e);
  std::printf("wrote %s: %d samples of a %s, seed %llu, codes from %s\n", out.c_str(), n,
              vae ? "VAE" : "plain autoencoder", (unsigned long long)seed,
              vae ? "the prior N(0, I)" : "a Gaussian fitted to its test codes");
  return 0;
}

int cmd_export(int argc, char** argv) {
  ModelCommand c;
  const char* help =
      "usage: aelab export --model FILE --out weights.npz\n"
      "  the weights as float32 arrays W1 (784x128), b1, W2, b2, W3, b3, W4, b4 in Keras kernel\n"
      "  layout (y = x @ W + b): np.load('weights.npz')['W1']; a VAE's W2 is W2_mu and W2_log_var\n"
      "  (and b2_mu, b2_log_var)\n";
  if (int rc = open_model_command("export", help, argc, argv, {"out"}, false, &c)) return rc < 0 ? 0 : rc;
  if (!c.args.has("out")) return usage_error("export", "--out FILE.npz is required");
  const std::vector<NpzArray> named = model_to_npz(c.file.model);
  std::vector<NpyArray> arrays;
  for (const NpzArray& a : named) arrays.push_back({a.name, a.shape, a.data.data()});
  const std::string out = c.args.get("out", "");
  if (std::string e = write_npz(out, arrays); !e.empty()) return data_error(e);
  std::printf("wrote %s (%zu arrays)\n", out.c_str(), arrays.size());
  return 0;
}

} // namespace aelab

namespace aelab {

// A model file in the other precision: fp16 halves the weights' bytes (the page's first
// download), weights only; fp32 expands a float16 file back (its values exactly as loaded).
int cmd_convert(int argc, char** argv) {
  ModelCommand c;
  const char* help =
      "usage: aelab convert --model FILE --out FILE.aelab --precision fp16|fp32\n"
      "  the same model with its weights as float16 (half the size, weights only: the optimizer\n"
      "  state is dropped; rounded to nearest, ties to even) or as float32\n";
  if (int rc = open_model_command("convert", help, argc, argv, {"out", "precision"}, false, &c))
    return rc < 0 ? 0 : rc;
  if (!c.args.has("out")) return usage_error("convert", "--out FILE.aelab is required");
  const std::string precision = c.args.get("precision", "");
  if (precision != "fp16" && precision != "fp32")
    return usage_error("convert", "--precision '" + precision + "': expected fp16 or fp32");
  ModelFile file = c.file;
  file.half = precision == "fp16";
  if (file.half) {
    if (std::string e = check_half_range(file.model); !e.empty())
      return data_error(c.args.get("model", "") + ": " + e);
    file.has_optimizer = false;
    file.optimizer = OptimizerState{};
  }
  const std::string out = c.args.get("out", "");
  if (std::string e = save_model(out, file); !e.empty()) return data_error(e);
  std::printf("wrote %s (%s weights%s)\n", out.c_str(), precision.c_str(),
              c.file.has_optimizer && file.half ? ", without the optimizer state" : "");
  return 0;
}

} // namespace aelab
