// The commands that draw what a trained model has learned: `aelab figure` (the latent map, the
// decoder over its plane, interpolation, unit traversal, the first layer's weights) as RGB PNGs
// rendered by core/figures.h, and `aelab map` (the latent map's positions as CSV).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/cli.h"
#include "core/dataset.h"
#include "core/explore.h"
#include "core/figures.h"
#include "core/files.h"
#include "core/generate.h"
#include "core/model_file.h"

namespace aelab {

namespace {

const char* kFigureHelp =
    "usage: aelab figure KIND --model FILE --out fig.png [options]\n"
    "  an RGB PNG of what a model of 28x28 digits has learned; KIND is one of\n"
    "  map          every test digit's code on the plane of the codes' first two principal\n"
    "               components (the latent plane itself for a 2-unit code), coloured by label;\n"
    "               prints what the axes are                         [--thumbnails] [--data DIR]\n"
    "  grid         the decoder over an N x N grid of the map's plane  [--n 12 (2-40)] [--data DIR]\n"
    "  interpolate  decodings along the line from digit A's code to digit B's (top row) above the\n"
    "               cross-fade of their pixels   [--a 0] [--b 1] [--steps 10 (2-100)] [--data DIR]\n"
    "  traverse     digit A's code with one unit swept from its least to its largest value over\n"
    "               the test set; --unit all: a row per unit\n"
    "                             [--a 0] [--unit 0|all] [--steps 10 (7 with all)] [--data DIR]\n"
    "  weights      the first layer's weight vectors as images, red positive, blue negative (needs\n"
    "               no data; --data is accepted and unused); a conv model's 3x3 filters\n"
    "  features     a conv model's every layer for test digit I, a row per layer, a picture per\n"
    "               channel (the Feature maps tab)              [--index 0] [--data DIR]\n"
    "  generate     new pictures from random codes (a VAE's prior; the plain model's Gaussian fitted\n"
    "               to its test codes), as aelab sample draws them   [--n 36] [--seed 0] [--data DIR]\n"
    "  compare      two latent-2 models side by side (the AE vs VAE tab): each the decoder over a\n"
    "               grid with the test codes as dots on the same axes; a VAE's grid spans its\n"
    "               prior's 5%-95% quantiles            --other FILE [--n 10 (2-30)] [--data DIR]\n"
    "  reconstruct  the same as aelab reconstruct (a grayscale PNG; aelab reconstruct --help)\n"
    "  A and B are indices into the test set of --data DIR (default: the MNIST folder)\n";

const char* kMapHelp = "usage: aelab map --model FILE --out map.csv [--data DIR]\n"
                       "  writes index,label,x,y for every test image: its code's position on the\n"
                       "  latent map (the plane of aelab figure map), and prints what x and y are\n";

struct FigureCommand {
  Args args;
  ModelFile file;
  Dataset test; // empty when the figure needs only the model
};

// Parses argv[first..) and loads the model and, if asked, the test set; returns 0 or an exit
// code. The same checks and messages as the other model commands (cmd_tools.cpp).
int open_figure_command(const std::string& name, const std::string& out_file, int argc, char** argv,
                        int first, std::set<std::string> options, const std::set<std::string>& switches,
                        bool needs_test_set, FigureCommand* cmd) {
  options.insert({"model", "out"});
  if (needs_test_set) options.insert("data");
  cmd->args = parse_args(argc, argv, first, options, switches);
  if (cmd->args.error.empty() && !cmd->args.has("model")) cmd->args.error = "--model FILE is required";
  if (cmd->args.error.empty() && !cmd->args.has("out"))
    cmd->args.error = "--out " + out_file + " is required";
  if (!cmd->args.error.empty()) return usage_error(name, cmd->args.error);
  const std::string model_path = cmd->args.get("model", "");
  if (std::string e = load_model(model_path, &cmd->file); !e.empty()) return data_error(e);
  if (!needs_test_set) {
    if (cmd->file.model.shape.input_dim != 28 * 28)
      return data_error(model_path + ": the model makes " + std::to_string(cmd->file.model.shape.input_dim) +
                        "-pixel images, " + name + " draws 28x28 (784) only");
    return 0;
  }
  const std::string dir = data_dir_named(cmd->args.get("data", default_data_dir()));
  if (std::string e = load_split(dir, false, 0, &cmd->test); !e.empty()) return data_error(e);
  if (cmd->test.pixels() != cmd->file.model.shape.input_dim)
    return data_error(dir + ": images have " + std::to_string(cmd->test.pixels()) +
                      " pixels, the model expects " + std::to_string(cmd->file.model.shape.input_dim));
  return 0;
}

// Refuses images other than 28x28, which every figure's layout assumes (as reconstruct does).
int require_28x28(const std::string& name, const FigureCommand& c) {
  if (c.test.rows == 28 && c.test.cols == 28) return 0;
  return data_error(data_dir_named(c.args.get("data", default_data_dir())) + ": images are " +
                    std::to_string(c.test.rows) + "x" + std::to_string(c.test.cols) + ", " + name +
                    " draws 28x28 images only");
}

// "x: PC1 (23.4% of variance), y: PC2 (11.2% of variance)", or "x: z[0], y: z[1]".
std::string axes_line(const LatentPlane& plane) {
  if (!plane.pca) return "x: z[0], y: z[1]";
  char line[160];
  const Pca& f = plane.fit;
  if (f.count() < 2) {
    std::snprintf(line, sizeof line, "x: PC1 (%.1f%% of variance), y: 0 (a 1-unit code has no PC2)",
                  100 * f.explained(0));
  } else {
    std::snprintf(line, sizeof line, "x: PC1 (%.1f%% of variance), y: PC2 (%.1f%% of variance)",
                  100 * f.explained(0), 100 * f.explained(1));
  }
  return line;
}

int write_figure(const std::string& out, const RgbImage& image, const std::string& what) {
  if (std::string e = write_png_rgb(out, image); !e.empty()) return data_error(e);
  std::printf("wrote %s (%dx%d): %s\n", out.c_str(), image.width, image.height, what.c_str());
  return 0;
}

// Rows of 28x28 images as tiles, `columns` a row, twice their size, 1 pixel apart.
RgbImage tiles(const Matrix& images, int columns, bool signed_colors = false) {
  return render_tiles(images.data(), int(images.shape(0)), columns, 28, 28, 2, 1, signed_colors);
}

// Test image `index` as a (1, pixels) row of floats.
Matrix test_image(const Dataset& data, int index) {
  Matrix x({1, size_t(data.pixels())});
  images_to_float(data, index, 1, x.data());
  return x;
}

int figure_map(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {}, {"thumbnails"}, true, &c)) return rc;
  if (int rc = require_28x28(name, c)) return rc;
  const LatentMap map = latent_map(c.file.model, c.test);
  const bool thumbnails = c.args.has("thumbnails");
  const RgbImage image = render_map_figure(map, 512, &c.test, thumbnails ? 300 : 0);
  const std::string what = "the latent map of " + std::to_string(map.count()) + " test digits" +
                           (thumbnails ? ", 300 of them drawn" : "");
  if (int rc = write_figure(c.args.get("out", ""), image, what)) return rc;
  std::printf("%s\n", axes_line(map.plane).c_str());
  return 0;
}

