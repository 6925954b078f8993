// The training panel: Start/Pause/Step/Reset, progress through the epoch, throughput, the
// hyperparameters (a new architecture asks before it replaces the weights), and the live curves.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "core/limits.h"

namespace aelab {
namespace {

// Text wrapped at spaces only (ImGui's wrapping also breaks after a '.', which splits "0.0864").
void text_wrapped_at_spaces(const std::string& text) {
  const float width = ImGui::GetContentRegionAvail().x;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.size();
    while (ImGui::CalcTextSize(text.c_str() + start, text.c_str() + end).x > width) {
      const size_t space = text.rfind(' ', end - 1);
      if (space == std::string::npos || space <= start) break; // one word wider than the panel
      end = space;
    }
    ImGui::TextUnformatted(text.c_str() + start, text.c_str() + end);
    start = end;
    while (start < text.size() && text[start] == ' ') start++;
  }
}

// Training stopped by itself because the loss blew up: say so plainly, with the way on.
void divergence_notice(App& app) {
  Lab& lab = app.lab;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.55f, 0.45f, 1.0f));
  text_wrapped_at_spaces(lab.latest.divergence + ".");
  ImGui::PopStyleColor();
  TrainConfig c = lab_config(lab);
  // a tenth, but no higher than the default: Adam blows up from about 0.1 on (train.h)
  const float lr = c.optimizer.learning_rate, lower = lr > 0.01f ? 0.001f : lr / 10;
  if (!check_limit(kLearningRateLimit, lower).empty()) return;
  char label[64], short_label[48];
  std::snprintf(label, sizeof label, "Lower the learning rate to %g and train on###lower", double(lower));
  std::snprintf(short_label, sizeof short_label, "Train on at lr %g###lower", double(lower));
  if (ImGui::Button(fit_text(label, short_label))) {
    c.optimizer.learning_rate = lower;
    const std::string error = lab_set_config(lab, c);
    if (error.empty())
      lab_start(lab);
    else
      app_message(app, error, true);
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A learning rate this large makes each step overshoot until the numbers overflow.\n"
                      "The weights from just before it happened are back in the model.");
}

// Where a timeline point falls on the epoch axis: its epoch plus the fraction of the next one.
float timeline_x(const Lab& lab, const TimelinePoint& p, int64_t epoch_start_step) {
  const int batch = std::max(1, lab_config(lab).batch_size);
  const int64_t per_epoch = lab.latest.train_count > 0 ? (lab.latest.train_count + batch - 1) / batch : 0;
  if (per_epoch <= 0 || p.step <= epoch_start_step) return float(p.epoch);
  return float(p.epoch) + std::min(0.99f, float(p.step - epoch_start_step) / float(per_epoch));
}

