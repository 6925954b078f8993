// The desktop start-up, in the shape of Dear ImGui's example_sdl2_opengl3/main.cpp: an SDL2
// window with an OpenGL 3 context, Dear ImGui on it, the app in the loop; training runs on a
// thread of its own (lab/run_host.h). It reads the model and the MNIST files from disk; --frames
// and --script drive it for smoke tests. When nothing changes the loop sleeps until the next
// event. Everything else is the shared app in src/app.
#include <SDL.h>
#include <SDL_opengl.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/app.h"
#include "app/script.h"
#include "core/dataset.h"
#include "core/fp_env.h"
#include "core/model_file.h"
#include "core/npz.h"
#include "core/threads.h"

using namespace aelab;

namespace {

struct Options {
  std::string data_dir = AELAB_DEFAULT_DATA;
  std::string fashion_dir = "/usr/share/datasets/fashion-mnist"; // Debian's dataset-fashion-mnist
  std::string model_path = AELAB_DEFAULT_MODEL;
  long frames = 0; // 0 = until the window is closed
  std::string script_path;
  std::string lesson; // a lesson link's settings, or a lesson file
  std::string own_dir;
};

const char* kUsage =
    "usage: aelab_app [--data DIR] [--fashion DIR] [--own DIR] [--model FILE] [--lesson SETTINGS|FILE]\n"
    "                 [--frames N] [--script FILE]\n"
    "  --data DIR     folder with the MNIST IDX files (default: the build's .cache/mnist)\n"
    "  --fashion DIR  folder with Fashion-MNIST's (default: /usr/share/datasets/fashion-mnist)\n"
    "  --own DIR      start with your own data: a folder with the four IDX files, plain or .gz\n"
    "  --model FILE   model to start with (default: the repository's assets/model.aelab)\n"
    "  --lesson SETTINGS|FILE\n"
    "                 open a lesson: a lesson link's settings ('latent=2&view=map&lr_hide=1'), or a\n"
    "                 file of them, one per line (docs/teaching.md lists the keys)\n"
    "  --frames N     quit after N frames\n"
    "  --script FILE  drive the app with a script (see src/app/script.h); exit 1 if a check fails\n";

bool parse_options(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--data" && has_value)
      o->data_dir = argv[++i];
    else if (a == "--fashion" && has_value)
      o->fashion_dir = argv[++i];
    else if (a == "--own" && has_value)
      o->own_dir = argv[++i];
    else if (a == "--model" && has_value)
      o->model_path = argv[++i];
    else if (a == "--frames" && has_value)
      o->frames = std::atol(argv[++i]);
    else if (a == "--script" && has_value)
      o->script_path = argv[++i];
    else if (a == "--lesson" && has_value)
      o->lesson = argv[++i];
    else
      return false;
  }
  return true;
}

std::string load_model_file(App& app, const std::string& path) {
  std::vector<uint8_t> bytes;
  std::string error = read_file_bytes(path, &bytes, model_or_npz_size_from_head); // .aelab or .npz
  return error.empty() ? app_load_model_bytes(app, bytes.data(), bytes.size(), path) : error;
}

// One split of a data set, read at once (a second at most) and handed to the lab.
void load_data(App& app, const Options& o, DataTarget target, DatasetKind kind, uint64_t generation) {
  const std::string dir = kind == DatasetKind::mnist     ? o.data_dir
                          : kind == DatasetKind::fashion ? o.fashion_dir
                                                         : std::string(app.data_path);
  Dataset data;
  std::string error = load_split(dir, target == DataTarget::train, 0, &data);
  if (error.empty()) lab_set_data(app.lab, target, std::move(data), generation, &error);
  if (!error.empty()) {
    lab_set_data_failed(app.lab, target, error);
    app_message(app, error, true);
  }
}

