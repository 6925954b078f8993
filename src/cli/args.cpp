// Command-line option parsing for the aelab subcommands.
#include "cli/args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace aelab {

Args parse_args(int argc, char** argv, int first, const std::set<std::string>& with_value,
                const std::set<std::string>& switches) {
  Args a;
  for (int i = first; i < argc && a.error.empty(); i++) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      a.error = "unexpected argument '" + arg + "'";
    } else if (with_value.count(arg.substr(2))) {
      if (i + 1 >= argc)
        a.error = arg + " needs a value";
      else
        a.values[arg.substr(2)] = argv[++i];
    } else if (switches.count(arg.substr(2))) {
      a.flags.insert(arg.substr(2));
    } else {
      a.error = "unknown option " + arg;
    }
  }
  return a;
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() ? fallback : it->second;
}

int Args::get_int(const std::string& name, int fallback, int lo, int hi) {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno || v < lo || v > hi) {
    if (error.empty())
      error = "--" + name + " " + it->second + ": expected a whole number from " + std::to_string(lo) +
              " to " + std::to_string(hi);
    return fallback;
  }
  return int(v);
}

float Args::get_float(const std::string& name, float fallback, float lo, float hi) {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  char* end = nullptr;
  float v = std::strtof(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi) {
    if (error.empty()) {
      std::ostringstream msg;
      msg << "--" << name << " " << it->second << ": expected a number from " << lo << " to " << hi;
      error = msg.str();
    }
    return fallback;
  }
  return v;
}

std::vector<float> Args::get_floats(const std::string& name) {
  std::vector<float> out;
  std::stringstream ss(get(name, ""));
  for (std::string item; std::getline(ss, item, ',');) {
    char* end = nullptr;
    float v = std::strtof(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(v)) {
      if (error.empty()) error = "--" + name + ": '" + item + "' is not a finite number";
      return {};
    }
    out.push_back(v);
  }
  return out;
}

std::vector<int> Args::get_ints(const std::string& name, int lo, int hi) {
  std::vector<int> out;
  std::stringstream ss(get(name, ""));
  for (std::string item; std::getline(ss, item, ',');) {
    char* end = nullptr;
    long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < lo || v > hi) {
      if (error.empty())
        error = "--" + name + ": '" + item + "' is not a whole number from " + std::to_string(lo) + " to " +
                std::to_string(hi);
      return {};
    }
    out.push_back(int(v));
  }
  return out;
}

} // namespace aelab
