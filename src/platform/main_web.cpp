// The browser start-up, in the shape of Dear ImGui's example_sdl2_opengl3/main.cpp: SDL2 on the
// page's <canvas> with a WebGL2 context, Dear ImGui on it, the app driven by
// emscripten_set_main_loop. Training runs on a thread of its own in the threaded build, and in
// the single-thread build first in the frames, then (from the first training) in a Web Worker
// (web_bridge.cpp). When nothing changes the loop pauses until the next event.
#include <GLES3/gl3.h>
#include <SDL.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl2.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>

#include "core/threads.h"
#include "platform/web.h"

using namespace aelab;

EM_JS(void, js_request_data, (int target, const char* dataset, double generation),
      { Module.aelabRequestData(target, UTF8ToString(dataset), generation); });
EM_JS(void, js_open_data_picker, (), { Module.aelabOpenDataPicker(); });
EM_JS(void, js_open_model_picker, (), { Module.aelabOpenModelPicker(); });
EM_JS(void, js_first_frame, (), { Module.aelabFirstFrame(); });
EM_JS(void, js_unfix_canvas_css_size, (), {
  const canvas = document.getElementById('canvas');
  canvas.style.removeProperty("width");
  canvas.style.removeProperty("height");
});
EM_JS(void, js_download, (const uint8_t* bytes, int size, const char* name),
      { Module.aelabDownload(HEAPU8.slice(bytes, bytes + size), UTF8ToString(name)); });

EM_JS(char*, js_page_address, (), {
  const address = Module.aelabPageAddress();
  const size = lengthBytesUTF8(address) + 1, p = _malloc(size);
  stringToUTF8(address, p, size);
  return p;
});
EM_JS(void, js_copy_text, (const char* text), { Module.aelabCopyText(UTF8ToString(text)); });
EM_JS(void, js_open_link, (const char* link), { window.open(UTF8ToString(link), '_blank', 'noopener'); });
EM_JS(void, js_open_full_lab, (), { Module.aelabOpenFullLab(); });
EM_JS(void, js_tour_done, (), { Module.aelabTourDone(); });
EM_JS(void, js_fetch_model, (const char* name), { Module.aelabFetchModel(UTF8ToString(name)); });
EM_JS(void, js_fetch_asset, (const char* name), { Module.aelabFetchAsset(UTF8ToString(name)); });
EM_JS(void, js_make_offline, (int fashion), { Module.aelabMakeOffline(Boolean(fashion)); });
EM_JS(void, js_open_about, (), { Module.aelabOpenAbout(); });
EM_JS(void, js_retry_downloads, (), { Module.aelabRetryDownloads(); });

namespace aelab {

WebState& web() {
  static WebState* state = [] {
    auto* s = new WebState;
    Platform p;
    p.web = true;
    p.request_data = [](DataTarget target, DatasetKind kind, uint64_t generation) {
      js_request_data(int(target), dataset_name(kind), double(generation));
    };
    p.open_data_picker = [] { js_open_data_picker(); };
    p.fetch_model = [](const std::string& name) { js_fetch_model(name.c_str()); };
    p.fetch_asset = [](const std::string& name) { js_fetch_asset(name.c_str()); };
    p.retry_downloads = [] { js_retry_downloads(); };
    p.make_offline = [](bool fashion) { js_make_offline(fashion ? 1 : 0); };
    p.open_about = [] { js_open_about(); };
    p.save_model = [](const std::vector<uint8_t>& bytes, const std::string&) {
      js_download(bytes.data(), int(bytes.size()), "aelab-model.aelab");
      return std::string();
    };
    p.save_figure = [](const std::vector<uint8_t>& bytes, const std::string& name) {
      js_download(bytes.data(), int(bytes.size()), name.c_str());
      return std::string();
    };
    p.load_model = [](const std::string&) {
      js_open_model_picker();
      return std::string();
    };
    p.page_address = [] {
      char* address = js_page_address();
      std::string out = address;
      free(address);
      return out;
    };
    p.copy_text = [](const std::string& text) {
      js_copy_text(text.c_str());
      return std::string();
    };
    p.open_link = [](const std::string& link) { js_open_link(link.c_str()); };
    p.open_full_lab = [] { js_open_full_lab(); };
    p.tour_done = [] { js_tour_done(); };
#ifdef AELAB_WEB_THREADS
    // The threaded build (aelab-mt.js): training on a thread of its own with one core fewer than
    // we use (at most AELAB_WEB_THREADS), so the page and the browser's rendering keep a core:
    // on 2 cores that trained faster and drew faster than 2 training threads. The threads come
    // from the pthread pool started before main(), so they start at once.
    set_thread_count(std::max(1, std::min(thread_count_max(), AELAB_WEB_THREADS) - 1));
    app_init(s->app, p, make_thread_host());
#else
    app_init(s->app, p, make_frames_host()); // until the Web Worker takes over (web_bridge.cpp)
#endif
    s->app.lab.model_notice = "Loading the shipped model...";
    return s;
  }();
  return *state;
}

void web_wake() {
  WebState& w = web();
  w.quiet_frames = 0;
  if (w.paused) {
    w.paused = false;
    emscripten_resume_main_loop();
  }
}

} // namespace aelab