// The window with an OpenGL 3.2 context (null, said why, if there is none).
SDL_Window* open_window(SDL_GLContext* gl) {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "aelab_app: cannot start SDL: %s\n", SDL_GetError());
    return nullptr;
  }
  // With no display SDL falls back to an invisible driver; say so unless it was asked for.
  std::string driver = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
  if ((driver == "offscreen" || driver == "dummy") && !SDL_getenv("SDL_VIDEODRIVER")) {
    std::fprintf(stderr,
                 "aelab_app: no display to open a window on (set DISPLAY, or run it under xvfb-run)\n");
    return nullptr;
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  auto flags = SDL_WindowFlags(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  SDL_Window* window = SDL_CreateWindow("aelab: an autoencoder you can draw on and train",
                                        SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 800, flags);
  *gl = window ? SDL_GL_CreateContext(window) : nullptr;
  if (!*gl) {
    std::fprintf(stderr, "aelab_app: cannot open an OpenGL 3.2 window: %s\n", SDL_GetError());
    return nullptr;
  }
  SDL_GL_MakeCurrent(window, *gl);
  SDL_GL_SetSwapInterval(1);
  return window;
}

// The app, its model (or random weights, said so), the test set (the training set is read when
// training first starts), and the lesson asked for. Training gets a thread of its own and all
// cores but one for its products (the UI and the window system keep one).
void start_app(App& app, const Options& options) {
  set_thread_count(std::max(1, thread_count_max() - 1));
  gemm_select_fastest_kernel(); // avx512 or avx2, the same results: the faster at these threads
  bf16_time_products();         // amx or avx512-bf16, and whether bf16 is faster here at all
  Platform platform;
  platform.request_data = [&app, &options](DataTarget target, DatasetKind kind, uint64_t generation) {
    load_data(app, options, target, kind, generation);
  };
  platform.save_model = [](const std::vector<uint8_t>& bytes, const std::string& path) {
    return replace_file_bytes(path, bytes.data(), bytes.size());
  };
  platform.load_model = [&app](const std::string& path) { return load_model_file(app, path); };
  platform.fetch_model = [&app](const std::string& path) { // a lesson's model=FILE: a path here
    std::vector<uint8_t> bytes;
    std::string error = path.find("://") != std::string::npos
                            ? "the desktop app opens model files by path, not by address"
                            : read_file_bytes(path, &bytes, model_or_npz_size_from_head);
    if (error.empty())
      app_model_file_arrived(app, path, bytes.data(), bytes.size());
    else
      app_model_file_failed(app, path, error);
  };
  platform.fetch_asset = [&app, &options](const std::string& name) { // beside the shipped model
    const size_t slash = options.model_path.rfind('/');
    const std::string path =
        (slash == std::string::npos ? "" : options.model_path.substr(0, slash + 1)) + name;
    std::vector<uint8_t> bytes;
    const std::string error = read_file_bytes(path, &bytes, model_size_from_head);
    app_compare_asset(app, name, bytes.data(), bytes.size(), error);
  };
  platform.save_figure = [](const std::vector<uint8_t>& bytes, const std::string& name) {
    return replace_file_bytes(name, bytes.data(), bytes.size());
  };
  app_init(app, platform, make_thread_host());
  std::vector<uint8_t> bytes;
  std::string error = read_file_bytes(options.model_path, &bytes, model_size_from_head);
  if (error.empty()) error = lab_set_shipped_model(app.lab, std::move(bytes), "shipped model");
  if (!error.empty()) app.lab.model_notice = error + " - using random weights (seed 0).";
  if (options.own_dir.empty()) {
    load_data(app, options, DataTarget::test, DatasetKind::mnist, app.lab.data_generation);
  } else {
    std::snprintf(app.data_path, sizeof app.data_path, "%s", options.own_dir.c_str());
    if (std::string e = app_use_own_data(app, options.own_dir); !e.empty())
      std::fprintf(stderr, "aelab_app: %s\n", e.c_str());
  }
  if (options.lesson.empty()) return;
  std::string text = options.lesson; // after the shipped model: a lesson may start from it
  if (read_file_bytes(options.lesson, &bytes).empty())
    text = lesson_from_file(std::string(bytes.begin(), bytes.end()));
  const LessonResult r = app_apply_lesson(app, text);
  for (const std::string& key : r.unknown)
    std::fprintf(stderr, "aelab_app: lesson: unknown key '%s' ignored\n", key.c_str());
  for (const std::string& notice : app.lesson.notices) // the link's, and its model file's
    std::fprintf(stderr, "aelab_app: %s\n", notice.c_str());
}

// The window's events (*any: there were some): false when it is to close. A model file dropped
// on the window loads.
bool handle_events(App& app, bool* any) {
  bool open = true;
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    *any = true;
    if (event.type == SDL_QUIT) open = false;
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE) open = false;
    if (event.type == SDL_DROPFILE) {
      std::string error = load_model_file(app, event.drop.file);
      if (!error.empty()) app_message(app, error, true);
      SDL_free(event.drop.file);
    }
  }
  return open;
}

