// The IDX reader: good files load exactly, every kind of bad file is refused with a message that
// names the file, and gzip is handled natively and refused clearly where there is no zlib.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/pixels.h"

#ifdef AELAB_HAVE_ZLIB
#include <zlib.h>
#endif

#include "test_util.h"

using namespace aelab;

static void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  fclose(f);
}

static void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

// count images of rows x cols; pixel j of image i is (i * 17 + j) mod 256.
static std::vector<uint8_t> idx_images(uint32_t count, uint32_t rows, uint32_t cols) {
  std::vector<uint8_t> out;
  put_be32(out, 0x00000803);
  put_be32(out, count);
  put_be32(out, rows);
  put_be32(out, cols);
  for (uint32_t i = 0; i < count; i++)
    for (uint32_t j = 0; j < rows * cols; j++) out.push_back(uint8_t(i * 17 + j));
  return out;
}

// Label i is i mod 10.
static std::vector<uint8_t> idx_labels(uint32_t count) {
  std::vector<uint8_t> out;
  put_be32(out, 0x00000801);
  put_be32(out, count);
  for (uint32_t i = 0; i < count; i++) out.push_back(uint8_t(i % 10));
  return out;
}

static void write_split(const std::string& dir, uint32_t images, uint32_t labels) {
  write_bytes(dir + "/" + kTrainImagesFile, idx_images(images, 4, 5));
  write_bytes(dir + "/" + kTrainLabelsFile, idx_labels(labels));
}

// ---------------------------------------------------------------------------------------------

TEST(Pixels, EveryByteConvertsToItsCorrectlyRoundedFraction) {
  // pixels_to_unit's SIMD path multiplies by 1/255 and corrects the product with a fused
  // multiply-add instead of dividing: it must give byte / 255 exactly, for all 256 bytes and in
  // the scalar tail (259 values: the last 3 take it)
  std::vector<uint8_t> bytes(259);
  for (size_t i = 0; i < bytes.size(); i++) bytes[i] = uint8_t(i < 256 ? i : 255 - i);
  std::vector<float> x(bytes.size());
  pixels_to_unit(bytes.data(), bytes.size(), x.data());
  for (size_t i = 0; i < bytes.size(); i++) {
    ASSERT_EQ(x[i], float(bytes[i]) / 255.0f) << "byte " << int(bytes[i]);
    ASSERT_EQ(x[i], float(double(bytes[i]) / 255.0)) << "byte " << int(bytes[i]); // correctly rounded
  }
}

TEST(IdxReader, LoadsImagesAndLabelsExactly) {
  std::string dir = make_test_dir();
  write_split(dir, 3, 3);
  Dataset data;
  ASSERT_EQ(load_split(dir, true, 0, &data), "");
  EXPECT_EQ(data.count, 3);
  EXPECT_EQ(data.rows, 4);
  EXPECT_EQ(data.cols, 5);
  EXPECT_EQ(data.pixels(), 20);
  std::vector<uint8_t> file = idx_images(3, 4, 5);
  EXPECT_EQ(data.images, std::vector<uint8_t>(file.begin() + 16, file.end()));
  EXPECT_EQ(data.labels, (std::vector<uint8_t>{0, 1, 2}));
  EXPECT_EQ(data.image(2)[0], uint8_t(34));
}

TEST(IdxReader, ParsesImagesAndLabelsFromMemory) {
  std::vector<uint8_t> images = idx_images(2, 3, 3), labels = idx_labels(2);
  Dataset data;
  ASSERT_EQ(parse_idx_images(images.data(), images.size(), "mem-images", &data), "");
  ASSERT_EQ(parse_idx_labels(labels.data(), labels.size(), "mem-labels", &data.labels), "");
  EXPECT_EQ(data.count, 2);
  EXPECT_EQ(data.rows, 3);
  EXPECT_EQ(data.images.size(), 18u);
  EXPECT_EQ(data.labels, (std::vector<uint8_t>{0, 1}));
}

