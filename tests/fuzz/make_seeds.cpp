// Writes the fuzz targets' generated seeds into DIR/<target>/: small valid inputs of every kind
// (IDX plain and gzip, model files with each optimizer state, wire commands and snapshots, argv
// words, scripts, strokes), from which libFuzzer mutates. The committed corpus (tests/fuzz/corpus)
// adds the inputs a run once found.
// usage: make_seeds DIR
#include <zlib.h>

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/image_io.h"
#include "core/model_file.h"
#include "lab/wire.h"

using namespace aelab;

namespace {

std::string g_dir;

void put(const std::string& target, const std::string& name, const std::vector<uint8_t>& bytes) {
  mkdir((g_dir + "/" + target).c_str(), 0755);
  const std::string path = g_dir + "/" + target + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "make_seeds: cannot write %s\n", path.c_str());
    std::exit(1);
  }
}
void put(const std::string& target, const std::string& name, const std::string& text) {
  put(target, name, std::vector<uint8_t>(text.begin(), text.end()));
}

std::vector<uint8_t> be32s(std::initializer_list<uint32_t> values) {
  std::vector<uint8_t> out;
  for (uint32_t v : values)
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
  return out;
}

std::vector<uint8_t> gzip(const std::vector<uint8_t>& raw) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<uint8_t> out(deflateBound(&zs, uLong(raw.size())));
  zs.next_in = const_cast<Bytef*>(raw.data());
  zs.avail_in = uInt(raw.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

ModelFile small_model(bool optimizer, OptimizerKind kind) {
  ModelFile f;
  f.model = make_autoencoder({4, 3, 2});
  init_glorot_uniform(f.model, 1);
  f.has_optimizer = optimizer;
  f.optimizer_kind = kind;
  f.epochs_trained = 3;
  if (optimizer) {
    f.optimizer.step = 7;
    f.optimizer.m = Vector::from_shape({f.model.params.size()});
    f.optimizer.m.fill(0.25f);
    if (kind == OptimizerKind::adam) {
      f.optimizer.v = Vector::from_shape({f.model.params.size()});
      f.optimizer.v.fill(0.5f);
    }
  }
  return f;
}

std::vector<uint8_t> floats_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: make_seeds DIR\n", stderr);
    return 2;
  }
  g_dir = argv[1];
  mkdir(g_dir.c_str(), 0755);

  std::vector<uint8_t> images = be32s({0x803, 3, 4, 5}), labels = be32s({0x801, 3});
  for (int i = 0; i < 60; i++) images.push_back(uint8_t(i * 4));
  for (int i = 0; i < 3; i++) labels.push_back(uint8_t(i));
  put("idx", "images", images);
  put("idx", "labels", labels);
  put("idx", "images.gz", gzip(images));
  put("idx", "labels.gz", gzip(labels));
  std::vector<uint8_t> two = gzip(labels), second = gzip(images);
  two.insert(two.end(), second.begin(), second.end());
  put("idx", "two-members.gz", two);

  put("model", "adam", model_to_bytes(small_model(true, OptimizerKind::adam)));
  put("model", "sgd", model_to_bytes(small_model(true, OptimizerKind::sgd)));
  put("model", "weights-only", model_to_bytes(small_model(false, OptimizerKind::adam)));
  {
    ModelFile half = small_model(false, OptimizerKind::adam);
    half.half = true;
    put("model", "float16", model_to_bytes(half));
  }
  {
    ModelFile noisy = small_model(false, OptimizerKind::adam);
    noisy.noise = {NoiseKind::mask, 0.3f};
    put("model", "noise", model_to_bytes(noisy));
  }

  { // the Keras layout (W1..b4) and the PyTorch one (N.weight out x in, N.bias) of a 4-3-2 model
    const ModelFile f = small_model(false, OptimizerKind::adam);
    std::vector<NpyArray> keras, torch;
    std::vector<std::vector<float>> transposed(4);
    for (int l = 0; l < 4; l++) {
      const DenseLayer& layer = f.model.layers[l];
      keras.push_back(
          {"W" + std::to_string(l + 1), {size_t(layer.in), size_t(layer.out)}, f.model.weight(l)});
      keras.push_back({"b" + std::to_string(l + 1), {size_t(layer.out)}, f.model.bias(l)});
      for (int c = 0; c < layer.out; c++)
        for (int r = 0; r < layer.in; r++)
          transposed[size_t(l)].push_back(f.model.weight(l)[r * layer.out + c]);
      torch.push_back({std::to_string(2 * l) + ".weight",
                       {size_t(layer.out), size_t(layer.in)},
                       transposed[size_t(l)].data()});
      torch.push_back({std::to_string(2 * l) + ".bias", {size_t(layer.out)}, f.model.bias(l)});
    }
    put("npz", "keras", encode_npz(keras));
    put("npz", "torch", encode_npz(torch));
  }

  Command c;
  for (Command::Kind kind :
       {Command::Kind::start, Command::Kind::pause, Command::Kind::step, Command::Kind::reset,
        Command::Kind::load, Command::Kind::set_config, Command::Kind::save, Command::Kind::rewind}) {
    c = Command{};
    c.kind = kind;
    c.seq = 5;
    c.steps = 12;
    c.shape = {784, 16, 2};
    c.seed = 9;
    if (kind == Command::Kind::load) c.bytes = model_to_bytes(small_model(true, OptimizerKind::adam));
    put("wire", "command-" + std::to_string(int(kind)), command_to_bytes(c));
  }
  Run run;
  run_init(run);
  put("wire", "snapshot", snapshot_to_bytes(run_snapshot(run, false)));
  put("wire", "snapshot-weights", snapshot_to_bytes(run_snapshot(run, true)));

  put("args", "train",
      std::string("--epochs\0"
                  "50\0--lr\0"
                  "0.01\0--weights-only",
                  36));
  put("args", "decode",
      std::string("--code\0"
                  "1,2.5,-3\0--indices\0"
                  "0,1,9999\0--out\0x.png",
                  43));

  put("script", "smoke",
      "wait 5\ncheck test-set\ndrag 0.30 0.20  0.55 0.18  0.62 0.30\n"
      "check drawn\ntouch done # comment\nwait-file done.png\ntrain 20\n"
      "check trained 20\nreset\nload-model m.aelab\nquit\n");

  std::vector<uint8_t> strokes = {0, 2};
  const int32_t counts[2] = {3, 1};
  strokes.insert(strokes.end(), reinterpret_cast<const uint8_t*>(counts),
                 reinterpret_cast<const uint8_t*>(counts + 2));
  const std::vector<uint8_t> xy = floats_bytes({5, 5, 14, 20, 23, 5, 14, 14});
  strokes.insert(strokes.end(), xy.begin(), xy.end());
  put("input", "strokes", strokes);
  std::vector<uint8_t> pixels = {1};
  const std::vector<uint8_t> p = floats_bytes(std::vector<float>(784, 0.5f));
  pixels.insert(pixels.end(), p.begin(), p.end());
  put("input", "pixels", pixels);
  return 0;
}
