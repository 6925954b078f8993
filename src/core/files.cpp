// Reading and writing whole files (see files.h). The reader pulls a file's content (raw, or
// inflated gzip members) in pieces, so it can stop at what the header allows before the bytes
// are in memory.
#include "core/files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#ifdef AELAB_HAVE_ZLIB
#include <zlib.h>
#endif

namespace aelab {

namespace {

constexpr size_t kChunk = size_t(1) << 20;

// A file's content, piece by piece: its bytes, or for gzip data the bytes its members inflate to
// (gzip -d accepts concatenated members, so we do too).
class ContentReader {
public:
  ContentReader(std::FILE* f, const std::string& name) : f_(f), name_(name), raw_(kChunk) {
    fill_raw();
    gzip_ = raw_len_ >= 2 && raw_[0] == 0x1F && raw_[1] == 0x8B;
#ifdef AELAB_HAVE_ZLIB
    if (gzip_) {
      std::memset(&zs_, 0, sizeof zs_);
      if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK)
        error = name_ + ": zlib could not start inflating";
      else
        zs_started_ = true;
    }
#else
    if (gzip_) error = name_ + ": gzip-compressed, but this build has no zlib; decompress it first";
#endif
  }
  ~ContentReader() {
#ifdef AELAB_HAVE_ZLIB
    if (zs_started_) inflateEnd(&zs_);
#endif
  }

  bool gzip() const { return gzip_; }

  // Appends up to `want` bytes to *data. Returns how many; 0 at the end or on an error.
  size_t read(std::vector<uint8_t>* data, size_t want) {
    if (!error.empty() || ended_ || want == 0) return 0;
    const size_t before = data->size();
    data->resize(before + want);
    const size_t got =
        gzip_ ? inflate_into(data->data() + before, want) : copy_into(data->data() + before, want);
    data->resize(before + got);
    return got;
  }

  std::string error;

private:
  // Keeps any unread raw bytes and reads more after them; false when nothing more came.
  bool fill_raw() {
    if (raw_eof_) return false;
    if (raw_pos_ > 0) {
      std::memmove(raw_.data(), raw_.data() + raw_pos_, raw_len_ - raw_pos_);
      raw_len_ -= raw_pos_;
      raw_pos_ = 0;
    }
    errno = 0;
    const size_t got = std::fread(raw_.data() + raw_len_, 1, raw_.size() - raw_len_, f_);
    raw_len_ += got;
    if (got == 0) {
      raw_eof_ = true;
      if (std::ferror(f_)) error = name_ + ": cannot read (" + std::strerror(errno ? errno : EIO) + ")";
    }
    return got > 0;
  }

  size_t copy_into(uint8_t* out, size_t want) {
    size_t got = 0;
    while (got < want && error.empty()) {
      if (raw_pos_ == raw_len_ && !fill_raw()) {
        ended_ = true;
        break;
      }
      const size_t n = std::min(want - got, raw_len_ - raw_pos_);
      std::memcpy(out + got, raw_.data() + raw_pos_, n);
      raw_pos_ += n;
      got += n;
    }
    return got;
  }

#ifdef AELAB_HAVE_ZLIB
  size_t inflate_into(uint8_t* out, size_t want) {
    zs_.next_out = out;
    zs_.avail_out = uInt(want); // want <= kChunk
    while (zs_.avail_out > 0 && error.empty()) {
      if (raw_pos_ == raw_len_ && !fill_raw()) {
        if (error.empty())
          error = name_ + ": truncated gzip stream (the file ends before the compressed data does)";
        break;
      }
      zs_.next_in = raw_.data() + raw_pos_;
      zs_.avail_in = uInt(raw_len_ - raw_pos_);
      const int status = inflate(&zs_, Z_NO_FLUSH);
      raw_pos_ = raw_len_ - zs_.avail_in;
      if (status == Z_STREAM_END) {
        // The end of the content, another member, or something that is not ours to drop silently.
        if (raw_len_ - raw_pos_ < 2) fill_raw();
        const size_t left = raw_len_ - raw_pos_;
        if (left == 0) {
          ended_ = true;
          break;
        }
        if (left >= 2 && raw_[raw_pos_] == 0x1F && raw_[raw_pos_ + 1] == 0x8B) {
          inflateReset(&zs_);
          continue;
        }
        error = name_ + ": expected the file to end after the gzip stream, found more bytes";
        break;
      }
      if (status == Z_OK || status == Z_BUF_ERROR) continue; // progress, or it needs more input
      error = name_ +
              ": corrupt gzip data (zlib: " + (zs_.msg ? zs_.msg : "error " + std::to_string(status)) + ")";
    }
    return want - zs_.avail_out;
  }
  z_stream zs_;
  bool zs_started_ = false;
#else
  size_t inflate_into(uint8_t*, size_t) { return 0; }
#endif

