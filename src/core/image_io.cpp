// PNG and .npz writers. PNGs through stb_image_write (compressed); the .npz is a zip of stored
// entries, careful byte packing plus the CRC-32 of checksum.h.
#include "core/image_io.h"
#include "core/pixels.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC // its functions stay in this file
#define STBI_WRITE_NO_STDIO    // to memory only: files go through files.h
#include <stb_image_write.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/checksum.h"
#include "core/files.h"

namespace aelab {

static void put_u16le(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(uint8_t(v));
  out.push_back(uint8_t(v >> 8));
}
static void put_u32le(std::vector<uint8_t>& out, uint32_t v) {
  put_u16le(out, v & 0xFFFF);
  put_u16le(out, v >> 16);
}
// ---------------------------------------------------------------------------------------------
// PNG

// PNGs come from stb_image_write (Debian's libstb-dev, header-only, in both builds): deflate
// with a filter chosen per row. No bytes for an empty or absurd size (PNG needs 1 <= side <
// 2^31).
static std::vector<uint8_t> encode_png(const uint8_t* pixels, int width, int height, int channels) {
  if (width <= 0 || height <= 0 || size_t(width) * size_t(channels) > size_t(INT32_MAX)) return {};
  std::vector<uint8_t> png;
  auto append = [](void* context, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(context);
    out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  stbi_write_png_compression_level = 9;
  if (!stbi_write_png_to_func(append, &png, width, height, channels, pixels, width * channels)) return {};
  return png;
}

std::vector<uint8_t> encode_png_gray(const uint8_t* pixels, int width, int height) {
  return encode_png(pixels, width, height, 1);
}
std::vector<uint8_t> encode_png_rgb8(const uint8_t* rgb, int width, int height) {
  return encode_png(rgb, width, height, 3);
}

std::string write_png_gray(const std::string& path, const uint8_t* pixels, int width, int height) {
  if (width <= 0 || height <= 0)
    return path + ": expected a positive image size, found " + std::to_string(width) + " x " +
           std::to_string(height);
  const std::vector<uint8_t> png = encode_png_gray(pixels, width, height);
  return write_file_bytes(path, png.data(), png.size());
}

// ---------------------------------------------------------------------------------------------
// NPZ: a zip of NAME.npy entries, stored (method 0), without zip64, so each entry and the whole
// archive must stay under 4 GiB; far above any model here.

static const uint64_t kZipLimit = 0xFFFFFFFFu;

// NumPy format 1.0: "\x93NUMPY", version 1 0, u16 header length, a Python dict literal padded
// with spaces and a final '\n' so the data starts at a multiple of 64 bytes.
std::vector<uint8_t> encode_npy(const NpyArray& array) {
  std::string shape = "(";
  size_t count = 1;
  for (size_t i = 0; i < array.shape.size(); i++) {
    if (i > 0) shape += ", ";
    shape += std::to_string(array.shape[i]);
    count *= array.shape[i];
  }
  if (array.shape.size() == 1) shape += ","; // (128,) is a tuple, (128) is not
  shape += ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t preamble = 10; // magic 6, version 2, header length 2
  size_t padded = (preamble + header.size() + 1 + 63) / 64 * 64;
  header.append(padded - preamble - header.size() - 1, ' ');
  header += '\n';

  std::vector<uint8_t> npy = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  put_u16le(npy, uint32_t(header.size()));
  npy.insert(npy.end(), header.begin(), header.end());
  assert(count == 0 || array.data != nullptr);
  npy.reserve(npy.size() + 4 * count);
  for (size_t i = 0; i < count; i++) {
    uint32_t bits;
    memcpy(&bits, &array.data[i], 4);
    put_u32le(npy, bits);
  }
  return npy;
}

// Zip local and central headers share this run of fields (version needed .. extra length).
static void put_zip_entry_fields(std::vector<uint8_t>& zip, uint32_t crc, uint32_t size, size_t name_size) {
  put_u16le(zip, 20);   // version needed: 2.0
  put_u16le(zip, 0);    // flags
  put_u16le(zip, 0);    // method 0: stored
  put_u16le(zip, 0);    // time 00:00:00
  put_u16le(zip, 0x21); // date 1980-01-01, the zip epoch: the file carries no real timestamp
  put_u32le(zip, crc);
  put_u32le(zip, size); // compressed size
  put_u32le(zip, size); // uncompressed size
  put_u16le(zip, uint32_t(name_size));
  put_u16le(zip, 0); // extra field length
}

std::vector<uint8_t> encode_npz(const std::vector<NpyArray>& arrays) {
  std::vector<NamedFile> files;
  for (const NpyArray& array : arrays) files.push_back({array.name + ".npy", encode_npy(array)});
  return encode_zip(files);
}

std::vector<uint8_t> encode_zip(const std::vector<NamedFile>& files) {
  struct Entry {
    std::string name;
    uint32_t crc, size, offset;
  };
  std::vector<Entry> entries;
  std::vector<uint8_t> zip;
  for (const NamedFile& file : files) {
    const std::vector<uint8_t>& bytes = file.bytes;
    if (bytes.size() > kZipLimit || zip.size() + bytes.size() + 30 + file.name.size() > kZipLimit) return {};
    Entry e{file.name, crc32_update(0, bytes.data(), bytes.size()), uint32_t(bytes.size()),
            uint32_t(zip.size())};
    put_u32le(zip, 0x04034B50); // local file header
    put_zip_entry_fields(zip, e.crc, e.size, e.name.size());
    zip.insert(zip.end(), e.name.begin(), e.name.end());
    zip.insert(zip.end(), bytes.begin(), bytes.end());
    entries.push_back(e);
  }

  const size_t directory_at = zip.size();
  for (const Entry& e : entries) {
    put_u32le(zip, 0x02014B50); // central directory header
    put_u16le(zip, 20);         // made by: version 2.0, MS-DOS attributes
    put_zip_entry_fields(zip, e.crc, e.size, e.name.size());
    put_u16le(zip, 0); // comment length
    put_u16le(zip, 0); // disk number
    put_u16le(zip, 0); // internal attributes
    put_u32le(zip, 0); // external attributes
    put_u32le(zip, e.offset);
    zip.insert(zip.end(), e.name.begin(), e.name.end());
  }
  const size_t directory_size = zip.size() - directory_at;
  if (zip.size() > kZipLimit || entries.size() > 0xFFFF) return {};

  put_u32le(zip, 0x06054B50); // end of central directory
  put_u16le(zip, 0);          // this disk
  put_u16le(zip, 0);          // disk with the directory
  put_u16le(zip, uint32_t(entries.size()));
  put_u16le(zip, uint32_t(entries.size()));
  put_u32le(zip, uint32_t(directory_size));
  put_u32le(zip, uint32_t(directory_at));
  put_u16le(zip, 0); // comment length
  return zip;
}

std::string write_npz(const std::string& path, const std::vector<NpyArray>& arrays) {
  std::vector<uint8_t> zip = encode_npz(arrays);
  if (zip.empty()) return path + ": expected arrays under 4 GiB in total (no zip64 here), found more";
  return write_file_bytes(path, zip.data(), zip.size());
}

// ---------------------------------------------------------------------------------------------

// Tiles are 28x28 (the MNIST side). Layout, with g = gap and t = 28 * scale:
//   width = n t + (n + 1) g, height = 2 t + 3 g; tile (row r, column c) starts at
//   x = g + c (t + g), y = g + r (t + g).
std::vector<uint8_t> compose_figure(const float* originals, const float* reconstructions, int n, int scale,
                                    int gap, int* width, int* height) {
  const int kSide = 28;
  const uint8_t kBackground = 64; // mid grey, so white-on-black digits and their edges stand out
  *width = *height = 0;
  if (n <= 0 || scale <= 0 || gap < 0) return {};
  const int tile = kSide * scale;
  const int w = n * tile + (n + 1) * gap, h = 2 * tile + 3 * gap;
  std::vector<uint8_t> pixels(size_t(w) * size_t(h), kBackground);

  const float* rows[2] = {originals, reconstructions};
  for (int r = 0; r < 2; r++) {
    for (int c = 0; c < n; c++) {
      const float* image = rows[r] + size_t(c) * kSide * kSide;
      const int x0 = gap + c * (tile + gap), y0 = gap + r * (tile + gap);
      for (int y = 0; y < tile; y++) {
        uint8_t* out = pixels.data() + size_t(y0 + y) * size_t(w) + x0;
        const float* in = image + (y / scale) * kSide;
        for (int x = 0; x < tile; x++) out[x] = unit_to_pixel(in[x / scale]); // nearest neighbour
      }
    }
  }
  *width = w;
  *height = h;
  return pixels;
}

} // namespace aelab
