// The smoke-test script runner: one command at a time, advanced once per frame.
#include "app/script.h"

#include <imgui.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace aelab {
namespace {

bool file_exists(const std::string& path) {
  std::ifstream f(path);
  return f.good();
}

void fail(Script& s, const std::string& why) {
  if (s.failure.empty()) s.failure = "script line " + std::to_string(s.next + 1) + ": " + why;
}

// Runs the current command for this frame; returns true when it is complete.
bool run_command(Script& s, App& app, const std::vector<std::string>& w) {
  ImGuiIO& io = ImGui::GetIO();
  const std::string& cmd = w[0];
  auto arg = [&](size_t i) { return i < w.size() ? std::atof(w[i].c_str()) : 0.0; };
  if (cmd == "wait") {
    if (s.wait_frames == 0) s.wait_frames = int(arg(1)) + 1;
    return --s.wait_frames == 0;
  }
  if (cmd == "drag") {
    const Rect& c = app.draw.canvas_rect;
    int points = int(w.size() - 1) / 2;
    if (points < 1 || c.w <= 0) {
      fail(s, "drag needs x y pairs and a visible canvas");
      return true;
    }
    s.drag_point++;
    if (s.drag_point >= points) { // release
      io.AddMouseButtonEvent(ImGuiMouseButton_Left, false);
      s.drag_point = -1;
      return true;
    }
    float x = c.x + float(arg(1 + 2 * size_t(s.drag_point))) * c.w;
    float y = c.y + float(arg(2 + 2 * size_t(s.drag_point))) * c.h;
    io.AddMousePosEvent(x, y);
    if (s.drag_point == 0) io.AddMouseButtonEvent(ImGuiMouseButton_Left, true);
    return false;
  }
  if (cmd == "train") {
    if (s.train_target < 0) {
      s.train_target = app.lab.run.steps + (long long)arg(1);
      lab_start(app.lab);
    }
    if (app.lab.run.steps < s.train_target) return false;
    lab_pause(app.lab);
    s.train_target = -1;
    return true;
  }
  if (cmd == "check") {
    std::string what = w.size() > 1 ? w[1] : "";
    if (what == "drawn") {
      if (app.lab.input.empty) fail(s, "check drawn: the input is empty");
    } else if (what == "trained") {
      if (app.lab.run.steps < (long long)arg(2))
        fail(s, "check trained: " + std::to_string(app.lab.run.steps) + " steps");
    } else if (what == "test-set") {
      if (app.lab.test.status != DataStatus::ready) fail(s, "check test-set: not loaded");
    } else {
      fail(s, "unknown check '" + what + "'");
    }
    return true;
  }
  if (cmd == "touch") {
    std::ofstream(w.size() > 1 ? w[1] : "") << "frame " << app.frames << "\n";
    return true;
  }
  if (cmd == "wait-file") {
    if (s.wait_file_deadline_ms == 0) s.wait_file_deadline_ms = now_ms() + 60000;
    if (w.size() > 1 && file_exists(w[1])) {
      s.wait_file_deadline_ms = 0;
      return true;
    }
    if (now_ms() > s.wait_file_deadline_ms) {
      fail(s, "wait-file: " + (w.size() > 1 ? w[1] : "") + " did not appear within 60 s");
      s.wait_file_deadline_ms = 0;
      return true;
    }
    return false;
  }
  if (cmd == "quit") {
    s.finished = true;
    return true;
  }
  fail(s, "unknown command '" + cmd + "'");
  return true;
}

} // namespace

std::string load_script(const std::string& path, Script* out) {
  std::ifstream in(path);
  if (!in) return path + ": cannot open the script";
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (!w.empty()) out->lines.push_back(w);
  }
  return "";
}

void script_before_frame(Script& s, App& app) {
  if (s.finished) return;
  if (s.next >= s.lines.size()) {
    s.finished = true;
    return;
  }
  if (run_command(s, app, s.lines[s.next])) s.next++;
  if (!s.failure.empty()) s.finished = true;
}

} // namespace aelab