// One plot of both losses on an axis of epochs: training (smoothed, per step) and validation
// (per epoch), with the timeline's snapshots as dots on it (the one shown orange; hovering one
// tells its step and loss, clicking it scrubs there). Axes with ticks; linear or log loss.
void loss_plot(App& app, ImVec2 size, bool log_y) {
  Lab& lab = app.lab;
  const Curves& curves = lab.latest.curves;
  const std::vector<TimelinePoint>& t = lab.latest.timeline;
  size = ImVec2(std::max(size.x, 60.0f), std::max(size.y, 40.0f));
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##lossplot", size);
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), ImGui::GetColorU32(ImGuiCol_FrameBg));
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 train_color = IM_COL32(110, 170, 255, 255), val_color = IM_COL32(255, 200, 90, 255);

  // the epoch axis: steps / steps per epoch (steps until the training set's size is known)
  const int batch = std::max(1, lab_config(lab).batch_size);
  const double per_epoch =
      lab.latest.train_count > 0 ? double((lab.latest.train_count + batch - 1) / batch) : 0;
  auto epoch_of_step = [&](double step) { return per_epoch > 0 ? step / per_epoch : step; };
  std::vector<ImVec2> train, val, dots;
  for (const CurvePoint& c : curves.train) train.push_back(ImVec2(float(epoch_of_step(c.x)), c.y));
  if (per_epoch > 0)
    for (const CurvePoint& c : curves.val) val.push_back(ImVec2(c.x, c.y));
  int64_t epoch_start = 0;
  int epoch_of_start = 0;
  for (const TimelinePoint& p : t) {
    if (p.epoch != epoch_of_start) epoch_start = p.step, epoch_of_start = p.epoch;
    dots.push_back(ImVec2(per_epoch > 0 ? timeline_x(lab, p, epoch_start) : float(p.step), p.val_loss));
  }
  double x_hi = per_epoch > 0 ? 1 : 10, lo = DBL_MAX, hi = -DBL_MAX;
  for (const auto* set : {&train, &val, &dots})
    for (const ImVec2& v : *set)
      if (std::isfinite(v.y) && v.y > 0)
        x_hi = std::max(x_hi, double(v.x)), lo = std::min(lo, double(v.y)), hi = std::max(hi, double(v.y));
  if (lo > hi) { // nothing to draw yet
    dl->AddText(ImVec2(pos.x + 8, pos.y + 6), dim, "press Start: the losses appear here as it trains");
    return;
  }
  if (hi - lo < 1e-4 * hi) lo *= 0.99, hi *= 1.01;
  auto fy = [&](double v) { return log_y ? std::log10(v) : v; };
  const double pad = 0.06 * (fy(hi) - fy(lo));
  const double y_lo = fy(lo) - pad, y_hi = fy(hi) + pad;

  // the frame inside the plot: room for the tick labels on the left and below
  char buf[32];
  const std::vector<double> y_ticks = nice_ticks(lo, hi, std::max(2, int(size.y / 40)));
  float label_w = 0;
  for (double v : y_ticks) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
    label_w = std::max(label_w, ImGui::CalcTextSize(buf).x);
  }
  const float line_h = ImGui::GetTextLineHeight();
  const ImVec2 a(pos.x + label_w + 10, pos.y + line_h + 6),
      b(pos.x + size.x - 8, pos.y + size.y - line_h - 6);
  auto at = [&](double x, double y) {
    return ImVec2(a.x + float((b.x - a.x) * x / x_hi),
                  b.y - float((b.y - a.y) * (fy(y) - y_lo) / (y_hi - y_lo)));
  };
  dl->PushClipRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), true);
  for (double v : y_ticks) {
    const ImVec2 p = at(0, v);
    if (p.y < a.y - 1 || p.y > b.y + 1) continue;
    dl->AddLine(ImVec2(a.x, p.y), ImVec2(b.x, p.y), IM_COL32(255, 255, 255, 22));
    std::snprintf(buf, sizeof buf, "%.3g", v);
    dl->AddText(ImVec2(a.x - 5 - ImGui::CalcTextSize(buf).x, p.y - line_h / 2), dim, buf);
  }
  for (double x : nice_ticks(0, x_hi, std::max(2, int(size.x / 70)))) {
    const ImVec2 p = at(x, lo);
    dl->AddLine(ImVec2(p.x, b.y), ImVec2(p.x, b.y + 3), dim);
    std::snprintf(buf, sizeof buf, "%g", x);
    dl->AddText(ImVec2(p.x - ImGui::CalcTextSize(buf).x / 2, b.y + 3), dim, buf);
  }
  dl->AddLine(ImVec2(a.x, a.y), ImVec2(a.x, b.y), dim);
  dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, b.y), dim);
  const char* x_name = per_epoch > 0 ? "epoch" : "step";
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(x_name).x, b.y - line_h - 2), dim, x_name);

  // the curves: training thinned to about two points per pixel, always ending at the latest
  std::vector<ImVec2> line;
  const size_t stride = std::max<size_t>(1, train.size() / size_t(std::max(2.0f, 2 * (b.x - a.x))));
  for (size_t i = 0; i < train.size(); i += stride) line.push_back(at(train[i].x, train[i].y));
  if (!train.empty() && (train.size() - 1) % stride) line.push_back(at(train.back().x, train.back().y));
  if (line.size() >= 2) dl->AddPolyline(line.data(), int(line.size()), train_color, 0, 1.5f);
  line.clear();
  for (const ImVec2& v : val) line.push_back(at(v.x, v.y));
  if (line.size() >= 2) dl->AddPolyline(line.data(), int(line.size()), val_color, 0, 2.0f);
  const int shown = lab_scrub_index(lab);
  int nearest = -1;
  float best = 64;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (size_t i = 0; i < dots.size(); i++) {
    const ImVec2 p = at(dots[i].x, dots[i].y);
    dl->AddCircleFilled(p, 3, val_color);
    const float d = (p.x - mouse.x) * (p.x - mouse.x) + (p.y - mouse.y) * (p.y - mouse.y);
    if (hovered && d < best) best = d, nearest = int(i);
  }
  if (shown >= 0 && shown < int(dots.size())) {
    const ImVec2 p = at(dots[size_t(shown)].x, dots[size_t(shown)].y);
    dl->AddCircleFilled(p, 5, IM_COL32(255, 120, 40, 255));
    dl->AddCircle(p, 6, IM_COL32(255, 255, 255, 255));
  }
  // the legend, along the top
  float x = a.x;
  auto key = [&](ImU32 color, const char* name) {
    dl->AddLine(ImVec2(x, pos.y + 4 + line_h / 2), ImVec2(x + 14, pos.y + 4 + line_h / 2), color, 2);
    dl->AddText(ImVec2(x + 18, pos.y + 3), text, name);
    x += 18 + ImGui::CalcTextSize(name).x + 12;
  };
  std::snprintf(buf, sizeof buf, "training %.4f", curves.train.empty() ? 0.0f : curves.train.back().y);
  key(train_color, curves.train.empty() ? "training" : buf);
  char val_text[48];
  std::snprintf(val_text, sizeof val_text, "validation %.4f", t.empty() ? 0.0f : t.back().val_loss);
  key(val_color, t.empty() ? "validation" : val_text);
  dl->PopClipRect();

  if (nearest >= 0) {
    const TimelinePoint& p = t[size_t(nearest)];
    ImGui::SetTooltip(
        "snapshot %d: step %lld, epoch %d, validation loss %.4f\nclick to show the model as it was", nearest,
        (long long)p.step, p.epoch, p.val_loss);
    if (clicked) lab_scrub(lab, nearest);
  } else if (hovered) {
    ImGui::SetTooltip("Blue: the training loss of each batch, smoothed. Orange: the loss over the 10,000\n"
                      "test digits, after every epoch; each dot is a snapshot of the weights (click one).\n"
                      "Loss (%s): lower is better.",
                      loss_name(lab_config(lab).loss));
  }
}

