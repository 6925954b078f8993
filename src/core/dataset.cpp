// The IDX reader (MNIST's file format: a big-endian header, then raw bytes) and the pixel
// preprocessing. Every malformed input becomes a one-line message, never a crash or a silently
// shortened dataset: the header is checked before a single pixel is trusted.
#include "core/dataset.h"
#include "core/pixels.h"

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

#ifdef AELAB_HAVE_ZLIB
#include <zlib.h>
#endif

namespace aelab {

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
static const size_t kMaxFileBytes = size_t(1) << 30; // 1 GiB, before and after gunzip

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

// ---------------------------------------------------------------------------------------------
// Files.

static bool is_gzip(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
}

#ifdef AELAB_HAVE_ZLIB
static uint32_t read_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// Inflates every gzip member of `in` (gzip -d accepts concatenated members, so we do too).
static std::string gunzip(const std::vector<uint8_t>& in, const std::string& name,
                          std::vector<uint8_t>* out) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return name + ": zlib could not start inflating";
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size()); // in.size() <= kMaxFileBytes < 4 GiB

  // gzip ends with the (last member's) size mod 2^32: a good first guess when plausible, as
  // deflate expands at most ~1032:1. One spare byte lets the stream end without a regrow.
  uint64_t hint = in.size() >= 18 ? read_le32(in.data() + in.size() - 4) : 0;
  uint64_t first_guess = in.size() * 4 + 4096;
  if (hint > 0 && hint < uint64_t(in.size()) * 1032 + 1024) first_guess = hint + 1;
  std::vector<uint8_t> data(size_t(first_guess < kMaxFileBytes ? first_guess : kMaxFileBytes));
  size_t produced = 0;
  std::string error;
  for (;;) {
    if (produced == data.size()) {
      if (data.size() >= kMaxFileBytes) {
        error = name + ": expected at most 1 GiB once decompressed, found more";
        break;
      }
      data.resize(data.size() * 2 < kMaxFileBytes ? data.size() * 2 : kMaxFileBytes);
    }
    zs.next_out = data.data() + produced;
    zs.avail_out = uInt(data.size() - produced);
    int status = inflate(&zs, Z_NO_FLUSH);
    produced = data.size() - zs.avail_out;
    if (status == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // Another member may follow; anything else after the stream is not ours to drop silently.
      if (zs.avail_in >= 2 && zs.next_in[0] == 0x1F && zs.next_in[1] == 0x8B) {
        inflateReset(&zs);
        continue;
      }
      error = name + ": expected the file to end after the gzip stream, found " +
              std::to_string(zs.avail_in) + " more bytes";
      break;
    }
    if (status == Z_OK) continue;
    if (status == Z_BUF_ERROR && zs.avail_out == 0) continue; // only needs more room
    if (status == Z_BUF_ERROR) {                              // input ran out mid-stream
      error = name + ": truncated gzip stream (the file ends before the compressed data does)";
      break;
    }
    error =
        name + ": corrupt gzip data (zlib: " + (zs.msg ? zs.msg : "error " + std::to_string(status)) + ")";
    break;
  }
  inflateEnd(&zs);
  if (!error.empty()) return error;
  data.resize(produced);
  *out = std::move(data);
  return "";
}
#endif

std::string read_file_bytes(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return path + ": cannot open (" + strerror(errno) + ")";
  // The size from fseek/ftell only reserves memory (so 47 MB of pixels take 47 MB, not a
  // doubled vector's 64); reading goes on to the real end, which also works for pipes.
  std::vector<uint8_t> bytes;
  if (fseek(f, 0, SEEK_END) == 0) {
    long size = ftell(f);
    if (size > 0 && uint64_t(size) <= kMaxFileBytes) bytes.reserve(size_t(size));
  }
  rewind(f);
  std::vector<uint8_t> chunk(size_t(1) << 20);
  bool too_big = false;
  errno = 0;
  for (;;) {
    size_t got = fread(chunk.data(), 1, chunk.size(), f);
    if (bytes.size() + got > kMaxFileBytes) {
      too_big = true;
      break;
    }
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
    if (got < chunk.size()) break;
  }
  int read_errno = ferror(f) ? (errno ? errno : EIO) : 0;
  fclose(f);
  if (too_big) return path + ": expected at most 1 GiB, found a larger file";
  if (read_errno) return path + ": cannot read (" + strerror(read_errno) + ")";

  if (!is_gzip(bytes)) {
    *out = std::move(bytes);
    return "";
  }
#ifdef AELAB_HAVE_ZLIB
  return gunzip(bytes, path, out);
#else
  return path + ": gzip-compressed, but this build has no zlib; decompress it first";
#endif
}

static std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
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
  error = read_file_bytes(images_path, &bytes);
  if (error.empty())
    error = check_idx_images(bytes.data(), bytes.size(), images_path, &data.count, &data.rows, &data.cols);
  if (!error.empty()) return error;
  bytes.erase(bytes.begin(), bytes.begin() + kImagesHeaderBytes);
  data.images = std::move(bytes);

  error = read_file_bytes(labels_path, &bytes);
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
    const uint8_t* image = data.image(indices[i]);
    float* row = x + size_t(i) * size_t(pixels);
    for (int j = 0; j < pixels; j++) row[j] = pixel_to_unit(image[j]);
  }
}

void images_to_float(const Dataset& data, int first, int n, float* x) {
  assert(first >= 0 && first + n <= data.count);
  const int pixels = data.pixels();
  const uint8_t* images = data.image(first);
  for (size_t k = 0; k < size_t(n) * size_t(pixels); k++) x[k] = pixel_to_unit(images[k]);
}

} // namespace aelab