TEST(IdxReader, TakingOverTheBytesGivesTheSameDatasetWithoutACopy) {
  std::vector<uint8_t> images = idx_images(3, 4, 5);
  Dataset copied, taken;
  ASSERT_EQ(parse_idx_images(images.data(), images.size(), "mem-images", &copied), "");
  const uint8_t* storage = images.data();
  ASSERT_EQ(parse_idx_images(std::move(images), "mem-images", &taken), "");
  EXPECT_EQ(taken.images, copied.images);
  EXPECT_EQ(taken.count, 3);
  EXPECT_EQ(taken.images.data(), storage) << "the pixels stay in the buffer they came in";

  std::vector<uint8_t> bad = idx_images(3, 4, 5);
  bad.pop_back();
  const std::vector<uint8_t> before = bad;
  Dataset untouched;
  EXPECT_EQ(parse_idx_images(std::move(bad), "short", &untouched),
            "short: expected 76 bytes (3 images of 4x5), found 75");
  EXPECT_EQ(bad, before) << "on error the bytes are left as they were";
  EXPECT_EQ(untouched.count, 0);
}

TEST(IdxReader, LoadsTestSplitFromItsOwnFileNames) {
  std::string dir = make_test_dir();
  write_bytes(dir + "/" + kTestImagesFile, idx_images(2, 4, 5));
  write_bytes(dir + "/" + kTestLabelsFile, idx_labels(2));
  Dataset data;
  ASSERT_EQ(load_split(dir, false, 0, &data), "");
  EXPECT_EQ(data.count, 2);
  // The training files are not there.
  EXPECT_EQ(load_split(dir, true, 0, &data),
            dir + ": no train-images-idx3-ubyte or train-images-idx3-ubyte.gz");
}

TEST(IdxReader, RejectsWrongMagic) {
  std::vector<uint8_t> images = idx_images(2, 4, 5), labels = idx_labels(2);
  Dataset data;
  // A label file where images are expected, and the other way round.
  EXPECT_EQ(parse_idx_images(labels.data(), labels.size(), "imgs", &data),
            "imgs: expected IDX image magic 0x00000803, found 0x00000801 (an IDX label file)");
  EXPECT_EQ(parse_idx_labels(images.data(), images.size(), "lbls", &data.labels),
            "lbls: expected IDX label magic 0x00000801, found 0x00000803 (an IDX image file)");
  images[3] = 0x42;
  EXPECT_EQ(parse_idx_images(images.data(), images.size(), "imgs", &data),
            "imgs: expected IDX image magic 0x00000803, found 0x00000842");
  EXPECT_EQ(data.count, 0); // nothing was filled in
}

TEST(IdxReader, RejectsTruncatedFile) {
  std::string dir = make_test_dir();
  std::vector<uint8_t> images = idx_images(3, 4, 5);
  images.resize(images.size() - 1);
  write_bytes(dir + "/" + kTrainImagesFile, images);
  write_bytes(dir + "/" + kTrainLabelsFile, idx_labels(3));
  Dataset data;
  EXPECT_EQ(load_split(dir, true, 0, &data),
            dir + "/train-images-idx3-ubyte: expected 76 bytes (3 images of 4x5), found 75");

  std::vector<uint8_t> labels = idx_labels(3);
  std::vector<uint8_t> labels_short(labels.begin(), labels.end() - 2);
  EXPECT_EQ(parse_idx_labels(labels_short.data(), labels_short.size(), "lbls", &data.labels),
            "lbls: expected 11 bytes (3 labels), found 9");
}

TEST(IdxReader, RejectsHeaderShorterThanItsFixedSize) {
  std::vector<uint8_t> images = idx_images(1, 2, 2);
  Dataset data;
  EXPECT_EQ(parse_idx_images(images.data(), 12, "imgs", &data),
            "imgs: expected an IDX image header of 16 bytes, found a 12-byte file");
  EXPECT_EQ(parse_idx_images(images.data(), 0, "imgs", &data),
            "imgs: expected an IDX image header of 16 bytes, found a 0-byte file");
  std::vector<uint8_t> labels = idx_labels(1);
  EXPECT_EQ(parse_idx_labels(labels.data(), 5, "lbls", &data.labels),
            "lbls: expected an IDX label header of 8 bytes, found a 5-byte file");
}

TEST(IdxReader, RejectsExtraBytesInsteadOfIgnoringThem) {
  std::vector<uint8_t> images = idx_images(2, 4, 5);
  images.push_back(0);
  Dataset data;
  EXPECT_EQ(parse_idx_images(images.data(), images.size(), "imgs", &data),
            "imgs: expected 56 bytes (2 images of 4x5), found 57");
}