  std::FILE* f_;
  const std::string& name_;
  std::vector<uint8_t> raw_;
  size_t raw_pos_ = 0, raw_len_ = 0;
  bool raw_eof_ = false, ended_ = false, gzip_ = false;
};

std::string size_text(uint64_t bytes) {
  return bytes == kMaxFileBytes ? std::string("at most 1 GiB") : std::to_string(bytes) + " bytes";
}

} // namespace

std::string read_stream_bytes(std::FILE* f, const std::string& name, std::vector<uint8_t>* out,
                              SizeFromHead size_from_head) {
  ContentReader reader(f, name);
  std::vector<uint8_t> data;
  while (data.size() < kHeadBytes && reader.read(&data, kHeadBytes - data.size()) > 0) {
  }
  if (!reader.error.empty()) return reader.error;
  uint64_t limit = kMaxFileBytes;
  const bool from_head = size_from_head != nullptr;
  if (from_head) {
    limit = size_from_head(data.data(), data.size());
    if (limit == 0) { // a head the parser will refuse: it needs nothing more to say why
      *out = std::move(data);
      return "";
    }
    limit = std::min(limit, kMaxFileBytes);
  }
  // Room for what the file can hold, as far as its size on disk tells: 47 MB of pixels take
  // 47 MB, not a doubled vector's 64, and a header's claim alone reserves nothing.
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const uint64_t on_disk = uint64_t(st.st_size) * (reader.gzip() ? 1032 : 1) + 1;
    data.reserve(size_t(std::min(on_disk, limit + 1)));
  }
  while (reader.read(&data, size_t(std::min<uint64_t>(kChunk, limit + 1 - data.size()))) > 0) {
    if (data.size() > limit) {
      const char* unpacked = reader.gzip() ? " once decompressed" : "";
      if (from_head && limit < kMaxFileBytes)
        return name + ": expected " + size_text(limit) + unpacked + ", as its header says, found more";
      return name + ": expected " + size_text(limit) + unpacked + ", found more";
    }
  }
  if (!reader.error.empty()) return reader.error;
  *out = std::move(data);
  return "";
}

std::string read_file_bytes(const std::string& path, std::vector<uint8_t>* out, SizeFromHead size_from_head) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return path + ": cannot open (" + std::strerror(errno) + ")";
  std::string error = read_stream_bytes(f, path, out, size_from_head);
  std::fclose(f);
  return error;
}

// ---------------------------------------------------------------------------------------------

std::string write_file_bytes(const std::string& path, const void* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return path + ": cannot create (" + std::strerror(errno) + ")";
  int write_errno = 0;
  errno = 0;
  if (std::fwrite(data, 1, size, f) != size) write_errno = errno ? errno : EIO;
  if (std::fclose(f) != 0 && write_errno == 0) write_errno = errno ? errno : EIO; // a late ENOSPC
  if (write_errno != 0) return path + ": cannot write (" + std::strerror(write_errno) + ")";
  return "";
}

static std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string check_replaceable(const std::string& path) {
  if (path.empty()) return "an empty output path";
  const std::string folder = folder_of(path);
  struct stat st;
  if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return path + ": the folder " + folder + " does not exist";
  if (lstat(path.c_str(), &st) != 0) return ""; // absent: it will be created
  if (S_ISREG(st.st_mode)) return "";
  const char* kind = S_ISLNK(st.st_mode)    ? "a symbolic link"
                     : S_ISDIR(st.st_mode)  ? "a folder"
                     : S_ISCHR(st.st_mode)  ? "a character device"
                     : S_ISBLK(st.st_mode)  ? "a block device"
                     : S_ISFIFO(st.st_mode) ? "a named pipe"
                                            : "not a regular file";
  return path + ": is " + std::string(kind) + ", not a regular file; refusing to replace it";
}

std::string replace_file_bytes(const std::string& path, const void* data, size_t size) {
  if (std::string e = check_replaceable(path); !e.empty()) return e;
  const std::string tmp = path + ".tmp";
  if (std::string e = check_replaceable(tmp); !e.empty()) return e;
  if (std::string e = write_file_bytes(tmp, data, size); !e.empty()) {
    std::remove(tmp.c_str());
    return e;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int rename_errno = errno;
    std::remove(tmp.c_str());
    return path + ": cannot replace with " + tmp + " (" + std::strerror(rename_errno) + ")";
  }
  return "";
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

} // namespace aelab
