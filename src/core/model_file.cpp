// Reading and writing the .aelab model file (layout in model_file.h). Every field is packed byte
// by byte in little-endian order, so a file saved by the native build loads in the browser and
// back. A file is trusted only after its size, dims, CRC and every float have been checked.
#include "core/model_file.h"

#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/checksum.h"
#include "core/files.h"
#include "core/half.h"

namespace aelab {

static const uint8_t kMagic[8] = {'A', 'E', 'L', 'A', 'B', 'M', 'D', 'L'};
static const uint32_t kVersion = 1;
static const uint32_t kFlagOptimizer = 1u << 0;
static const uint32_t kFlagNoise = 1u << 1;     // the input noise it was trained with
static const uint32_t kFlagHalf = 1u << 2;      // the params as float16 (no optimizer state)
static const uint32_t kFlagVae = 1u << 3;       // a variational autoencoder (model.h)
static const uint32_t kFlagConv = 1u << 4;      // a convolutional autoencoder (model.h)
static const size_t kNoiseBytes = 8;            // u8 kind, 3 bytes zero, f32 amount
static const size_t kHeaderBytes = 40;          // magic .. parameter count
static const size_t kCrcBytes = 4;              // the trailing CRC-32
static const size_t kOptimizerHeaderBytes = 12; // u8 kind, 3 zero bytes, u64 step

// ---------------------------------------------------------------------------------------------
// Little-endian packing.

static void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; i++) out.push_back(uint8_t(v >> (8 * i)));
}
static void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; i++) out.push_back(uint8_t(v >> (8 * i)));
}
// n floats from `data`, or n zeros when data is null.
static void put_f32s(std::vector<uint8_t>& out, const float* data, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t bits = 0;
    if (data) memcpy(&bits, &data[i], 4);
    put_u32(out, bits);
  }
}

static uint32_t get_u32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
static uint64_t get_u64(const uint8_t* p) { return uint64_t(get_u32(p)) | uint64_t(get_u32(p + 4)) << 32; }
static float get_f32(const uint8_t* p) {
  uint32_t bits = get_u32(p);
  float v;
  memcpy(&v, &bits, 4);
  return v;
}

// ---------------------------------------------------------------------------------------------

static bool optimizer_has_v(OptimizerKind kind) { return kind == OptimizerKind::adam; }

std::vector<uint8_t> model_to_bytes(const ModelFile& file) {
  const Autoencoder& model = file.model;
  const size_t P = model.params.size();
  const bool with_v = optimizer_has_v(file.optimizer_kind);
  // A state that was never sized (never stepped) means zero moments, which is what we write.
  const OptimizerState& state = file.optimizer;
  assert(state.m.size() == 0 || state.m.size() == P);
  assert(!with_v || state.v.size() == 0 || state.v.size() == P);

  std::vector<uint8_t> out;
  out.reserve(kHeaderBytes + 4 * P * (file.has_optimizer ? 3 : 1) + kOptimizerHeaderBytes + kCrcBytes);
  for (uint8_t c : kMagic) out.push_back(c);
  put_u32(out, kVersion);
  const ModelShape& s = model.shape;
  put_u32(out, uint32_t(s.input_dim));
  // a conv model's filter counts, a byte each, where the dense models keep their hidden size
  put_u32(out, is_conv(s) ? uint32_t(s.filters[0] | s.filters[1] << 8 | s.filters[2] << 16)
                          : uint32_t(s.hidden_dim));
  put_u32(out, uint32_t(s.latent_dim));
  const bool has_noise = file.noise.kind != NoiseKind::none;
  assert(!(file.half && file.has_optimizer));
  put_u32(out, (file.has_optimizer ? kFlagOptimizer : 0) | (has_noise ? kFlagNoise : 0) |
                   (file.half ? kFlagHalf : 0) | (s.kind == ModelKind::vae ? kFlagVae : 0) |
                   (is_conv(s) ? kFlagConv : 0));
  put_u32(out, file.epochs_trained);
  put_u64(out, uint64_t(P));
  if (file.half) { // the high bytes of all P, then the low bytes: gzip finds the exponents alike
    const size_t at = out.size();
    out.resize(at + 2 * P);
    for (size_t i = 0; i < P; i++) {
      const uint16_t h = float_to_half(model.params[i]);
      out[at + i] = uint8_t(h >> 8), out[at + P + i] = uint8_t(h);
    }
  } else {
    put_f32s(out, model.params.data(), P);
  }
  if (file.has_optimizer) {
    out.push_back(uint8_t(file.optimizer_kind));
    for (int i = 0; i < 3; i++) out.push_back(0); // padding to keep the floats 4-byte aligned
    put_u64(out, state.step);
    put_f32s(out, state.m.size() == P ? state.m.data() : nullptr, P);
    if (with_v) put_f32s(out, state.v.size() == P ? state.v.data() : nullptr, P);
  }
  if (has_noise) {
    out.push_back(uint8_t(file.noise.kind));
    for (int i = 0; i < 3; i++) out.push_back(0);
    put_f32s(out, &file.noise.amount, 1);
  }
  put_u32(out, crc32_update(0, out.data(), out.size()));
  return out;
}

