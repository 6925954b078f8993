// The Embedding Projector's files (projector.h).
#include "core/projector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace aelab {

namespace {

std::vector<uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

} // namespace

std::vector<NamedFile> projector_files(const Matrix& codes, const Dataset& data,
                                       const char* const* class_names) {
  const int n = data.count, latent = int(codes.shape()[1]);
  std::string vectors, metadata = "label\tclass\n";
  char value[32];
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < latent; j++) {
      std::snprintf(value, sizeof value, "%s%.6g", j ? "\t" : "", double(codes(size_t(i), size_t(j))));
      vectors += value;
    }
    vectors += "\n";
    const int label = data.labels[size_t(i)];
    metadata +=
        std::to_string(label) + "\t" + (label < 10 ? class_names[label] : std::to_string(label)) + "\n";
  }
  // the sprite: a square grid of the pictures, as the Projector wants (up to 8192 px a side)
  const int per_row = int(std::ceil(std::sqrt(double(n)))), side = data.rows;
  const int width = per_row * data.cols;
  std::vector<uint8_t> sprite(size_t(width) * size_t(per_row * side), 0);
  for (int i = 0; i < n; i++)
    for (int y = 0; y < data.rows; y++)
      std::copy_n(data.image(i) + size_t(y) * size_t(data.cols), data.cols,
                  sprite.begin() + ptrdiff_t((size_t(i / per_row) * side + size_t(y)) * size_t(width) +
                                             size_t(i % per_row) * size_t(data.cols)));
  char config[512];
  std::snprintf(config, sizeof config,
                "{\n  \"embeddings\": [{\n    \"tensorName\": \"aelab latent codes\",\n"
                "    \"tensorShape\": [%d, %d],\n    \"tensorPath\": \"vectors.tsv\",\n"
                "    \"metadataPath\": \"metadata.tsv\",\n"
                "    \"sprite\": {\"imagePath\": \"sprite.png\", \"singleImageDim\": [%d, %d]}\n  }]\n}\n",
                n, latent, data.cols, data.rows);
  return {{"vectors.tsv", bytes_of(vectors)},
          {"metadata.tsv", bytes_of(metadata)},
          {"sprite.png", encode_png_gray(sprite.data(), width, per_row * side)},
          {"projector_config.json", bytes_of(config)}};
}

} // namespace aelab
