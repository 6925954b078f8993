// Input noise for denoising (noise.h): each kind's statistics match its setting, a seed gives
// the same corruption for any thread count, the texts parse both ways and bad ones are refused,
// and a model file keeps the noise it was trained with (a bad record is refused).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/checksum.h"
#include "core/model_file.h"
#include "core/noise.h"
#include "core/pixels.h"
#include "core/threads.h"

using namespace aelab;

namespace {

constexpr int kPixels = 784, kImages = 200; // 156,800 pixels: a share's standard error ~0.0012

// kImages pictures of one value, corrupted: the bytes.
std::vector<uint8_t> corrupted(const Noise& noise, uint8_t value, uint64_t seed) {
  std::vector<uint8_t> image(kPixels, value), out(size_t(kPixels) * kImages);
  std::vector<const uint8_t*> rows(kImages, image.data());
  corrupt_images(noise, rows.data(), kImages, kPixels, seed, out.data());
  return out;
}

double share_of(const std::vector<uint8_t>& v, uint8_t value) {
  size_t n = 0;
  for (uint8_t b : v) n += b == value;
  return double(n) / double(v.size());
}

} // namespace

TEST(Noise, MaskZeroesTheShareItIsSetTo) {
  for (float p : {0.1f, 0.3f, 0.7f}) {
    const std::vector<uint8_t> v = corrupted({NoiseKind::mask, p}, 255, 7);
    EXPECT_NEAR(share_of(v, 0), p, 0.006) << p; // 5 standard errors
    EXPECT_NEAR(share_of(v, 255), 1 - p, 0.006) << p;
  }
}

TEST(Noise, SaltAndPepperSetsHalfToBlackAndHalfToWhite) {
  const std::vector<uint8_t> v = corrupted({NoiseKind::saltpepper, 0.2f}, 128, 3);
  EXPECT_NEAR(share_of(v, 0), 0.1, 0.005);
  EXPECT_NEAR(share_of(v, 255), 0.1, 0.005);
  EXPECT_NEAR(share_of(v, 128), 0.8, 0.006);
}

TEST(Noise, GaussianHasTheMeanAndSigmaItIsSetTo) {
  for (float sigma : {0.05f, 0.1f}) { // mid-grey: clipping at 0 or 1 is over 4 sigma away
    const std::vector<uint8_t> v = corrupted({NoiseKind::gaussian, sigma}, 128, 11);
    double sum = 0, sq = 0;
    for (uint8_t b : v) sum += pixel_to_unit(b), sq += double(pixel_to_unit(b)) * pixel_to_unit(b);
    const double mean = sum / double(v.size()), sd = std::sqrt(sq / double(v.size()) - mean * mean);
    EXPECT_NEAR(mean, 128.0 / 255.0, 0.002) << sigma;
    EXPECT_NEAR(sd, std::sqrt(double(sigma) * sigma + 1.0 / 12 / 255 / 255), 0.003) << sigma; // + rounding
  }
  // clipped to [0, 1]: from white, nothing goes past 255 and about half stays there
  const std::vector<uint8_t> w = corrupted({NoiseKind::gaussian, 0.3f}, 255, 5);
  EXPECT_NEAR(share_of(w, 255), 0.5, 0.01);
}

TEST(Noise, NoneCopiesAndTheSameSeedGivesTheSameBytesOnAnyThreadCount) {
  EXPECT_EQ(corrupted({}, 77, 1), std::vector<uint8_t>(size_t(kPixels) * kImages, 77));
  const Noise mask{NoiseKind::mask, 0.4f};
  set_thread_count(1);
  const std::vector<uint8_t> one = corrupted(mask, 200, 42);
  set_thread_count(thread_count_max());
  EXPECT_EQ(corrupted(mask, 200, 42), one);
  EXPECT_NE(corrupted(mask, 200, 43), one);
  // rows differ from each other (each has its own generator)
  EXPECT_NE(std::vector<uint8_t>(one.begin(), one.begin() + kPixels),
            std::vector<uint8_t>(one.begin() + kPixels, one.begin() + 2 * kPixels));
}

TEST(Noise, TextsParseBothWaysAndBadOnesAreRefused) {
  for (const char* text : {"none", "gaussian:0.25", "mask:0.3", "saltpepper:0.1", "mask:0", "mask:1"}) {
    Noise n;
    ASSERT_EQ(parse_noise(text, &n), "") << text;
    EXPECT_EQ(noise_text(n), text);
  }
  for (const char* bad : {"", "mask", "mask:", "mask:1.5", "mask:-0.1", "mask:nan", "mask:0.3x", "blur:0.2",
                          "none:0.1", "gaussian:inf"}) {
    Noise n;
    EXPECT_EQ(parse_noise(bad, &n), std::string("noise '") + bad +
                                        "': expected none, gaussian:SIGMA, mask:P or saltpepper:P with the "
                                        "amount a number from 0 to 1 (e.g. mask:0.3)");
  }
}

TEST(Noise, TheModelFileKeepsItAndRefusesABadRecord) {
  ModelFile file;
  file.model = make_autoencoder({64, 16, 4});
  file.noise = {NoiseKind::mask, 0.3f};
  std::vector<uint8_t> bytes = model_to_bytes(file);
  EXPECT_EQ(bytes.size(), 40 + 4 * parameter_count(file.model.shape) + 8 + 4);
  EXPECT_EQ(model_size_from_head(bytes.data(), bytes.size()), bytes.size());
  ModelFile loaded;
  ASSERT_EQ(model_from_bytes(bytes.data(), bytes.size(), "m.aelab", &loaded), "");
  EXPECT_TRUE(loaded.noise == file.noise);
  // a plain model has no record, and the file is as before
  file.noise = {};
  EXPECT_EQ(model_to_bytes(file).size(), 40 + 4 * parameter_count(file.model.shape) + 4);
  // an amount out of range, under a correct CRC: refused with the file's name
  const float bad = 7.0f;
  std::memcpy(&bytes[bytes.size() - 8], &bad, 4);
  const uint32_t crc = crc32_update(0, bytes.data(), bytes.size() - 4);
  for (int k = 0; k < 4; k++) bytes[bytes.size() - 4 + size_t(k)] = uint8_t(crc >> (8 * k));
  EXPECT_EQ(model_from_bytes(bytes.data(), bytes.size(), "m.aelab", &loaded),
            "m.aelab: bad training noise record (kind 2)");
}
