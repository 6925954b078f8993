// Reading a script (script.h): every command and argument is checked here, before the app runs a
// single frame of it, so a typo is an error with its line, not a wait that never ends.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/script.h"

namespace aelab {
namespace {

bool whole_number(const std::string& word, long long lo, long long hi, long long* out) {
  if (word.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(word.c_str(), &end, 10);
  if (*end != '\0' || errno || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool unit_number(const std::string& word, float* out) {
  if (word.empty()) return false;
  char* end = nullptr;
  const float v = std::strtof(word.c_str(), &end);
  if (*end != '\0' || !std::isfinite(v) || v < 0 || v > 1) return false;
  *out = v;
  return true;
}

// "" or what is wrong with a check's words `w` (check WHAT ...), filling *c.
std::string parse_check(const std::vector<std::string>& w, ScriptCommand* c) {
  const size_t args = w.size() - 1;
  c->what = args ? w[1] : "";
  const std::string& what = c->what;
  if (what == "trained") {
    if (args == 2 && whole_number(w[2], 0, 1000000000000LL, &c->count)) return "";
    return "check trained: expected the steps, a whole number from 0 to 1000000000000";
  }
  if (what == "timeline") {
    if (args == 2 && whole_number(w[2], 0, 1000000, &c->count)) return "";
    return "check timeline: expected the least number of snapshots, a whole number from 0 to 1000000";
  }
  if (what == "lesson") {
    if (args != 2 || w[2].find('=') == std::string::npos)
      return "check lesson: expected the settings of a lesson link, key=value pairs joined by &";
    c->path = w[2];
    return "";
  }
  if (what == "dataset") {
    if (args != 2) return "check dataset: expected mnist, fashion or custom";
    c->path = w[2];
    return "";
  }
  if (what == "precision") {
    if (args != 2 || (w[2] != "fp32" && w[2] != "bf16")) return "check precision: expected fp32 or bf16";
    c->path = w[2];
    return "";
  }
  if (what == "auc") {
    char* end = nullptr;
    if (args == 2) c->value = std::strtod(w[2].c_str(), &end);
    if (args != 2 || *end != '\0' || !(c->value >= 0 && c->value <= 1))
      return "check auc: expected the least AUC, a number from 0 to 1";
    return "";
  }
  if ((what == "drawn" || what == "test-set" || what == "diverged" || what == "map") && args == 1) return "";
  return "check: expected drawn, trained N, test-set, diverged, map, timeline N, lesson K=V&..., "
         "dataset NAME, precision fp32|bf16 or auc MIN";
}

// drag x y x y ...: points 0 to 1 across the canvas.
std::string parse_drag(const std::vector<std::string>& w, ScriptCommand* c) {
  const size_t args = w.size() - 1;
  if (args < 2 || args % 2)
    return "drag: expected x y pairs (0 to 1 across the canvas), found " + std::to_string(args) + " numbers";
  c->point.resize(args);
  for (size_t i = 0; i < args; i++)
    if (!unit_number(w[i + 1], &c->point[i])) return "drag: " + w[i + 1] + ": expected a number from 0 to 1";
  return "";
}

// "" or what is wrong with the command in `w` (its words), filling *c.
std::string parse_command(const std::vector<std::string>& w, ScriptCommand* c) {
  c->name = w[0];
  const std::string& name = c->name;
  const size_t args = w.size() - 1;
  auto count_arg = [&](long long lo, long long hi, const char* what) -> std::string {
    if (args == 1 && whole_number(w[1], lo, hi, &c->count)) return "";
    return name + (args ? " " + w[1] : "") + ": expected " + what + ", a whole number from " +
           std::to_string(lo) + " to " + std::to_string(hi);
  };
  if (name == "wait") return count_arg(0, 1000000, "the frames to wait");
  if (name == "train") return count_arg(1, 1000000000, "the steps to train");
  if (name == "drag") return parse_drag(w, c);
  if (name == "check") return parse_check(w, c);
  if (name == "scrub" && args == 1 && w[1] == "now") return c->count = -1, ""; // the live model
  if (name == "scrub") return count_arg(0, 1000000, "the timeline snapshot (or now)");
  if (name == "view") {
    if (args != 1)
      return "view: expected map, grid, interpolate, traverse, weights, gallery, anomaly, generate, compare "
             "or features";
    c->what = w[1]; // the app checks the name
    return "";
  }
  if (name == "touch" || name == "wait-file" || name == "load-model") {
    if (args != 1) return name + ": expected one file name";
    c->path = w[1];
    return "";
  }
  if (name == "set-text") {
    if (args != 2) return "set-text: expected a name and a text (noise mask:0.3, dataset fashion, exclude 7)";
    c->what = w[1], c->path = w[2]; // the app checks them when it runs
    return "";
  }
  if (name == "set") {
    char* end = nullptr;
    if (args == 2) c->value = std::strtod(w[2].c_str(), &end);
    if (args != 2 || *end != '\0' || !std::isfinite(c->value)) return "set: expected a name and a number";
    c->what = w[1]; // the app checks the name and the value's range when it runs
    return "";
  }
  if (name == "reset" || name == "quit" || name == "start" || name == "wait-stopped" || name == "save-view" ||
      name == "save-projector")
    return args ? name + ": takes no arguments" : "";
  return "unknown command '" + name + "'";
}

} // namespace

std::string parse_script(const std::string& text, const std::string& name, Script* out) {
  Script script;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    number++;
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.empty()) continue;
    ScriptCommand c;
    c.line = number;
    if (std::string e = parse_command(w, &c); !e.empty())
      return name + ":" + std::to_string(number) + ": " + e;
    script.commands.push_back(std::move(c));
  }
  *out = std::move(script);
  return "";
}

std::string load_script(const std::string& path, Script* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot open the script";
  std::ostringstream text;
  text << in.rdbuf();
  return parse_script(text.str(), path, out);
}

} // namespace aelab
