// The .aelab model file: what is saved loads back bit for bit, and every kind of damage (short
// file, flipped byte, wrong magic or version, inconsistent header, NaN) is refused by name.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/checksum.h"
#include "core/half.h"
#include "core/model_file.h"

#include "test_util.h"

using namespace aelab;

// A small model (2276 parameters) whose values exercise the float encoding: signs, -0, tiny
// denormals, large magnitudes.
static const ModelShape kSmall = {64, 16, 4};

static float pattern(size_t i, float salt) {
  switch (i % 5) {
  case 0:
    return -0.0f;
  case 1:
    return 1e-40f * float(i % 7 + 1); // denormal
  case 2:
    return 3.0e38f / float(i + 1);
  default:
    return std::sin(float(i) * 0.37f + salt) * (i % 2 ? 1.0f : -1.0f);
  }
}

static ModelFile make_file(const ModelShape& shape, bool with_optimizer, OptimizerKind kind) {
  ModelFile file;
  file.model = make_autoencoder(shape);
  for (size_t i = 0; i < file.model.params.size(); i++) file.model.params(i) = pattern(i, 0.0f);
  file.epochs_trained = 17;
  file.has_optimizer = with_optimizer;
  file.optimizer_kind = kind;
  if (with_optimizer) {
    size_t P = file.model.params.size();
    file.optimizer.step = 0x0123456789ABCDEFull; // all eight bytes differ
    file.optimizer.m = xt::zeros<float>({P});
    for (size_t i = 0; i < P; i++) file.optimizer.m(i) = pattern(i, 1.0f);
    if (kind == OptimizerKind::adam) {
      file.optimizer.v = xt::zeros<float>({P});
      for (size_t i = 0; i < P; i++) file.optimizer.v(i) = std::fabs(pattern(i, 2.0f));
    }
  }
  return file;
}

static bool same_bits(const Vector& a, const Vector& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Rewrites the trailing CRC so that a deliberate edit reaches the check after the checksum.
static void fix_crc(std::vector<uint8_t>& bytes) {
  uint32_t crc = crc32_update(0, bytes.data(), bytes.size() - 4);
  for (int i = 0; i < 4; i++) bytes[bytes.size() - 4 + i] = uint8_t(crc >> (8 * i));
}

static void put_le32(std::vector<uint8_t>& bytes, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) bytes[at + i] = uint8_t(v >> (8 * i));
}

static std::string parse(const std::vector<uint8_t>& bytes, ModelFile* out) {
  return model_from_bytes(bytes.data(), bytes.size(), "model.aelab", out);
}

// ---------------------------------------------------------------------------------------------

TEST(ModelFile, RoundTripsWithoutOptimizerStateBitExactly) {
  ModelFile saved = make_file(kSmall, false, OptimizerKind::adam), loaded;
  std::vector<uint8_t> bytes = model_to_bytes(saved);
  EXPECT_EQ(bytes.size(), 40 + 4 * parameter_count(kSmall) + 4);
  ASSERT_EQ(parse(bytes, &loaded), "");
  EXPECT_TRUE(loaded.model.shape == kSmall);
  EXPECT_TRUE(same_bits(loaded.model.params, saved.model.params));
  EXPECT_EQ(loaded.model.layers[3].activation, Activation::sigmoid); // built by make_autoencoder
  EXPECT_FALSE(loaded.has_optimizer);
  EXPECT_EQ(loaded.epochs_trained, 17u);
}

TEST(ModelFile, RoundTripsAdamStateBitExactly) {
  ModelFile saved = make_file(kSmall, true, OptimizerKind::adam), loaded;
  std::vector<uint8_t> bytes = model_to_bytes(saved);
  size_t P = parameter_count(kSmall);
  EXPECT_EQ(bytes.size(), 40 + 4 * P + 12 + 8 * P + 4);
  ASSERT_EQ(parse(bytes, &loaded), "");
  EXPECT_TRUE(same_bits(loaded.model.params, saved.model.params));
  ASSERT_TRUE(loaded.has_optimizer);
  EXPECT_EQ(loaded.optimizer_kind, OptimizerKind::adam);
  EXPECT_EQ(loaded.optimizer.step, 0x0123456789ABCDEFull);
  EXPECT_TRUE(same_bits(loaded.optimizer.m, saved.optimizer.m));
  EXPECT_TRUE(same_bits(loaded.optimizer.v, saved.optimizer.v));
  EXPECT_EQ(model_to_bytes(loaded), bytes); // and saving again gives the same file
}

