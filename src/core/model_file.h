// The model file (.aelab): a small versioned binary format, little-endian throughout.
//
//   offset  size  field
//   0       8     magic "AELABMDL"
//   8       4     u32 format version (1)
//   12      4     u32 input_dim
//   16      4     u32 hidden_dim; a convolutional model (bit 4): its filter counts f1 | f2 << 8 | f3 << 16
//   20      4     u32 latent_dim
//   24      4     u32 flags: bit 0 = optimizer state present, bit 1 = training noise recorded,
//                 bit 2 = half precision: the params as float16 (never with bit 0),
//                 bit 3 = a variational autoencoder: W2 is (hidden x 2 latent), its first latent
//                 columns give mu and the last log sigma^2, and b2 likewise (model.h),
//                 bit 4 = a convolutional autoencoder (model.h's stages; latent_dim is its code's
//                 size, 4 * 4 * f3): the params are each conv stage's kernel (3, 3, Cin, Cout),
//                 Keras' HWIO, row-major, then its bias, conv1 to conv7
//   28      4     u32 epochs trained
//   32      8     u64 parameter count P (must equal what the dims imply)
//   40      4*P   f32 params: W1 (in x hidden, row-major), b1, W2, b2, W3, b3, W4, b4
//                 (P counts W2 and b2 twice as wide for a VAE; a conv model's are as bit 4 says)
//                 (with bit 2: 2*P bytes of IEEE float16 as two planes, the P high bytes then the
//                 P low bytes, which gzip compresses 7% better than pairs; expanded to f32 on
//                 load; half the page's first download: aelab convert --precision fp16)
//   [if flag 0: u8 optimizer kind, 3 bytes zero, u64 step, f32 m[P], f32 v[P] (v absent for SGD)]
//   [if flag 1: u8 noise kind (noise.h: 1 gaussian, 2 mask, 3 saltpepper), 3 bytes zero, f32 amount]
//   end-4   4     u32 CRC-32 (zlib polynomial) of every byte before it
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/noise.h"
#include "core/optim.h"

namespace aelab {

struct ModelFile {
  Autoencoder model;
  bool has_optimizer = false;
  OptimizerKind optimizer_kind = OptimizerKind::adam;
  OptimizerState optimizer;
  uint32_t epochs_trained = 0;
  Noise noise; // the input noise it was trained with (none: a plain autoencoder)
  // The weights stored as float16 (rounded to nearest, ties to even): a weights-only file, half
  // the size. model_to_bytes refuses optimizer state with it; read back, they are float32 again.
  bool half = false;
};

// "" if the weights fit float16 (|w| <= 65504), else which one does not.
std::string check_half_range(const Autoencoder& model);

// Serialise to / parse from bytes (the web app saves and loads through memory).
std::vector<uint8_t> model_to_bytes(const ModelFile& file);
// "" on success, else one line naming `name` and what was wrong (bad magic, unknown version,
// truncated: expected N bytes found M, checksum mismatch, absurd dims, NaN weights...).
std::string model_from_bytes(const uint8_t* bytes, size_t size, const std::string& name, ModelFile* out);

// The most bytes a model file with this head can have (files.h's SizeFromHead): a file is read
// no further than its header allows.
uint64_t model_size_from_head(const uint8_t* head, size_t n);

// save_model writes beside `path` and renames over it (files.h's replace_file_bytes): it refuses
// to replace a symlink, a device or a folder.
std::string save_model(const std::string& path, const ModelFile& file);
std::string load_model(const std::string& path, ModelFile* out);

} // namespace aelab
