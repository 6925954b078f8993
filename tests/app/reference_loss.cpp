// The native side of the browser test: the reconstruction loss of one test digit under the model
// the page starts with (the shipped model, or the run's seeded random weights when there is
// none), computed by the core directly. Prints one JSON object for tests/web/e2e.cjs.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/dataset.h"
#include "core/model_file.h"
#include "core/train.h"
#include "lab/run.h"

using namespace aelab;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: aelab_reference MODEL_FILE MNIST_DIR TEST_INDEX\n");
    return 2;
  }
  Run run;
  run_init(run); // the page's weights when there is no shipped model
  Autoencoder model = run.model;
  std::vector<uint8_t> bytes;
  const bool shipped = read_file_bytes(argv[1], &bytes).empty();
  if (shipped) {
    ModelFile file;
    std::string error = model_from_bytes(bytes.data(), bytes.size(), argv[1], &file);
    if (!error.empty()) {
      std::fprintf(stderr, "aelab_reference: %s\n", error.c_str());
      return 1;
    }
    model = std::move(file.model);
  }
  Dataset test;
  std::string error = load_split(argv[2], false, 0, &test);
  if (!error.empty()) {
    std::fprintf(stderr, "aelab_reference: %s\n", error.c_str());
    return 1;
  }
  int index = std::atoi(argv[3]);
  if (index < 0 || index >= test.count) {
    std::fprintf(stderr, "aelab_reference: test index %d out of range 0-%d\n", index, test.count - 1);
    return 1;
  }
  float loss = 0;
  sample_losses(model, test, index, 1, LossKind::bce, &loss);
  std::printf("{\"shipped\":%s,\"index\":%d,\"loss\":%.9g,\"hidden\":%d,\"latent\":%d}\n",
              shipped ? "true" : "false", index, double(loss), model.shape.hidden_dim,
              model.shape.latent_dim);
  return 0;
}
