// CRC-32 and Adler-32, the two checksums of zlib, written out so the core needs no zlib (the
// WebAssembly build has none). Both are byte-at-a-time: they run over kilobytes, not gigabytes.
#include "core/checksum.h"

namespace aelab {

// The reflected CRC-32 table for polynomial 0xEDB88320 (zlib, PNG, zip).
struct Crc32Table {
  uint32_t entry[256];
};

static Crc32Table make_crc32_table() {
  Crc32Table table;
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table.entry[n] = c;
  }
  return table;
}

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size) {
  static const Crc32Table table = make_crc32_table(); // built once, thread-safe (C++11 statics)
  // The stored CRC is the complement of the register, so chained calls compose like zlib's crc32().
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (size_t i = 0; i < size; i++) c = table.entry[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t adler32_update(uint32_t adler, const uint8_t* data, size_t size) {
  const uint32_t kMod = 65521; // largest prime below 2^16
  uint32_t a = adler & 0xFFFF, b = adler >> 16;
  // 5552 is the longest run for which b cannot overflow 32 bits before the modulo (zlib's NMAX).
  while (size > 0) {
    size_t run = size < 5552 ? size : 5552;
    size -= run;
    for (size_t i = 0; i < run; i++) {
      a += data[i];
      b += a;
    }
    data += run;
    a %= kMod;
    b %= kMod;
  }
  return (b << 16) | a;
}

} // namespace aelab
