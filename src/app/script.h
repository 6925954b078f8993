// A tiny script that drives the app frame by frame, for smoke and soak tests: it moves ImGui's
// mouse over the canvas (the same input path a person uses), trains, resets, loads models,
// checks the state, and signals a test harness through files. One command per line, '#' starts
// a comment:
//
//   wait N                 let N frames pass (0 to 1000000)
//   drag x y x y ...       press the mouse at the first point on the canvas, move through the
//                          others (one per frame) and release; coordinates are 0-1 across it
//   train N                start training, wait until N more steps are done (1 to 10^9), pause
//   set NAME VALUE         a setting, as aelab.set({NAME: VALUE}) does (lr, batch, epochs, ...)
//   set-text NAME TEXT     a text setting: noise mask:0.3, corrupt none, dataset fashion, exclude 7
//   start                  start training and go on at once
//   wait-stopped           wait (at most 120 s) until training has stopped by itself
//   reset                  new random weights of the current shape, as the Reset button does
//   load-model FILE        load a model file, as the Load button does
//   check drawn            fail unless the input has ink
//   check trained N        fail unless at least N steps were trained
//   check test-set         fail unless the test set is loaded
//   check diverged         fail unless training stopped because the loss blew up
//   check map              build the latent map of the model shown now (fail without a test set)
//   check timeline N       fail unless the timeline holds at least N snapshots
//   check lesson K=V&...   fail unless the lab's lesson link (app_lesson_link) has each pair, and
//                          each control a pair hides (lr_hide=1) was not drawn in the last frame
//   check dataset NAME     fail unless the lab uses that data set (mnist, fashion, custom) and its
//                          test set is loaded
//   check auc MIN          score both data sets now; fail unless the Anomaly view's AUC (the other
//                          data set against the test set) is at least MIN; prints it
//   view NAME              show a view's tab: map, grid, interpolate, traverse, weights, gallery, anomaly,
//                          generate, compare or features
//   scrub N                show timeline snapshot N (0 = the first); "scrub now": the live model
//   save-view              what the view's Save PNG does: aelab-<view>.png in the working folder
//   save-projector         what the map's Projector button does: aelab-projector.zip there
//   touch FILE             create FILE (e.g. to tell a harness to take a screenshot)
//   wait-file FILE         wait (at most 60 s) until FILE exists
//   quit                   end the run (exit status 0 if every check passed)
//
// Every line is checked when the script is read: a bad one is an error naming the file and line.
#pragma once
#include <string>
#include <vector>

namespace aelab {

struct App;

struct ScriptCommand {
  int line = 0;             // in the file, from 1
  std::string name;         // "wait", "drag", ...
  std::string what;         // check: "drawn", "trained", "test-set", "diverged"; set: the name
  std::string path;         // touch, wait-file, load-model
  long long count = 0;      // wait: frames; train: steps; check trained: steps
  double value = 0;         // set
  std::vector<float> point; // drag: x0 y0 x1 y1 ... in [0, 1]
};

struct Script {
  std::vector<ScriptCommand> commands;
  size_t next = 0;
  // the command in progress
  long long wait_frames = 0;
  int drag_point = -1;
  long long train_target = -1;
  double wait_file_deadline_ms = 0; // also wait-stopped's
  bool finished = false;
  std::string failure; // first failed check or error ("script line 7: ..."), empty while all is well
};

// Parses a script's text; "" or one line "NAME:LINE: what is wrong". Needs no ImGui (fuzzed).
std::string parse_script(const std::string& text, const std::string& name, Script* out);
// Reads and parses a script file.
std::string load_script(const std::string& path, Script* out);
// Runs the script for one frame: call after the platform's events and before ImGui::NewFrame().
void script_before_frame(Script& script, App& app);

} // namespace aelab
