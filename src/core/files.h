// Files in and out, each failure one line naming the path. Reading stops at what a file's
// header says it holds (so /dev/zero or a gzip bomb costs a few bytes, not a gigabyte); writing
// checks every write and the close, and a file that replaces another goes beside it first.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace aelab {

// No file is read past this, before or after gunzip.
constexpr uint64_t kMaxFileBytes = uint64_t(1) << 30; // 1 GiB

// How many bytes a file may hold, judged from its first kHeadBytes bytes (fewer if it is
// shorter). Return 0 when the head is not what the reader expects: reading then stops there
// and the parser, given only the head, says what is wrong with it.
constexpr size_t kHeadBytes = 64;
using SizeFromHead = uint64_t (*)(const uint8_t* head, size_t n);

// Reads a whole file (a regular file, a pipe or a device); gzip data (magic 1f 8b, by content)
// is decompressed where the build has zlib (native) and refused with a clear message where it
// does not (WebAssembly). With `size_from_head`, more bytes than it allows is an error
// ("expected N bytes, as its header says, found more"), found before they are in memory.
std::string read_file_bytes(const std::string& path, std::vector<uint8_t>* out,
                            SizeFromHead size_from_head = nullptr);
// The same for an open stream (what the fuzz targets feed through fmemopen); `name` for messages.
std::string read_stream_bytes(std::FILE* f, const std::string& name, std::vector<uint8_t>* out,
                              SizeFromHead size_from_head = nullptr);

// dir + "/" + name ("name" alone for an empty dir; no doubled slash).
std::string join_path(const std::string& dir, const std::string& name);

// Writes `size` bytes to `path` (created or truncated; a device such as /dev/stdout works),
// checking the writes and the close: a full disk is an error, never a short file reported as
// written.
std::string write_file_bytes(const std::string& path, const void* data, size_t size);
inline std::string write_file_bytes(const std::string& path, const std::string& text) {
  return write_file_bytes(path, text.data(), text.size());
}

// "" if `path` can be replaced by replace_file_bytes: its folder exists, and the path is absent
// or a regular file (not a symlink, a device, a folder...). Commands check their output this way
// before long work, so a typo is found before 50 epochs, not after.
std::string check_replaceable(const std::string& path);
// Writes beside the target (path + ".tmp") and renames over it, so a crash leaves the old file or
// the new one, never half of one. Refuses what check_replaceable refuses.
std::string replace_file_bytes(const std::string& path, const void* data, size_t size);

} // namespace aelab