int figure_grid(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {"n"}, {}, true, &c)) return rc;
  const int n = c.args.get_int("n", 12, 2, 40);
  if (!c.args.error.empty()) return usage_error(name, c.args.error);
  if (int rc = require_28x28(name, c)) return rc;
  const LatentMap map = latent_map(c.file.model, c.test);
  const Matrix decoded = decode_grid(c.file.model, map.plane, n);
  const std::string what = "the decoder over a " + std::to_string(n) + "x" + std::to_string(n) +
                           " grid of the latent map (" + axes_line(map.plane) + ")";
  return write_figure(c.args.get("out", ""), tiles(decoded, n), what);
}

int figure_interpolate(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {"a", "b", "steps"}, {}, true, &c))
    return rc;
  const int a = c.args.get_int("a", 0, 0, c.test.count - 1);
  const int b = c.args.get_int("b", 1, 0, c.test.count - 1);
  const int steps = c.args.get_int("steps", 10, 2, 100);
  if (!c.args.error.empty()) return usage_error(name, c.args.error);
  if (int rc = require_28x28(name, c)) return rc;
  const Matrix xa = test_image(c.test, a), xb = test_image(c.test, b);
  const Matrix za = encode(c.file.model, xa), zb = encode(c.file.model, xb);
  const Matrix codes_line = interpolate_codes(c.file.model, za.data(), zb.data(), steps);
  const Matrix pixels_line = crossfade(xa.data(), xb.data(), c.test.pixels(), steps);
  Matrix both({size_t(2 * steps), size_t(c.test.pixels())}); // (2 * steps, pixels): the two rows
  std::copy(codes_line.begin(), codes_line.end(), both.begin());
  std::copy(pixels_line.begin(), pixels_line.end(), both.begin() + codes_line.size());
  const std::string what = "test digits " + std::to_string(a) + " to " + std::to_string(b) + " in " +
                           std::to_string(steps) + " steps, through the code (top) and the pixels";
  return write_figure(c.args.get("out", ""), tiles(both, steps), what);
}