namespace {

// Follows the canvas's CSS size and the device pixel ratio (HiDPI, browser zoom).
void follow_canvas_size(WebState& w) {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  double ratio = emscripten_get_device_pixel_ratio();
  if (css_w == w.css_w && css_h == w.css_h && ratio == w.pixel_ratio) return;
  w.css_w = css_w, w.css_h = css_h, w.pixel_ratio = ratio;
  SDL_SetWindowSize(w.window, int(css_w), int(css_h));
  emscripten_set_canvas_element_size("#canvas", int(std::lround(css_w * ratio)),
                                     int(std::lround(css_h * ratio)));
  // The page's style sizes the canvas (100vw x 100vh): drop the fixed size SDL gives it, or the
  // canvas would keep this size when the window is resized
  js_unfix_canvas_css_size();
  w.quiet_frames = 0;
}

// Frame pacing (issue 26). While the lab works on its own (training, loading) and no event (a
// pointer, touch or key; a resize or focus change counts too) has come for kInputQuietMs, frames
// are drawn on a 30-per-second schedule: an animation frame is skipped until the next deadline,
// less kSlackMs of the display's jitter, and a late frame starts the schedule afresh. The page
// draws in software on most students' machines and every headless one, and on 2 cores each frame
// is taken from the training. With input, every animation frame is drawn. A run in the frames
// themselves (the single-thread page before its Web Worker is up) is not paced: its steps are
// the frames'.
constexpr double kInputQuietMs = 500, kPacedFrameMs = 1000.0 / 30, kSlackMs = 4;

bool paced_out(WebState& w, double now) {
  if (SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT)) w.last_input_ms = now;
  const bool frames_train = w.app.lab.host && w.app.lab.host->kind() == HostKind::frames;
  const bool pace =
      app_animating(w.app) && !frames_train && w.announced_ready && now - w.last_input_ms > kInputQuietMs;
  if (pace && now < w.next_paced_ms - kSlackMs) return true;
  // on schedule: the next deadline one period on; late, or not pacing: one period from now
  w.next_paced_ms =
      pace && now < w.next_paced_ms + kPacedFrameMs ? w.next_paced_ms + kPacedFrameMs : now + kPacedFrameMs;
  return false;
}

void frame() {
  WebState& w = web();
  const double start_ms = now_ms();
  if (paced_out(w, start_ms)) return; // the canvas keeps the last frame drawn
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    // a finger lifted leaves nothing hovered: a tooltip would stay on the phone and cover controls
    if (event.type == SDL_MOUSEBUTTONUP && event.button.which == SDL_TOUCH_MOUSEID)
      ImGui::GetIO().AddMousePosEvent(-FLT_MAX, -FLT_MAX);
    w.quiet_frames = 0;
  }
  follow_canvas_size(w);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  // SDL reports the canvas's backing size; ImGui works in CSS pixels (divided by the zoom)
  if (app_begin_frame(w.app, float(w.css_w), float(w.css_h), float(w.pixel_ratio))) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  ImGui::NewFrame();
  app_frame(w.app);
  ImGui::Render();
  int fb_w = int(std::lround(w.css_w * w.pixel_ratio)), fb_h = int(std::lround(w.css_h * w.pixel_ratio));
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(kBackground[0], kBackground[1], kBackground[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  float took = float(now_ms() - start_ms);
  w.app.frame_cpu_ms =
      w.app.frame_cpu_ms == 0 ? took : w.app.frame_cpu_ms + 0.05f * (took - w.app.frame_cpu_ms);

  if (!w.announced_ready && w.model_settled) {
    w.announced_ready = true;
    js_first_frame();
  }
  // Nothing changes on its own: sleep until an event, an API call or a snapshot (web_wake). A
  // few frames are drawn after each change so ImGui's hover and focus states settle.
  w.quiet_frames = app_animating(w.app) || !w.announced_ready ? 0 : w.quiet_frames + 1;
  if (w.quiet_frames > 6) {
    w.paused = true;
    emscripten_pause_main_loop();
  }
}

} // namespace

int main() {
  WebState& w = web();
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
  w.window = SDL_CreateWindow("aelab", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, int(css_w),
                              int(css_h), SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
  SDL_GLContext gl = w.window ? SDL_GL_CreateContext(w.window) : nullptr;
  if (!gl) {
    EM_ASM({ Module.aelabFatal("this browser could not create a WebGL2 context: " + UTF8ToString($0)); },
           SDL_GetError());
    return 1;
  }
  w.gl = gl;
  SDL_GL_MakeCurrent(w.window, gl);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplSDL2_InitForOpenGL(w.window, gl);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  follow_canvas_size(w);
  emscripten_set_main_loop(frame, 0, false); // every animation frame, while anything changes
  return 0;
}
