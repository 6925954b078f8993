// The C functions behind window.aelab and the page's loaders (web/aelab-api.js; see
// docs/web-api.md). Every call that may change what is shown wakes the main loop. The Web Worker
// host the single-thread page moves its run into is in worker_host.cpp.
#include <emscripten.h>
#include <malloc.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "lab/json.h"
#include "lab/wire.h"
#include "platform/web.h"
#include "platform/worker_host.h"

using namespace aelab;

namespace {

// The one helper: the page's app, woken for the frame that shows the call's effect.
App& app() {
  web_wake();
  return web().app;
}

// A read (input(), latent(), ...): the lab brought up to date without waking the main loop.
// Whatever a read finds new (a snapshot, an input to run forward) came with a call or a message
// that woke it already; and an embedded lab's aelab-host.js reads every 100 ms, which, when reads
// woke the loop, kept an iframe drawing ~58 frames a second at rest (75-82% of a core).
Lab& lab_read() {
  Lab& lab = web().app.lab;
  lab_update(lab);
  return lab;
}

const char* give(const std::string& s) {
  web().returned = s;
  return web().returned.c_str();
}

} // namespace

extern "C" {

// state(): one JSON object; "ready" is false until the first frame after the model settled.
EMSCRIPTEN_KEEPALIVE const char* aelab_state() {
  WebState& w = web();
  return give(app_state_json(w.app, w.announced_ready, [&](JsonWriter& j) {
    j.boolean("modelSettled", w.model_settled).boolean("mainLoopPaused", w.paused);
    // the allocator's bytes in use (the heap itself only grows, in 20% steps: a leak shows here)
    j.number("wasmHeapInUseBytes", double(mallinfo().uordblks));
  }));
}

EMSCRIPTEN_KEEPALIVE double aelab_train(int on) {
  return double(on ? lab_start(app().lab) : lab_pause(app().lab));
}

EMSCRIPTEN_KEEPALIVE const char* aelab_set(const char* name, double value) {
  return give(app_set(app(), name, value));
}

EMSCRIPTEN_KEEPALIVE const char* aelab_set_text(const char* name, const char* value) {
  return give(app_set_text(app(), name, value));
}

// The settings table (lab/settings.h), for aelab.set's checks of JavaScript types.
EMSCRIPTEN_KEEPALIVE const char* aelab_settings() { return give(app_settings_json()); }
// The limits of setInput and step, for the page's type checks (the app checks the values too).
EMSCRIPTEN_KEEPALIVE const char* aelab_limits() { return give(app_limits_json()); }

EMSCRIPTEN_KEEPALIVE double aelab_reset() {
  App& a = app();
  app_reset(a, a.lab.model->shape);
  return double(a.lab.sent_seq);
}

// Asks for n batches; returns the command's number (the page waits for its snapshot).
EMSCRIPTEN_KEEPALIVE double aelab_step(int n) { return double(lab_step(app().lab, n)); }

// "" or why the input was refused (the page checks first, for its own messages; this is the
// guard behind it).
EMSCRIPTEN_KEEPALIVE const char* aelab_set_input(const float* pixels, int count) {
  static std::string error;
  error = lab_set_input_checked(app().lab, pixels, size_t(count < 0 ? 0 : count));
  lab_update(app().lab);
  return error.c_str();
}

// Strokes as flat (x, y) lists in 0-28 units: counts[i] points for stroke i, `floats` values in xy.
EMSCRIPTEN_KEEPALIVE const char* aelab_set_strokes(const float* xy, int floats, const int32_t* counts,
                                                   int strokes) {
  static std::string error;
  error = lab_set_strokes_checked(app().lab, xy, size_t(floats < 0 ? 0 : floats), counts,
                                  size_t(strokes < 0 ? 0 : strokes));
  lab_update(app().lab);
  return error.c_str();
}

// The views' data (views_panel.cpp): JSON text, {"error": "..."} when it cannot be had.
EMSCRIPTEN_KEEPALIVE const char* aelab_map() {
  lab_update(app().lab);
  return give(app_map_json(app()));
}
// aelab.scores() / aelab.anomaly(): the test set's losses under the model shown (computed now if
// the view has not yet), as JSON; the error line where there is no test set.
EMSCRIPTEN_KEEPALIVE const char* aelab_scores() {
  App& a = app();
  lab_update(a.lab);
  if (!scores_finish(a.views.scores, a.lab))
    return give(JsonWriter().string("error", "the test set is not loaded yet").finish());
  std::string out = "{\"scores\":[";
  char buf[24];
  const std::vector<float>& losses = *a.views.scores.losses;
  for (size_t i = 0; i < losses.size(); i++) {
    std::snprintf(buf, sizeof buf, "%s%.7g", i ? "," : "", double(losses[i]));
    out += buf;
  }
  return give(out + "]}");
}
EMSCRIPTEN_KEEPALIVE const char* aelab_anomaly() {
  App& a = app();
  lab_update(a.lab);
  if (!scores_finish(a.views.scores, a.lab))
    return give(JsonWriter().string("error", "the test set is not loaded yet").finish());
  if (scores_finish(a.views.other_scores, a.lab)) update_auc(a.views); // once the other set is there
  JsonWriter j;
  anomaly_fields(j, anomaly_numbers(a));
  return give(j.finish());
}
EMSCRIPTEN_KEEPALIVE const char* aelab_decode_grid(int n) {
  lab_update(app().lab);
  return give(app_decode_grid_json(app(), n));
}
// a, b: test digit indices, -1 for the current input
EMSCRIPTEN_KEEPALIVE const char* aelab_interpolate(int a, int b, int k) {
  lab_update(app().lab);
  return give(app_interpolate_json(app(), a, b, k));
}
EMSCRIPTEN_KEEPALIVE const char* aelab_traverse(int unit, int k) {
  lab_update(app().lab);
  return give(app_traverse_json(app(), unit, k));
}
EMSCRIPTEN_KEEPALIVE const char* aelab_first_layer() { return give(app_first_layer_json(app())); }
EMSCRIPTEN_KEEPALIVE const char* aelab_timeline() {
  lab_update(app().lab);
  return give(app_timeline_json(app()));
}
// "" or why not; -1: the live model again
EMSCRIPTEN_KEEPALIVE const char* aelab_scrub(int index) { return give(lab_scrub(app().lab, index)); }
EMSCRIPTEN_KEEPALIVE const char* aelab_view(const char* name) { return give(app_view(app(), name)); }
// The Embedding Projector's files as aelab-projector.zip, downloaded ("" or why not).
EMSCRIPTEN_KEEPALIVE const char* aelab_save_projector() {
  lab_update(app().lab);
  return give(app_save_projector(app()));
}

// Opens a lesson link's settings (the URL hash): {"unknown": [keys], "notices": [lines]}. Over a
// network trained here it asks first (the answer opens it): {"asked": true}.
EMSCRIPTEN_KEEPALIVE const char* aelab_apply_lesson(const char* text) {
  if (app_would_discard(app(), Discard::lesson)) {
    PendingDiscard p{Discard::lesson};
    p.lesson = text;
    app_ask(app(), p);
    web_wake();
    return give(R"({"asked":true,"unknown":[],"notices":[]})");
  }
  const LessonResult r = app_apply_lesson(app(), text);
  lab_update(app().lab);
  return give("{\"unknown\":" + json_strings(r.unknown) + ",\"notices\":" + json_strings(r.notices) + "}");
}
// The first-visit tour (the page starts it on a first visit, or with tour=1).
EMSCRIPTEN_KEEPALIVE void aelab_start_tour() { app_start_tour(app()); }
// ?embed=1: the compact layout at any size, with a link to the full lab.
EMSCRIPTEN_KEEPALIVE void aelab_set_embed(int on) { app().embed = on != 0; }
// The lesson link's settings of the lab as it is now (without the '#').
EMSCRIPTEN_KEEPALIVE const char* aelab_link() { return give(app_lesson_link(web().app)); }
// Whether the wheel over the point under the mouse scrolls something in the lab (a panel with
// more than fits); if not, the page lets the browser scroll the host page instead.
EMSCRIPTEN_KEEPALIVE int aelab_wheel_wanted() { return web().app.wheel_wanted ? 1 : 0; }

EMSCRIPTEN_KEEPALIVE int aelab_load_test_digit(int index) {
  const bool ok = lab_load_test_digit(app().lab, index);
  lab_update(app().lab);
  return ok;
}

EMSCRIPTEN_KEEPALIVE const float* aelab_input() { return lab_read().input.pixels; }
EMSCRIPTEN_KEEPALIVE const float* aelab_reconstruction() { return lab_read().input.recon; }
EMSCRIPTEN_KEEPALIVE const float* aelab_latent() { return lab_read().input.code.data(); }
EMSCRIPTEN_KEEPALIVE int aelab_latent_dim() { return int(web().app.lab.input.code.size()); }

// The shipped model, fetched by the page ("" or an error line).
EMSCRIPTEN_KEEPALIVE const char* aelab_set_shipped_model(const uint8_t* bytes, int size) {
  web().model_settled = true;
  return give(lab_set_shipped_model(app().lab, std::vector<uint8_t>(bytes, bytes + size), "shipped model"));
}
EMSCRIPTEN_KEEPALIVE void aelab_shipped_model_missing(const char* why) {
  web().model_settled = true;
  app().lab.model_notice = std::string(why) + " - using random weights (seed 0).";
}

// Save, as the Save button does: the run sends the model file, then it is downloaded as
// aelab-model.aelab. Returns the command's number.
EMSCRIPTEN_KEEPALIVE double aelab_save_model() {
  lab_save(app().lab);
  return double(app().lab.save_seq);
}

// A model file the user picked or dropped ("" or an error line, also shown in the app).
EMSCRIPTEN_KEEPALIVE const char* aelab_load_model(const uint8_t* bytes, int size, const char* name) {
  return give(app_load_model_bytes(app(), bytes, size_t(size), name));
}

// Data for target 0 (training set), 1 (test set) or 2 (the other data set's test set), asked
// for by the app under data set choice `generation` (aelabRequestData).
EMSCRIPTEN_KEEPALIVE void aelab_data_progress(int target, float fraction) {
  lab_set_data_progress(app().lab, DataTarget(std::clamp(target, 0, 2)), fraction);
}
// A lesson link's model file (model=FILE) has arrived: "" or why it could not be opened (the lab
// then keeps the shipped model, with a notice).
EMSCRIPTEN_KEEPALIVE const char* aelab_model_file(const uint8_t* bytes, int size, const char* name) {
  const std::string error = app_model_file_arrived(app(), name, bytes, size_t(std::max(0, size)));
  lab_update(app().lab);
  web_wake();
  return give(error);
}
// One of the AE vs VAE tab's models (aelab-page.js's aelabFetchAsset): its bytes, or why not.
EMSCRIPTEN_KEEPALIVE void aelab_asset(const char* name, const uint8_t* bytes, int size, const char* error) {
  app_compare_asset(app(), name, bytes, size_t(std::max(size, 0)), error);
  web_wake();
}
// aelab.sample(n, seed): JSON (app_sample_json)
EMSCRIPTEN_KEEPALIVE const char* aelab_sample(int n, double seed) {
  lab_update(app().lab);
  return give(app_sample_json(app(), n, seed));
}
// aelab.featureMaps(): JSON (app_feature_maps_json)
EMSCRIPTEN_KEEPALIVE const char* aelab_feature_maps() {
  lab_update(app().lab);
  return give(app_feature_maps_json(app()));
}
EMSCRIPTEN_KEEPALIVE void aelab_model_file_failed(const char* name, const char* error) {
  app_model_file_failed(app(), name, error);
  web_wake();
}
// The offline copy's state (aelab-page.js): OfflineStatus, the progress, what it does or did.
EMSCRIPTEN_KEEPALIVE void aelab_offline_status(int status, float progress, const char* text) {
  App& a = app();
  a.offline.status = OfflineStatus(std::clamp(status, 0, int(OfflineStatus::failed)));
  a.offline.progress = progress;
  a.offline.text = text;
  web_wake();
}
// A download waits to try again: `text` says for what ("" once it tries).
EMSCRIPTEN_KEEPALIVE void aelab_data_waiting(int target, const char* text, double generation) {
  App& a = app();
  if (uint64_t(generation) != a.lab.data_generation && target != 2) return; // for an earlier choice
  DataSlot& slot = lab_data_slot(a.lab, DataTarget(std::clamp(target, 0, 2)));
  if (slot.status == DataStatus::loading) slot.waiting = text;
  web_wake();
}
EMSCRIPTEN_KEEPALIVE void aelab_data_failed(int target, const char* error, double generation) {
  App& a = app();
  if (uint64_t(generation) != a.lab.data_generation) return; // for an earlier choice
  lab_set_data_failed(a.lab, DataTarget(std::clamp(target, 0, 2)), error);
  app_message(a, error, true);
}

// A buffer of `size` bytes in the app's memory for a split's image file: the page writes the
// decompressed bytes there, and aelab_load_data takes them over, so the 47 MB of training images
// never sit in memory twice.
EMSCRIPTEN_KEEPALIVE uint8_t* aelab_image_buffer(int size) {
  web().image_bytes.assign(size_t(std::max(size, 1)), 0);
  return web().image_bytes.data();
}

// One split: the image file in aelab_image_buffer's buffer, the label file's bytes here (both
// decompressed by the page), named for messages. Returns "" or an error line (also shown).
EMSCRIPTEN_KEEPALIVE const char* aelab_load_data(int target, const uint8_t* labels, int labels_size,
                                                 double generation, const char* images_name,
                                                 const char* labels_name) {
  App& a = app();
  Dataset data;
  std::string error = parse_idx_split(std::move(web().image_bytes), images_name, labels, size_t(labels_size),
                                      labels_name, &data);
  web().image_bytes = {}; // taken over, or (on error) no longer needed
  const DataTarget t = DataTarget(std::clamp(target, 0, 2));
  if (uint64_t(generation) != a.lab.data_generation) return give(""); // for an earlier choice
  if (error.empty()) lab_set_data(a.lab, t, std::move(data), uint64_t(generation), &error);
  if (!error.empty()) {
    lab_set_data_failed(a.lab, t, error);
    app_message(a, error, true);
  }
  return give(error);
}

// The page's initial test set: asked for once the model and any lesson link are in (a link may
// choose another data set).
EMSCRIPTEN_KEEPALIVE void aelab_request_test_set() { app_request_test_set(app()); }

// The user's own IDX files arrived in the page (kept there): `name` says what they are; the app
// chooses them as its data set. "" or why not.
EMSCRIPTEN_KEEPALIVE const char* aelab_own_data(const char* name) {
  return give(app_use_own_data(app(), name));
}
// A line for the user from the page (files it could not take), shown as the app's message.
EMSCRIPTEN_KEEPALIVE void aelab_show_error(const char* text) { app_message(app(), text, true); }

// ---- the Web Worker host (single-thread page)

// The worker is up: the run moves there (its weights, optimizer and settings go as commands),
// and the worker fetches the test set (validation) and the training set itself.
EMSCRIPTEN_KEEPALIVE void aelab_use_worker() {
  App& a = app();
  if (a.lab.host->kind() != HostKind::frames) return;
  lab_switch_host(a.lab, make_worker_host());
  worker_load(true, 0);
}

// A snapshot from the worker (bytes of snapshot_to_bytes); 0 if malformed.
EMSCRIPTEN_KEEPALIVE int aelab_worker_snapshot(const uint8_t* bytes, int size) {
  web_wake();
  return worker_host_receive(web().app.lab.host.get(), bytes, size_t(size)) ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE void aelab_wake() { web_wake(); }

} // extern "C"