int figure_traverse(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {"a", "unit", "steps"}, {}, true, &c))
    return rc;
  const int latent = c.file.model.shape.latent_dim;
  const bool all_units = c.args.get("unit", "") == "all";
  const int unit = all_units ? 0 : c.args.get_int("unit", 0, 0, latent - 1);
  if (!c.args.error.empty()) return usage_error(name, c.args.error + ", or all");
  const int a = c.args.get_int("a", 0, 0, c.test.count - 1);
  const int steps = c.args.get_int("steps", all_units ? 7 : 10, 2, 100);
  if (!c.args.error.empty()) return usage_error(name, c.args.error);
  if (int rc = require_28x28(name, c)) return rc;
  const LatentMap map = latent_map(c.file.model, c.test); // each unit's range over the test set
  const Matrix code = encode(c.file.model, test_image(c.test, a));
  const int first = all_units ? 0 : unit, last = all_units ? latent - 1 : unit;
  Matrix rows({size_t(last - first + 1) * size_t(steps), size_t(c.test.pixels())}); // a row per unit
  for (int u = first; u <= last; u++) {
    const std::vector<float> values =
        sweep(map.plane.unit_low[size_t(u)], map.plane.unit_high[size_t(u)], steps);
    const Matrix decoded = traverse_unit(c.file.model, code.data(), u, values);
    std::copy(decoded.begin(), decoded.end(), rows.begin() + size_t(u - first) * decoded.size());
  }
  char swept[96];
  if (all_units)
    std::snprintf(swept, sizeof swept, "each of its %d units (a row each) over its range", latent);
  else
    std::snprintf(swept, sizeof swept, "unit %d from %.4g to %.4g", unit, map.plane.unit_low[size_t(unit)],
                  map.plane.unit_high[size_t(unit)]);
  const std::string what =
      "test digit " + std::to_string(a) + "'s code with " + swept + ", " + std::to_string(steps) + " steps";
  return write_figure(c.args.get("out", ""), tiles(rows, steps), what);
}

int figure_weights(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  // --data is taken, as by every figure, so one command line fits all kinds; the model is enough
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {"data"}, {}, false, &c)) return rc;
  const Matrix weights = first_layer_weights(c.file.model); // (hidden, 784); a conv model's (f1, 9)
  if (is_conv(c.file.model.shape))
    return write_figure(c.args.get("out", ""),
                        render_tiles(weights.data(), int(weights.shape(0)), 8, 3, 3, 16, 2, true),
                        "the first layer's " + std::to_string(weights.shape(0)) +
                            " 3x3 filters, each scaled to its largest magnitude (red +, blue -)");
  const std::string what = "the first layer's " + std::to_string(weights.shape(0)) +
                           " weight vectors, each scaled to its largest magnitude (red +, blue -)";
  return write_figure(c.args.get("out", ""), tiles(weights, 16, true), what);
}

int figure_features(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {"index"}, {}, true, &c)) return rc;
  const int index = c.args.get_int("index", 0, 0, c.test.count - 1);
  if (!c.args.error.empty()) return usage_error(name, c.args.error);
  if (int rc = require_28x28(name, c)) return rc;
  const Autoencoder& m = c.file.model;
  if (!is_conv(m.shape))
    return usage_error(name, "--model: a dense " + std::string(model_kind_name(m.shape.kind)) +
                                 " model has no feature maps (train one with --kind conv)");
  std::string rows = "input 28x28x1";
  for (int s = 0; s < kConvStages; s++)
    rows += std::string(", ") + conv_stage_name(s) + " " + std::to_string(m.stages[s].out.h) + "x" +
            std::to_string(m.stages[s].out.w) + "x" + std::to_string(m.stages[s].out.c);
  return write_figure(c.args.get("out", ""), render_feature_maps(m, test_image(c.test, index).data()),
                      "test digit " + std::to_string(index) + "'s feature maps, a row per layer (" + rows +
                          "), each scaled to its layer's largest value");
}

int figure_generate(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {"n", "seed"}, {}, true, &c)) return rc;
  const int n = c.args.get_int("n", 36, 1, 1000);
  const uint64_t seed = uint64_t(c.args.get_int("seed", 0, 0, 2147483647));
  if (!c.args.error.empty()) return usage_error(name, c.args.error);
  if (int rc = require_28x28(name, c)) return rc;
  const Autoencoder& m = c.file.model;
  const Matrix codes = m.shape.kind == ModelKind::vae ? Matrix() : encode_dataset(m, c.test, 0, c.test.count);
  const Matrix images = decode(m, sample_codes(sampling_gaussian(m, codes), n, seed));
  const int columns = std::max(1, int(std::lround(std::sqrt(double(n)))));
  return write_figure(
      c.args.get("out", ""), tiles(images, columns),
      std::to_string(n) + " samples, codes from " +
          (m.shape.kind == ModelKind::vae ? "the prior N(0, I)" : "a Gaussian fitted to the test codes"));
}