// "Throw away the trained weights?": Reset and Train a fresh network ask first.
void confirm_reset_popup(App& app) {
  Lab& lab = app.lab;
  if (app.confirm_reset != ConfirmReset::none && !ImGui::IsPopupOpen("Throw away the trained weights?"))
    ImGui::OpenPopup("Throw away the trained weights?");
  if (!ImGui::BeginPopupModal("Throw away the trained weights?", nullptr,
                              ImGuiWindowFlags_AlwaysAutoResize)) {
    app.confirm_reset = ConfirmReset::none;
    return;
  }
  const Snapshot& run = lab.latest;
  ImGui::Text("%s has been trained for %u epochs%s.", lab.model_name.c_str(),
              run.epochs_before + uint32_t(lab_epoch(lab)), run.steps > 0 ? " (some of them here)" : "");
  ImGui::TextUnformatted(
      lab.shipped_model.empty()
          ? "New random weights replace it; save it first to keep it."
          : "New random weights replace it (\"Back to the shipped model\" brings that one back).");
  const bool start = app.confirm_reset == ConfirmReset::reset_and_start;
  if (ImGui::Button(start ? "Train from scratch" : "Reset")) {
    const std::string error = app_reset(app, lab.model->shape);
    if (!error.empty())
      app_message(app, error, true);
    else if (start)
      lab_start(lab);
    app.confirm_reset = ConfirmReset::none;
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) app.confirm_reset = ConfirmReset::none, ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

// The timeline slider: scrub back through the snapshots; every view shows that model.
void timeline_section(App& app) {
  Lab& lab = app.lab;
  const std::vector<TimelinePoint>& t = lab.latest.timeline;
  const int n = int(t.size());
  const int shown = lab_scrub_index(lab);
  int at = shown < 0 ? n : shown; // n: now
  char label[96];
  if (shown < 0)
    std::snprintf(label, sizeof label, "now (step %lld)", (long long)lab.latest.steps);
  else
    std::snprintf(label, sizeof label, "step %lld, epoch %d: val %.4f", (long long)t[size_t(shown)].step,
                  t[size_t(shown)].epoch, t[size_t(shown)].val_loss);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("timeline");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-FLT_MIN);
  ImGui::BeginDisabled(n == 0);
  if (ImGui::SliderInt("##timeline", &at, 0, n, label)) lab_scrub(lab, at >= n ? -1 : at);
  ImGui::EndDisabled();
  const double mb = double(timeline_bytes(t)) / (1 << 20), budget = double(kTimelineBudgetBytes) / (1 << 20);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Scrub back in time: the reconstruction, the map, the decoded plane and the first layer\n"
        "show the model as it was. A snapshot of the weights is kept after every validation\n"
        "pass (each epoch, a few early on, at pauses): %d now, %.1f MB of a %.0f MB budget.",
        n, mb, budget);
  if (shown >= 0) {
    if (ImGui::Button("Back to now")) lab_scrub(lab, -1);
    ImGui::SameLine();
    if (ImGui::Button(fit_text("Resume from here", "Resume"))) lab_resume_from_scrub(lab);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "Make this snapshot the current model and train on from it (with a fresh optimizer);\n"
          "the later snapshots are dropped.");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", fit_text("showing the past; training is unaffected", "the past"));
  }
}

