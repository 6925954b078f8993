// A tiny script that drives the app frame by frame, for smoke tests: it moves ImGui's mouse over
// the canvas (the same input path a person uses), trains, checks the state, and signals a test
// harness through files. One command per line, '#' starts a comment:
//
//   wait N                 let N frames pass
//   drag x y x y ...       press the mouse at the first point on the canvas, move through the
//                          others (one per frame) and release; coordinates are 0-1 across it
//   train N                start training, wait until N more steps are done, pause
//   check drawn            fail unless the input has ink
//   check trained N        fail unless at least N steps were trained
//   check test-set         fail unless the test set is loaded
//   touch FILE             create FILE (e.g. to tell a harness to take a screenshot)
//   wait-file FILE         wait (at most 60 s) until FILE exists
//   quit                   end the run (exit status 0 if every check passed)
#pragma once
#include <string>
#include <vector>

#include "app/app.h"

namespace aelab {

struct Script {
  std::vector<std::vector<std::string>> lines; // commands split into words
  size_t next = 0;
  // the command in progress
  int wait_frames = 0;
  int drag_point = -1;
  long long train_target = -1;
  double wait_file_deadline_ms = 0;
  bool finished = false;
  std::string failure; // first failed check or error, empty while all is well
};

// Reads a script file; "" or an error line naming the file and line.
std::string load_script(const std::string& path, Script* out);
// Runs the script for one frame: call after the platform's events and before ImGui::NewFrame().
void script_before_frame(Script& script, App& app);

} // namespace aelab
