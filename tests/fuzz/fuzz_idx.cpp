// Fuzz target: the IDX reader, plain and gzip, through the same stream reader files use (the
// header decides how much is read) and the image and label parsers.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "core/dataset.h"

using namespace aelab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (SizeFromHead limit : {idx_images_size_from_head, idx_labels_size_from_head}) {
    std::FILE* f = fmemopen(const_cast<uint8_t*>(data), size, "rb");
    if (!f) return 0;
    std::vector<uint8_t> bytes;
    const std::string error = read_stream_bytes(f, "input", &bytes, limit);
    std::fclose(f);
    if (!error.empty()) continue;
    Dataset images;
    std::vector<uint8_t> labels;
    if (limit == idx_images_size_from_head) {
      if (parse_idx_images(bytes.data(), bytes.size(), "input", &images).empty()) {
        // every image of an accepted file is readable
        if (images.images.size() != size_t(images.count) * size_t(images.pixels())) __builtin_trap();
        volatile uint8_t last = images.image(images.count - 1)[images.pixels() - 1];
        (void)last;
      }
    } else if (parse_idx_labels(bytes.data(), bytes.size(), "input", &labels).empty() && labels.empty()) {
      __builtin_trap(); // an accepted label file has at least one label
    }
  }
  return 0;
}
