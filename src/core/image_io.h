// Writing pictures and arrays that other tools read: 8-bit grayscale PNG (no zlib needed: stored
// deflate blocks) and NumPy .npz archives (uncompressed zip of .npy float32 arrays).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aelab {

std::vector<uint8_t> encode_png_gray(const uint8_t* pixels, int width, int height);
std::vector<uint8_t> encode_png_rgb8(const uint8_t* rgb, int width, int height); // 3 bytes a pixel
std::string write_png_gray(const std::string& path, const uint8_t* pixels, int width, int height);

struct NpyArray {
  std::string name;            // entry name without ".npy", e.g. "W1"
  std::vector<size_t> shape;   // e.g. {784, 128}
  const float* data = nullptr; // product(shape) floats, row-major
};
std::vector<uint8_t> encode_npy(const NpyArray& array); // one .npy file (float32, little-endian)
std::vector<uint8_t> encode_npz(const std::vector<NpyArray>& arrays);

// A file by name, for a zip archive (the app's Embedding Projector download).
struct NamedFile {
  std::string name;
  std::vector<uint8_t> bytes;
};
// A zip archive of the files, stored (method 0), without zip64: no bytes if it would need it (an
// entry or the whole over 4 GiB). .npz archives are this with .npy entries.
std::vector<uint8_t> encode_zip(const std::vector<NamedFile>& files);
std::string write_npz(const std::string& path, const std::vector<NpyArray>& arrays);

// The 2 x n figure: the digits in the first row, their reconstructions below, each 28x28 image
// given as n*784 floats in [0, 1], drawn `scale` times larger with a `gap`-pixel border.
// Returns the grayscale pixels and sets width/height.
std::vector<uint8_t> compose_figure(const float* originals, const float* reconstructions, int n, int scale,
                                    int gap, int* width, int* height);

} // namespace aelab
