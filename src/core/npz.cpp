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

// The four weights and biases of either layout, as (in x out) matrices and vectors.
struct Layers {
  const NpzArray* w[4] = {};
  const NpzArray* b[4] = {};
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

std::string model_from_npz(const std::vector<NpzArray>& arrays, const std::string& name, ModelFile* out) {
  Layers l;
  if (find(arrays, "W1")) { // Keras layout
    for (int i = 0; i < 4; i++) {
      const std::string w = "W" + std::to_string(i + 1), b = "b" + std::to_string(i + 1);
      l.w[i] = find(arrays, w), l.b[i] = find(arrays, b);
      if (!l.w[i] || !l.b[i])
        return name + ": has W1 but no " + (!l.w[i] ? w : b) + " (the Keras layout is W1, b1, ..., W4, b4)";
    }
  } else { // PyTorch state_dict: the .weight and .bias arrays in their order
    int nw = 0, nb = 0;
    for (const NpzArray& a : arrays) {
      if (ends_with(a.name, ".weight") && nw < 4)
        l.w[nw++] = &a;
      else if (ends_with(a.name, ".bias") && nb < 4)
        l.b[nb++] = &a;
    }
    if (nw != 4 || nb != 4)
      return name +
             ": expected the Keras arrays W1, b1, ..., W4, b4 or four PyTorch Linear layers (NAME.weight, "
             "NAME.bias), found " +
             std::to_string(arrays.size()) + " arrays";
    l.transposed = true;
  }
  // (in, out) of each layer, from its weight; they must chain 784 -> h -> z -> h -> 784
  size_t in[4], outs[4];
  for (int i = 0; i < 4; i++) {
    const NpzArray& w = *l.w[i];
    if (w.shape.size() != 2)
      return name + ": " + w.name + " has shape " + shape_text(w.shape) + ", expected a matrix";
    in[i] = l.transposed ? w.shape[1] : w.shape[0], outs[i] = l.transposed ? w.shape[0] : w.shape[1];
  }
  ModelShape shape{int(in[0]), int(outs[0]), int(outs[1])};
  const size_t want_in[4] = {size_t(shape.input_dim), size_t(shape.hidden_dim), size_t(shape.latent_dim),
                             size_t(shape.hidden_dim)};
  const size_t want_out[4] = {size_t(shape.hidden_dim), size_t(shape.latent_dim), size_t(shape.hidden_dim),
                              size_t(shape.input_dim)};
  for (int i = 0; i < 4; i++) {
    const std::vector<size_t> want = l.transposed ? std::vector<size_t>{want_out[i], want_in[i]}
                                                  : std::vector<size_t>{want_in[i], want_out[i]};
    if (l.w[i]->shape != want)
      return name + ": " + l.w[i]->name + " has shape " + shape_text(l.w[i]->shape) + ", expected " +
             shape_text(want);
    if (l.b[i]->shape != std::vector<size_t>{want_out[i]})
      return name + ": " + l.b[i]->name + " has shape " + shape_text(l.b[i]->shape) + ", expected " +
             shape_text({want_out[i]});
  }
  if (std::string e = check_model_shape(shape); !e.empty()) return name + ": " + e;
  ModelFile file;
  file.model = make_autoencoder(shape);
  for (int i = 0; i < 4; i++) {
    const size_t ni = want_in[i], no = want_out[i];
    float* w = file.model.weight(i);
    const std::vector<float>& src = l.w[i]->data;
    for (size_t r = 0; r < ni; r++)
      for (size_t c = 0; c < no; c++) w[r * no + c] = l.transposed ? src[c * ni + r] : src[r * no + c];
    std::memcpy(file.model.bias(i), l.b[i]->data.data(), no * sizeof(float));
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
