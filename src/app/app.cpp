// The app's frame: lays the five panels out to fit the window (no overlaps, any size), advances
// training within the frame's budget, and answers the JavaScript API's state()/set() calls.
#include "app/app.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/threads.h"

namespace aelab {
namespace {

const char* status_name(DataStatus s) {
  switch (s) {
    case DataStatus::absent: return "absent";
    case DataStatus::loading: return "loading";
    case DataStatus::ready: return "ready";
    case DataStatus::failed: return "failed";
  }
  return "?";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (uint8_t(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// Panel rectangles for a window of w x h: draw | latent | training above, gallery | model below.
struct Layout {
  Rect draw, latent, training, gallery, model;
};

Layout compute_layout(float w, float h) {
  const float gap = 4;
  Layout l;
  float bottom_h = std::max(170.0f, std::min(0.32f * h, 300.0f));
  float top_h = h - bottom_h - 3 * gap;
  float inner_w = w - 4 * gap;
  float draw_w = std::round(inner_w * 0.37f), latent_w = std::round(inner_w * 0.25f);
  float training_w = inner_w - draw_w - latent_w;
  l.draw = {gap, gap, draw_w, top_h};
  l.latent = {2 * gap + draw_w, gap, latent_w, top_h};
  l.training = {3 * gap + draw_w + latent_w, gap, training_w, top_h};
  float gallery_w = std::round((w - 3 * gap) * 0.66f);
  l.gallery = {gap, 2 * gap + top_h, gallery_w, bottom_h};
  l.model = {2 * gap + gallery_w, 2 * gap + top_h, w - 3 * gap - gallery_w, bottom_h};
  return l;
}

constexpr double kTargetFps = 52, kMinBudgetMs = 2, kMaxBudgetMs = 10;

// Every half second of training: a frame rate under the target shrinks the budget by a fifth;
// one comfortably above it (a 60 Hz display with time to spare) grows it by half a millisecond.
// Where even an idle frame is slower than the target (a software renderer), it settles at the
// minimum, so training never costs more than kMinBudgetMs of a frame there.
void adapt_budget(App& app) {
  double now = lab_now_ms();
  if (!app.budget_auto || !app.lab.training) {
    app.budget_window_start_ms = -1;
    return;
  }
  if (app.budget_window_start_ms < 0) {
    app.budget_window_start_ms = now, app.budget_window_frames = 0;
    return;
  }
  app.budget_window_frames++;
  double elapsed = now - app.budget_window_start_ms;
  if (elapsed < 500) return;
  double fps = 1000.0 * app.budget_window_frames / elapsed;
  if (fps < kTargetFps) app.frame_budget_ms = std::max(kMinBudgetMs, app.frame_budget_ms * 0.8);
  else if (fps > kTargetFps + 4) app.frame_budget_ms = std::min(kMaxBudgetMs, app.frame_budget_ms + 0.5);
  app.budget_window_start_ms = now, app.budget_window_frames = 0;
}

void request_training_set_if_needed(App& app) {
  if (!(app.lab.training || app.want_training_set) || app.lab.train.status != DataStatus::absent || app.training_set_requested) return;
  app.training_set_requested = true;
  app.lab.train.status = DataStatus::loading;
  if (app.platform.request_training_set) app.platform.request_training_set();
}

} // namespace

void app_setup_style(float content_scale) {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  style.GrabRounding = 3;
  style.WindowBorderSize = 1;
  style.ItemSpacing = ImVec2(6, 5);
  // The built-in font is a pixel font: render it at the framebuffer's resolution, show it at 1x.
  io.Fonts->Clear();
  ImFontConfig config;
  float scale = std::max(1.0f, std::round(content_scale));
  config.SizePixels = 13.0f * scale;
  io.Fonts->AddFontDefault(&config);
  io.FontGlobalScale = 1.0f / scale;
}

void app_init(App& app, const Platform& platform) {
  app.platform = platform;
  lab_init(app.lab);
  app.edit_hidden = app.lab.model.shape.hidden_dim;
  app.edit_latent = app.lab.model.shape.latent_dim;
}

void app_message(App& app, const std::string& text, bool error) {
  app.message = text;
  app.message_until_ms = lab_now_ms() + (error ? 15000 : 5000);
}

std::string app_load_model_bytes(App& app, const uint8_t* bytes, size_t size, const std::string& name) {
  std::string error = lab_load_model_bytes(app.lab, bytes, size, name);
  if (!error.empty()) {
    app_message(app, error, true);
    return error;
  }
  app.edit_hidden = app.lab.model.shape.hidden_dim;
  app.edit_latent = app.lab.model.shape.latent_dim;
  app_message(app, "loaded " + name, false);
  return "";
}

void app_frame(App& app) {
  ImGuiIO& io = ImGui::GetIO();
  app.frames++;
  app.fps = io.Framerate;

  request_training_set_if_needed(app);
  if (!app.worker) { // else the worker trains between frames and during them
    adapt_budget(app);
    lab_work(app.lab, app.frame_budget_ms);
  }
  lab_update(app.lab);

  Layout l = compute_layout(io.DisplaySize.x, io.DisplaySize.y);
  draw_panel(app, l.draw);
  latent_panel(app, l.latent);
  training_panel(app, l.training);
  gallery_panel(app, l.gallery);
  model_panel(app, l.model);
  lab_update(app.lab); // show this frame's edits (strokes, code edits) next frame without delay
}

void same_line_if_fits(const char* next_label) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float needed = ImGui::CalcTextSize(next_label, nullptr, true).x + 2 * style.FramePadding.x + style.ItemSpacing.x;
  float right = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  if (right + needed <= ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

bool begin_panel(const char* title, const Rect& r) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  return ImGui::Begin(title, nullptr, flags);
}

bool digit_image(const char* id, const float* pixels, int width, int height, float side, bool smooth) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, ImVec2(side, side));
  bool clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddImage(gray_texture(id, pixels, width, height, smooth), pos, ImVec2(pos.x + side, pos.y + side));
  ImU32 border = ImGui::IsItemHovered() ? IM_COL32(255, 200, 80, 255) : IM_COL32(90, 90, 100, 255);
  dl->AddRect(pos, ImVec2(pos.x + side, pos.y + side), border);
  return clicked;
}

std::string app_state_json(const App& app) {
  const Lab& lab = app.lab;
  const ModelShape& s = lab.model.shape;
  std::string j = "{";
  auto add = [&](const char* key, const std::string& value) {
    if (j.size() > 1) j += ',';
    j += '"', j += key, j += "\":", j += value;
  };
  auto add_bool = [&](const char* key, bool v) { add(key, v ? "true" : "false"); };
  bool ready = app.frames > 0;
  add_bool("ready", ready);
  add("frames", json_number(app.frames));
  add("fps", json_number(app.fps));
  add("frameCpuMs", json_number(app.frame_cpu_ms));
  add("model", "{\"name\":" + json_string(lab.model_name) + ",\"input\":" + json_number(s.input_dim) +
                   ",\"hidden\":" + json_number(s.hidden_dim) + ",\"latent\":" + json_number(s.latent_dim) +
                   ",\"epochsBefore\":" + json_number(lab.epochs_before) + "}");
  add_bool("modelShipped", !lab.shipped_model.empty() && lab.model_name == "shipped model");
  add("notice", json_string(lab.model_notice));
  add("testSet", "{\"status\":" + json_string(status_name(lab.test.status)) + ",\"progress\":" +
                     json_number(lab.test.progress) + ",\"count\":" + json_number(lab.test.data.count) + "}");
  add("trainSet", "{\"status\":" + json_string(status_name(lab.train.status)) + ",\"progress\":" +
                      json_number(lab.train.progress) + ",\"count\":" + json_number(lab.train.data.count) + "}");
  add_bool("datasetLoaded", lab.test.status == DataStatus::ready && lab.train.status == DataStatus::ready);
  add_bool("training", lab.training);
  add("epoch", json_number(lab_epoch(lab)));
  add("epochs", json_number(lab.config.epochs));
  add("epochProgress", json_number(lab_epoch_fraction(lab)));
  add("step", json_number(double(lab.steps)));
  add("trainLoss", lab.steps > 0 ? json_number(lab.smoothed_loss) : "null");
  add("valLoss", lab.val_loss >= 0 ? json_number(lab.val_loss) : "null");
  add("valEpoch", json_number(lab.val_loss_epoch));
  add("valStep", json_number(double(lab.val_loss_step)));
  add_bool("validating", lab.val_next >= 0);
  add("samplesPerS", json_number(lab.samples_per_s));
  add("computeSamplesPerS", json_number(lab.compute_samples_per_s));
  add("threads", json_number(thread_count()));
  add("lr", json_number(lab.config.optimizer.learning_rate));
  add("batch", json_number(lab.config.batch_size));
  add("loss", json_string(lab.config.loss == LossKind::bce ? "bce" : "mse"));
  add("optimizer", json_string(lab.config.optimizer.kind == OptimizerKind::adam ? "adam" : "sgd"));
  add("seed", json_number(double(lab.config.seed)));
  add("budgetMs", json_number(app.frame_budget_ms));
  add_bool("budgetAuto", app.budget_auto);
  add_bool("trainingThread", app.worker != nullptr);
  add_bool("preprocess", lab.preprocess);
  add_bool("inputEmpty", lab.input_empty);
  add("inputLoss", json_number(lab.input_loss));
  add("testDigit", json_number(lab.test_digit));
  auto rect = [](const Rect& r) { // in window (CSS) pixels
    return "{\"x\":" + json_number(r.x) + ",\"y\":" + json_number(r.y) + ",\"w\":" + json_number(r.w) +
           ",\"h\":" + json_number(r.h) + "}";
  };
  add("drawCanvas", rect(app.canvas_rect));
  add("latentBars", rect(app.latent_rect));
  add_bool("codeEdited", lab.code_edited);
  add("status", json_string(lab.status));
  add("message", json_string(app.message));
  return j + "}";
}

std::string app_set(App& app, const std::string& name, double value) {
  Lab& lab = app.lab;
  TrainConfig c = lab.config;
  if (name == "lr") c.optimizer.learning_rate = float(value);
  else if (name == "batch") c.batch_size = int(value);
  else if (name == "epochs") c.epochs = int(value);
  else if (name == "loss") c.loss = value == 0 ? LossKind::bce : LossKind::mse;
  else if (name == "optimizer") c.optimizer.kind = value == 0 ? OptimizerKind::adam : OptimizerKind::sgd;
  else if (name == "seed") c.seed = uint64_t(std::max(0.0, value));
  else if (name == "preprocess") {
    lab.preprocess = value != 0;
    lab.input_dirty = true;
    return "";
  } else if (name == "budgetMs") {
    if (!(value >= 1 && value <= 100)) return "budgetMs: expected 1-100, got " + json_number(value);
    app.frame_budget_ms = value;
    app.budget_auto = false; // as asked, no longer adapted
    return "";
  } else if (name == "latent" || name == "hidden") {
    ModelShape shape = lab.model.shape;
    (name == "latent" ? shape.latent_dim : shape.hidden_dim) = int(value);
    std::string error = check_model_shape(shape);
    if (!error.empty()) return error;
    lab_reset(lab, shape);
    app.edit_hidden = shape.hidden_dim, app.edit_latent = shape.latent_dim;
    return "";
  } else {
    return "unknown setting '" + name + "' (lr, batch, epochs, loss, optimizer, seed, latent, hidden, preprocess, budgetMs)";
  }
  return lab_set_config(lab, c);
}

} // namespace aelab
