// The ImGui app that the desktop and the browser share: the panels (draw, latent code,
// training, gallery, model and data) laid out to fit the window, drawn each frame from the Lab.
// The platform start-ups (src/platform/) own the window, the GL context and the main loop, and
// give the app the few things that differ between them (Platform).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lab/lab.h"

namespace aelab {

// What the desktop and the browser do differently.
struct Platform {
  bool web = false;
  // Starts loading the training set (the browser fetches it, into its Web Worker where the run
  // lives there; the desktop reads it). The platform later calls lab_set_dataset (or the run's
  // snapshot says the set is there), or lab_set_data_failed.
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

// Training time per frame for the frames host, adapted while training (unless set explicitly) so
// the frame rate stays above kTargetFps (app.cpp) where the display can do that.
struct FrameBudget {
  double ms = 8;
  bool automatic = true;
  double window_start_ms = -1;
  int window_frames = 0;
};

struct Message {
  std::string text; // last error or result, one line
  double until_ms = 0;
};

struct DrawState {
  bool stroke_active = false;
  float last_x = 0, last_y = 0; // previous brush point, canvas pixels
  Rect canvas_rect;             // where the canvas was drawn last frame (window coordinates)
};

// A new architecture typed into the training panel: it waits for a confirmation. While not
// editing, the fields show the model's own shape.
struct ShapeEdit {
  bool editing = false;
  int hidden = 0, latent = 0;
  bool confirm_open = false;
};

struct GalleryState {
  int first = 0;
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  std::vector<float> recon; // reconstructions of the 10 shown digits
  int cache_first = -1;
  uint64_t cache_version = ~0ull;
  double cache_ms = 0;
};

struct LatentView {
  float scale = 1; // the bars' full scale, growing at once and shrinking slowly
  Rect bars_rect;  // where the bars were drawn last frame (window coordinates)
};

struct App {
  Lab lab;
  Platform platform;
  float content_scale = 1; // HiDPI: framebuffer pixels per window coordinate
  FrameBudget budget;
  int frames = 0;
  float fps = 0;
  float frame_cpu_ms = 0; // main-thread time of a frame (moving average), measured by the platform
  bool training_set_requested = false;
  Message message;
  DrawState draw;
  ShapeEdit shape_edit;
  GalleryState gallery;
  LatentView latent;
  char model_path[512] = "model.aelab"; // model panel (desktop)
};

// The colour the platform clears the window to: the panels' background. Panels draw no background
// of their own, which spares a software renderer (SwiftShader) a blended layer over the window.
constexpr float kBackground[3] = {0.06f, 0.065f, 0.075f};

void app_init(App& app, const Platform& platform, std::unique_ptr<RunHost> host);
// Builds this frame's UI (and, on the frames host, advances training within the frame's budget).
// Call between ImGui::NewFrame() and ImGui::Render().
void app_frame(App& app);
// True while something changes on its own (training, validation, loading, a message timing
// out, commands in flight): the platform keeps drawing frames. Else it may wait for an event.
bool app_animating(const App& app);
// Sets up ImGui's style and font for a content scale (call before the first frame and when the
// scale changes; the caller rebuilds the font texture).
void app_setup_style(float content_scale);

// Shows a one-line message (errors stay longer).
void app_message(App& app, const std::string& text, bool error);
// Loads a model file from memory into the lab (used by file pickers, drag-and-drop and tests).
std::string app_load_model_bytes(App& app, const uint8_t* bytes, size_t size, const std::string& name);
// New random weights for `shape` ("" or why not).
std::string app_reset(App& app, const ModelShape& shape);

// window.aelab.state() (and the native script's checks): the lab's state as one JSON object.
// Never fails; "ready" is false before the first frame and while `page_ready` is false. `extra`
// adds what only the platform knows.
class JsonWriter;
std::string app_state_json(const App& app, bool page_ready = true,
                           const std::function<void(JsonWriter&)>& extra = {});
// window.aelab.set({...}): one named setting; "" or an error line naming the value and range.
std::string app_set(App& app, const std::string& name, double value);

// ---- the panels (one file each), drawn into the rectangle the layout gives them
void draw_panel(App& app, const Rect& r);
void latent_panel(App& app, const Rect& r);
void training_panel(App& app, const Rect& r);
void gallery_panel(App& app, const Rect& r);
void model_panel(App& app, const Rect& r);

// `long_text` if it fits in the rest of the line, else `short_text`.
const char* fit_text(const char* long_text, const char* short_text);
// Text in the disabled colour, wrapped at the panel's edge.
void text_disabled_wrapped(const char* fmt, ...);

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
