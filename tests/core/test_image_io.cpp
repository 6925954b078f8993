// The PNG and .npz writers, checked by decoding what they wrote: PNG chunks and their CRCs, the
// pixels (decoded by stb_image, a reader separate from the writer; the CLI smoke test inflates
// them with Python's zlib too); the zip's local and central headers, the CRCs and the .npy headers.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/checksum.h"
#include "core/image_io.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb_image.h>

#include "test_util.h"

using namespace aelab;

static uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
static uint32_t le16(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8; }
static uint32_t le32(const uint8_t* p) { return le16(p) | le16(p + 2) << 16; }

// ---------------------------------------------------------------------------------------------
// The PNG's chunks, each CRC checked.

struct PngChunk {
  std::string type;
  std::vector<uint8_t> data;
};

static std::vector<PngChunk> read_png_chunks(const std::vector<uint8_t>& png) {
  std::vector<PngChunk> chunks;
  size_t at = 8;
  while (at + 12 <= png.size()) {
    uint32_t length = be32(&png[at]);
    EXPECT_LE(at + 12 + length, png.size()) << "chunk runs past the end";
    if (at + 12 + length > png.size()) break;
    PngChunk chunk;
    chunk.type.assign(png.begin() + at + 4, png.begin() + at + 8);
    chunk.data.assign(png.begin() + at + 8, png.begin() + at + 8 + length);
    uint32_t stored_crc = be32(&png[at + 8 + length]);
    EXPECT_EQ(stored_crc, crc32_update(0, &png[at + 4], 4 + length)) << chunk.type << " CRC";
    chunks.push_back(chunk);
    at += 12 + length;
  }
  EXPECT_EQ(at, png.size()) << "bytes after the last chunk";
  return chunks;
}

// The pixels, decoded by stb_image (a reader separate from the writer) with `channels` per pixel.
static std::vector<uint8_t> decode_png(const std::vector<uint8_t>& png, int channels, int* width,
                                       int* height) {
  int n = 0;
  uint8_t* pixels = stbi_load_from_memory(png.data(), int(png.size()), width, height, &n, channels);
  EXPECT_NE(pixels, nullptr) << stbi_failure_reason();
  if (!pixels) return {};
  std::vector<uint8_t> out(pixels, pixels + size_t(*width) * size_t(*height) * size_t(channels));
  stbi_image_free(pixels);
  return out;
}

static std::vector<uint8_t> gradient(int width, int height) {
  std::vector<uint8_t> pixels(size_t(width) * height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++) pixels[size_t(y) * width + x] = uint8_t(x * 7 + y * 13);
  return pixels;
}

TEST(Png, StartsWithSignatureAndIhdrHoldsTheSize) {
  std::vector<uint8_t> pixels = gradient(30, 20);
  std::vector<uint8_t> png = encode_png_gray(pixels.data(), 30, 20);
  ASSERT_GE(png.size(), 8u + 25u);
  EXPECT_EQ(std::vector<uint8_t>(png.begin(), png.begin() + 8),
            (std::vector<uint8_t>{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}));
  // IHDR comes first and is 13 bytes: width, height, depth 8, colour type 0 (gray), 0, 0, 0.
  EXPECT_EQ(be32(&png[8]), 13u);
  EXPECT_EQ(std::string(png.begin() + 12, png.begin() + 16), "IHDR");
  EXPECT_EQ(be32(&png[16]), 30u);
  EXPECT_EQ(be32(&png[20]), 20u);
  EXPECT_EQ(std::vector<uint8_t>(png.begin() + 24, png.begin() + 29), (std::vector<uint8_t>{8, 0, 0, 0, 0}));
}

TEST(Png, ChunksHaveValidCrcsAndPixelsRoundTrip) {
  const int width = 300, height = 250;
  std::vector<uint8_t> pixels = gradient(width, height);
  std::vector<uint8_t> png = encode_png_gray(pixels.data(), width, height);
  std::vector<PngChunk> chunks = read_png_chunks(png);
  ASSERT_GE(chunks.size(), 3u);
  EXPECT_EQ(chunks.front().type, "IHDR");
  EXPECT_EQ(chunks.back().type, "IEND");
  EXPECT_TRUE(chunks.back().data.empty());
  int w = 0, h = 0;
  EXPECT_EQ(decode_png(png, 1, &w, &h), pixels);
  EXPECT_EQ(w, width);
  EXPECT_EQ(h, height);
}

