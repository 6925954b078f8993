// Fuzz target: the command-line option parser and its typed getters. The input is split at NUL
// bytes into argv words; every getter must either return a value in range or set an error.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/args.h"

using namespace aelab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> words{"aelab", "train"};
  std::string word;
  for (size_t i = 0; i < size; i++) {
    if (data[i] == 0) {
      words.push_back(word);
      word.clear();
    } else {
      word += char(data[i]);
    }
  }
  words.push_back(word);
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(&w[0]);
  Args a = parse_args(int(argv.size()), argv.data(), 2, {"epochs", "lr", "code", "indices", "out"},
                      {"weights-only"});
  const int epochs = a.get_int("epochs", 50, 1, 100000);
  if (a.error.empty() && (epochs < 1 || epochs > 100000)) __builtin_trap();
  const float lr = a.get_float("lr", 1e-3f, 1e-9f, 10.0f);
  if (a.error.empty() && !(lr >= 1e-9f && lr <= 10.0f)) __builtin_trap();
  for (float v : a.get_floats("code"))
    if (a.error.empty() && !std::isfinite(v)) __builtin_trap();
  for (int v : a.get_ints("indices", 0, 9999))
    if (a.error.empty() && (v < 0 || v > 9999)) __builtin_trap();
  (void)a.get("out", "");
  return 0;
}