TEST(ModelFile, RoundTripsSgdStateWithoutSecondMoment) {
  ModelFile saved = make_file(kSmall, true, OptimizerKind::sgd), loaded;
  std::vector<uint8_t> bytes = model_to_bytes(saved);
  size_t P = parameter_count(kSmall);
  EXPECT_EQ(bytes.size(), 40 + 4 * P + 12 + 4 * P + 4);
  ASSERT_EQ(parse(bytes, &loaded), "");
  EXPECT_EQ(loaded.optimizer_kind, OptimizerKind::sgd);
  EXPECT_TRUE(same_bits(loaded.optimizer.m, saved.optimizer.m));
  EXPECT_EQ(loaded.optimizer.v.size(), 0u);
}

TEST(ModelFile, UnsizedOptimizerStateIsSavedAsZeroMoments) {
  ModelFile saved = make_file(kSmall, false, OptimizerKind::adam), loaded;
  saved.has_optimizer = true; // state never sized: step 0, empty m and v
  ASSERT_EQ(parse(model_to_bytes(saved), &loaded), "");
  ASSERT_EQ(loaded.optimizer.m.size(), parameter_count(kSmall));
  EXPECT_EQ(loaded.optimizer.step, 0u);
  EXPECT_EQ(xt::amax(xt::abs(loaded.optimizer.m))(), 0.0f);
  EXPECT_EQ(xt::amax(xt::abs(loaded.optimizer.v))(), 0.0f);
}

TEST(ModelFile, HeaderIsLittleEndianAsDocumented) {
  ModelFile file = make_file(ModelShape{}, false, OptimizerKind::adam); // 784-128-32
  std::vector<uint8_t> b = model_to_bytes(file);
  ASSERT_GE(b.size(), 40u);
  EXPECT_EQ(std::string(b.begin(), b.begin() + 8), "AELABMDL");
  EXPECT_EQ(std::vector<uint8_t>(b.begin() + 8, b.begin() + 40),
            (std::vector<uint8_t>{1,    0,    0,    0, // version
                                  0x10, 0x03, 0,    0, // 784
                                  128,  0,    0,    0, // 128
                                  32,   0,    0,    0, // 32
                                  0,    0,    0,    0, // flags
                                  17,   0,    0,    0, // epochs
                                  0x30, 0x34, 0x03, 0, // 209968 parameters
                                  0,    0,    0,    0}));
  EXPECT_EQ(parameter_count(ModelShape{}), 209968u);
  // First weight is -0.0f: sign bit only, in the last byte.
  EXPECT_EQ(std::vector<uint8_t>(b.begin() + 40, b.begin() + 44), (std::vector<uint8_t>{0, 0, 0, 0x80}));
}

TEST(ModelFile, SaveAndLoadThroughAFileLeavesNoTemporary) {
  std::string path = make_test_dir() + "/model.aelab";
  ModelFile saved = make_file(kSmall, true, OptimizerKind::adam), loaded;
  ASSERT_EQ(save_model(path, saved), "");
  // Saving again replaces the file in place.
  saved.epochs_trained = 18;
  ASSERT_EQ(save_model(path, saved), "");
  ASSERT_EQ(load_model(path, &loaded), "");
  EXPECT_EQ(loaded.epochs_trained, 18u);
  EXPECT_TRUE(same_bits(loaded.model.params, saved.model.params));
  FILE* tmp = fopen((path + ".tmp").c_str(), "rb");
  EXPECT_EQ(tmp, nullptr);
  if (tmp) fclose(tmp);
}

TEST(ModelFile, ReportsUnwritableAndMissingPaths) {
  std::string dir = make_test_dir();
  ModelFile file = make_file(kSmall, false, OptimizerKind::adam), loaded;
  std::string error = save_model(dir + "/no_such_folder/model.aelab", file);
  EXPECT_EQ(error, dir + "/no_such_folder/model.aelab: the folder " + dir + "/no_such_folder does not exist");
  error = load_model(dir + "/absent.aelab", &loaded);
  EXPECT_EQ(error.rfind(dir + "/absent.aelab: cannot open (", 0), 0u) << error;
}

