// The one JSON writer: the page's aelab.state() and the native script's checks are built with
// it. Objects only hold what state needs: numbers (non-finite ones become null), booleans,
// strings, nested objects and arrays of numbers and strings.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace aelab {

// A string as a JSON string literal (control characters become spaces).
inline std::string json_string(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      q += '\\', q += c;
    else if (static_cast<unsigned char>(c) < 0x20)
      q += ' ';
    else
      q += c;
  }
  return q + "\"";
}

// ["a", "b", ...]
inline std::string json_strings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); i++) out += (i ? "," : "") + json_string(v[i]);
  return out + "]";
}

class JsonWriter {
public:
  JsonWriter() { text_ = "{"; }
  JsonWriter& number(const char* key, double v) {
    char buf[32];
    if (std::isfinite(v)) std::snprintf(buf, sizeof buf, "%.9g", v);
    return raw(key, std::isfinite(v) ? buf : "null");
  }
  JsonWriter& null_or(const char* key, bool present, double v) {
    return present ? number(key, v) : raw(key, "null");
  }
  JsonWriter& boolean(const char* key, bool v) { return raw(key, v ? "true" : "false"); }
  JsonWriter& string(const char* key, const std::string& s) { return raw(key, json_string(s)); }
  JsonWriter& begin(const char* key) { // a nested object, until end()
    raw(key, "{");
    first_ = true;
    return *this;
  }
  JsonWriter& end() {
    text_ += '}';
    first_ = false;
    return *this;
  }
  // A value already written as JSON (an array from json_numbers below).
  JsonWriter& json(const char* key, const std::string& value) { return raw(key, value); }
  std::string finish() { return text_ + "}"; }

private:
  JsonWriter& raw(const char* key, const std::string& value) {
    if (!first_) text_ += ',';
    first_ = false;
    text_ += '"';
    text_ += key;
    text_ += "\":";
    text_ += value;
    if (value == "{") first_ = true;
    return *this;
  }
  std::string text_;
  bool first_ = true;
};

// [v0, v1, ...] with `digits` significant digits; non-finite values become null.
inline std::string json_numbers(const float* v, size_t n, int digits = 6) {
  std::string out = "[";
  char buf[32];
  for (size_t i = 0; i < n; i++) {
    if (i) out += ',';
    if (std::isfinite(v[i])) {
      std::snprintf(buf, sizeof buf, "%.*g", digits, double(v[i]));
      out += buf;
    } else {
      out += "null";
    }
  }
  return out + "]";
}

} // namespace aelab