TEST(IdxReader, RejectsAbsurdDimensions) {
  Dataset data;
  struct Case {
    uint32_t count, rows, cols;
    const char* message;
  } cases[] = {
      {0, 28, 28, "x: expected 1 to 10000000 images, found 0"},
      {10000001, 28, 28, "x: expected 1 to 10000000 images, found 10000001"},
      {0xFFFFFFFF, 28, 28, "x: expected 1 to 10000000 images, found 4294967295"},
      {10, 0, 28, "x: expected image rows and cols in 1..4096, found 0 x 28"},
      {10, 28, 4097, "x: expected image rows and cols in 1..4096, found 28 x 4097"},
      {10, 0xFFFFFFFF, 0xFFFFFFFF,
       "x: expected image rows and cols in 1..4096, found 4294967295 x 4294967295"},
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> header;
    put_be32(header, 0x00000803);
    put_be32(header, c.count);
    put_be32(header, c.rows);
    put_be32(header, c.cols);
    EXPECT_EQ(parse_idx_images(header.data(), header.size(), "x", &data), c.message);
  }
  // A plausible header whose size does not fit the file: the size check, not an allocation.
  std::vector<uint8_t> header;
  put_be32(header, 0x00000803);
  put_be32(header, 10000000);
  put_be32(header, 4096);
  put_be32(header, 4096);
  EXPECT_EQ(parse_idx_images(header.data(), header.size(), "x", &data),
            "x: expected 167772160000016 bytes (10000000 images of 4096x4096), found 16");

  std::vector<uint8_t> labels;
  put_be32(labels, 0x00000801);
  put_be32(labels, 0);
  EXPECT_EQ(parse_idx_labels(labels.data(), labels.size(), "y", &data.labels),
            "y: expected 1 to 10000000 labels, found 0");
}

TEST(IdxReader, RejectsLabelCountDifferentFromImageCount) {
  std::string dir = make_test_dir();
  write_split(dir, 3, 2);
  Dataset data;
  EXPECT_EQ(load_split(dir, true, 0, &data),
            dir + "/train-labels-idx1-ubyte: expected 3 labels (one per image in " + dir +
                "/train-images-idx3-ubyte), found 2");
  EXPECT_EQ(data.count, 0); // `out` untouched on failure
}

TEST(IdxReader, LimitKeepsTheFirstSamples) {
  std::string dir = make_test_dir();
  write_split(dir, 5, 5);
  Dataset all, two, more;
  ASSERT_EQ(load_split(dir, true, 0, &all), "");
  ASSERT_EQ(load_split(dir, true, 2, &two), "");
  EXPECT_EQ(two.count, 2);
  EXPECT_EQ(two.images, std::vector<uint8_t>(all.images.begin(), all.images.begin() + 40));
  EXPECT_EQ(two.labels, (std::vector<uint8_t>{0, 1}));
  // A limit above the count keeps everything.
  ASSERT_EQ(load_split(dir, true, 100, &more), "");
  EXPECT_EQ(more.count, 5);
}

TEST(IdxReader, ReportsMissingFolderAndMissingFiles) {
  std::string dir = make_test_dir();
  Dataset data;
  std::string missing = dir + "/no_such_folder";
  EXPECT_EQ(load_split(missing, true, 0, &data),
            missing + ": no train-images-idx3-ubyte or train-images-idx3-ubyte.gz");
  write_bytes(dir + "/" + kTrainImagesFile, idx_images(1, 4, 5));
  EXPECT_EQ(load_split(dir, true, 0, &data),
            dir + ": no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz");
}

TEST(IdxReader, ReadFileBytesReportsMissingFile) {
  std::vector<uint8_t> bytes;
  std::string path = make_test_dir() + "/absent.bin";
  std::string error = read_file_bytes(path, &bytes);
  EXPECT_EQ(error.rfind(path + ": cannot open (", 0), 0u) << error;
}

// /dev/zero as a data file: refused after its first 64 bytes, not read to the 1 GiB cap.
#ifndef __EMSCRIPTEN__
TEST(IdxReader, StopsAtAHeadThatIsNotIdx) {
  std::vector<uint8_t> out;
  ASSERT_EQ(read_file_bytes("/dev/zero", &out, idx_images_size_from_head), "");
  EXPECT_EQ(out.size(), kHeadBytes);
  Dataset data;
  EXPECT_EQ(parse_idx_images(out.data(), out.size(), "/dev/zero", &data),
            "/dev/zero: expected IDX image magic 0x00000803, found 0x00000000");
}
#endif