TEST(Png, RgbPixelsRoundTrip) {
  const int width = 37, height = 23;
  std::vector<uint8_t> rgb(size_t(width) * height * 3);
  for (size_t i = 0; i < rgb.size(); i++) rgb[i] = uint8_t(i * 31 + i / 7);
  std::vector<uint8_t> png = encode_png_rgb8(rgb.data(), width, height);
  EXPECT_EQ(png[25], 2) << "colour type RGB";
  int w = 0, h = 0;
  EXPECT_EQ(decode_png(png, 3, &w, &h), rgb);
}

// The 2x10 figure's look: black backgrounds and strokes, which deflate well. Stored blocks made
// it about as large as its pixels; compressed it is under a fifth of them.
TEST(Png, ADigitFigureCompresses) {
  const int width = 10 * 28 * 4, height = 2 * 28 * 4;
  std::vector<uint8_t> pixels(size_t(width) * height, 0);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if ((x / 4) % 28 > 8 && (x / 4) % 28 < 12 + (y / 4) % 28 / 3)
        pixels[size_t(y) * width + x] = uint8_t(180 + y % 70);
  std::vector<uint8_t> png = encode_png_gray(pixels.data(), width, height);
  EXPECT_LT(png.size(), pixels.size() / 5);
  int w = 0, h = 0;
  EXPECT_EQ(decode_png(png, 1, &w, &h), pixels);
}

TEST(Png, OnePixelImageIsValid) {
  uint8_t pixel = 200;
  std::vector<uint8_t> png = encode_png_gray(&pixel, 1, 1);
  std::vector<PngChunk> chunks = read_png_chunks(png);
  ASSERT_GE(chunks.size(), 3u);
  int w = 0, h = 0;
  EXPECT_EQ(decode_png(png, 1, &w, &h), std::vector<uint8_t>{200});
}

TEST(Png, WritesTheFileAndRefusesAnEmptyImage) {
  std::string dir = make_test_dir();
  std::vector<uint8_t> pixels = gradient(5, 4);
  ASSERT_EQ(write_png_gray(dir + "/g.png", pixels.data(), 5, 4), "");
  EXPECT_EQ(read_bytes(dir + "/g.png"), encode_png_gray(pixels.data(), 5, 4));
  EXPECT_EQ(write_png_gray(dir + "/e.png", pixels.data(), 0, 4),
            dir + "/e.png: expected a positive image size, found 0 x 4");
  std::string error = write_png_gray(dir + "/missing/g.png", pixels.data(), 5, 4);
  EXPECT_EQ(error.rfind(dir + "/missing/g.png: cannot create (", 0), 0u) << error;
}

// ---------------------------------------------------------------------------------------------
// NPZ

struct ZipEntry {
  std::string name;
  uint32_t crc = 0, size = 0, local_offset = 0;
  std::vector<uint8_t> data;
};

// Reads the archive through its end record and central directory, cross-checking each local
// header, as a zip reader (numpy's zipfile) would.
static std::vector<ZipEntry> read_zip(const std::vector<uint8_t>& zip) {
  std::vector<ZipEntry> entries;
  EXPECT_GE(zip.size(), 22u);
  if (zip.size() < 22) return entries;
  const uint8_t* end = &zip[zip.size() - 22];
  EXPECT_EQ(le32(end), 0x06054B50u) << "end of central directory record (with no comment)";
  uint32_t count = le16(end + 10), directory_size = le32(end + 12), directory_at = le32(end + 16);
  EXPECT_EQ(le16(end + 8), count);
  EXPECT_EQ(directory_at + directory_size, zip.size() - 22);
  size_t at = directory_at;
  for (uint32_t i = 0; i < count; i++) {
    if (at + 46 > zip.size()) {
      ADD_FAILURE() << "central directory runs past the end";
      break;
    }
    const uint8_t* c = &zip[at];
    EXPECT_EQ(le32(c), 0x02014B50u);
    EXPECT_EQ(le16(c + 10), 0u) << "method: stored";
    ZipEntry e;
    e.crc = le32(c + 16);
    e.size = le32(c + 24);
    EXPECT_EQ(le32(c + 20), e.size) << "stored: compressed size equals size";
    uint32_t name_size = le16(c + 28), extra_size = le16(c + 30), comment_size = le16(c + 32);
    e.local_offset = le32(c + 42);
    e.name.assign(c + 46, c + 46 + name_size);
    at += 46 + name_size + extra_size + comment_size;

    // The local header must agree with the directory.
    const uint8_t* l = &zip[e.local_offset];
    EXPECT_EQ(le32(l), 0x04034B50u);
    EXPECT_EQ(le16(l + 8), 0u);
    EXPECT_EQ(le32(l + 14), e.crc);
    EXPECT_EQ(le32(l + 18), e.size);
    EXPECT_EQ(le32(l + 22), e.size);
    EXPECT_EQ(std::string(l + 30, l + 30 + le16(l + 26)), e.name);
    size_t data_at = e.local_offset + 30 + le16(l + 26) + le16(l + 28);
    EXPECT_LE(data_at + e.size, directory_at);
    if (data_at + e.size > zip.size()) break;
    e.data.assign(zip.begin() + data_at, zip.begin() + data_at + e.size);
    EXPECT_EQ(crc32_update(0, e.data.data(), e.data.size()), e.crc) << e.name;
    entries.push_back(e);
  }
  EXPECT_EQ(at, size_t(directory_at) + directory_size);
  return entries;
}

