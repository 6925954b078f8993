// The ImGui app that the desktop and the browser share: the panels (draw, latent code,
// training, gallery, model and data) laid out to fit the window, drawn each frame from the Lab.
// The platform start-ups (main_native.cpp, main_web.cpp) own the window, the GL context and the
// main loop, and give the app the few things that differ between them (Platform).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/lab.h"

struct ImVec2;

namespace aelab {

// What the desktop and the browser do differently.
struct Platform {
  bool web = false;
  // Starts loading the training set (the browser fetches it; the desktop reads it). The platform
  // later calls lab_set_dataset or lab_set_data_failed.
  std::function<void()> request_training_set;
  // Saves a model file: a download in the browser, a file at `path` on the desktop. Returns ""
  // or an error line.
  std::function<std::string(const std::vector<uint8_t>& bytes, const std::string& path)> save_model;
  // Loads a model file: the browser opens its file picker (the result arrives later through
  // app_load_model_bytes); the desktop reads `path`.
  std::function<std::string(const std::string& path)> load_model;
};

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

struct LabWorker;

struct App {
  Lab lab;
  Platform platform;
  // Trains on a thread of its own when set (lab_worker.h); the platform holds a LabLock around
  // each frame and every API call. Null: training advances in time slices of each frame.
  LabWorker* worker = nullptr;

  // ---- UI state that lives across frames
  float content_scale = 1; // HiDPI: framebuffer pixels per window coordinate
  // Training and validation time per frame. Adapted while training (unless set explicitly) so
  // the frame rate stays above 52 fps (kTargetFps in app.cpp) where the display can do that.
  double frame_budget_ms = 8;
  bool budget_auto = true;
  double budget_window_start_ms = -1;
  int budget_window_frames = 0;
  int frames = 0;
  float fps = 0;
  float frame_cpu_ms = 0; // main-thread time of a frame (moving average), measured by the platform
  bool training_set_requested = false;
  bool want_training_set = false; // Step was pressed before the training set was loaded
  std::string message;       // last error or result, one line
  double message_until_ms = 0;

  // draw panel
  bool stroke_active = false;
  float last_x = 0, last_y = 0; // previous brush point, canvas pixels
  Rect canvas_rect;             // where the canvas was drawn last frame (window coordinates)

  // training panel: edits to the architecture wait for a confirmation
  int edit_hidden = 128, edit_latent = 32;
  bool confirm_reset_open = false;

  // gallery
  int gallery_first = 0;
  uint64_t gallery_rng = 0x9E3779B97F4A7C15ull;
  std::vector<float> gallery_recon; // reconstructions of the 10 shown digits
  int gallery_cache_first = -1;
  uint64_t gallery_cache_version = 0;
  double gallery_cache_ms = 0;

  // latent panel: the bars' full scale, growing at once and shrinking slowly
  float latent_scale = 1;
  Rect latent_rect; // where the bars were drawn last frame (window coordinates)

  // model panel (desktop)
  char model_path[512] = "model.aelab";
};

void app_init(App& app, const Platform& platform);
// Builds this frame's UI and advances training within app.frame_budget_ms. Call between
// ImGui::NewFrame() and ImGui::Render().
void app_frame(App& app);
// Sets up ImGui's style and font for a content scale (call before the first frame and when the
// scale changes; the caller rebuilds the font texture).
void app_setup_style(float content_scale);

// Shows a one-line message (errors stay longer).
void app_message(App& app, const std::string& text, bool error);
// Loads a model file from memory into the lab (used by file pickers, drag-and-drop and tests).
std::string app_load_model_bytes(App& app, const uint8_t* bytes, size_t size, const std::string& name);

// window.aelab.state() (and the native script's checks): the lab's state as one JSON object.
std::string app_state_json(const App& app);
// window.aelab.set({...}): one named setting; "" or an error line.
std::string app_set(App& app, const std::string& name, double value);

// ---- the panels (one file each), drawn into the rectangle the layout gives them
void draw_panel(App& app, const Rect& r);
void latent_panel(App& app, const Rect& r);
void training_panel(App& app, const Rect& r);
void gallery_panel(App& app, const Rect& r);
void model_panel(App& app, const Rect& r);

// ImGui::SameLine() if a button labelled `next_label` still fits on the current line.
void same_line_if_fits(const char* next_label);

// Opens a panel window fixed at r (the layout owns positions and sizes); always pair with
// ImGui::End().
bool begin_panel(const char* title, const Rect& r);

// Draws a grayscale image (row-major, values in [0, 1]) as a square of `side` window units at
// the cursor and advances the cursor; returns true if it was clicked. `id` names the on-screen
// slot (and its texture); `smooth` filters linearly instead of showing square pixels.
bool digit_image(const char* id, const float* pixels, int width, int height, float side, bool smooth = false);

// The texture showing `pixels` in slot `slot_name`, uploaded again only when they changed
// (gray_texture.cpp: the one place that talks to OpenGL).
void* gray_texture(const char* slot_name, const float* pixels, int width, int height, bool smooth);

} // namespace aelab
