// The ImGui app that the desktop and the browser share: the panels (draw, latent code,
// training, gallery, model and data) laid out to fit the window, drawn each frame from the Lab.
// The platform start-ups (src/platform/) own the window, the GL context and the main loop, and
// give the app the few things that differ between them (Platform).
#pragma once
#include <cstdint>
#include <functional>
#include <iterator> // std::size
#include <string>
#include <vector>

#include "core/figures.h"
#include "lab/lab.h"
#include "lab/views.h"

namespace aelab {

// What the desktop and the browser do differently.
struct Platform {
  bool web = false;
  // Fetches a model file that a lesson link names (model=FILE: relative to the page, or an
  // absolute URL; on the desktop a path): the platform later calls app_model_file_arrived or
  // app_model_file_failed with the same name. Unset: links cannot name files.
  std::function<void(const std::string& file)> fetch_model;
  // Fetches one of the app's own files beside the page (the desktop: beside the shipped model):
  // the AE vs VAE tab's trained models. The platform later calls app_compare_asset with its bytes
  // or an error. Unset: there are none.
  std::function<void(const std::string& name)> fetch_asset;
  // "Make available offline": fetches the app, the training set (and Fashion-MNIST) for the
  // browser to keep; its progress arrives in App::offline. Unset on the desktop.
  std::function<void(bool fashion)> make_offline;
  // The downloads waiting to try again try now (the Retry button); may be unset.
  std::function<void()> retry_downloads;
  // Starts loading data for `target`: the training or test split of `dataset` (the other target
  // takes that data set's test split). The browser fetches it (the training set into its Web
  // Worker where the run lives there; the user's own files from the page); the desktop reads it
  // (its own data from app.data_path). The platform later calls lab_set_data with `generation`
  // (or the run's snapshot says the training set is there), or lab_set_data_failed.
  std::function<void(DataTarget target, DatasetKind dataset, uint64_t generation)> request_data;
  // The browser's picker for the user's own IDX files (they arrive through app_use_own_data);
  // unset on the desktop, which has a folder field instead.
  std::function<void()> open_data_picker;
  // Saves a model file: a download in the browser, a file at `path` on the desktop. Returns ""
  // or an error line.
  std::function<std::string(const std::vector<uint8_t>& bytes, const std::string& path)> save_model;
  // Loads a model file: the browser opens its file picker (the result arrives later through
  // app_load_model_bytes); the desktop reads `path`.
  std::function<std::string(const std::string& path)> load_model;
  // Saves a figure (a view's "Save PNG"): a download named `name` in the browser, a file of that
  // name in the working folder on the desktop. Returns "" or an error line.
  std::function<std::string(const std::vector<uint8_t>& bytes, const std::string& name)> save_figure;
  // The page's address without its hash (the base of lesson links); empty on the desktop.
  std::function<std::string()> page_address;
  // Puts text on the clipboard ("" or why not); unset: ImGui's (SDL's) clipboard.
  std::function<std::string(const std::string& text)> copy_text;
  // Opens a link in a new tab (the share panel's preview); unset on the desktop.
  std::function<void(const std::string& link)> open_link;
  // Opens this lab, as it is now, as the full page in a new tab (embed mode); unset on the desktop.
  std::function<void()> open_full_lab;
  // Shows the page's "What is an autoencoder?" text below the lab; unset where there is none (the
  // desktop, an embedded lab).
  std::function<void()> open_about;
  // The tour was finished or skipped (the page remembers it); may be unset.
  std::function<void()> tour_done;
};

// The page's offline copy (its service worker): whether there is one, and how "Make available
// offline" is getting on (state().offline).
enum class OfflineStatus : uint8_t { unavailable, available, working, done, failed };
inline constexpr const char* kOfflineNames[] = {"unavailable", "available", "working", "done", "failed"};
struct OfflineState {
  OfflineStatus status = OfflineStatus::unavailable;
  float progress = 0;
  std::string text;     // what it keeps now, what it kept, or why it failed
  bool fashion = false; // Fashion-MNIST too
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
  ModelShape shape; // as typed
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
  float scale = 1;       // the bars' full scale, growing at once and shrinking slowly
  ModelShape scale_of;   // the model the scale was taken from: another one starts it afresh
  bool dragging = false; // a bar is being dragged (the scale holds still)
  Rect bars_rect;        // where the bars were drawn last frame (window coordinates)
  // a conv code's cell being dragged: its index, its value and the pointer's y when pressed
  int drag_cell = -1;
  float drag_from = 0, drag_y = 0;
};

// The views of the big area, one tab each (window.aelab.view(name) names them).
enum class View : uint8_t {
  map,
  grid,
  interpolate,
  traverse,
  weights,
  gallery,
  anomaly,
  generate,
  compare,
  features
};
constexpr int kViewCount = 10;
// "map", "grid", "interpolate", "traverse", "weights", "gallery", "anomaly", "generate", "compare",
// "features"
const char* view_name(View view);
bool view_from_name(const std::string& name, View* out);

// One end of an interpolation: the current input, a test digit, or a point of the map's plane.
struct Endpoint {
  enum class Kind : uint8_t { input, digit, point };
  Kind kind = Kind::input;
  int digit = 0;
  float x = 0, y = 0; // point: plane coordinates
};

// A view's picture, rendered again only when what it shows changed (key).
// While training, pictures of the model (the gallery, the views) are redrawn at most this often:
// the worker sends new weights every few tens of milliseconds, and decoding on each costs frames.
constexpr double kRefreshWhileTrainingMs = 250;

struct Figure {
  RgbImage image;
  uint64_t key = ~0ull;
  uint64_t shape = 0; // what sizes it (tile counts, the model's sizes): a change redraws at once
  double ms = 0;      // when it was drawn (now_ms)
};

// The Generate view: a grid of decoded random codes, and one code picked on the plane.
struct GenerateState {
  int seed = 0;
  int side = 6;                  // samples per side of the grid
  bool has_point = false;        // a point of the map's plane was picked (a click on the plane or the map)
  float x = 0, y = 0;            // ... its plane coordinates
  Figure samples, plane, picked; // the samples' grid, the plane to pick on, the picked picture
  std::vector<float> code;       // the picked point's code and its decoding (kPixels)
  std::vector<float> picture;
};

// The AE against VAE view: two latent-2 models side by side, each the shipped one of its kind or
// the lab's own (when it is of that kind with a 2-unit code).
struct CompareSide {
  ModelKind kind = ModelKind::ae;
  bool own = false;                           // the lab's current model instead of the shipped one
  std::shared_ptr<const Autoencoder> shipped; // loaded when the view first opens
  std::string status;                         // "" once loaded, else what happens ("loading ...")
  Figure map_figure;                          // the decoder's grid with the codes over it
  CompareAxes axes;                           // of map_figure
};
struct CompareState {
  static CompareSide make_side(ModelKind kind) {
    CompareSide s;
    s.kind = kind;
    return s;
  }
  bool asked = false; // the shipped models were asked for
  CompareSide side[2] = {make_side(ModelKind::ae), make_side(ModelKind::vae)};
  int grid_n = 10;
};

struct ViewsState {
  View view = View::map; // the first tab, which ImGui shows first
  bool select = false;   // the API or the script chose `view`: select its tab next frame
  MapState map;
  bool thumbnails = false;
  int click_sets =
      0;         // what a click on the map does: 0 loads the digit, 1 sets A, 2 sets B, 3 decodes (Generate)
  Rect map_rect; // where the map was drawn last frame (window coordinates)
  Figure map_figure, plane_figure, grid_figure, line_figure, traverse_figure, weights_figure;
  int grid_n = 10;
  Endpoint a, b{Endpoint::Kind::digit, 1, 0, 0};
  int steps = 10, scrub = 0;
  Matrix line, fade;              // the interpolation's two strips (line_figure's)
  int unit = 0;                   // the traversal's unit (a click on a latent bar chooses it)
  int all_units = 0;              // 1: every unit, a row each
  int tile = -1;                  // the first-layer unit clicked
  double map_frame_ms = 0;        // time the map build took this frame
  ScoresState scores;             // the anomaly view's per-picture losses
  ScoresState other_scores = [] { // ... and the other data set's, to compare with
    ScoresState s;
    s.target = DataTarget::other;
    return s;
  }();
  double auc = -1;              // the other data set's pictures against the test set's (other_scores)
  int auc_builds[2] = {-1, -1}; // ... from these builds of scores and other_scores
  float threshold = -1;         // the anomaly threshold the user dragged; < 0: the 99th percentile
  Figure worst_figure;          // the worst-reconstructed test digits
  GenerateState generate;
  CompareState compare;
};

// The anomaly view's numbers (state().anomaly, aelab.anomaly()): the threshold, the share of the
// test set above it, the input's loss and percentile among the test set's, null-like -1 where
// there is nothing yet; auc is -1 while there is no other data set to compare with.
struct AnomalyNumbers {
  float threshold = -1, share_above = -1, input_loss = -1, percentile_of_input = -1;
  bool unusual = false;
  double auc = -1; // the other data set's test pictures against the test set's (-1: not scored yet)
};

// ---- lessons (lesson.cpp): what a lesson link shows and hides
enum class Panel : uint8_t { draw, latent, train, views, model };
constexpr int kPanelCount = 5;
constexpr uint32_t kAllPanels = (1u << kPanelCount) - 1;
inline constexpr const char* kPanelNames[] = {"draw", "latent", "train", "views", "model"};
static_assert(std::size(kPanelNames) == kPanelCount, "a name per Panel");
// The controls a link can hide (<name>_hide=1) are lab/settings.h's Control.

// A lesson's model file (lesson_model_file): the model as it is now, weights only, float16 like the shipped
// one (float32 where a weight does not fit), named by a checksum of its bytes
// ("aelab-lesson-1a2b3c4d.aelab").
struct LessonModelFile {
  std::string name;
  std::vector<uint8_t> bytes;
};

struct Lesson {
  uint32_t panels = kAllPanels; // bit i: panel i is shown
  int model = 0;                // what the link starts from: 0 the model as now, 1 shipped, 2 random
  std::string model_file;       // the model file the link opened (model=FILE), "" none
  std::string downloaded_file;  // the model file the Share window last downloaded
  bool hidden[kControlCount] = {};
  std::string title, note;          // shown at the top when set
  std::vector<std::string> notices; // the bad values of the last link opened
};

// ---- work in progress (app_state.cpp): the one way the app keeps drawing frames. Every job that
// is not finished says so each frame it runs (app_working); the platform draws the next frame
// while any did (app_animating) and may sleep until an input event otherwise. state().working
// lists them by name.
enum class Work : uint8_t {
  run,     // the run trains, validates, or answers a command
  data,    // a data set or the model downloads (or waits to retry)
  save,    // a model file is being written
  message, // a message is on screen until it times out
  map,     // the latent map is being built
  scores,  // the anomaly view scores the test set (or the other data set)
  figure,  // a view's picture waits for its next redraw
  select,  // a tab chosen by the API or a script is selected next frame
  count
};
inline constexpr const char* kWorkNames[] = {"run", "data",   "save",   "message",
                                             "map", "scores", "figure", "select"};
static_assert(std::size(kWorkNames) == size_t(Work::count), "a name per Work");

// An action that replaces the weights: the UI asks first where it would throw away a network
// trained here (app_ask), offering to save it first (discard.cpp draws the question).
enum class Discard : uint8_t {
  none,
  reset,   // new random weights, same shape
  fresh,   // new random weights, then training starts
  shipped, // back to the shipped model
  load,    // a model file the person picks
  dataset, // another data set (the network trained here learned the old one)
  shape,   // a new architecture, random weights
  lesson,  // a lesson link opened in this tab
  count
};
inline constexpr const char* kDiscardNames[] = {"none", "reset",   "fresh", "shipped",
                                                "load", "dataset", "shape", "lesson"};
static_assert(std::size(kDiscardNames) == size_t(Discard::count), "a name per Discard");
struct PendingDiscard {
  PendingDiscard() = default;
  PendingDiscard(Discard a) : action(a) {} // NOLINT: app_ask(app, Discard::reset) reads well
  Discard action = Discard::none;
  DatasetKind dataset = DatasetKind::mnist; // dataset: the one chosen
  ModelShape shape;                         // shape: the one typed in
  std::string lesson;                       // lesson: the link
  int lesson_model = -1;                    // the Share window's "starts from" once done (-1: unchanged)
};

// How the panels are laid out (app.cpp): all five at once; the draw panel beside one tabbed
// area (an embedded lab, or a window under about 1000x680); one panel at a time (a phone).
enum class LayoutMode : uint8_t { full, compact, phone };

struct App {
  Lab lab;
  Platform platform;
  float content_scale = 0; // HiDPI: framebuffer pixels per window (CSS) pixel; 0 before the first frame
  float zoom = 0;          // window pixels per ImGui pixel (app_begin_frame); 0 before the first frame
  int input_zoomed = 0;    // ImGui's queued input events already divided by the zoom
  FrameBudget budget;
  int frames = 0;
  float fps = 0;
  float frame_cpu_ms = 0; // main-thread time of a frame (moving average), measured by the platform
  // lab.starts when the training set was last asked for (-1: not for this data set): a Start or
  // Step after its download failed asks again
  int64_t training_set_asked_at = -1;
  // The user's own data: what it is, for the UI ("4 files: ..."; the desktop's folder); empty
  // until some was given (app_use_own_data).
  std::string own_data_name;
  char data_path[512] = "";     // the desktop's field for a folder of IDX files
  bool offer_new_model = false; // the model learned another data set: the Train panel offers a new one
  Message message;
  DrawState draw;
  ShapeEdit shape_edit;
  GalleryState gallery;
  LatentView latent;
  char model_path[512] = "model.aelab"; // model panel (desktop)
  ViewsState views;
  Lesson lesson;
  // lesson_model_file's answer for the weights shown (the link asks for it every half second)
  mutable std::shared_ptr<const Autoencoder> lesson_file_model;
  mutable LessonModelFile lesson_file;
  bool share_open = false;         // the Share / make a lesson window
  Rect panel_rects[kPanelCount];   // the layout of the last frame (state().layout); zero: not shown
  Rect share_button;               // where the Share button was drawn last frame
  bool wheel_wanted = false;       // the mouse is over something the wheel scrolls (set each frame)
  uint32_t controls_drawn = 0;     // bit i: control i was drawn last frame
  std::vector<Rect> setting_rects; // the Train panel's widget of each row of the settings table, last frame
  bool log_loss_plot = false;      // the Train panel's loss plot on a log scale
  float settings_h = 0;            // the Train panel's hyperparameters' height, last frame
  bool tooltip_shown = false;      // a tooltip was drawn last frame (state().tooltip)
  PendingDiscard question;         // the action asked about (action none: no question open)
  std::string model_file_loading;
  OfflineState offline; // the model file a lesson link asked the platform for, until it comes
  int tour_step = -1;   // the first-visit tour's step shown (tour.cpp), -1: none
  Rect tour_buttons[2]; // where its Next (or Done) and Skip buttons were drawn last frame
  bool embed = false;   // ?embed=1: the compact layout at any size, with an "open the full lab" link
  LayoutMode layout = LayoutMode::full; // this frame's
  Panel tab = Panel::views;             // the panel the compact and phone layouts show
  bool tab_select = false;              // select `tab` in the tab strip next frame
  uint32_t working = 0;                 // bit i: Work(i) is unfinished this frame (app_working)
  // Named widgets drawn this frame, where they are (state().widgets): what a person's journey
  // clicks. mark_item() adds the last item drawn.
  std::vector<std::pair<std::string, Rect>> widgets;
};

// The UI font's size: ImGui pixels from its ascent to its descent.
constexpr float kFontPixels = 15;

// The colour the platform clears the window to: the panels' background. Panels draw no background
// of their own, which spares a software renderer (SwiftShader) a blended layer over the window.
constexpr float kBackground[3] = {0.06f, 0.065f, 0.075f};

void app_init(App& app, const Platform& platform, std::unique_ptr<RunHost> host);
// Builds this frame's UI (and, on the frames host, advances training within the frame's budget).
// Call between ImGui::NewFrame() and ImGui::Render().
void app_frame(App& app);
// Weights trained in this lab that a reset, a load or a lesson would throw away (steps trained
// here; Reset also counts a loaded model's epochs).
bool app_would_discard(const App& app, Discard action);
// Does `p` now, or, where it would throw away trained weights, keeps it as app.question for the
// person to answer (discard.cpp: do it, save first, or cancel). "" or why it failed.
std::string app_ask(App& app, const PendingDiscard& p);
// Does `p` without asking: the answer's "do it".
std::string app_do(App& app, const PendingDiscard& p);
// The question's popup (ImGui); app_frame calls it at the top level.
void discard_popup(App& app);
// Job `work` is unfinished this frame: the platform draws another.
void app_working(App& app, Work work);
// The lab's own jobs (the run, downloads, a save, a message on screen) as Work; app_frame calls it.
void app_lab_work(App& app);
// True while any job said it is unfinished this frame (app_working): the platform keeps drawing
// frames. Else it may wait for an event.
bool app_animating(const App& app);
// Sets up ImGui's style and font (the font's pixels per ImGui pixel: `raster_scale`; the caller
// rebuilds the font texture). app_begin_frame calls it.
void app_setup_style(float raster_scale);
// The UI is laid out for a 1280x800 window and zooms as a whole on larger ones (text, spacing
// and panels), so text keeps its size relative to the window: 1.35 at 1920x1080. Smaller
// windows keep zoom 1 and get the compact or phone layout instead.
float app_zoom(float window_w, float window_h);
// Call after the backend's NewFrame and before ImGui::NewFrame, with the window's size in window
// (CSS) pixels and the device pixel ratio: sets ImGui's display size, divides this frame's
// mouse positions by the zoom, and rebuilds the font when the zoom or the ratio changed. True
// then: the caller re-creates the font texture.
bool app_begin_frame(App& app, float window_w, float window_h, float pixel_ratio);

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
// ---- the page's API (api.cpp): settings through the table of lab/settings.h
// The lab's settings as one value: the config as last sent, the model's shape, the data set, ...
Settings app_settings(const App& app);
// Applies the part of `next` that `row` sets (a new config, shape, data set, ...): "" or why not.
std::string app_apply_setting(App& app, const Setting& row, const Settings& next);
// window.aelab.set({...}): one named setting as a number (a flag 0 or 1, a choice its index);
// "" or an error line naming the value and what was expected.
std::string app_set(App& app, const std::string& name, double value);
// The same from its text: a number, "true", a choice's name ("mse"), a text setting's text
// (noise "mask:0.3", corrupt "none", dataset "fashion", exclude "3,5").
std::string app_set_text(App& app, const std::string& name, const std::string& value);
// The table as the page's JavaScript needs it: [{key, kind, choices, min, max, integer, example,
// alias, inLink}, ...] (window.aelab.set checks the JavaScript types with it; C++ checks values).
std::string app_settings_json();
// The limits the page's JavaScript checks types against: {pixels, maxStrokePoints, maxCoordinate,
// maxStepBatches} (the settings' are the table's, app_settings_json).
std::string app_limits_json();
// Asks the platform for a split: the test or training set of the data set chosen, or the other
// data set's test set (the slot is marked loading).
void app_request_data(App& app, DataTarget target);
// The Retry button: a download waiting to try again tries now; a failed one is asked for again.
void app_retry_data(App& app, DataTarget target);
// A data set's line: its progress while it downloads (and what a retry waits for), its count, or
// why it failed; Retry where it waits or failed. `id` names the Retry button (state().widgets).
void data_status_line(App& app, const char* name, DataTarget target, const char* absent_text);
// Asks the platform for the test set of the data set chosen, unless it is loaded or loading.
void app_request_test_set(App& app);
// Chooses the data set and asks the platform for its test set ("" or why not: "custom" before
// any of the user's own data was given).
std::string app_set_dataset(App& app, DatasetKind kind);
// The user's own data was given (the page's picker or drop, the desktop's folder): named for the
// UI, and chosen.
std::string app_use_own_data(App& app, const std::string& name);
// Whether the model shown learned from another data set than the one chosen (the Train panel
// then says so and offers to train a new one).
bool app_model_data_mismatch(const App& app);
// Random weights and training started on the chosen data set (the offer's button).
void app_train_new_model(App& app);

// ---- lesson links (lesson.cpp; the keys are in docs/teaching.md)
struct LessonResult {
  std::vector<std::string> unknown; // keys this lab does not know (ignored; the page warns)
  std::vector<std::string> notices; // one line per bad value (not applied; shown in the lab)
};
// Opens a lesson link ("key=value&...", with or without a leading '#' or '?'): the settings,
// then the model (the shipped one, or random weights of the shape asked for), the view, the
// panels and hidden controls, the title and note. Never stops at a bad value.
LessonResult app_apply_lesson(App& app, const std::string& text);
// model=FILE: whether `name` can be a model file's name or URL (ends in .aelab or .npz, no spaces).
bool is_model_file_name(const std::string& name);
// Opens model file `name` as a lesson link does: the shipped model until it arrives (a notice if
// it does not). "" or why the name cannot be one (aelab.set({model: ...}) also takes 'shipped'
// and 'random').
std::string app_open_model_file(App& app, const std::string& name);
// The model file a link's model=FILE named has arrived, or could not be had ("" or the error).
std::string app_model_file_arrived(App& app, const std::string& name, const uint8_t* bytes, size_t size);
// The AE vs VAE tab's trained models (view_compare.cpp), as Platform::fetch_asset brought them:
// bytes, or the error that kept them away.
extern const char* const kCompareFiles[2]; // "compare-ae.aelab", "compare-vae.aelab"
void app_compare_asset(App& app, const std::string& name, const uint8_t* bytes, size_t size,
                       const std::string& error);
void app_model_file_failed(App& app, const std::string& name, const std::string& error);
// The model as it is now as a lesson's file (lesson_model_file).
LessonModelFile lesson_model_file(const App& app);
// What "the model as it is now" puts in the link: "shipped", "random", the file a link opened
// (untrained since), else lesson_model_file's name.
std::string lesson_model_value(const App& app);
// A lesson file's text as a link's settings: one "key=value" per line (values as in a link,
// percent-encoded where they hold '&'), '#' starts a comment line.
std::string lesson_from_file(const std::string& text);
// The link of the lab as it is now; opening it gives the same lab.
std::string app_lesson_link(const App& app);
// Whether a panel draws `control` (the lesson does not hide it); the panels ask right where they
// draw it, so controls_drawn lists what this frame drew (state().controlsDrawn).
bool app_control_shown(App& app, Control control);
bool app_panel_shown(const App& app, Panel panel);
std::vector<std::string> app_hidden_controls(const App& app); // their names, in kControlNames order

// ---- the panels (one file each), drawn into the rectangle the layout gives them
void draw_panel(App& app, const Rect& r);
void latent_panel(App& app, const Rect& r);
void training_panel(App& app, const Rect& r);
void hyperparameters(App& app); // the Train panel's settings: a widget per row of the table
// The Train panel's plot of the losses and the timeline's snapshots (loss_plot.cpp), w x h at the
// cursor.
void loss_plot(App& app, float w, float h, bool log_y);
void views_panel(App& app, const Rect& r); // the tabs of the big area (views_panel.cpp)
void gallery_view(App& app);               // the Gallery tab
void model_panel(App& app, const Rect& r);
void share_window(App& app); // Share / make a lesson (share_panel.cpp), while share_open
void tour_window(App& app);  // the tour's step (tour.cpp), while tour_step >= 0
void app_start_tour(App& app);
// The lesson link as shown and copied: the page's address + '#' + the settings in the page; the
// settings alone on the desktop (for aelab_app --lesson).
std::string app_share_link(const App& app);
std::string app_iframe_snippet(const App& app);

// ---- the views' data for window.aelab (views_panel.cpp): JSON text, or {"error": "..."}
std::string app_map_json(App& app);
std::string app_decode_grid_json(App& app, int n);
// aelab.sample(n, seed): {"from": "prior" | "fitted", "images": n arrays of 784}, or {"error"}.
std::string app_sample_json(App& app, int n, double seed);
// aelab.featureMaps(): a conv model's every layer for the current input, [{name, shape: [h, w, c],
// values (h * w * c, NHWC)}, ...] from the input to the output; an error for a dense model.
std::string app_feature_maps_json(App& app);
// The plain model's code's mean activation over the test set (the Keras blog's sparse example
// reports it: 3.33 with its L1 penalty, 7.30 without); -1 for a VAE or before the map is built.
float code_mean(const App& app);
std::string app_interpolate_json(App& app, int a, int b, int k); // a, b: test digit, -1: the input
std::string app_traverse_json(App& app, int unit, int k);
std::string app_first_layer_json(App& app);
std::string app_timeline_json(const App& app);
std::string app_view(App& app, const std::string& name); // "" or an error line
// The picture the view's "Save PNG" writes (empty if it has not been drawn yet), and the save
// itself: aelab-<view>.png, a download in the page, a file in the working folder natively.
RgbImage app_view_figure(App& app, View view);
std::string app_save_view(App& app); // "" or an error line (also shown as the app's message)
// The test set's codes for the TensorBoard Embedding Projector (core/projector.h), zipped as
// aelab-projector.zip: a download in the page, a file in the working folder natively.
std::string app_save_projector(App& app);
// Makes the map of the model shown now (for the API and the script); false without a test set.
bool app_map_now(App& app);

// A label as the lab shows it: "label 7", or with its class name ("label 9, Ankle boot").
std::string label_text(const Lab& lab, int label);
// The latent code's bars, w x h at the cursor (drag one to edit it): the Latent panel's, and the
// phone's draw panel's strip under the drawing.
void code_strip(App& app, float w, float h);
// Dead code units: 0 for every test picture under the model shown (a ReLU that never fires), from
// the latent map once it is built for that model; empty before.
std::vector<bool> dead_units(const App& app);
// What a data set of the lab holds, in words: "60,000 training digits", "10,000 test pictures"
// (Fashion-MNIST and the user's own data hold pictures), its real count once it is loaded.
std::string samples_text(const Lab& lab, DataTarget target);
// "digits" for MNIST, "pictures" for the others.
const char* samples_noun(const Lab& lab);
// The loss plot's points (x: epochs once the training set's size is known, else steps): the
// smoothed training loss, every validation pass where it was measured (each epoch's end and the
// early passes of the first epoch, which are the timeline's snapshots), and the snapshots' dots.
struct LossPoint {
  float x, y;
};
struct LossPlotData {
  std::vector<LossPoint> train, val, dots;
  std::vector<LossPoint> recon, kl; // a VAE's validation loss in its parts, per epoch
  bool epochs = false;              // the x axis counts epochs (else steps)
};
LossPlotData loss_plot_data(const Lab& lab);
// The run's progress as the Train panel says it: "this run: epoch 3 of 20, 45%, step 1234" (short:
// "epoch 3 of 20, 45%"); a finished run says "epoch 20 of 20, done", never "21 of 20".
std::string progress_text(const Lab& lab, bool short_text);

// `long_text` if it fits in the rest of the line, else `short_text`.
const char* fit_text(const char* long_text, const char* short_text);
// Text in the disabled colour, wrapped at the panel's edge.
void text_disabled_wrapped(const char* fmt, ...);

// The last item's rectangle (window coordinates).
Rect item_rect();
// Dim text after the last item: on its line where it fits there (the long text, else the short),
// else wrapped on a line of its own. Never cut at the panel's edge.
void text_after(const char* long_text, const char* short_text);
// Records the last item drawn as widget `name` of state().widgets (what a journey clicks).
void mark_item(App& app, const std::string& name);

// From the scores as they are (scores_finish(app.views.scores, app.lab) first for up-to-date ones).
AnomalyNumbers anomaly_numbers(const App& app);
// The anomaly numbers as JSON fields (state().anomaly, aelab.anomaly()): null where there is none.
JsonWriter& anomaly_fields(JsonWriter& j, const AnomalyNumbers& numbers);
// Brings the AUC up to date with the scores (after scores_finish of both, for the API).
void update_auc(ViewsState& v);

// Axis ticks at 1, 2 or 5 times a power of ten, about `count` of them over [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int count);
// A log axis's ticks over [lo, hi] (lo > 0): 1, 2 and 5 times each power of ten (only the powers
// of ten where that gives more than `count`); within less than that, nice_ticks's.
std::vector<double> log_ticks(double lo, double hi, int count);

// The last item's tooltip while it is hovered: what a number or control on screen is.
void tip(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// ImGui::SameLine() if a button labelled `next_label` still fits on the current line.
void same_line_if_fits(const char* next_label);

// A "?" at the top right of the panel: a click opens `text` (what the panel shows, what to
// try, what to notice). Call right after begin_panel.
void panel_help(App& app, const char* id, const char* text);

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
// The same for an RGB figure, uploaded again only when `key` changes.
void* rgb_texture(const char* slot_name, const RgbImage& image, uint64_t key);

} // namespace aelab
