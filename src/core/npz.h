// Reading NumPy .npz archives (np.savez and np.savez_compressed: a zip of .npy arrays), and a
// model from the arrays of the two layouts people bring:
//   Keras (what `aelab export` writes): W1 (784 x hidden), b1, W2, b2, W3, b3, W4 (hidden x 784), b4
//   PyTorch state_dict saved through NumPy: NAME.weight (out x in, transposed here) and
//     NAME.bias for the four Linear layers, in the order they come (state_dict order), e.g.
//     0.weight, 0.bias, 2.weight, ... or encoder.0.weight, ..., decoder.2.bias.
// A VAE (model.h) has five: Keras W1, b1, W2_mu (hidden x latent), b2_mu, W2_log_var, b2_log_var,
// W3, b3, W4, b4; PyTorch five Linear layers in the order hidden, mu, log sigma^2, decoder's
// hidden, output (tests/cli/torch_vae_reference.py names them encoder, mu, logvar, decoder.0,
// decoder.2).
// A convolutional model (model.h's stages): Keras conv1_kernel (3, 3, Cin, Cout: HWIO), conv1_bias,
// ..., conv7_kernel, conv7_bias; PyTorch seven Conv2d layers, NAME.weight (Cout, Cin, 3, 3: OIHW)
// and NAME.bias in state_dict order. The filter counts follow from conv1 to conv3's kernels.
// Every failure is one line naming the file and, where it is one array's fault, the array and
// the shape or type that was expected.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/model_file.h"

namespace aelab {

struct NpzArray {
  std::string name;          // without ".npy"
  std::vector<size_t> shape; // () for a scalar
  std::vector<float> data;   // row-major; float64 arrays are converted
};

// Deflated entries (np.savez_compressed) need zlib: the native builds have it; the WebAssembly
// build refuses them with a message saying so.
std::string read_npz(const uint8_t* bytes, size_t size, const std::string& name, std::vector<NpzArray>* out);

// The model's arrays in the Keras layout, named as above (what `aelab export` writes).
std::vector<NpzArray> model_to_npz(const Autoencoder& model);

// The model in `arrays` (either layout; the shape follows from W1's or the first weight's size).
std::string model_from_npz(const std::vector<NpzArray>& arrays, const std::string& name, ModelFile* out);

// Both: bytes of an .npz -> a model (weights only, no optimizer state, 0 epochs).
std::string import_npz(const uint8_t* bytes, size_t size, const std::string& name, ModelFile* out);

// True if the bytes start like a zip archive (an .npz), not a model file.
bool looks_like_npz(const uint8_t* bytes, size_t size);
// A model file's or an .npz's most bytes from its head (files.h's SizeFromHead): an .npz may be
// up to 1 GiB; a model file as model_size_from_head says.
uint64_t model_or_npz_size_from_head(const uint8_t* head, size_t n);

} // namespace aelab
