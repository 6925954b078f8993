// CRC-32 and Adler-32 against the published check values, and chained updates against one call.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/checksum.h"

using namespace aelab;

static const uint8_t* bytes_of(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST(Crc32, MatchesCheckValue) {
  std::string s = "123456789";
  EXPECT_EQ(crc32_update(0, bytes_of(s), s.size()), 0xCBF43926u);
}

TEST(Crc32, OfNothingIsZero) { EXPECT_EQ(crc32_update(0, nullptr, 0), 0u); }

TEST(Crc32, MatchesPngIendChunk) {
  // Every PNG ends with the same IEND chunk, whose CRC over "IEND" is AE 42 60 82.
  std::string s = "IEND";
  EXPECT_EQ(crc32_update(0, bytes_of(s), s.size()), 0xAE426082u);
}

TEST(Adler32, MatchesWikipediaExample) {
  std::string s = "Wikipedia";
  EXPECT_EQ(adler32_update(1, bytes_of(s), s.size()), 0x11E60398u);
}

TEST(Adler32, OfNothingIsOne) { EXPECT_EQ(adler32_update(1, nullptr, 0), 1u); }

TEST(Checksums, ChainedUpdatesEqualOneUpdateOverLongInput) {
  // Long enough to cross Adler-32's 5552-byte modulo interval several times, with high bytes
  // (0xFF runs are the worst case for its running sums).
  std::vector<uint8_t> data(100000);
  for (size_t i = 0; i < data.size(); i++) data[i] = i % 7 == 0 ? 0xFF : uint8_t(i * 31 + 7);
  uint32_t crc_whole = crc32_update(0, data.data(), data.size());
  uint32_t adler_whole = adler32_update(1, data.data(), data.size());
  uint32_t crc = 0, adler = 1;
  for (size_t at = 0; at < data.size(); at += 777) {
    size_t n = data.size() - at < 777 ? data.size() - at : 777;
    crc = crc32_update(crc, data.data() + at, n);
    adler = adler32_update(adler, data.data() + at, n);
  }
  EXPECT_EQ(crc, crc_whole);
  EXPECT_EQ(adler, adler_whole);
}

TEST(Adler32, MatchesDefinitionOnAllOnes) {
  // Reference by the definition: a = 1 + sum(d), b = sum of the running a, both mod 65521.
  std::vector<uint8_t> data(20000, 0xFF);
  uint64_t a = 1, b = 0;
  for (uint8_t d : data) {
    a = (a + d) % 65521;
    b = (b + a) % 65521;
  }
  EXPECT_EQ(adler32_update(1, data.data(), data.size()), uint32_t(b << 16 | a));
}