// The shape the header's dims and flags give: "" or what is wrong (a size too big to be one).
static std::string shape_from_head(const uint8_t* head, ModelShape* shape) {
  const uint32_t dims[3] = {get_u32(head + 12), get_u32(head + 16), get_u32(head + 20)};
  for (uint32_t d : dims)
    if (d > 0x7FFFFFFFu) return "absurd layer size " + std::to_string(d);
  const uint32_t flags = get_u32(head + 24);
  shape->input_dim = int(dims[0]), shape->latent_dim = int(dims[2]);
  shape->kind = flags & kFlagConv ? ModelKind::conv : flags & kFlagVae ? ModelKind::vae : ModelKind::ae;
  if (flags & kFlagConv && flags & kFlagVae) return "flags bit 3 (a VAE) and bit 4 (convolutional) together";
  if (is_conv(*shape)) {
    for (int i = 0; i < 3; i++) shape->filters[i] = int(dims[1] >> (8 * i) & 0xFF);
    if (dims[1] >> 24)
      return "filter counts " + std::to_string(dims[1]) + ": expected f1 | f2 << 8 | f3 << 16";
  } else {
    shape->hidden_dim = int(dims[1]);
  }
  return check_model_shape(*shape);
}

// "" if all n floats at p are finite, else e.g. "weight 1234 is NaN".
static std::string check_finite(const uint8_t* p, size_t n, const char* what) {
  for (size_t i = 0; i < n; i++) {
    float v = get_f32(p + 4 * i);
    if (std::isnan(v)) return std::string(what) + " " + std::to_string(i) + " is NaN";
    if (std::isinf(v)) return std::string(what) + " " + std::to_string(i) + " is infinite";
  }
  return "";
}

static void copy_f32s(const uint8_t* p, size_t n, float* out) {
  for (size_t i = 0; i < n; i++) out[i] = get_f32(p + 4 * i);
}

std::string check_half_range(const Autoencoder& model) {
  for (size_t i = 0; i < model.params.size(); i++)
    if (!(std::fabs(model.params[i]) <= 65504.0f))
      return "weight " + std::to_string(i) + " (" + std::to_string(model.params[i]) +
             ") does not fit float16 (at most 65504 in size)";
  return "";
}

// Float16 weight i of n stored as two planes: n high bytes, then n low bytes.
static float half_at(const uint8_t* p, size_t n, size_t i) {
  return half_to_float(uint16_t(p[i] << 8 | p[n + i]));
}

// "" if all n float16 values at p are finite, else e.g. "weight 1234 is NaN".
static std::string check_finite_half(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float v = half_at(p, n, i);
    if (std::isnan(v)) return "weight " + std::to_string(i) + " is NaN";
    if (std::isinf(v)) return "weight " + std::to_string(i) + " is infinite";
  }
  return "";
}

