// aelab: the native command line. `aelab train` reproduces the reference experiment; the other
// commands evaluate, draw, encode, decode, map and export a trained model, or benchmark the core.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cli/cli.h"
#include "core/fp_env.h"

namespace aelab {

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "aelab %s: %s (see aelab %s --help)\n", command.c_str(), message.c_str(),
               command.c_str());
  return 2;
}

int data_error(const std::string& message) {
  std::fprintf(stderr, "aelab: %s\n", message.c_str());
  return 1;
}

bool wants_help(int argc, char** argv) {
  for (int i = 2; i < argc; i++)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) return true;
  return false;
}

std::string default_data_dir() {
  const char* env = std::getenv("AELAB_DATA");
  return env && *env ? env : AELAB_DEFAULT_DATA;
}

std::string data_dir_named(const std::string& value) {
  if (value == "mnist") return default_data_dir();
  if (value == "fashion") return "/usr/share/datasets/fashion-mnist"; // Debian's dataset-fashion-mnist
  return value;
}

} // namespace aelab

static const char* kUsage =
    "usage: aelab <command> [options]   (aelab <command> --help for its options)\n"
    "\n"
    "  train        train the autoencoder on MNIST (the reference experiment by default)\n"
    "  eval         validation loss of a model, overall and per digit class\n"
    "  import       a model from Keras- or PyTorch-layout NumPy weights (.npz)\n"
    "  score        anomaly scores: each test image's loss, ROC AUCs of classes and other data\n"
    "  reconstruct  PNG figure: test digits above their reconstructions\n"
    "  encode       latent codes of the test set, with labels, as CSV\n"
    "  decode       PNG of what the decoder makes of a latent code\n"
    "  export       the weights as a NumPy .npz (Keras kernel layout)\n"
    "  sample       new pictures from random codes (a VAE's prior), as a PNG grid or .npy\n"
    "  convert      a model file with float16 (half the size) or float32 weights\n"
    "  figure       PNG figure of what the model learned: map, grid, interpolate, traverse, weights\n"
    "  map          every test digit's position on the latent map (PCA of the codes), as CSV\n"
    "  bench        training-step throughput and GEMM GFLOP/s at 1 and N threads\n";

int main(int argc, char** argv) {
  using namespace aelab;
  // subnormals as 0, in this thread and the pool's (fp_env.h); AELAB_NO_FTZ=1 leaves IEEE
  // subnormals on, as WebAssembly has them: how the bench checks that no pass makes any
  const char* no_ftz = std::getenv("AELAB_NO_FTZ");
  set_flush_denormals(!(no_ftz && *no_ftz && std::string(no_ftz) != "0"));
  if (argc < 2) {
    std::fputs("aelab: no command given (aelab --help lists them)\n", stderr);
    return 2;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string command = argv[1];
  if (command == "train") return cmd_train(argc, argv);
  if (command == "eval") return cmd_eval(argc, argv);
  if (command == "score") return cmd_score(argc, argv);
  if (command == "import") return cmd_import(argc, argv);
  if (command == "reconstruct") return cmd_reconstruct(argc, argv);
  if (command == "encode") return cmd_encode(argc, argv);
  if (command == "decode") return cmd_decode(argc, argv);
  if (command == "export") return cmd_export(argc, argv);
  if (command == "sample") return cmd_sample(argc, argv);
  if (command == "convert") return cmd_convert(argc, argv);
  if (command == "figure") return cmd_figure(argc, argv);
  if (command == "map") return cmd_map(argc, argv);
  if (command == "bench") return cmd_bench(argc, argv);
  std::fprintf(stderr, "aelab: unknown command '%s' (aelab --help lists them)\n", command.c_str());
  return 2;
}
