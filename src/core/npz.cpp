// .npz reading and the Keras / PyTorch weight layouts (npz.h). The zip is read through its end
// record and central directory (the sizes and offsets there), each local header cross-checked;
// every offset and size is checked against the buffer before it is used.
#include "core/npz.h"

#include <cmath>
#include <cstring>

#include "core/checksum.h"
#include "core/files.h"

#ifdef AELAB_HAVE_ZLIB
#include <zlib.h>
#endif

namespace aelab {
namespace {

constexpr size_t kMaxArrays = 64;

uint32_t le16(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8; }
uint32_t le32(const uint8_t* p) { return le16(p) | le16(p + 2) << 16; }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32; }

std::string shape_text(const std::vector<size_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// The entry's bytes, inflated if deflated; "" or why not.
std::string entry_bytes(const uint8_t* data, size_t stored, size_t expected, uint32_t method,
                        const std::string& what, std::vector<uint8_t>* out) {
  if (method == 0) {
    if (stored != expected) return what + ": stored sizes disagree";
    out->assign(data, data + stored);
    return "";
  }
  if (method != 8) return what + ": unknown compression method " + std::to_string(method);
#ifdef AELAB_HAVE_ZLIB
  out->resize(expected);
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return what + ": zlib could not start inflating";
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = uInt(stored);
  zs.next_out = out->data();
  zs.avail_out = uInt(expected);
  const int status = inflate(&zs, Z_FINISH);
  const size_t got = expected - zs.avail_out;
  inflateEnd(&zs);
  if (status != Z_STREAM_END || got != expected)
    return what + ": corrupt deflate data (expected " + std::to_string(expected) + " bytes)";
  return "";
#else
  (void)data, (void)stored, (void)expected, (void)out;
  return what + ": compressed (np.savez_compressed), which this build cannot inflate; save it with np.savez";
#endif
}

// One .npy: magic, version, header dict {'descr': '<f4', 'fortran_order': False, 'shape': (a, b)}.
std::string parse_npy(const std::vector<uint8_t>& npy, const std::string& what, NpzArray* out) {
  if (npy.size() < 10 || std::memcmp(npy.data(), "\x93NUMPY", 6) != 0) return what + ": not a .npy array";
  const uint32_t major = npy[6];
  size_t header_len = 0, start = 0;
  if (major == 1)
    header_len = le16(&npy[8]), start = 10;
  else if ((major == 2 || major == 3) && npy.size() >= 12)
    header_len = le32(&npy[8]), start = 12;
  else
    return what + ": unknown .npy version " + std::to_string(major);
  if (header_len > npy.size() - start) return what + ": the .npy header runs past the end";
  const std::string header(reinterpret_cast<const char*>(&npy[start]), header_len);
  auto value_of = [&](const char* key) -> std::string {
    const size_t at = header.find(std::string("'") + key + "'");
    if (at == std::string::npos) return "";
    size_t v = header.find(':', at);
    if (v == std::string::npos) return "";
    v++;
    while (v < header.size() && header[v] == ' ') v++;
    size_t end = v;
    if (end < header.size() && header[end] == '(')
      end = header.find(')', end);
    else if (end < header.size() && header[end] == '\'')
      end = header.find('\'', end + 1);
    else
      while (end < header.size() && header[end] != ',' && header[end] != '}') end++;
    if (end == std::string::npos) return "";
    return header.substr(v, end - v + (header[v] == '(' || header[v] == '\'' ? 1 : 0));
  };
  const std::string descr = value_of("descr"), fortran = value_of("fortran_order"), shape = value_of("shape");
  if (descr != "'<f4'" && descr != "'<f8'")
    return what + ": dtype " + (descr.empty() ? "unknown" : descr) + ", expected float32 ('<f4') or float64";
  if (fortran != "False") return what + ": Fortran-ordered, expected C order (np.ascontiguousarray)";
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')')
    return what + ": no shape in its header";
  out->shape.clear();
  size_t count = 1;
  for (size_t i = 1; i + 1 < shape.size();) {
    while (i + 1 < shape.size() && (shape[i] == ' ' || shape[i] == ',')) i++;
    if (i + 1 >= shape.size()) break;
    size_t d = 0, digits = 0;
    while (i + 1 < shape.size() && shape[i] >= '0' && shape[i] <= '9' && digits < 10)
      d = d * 10 + size_t(shape[i++] - '0'), digits++;
    if (!digits || (i + 1 < shape.size() && shape[i] != ',' && shape[i] != ' ') || out->shape.size() >= 4)
      return what + ": bad shape " + shape;
    if (d && count > (size_t(1) << 31) / d) return what + ": shape " + shape + " is too large";
    count *= d;
    out->shape.push_back(d);
  }
  const size_t item = descr == "'<f4'" ? 4 : 8, body = npy.size() - start - header_len;
  if (body != count * item)
    return what + ": expected " + std::to_string(count * item) + " bytes of data for shape " +
           shape_text(out->shape) + ", found " + std::to_string(body);
  out->data.resize(count);
  const uint8_t* p = &npy[start + header_len];
  for (size_t i = 0; i < count; i++) {
    if (item == 4) {
      const uint32_t bits = le32(p + 4 * i);
      std::memcpy(&out->data[i], &bits, 4);
    } else {
      const uint64_t bits = le64(p + 8 * i);
      double v;
      std::memcpy(&v, &bits, 8);
      out->data[i] = float(v);
    }
  }
  return "";
}

// The weights and biases of either layout, as (in x out) matrices and vectors: four Linear
// pieces for the plain model, five for a VAE (the mu and log sigma^2 pieces are layer 1's halves).
struct Layers {
  const NpzArray* w[5] = {};
  const NpzArray* b[5] = {};
  int count = 0;
  bool transposed = false; // PyTorch: weights are (out x in)
};

const NpzArray* find(const std::vector<NpzArray>& arrays, const std::string& name) {
  for (const NpzArray& a : arrays)
    if (a.name == name) return &a;
  return nullptr;
}

bool ends_with(const std::string& s, const char* tail) {
  const size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

} // namespace

std::string read_npz(const uint8_t* bytes, size_t size, const std::string& name, std::vector<NpzArray>* out) {
  // the end record: its signature in the last 22 + 65535 bytes (a comment may follow it)
  if (size < 22) return name + ": not an .npz (too short for a zip archive)";
  size_t end = size - 22;
  for (;; end--) {
    if (le32(bytes + end) == 0x06054B50 && end + 22 + le16(bytes + end + 20) == size) break;
    if (end == 0 || size - end > 22 + 65535) return name + ": not an .npz (no zip end record)";
  }
  const uint32_t count = le16(bytes + end + 10), dir_size = le32(bytes + end + 12),
                 dir_at = le32(bytes + end + 16);
  if (count == 0) return name + ": an empty archive, expected the model's arrays";
  if (count > kMaxArrays) return name + ": " + std::to_string(count) + " entries, expected at most 64 arrays";
  if (uint64_t(dir_at) + dir_size > end) return name + ": the zip directory runs past its end record";
  out->clear();
  size_t at = dir_at;
  for (uint32_t i = 0; i < count; i++) {
    if (at + 46 > uint64_t(dir_at) + dir_size || le32(bytes + at) != 0x02014B50)
      return name + ": zip directory entry " + std::to_string(i) + " is corrupt";
    const uint32_t method = le16(bytes + at + 10), crc = le32(bytes + at + 16);
    uint64_t stored = le32(bytes + at + 20), expected = le32(bytes + at + 24), local = le32(bytes + at + 42);
    const uint32_t name_len = le16(bytes + at + 28), extra_len = le16(bytes + at + 30),
                   comment_len = le16(bytes + at + 32);
    if (at + 46 + name_len + extra_len + comment_len > uint64_t(dir_at) + dir_size)
      return name + ": zip directory entry " + std::to_string(i) + " runs past the directory";
    const std::string entry(reinterpret_cast<const char*>(bytes + at + 46), name_len);
    // zip64 sizes and offset, in that order, for the fields that are 0xFFFFFFFF
    for (size_t e = at + 46 + name_len; e + 4 <= at + 46 + name_len + extra_len;) {
      const uint32_t id = le16(bytes + e), len = le16(bytes + e + 2);
      if (e + 4 + len > at + 46 + name_len + extra_len) break;
      if (id == 0x0001) {
        size_t f = e + 4;
        auto take = [&](uint64_t* v) {
          if (*v == 0xFFFFFFFFu && f + 8 <= e + 4 + len) *v = le64(bytes + f), f += 8;
        };
        take(&expected), take(&stored), take(&local);
      }
      e += 4 + len;
    }
    at += 46 + name_len + extra_len + comment_len;
    const std::string what = name + ": " + entry;
    if (!ends_with(entry, ".npy")) return what + ": not a .npy array";
    if (expected > kMaxFileBytes || stored > kMaxFileBytes) return what + ": larger than 1 GiB";
    if (local + 30 > size || le32(bytes + local) != 0x04034B50) return what + ": its local header is missing";
    const uint64_t data_at = local + 30 + le16(bytes + local + 26) + le16(bytes + local + 28);
    if (data_at + stored > dir_at) return what + ": its data runs past the zip directory";
    std::vector<uint8_t> npy;
    if (std::string e = entry_bytes(bytes + data_at, size_t(stored), size_t(expected), method, what, &npy);
        !e.empty())
      return e;
    if (crc32_update(0, npy.data(), npy.size()) != crc) return what + ": CRC mismatch: the file is corrupt";
    NpzArray array;
    array.name = entry.substr(0, entry.size() - 4);
    if (std::string e = parse_npy(npy, what, &array); !e.empty()) return e;
    out->push_back(std::move(array));
  }
  return "";
}

const char* const kKerasWeights[2][5] = {{"W1", "W2", "W3", "W4"}, {"W1", "W2_mu", "W2_log_var", "W3", "W4"}};
const char* const kKerasBiases[2][5] = {{"b1", "b2", "b3", "b4"}, {"b1", "b2_mu", "b2_log_var", "b3", "b4"}};

std::vector<NpzArray> model_to_npz(const Autoencoder& m) {
  const bool vae = m.shape.kind == ModelKind::vae;
  std::vector<NpzArray> arrays;
  if (is_conv(m.shape)) {
    for (int s = 0; s < kConvStages; s++) {
      const ConvStage& st = m.stages[s];
      if (st.kind != StageKind::conv) continue;
      const ConvLayer& L = st.conv;
      const float* w = m.params.data() + st.weight_offset;
      const float* b = m.params.data() + st.bias_offset;
      arrays.push_back({std::string(conv_stage_name(s)) + "_kernel",
                        {size_t(L.k), size_t(L.k), size_t(L.in.c), size_t(L.filters)},
                        std::vector<float>(w, w + L.weights())});
      arrays.push_back({std::string(conv_stage_name(s)) + "_bias",
                        {size_t(L.filters)},
                        std::vector<float>(b, b + L.filters)});
    }
    return arrays;
  }
  for (int l = 0, piece = 0; l < kNumLayers; l++) {
    const size_t in = size_t(m.layers[l].in), out = size_t(m.layers[l].out);
    const int halves = l == 1 && vae ? 2 : 1; // a VAE's layer 1: mu's columns, then log sigma^2's
    for (int h = 0; h < halves; h++, piece++) {
      const size_t cols = out / size_t(halves), first = size_t(h) * cols;
      NpzArray w{kKerasWeights[vae][piece], {in, cols}, {}}, b{kKerasBiases[vae][piece], {cols}, {}};
      for (size_t r = 0; r < in; r++)
        w.data.insert(w.data.end(), m.weight(l) + r * out + first, m.weight(l) + r * out + first + cols);
      b.data.assign(m.bias(l) + first, m.bias(l) + first + cols);
      arrays.push_back(std::move(w));
      arrays.push_back(std::move(b));
    }
  }
  return arrays;
}

namespace {
// A conv model: Keras' conv1_kernel (3, 3, Cin, Cout), conv1_bias, ... conv7_bias, or PyTorch's
// seven Conv2d layers, NAME.weight (Cout, Cin, 3, 3) and NAME.bias in state_dict order.
std::string conv_from_npz(const std::vector<NpzArray>& arrays, const std::string& name, ModelFile* out) {
  const NpzArray *w[kConvLayers] = {}, *b[kConvLayers] = {};
  const bool keras = find(arrays, "conv1_kernel") != nullptr;
  if (keras) {
    for (int i = 0; i < kConvLayers; i++) {
      const std::string stem = "conv" + std::to_string(i + 1);
      w[i] = find(arrays, stem + "_kernel"), b[i] = find(arrays, stem + "_bias");
      if (!w[i] || !b[i])
        return name + ": has conv1_kernel but no " + stem + (!w[i] ? "_kernel" : "_bias") +
               " (a convolutional model's Keras layout is conv1_kernel, conv1_bias, ..., conv7_bias)";
    }
  } else {
    int nw = 0, nb = 0;
    for (const NpzArray& a : arrays) {
      if (ends_with(a.name, ".weight") && nw < kConvLayers)
        w[nw++] = &a;
      else if (ends_with(a.name, ".bias") && nb < kConvLayers)
        b[nb++] = &a;
    }
    if (nw != kConvLayers || nb != kConvLayers)
      return name +
             ": expected seven PyTorch Conv2d layers (NAME.weight, NAME.bias) for a convolutional "
             "model, found " +
             std::to_string(nw) + " weights and " + std::to_string(nb) + " biases";
  }
  // the filter counts from the encoder's kernels, then every shape checked against them
  ModelShape shape;
  shape.kind = ModelKind::conv;
  for (int i = 0; i < 3; i++) {
    if (w[i]->shape.size() != 4)
      return name + ": " + w[i]->name + " has shape " + shape_text(w[i]->shape) + ", expected 4 dimensions";
    shape.filters[i] = int(keras ? w[i]->shape[3] : w[i]->shape[0]);
  }
  shape = with_code_size(shape);
  if (std::string e = check_model_shape(shape); !e.empty()) return name + ": " + e;
  ModelFile file;
  file.model = make_autoencoder(shape);
  for (int s = 0, i = 0; s < kConvStages; s++) {
    const ConvStage& st = file.model.stages[s];
    if (st.kind != StageKind::conv) continue;
    const size_t k = size_t(st.conv.k), ci = size_t(st.conv.in.c), co = size_t(st.conv.filters);
    const std::vector<size_t> want =
        keras ? std::vector<size_t>{k, k, ci, co} : std::vector<size_t>{co, ci, k, k};
    if (w[i]->shape != want)
      return name + ": " + w[i]->name + " has shape " + shape_text(w[i]->shape) + ", expected " +
             shape_text(want);
    if (b[i]->shape != std::vector<size_t>{co})
      return name + ": " + b[i]->name + " has shape " + shape_text(b[i]->shape) + ", expected " +
             shape_text({co});
    float* dst = file.model.params.data() + st.weight_offset;
    const std::vector<float>& src = w[i]->data;
    for (size_t a = 0; a < k; a++) // HWIO from Keras as it is; from PyTorch's OIHW
      for (size_t bb = 0; bb < k; bb++)
        for (size_t c = 0; c < ci; c++)
          for (size_t o = 0; o < co; o++)
            dst[((a * k + bb) * ci + c) * co + o] =
                keras ? src[((a * k + bb) * ci + c) * co + o] : src[((o * ci + c) * k + a) * k + bb];
    std::memcpy(file.model.params.data() + st.bias_offset, b[i]->data.data(), co * sizeof(float));
    i++;
  }
  for (float v : file.model.params)
    if (!std::isfinite(v)) return name + ": a weight is NaN or infinite";
  *out = std::move(file);
  return "";
}
} // namespace

std::string model_from_npz(const std::vector<NpzArray>& arrays, const std::string& name, ModelFile* out) {
  bool conv = find(arrays, "conv1_kernel") != nullptr;
  for (const NpzArray& a : arrays) conv = conv || (ends_with(a.name, ".weight") && a.shape.size() == 4);
  if (conv) return conv_from_npz(arrays, name, out);
  Layers l;
  if (find(arrays, "W1")) { // Keras layout
    const int vae = find(arrays, "W2_mu") ? 1 : 0;
    l.count = vae ? 5 : 4;
    for (int i = 0; i < l.count; i++) {
      const std::string w = kKerasWeights[vae][i], b = kKerasBiases[vae][i];
      l.w[i] = find(arrays, w), l.b[i] = find(arrays, b);
      if (!l.w[i] || !l.b[i])
        return name + ": has W1 but no " + (!l.w[i] ? w : b) +
               (vae ? " (a VAE's Keras layout is W1, b1, W2_mu, b2_mu, W2_log_var, b2_log_var, W3, b3, W4, "
                      "b4)"
                    : " (the Keras layout is W1, b1, ..., W4, b4)");
    }
  } else { // PyTorch state_dict: the .weight and .bias arrays in their order
    int nw = 0, nb = 0;
    for (const NpzArray& a : arrays) {
      if (ends_with(a.name, ".weight") && nw < 5)
        l.w[nw++] = &a;
      else if (ends_with(a.name, ".bias") && nb < 5)
        l.b[nb++] = &a;
    }
    if (nw != nb || (nw != 4 && nw != 5))
      return name +
             ": expected the Keras arrays W1, b1, ..., W4, b4 or four PyTorch Linear layers (NAME.weight, "
             "NAME.bias), or five for a VAE, found " +
             std::to_string(arrays.size()) + " arrays";
    l.count = nw;
    l.transposed = true;
  }
  const bool vae = l.count == 5;
  // (in, out) of each piece, from its weight; they must chain 784 -> h -> z -> h -> 784
  size_t in[5], outs[5];
  for (int i = 0; i < l.count; i++) {
    const NpzArray& w = *l.w[i];
    if (w.shape.size() != 2)
      return name + ": " + w.name + " has shape " + shape_text(w.shape) + ", expected a matrix";
    in[i] = l.transposed ? w.shape[1] : w.shape[0], outs[i] = l.transposed ? w.shape[0] : w.shape[1];
  }
  ModelShape shape{int(in[0]), int(outs[0]), int(outs[1]), vae ? ModelKind::vae : ModelKind::ae};
  const size_t D = size_t(shape.input_dim), H = size_t(shape.hidden_dim), Z = size_t(shape.latent_dim);
  // each piece: its layer, the first of its columns there, its (in, out)
  const int layer_of[2][5] = {{0, 1, 2, 3}, {0, 1, 1, 2, 3}};
  const size_t column_of[2][5] = {{0, 0, 0, 0}, {0, 0, Z, 0, 0}};
  const size_t want_in[2][5] = {{D, H, Z, H}, {D, H, H, Z, H}};
  const size_t want_out[2][5] = {{H, Z, H, D}, {H, Z, Z, H, D}};
  for (int i = 0; i < l.count; i++) {
    const size_t wi = want_in[vae][i], wo = want_out[vae][i];
    const std::vector<size_t> want = l.transposed ? std::vector<size_t>{wo, wi} : std::vector<size_t>{wi, wo};
    if (l.w[i]->shape != want)
      return name + ": " + l.w[i]->name + " has shape " + shape_text(l.w[i]->shape) + ", expected " +
             shape_text(want);
    if (l.b[i]->shape != std::vector<size_t>{wo})
      return name + ": " + l.b[i]->name + " has shape " + shape_text(l.b[i]->shape) + ", expected " +
             shape_text({wo});
  }
  if (std::string e = check_model_shape(shape); !e.empty()) return name + ": " + e;
  ModelFile file;
  file.model = make_autoencoder(shape);
  for (int i = 0; i < l.count; i++) {
    const int layer = layer_of[vae][i];
    const size_t ni = want_in[vae][i], no = want_out[vae][i], first = column_of[vae][i];
    const size_t stride = size_t(file.model.layers[layer].out);
    float* w = file.model.weight(layer);
    const std::vector<float>& src = l.w[i]->data;
    for (size_t r = 0; r < ni; r++)
      for (size_t c = 0; c < no; c++)
        w[r * stride + first + c] = l.transposed ? src[c * ni + r] : src[r * no + c];
    std::memcpy(file.model.bias(layer) + first, l.b[i]->data.data(), no * sizeof(float));
  }
  for (float v : file.model.params)
    if (!std::isfinite(v)) return name + ": a weight is NaN or infinite";
  *out = std::move(file);
  return "";
}

bool looks_like_npz(const uint8_t* bytes, size_t size) {
  return size >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && (bytes[2] == 3 || bytes[2] == 5) &&
         bytes[3] == bytes[2] + 1;
}

uint64_t model_or_npz_size_from_head(const uint8_t* head, size_t n) {
  return looks_like_npz(head, n) ? kMaxFileBytes : model_size_from_head(head, n);
}

std::string import_npz(const uint8_t* bytes, size_t size, const std::string& name, ModelFile* out) {
  std::vector<NpzArray> arrays;
  if (std::string e = read_npz(bytes, size, name, &arrays); !e.empty()) return e;
  return model_from_npz(arrays, name, out);
}

} // namespace aelab
