// The script runner: one command at a time, advanced once per frame (script_read.cpp reads and
// checks the script).
#include "app/script.h"

#include <imgui.h>

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

// Runs the current command for this frame; returns true when it is complete.
bool run_command(Script& s, App& app, const ScriptCommand& c) {
  ImGuiIO& io = ImGui::GetIO();
  if (c.name == "wait") {
    if (s.wait_frames == 0) s.wait_frames = c.count + 1;
    return --s.wait_frames == 0;
  }
  if (c.name == "drag") {
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
  if (c.name == "train") {
    if (s.train_target < 0) {
      s.train_target = app.lab.latest.steps + c.count;
      lab_start(app.lab);
    }
    if (app.lab.latest.steps < s.train_target) {
      // a run that stopped by itself (finished, or diverged) will not reach the target
      if (!lab_training(app.lab) && lab_settled(app.lab)) {
        fail(s, c,
             "train: training stopped after " + std::to_string(app.lab.latest.steps) +
                 " steps: " + app.lab.latest.message);
        s.train_target = -1;
        return true;
      }
      return false;
    }
    lab_pause(app.lab);
    s.train_target = -1;
    return true;
  }
  if (c.name == "set") {
    if (std::string e = app_set(app, c.what, c.value); !e.empty()) fail(s, c, "set: " + e);
    return true;
  }
  if (c.name == "set-text") {
    if (std::string e = app_set_text(app, c.what, c.path); !e.empty()) fail(s, c, "set-text: " + e);
    return true;
  }
  if (c.name == "view") {
    if (std::string e = app_view(app, c.what); !e.empty()) fail(s, c, e);
    return true;
  }
  if (c.name == "save-projector") {
    if (std::string e = app_save_projector(app); !e.empty()) fail(s, c, "save-projector: " + e);
    return true;
  }
  if (c.name == "save-view") {
    if (std::string e = app_save_view(app); !e.empty()) fail(s, c, "save-view: " + e);
    return true;
  }
  if (c.name == "scrub") {
    if (std::string e = lab_scrub(app.lab, int(c.count)); !e.empty()) fail(s, c, "scrub: " + e);
    return true;
  }
  if (c.name == "start") {
    lab_start(app.lab);
    return true;
  }
  if (c.name == "wait-stopped") {
    if (s.wait_file_deadline_ms == 0) s.wait_file_deadline_ms = now_ms() + 120000;
    if (!lab_training(app.lab) && lab_settled(app.lab)) {
      s.wait_file_deadline_ms = 0;
      return true;
    }
    if (now_ms() > s.wait_file_deadline_ms) {
      fail(s, c, "wait-stopped: still training after 120 s");
      s.wait_file_deadline_ms = 0;
      return true;
    }
    return false;
  }
  if (c.name == "reset") {
    if (std::string e = app_reset(app, app.lab.model->shape); !e.empty()) fail(s, c, "reset: " + e);
    return true;
  }
  if (c.name == "load-model") {
    const std::string e = app.platform.load_model ? app.platform.load_model(c.path) : "no file loading here";
    if (!e.empty()) fail(s, c, "load-model: " + e);
    return true;
  }
  if (c.name == "check") {
    if (c.what == "drawn" && app.lab.input.empty) fail(s, c, "check drawn: the input is empty");
    if (c.what == "trained" && app.lab.latest.steps < c.count)
      fail(s, c, "check trained: " + std::to_string(app.lab.latest.steps) + " steps");
    if (c.what == "test-set" && app.lab.test.status != DataStatus::ready)
      fail(s, c, "check test-set: not loaded");
    if (c.what == "map" && !app_map_now(app)) fail(s, c, "check map: no test set to map");
    if (c.what == "dataset" && (dataset_name(app.lab.dataset) != c.path || !lab_test_set_ready(app.lab)))
      fail(s, c,
           std::string("check dataset: the lab has ") + dataset_name(app.lab.dataset) + ", its test set " +
               data_status_name(app.lab.test.status) + " " + app.lab.test.error);
    if (c.what == "precision" && precision_name(lab_config(app.lab).precision) != c.path)
      fail(s, c,
           std::string("check precision: the lab's products are ") +
               precision_name(lab_config(app.lab).precision));
    if (c.what == "auc") { // the Anomaly view's: the other data set's pictures against the test set's
      const bool scored =
          scores_finish(app.views.scores, app.lab) && scores_finish(app.views.other_scores, app.lab);
      if (scored) update_auc(app.views);
      const double auc = scored ? anomaly_numbers(app).auc : -1;
      if (auc < c.value)
        fail(s, c, "check auc: " + (scored ? std::to_string(auc) : std::string("no other data set scored")));
      else
        std::printf("aelab_app: script line %d: AUC %.4f of %s against %s\n", c.line, auc,
                    dataset_title(app.lab.other_kind), dataset_title(app.lab.dataset));
    }
    if (c.what == "timeline" && int64_t(app.lab.latest.timeline.size()) < c.count)
      fail(s, c, "check timeline: " + std::to_string(app.lab.latest.timeline.size()) + " snapshots");
    if (c.what == "lesson") {
      const std::string link = "&" + app_lesson_link(app) + "&";
      for (size_t at = 0; at <= c.path.size();) {
        size_t end = c.path.find('&', at);
        if (end == std::string::npos) end = c.path.size();
        const std::string pair = c.path.substr(at, end - at);
        at = end + 1;
        if (pair.empty()) continue;
        if (link.find("&" + pair + "&") == std::string::npos)
          fail(s, c,
               "check lesson: " + pair + " is not in the lab's link " + link.substr(1, link.size() - 2));
        const size_t hide = pair.find("_hide=1");
        if (hide != std::string::npos && hide + 7 == pair.size())
          for (int i = 0; i < kControlCount; i++)
            if (pair.compare(0, hide, kControlNames[i]) == 0 && std::strlen(kControlNames[i]) == hide &&
                (app.controls_drawn >> i) & 1u)
              fail(s, c, "check lesson: " + pair.substr(0, hide) + " is hidden but was drawn");
      }
    }
    if (c.what == "diverged" && app.lab.latest.divergence.empty())
      fail(s, c, "check diverged: training did not diverge (" + app.lab.latest.message + ")");
    return true;
  }
  if (c.name == "touch") {
    std::ofstream out(c.path);
    out << "frame " << app.frames << "\n";
    if (!out.flush()) fail(s, c, "touch: cannot write " + c.path);
    return true;
  }
  if (c.name == "wait-file") {
    if (s.wait_file_deadline_ms == 0) s.wait_file_deadline_ms = now_ms() + 60000;
    if (file_exists(c.path)) {
      s.wait_file_deadline_ms = 0;
      return true;
    }
    if (now_ms() > s.wait_file_deadline_ms) {
      fail(s, c, "wait-file: " + c.path + " did not appear within 60 s");
      s.wait_file_deadline_ms = 0;
      return true;
    }
    return false;
  }
  if (c.name == "quit") {
    s.finished = true;
    return true;
  }
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
