// A small command-line option parser: `--name value` and `--flag`, with typed, range-checked
// getters whose errors name the option and what was expected.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace aelab {

struct Args {
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  std::string error; // first problem met while parsing or reading a value

  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  std::string get(const std::string& name, const std::string& fallback) const;
  int get_int(const std::string& name, int fallback, int lo, int hi);
  float get_float(const std::string& name, float fallback, float lo, float hi);
  std::vector<float> get_floats(const std::string& name);
  std::vector<int> get_ints(const std::string& name, int lo, int hi);
};

// Parses argv[first..argc). `with_value` lists options that take a value, `switches` those that
// do not; anything else is an error ("unknown option --foo").
Args parse_args(int argc, char** argv, int first, const std::set<std::string>& with_value,
                const std::set<std::string>& switches);

} // namespace aelab