TEST(IdxReader, ReadFileBytesReturnsPlainFileUnchanged) {
  std::string path = make_test_dir() + "/plain.bin";
  std::vector<uint8_t> written = {0x1F, 0x00, 0x8B, 1, 2, 3}, read;
  write_bytes(path, written);
  ASSERT_EQ(read_file_bytes(path, &read), "");
  EXPECT_EQ(read, written);
}

// ---------------------------------------------------------------------------------------------
// gzip

#ifdef AELAB_HAVE_ZLIB
static void write_gzip(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr) << path;
  ASSERT_EQ(gzwrite(gz, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
}

TEST(IdxReader, LoadsGzippedFiles) {
  std::string dir = make_test_dir();
  // Big enough that inflating needs more than the first output buffer.
  write_gzip(dir + "/" + kTrainImagesFile + ".gz", idx_images(1000, 28, 28));
  write_gzip(dir + "/" + kTrainLabelsFile + ".gz", idx_labels(1000));
  Dataset data;
  ASSERT_EQ(load_split(dir, true, 0, &data), "");
  EXPECT_EQ(data.count, 1000);
  std::vector<uint8_t> file = idx_images(1000, 28, 28);
  EXPECT_EQ(data.images, std::vector<uint8_t>(file.begin() + 16, file.end()));
  EXPECT_EQ(data.labels[999], 9);
}

TEST(IdxReader, PrefersThePlainFileOverTheGzippedOne) {
  std::string dir = make_test_dir();
  write_split(dir, 3, 3);
  write_gzip(dir + "/" + kTrainImagesFile + ".gz", idx_images(7, 4, 5));
  Dataset data;
  ASSERT_EQ(load_split(dir, true, 0, &data), "");
  EXPECT_EQ(data.count, 3);
}

TEST(IdxReader, DecompressesConcatenatedGzipMembers) {
  std::string dir = make_test_dir();
  std::vector<uint8_t> first = {1, 2, 3}, second = {4, 5};
  write_gzip(dir + "/a.gz", first);
  write_gzip(dir + "/b.gz", second);
  std::vector<uint8_t> both = read_bytes(dir + "/a.gz"), b = read_bytes(dir + "/b.gz"), out;
  both.insert(both.end(), b.begin(), b.end());
  write_bytes(dir + "/ab.gz", both);
  ASSERT_EQ(read_file_bytes(dir + "/ab.gz", &out), "");
  EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(IdxReader, RejectsCorruptGzip) {
  std::string dir = make_test_dir();
  std::string path = dir + "/" + kTrainImagesFile + ".gz";
  write_gzip(path, idx_images(50, 28, 28));
  std::vector<uint8_t> bytes = read_bytes(path), out;
  ASSERT_GT(bytes.size(), 40u);
  // Damage the deflate data itself; the header (10 bytes) stays valid.
  for (size_t i = 12; i < 40; i++) bytes[i] ^= 0xA5;
  write_bytes(path, bytes);
  std::string error = read_file_bytes(path, &out);
  EXPECT_EQ(error.rfind(path + ": corrupt gzip data (zlib: ", 0), 0u) << error;

  // A damaged CRC in the trailer must be caught too, not just a damaged stream.
  write_gzip(path, idx_images(2, 4, 5));
  bytes = read_bytes(path);
  bytes[bytes.size() - 8] ^= 0x01;
  write_bytes(path, bytes);
  error = read_file_bytes(path, &out);
  EXPECT_EQ(error.rfind(path + ": corrupt gzip data (zlib: ", 0), 0u) << error;
}

TEST(IdxReader, RejectsTruncatedGzip) {
  std::string dir = make_test_dir();
  std::string path = dir + "/" + kTrainImagesFile + ".gz";
  write_gzip(path, idx_images(50, 28, 28));
  std::vector<uint8_t> full = read_bytes(path), out;
  for (size_t keep : {size_t(2), size_t(10), full.size() / 2, full.size() - 1}) {
    write_bytes(path, std::vector<uint8_t>(full.begin(), full.begin() + keep));
    EXPECT_EQ(read_file_bytes(path, &out),
              path + ": truncated gzip stream (the file ends before the compressed data does)")
        << "kept " << keep << " of " << full.size() << " bytes";
  }
}

// A gzip bomb: a small file whose header says 10 images, inflating to 64 MB. Decompression stops
// at what the header says (7856 bytes, plus one to see that more follows), not at 1 GiB.
TEST(IdxReader, InflatesNoFurtherThanTheHeaderSays) {
  const std::string dir = make_test_dir(), path = dir + "/" + kTrainImagesFile + ".gz";
  gzFile gz = gzopen(path.c_str(), "wb9");
  ASSERT_NE(gz, nullptr);
  const std::vector<uint8_t> header = idx_images(10, 28, 28);
  ASSERT_EQ(gzwrite(gz, header.data(), 16), 16);
  const std::vector<uint8_t> zeros(1 << 20, 0);
  for (int i = 0; i < 64; i++)
    ASSERT_EQ(gzwrite(gz, zeros.data(), unsigned(zeros.size())), int(zeros.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  EXPECT_LT(read_bytes(path).size(), 200000u) << "a small file";
  std::vector<uint8_t> out;
  EXPECT_EQ(read_file_bytes(path, &out, idx_images_size_from_head),
            path + ": expected 7856 bytes once decompressed, as its header says, found more");
  EXPECT_TRUE(out.empty());
}

TEST(IdxReader, RejectsDataAfterTheGzipStream) {
  std::string dir = make_test_dir();
  std::string path = dir + "/x.gz";
  write_gzip(path, {1, 2, 3});
  std::vector<uint8_t> bytes = read_bytes(path), out;
  bytes.push_back(0);
  bytes.push_back(0);
  write_bytes(path, bytes);
  EXPECT_EQ(read_file_bytes(path, &out),
            path + ": expected the file to end after the gzip stream, found more bytes");
}
#else
TEST(IdxReader, RejectsGzipWhenBuiltWithoutZlib) {
  std::string path = make_test_dir() + "/" + kTrainImagesFile + ".gz";
  write_bytes(path, {0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3});
  std::vector<uint8_t> out;
  EXPECT_EQ(read_file_bytes(path, &out),
            path + ": gzip-compressed, but this build has no zlib; decompress it first");
}
#endif

// ---------------------------------------------------------------------------------------------

TEST(Preprocessing, ImagesToFloatDividesBy255) {
  Dataset data;
  data.count = 3;
  data.rows = 1;
  data.cols = 2;
  data.images = {0, 255, 51, 102, 1, 254};
  float x[4];
  images_to_float(data, 1, 2, x);
  EXPECT_EQ(x[0], 51 / 255.0f);
  EXPECT_EQ(x[1], 102 / 255.0f);
  EXPECT_EQ(x[2], 1 / 255.0f);
  EXPECT_EQ(x[3], 254 / 255.0f);
  const int indices[2] = {2, 0};
  images_to_float(data, indices, 2, x);
  EXPECT_EQ(x[0], 1 / 255.0f);
  EXPECT_EQ(x[1], 254 / 255.0f);
  EXPECT_EQ(x[2], 0.0f);
  EXPECT_EQ(x[3], 1.0f);
}

// ---------------------------------------------------------------------------------------------

TEST(RealMnist, TestSplitLoadsTenThousandDigits) {
  const std::string dir = AELAB_MNIST_DIR;
  FILE* probe = fopen((dir + "/" + kTestImagesFile).c_str(), "rb");
  if (!probe) probe = fopen((dir + "/" + kTestImagesFile + ".gz").c_str(), "rb");
  if (!probe) GTEST_SKIP() << "no MNIST test split in " << dir;
  fclose(probe);

  Dataset data;
  ASSERT_EQ(load_split(dir, false, 0, &data), "");
  EXPECT_EQ(data.count, 10000);
  EXPECT_EQ(data.rows, 28);
  EXPECT_EQ(data.cols, 28);
  EXPECT_EQ(data.images.size(), 10000u * 784u);
  int per_digit[10] = {}, total = 0;
  for (uint8_t label : data.labels) {
    ASSERT_LT(label, 10);
    per_digit[label]++;
  }
  for (int d = 0; d < 10; d++) {
    EXPECT_GT(per_digit[d], 800) << "digit " << d;
    total += per_digit[d];
  }
  EXPECT_EQ(total, 10000);
  EXPECT_EQ(data.labels[0], 7); // the famous first test digit
}
