// The browser start-up: SDL2 on the page's <canvas> with a WebGL2 context, Dear ImGui on it, the
// app driven by emscripten_set_main_loop. The page (web/aelab-api.js) fetches the model and the
// data and hands the bytes to the C functions below, which are also what window.aelab calls.
#include <SDL.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <GLES3/gl3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl2.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/lab_worker.h"
#include "core/dataset.h"
#include "core/threads.h"

using namespace aelab;

// ---- JavaScript the app calls (defined in web/aelab-api.js, reached through Module)
EM_JS(void, js_request_training_set, (), { Module.aelabRequestTrainingSet(); });
EM_JS(void, js_open_model_picker, (), { Module.aelabOpenModelPicker(); });
EM_JS(void, js_first_frame, (), { Module.aelabFirstFrame(); });
EM_JS(void, js_download, (const uint8_t* bytes, int size, const char* name), {
  Module.aelabDownload(HEAPU8.slice(bytes, bytes + size), UTF8ToString(name));
});

namespace {

struct WebState {
  App app;
  bool model_settled = false; // the shipped model arrived, or is known to be missing
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  double css_w = 0, css_h = 0, pixel_ratio = 0;
  bool announced_ready = false;
  std::string returned; // the last string handed to JavaScript
  std::vector<uint8_t> image_bytes; // an image file on its way in (aelab_image_buffer)
};

WebState& web() { // built on first use: JavaScript may hand over the model before main() runs
  static WebState* state = [] {
    auto* s = new WebState;
    Platform p;
    p.web = true;
    p.request_training_set = [] { js_request_training_set(); };
    p.save_model = [](const std::vector<uint8_t>& bytes, const std::string&) {
      js_download(bytes.data(), int(bytes.size()), "aelab-model.aelab");
      return std::string();
    };
    p.load_model = [](const std::string&) {
      js_open_model_picker();
      return std::string();
    };
    app_init(s->app, p);
    s->app.lab.model_notice = "Loading the shipped model...";
    return s;
  }();
  return *state;
}

const char* give(const std::string& s) {
  web().returned = s;
  return web().returned.c_str();
}

// Follows the canvas's CSS size and the device pixel ratio (HiDPI, browser zoom).
void follow_canvas_size(WebState& w) {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  double ratio = emscripten_get_device_pixel_ratio();
  if (css_w == w.css_w && css_h == w.css_h && ratio == w.pixel_ratio) return;
  w.css_w = css_w, w.css_h = css_h, w.pixel_ratio = ratio;
  SDL_SetWindowSize(w.window, int(css_w), int(css_h));
  emscripten_set_canvas_element_size("#canvas", int(std::lround(css_w * ratio)), int(std::lround(css_h * ratio)));
  emscripten_set_element_css_size("#canvas", css_w, css_h);
  w.app.content_scale = float(ratio);
  app_setup_style(float(ratio));
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void frame() {
  WebState& w = web();
  const double start_ms = lab_now_ms();
  SDL_Event event;
  while (SDL_PollEvent(&event)) ImGui_ImplSDL2_ProcessEvent(&event);
  follow_canvas_size(w);

  ImGuiIO& io = ImGui::GetIO();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  // SDL reports the canvas's backing size; ImGui works in CSS pixels
  io.DisplaySize = ImVec2(float(w.css_w), float(w.css_h));
  io.DisplayFramebufferScale = ImVec2(float(w.pixel_ratio), float(w.pixel_ratio));
  ImGui::NewFrame();
  {
    LabLock lock(w.app.worker); // the GL calls below and the browser's compositing overlap training
    app_frame(w.app);
  }
  ImGui::Render();
  int fb_w = int(std::lround(w.css_w * w.pixel_ratio)), fb_h = int(std::lround(w.css_h * w.pixel_ratio));
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  float took = float(lab_now_ms() - start_ms);
  w.app.frame_cpu_ms = w.app.frame_cpu_ms == 0 ? took : w.app.frame_cpu_ms + 0.05f * (took - w.app.frame_cpu_ms);

  if (!w.announced_ready && w.model_settled) {
    w.announced_ready = true;
    js_first_frame();
  }
}

} // namespace

int main() {
  WebState& w = web();
#ifdef AELAB_WEB_THREADS
  // The threaded variant (aelab-mt.js): training runs on a thread of its own (lab_worker.h) with
  // its pool's workers, one core fewer than we use (at most AELAB_WEB_THREADS), so the page and
  // the browser's rendering keep a core: on 2 cores that trained faster (17k vs 13k samples/s at
  // batch 64) and drew faster (22 vs 17 fps at 1280x800, SwiftShader) than 2 training threads.
  // The threads come from the pthread pool started before main(), so they start at once. The
  // page's thread takes the lab only for a frame's UI or an API call, waiting for at most the
  // batch in progress (Emscripten busy-waits its futex: the browser's main thread cannot sleep).
  set_thread_count(std::max(1, std::min(thread_count_max(), AELAB_WEB_THREADS) - 1));
  w.app.worker = lab_worker_start(w.app.lab);
#endif
  // Keys go to the canvas only while it has focus; the rest of the page keeps its keyboard.
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    EM_ASM({ Module.aelabFatal(UTF8ToString($0)); }, SDL_GetError());
    return 1;
  }
  // WebGL2 = OpenGL ES 3.0
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  double css_w = 1280, css_h = 800;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  w.window = SDL_CreateWindow("aelab", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, int(css_w), int(css_h),
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
  w.gl = w.window ? SDL_GL_CreateContext(w.window) : nullptr;
  if (!w.gl) {
    EM_ASM({ Module.aelabFatal("this browser could not create a WebGL2 context: " + UTF8ToString($0)); }, SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(w.window, w.gl);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplSDL2_InitForOpenGL(w.window, w.gl);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  follow_canvas_size(w);
  emscripten_set_main_loop(frame, 0, false); // every animation frame
  return 0;
}

// ---- the C functions behind window.aelab and the page's loaders (see docs/web-api.md)
extern "C" {

EMSCRIPTEN_KEEPALIVE const char* aelab_state() {
  LabLock lock(web().app.worker);
  WebState& w = web();
  std::string json = app_state_json(w.app);
  json.back() = ','; // the page adds what only it knows
  json += std::string("\"modelSettled\":") + (w.model_settled ? "true" : "false") + "}";
  if (!w.announced_ready) json.replace(json.find("\"ready\":true"), 12, "\"ready\":false");
  return give(json);
}

EMSCRIPTEN_KEEPALIVE void aelab_train(int on) {
  LabLock lock(web().app.worker);
  Lab& lab = web().app.lab;
  if (on) lab_start(lab);
  else lab_pause(lab);
}

EMSCRIPTEN_KEEPALIVE const char* aelab_set(const char* name, double value) {
  LabLock lock(web().app.worker);
  return give(app_set(web().app, name, value));
}

EMSCRIPTEN_KEEPALIVE void aelab_reset() {
  LabLock lock(web().app.worker);
  Lab& lab = web().app.lab;
  lab_reset(lab, lab.model.shape);
}

// Trains n batches now (blocking); returns how many ran (0 if the training set is not loaded).
EMSCRIPTEN_KEEPALIVE int aelab_step(int n) {
  LabLock lock(web().app.worker);
  int done = 0;
  while (done < n && lab_step(web().app.lab)) done++;
  if (done < n) web().app.want_training_set = true;
  return done;
}

EMSCRIPTEN_KEEPALIVE void aelab_set_input(const float* pixels) {
  LabLock lock(web().app.worker);
  lab_set_input_pixels(web().app.lab, pixels);
  lab_update(web().app.lab);
}

// Strokes as flat (x, y) lists in 0-28 units: counts[i] points for stroke i, all in xy.
EMSCRIPTEN_KEEPALIVE void aelab_set_strokes(const float* xy, const int* counts, int strokes) {
  LabLock lock(web().app.worker);
  std::vector<std::vector<float>> list;
  for (int s = 0; s < strokes; ++s) {
    list.emplace_back(xy, xy + 2 * counts[s]);
    xy += 2 * counts[s];
  }
  lab_set_strokes(web().app.lab, list);
  lab_update(web().app.lab);
}

EMSCRIPTEN_KEEPALIVE int aelab_load_test_digit(int index) {
  LabLock lock(web().app.worker);
  bool ok = lab_load_test_digit(web().app.lab, index);
  lab_update(web().app.lab);
  return ok;
}

EMSCRIPTEN_KEEPALIVE const float* aelab_input() {
  LabLock lock(web().app.worker);
  lab_update(web().app.lab);
  return web().app.lab.input;
}
EMSCRIPTEN_KEEPALIVE const float* aelab_reconstruction() {
  LabLock lock(web().app.worker);
  lab_update(web().app.lab);
  return web().app.lab.recon;
}
EMSCRIPTEN_KEEPALIVE const float* aelab_latent() {
  LabLock lock(web().app.worker);
  lab_update(web().app.lab);
  return web().app.lab.code.data();
}
EMSCRIPTEN_KEEPALIVE int aelab_latent_dim() {
  LabLock lock(web().app.worker);
  return int(web().app.lab.code.size());
}

// The shipped model, fetched by the page ("" or an error line).
EMSCRIPTEN_KEEPALIVE const char* aelab_set_shipped_model(const uint8_t* bytes, int size) {
  LabLock lock(web().app.worker);
  WebState& w = web();
  w.model_settled = true;
  std::string error = lab_set_shipped_model(w.app.lab, std::vector<uint8_t>(bytes, bytes + size), "shipped model");
  w.app.edit_hidden = w.app.lab.model.shape.hidden_dim, w.app.edit_latent = w.app.lab.model.shape.latent_dim;
  return give(error);
}
EMSCRIPTEN_KEEPALIVE void aelab_shipped_model_missing(const char* why) {
  LabLock lock(web().app.worker);
  WebState& w = web();
  w.model_settled = true;
  w.app.lab.model_notice = std::string(why) + " - using random weights (seed 0).";
}

// Save, as the Save button does: the current model is downloaded as aelab-model.aelab.
EMSCRIPTEN_KEEPALIVE void aelab_save_model() {
  LabLock lock(web().app.worker);
  App& app = web().app;
  app.platform.save_model(lab_model_bytes(app.lab), "");
}

// A model file the user picked or dropped ("" or an error line, also shown in the app).
EMSCRIPTEN_KEEPALIVE const char* aelab_load_model(const uint8_t* bytes, int size, const char* name) {
  LabLock lock(web().app.worker);
  return give(app_load_model_bytes(web().app, bytes, size_t(size), name));
}

EMSCRIPTEN_KEEPALIVE void aelab_data_progress(int train, float fraction) {
  LabLock lock(web().app.worker);
  DataSlot& slot = train ? web().app.lab.train : web().app.lab.test;
  slot.status = DataStatus::loading;
  slot.progress = fraction;
}
EMSCRIPTEN_KEEPALIVE void aelab_data_failed(int train, const char* error) {
  LabLock lock(web().app.worker);
  lab_set_data_failed(web().app.lab, train, error);
}

// A buffer of `size` bytes in the app's memory for a split's image file: the page writes the
// decompressed bytes there, and aelab_load_data takes them over, so the 47 MB of training images
// never sit in memory twice.
EMSCRIPTEN_KEEPALIVE uint8_t* aelab_image_buffer(int size) {
  web().image_bytes.assign(size_t(std::max(size, 1)), 0);
  return web().image_bytes.data();
}

// One split: the image file in aelab_image_buffer's buffer, the label file's bytes here (both
// decompressed by the page). Returns "" or an error line.
EMSCRIPTEN_KEEPALIVE const char* aelab_load_data(int train, const uint8_t* labels, int labels_size) {
  Dataset data;
  const char* images_name = train ? kTrainImagesFile : kTestImagesFile;
  const char* labels_name = train ? kTrainLabelsFile : kTestLabelsFile;
  std::string error = parse_idx_images(std::move(web().image_bytes), images_name, &data);
  web().image_bytes = {}; // taken over, or (on error) no longer needed
  if (error.empty()) error = parse_idx_labels(labels, size_t(labels_size), labels_name, &data.labels);
  if (error.empty() && int(data.labels.size()) != data.count)
    error = std::string(labels_name) + ": expected " + std::to_string(data.count) + " labels, found " +
            std::to_string(data.labels.size());
  LabLock lock(web().app.worker); // the parsing above runs while training goes on
  if (!error.empty()) {
    lab_set_data_failed(web().app.lab, train, error);
    return give(error);
  }
  lab_set_dataset(web().app.lab, train, std::move(data));
  return give("");
}

} // extern "C"
