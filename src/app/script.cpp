// The script runner: one command at a time, advanced once per frame (script_read.cpp reads and
// checks the script).
#include "app/script.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "app/app.h"

namespace aelab {
namespace {

bool file_exists(const std::string& path) {
  std::ifstream f(path);
  return f.good();
}

void fail(Script& s, const ScriptCommand& c, const std::string& why) {
  if (s.failure.empty()) s.failure = "script line " + std::to_string(c.line) + ": " + why;
}

// Each command's step for this frame; true when it is complete.
using Step = bool (*)(Script& s, App& app, const ScriptCommand& c);

bool wait_frames(Script& s, App&, const ScriptCommand& c) {
  if (s.wait_frames == 0) s.wait_frames = c.count + 1;
  return --s.wait_frames == 0;
}

// One point of the drag a frame, through ImGui's input queue (the path a person's mouse takes).
bool drag(Script& s, App& app, const ScriptCommand& c) {
  ImGuiIO& io = ImGui::GetIO();
  const Rect& r = app.draw.canvas_rect;
  const int points = int(c.point.size() / 2);
  if (r.w <= 0) {
    fail(s, c, "drag: the canvas is not visible");
    return true;
  }
  s.drag_point++;
  if (s.drag_point >= points) { // release
    io.AddMouseButtonEvent(ImGuiMouseButton_Left, false);
    s.drag_point = -1;
    return true;
  }
  io.AddMousePosEvent(r.x + c.point[2 * size_t(s.drag_point)] * r.w,
                      r.y + c.point[2 * size_t(s.drag_point) + 1] * r.h);
  if (s.drag_point == 0) io.AddMouseButtonEvent(ImGuiMouseButton_Left, true);
  return false;
}

bool train(Script& s, App& app, const ScriptCommand& c) {
  const Snapshot& run = app.lab.latest;
  if (s.train_target < 0) {
    s.train_target = run.steps + c.count;
    lab_start(app.lab);
  }
  if (run.steps < s.train_target) {
    // a run that stopped by itself (finished, or diverged) will not reach the target
    if (lab_training(app.lab) || !lab_settled(app.lab)) return false;
    fail(s, c, "train: training stopped after " + std::to_string(run.steps) + " steps: " + run.message);
  } else {
    lab_pause(app.lab);
  }
  s.train_target = -1;
  return true;
}

// Waits until `done` (at most `seconds`), then fails with `why`.
bool wait_until(Script& s, const ScriptCommand& c, bool done, double seconds, const std::string& why) {
  if (s.wait_file_deadline_ms == 0) s.wait_file_deadline_ms = now_ms() + 1000 * seconds;
  if (!done && now_ms() <= s.wait_file_deadline_ms) return false;
  if (!done) fail(s, c, why);
  s.wait_file_deadline_ms = 0;
  return true;
}

bool wait_stopped(Script& s, App& app, const ScriptCommand& c) {
  return wait_until(s, c, !lab_training(app.lab) && lab_settled(app.lab), 120,
                    "wait-stopped: still training after 120 s");
}

bool wait_file(Script& s, App&, const ScriptCommand& c) {
  return wait_until(s, c, file_exists(c.path), 60, "wait-file: " + c.path + " did not appear within 60 s");
}

// A command done at once: its error, if any, fails the script.
bool at_once(Script& s, const ScriptCommand& c, const std::string& what, const std::string& error) {
  if (!error.empty()) fail(s, c, what + error);
  return true;
}

bool touch(Script& s, App& app, const ScriptCommand& c) {
  std::ofstream out(c.path);
  out << "frame " << app.frames << "\n";
  return at_once(s, c, "touch: ", out.flush() ? "" : "cannot write " + c.path);
}

// check auc: the Anomaly view's AUC of the other data set's pictures against the test set's.
std::string check_auc(App& app, const ScriptCommand& c) {
  const bool scored =
      scores_finish(app.views.scores, app.lab) && scores_finish(app.views.other_scores, app.lab);
  if (scored) update_auc(app.views);
  const double auc = scored ? anomaly_numbers(app).auc : -1;
  if (auc < c.value)
    return "check auc: " + (scored ? std::to_string(auc) : std::string("no other data set scored"));
  std::printf("aelab_app: script line %d: AUC %.4f of %s against %s\n", c.line, auc,
              dataset_title(app.lab.other_kind), dataset_title(app.lab.dataset));
  return "";
}

// check lesson: each pair is in the lab's link, and each control a pair hides was not drawn.
std::string check_lesson(App& app, const ScriptCommand& c) {
  const std::string link = "&" + app_lesson_link(app) + "&";
  for (size_t at = 0; at <= c.path.size();) {
    const size_t end = std::min(c.path.find('&', at), c.path.size());
    const std::string pair = c.path.substr(at, end - at);
    at = end + 1;
    if (pair.empty()) continue;
    if (link.find("&" + pair + "&") == std::string::npos)
      return "check lesson: " + pair + " is not in the lab's link " + link.substr(1, link.size() - 2);
    const size_t hide = pair.find("_hide=1");
    if (hide == std::string::npos || hide + 7 != pair.size()) continue;
    for (int i = 0; i < kControlCount; i++)
      if (pair.compare(0, hide, kControlNames[i]) == 0 && std::strlen(kControlNames[i]) == hide &&
          (app.controls_drawn >> i) & 1u)
        return "check lesson: " + pair.substr(0, hide) + " is hidden but was drawn";
  }
  return "";
}

// The failure of a check ("" if it holds).
std::string check_failure(App& app, const ScriptCommand& c) {
  const Lab& lab = app.lab;
  const Snapshot& run = lab.latest;
  const std::string& w = c.what;
  if (w == "drawn" && lab.input.empty) return "check drawn: the input is empty";
  if (w == "trained" && run.steps < c.count) return "check trained: " + std::to_string(run.steps) + " steps";
  if (w == "test-set" && lab.test.status != DataStatus::ready) return "check test-set: not loaded";
  if (w == "map" && !app_map_now(app)) return "check map: no test set to map";
  if (w == "dataset" && (dataset_name(lab.dataset) != c.path || !lab_test_set_ready(lab)))
    return std::string("check dataset: the lab has ") + dataset_name(lab.dataset) + ", its test set " +
           data_status_name(lab.test.status) + " " + lab.test.error;
  if (w == "precision" && precision_name(lab_config(lab).precision) != c.path)
    return std::string("check precision: the lab's products are ") +
           precision_name(lab_config(lab).precision);
  if (w == "auc") return check_auc(app, c);
  if (w == "timeline" && int64_t(run.timeline.size()) < c.count)
    return "check timeline: " + std::to_string(run.timeline.size()) + " snapshots";
  if (w == "lesson") return check_lesson(app, c);
  if (w == "diverged" && run.divergence.empty())
    return "check diverged: training did not diverge (" + run.message + ")";
  return "";
}

const struct {
  const char* name;
  Step step;
} kSteps[] = {
    {"wait", wait_frames},
    {"drag", drag},
    {"train", train},
    {"wait-stopped", wait_stopped},
    {"wait-file", wait_file},
    {"touch", touch},
    {"set", [](Script& s, App& app,
               const ScriptCommand& c) { return at_once(s, c, "set: ", app_set(app, c.what, c.value)); }},
    {"set-text",
     [](Script& s, App& app, const ScriptCommand& c) {
       return at_once(s, c, "set-text: ", app_set_text(app, c.what, c.path));
     }},
    {"view",
     [](Script& s, App& app, const ScriptCommand& c) { return at_once(s, c, "", app_view(app, c.what)); }},
    {"save-projector",
     [](Script& s, App& app, const ScriptCommand& c) {
       return at_once(s, c, "save-projector: ", app_save_projector(app));
     }},
    {"save-view", [](Script& s, App& app,
                     const ScriptCommand& c) { return at_once(s, c, "save-view: ", app_save_view(app)); }},
    {"scrub",
     [](Script& s, App& app, const ScriptCommand& c) {
       return at_once(s, c, "scrub: ", lab_scrub(app.lab, int(c.count)));
     }},
    {"start", [](Script&, App& app, const ScriptCommand&) { return lab_start(app.lab), true; }},
    {"reset",
     [](Script& s, App& app, const ScriptCommand& c) {
       return at_once(s, c, "reset: ", app_reset(app, app.lab.model->shape));
     }},
    {"load-model",
     [](Script& s, App& app, const ScriptCommand& c) {
       return at_once(s, c, "load-model: ",
                      app.platform.load_model ? app.platform.load_model(c.path) : "no file loading here");
     }},
    {"check",
     [](Script& s, App& app, const ScriptCommand& c) { return at_once(s, c, "", check_failure(app, c)); }},
    {"quit", [](Script& s, App&, const ScriptCommand&) { return s.finished = true; }},
};

// Runs the current command for this frame; returns true when it is complete.
bool run_command(Script& s, App& app, const ScriptCommand& c) {
  for (const auto& handler : kSteps)
    if (c.name == handler.name) return handler.step(s, app, c);
  fail(s, c, "unknown command '" + c.name + "'"); // parse_script lets none through
  return true;
}

} // namespace

void script_before_frame(Script& s, App& app) {
  if (s.finished) return;
  if (s.next >= s.commands.size()) {
    s.finished = true;
    return;
  }
  if (run_command(s, app, s.commands[s.next])) s.next++;
  if (!s.failure.empty()) s.finished = true;
}

} // namespace aelab