// Splits a .npy file into its header text and float data, checking the preamble.
static std::string npy_header(const std::vector<uint8_t>& npy, std::vector<float>* data) {
  EXPECT_GE(npy.size(), 10u);
  if (npy.size() < 10) return "";
  EXPECT_EQ(std::string(npy.begin(), npy.begin() + 6), "\x93NUMPY");
  EXPECT_EQ(npy[6], 1);
  EXPECT_EQ(npy[7], 0);
  size_t header_size = le16(&npy[8]);
  EXPECT_EQ((10 + header_size) % 64, 0u) << "data must start 64-byte aligned";
  if (10 + header_size > npy.size()) return "";
  std::string header(npy.begin() + 10, npy.begin() + 10 + header_size);
  EXPECT_EQ(header.back(), '\n');
  size_t floats = (npy.size() - 10 - header_size) / 4;
  EXPECT_EQ((npy.size() - 10 - header_size) % 4, 0u);
  data->resize(floats);
  for (size_t i = 0; i < floats; i++) {
    uint32_t bits = le32(&npy[10 + header_size + 4 * i]);
    memcpy(&(*data)[i], &bits, 4);
  }
  return header;
}

// Header text without its padding (spaces before the final newline).
static std::string trim_padding(const std::string& header) {
  size_t end = header.find_last_not_of(" \n");
  return end == std::string::npos ? header : header.substr(0, end + 1);
}

