// CRC-32 (the zlib/PNG/zip polynomial) and Adler-32, for the model file, PNG and .npz writers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace aelab {

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size);     // start with crc = 0
uint32_t adler32_update(uint32_t adler, const uint8_t* data, size_t size); // start with 1

} // namespace aelab