namespace {

// What the fixed header says, checked against itself and the file's size.
struct Header {
  ModelShape shape;
  bool has_optimizer = false, has_noise = false, half = false;
  uint32_t epochs = 0;
  uint64_t P = 0;          // parameters
  uint64_t params_end = 0; // where the weights end
  OptimizerKind kind = OptimizerKind::adam;
};

// The format's version, the layer sizes and the flags: "" or what is wrong.
std::string read_header_fields(const uint8_t* bytes, const std::string& name, Header* h) {
  uint32_t version = get_u32(bytes + 8);
  if (version != kVersion)
    return name + ": unknown format version " + std::to_string(version) + " (this build reads version 1)";
  uint32_t flags = get_u32(bytes + 24);
  if (flags & ~(kFlagOptimizer | kFlagNoise | kFlagHalf | kFlagVae | kFlagConv)) {
    char text[16];
    snprintf(text, sizeof text, "0x%08X", unsigned(flags));
    return name + ": unknown flags " + text +
           " (this build knows bit 0, optimizer state, bit 1, training noise, bit 2, float16 weights, "
           "bit 3, a VAE, and bit 4, a convolutional model)";
  }
  std::string shape_error = shape_from_head(bytes, &h->shape);
  if (!shape_error.empty()) return name + ": " + shape_error;
  h->has_optimizer = (flags & kFlagOptimizer) != 0, h->has_noise = (flags & kFlagNoise) != 0;
  h->half = (flags & kFlagHalf) != 0;
  if (h->half && h->has_optimizer)
    return name + ": a float16 file (flag bit 2) cannot carry optimizer state (flag bit 0)";
  h->epochs = get_u32(bytes + 28);
  h->P = get_u64(bytes + 32);
  const uint64_t expected_P = parameter_count(h->shape);
  if (h->P != expected_P)
    return name + ": expected " + std::to_string(expected_P) + " parameters for a " +
           model_shape_text(h->shape) + " model, found " + std::to_string(h->P);
  // Sizes in u64: 4P can pass 4 GiB in a hostile header even though size_t is 32-bit on wasm32.
  h->params_end = kHeaderBytes + (h->half ? 2 : 4) * h->P;
  return "";
}

// The file's size against what the header says it holds (the optimizer kind, read on the way).
std::string check_size(const uint8_t* bytes, size_t size, const std::string& name, Header* h) {
  uint64_t expected_size = h->params_end + kCrcBytes;
  if (h->has_optimizer) {
    if (uint64_t(size) <= h->params_end) // cut before the optimizer kind: SGD's is the smallest state
      return name + ": truncated: expected at least " +
             std::to_string(expected_size + kOptimizerHeaderBytes + 4 * h->P) + " bytes, found " +
             std::to_string(size);
    uint8_t kind_byte = bytes[h->params_end];
    if (kind_byte != uint8_t(OptimizerKind::adam) && kind_byte != uint8_t(OptimizerKind::sgd))
      return name + ": unknown optimizer kind " + std::to_string(kind_byte);
    h->kind = OptimizerKind(kind_byte);
    expected_size += kOptimizerHeaderBytes + 4 * h->P * (optimizer_has_v(h->kind) ? 2 : 1);
  }
  if (h->has_noise) expected_size += kNoiseBytes;
  if (uint64_t(size) < expected_size)
    return name + ": truncated: expected " + std::to_string(expected_size) + " bytes, found " +
           std::to_string(size);
  if (uint64_t(size) > expected_size)
    return name + ": expected " + std::to_string(expected_size) + " bytes, found " + std::to_string(size) +
           " (data after the end of the model)";
  return "";
}

// The checksum, every number finite, and the noise record: "" or what is wrong.
std::string check_contents(const uint8_t* bytes, size_t size, const std::string& name, const Header& h,
                           Noise* noise) {
  if (get_u32(bytes + size - kCrcBytes) != crc32_update(0, bytes, size - kCrcBytes))
    return name + ": checksum mismatch: the file is corrupt";
  const size_t n = size_t(h.P); // fits: it equals parameter_count(), a size_t
  const size_t m_offset = kHeaderBytes + 4 * n + kOptimizerHeaderBytes, v_offset = m_offset + 4 * n;
  std::string error =
      h.half ? check_finite_half(bytes + kHeaderBytes, n) : check_finite(bytes + kHeaderBytes, n, "weight");
  if (error.empty() && h.has_optimizer) error = check_finite(bytes + m_offset, n, "optimizer moment m");
  if (error.empty() && h.has_optimizer && optimizer_has_v(h.kind))
    error = check_finite(bytes + v_offset, n, "optimizer moment v");
  if (!error.empty()) return name + ": " + error;
  if (!h.has_noise) return "";
  const uint8_t* at = bytes + size - kCrcBytes - kNoiseBytes; // inside the file: the sizes were checked
  noise->kind = NoiseKind(at[0]);
  noise->amount = get_f32(at + 4);
  if (at[0] > uint8_t(NoiseKind::saltpepper) || at[0] == uint8_t(NoiseKind::none) ||
      !check_noise(*noise).empty())
    return name + ": bad training noise record (kind " + std::to_string(at[0]) + ")";
  return "";
}

} // namespace