// One frame: the app's panels drawn into the window.
void draw_frame(App& app, SDL_Window* window, Script* script) {
  int window_w = 0, window_h = 0, drawable_w = 0, drawable_h = 0;
  SDL_GetWindowSize(window, &window_w, &window_h);
  SDL_GL_GetDrawableSize(window, &drawable_w, &drawable_h);
  const float pixel_ratio = window_w > 0 ? float(drawable_w) / float(window_w) : 1.0f; // HiDPI
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  if (app_begin_frame(app, float(window_w), float(window_h), pixel_ratio)) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  if (script) script_before_frame(*script, app); // after the backend's mouse
  ImGui::NewFrame();
  app_frame(app);
  ImGui::Render();
  glViewport(0, 0, drawable_w, drawable_h);
  glClearColor(kBackground[0], kBackground[1], kBackground[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(window);
}

// What the run did, and whether the script passed (the exit status).
int report(const App& app, const Options& options, const Script& script) {
  int status = 0;
  if (!options.script_path.empty() && !script.failure.empty())
    std::fprintf(stderr, "aelab_app: %s\n", script.failure.c_str()), status = 1;
  else if (!options.script_path.empty() && !script.finished)
    std::fprintf(stderr, "aelab_app: the script did not finish within %ld frames\n", options.frames),
        status = 1;
  std::printf("aelab_app: %d frames, %.0f fps at the end, %lld training steps, %.0f samples/s\n", app.frames,
              app.fps, (long long)app.lab.latest.steps, app.lab.latest.speed.samples_per_s);
  if (app.views.map.builds > 0)
    std::printf("aelab_app: %d latent maps built, the last in %.1f ms of compute\n", app.views.map.builds,
                app.views.map.compute_ms);
  return status;
}

} // namespace

int main(int argc, char** argv) {
  aelab::set_flush_denormals(true); // subnormals as 0 here, in the run thread and the pool (fp_env.h)
  Options options;
  if (!parse_options(argc, argv, &options)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  Script script;
  const bool scripted = !options.script_path.empty();
  if (scripted) {
    std::string error = load_script(options.script_path, &script);
    if (!error.empty()) {
      std::fprintf(stderr, "aelab_app: %s\n", error.c_str());
      return 2;
    }
  }
  SDL_GLContext gl = nullptr;
  SDL_Window* window = open_window(&gl);
  if (!window) return 1;

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr; // the layout is computed from the window, nothing to save
  ImGui_ImplSDL2_InitForOpenGL(window, gl);
  ImGui_ImplOpenGL3_Init("#version 150");
  App app;
  start_app(app, options);

  int quiet_frames = 0; // frames drawn since the app last had something changing on its own
  for (bool done = false; !done;) {
    // Idle (no training, loading or input): wait for the next event instead of redrawing. A few
    // frames are drawn after each change so ImGui's hover and focus states settle.
    quiet_frames = app_animating(app) ? 0 : quiet_frames + 1;
    if (quiet_frames > 3 && !scripted) SDL_WaitEventTimeout(nullptr, 5000);
    bool any_events = false;
    done = !handle_events(app, &any_events);
    if (any_events) quiet_frames = 0;
    draw_frame(app, window, scripted ? &script : nullptr);
    if ((scripted && script.finished) || (options.frames > 0 && app.frames >= options.frames)) done = true;
  }
  const int status = report(app, options, script);
  app.lab.host.reset(); // stops the training thread

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(gl);
  SDL_DestroyWindow(window);
  SDL_Quit();
  return status;
}
