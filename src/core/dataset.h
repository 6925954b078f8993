// MNIST-style data: the IDX file reader (plain or gzip) and the one place that knows the
// preprocessing (pixel bytes / 255 as float32, flattened to 784). Images stay as bytes in memory
// and are converted per batch, so the 60k training set costs 47 MB, not 188 MB.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/tensor.h"

namespace aelab {

struct Dataset {
  int count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> images; // count * rows * cols pixel bytes, image-major
  std::vector<uint8_t> labels; // count labels (0-9 for MNIST)

  int pixels() const { return rows * cols; }
  const uint8_t* image(int i) const { return images.data() + size_t(i) * size_t(pixels()); }
};

// Class names, by label: MNIST's digits and Fashion-MNIST's items ("T-shirt/top", ...).
extern const char* const kDigitClassNames[10];
extern const char* const kFashionClassNames[10];

// The four standard file names inside a data folder (each may also be present as NAME.gz).
extern const char* const kTrainImagesFile; // "train-images-idx3-ubyte"
extern const char* const kTrainLabelsFile; // "train-labels-idx1-ubyte"
extern const char* const kTestImagesFile;  // "t10k-images-idx3-ubyte"
extern const char* const kTestLabelsFile;  // "t10k-labels-idx1-ubyte"

// Every function returning std::string returns "" on success, else one line naming the file and
// what was expected and found, e.g. "train-images-idx3-ubyte: expected 47040016 bytes, found 1200".

// Parses IDX bytes already in memory (the web page passes what it fetched). `name` is used in
// messages. Images: magic 0x00000803, dims count, rows, cols; labels: magic 0x00000801, count.
std::string parse_idx_images(const uint8_t* bytes, size_t size, const std::string& name, Dataset* out);
// The same, taking over `bytes` (a whole IDX image file) instead of copying it: only the
// 16-byte header is cut off, so the pixels never sit in memory twice (the web page's 47 MB
// training set). On error `bytes` is left as it was.
std::string parse_idx_images(std::vector<uint8_t>&& bytes, const std::string& name, Dataset* out);
std::string parse_idx_labels(const uint8_t* bytes, size_t size, const std::string& name,
                             std::vector<uint8_t>* labels);
// One split from its two files' bytes (the page's downloads, a user's own files): the images
// taken over as above, the labels parsed, and the two counts checked against each other.
std::string parse_idx_split(std::vector<uint8_t>&& images, const std::string& images_name,
                            const uint8_t* labels, size_t labels_size, const std::string& labels_name,
                            Dataset* out);

// The size an IDX image or label file must have, from its first bytes (files.h's SizeFromHead:
// 0 for a head that is not a plausible IDX header).
uint64_t idx_images_size_from_head(const uint8_t* head, size_t n);
uint64_t idx_labels_size_from_head(const uint8_t* head, size_t n);

// "" if `data` holds 28x28 pictures (what the lab's network takes), else one line for the user:
// "<what>: 20 pictures of 14x14 pixels; the lab's network takes 28x28 pictures".
std::string check_digit_size(const Dataset& data, const std::string& what);

// Loads images + labels of one split from `dir`, trying NAME then NAME.gz for each file, and
// checks that the counts agree. `limit` > 0 keeps only the first `limit` samples.
std::string load_split(const std::string& dir, bool train, int limit, Dataset* out);

// Drops every picture whose label is one of `classes` (a class left out of training, whose
// test pictures are then the anomalies); returns how many were dropped.
int remove_classes(Dataset* data, const std::vector<int>& classes);

// Preprocessing: pixels / 255 for samples `indices[0..n)` into rows of `x` (n, pixels).
void images_to_float(const Dataset& data, const int* indices, int n, float* x);
// The same for the samples first..first+n-1.
void images_to_float(const Dataset& data, int first, int n, float* x);

} // namespace aelab