#ifndef __EMSCRIPTEN__ // devices and symlinks as Linux has them
// save_model replaces only a regular file: a symlink or a device at the path is refused, and
// left as it was (it used to be replaced by a regular file through the rename).
TEST(ModelFile, RefusesToReplaceWhatIsNotARegularFile) {
  const std::string dir = make_test_dir();
  ModelFile file = make_file(kSmall, false, OptimizerKind::adam);
  const std::string target = dir + "/target.aelab", link = dir + "/link.aelab";
  ASSERT_EQ(save_model(target, file), "");
  std::remove(link.c_str()); // from an earlier run
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  EXPECT_EQ(save_model(link, file),
            link + ": is a symbolic link, not a regular file; refusing to replace it");
  struct stat st;
  ASSERT_EQ(lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the link is still a link";
  EXPECT_EQ(save_model("/dev/null", file),
            "/dev/null: is a character device, not a regular file; refusing to replace it");
  EXPECT_EQ(save_model(dir, file), dir + ": is a folder, not a regular file; refusing to replace it");
  EXPECT_EQ(save_model(target, file), "") << "a regular file is replaced";
}

// A file is read no further than its header allows: /dev/zero is refused after its first bytes,
// and a model followed by garbage after what the header allows fails before it is all in memory.
TEST(ModelFile, ReadsNoFurtherThanTheHeaderAllows) {
  ModelFile loaded;
  EXPECT_EQ(load_model("/dev/zero", &loaded), "/dev/zero: not an aelab model (expected magic AELABMDL)");
  ModelFile saved = make_file(kSmall, true, OptimizerKind::adam);
  std::vector<uint8_t> bytes = model_to_bytes(saved);
  const uint64_t most = model_size_from_head(bytes.data(), bytes.size());
  EXPECT_EQ(most, bytes.size()) << "Adam's state is the largest a file with the optimizer flag can have";
  bytes.resize(bytes.size() + 5000000, 0);
  const std::string path = make_test_dir() + "/long.aelab";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
  EXPECT_EQ(load_model(path, &loaded),
            path + ": expected " + std::to_string(most) + " bytes, as its header says, found more");
}

#endif

TEST(ModelFile, RejectsTruncatedFileAtEveryLength) {
  ModelFile saved = make_file(kSmall, true, OptimizerKind::adam), loaded;
  std::vector<uint8_t> bytes = model_to_bytes(saved);
  const size_t P = parameter_count(kSmall), full = bytes.size();
  struct Case {
    size_t size;
    std::string message;
  } cases[] = {
      {0, "model.aelab: truncated: expected at least 44 bytes, found 0"},
      {5, "model.aelab: truncated: expected at least 44 bytes, found 5"},
      {43, "model.aelab: truncated: expected at least 44 bytes, found 43"},
      // Cut before the optimizer kind: the smallest possible (SGD) file size is the expectation.
      {44, "model.aelab: truncated: expected at least " + std::to_string(40 + 4 * P + 12 + 4 * P + 4) +
               " bytes, found 44"},
      {40 + 4 * P, "model.aelab: truncated: expected at least " +
                       std::to_string(40 + 4 * P + 12 + 4 * P + 4) + " bytes, found " +
                       std::to_string(40 + 4 * P)},
      {40 + 4 * P + 1, "model.aelab: truncated: expected " + std::to_string(full) + " bytes, found " +
                           std::to_string(40 + 4 * P + 1)},
      {full - 1, "model.aelab: truncated: expected " + std::to_string(full) + " bytes, found " +
                     std::to_string(full - 1)},
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + c.size);
    EXPECT_EQ(parse(cut, &loaded), c.message) << "size " << c.size;
  }
  bytes.push_back(0);
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: expected " + std::to_string(full) + " bytes, found " +
                                       std::to_string(full + 1) + " (data after the end of the model)");
}

TEST(ModelFile, DetectsOneFlippedByteAnywhereInTheData) {
  ModelFile saved = make_file(kSmall, true, OptimizerKind::adam), loaded;
  const std::vector<uint8_t> bytes = model_to_bytes(saved);
  // In a weight, in the epoch count, in the optimizer step, in a moment, in the CRC itself.
  const size_t P = parameter_count(kSmall);
  for (size_t at : {size_t(40 + 4 * 1000 + 1), size_t(28), 40 + 4 * P + 4, 40 + 4 * P + 12 + 4 * P + 3,
                    bytes.size() - 1}) {
    std::vector<uint8_t> damaged = bytes;
    damaged[at] ^= 0x10;
    EXPECT_EQ(parse(damaged, &loaded), "model.aelab: checksum mismatch: the file is corrupt")
        << "byte " << at;
  }
}

TEST(ModelFile, RejectsWrongMagic) {
  std::vector<uint8_t> bytes = model_to_bytes(make_file(kSmall, false, OptimizerKind::adam));
  bytes[0] = 'X';
  ModelFile loaded;
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: not an aelab model (expected magic AELABMDL)");
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
  EXPECT_EQ(parse(png, &loaded), "model.aelab: not an aelab model (expected magic AELABMDL)");
}

