// The IDX reader (MNIST's file format: a big-endian header, then raw bytes) and the pixel
// preprocessing. Every malformed input becomes a one-line message, never a crash or a silently
// shortened dataset: the header is checked before a single pixel is trusted.
#include "core/dataset.h"
#include "core/pixels.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace aelab {

const char* const kDigitClassNames[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
const char* const kFashionClassNames[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

const char* const kTrainImagesFile = "train-images-idx3-ubyte";
const char* const kTrainLabelsFile = "train-labels-idx1-ubyte";
const char* const kTestImagesFile = "t10k-images-idx3-ubyte";
const char* const kTestLabelsFile = "t10k-labels-idx1-ubyte";

static const uint32_t kImagesMagic = 0x00000803; // type 0x08 = u8, 3 dimensions
static const uint32_t kLabelsMagic = 0x00000801; // type 0x08 = u8, 1 dimension
static const size_t kImagesHeaderBytes = 16;     // magic, count, rows, cols
static const size_t kLabelsHeaderBytes = 8;      // magic, count
static const uint32_t kMaxCount = 10000000;      // beyond this a header is garbage, not data
static const uint32_t kMaxSide = 4096;

static uint32_t read_be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

static std::string hex32(uint32_t v) {
  char text[16];
  snprintf(text, sizeof text, "0x%08X", unsigned(v));
  return text;
}

// A hint for the two mistakes people actually make: handing over gzip data or the other file.
static std::string magic_hint(uint32_t magic) {
  if ((magic >> 16) == 0x1F8B) return " (gzip data: decompress it first)";
  if (magic == kImagesMagic) return " (an IDX image file)";
  if (magic == kLabelsMagic) return " (an IDX label file)";
  return "";
}

// Checks an image file's header against its size; on success sets count/rows/cols.
static std::string check_idx_images(const uint8_t* bytes, size_t size, const std::string& name, int* count,
                                    int* rows, int* cols) {
  // The magic first: a wrong kind of file is a better message than a short header.
  uint32_t magic = size >= 4 ? read_be32(bytes) : kImagesMagic;
  if (magic != kImagesMagic)
    return name + ": expected IDX image magic 0x00000803, found " + hex32(magic) + magic_hint(magic);
  if (size < kImagesHeaderBytes)
    return name + ": expected an IDX image header of 16 bytes, found a " + std::to_string(size) +
           "-byte file";
  uint32_t n = read_be32(bytes + 4), r = read_be32(bytes + 8), c = read_be32(bytes + 12);
  if (n == 0 || n > kMaxCount) return name + ": expected 1 to 10000000 images, found " + std::to_string(n);
  if (r == 0 || r > kMaxSide || c == 0 || c > kMaxSide)
    return name + ": expected image rows and cols in 1..4096, found " + std::to_string(r) + " x " +
           std::to_string(c);
  // At most 1e7 * 4096 * 4096 < 2^64, so this cannot overflow even on wasm32.
  uint64_t expected = kImagesHeaderBytes + uint64_t(n) * r * c;
  if (uint64_t(size) != expected)
    return name + ": expected " + std::to_string(expected) + " bytes (" + std::to_string(n) + " images of " +
           std::to_string(r) + "x" + std::to_string(c) + "), found " + std::to_string(size);
  *count = int(n);
  *rows = int(r);
  *cols = int(c);
  return "";
}

std::string parse_idx_images(const uint8_t* bytes, size_t size, const std::string& name, Dataset* out) {
  int count = 0, rows = 0, cols = 0;
  std::string error = check_idx_images(bytes, size, name, &count, &rows, &cols);
  if (!error.empty()) return error;
  // Labels are left alone: they come from their own file (parse_idx_labels).
  out->count = count;
  out->rows = rows;
  out->cols = cols;
  out->images.assign(bytes + kImagesHeaderBytes, bytes + size);
  return "";
}

std::string parse_idx_images(std::vector<uint8_t>&& bytes, const std::string& name, Dataset* out) {
  int count = 0, rows = 0, cols = 0;
  std::string error = check_idx_images(bytes.data(), bytes.size(), name, &count, &rows, &cols);
  if (!error.empty()) return error;
  bytes.erase(bytes.begin(), bytes.begin() + long(kImagesHeaderBytes)); // a memmove, no second buffer
  out->count = count;
  out->rows = rows;
  out->cols = cols;
  out->images = std::move(bytes);
  return "";
}

std::string parse_idx_labels(const uint8_t* bytes, size_t size, const std::string& name,
                             std::vector<uint8_t>* labels) {
  uint32_t magic = size >= 4 ? read_be32(bytes) : kLabelsMagic;
  if (magic != kLabelsMagic)
    return name + ": expected IDX label magic 0x00000801, found " + hex32(magic) + magic_hint(magic);
  if (size < kLabelsHeaderBytes)
    return name + ": expected an IDX label header of 8 bytes, found a " + std::to_string(size) + "-byte file";
  uint32_t n = read_be32(bytes + 4);
  if (n == 0 || n > kMaxCount) return name + ": expected 1 to 10000000 labels, found " + std::to_string(n);
  uint64_t expected = kLabelsHeaderBytes + uint64_t(n);
  if (uint64_t(size) != expected)
    return name + ": expected " + std::to_string(expected) + " bytes (" + std::to_string(n) +
           " labels), found " + std::to_string(size);
  labels->assign(bytes + kLabelsHeaderBytes, bytes + size);
  return "";
}

std::string parse_idx_split(std::vector<uint8_t>&& images, const std::string& images_name,
                            const uint8_t* labels, size_t labels_size, const std::string& labels_name,
                            Dataset* out) {
  Dataset data;
  std::string error = parse_idx_images(std::move(images), images_name, &data);
  if (error.empty()) error = parse_idx_labels(labels, labels_size, labels_name, &data.labels);
  if (error.empty() && int(data.labels.size()) != data.count)
    error = labels_name + ": " + std::to_string(data.labels.size()) + " labels for the " +
            std::to_string(data.count) + " images of " + images_name + ", expected as many";
  if (error.empty()) *out = std::move(data);
  return error;
}

std::string check_digit_size(const Dataset& data, const std::string& what) {
  if (data.rows == 28 && data.cols == 28 && data.count > 0) return "";
  return what + ": " + std::to_string(data.count) + " pictures of " + std::to_string(data.rows) + "x" +
         std::to_string(data.cols) + " pixels; the lab's network takes 28x28 pictures";
}

// ---------------------------------------------------------------------------------------------
// Files.

uint64_t idx_images_size_from_head(const uint8_t* head, size_t n) {
  if (n < kImagesHeaderBytes || read_be32(head) != kImagesMagic) return 0;
  uint32_t count = read_be32(head + 4), r = read_be32(head + 8), c = read_be32(head + 12);
  if (count == 0 || count > kMaxCount || r == 0 || r > kMaxSide || c == 0 || c > kMaxSide) return 0;
  return kImagesHeaderBytes + uint64_t(count) * r * c;
}

uint64_t idx_labels_size_from_head(const uint8_t* head, size_t n) {
  if (n < kLabelsHeaderBytes || read_be32(head) != kLabelsMagic) return 0;
  uint32_t count = read_be32(head + 4);
  if (count == 0 || count > kMaxCount) return 0;
  return kLabelsHeaderBytes + uint64_t(count);
}

static bool file_exists(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f) fclose(f);
  return f != nullptr;
}

// Picks dir/NAME, else dir/NAME.gz.
static std::string find_data_file(const std::string& dir, const char* name, std::string* path) {
  std::string plain = join_path(dir, name), packed = plain + ".gz";
  if (file_exists(plain))
    *path = plain;
  else if (file_exists(packed))
    *path = packed;
  else
    return dir + ": no " + name + " or " + name + ".gz";
  return "";
}

std::string load_split(const std::string& dir, bool train, int limit, Dataset* out) {
  std::string images_path, labels_path, error;
  error = find_data_file(dir, train ? kTrainImagesFile : kTestImagesFile, &images_path);
  if (error.empty()) error = find_data_file(dir, train ? kTrainLabelsFile : kTestLabelsFile, &labels_path);
  if (!error.empty()) return error;

  // The image bytes become the dataset in place (header erased, vector moved), so the 47 MB
  // training images are never held twice.
  Dataset data;
  std::vector<uint8_t> bytes;
  error = read_file_bytes(images_path, &bytes, idx_images_size_from_head);
  if (error.empty())
    error = check_idx_images(bytes.data(), bytes.size(), images_path, &data.count, &data.rows, &data.cols);
  if (!error.empty()) return error;
  bytes.erase(bytes.begin(), bytes.begin() + kImagesHeaderBytes);
  data.images = std::move(bytes);

  error = read_file_bytes(labels_path, &bytes, idx_labels_size_from_head);
  if (error.empty()) error = parse_idx_labels(bytes.data(), bytes.size(), labels_path, &data.labels);
  if (!error.empty()) return error;
  if (data.labels.size() != size_t(data.count))
    return labels_path + ": expected " + std::to_string(data.count) + " labels (one per image in " +
           images_path + "), found " + std::to_string(data.labels.size());

  if (limit > 0 && limit < data.count) {
    data.count = limit;
    data.images.resize(size_t(limit) * size_t(data.pixels()));
    data.images.shrink_to_fit();
    data.labels.resize(size_t(limit));
  }
  *out = std::move(data);
  return "";
}

// ---------------------------------------------------------------------------------------------
// Preprocessing: the only place pixels become floats. x is (n, pixels), one image per row.

void images_to_float(const Dataset& data, const int* indices, int n, float* x) {
  const int pixels = data.pixels();
  for (int i = 0; i < n; i++) {
    assert(indices[i] >= 0 && indices[i] < data.count);
    if (i + 4 < n) // random rows of a large array: ask for a later one while this one converts
      for (int b = 0; b < pixels; b += 64) __builtin_prefetch(data.image(indices[i + 4]) + b, 0, 3);
    const uint8_t* image = data.image(indices[i]);
    pixels_to_unit(image, size_t(pixels), x + size_t(i) * size_t(pixels));
  }
}

void images_to_float(const Dataset& data, int first, int n, float* x) {
  assert(first >= 0 && first + n <= data.count);
  const int pixels = data.pixels();
  const uint8_t* images = data.image(first);
  pixels_to_unit(images, size_t(n) * size_t(pixels), x);
}

int remove_classes(Dataset* data, const std::vector<int>& classes) {
  const size_t pixels = size_t(data->pixels());
  int kept = 0;
  for (int i = 0; i < data->count; i++) {
    const int label = data->labels[size_t(i)];
    if (std::find(classes.begin(), classes.end(), label) != classes.end()) continue;
    if (kept != i) {
      std::copy_n(data->images.begin() + ptrdiff_t(size_t(i) * pixels), pixels,
                  data->images.begin() + ptrdiff_t(size_t(kept) * pixels));
      data->labels[size_t(kept)] = data->labels[size_t(i)];
    }
    kept++;
  }
  const int dropped = data->count - kept;
  data->count = kept;
  data->images.resize(size_t(kept) * pixels);
  data->labels.resize(size_t(kept));
  return dropped;
}

} // namespace aelab
