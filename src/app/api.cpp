// The page's API on the app, with no ImGui: window.aelab.set() and state() (the native script
// and the lesson links use them too), the data set choice, and requests for data. Settings are
// read and written through the one table (lab/settings.h).
#include <functional>

#include "app/app.h"
#include "core/threads.h"
#include "lab/json.h"

namespace aelab {

void app_retry_data(App& app, DataTarget target) {
  const DataSlot& slot = lab_data_slot(app.lab, target);
  if (slot.status == DataStatus::loading) {
    if (app.platform.retry_downloads) app.platform.retry_downloads();
    return;
  }
  if (target == DataTarget::train) app.training_set_asked_at = int64_t(app.lab.starts);
  app_request_data(app, target);
}

void app_request_data(App& app, DataTarget target) {
  Lab& lab = app.lab;
  lab_data_slot(lab, target).status = DataStatus::loading;
  lab_data_slot(lab, target).progress = 0;
  lab_data_slot(lab, target).waiting.clear();
  const DatasetKind kind = target == DataTarget::other ? lab.other_kind : lab.dataset;
  if (app.platform.request_data) app.platform.request_data(target, kind, lab.data_generation);
}

namespace {

// state()'s parts, in its order: the model and the data, the run, the settings, the commands
// and the input, the screen (window pixels), the views, the lesson and the layout.
void state_model_and_data(JsonWriter& j, const App& app) {
  const Lab& lab = app.lab;
  const ModelShape& shape = lab.model->shape;
  j.begin("model")
      .string("name", lab.model_name)
      .number("input", shape.input_dim)
      .number("hidden", shape.hidden_dim);
  j.number("latent", shape.latent_dim).number("epochsBefore", lab.latest.epochs_before);
  j.string("kind", model_kind_name(shape.kind));
  if (is_conv(shape)) j.string("filters", filters_text(shape));
  j.null_or("codeMean", code_mean(app) >= 0, code_mean(app)).end();
  j.boolean("modelShipped", !lab.shipped_model.empty() && lab.model_name == "shipped model");
  j.string("notice", lab.model_notice);
  for (const auto& [key, slot] :
       {std::pair<const char*, const DataSlot*>{"testSet", &lab.test}, {"trainSet", &lab.train}})
    j.begin(key)
        .string("status", data_status_name(slot->status))
        .number("progress", slot->progress)
        .number("count", slot->count)
        .string("waiting", slot->waiting)
        .string("error", slot->error)
        .end();
  j.begin("offline")
      .string("status", kOfflineNames[int(app.offline.status)])
      .number("progress", app.offline.progress)
      .string("text", app.offline.text)
      .end();
  j.boolean("datasetLoaded", lab.test.status == DataStatus::ready && lab.train.status == DataStatus::ready);
}

void state_run(JsonWriter& j, const Lab& lab) {
  const Snapshot& run = lab.latest;
  j.boolean("training", lab_training(lab));
  j.string("runStatus", run_status_name(run.status));
  j.number("epoch", run.epochs_done).number("epochProgress", run.epoch_fraction);
  j.number("step", double(run.steps));
  j.null_or("trainLoss", run.steps > 0, run.smoothed_loss);
  j.null_or("valLoss", run.val.loss >= 0, run.val.loss);
  // the last validation pass in its parts: a VAE's reconstruction and KL per picture (the plain
  // model's recon is its loss, kl 0); null before a pass
  if (run.val.recon >= 0)
    j.begin("lossTerms").number("recon", run.val.recon).number("kl", run.val.kl).end();
  else
    j.json("lossTerms", "null");
  j.number("valEpoch", run.val.epoch).number("valStep", double(run.val.step));
  j.boolean("validating", run.validation_progress >= 0);
  j.number("samplesPerS", run.speed.samples_per_s)
      .number("computeSamplesPerS", run.speed.compute_samples_per_s);
  j.number("threads", thread_count());
}

// Every setting under its key (the settings as last sent: the run's own once it has applied
// them), and what goes with them.
void state_settings(JsonWriter& j, const App& app) {
  const Lab& lab = app.lab;
  const Settings settings = app_settings(app);
  for (const Setting& row : kSettings) {
    if (row.kind == SettingKind::number)
      j.number(row.key, row.get(settings));
    else if (row.kind == SettingKind::flag)
      j.boolean(row.key, row.get(settings) != 0);
    else
      j.string(row.key, setting_text(row, settings));
  }
  j.string("datasetTitle", dataset_title(lab.dataset));
  j.string("ownData", app.own_data_name);
  j.boolean("bf16Available", precision_problem(Precision::bf16).empty());
  j.string("bf16Note", precision_note(Precision::bf16)); // "not faster on this CPU: ..." or ""
  j.string("modelData", lab.model_data).boolean("modelDataMismatch", app_model_data_mismatch(app));
  j.begin("otherSet")
      .string("dataset", dataset_name(lab.other_kind))
      .string("status", data_status_name(lab.other.status))
      .number("progress", lab.other.progress)
      .number("count", lab.other.count)
      .string("error", lab.other.error)
      .end();
  j.boolean("budgetAuto", app.budget.automatic);
}

// The commands sent and applied, the last step command's progress (the page's promises), and
// the input.
void state_commands_and_input(JsonWriter& j, const Lab& lab) {
  const Snapshot& run = lab.latest;
  j.string("trainingHost", host_kind_name(lab.host->kind()));
  j.boolean("trainingThread", lab.host->kind() == HostKind::thread);
  j.number("commandsSent", double(lab.sent_seq)).number("commandsApplied", double(run.seq));
  j.number("stepCommand", double(run.step_seq)).number("stepsOfCommand", double(run.steps - run.step_base));
  j.number("stepsWanted", double(run.steps_wanted));
  j.boolean("settled", lab_settled(lab));
  j.boolean("modelCurrent", lab_has_latest_weights(lab)); // the UI has the run's newest weights
  j.boolean("inputEmpty", lab.input.empty);
  j.number("inputLoss", lab.input.loss).number("testDigit", lab.input.test_digit);
}

// A rectangle in window (CSS) pixels, not ImGui's.
void state_rect(JsonWriter& j, const App& app, const char* key, const Rect& r) {
  const float z = app.zoom > 0 ? app.zoom : 1;
  j.begin(key).number("x", r.x * z).number("y", r.y * z).number("w", r.w * z).number("h", r.h * z).end();
}

void state_views(JsonWriter& j, const App& app) {
  const Lab& lab = app.lab;
  j.string("view", view_name(app.views.view));
  const std::vector<bool> dead = dead_units(app); // null until the map of the model shown is built
  std::vector<float> dead_list;
  for (size_t u = 0; u < dead.size(); u++)
    if (dead[u]) dead_list.push_back(float(u));
  j.json("deadUnits", dead.empty() ? "null" : json_numbers(dead_list.data(), dead_list.size()));
  anomaly_fields(j.begin("anomaly"), anomaly_numbers(app)).number("builds", app.views.scores.builds).end();
  j.number("firstLayerTile",
           app.views.tile); // the First layer tab's unit or filter clicked (0-based), -1 none
  j.number("mapBuilds", app.views.map.builds).number("mapComputeMs", app.views.map.compute_ms);
  j.number("mapFrameMs", app.views.map_frame_ms);
  state_rect(j, app, "map", app.views.map_rect);
  j.number("timelinePoints", double(lab.latest.timeline.size()))
      .number("timelineShown", lab_scrub_index(lab));
  j.number("timelineBytes", double(timeline_bytes(lab.latest.timeline)));
  j.number("timelineBudgetBytes", double(kTimelineBudgetBytes));
  const GenerateState& g = app.views.generate;
  j.begin("generate")
      .number("seed", g.seed)
      .number("samples", g.samples.image.width > 0 ? g.side * g.side : 0);
  if (g.has_point) {
    const float at[2] = {g.x, g.y};
    j.json("picked", json_numbers(at, 2));
  } else {
    j.json("picked", "null");
  }
  j.end();
  j.begin("compare"); // each side: "ready", or what it waits for or why it failed; own: the lab's model
  for (int i = 0; i < 2; i++) {
    const CompareSide& c = app.views.compare.side[i];
    j.begin(i == 0 ? "ae" : "vae")
        .string("status", c.shipped ? "ready" : c.status)
        .boolean("own", c.own)
        .boolean("drawn", c.map_figure.image.width > 0)
        .end();
  }
  j.end();
}

void state_lesson_and_layout(JsonWriter& j, const App& app) {
  j.begin("lesson").string("title", app.lesson.title).string("note", app.lesson.note);
  std::vector<std::string> panels;
  for (int i = 0; i < kPanelCount; i++)
    if (app_panel_shown(app, Panel(i))) panels.push_back(kPanelNames[i]);
  j.json("panels", json_strings(panels)).json("hidden", json_strings(app_hidden_controls(app)));
  j.json("notices", json_strings(app.lesson.notices)).end();
  const char* const modes[] = {"full", "compact", "phone"};
  j.string("layoutMode", modes[int(app.layout)]).boolean("embed", app.embed);
  j.begin("layout"); // the panels drawn this frame (the tabbed layouts draw one or two)
  for (int i = 0; i < kPanelCount; i++)
    if (app.panel_rects[i].w > 0) state_rect(j, app, kPanelNames[i], app.panel_rects[i]);
  j.end();
  state_rect(j, app, "shareButton", app.share_button);
  j.number("tourStep", app.tour_step);
  state_rect(j, app, "tourNext", app.tour_buttons[0]);
  state_rect(j, app, "tourSkip", app.tour_buttons[1]);
  j.boolean("shareOpen", app.share_open);
  std::vector<std::string> drawn;
  for (int i = 0; i < kControlCount; i++)
    if ((app.controls_drawn >> i) & 1u) drawn.push_back(kControlNames[i]);
  j.json("controlsDrawn", json_strings(drawn));
  j.begin("widgets"); // named widgets drawn last frame (mark_item): what a journey clicks
  for (const auto& [name, rect] : app.widgets) state_rect(j, app, name.c_str(), rect);
  j.end();
  std::vector<std::string> working;
  for (int i = 0; i < int(Work::count); i++)
    if ((app.working >> i) & 1u) working.push_back(kWorkNames[i]);
  j.json("working", json_strings(working));
  j.boolean("tooltip", app.tooltip_shown);
  // the question asked before trained weights are thrown away (null: none open)
  j.json("question", app.question.action == Discard::none
                         ? "null"
                         : json_string(kDiscardNames[int(app.question.action)]));
  j.begin("settingWidgets"); // the Train panel's widget of each setting drawn last frame
  for (size_t i = 0; i < app.setting_rects.size() && int(i) < kSettings.count; i++)
    if (app.setting_rects[i].w > 0) state_rect(j, app, kSettings.rows[i].key, app.setting_rects[i]);
  j.end();
}

} // namespace

std::string app_state_json(const App& app, bool page_ready, const std::function<void(JsonWriter&)>& extra) {
  const Lab& lab = app.lab;
  JsonWriter j;
  j.boolean("ready", app.frames > 0 && page_ready);
  j.number("frames", app.frames).number("fps", app.fps).number("frameCpuMs", app.frame_cpu_ms);
  state_model_and_data(j, app);
  state_run(j, lab);
  state_settings(j, app);
  state_commands_and_input(j, lab);
  const float z = app.zoom > 0 ? app.zoom : 1;
  j.number("zoom", z);
  j.number("fontPixels", kFontPixels * z); // the text's size in window (CSS) pixels
  state_rect(j, app, "drawCanvas", app.draw.canvas_rect);
  state_rect(j, app, "latentBars", app.latent.bars_rect);
  j.number("latentScale",
           app.latent.scale); // the code value the Latent panel's full bar (or brightest cell) shows
  j.boolean("codeEdited", lab.input.code_edited);
  j.string("status", lab.latest.message);
  j.boolean("diverged", !lab.latest.divergence.empty()).string("divergence", lab.latest.divergence);
  j.string("message", app.message.text);
  state_views(j, app);
  state_lesson_and_layout(j, app);
  if (extra) extra(j);
  return j.finish();
}

void app_request_test_set(App& app) {
  if (app.lab.test.status == DataStatus::absent) app_request_data(app, DataTarget::test);
}

bool app_model_data_mismatch(const App& app) {
  const Lab& lab = app.lab;
  return !lab.model_data.empty() && lab.model_data != dataset_name(lab.dataset) && lab.scrub_id == 0;
}

void app_train_new_model(App& app) {
  if (app_reset(app, app.lab.model->shape).empty()) lab_start(app.lab);
}

std::string app_set_dataset(App& app, DatasetKind kind) {
  Lab& lab = app.lab;
  if (kind == DatasetKind::custom && app.own_data_name.empty())
    return std::string("dataset = 'custom': no data of your own was given yet (") +
           (app.platform.web
                ? "Your own data... in the Model and data panel, or drop the IDX files on the page)"
                : "type a folder of IDX files in the Model and data panel)");
  if (kind == lab.dataset && lab.test.status != DataStatus::failed && kind != DatasetKind::custom) return "";
  lab_choose_dataset(lab, kind); // the user's own data: chosen again, its files may be new
  lab_set_preprocess(lab, kind == DatasetKind::mnist); // MNIST's centring is for digits only
  app.training_set_asked_at = -1;
  app.views.threshold = -1;
  app_request_data(app, DataTarget::test);
  if (app_model_data_mismatch(app))
    app_message(app,
                std::string("The model shown learned ") +
                    (lab.model_data == "mnist" ? "MNIST digits" : lab.model_data) + ", not " +
                    dataset_title(kind) + ": train a new one (Train panel)",
                false);
  return "";
}

std::string app_use_own_data(App& app, const std::string& name) {
  app.own_data_name = name;
  return app_set_dataset(app, DatasetKind::custom);
}

JsonWriter& anomaly_fields(JsonWriter& j, const AnomalyNumbers& a) {
  return j.null_or("threshold", a.threshold >= 0, a.threshold)
      .null_or("shareAbove", a.share_above >= 0, a.share_above)
      .null_or("inputLoss", a.input_loss >= 0, a.input_loss)
      .null_or("percentileOfInput", a.percentile_of_input >= 0, a.percentile_of_input)
      .boolean("unusual", a.unusual)
      .null_or("auc", a.auc >= 0, a.auc);
}

Settings app_settings(const App& app) {
  Settings s;
  s.config = lab_config(app.lab);
  s.shape = lab_shape(app.lab);
  s.dataset = app.lab.dataset;
  s.preprocess = app.lab.input.preprocess;
  s.corrupt = app.lab.input.corrupt;
  s.budget_ms = app.budget.ms;
  return s;
}

std::string app_apply_setting(App& app, const Setting& row, const Settings& next) {
  switch (row.part) {
  case SettingPart::config:
    return lab_set_config(app.lab, next.config);
  case SettingPart::shape:
    return app_reset(app, next.shape);
  case SettingPart::dataset:
    return app_set_dataset(app, next.dataset);
  case SettingPart::preprocess:
    lab_set_preprocess(app.lab, next.preprocess);
    return "";
  case SettingPart::corrupt:
    return lab_set_corrupt(app.lab, next.corrupt);
  case SettingPart::budget:
    app.budget.ms = next.budget_ms;
    app.budget.automatic = false; // as asked, no longer adapted
    return "";
  }
  return "";
}

namespace {
bool any_row(const Setting&) { return true; }
std::string unknown_setting(const std::string& name) {
  return "unknown setting '" + name + "' (" + setting_keys(any_row) + ")";
}
} // namespace

std::string app_set(App& app, const std::string& name, double value) {
  const Setting* row = find_setting(name);
  if (!row) return unknown_setting(name);
  Settings next = app_settings(app);
  if (std::string error = setting_set_number(*row, value, &next); !error.empty()) return error;
  return app_apply_setting(app, *row, next);
}

std::string app_set_text(App& app, const std::string& name, const std::string& text) {
  if (name == "model") return app_open_model_file(app, text); // not a setting: what the lab shows
  const Setting* row = find_setting(name);
  if (!row) return unknown_setting(name);
  Settings next = app_settings(app);
  if (std::string error = setting_set_text(*row, text, &next); !error.empty()) return error;
  return app_apply_setting(app, *row, next);
}

std::string app_limits_json() {
  return JsonWriter()
      .number("pixels", kPixels)
      .number("maxStrokePoints", kMaxStrokePoints)
      .number("maxCoordinate", kMaxCoordinate)
      .number("maxStepBatches", double(kMaxStepBatches))
      .finish();
}

std::string app_settings_json() {
  std::string out = "[";
  for (const Setting& row : kSettings) {
    const char* const kinds[] = {"number", "flag", "choice", "text"};
    JsonWriter j;
    j.string("key", row.key).string("kind", kinds[int(row.kind)]);
    std::vector<std::string> choices;
    for (const char* c : row.choices)
      if (c) choices.push_back(c);
    j.json("choices", json_strings(choices));
    if (row.kind == SettingKind::number)
      j.number("min", row.limit.min).number("max", row.limit.max).boolean("integer", row.limit.integer);
    j.string("example", row.example ? row.example : "").string("alias", row.alias ? row.alias : "");
    j.boolean("inLink", row.in_link != InLink::never);
    out += (out.size() > 1 ? "," : "") + j.finish();
  }
  return out + "]";
}

} // namespace aelab