TEST(ModelFile, RejectsUnknownVersion) {
  std::vector<uint8_t> bytes = model_to_bytes(make_file(kSmall, false, OptimizerKind::adam));
  put_le32(bytes, 8, 2);
  fix_crc(bytes);
  ModelFile loaded;
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: unknown format version 2 (this build reads version 1)");
}

TEST(ModelFile, RejectsParameterCountThatDoesNotMatchTheDims) {
  std::vector<uint8_t> bytes = model_to_bytes(make_file(kSmall, false, OptimizerKind::adam));
  put_le32(bytes, 32, 2275); // one fewer than 64-16-4 needs
  fix_crc(bytes);
  ModelFile loaded;
  EXPECT_EQ(parse(bytes, &loaded),
            "model.aelab: expected 2276 parameters for a 64-16-4-16-64 model, found 2275");
  // A count with its high word set, as a hostile file could carry.
  put_le32(bytes, 32, 2276);
  put_le32(bytes, 36, 1);
  fix_crc(bytes);
  EXPECT_EQ(parse(bytes, &loaded),
            "model.aelab: expected 2276 parameters for a 64-16-4-16-64 model, found 4294969572");
}

TEST(ModelFile, RejectsAbsurdDimsAndUnknownFields) {
  const std::vector<uint8_t> good = model_to_bytes(make_file(kSmall, true, OptimizerKind::adam));
  ModelFile loaded;
  std::vector<uint8_t> bytes = good;
  put_le32(bytes, 16, 0); // hidden_dim 0
  fix_crc(bytes);
  std::string error = parse(bytes, &loaded);
  EXPECT_EQ(error.rfind("model.aelab: hidden = 0", 0), 0u) << error; // check_model_shape's words
  bytes = good;
  put_le32(bytes, 20, 0xFFFFFFFF); // latent_dim beyond int
  fix_crc(bytes);
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: absurd layer size 4294967295");
  bytes = good;
  put_le32(bytes, 24, 0x21); // an unknown flag bit
  fix_crc(bytes);
  EXPECT_EQ(parse(bytes, &loaded),
            "model.aelab: unknown flags 0x00000021 (this build knows bit 0, optimizer state, bit 1, training "
            "noise, bit 2, float16 weights, bit 3, a VAE, and bit 4, a convolutional model)");
  bytes = good;
  put_le32(bytes, 24, 0x18); // a VAE and convolutional at once
  fix_crc(bytes);
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: flags bit 3 (a VAE) and bit 4 (convolutional) together");
  bytes = good;
  put_le32(bytes, 24, 0x9); // the VAE bit on a plain model's parameters
  fix_crc(bytes);
  EXPECT_EQ(parse(bytes, &loaded).find("expected 2344 parameters for a 64-16-4-16-64 VAE model, found 2276"),
            13u);
  bytes = good;
  bytes[40 + 4 * parameter_count(kSmall)] = 9; // optimizer kind
  fix_crc(bytes);
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: unknown optimizer kind 9");
}

TEST(ModelFile, RejectsNaNAndInfiniteValuesAfterAValidChecksum) {
  ModelFile file = make_file(kSmall, true, OptimizerKind::adam), loaded;
  file.model.params(1234) = std::numeric_limits<float>::quiet_NaN();
  std::vector<uint8_t> bytes = model_to_bytes(file); // the CRC covers the NaN: only the NaN check can fire
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: weight 1234 is NaN");
  file.model.params(1234) = 0.5f;
  file.model.params(7) = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(parse(model_to_bytes(file), &loaded), "model.aelab: weight 7 is infinite");
  file.model.params(7) = 0.5f;
  file.optimizer.v(99) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(parse(model_to_bytes(file), &loaded), "model.aelab: optimizer moment v 99 is NaN");

  // And by editing the bytes of a good file, recomputing the CRC by hand.
  file.optimizer.v(99) = 1.0f;
  bytes = model_to_bytes(file);
  put_le32(bytes, 40 + 4 * 1234, 0x7FC00000); // a quiet NaN
  fix_crc(bytes);
  EXPECT_EQ(parse(bytes, &loaded), "model.aelab: weight 1234 is NaN");
}

// ---- float16 weights (the page's first download)

static float bits_to_float(uint32_t x) {
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

// Every float16 but the NaNs comes back from float32 as itself.
TEST(Half, EveryFloat16RoundTripsThroughFloat32) {
  for (uint32_t h = 0; h < 0x10000u; h++) {
    const float f = half_to_float(uint16_t(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(half_to_float(float_to_half(f))));
      continue;
    }
    ASSERT_EQ(float_to_half(f), h) << std::hex << h;
  }
  EXPECT_EQ(half_to_float(0x3C00), 1.0f);
  EXPECT_EQ(half_to_float(0x7BFF), 65504.0f);
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24)); // the smallest subnormal
}

