// What the browser's start-up (main_web.cpp) and its JavaScript bridge (web_bridge.cpp) share:
// the one App of the page and the few facts only the page knows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/app.h"

struct SDL_Window;

namespace aelab {

struct WebState {
  App app;
  bool model_settled = false; // the shipped model arrived, or is known to be missing
  bool announced_ready = false;
  bool paused = false; // the main loop sleeps until an event (nothing changes)
  int quiet_frames = 0;
  double next_paced_ms = 0, last_input_ms = 0; // frame pacing (main_web.cpp)
  SDL_Window* window = nullptr;
  void* gl = nullptr;
  double css_w = 0, css_h = 0, pixel_ratio = 0;
  std::string returned;             // the last string handed to JavaScript
  std::vector<uint8_t> image_bytes; // an image file on its way in (aelab_image_buffer)
};

WebState& web(); // built on first use: JavaScript may hand over the model before main() runs
// Draws again from the next animation frame if the main loop sleeps (input, data, snapshots).
void web_wake();

} // namespace aelab