TEST(Npz, EntriesAreStoredNpyFilesWithHeadersAndData) {
  std::vector<float> w(6 * 3), b(3), s(1);
  for (size_t i = 0; i < w.size(); i++) w[i] = float(i) * 0.25f - 1.0f;
  b = {1.5f, -0.0f, std::numeric_limits<float>::infinity()};
  s = {42.0f};
  std::vector<NpyArray> arrays = {{"W1", {6, 3}, w.data()}, {"b1", {3}, b.data()}, {"scalar", {}, s.data()}};
  std::vector<uint8_t> zip = encode_npz(arrays);
  std::vector<ZipEntry> entries = read_zip(zip);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "W1.npy");
  EXPECT_EQ(entries[1].name, "b1.npy");
  EXPECT_EQ(entries[2].name, "scalar.npy");
  EXPECT_EQ(entries[0].local_offset, 0u);

  std::vector<float> data;
  std::string header = npy_header(entries[0].data, &data);
  EXPECT_EQ(trim_padding(header), "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 3), }");
  EXPECT_EQ(data, w);
  header = npy_header(entries[1].data, &data);
  EXPECT_EQ(trim_padding(header), "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(memcmp(data.data(), b.data(), 12), 0); // bit-exact, -0 and inf included
  header = npy_header(entries[2].data, &data);
  EXPECT_EQ(trim_padding(header), "{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
  EXPECT_EQ(data, s);
}

TEST(Npz, NpyHeaderIsPaddedToSixtyFourBytes) {
  // A long shape pushes the header past one 64-byte line.
  std::vector<float> one(1, 3.0f);
  std::vector<NpyArray> arrays = {
      {"x", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, one.data()}};
  std::vector<ZipEntry> entries = read_zip(encode_npz(arrays));
  ASSERT_EQ(entries.size(), 1u);
  std::vector<float> data;
  std::string header = npy_header(entries[0].data, &data);
  EXPECT_EQ(10 + header.size(), 128u);
  EXPECT_EQ(data, one);
}

TEST(Npz, EmptyArrayListIsAnEmptyZip) {
  std::vector<uint8_t> zip = encode_npz({});
  EXPECT_EQ(zip.size(), 22u);
  EXPECT_TRUE(read_zip(zip).empty());
}

TEST(Npz, WritesTheFile) {
  std::string path = make_test_dir() + "/weights.npz";
  std::vector<float> b = {1, 2, 3, 4};
  std::vector<NpyArray> arrays = {{"b4", {4}, b.data()}};
  ASSERT_EQ(write_npz(path, arrays), "");
  EXPECT_EQ(read_bytes(path), encode_npz(arrays));
}

// ---------------------------------------------------------------------------------------------

TEST(ComposeFigure, LaysOutTwoRowsOfScaledTilesOnGrey) {
  const int n = 3, scale = 2, gap = 4;
  std::vector<float> originals(n * 784, 0.0f), reconstructions(n * 784, 1.0f);
  originals[1 * 784 + 5 * 28 + 7] = 0.5f;                       // image 1, row 5, col 7
  reconstructions[2 * 784 + 27] = -3.0f;                        // image 2, row 0, col 27: clamped to 0
  reconstructions[0] = std::numeric_limits<float>::quiet_NaN(); // drawn black, not garbage
  int width = 0, height = 0;
  std::vector<uint8_t> fig =
      compose_figure(originals.data(), reconstructions.data(), n, scale, gap, &width, &height);
  EXPECT_EQ(width, 3 * 56 + 4 * 4);
  EXPECT_EQ(height, 2 * 56 + 3 * 4);
  ASSERT_EQ(fig.size(), size_t(width) * height);
  auto at = [&](int x, int y) { return int(fig[size_t(y) * width + x]); };

  EXPECT_EQ(at(0, 0), 64);          // the border
  EXPECT_EQ(at(gap + 56, gap), 64); // between tiles
  EXPECT_EQ(at(gap, gap + 56), 64); // between the rows
  EXPECT_EQ(at(width - 1, height - 1), 64);
  EXPECT_EQ(at(gap, gap), 0); // original 0: black
  EXPECT_EQ(at(gap + 55, gap + 55), 0);
  const int x1 = gap + 1 * (56 + gap), y2 = gap + 56 + gap;
  for (int dy = 0; dy < 2; dy++) // 0.5 -> 127.5 rounds to 128, on a 2x2 block
    for (int dx = 0; dx < 2; dx++) EXPECT_EQ(at(x1 + 7 * 2 + dx, gap + 5 * 2 + dy), 128);
  EXPECT_EQ(at(x1 + 7 * 2 + 2, gap + 5 * 2), 0);
  EXPECT_EQ(at(gap + 2, y2), 255); // reconstruction 1: white
  EXPECT_EQ(at(gap, y2), 0);       // NaN
  const int x2 = gap + 2 * (56 + gap);
  EXPECT_EQ(at(x2 + 27 * 2 + 1, y2 + 1), 0); // -3 clamped
  EXPECT_EQ(at(x2 + 26 * 2, y2), 255);
}

TEST(ComposeFigure, RefusesEmptyOrInvalidLayout) {
  std::vector<float> images(784, 0.0f);
  int width = 7, height = 7;
  EXPECT_TRUE(compose_figure(images.data(), images.data(), 0, 2, 4, &width, &height).empty());
  EXPECT_EQ(width, 0);
  EXPECT_EQ(height, 0);
  EXPECT_TRUE(compose_figure(images.data(), images.data(), 1, 0, 4, &width, &height).empty());
  EXPECT_TRUE(compose_figure(images.data(), images.data(), 1, 1, -1, &width, &height).empty());
  // No gap at all is a valid figure: tiles touch.
  std::vector<uint8_t> fig = compose_figure(images.data(), images.data(), 1, 1, 0, &width, &height);
  EXPECT_EQ(width, 28);
  EXPECT_EQ(height, 56);
}