// float_to_half is the nearest float16, ties to even, against a search over all of them.
TEST(Half, RoundsToTheNearestFloat16TiesToEven) {
  std::vector<float> finite; // the finite float16 values, ascending, with their bits
  std::vector<uint16_t> bits;
  for (uint32_t h = 0xFBFF;; h--) { // -65504 up to -0 (0x8000)
    finite.push_back(half_to_float(uint16_t(h))), bits.push_back(uint16_t(h));
    if (h == 0x8000) break;
  }
  for (uint32_t h = 0; h <= 0x7BFF; h++)
    finite.push_back(half_to_float(uint16_t(h))), bits.push_back(uint16_t(h));
  uint64_t state = 12345;
  for (int k = 0; k < 200000; k++) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    // random bit patterns below 65504 in size: all exponents, half of them near a tie
    uint32_t x = uint32_t(state >> 32) % 0x477FE000u;
    if (k % 2) x = (x & ~0x1FFFu) | 0x1000u | (k % 4 == 1 ? 0 : 1); // exactly halfway, or just past
    if (state & 1) x |= 0x80000000u;
    const float f = bits_to_float(x);
    const auto hi = std::lower_bound(finite.begin(), finite.end(), f);
    size_t best = size_t(hi - finite.begin());
    if (best == finite.size() || (best > 0 && f - finite[best - 1] < finite[best] - f))
      best--;
    else if (best > 0 && f - finite[best - 1] == finite[best] - f && (bits[best] & 1))
      best--; // tie: even
    const uint16_t want = f == 0 ? uint16_t(std::signbit(f) ? 0x8000 : 0) : bits[best];
    ASSERT_EQ(float_to_half(f), want) << f << " " << std::hex << x;
  }
  EXPECT_EQ(float_to_half(65520.0f), 0x7C00); // halfway past 65504 rounds to even: infinite
  EXPECT_EQ(float_to_half(65519.0f), 0x7BFF);
}

TEST(ModelFile, Float16WeightsHalveTheFileAndComeBackRounded) {
  ModelFile saved = make_file(kSmall, false, OptimizerKind::adam), loaded;
  for (size_t i = 0; i < saved.model.params.size(); i++) saved.model.params(i) = std::sin(float(i)) * 3.0f;
  saved.half = true;
  const std::vector<uint8_t> bytes = model_to_bytes(saved);
  EXPECT_EQ(bytes.size(), 40 + 2 * parameter_count(kSmall) + 4);
  ASSERT_EQ(parse(bytes, &loaded), "");
  EXPECT_TRUE(loaded.half);
  for (size_t i = 0; i < saved.model.params.size(); i++)
    ASSERT_EQ(loaded.model.params(i), half_to_float(float_to_half(saved.model.params(i))));
  // saved again as float16, the same bytes
  EXPECT_EQ(model_to_bytes(loaded), bytes);
  // the header's size for a float16 file is what it has
  EXPECT_EQ(model_size_from_head(bytes.data(), 40), bytes.size());
}

TEST(ModelFile, Float16FilesRefuseOptimizerStateInfinitiesAndCuts) {
  ModelFile saved = make_file(kSmall, false, OptimizerKind::adam), loaded;
  for (size_t i = 0; i < saved.model.params.size(); i++) saved.model.params(i) = 0.5f;
  saved.half = true;
  std::vector<uint8_t> bytes = model_to_bytes(saved);
  std::vector<uint8_t> both = bytes;
  put_le32(both, 24, 1u | 4u);
  fix_crc(both);
  EXPECT_EQ(parse(both, &loaded),
            "model.aelab: a float16 file (flag bit 2) cannot carry optimizer state (flag bit 0)");
  std::vector<uint8_t> inf = bytes;
  const size_t P = parameter_count(kSmall);
  inf[40 + 7] = 0x7C, inf[40 + P + 7] = 0x00; // weight 7 = +inf: its high byte, then its low byte
  fix_crc(inf);
  EXPECT_EQ(parse(inf, &loaded), "model.aelab: weight 7 is infinite");
  std::vector<uint8_t> cut(bytes.begin(), bytes.end() - 100);
  EXPECT_NE(parse(cut, &loaded).find("truncated: expected " + std::to_string(bytes.size())),
            std::string::npos);
  saved.model.params(3) = 70000.0f;
  EXPECT_EQ(check_half_range(saved.model),
            "weight 3 (70000.000000) does not fit float16 (at most 65504 in size)");
}