const char* status_text(const Lab& lab) {
  switch (lab.latest.status) {
  case RunStatus::waiting_for_data:
    return "training starts when the training set is loaded";
  case RunStatus::training:
    return "training";
  case RunStatus::finished:
    return "finished: raise epochs to go on";
  case RunStatus::idle:
    break;
  }
  if (!lab.latest.divergence.empty()) return "stopped"; // the notice below says why
  return lab.latest.message.c_str();
}

} // namespace

void training_panel(App& app, const Rect& r) {
  Lab& lab = app.lab;
  const Snapshot& run = lab.latest;
  begin_panel("Train", r);
  panel_help(app, "train",
             "Start trains the network on the 60,000 training digits, a batch at a time; the validation loss "
             "is measured on the 10,000 test digits it never trains on, so it says how well it does on "
             "pictures it has not seen. The timeline keeps snapshots of the weights: slide back to see every "
             "view as the model was then. Keys, once you have clicked into the lab: Space starts or pauses, "
             "S trains one batch, C clears the drawing, Escape gives the keyboard back to the page.");

  // A model that learned another data set than the one chosen: said plainly, with the way out.
  if (app_model_data_mismatch(app)) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.8f, 0.3f, 1));
    ImGui::TextWrapped("This model learned %s, not %s: it redraws them as what it knows.",
                       lab.model_data == "mnist"     ? "MNIST digits"
                       : lab.model_data == "fashion" ? "Fashion-MNIST clothes"
                                                     : "other data",
                       dataset_title(lab.dataset));
    ImGui::PopStyleColor();
    if (app_control_shown(app, Control::start) && app_control_shown(app, Control::reset)) {
      char label[64];
      std::snprintf(label, sizeof label, "Train a new one on %s", dataset_title(lab.dataset));
      if (ImGui::Button(label)) app_train_new_model(app);
      tip("Random weights, then training starts on the chosen data. \"Back to the shipped model\"\n"
          "(Model and data panel) brings the trained one back.");
    }
  }

  // On a trained model that this run has not trained yet (the shipped one, a loaded one), Start
  // offers both: go on training it, or train a fresh network from scratch.
  const bool trained = run.epochs_before > 0 || run.steps > 0;
  const bool untouched = run.epochs_before > 0 && run.steps == 0 && !lab_training(lab);
  if (!app_control_shown(app, Control::start)) {
  } else if (lab_training(lab)) {
    if (ImGui::Button("Pause", ImVec2(70, 0))) lab_pause(lab);
    ImGui::SameLine();
  } else if (untouched) {
    // the long labels only if the whole row fits with them
    const ImGuiStyle& st = ImGui::GetStyle();
    auto width = [&](const char* label, bool shown) {
      return shown ? ImGui::CalcTextSize(label, nullptr, true).x + 2 * st.FramePadding.x + st.ItemSpacing.x
                   : 0;
    };
    const bool long_labels = width("Continue training this one", true) +
                                 width("Train a fresh network...", true) +
                                 width("Step", app_control_shown(app, Control::step)) +
                                 width("Reset", app_control_shown(app, Control::reset)) <=
                             ImGui::GetContentRegionAvail().x + st.ItemSpacing.x;
    if (ImGui::Button(long_labels ? "Continue training this one###start" : "Continue###start"))
      lab_start(lab);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Train on from the loaded model (%u epochs so far): it changes little, it is\n"
                        "trained already.",
                        run.epochs_before);
    ImGui::SameLine();
    if (ImGui::Button(long_labels ? "Train a fresh network...###fresh" : "Train fresh...###fresh"))
      app.confirm_reset = ConfirmReset::reset_and_start;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Random weights, then training from scratch: watch a network learn.");
    ImGui::SameLine();
  } else {
    if (ImGui::Button("Start", ImVec2(70, 0))) lab_start(lab);
    ImGui::SameLine();
  }
  if (app_control_shown(app, Control::step)) {
    if (ImGui::Button("Step")) lab_step(lab, 1);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Train one batch (the training set loads first if needed).");
    ImGui::SameLine();
  }
  if (app_control_shown(app, Control::reset)) {
    if (ImGui::Button("Reset")) {
      if (trained)
        app.confirm_reset = ConfirmReset::reset; // a trained model is asked about first
      else
        app_reset(app, lab.model->shape);
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("New random weights (seed %d), same shape.", int(lab_config(lab).seed));
    ImGui::SameLine();
  }
  confirm_reset_popup(app);
  const char* status = status_text(lab);
  if (ImGui::CalcTextSize(status).x > ImGui::GetContentRegionAvail().x) ImGui::NewLine(); // its own line
  ImGui::TextDisabled("%s", status);

  if (!run.divergence.empty()) divergence_notice(app);

  // This run's progress, with the steps and the speed in the bar's tooltip
  char progress[96], short_progress[48];
  std::snprintf(progress, sizeof progress, "this run: epoch %d of %d, %.0f%%, step %lld", lab_epoch(lab) + 1,
                lab_config(lab).epochs, 100.0f * run.epoch_fraction, (long long)run.steps);
  std::snprintf(short_progress, sizeof short_progress, "epoch %d of %d, %.0f%%", lab_epoch(lab) + 1,
                lab_config(lab).epochs, 100.0f * run.epoch_fraction);
  ImGui::ProgressBar(run.epoch_fraction, ImVec2(-FLT_MIN, 0), fit_text(progress, short_progress));
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::Text("This run: epoch %d of the %d set below (a pass over the 60,000 training digits),\n"
                "%.0f%% done; %lld steps so far (batches, each one update of the weights).",
                lab_epoch(lab) + 1, lab_config(lab).epochs, 100.0f * run.epoch_fraction,
                (long long)run.steps);
    if (lab.host->kind() != HostKind::frames)
      ImGui::Text("Training runs on a %s of its own; the UI (%.0f fps now) shows its snapshots.",
                  lab.host->kind() == HostKind::thread ? "thread" : "Web Worker", app.fps);
    else
      ImGui::Text("Training gets %.1f ms of each frame (%.0f fps now), adapted to keep the UI above 52 fps.",
                  app.budget.ms, app.fps);
    if (run.speed.samples_per_s > 0)
      ImGui::Text("%.0f samples/s (%.0f while computing).", run.speed.samples_per_s,
                  run.speed.compute_samples_per_s);
    ImGui::EndTooltip();
  }

  // The two losses on one line (the second wraps below if it does not fit)
  const char* loss_words =
      lab_config(lab).loss == LossKind::bce ? "binary cross-entropy" : "mean squared error";
  if (run.steps > 0)
    ImGui::Text("training loss %.4f", run.smoothed_loss);
  else
    ImGui::TextDisabled("training loss: not yet");
  tip("The %s of the last batches against their own pictures, smoothed:\n"
      "how far the reconstructions are from the inputs while it trains.",
      loss_words);
  const int evaluated = run.validation_progress >= 0 ? int(100 * run.validation_progress) : -1;
  char val[96];
  if (run.val.loss >= 0 && evaluated >= 0)
    std::snprintf(val, sizeof val, "validation %.4f (evaluating %d%%)", run.val.loss, evaluated);
  else if (run.val.loss >= 0)
    std::snprintf(val, sizeof val, "validation %.4f (epoch %d)", run.val.loss, run.val.epoch);
  else if (evaluated >= 0)
    std::snprintf(val, sizeof val, "validation: evaluating the test set, %d%%", evaluated);
  else
    std::snprintf(val, sizeof val, "validation: waiting for the test set");
  if (ImGui::CalcTextSize(val).x + 3 * ImGui::GetStyle().ItemSpacing.x <
      ImGui::GetContentRegionAvail().x - ImGui::GetItemRectSize().x)
    ImGui::SameLine(0, 3 * ImGui::GetStyle().ItemSpacing.x);
  if (run.val.loss >= 0)
    ImGui::TextUnformatted(val);
  else
    ImGui::TextDisabled("%s", val);
  if (run.val.loss >= 0)
    tip("The %s over the 10,000 test digits, which it never trains on,\n"
        "measured after step %lld (epoch %d). Lower is better: the reconstructions\n"
        "of digits it has not seen are closer to them.",
        loss_words, (long long)run.val.step, run.val.epoch);
  else
    tip("The loss over the 10,000 test digits, which it never trains on.");
  if (lab.train.status == DataStatus::loading) {
    char text[64];
    std::snprintf(text, sizeof text, "loading the training set: %.0f%%", 100 * lab.train.progress);
    ImGui::ProgressBar(lab.train.progress, ImVec2(-FLT_MIN, 0), text);
  }

  timeline_section(app);

  ImGui::SeparatorText("Hyperparameters");
  hyperparameters(app);

  // The "Losses" heading with the log-scale box at its right, one line for both
  const float box_w =
      ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("log y").x;
  const float heading_x = ImGui::GetCursorPosX();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Losses");
  ImGui::SameLine(heading_x +
                  std::max(ImGui::CalcTextSize("Losses ").x, ImGui::GetContentRegionAvail().x - box_w));
  ImGui::Checkbox("log y", &app.log_loss_plot);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Show the loss on a logarithmic scale: small late gains stay visible.");
  const float plot_h = std::max(80.0f, ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y);
  loss_plot(app, ImVec2(ImGui::GetContentRegionAvail().x, std::floor(plot_h)), app.log_loss_plot);
  ImGui::End();
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  std::vector<double> ticks;
  if (!(hi > lo) || count < 1) return ticks;
  const double raw = (hi - lo) / count, power = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / power < 1.5   ? power
                      : raw / power < 3.5 ? 2 * power
                      : raw / power < 7.5 ? 5 * power
                                          : 10 * power;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) ticks.push_back(t);
  return ticks;
}

} // namespace aelab