std::string model_from_bytes(const uint8_t* bytes, size_t size, const std::string& name, ModelFile* out) {
  if (size >= 8 && memcmp(bytes, kMagic, 8) != 0)
    return name + ": not an aelab model (expected magic AELABMDL)";
  if (size < kHeaderBytes + kCrcBytes)
    return name + ": truncated: expected at least " + std::to_string(kHeaderBytes + kCrcBytes) +
           " bytes, found " + std::to_string(size);
  Header h;
  Noise noise;
  std::string error = read_header_fields(bytes, name, &h);
  if (error.empty()) error = check_size(bytes, size, name, &h);
  if (error.empty()) error = check_contents(bytes, size, name, h, &noise);
  if (!error.empty()) return error;

  const size_t n = size_t(h.P);
  const uint8_t* params = bytes + kHeaderBytes;
  const size_t m_offset = kHeaderBytes + 4 * n + kOptimizerHeaderBytes, v_offset = m_offset + 4 * n;
  ModelFile file;
  file.model = make_autoencoder(h.shape);
  if (file.model.params.size() != n) // make_autoencoder and parameter_count disagree: a bug
    return name + ": internal error: the model has " + std::to_string(file.model.params.size()) +
           " parameters, expected " + std::to_string(n);
  if (h.half)
    for (size_t i = 0; i < n; i++) file.model.params[i] = half_at(params, n, i);
  else
    copy_f32s(params, n, file.model.params.data());
  file.half = h.half;
  file.has_optimizer = h.has_optimizer;
  file.optimizer_kind = h.kind;
  file.epochs_trained = h.epochs;
  file.noise = noise;
  if (h.has_optimizer) {
    file.optimizer.step = get_u64(bytes + m_offset - 8);
    file.optimizer.m = Vector::from_shape({n});
    copy_f32s(bytes + m_offset, n, file.optimizer.m.data());
  }
  if (h.has_optimizer && optimizer_has_v(h.kind)) {
    file.optimizer.v = Vector::from_shape({n});
    copy_f32s(bytes + v_offset, n, file.optimizer.v.data());
  }
  *out = std::move(file);
  return "";
}

// ---------------------------------------------------------------------------------------------

std::string save_model(const std::string& path, const ModelFile& file) {
  const std::vector<uint8_t> bytes = model_to_bytes(file);
  return replace_file_bytes(path, bytes.data(), bytes.size());
}

uint64_t model_size_from_head(const uint8_t* head, size_t n) {
  if (n < kHeaderBytes || memcmp(head, kMagic, 8) != 0 || get_u32(head + 8) != kVersion) return 0;
  ModelShape shape;
  if (!shape_from_head(head, &shape).empty()) return 0;
  const uint64_t P = get_u64(head + 32);
  if (P != parameter_count(shape)) return 0;
  const bool has_optimizer = (get_u32(head + 24) & kFlagOptimizer) != 0;
  const bool has_noise = (get_u32(head + 24) & kFlagNoise) != 0;
  const bool half = (get_u32(head + 24) & kFlagHalf) != 0;
  return kHeaderBytes + (half ? 2 : 4) * P + (has_optimizer ? kOptimizerHeaderBytes + 8 * P : 0) +
         (has_noise ? kNoiseBytes : 0) + kCrcBytes;
}

std::string load_model(const std::string& path, ModelFile* out) {
  std::vector<uint8_t> bytes;
  std::string error = read_file_bytes(path, &bytes, model_size_from_head);
  if (!error.empty()) return error;
  return model_from_bytes(bytes.data(), bytes.size(), path, out);
}

} // namespace aelab