int figure_compare(const std::string& name, int argc, char** argv) {
  FigureCommand c;
  if (int rc = open_figure_command(name, "FILE.png", argc, argv, 3, {"other", "n"}, {}, true, &c)) return rc;
  const int n = c.args.get_int("n", 10, 2, 30);
  if (c.args.error.empty() && !c.args.has("other"))
    c.args.error = "--other FILE (the second model) is required";
  if (!c.args.error.empty()) return usage_error(name, c.args.error);
  if (int rc = require_28x28(name, c)) return rc;
  ModelFile other;
  const std::string other_path = c.args.get("other", "");
  if (std::string e = load_model(other_path, &other); !e.empty()) return data_error(e);
  const std::string paths[2] = {c.args.get("model", ""), other_path};
  const Autoencoder* models[2] = {&c.file.model, &other.model};
  RgbImage sides[2];
  for (int i = 0; i < 2; i++) {
    if (models[i]->shape.latent_dim != 2 || models[i]->shape.input_dim != 784)
      return data_error(paths[i] + ": a " + std::to_string(models[i]->shape.latent_dim) +
                        "-unit code; compare draws models with a 2-unit code (train --latent 2)");
    const Matrix codes = encode_dataset(*models[i], c.test, 0, c.test.count);
    const CompareAxes axes = compare_axes(*models[i], codes, c.test.labels.data(), n);
    sides[i] = render_compare(*models[i], codes, c.test.labels.data(), axes, 2000);
    std::printf("%s (%s): %s\n", paths[i].c_str(),
                models[i]->shape.kind == ModelKind::vae ? "VAE" : "autoencoder",
                axes.quantiles ? "the prior's 5%-95% quantiles on both axes"
                               : ("z[0] from " + std::to_string(axes.x0) + " to " + std::to_string(axes.x1) +
                                  ", z[1] from " + std::to_string(axes.y0) + " to " + std::to_string(axes.y1))
                                     .c_str());
  }
  RgbImage out;
  const int gap = 8;
  out.width = 2 * sides[0].width + gap, out.height = sides[0].height;
  out.rgb.assign(size_t(out.width) * size_t(out.height) * 3, 0);
  for (int i = 0; i < 2; i++)
    for (int y = 0; y < out.height; y++)
      std::copy_n(&sides[i].rgb[size_t(y) * size_t(sides[i].width) * 3], sides[i].width * 3,
                  &out.rgb[(size_t(y) * size_t(out.width) + size_t(i * (sides[0].width + gap))) * 3]);
  return write_figure(c.args.get("out", ""), out, "the two models' codes over their decoders' grids");
}

} // namespace

int cmd_figure(int argc, char** argv) {
  const std::string kind = argc > 2 ? argv[2] : "";
  // the existing command itself, given argv as if "figure" were not there
  if (kind == "reconstruct") return cmd_reconstruct(argc - 1, argv + 1);
  if (wants_help(argc, argv)) {
    std::fputs(kFigureHelp, stdout);
    return 0;
  }
  const char* kinds = "map, grid, interpolate, traverse, weights, features, generate, compare or reconstruct";
  if (kind.empty() || kind.rfind("--", 0) == 0)
    return usage_error("figure", std::string("which figure? expected ") + kinds + " first");
  const std::string name = "figure " + kind;
  if (kind == "map") return figure_map(name, argc, argv);
  if (kind == "grid") return figure_grid(name, argc, argv);
  if (kind == "interpolate") return figure_interpolate(name, argc, argv);
  if (kind == "traverse") return figure_traverse(name, argc, argv);
  if (kind == "weights") return figure_weights(name, argc, argv);
  if (kind == "features") return figure_features(name, argc, argv);
  if (kind == "generate") return figure_generate(name, argc, argv);
  if (kind == "compare") return figure_compare(name, argc, argv);
  return usage_error("figure", "unknown figure '" + kind + "': expected " + kinds);
}

int cmd_map(int argc, char** argv) {
  if (wants_help(argc, argv)) {
    std::fputs(kMapHelp, stdout);
    return 0;
  }
  FigureCommand c;
  if (int rc = open_figure_command("map", "FILE.csv", argc, argv, 2, {}, {}, true, &c)) return rc;
  const LatentMap map = latent_map(c.file.model, c.test);
  std::string csv = "index,label,x,y\n";
  char line[96];
  for (int i = 0; i < map.count(); i++) {
    std::snprintf(line, sizeof line, "%d,%d,%.6g,%.6g\n", i, map.labels[size_t(i)], map.xy[size_t(2) * i],
                  map.xy[size_t(2) * i + 1]);
    csv += line;
  }
  const std::string out = c.args.get("out", "");
  if (std::string e = write_file_bytes(out, csv); !e.empty()) return data_error(e);
  std::printf("wrote %s (%d positions)\n%s\n", out.c_str(), map.count(), axes_line(map.plane).c_str());
  return 0;
}

} // namespace aelab
