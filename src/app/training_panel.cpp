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
  // a float slider for its thin grab (an integer one's grab is the width over the snapshots, which
  // covered the label while there were few); the position rounds to a snapshot
  float position = float(at);
  if (ImGui::SliderFloat("##timeline", &position, 0, float(n), label, ImGuiSliderFlags_NoInput)) {
    at = int(std::lround(position));
    lab_scrub(lab, at >= n ? -1 : at);
  }
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

// A model that learned another data set than the one chosen: said plainly, with the way out.
void data_mismatch_notice(App& app) {
  Lab& lab = app.lab;
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
    if (ImGui::Button(label)) app_ask(app, {Discard::fresh});
    tip("Random weights, then training starts on the chosen data. \"Back to the shipped model\"\n"
        "(Model and data panel) brings the trained one back.");
  }
}

// On a trained model that this run has not trained yet (the shipped one, a loaded one), Start
// offers both: go on training it, or train a fresh network from scratch (the long labels only
// if the whole row fits with them).
void continue_or_fresh_buttons(App& app) {
  const ImGuiStyle& st = ImGui::GetStyle();
  auto width = [&](const char* label, bool shown) {
    return shown ? ImGui::CalcTextSize(label, nullptr, true).x + 2 * st.FramePadding.x + st.ItemSpacing.x : 0;
  };
  const bool long_labels = width("Continue training this one", true) +
                               width("Train a fresh network...", true) +
                               width("Step", app_control_shown(app, Control::step)) +
                               width("Reset", app_control_shown(app, Control::reset)) <=
                           ImGui::GetContentRegionAvail().x + st.ItemSpacing.x;
  if (ImGui::Button(long_labels ? "Continue training this one###start" : "Continue###start"))
    lab_start(app.lab);
  mark_item(app, "start");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Train on from the loaded model (%u epochs so far): it changes little, it is\n"
                      "trained already.",
                      app.lab.latest.epochs_before);
  ImGui::SameLine();
  if (ImGui::Button(long_labels ? "Train a fresh network...###fresh" : "Train fresh...###fresh"))
    app_ask(app, {Discard::fresh});
  mark_item(app, "fresh");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Random weights, then training from scratch: watch a network learn.");
  ImGui::SameLine();
}

// Start (or Pause, or Continue / Train fresh), Step and Reset, then the run's status.
void run_buttons(App& app) {
  Lab& lab = app.lab;
  const Snapshot& run = lab.latest;
  const bool untouched = run.epochs_before > 0 && run.steps == 0 && !lab_training(lab);
  if (!app_control_shown(app, Control::start)) {
  } else if (lab_training(lab)) {
    if (ImGui::Button("Pause", ImVec2(70, 0))) lab_pause(lab);
    mark_item(app, "pause");
    ImGui::SameLine();
  } else if (untouched) {
    continue_or_fresh_buttons(app);
  } else {
    if (ImGui::Button("Start", ImVec2(70, 0))) lab_start(lab);
    mark_item(app, "start");
    ImGui::SameLine();
  }
  if (app_control_shown(app, Control::step)) {
    if (ImGui::Button("Step")) lab_step(lab, 1);
    mark_item(app, "step");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Train one batch (the training set loads first if needed).");
    ImGui::SameLine();
  }
  if (app_control_shown(app, Control::reset)) {
    if (ImGui::Button("Reset")) app_ask(app, {Discard::reset}); // a trained model is asked about first
    mark_item(app, "reset");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("New random weights (seed %d), same shape.", int(lab_config(lab).seed));
    ImGui::SameLine();
  }
  const char* status = status_text(lab);
  if (ImGui::CalcTextSize(status).x > ImGui::GetContentRegionAvail().x) ImGui::NewLine(); // its own line
  ImGui::TextDisabled("%s", status);
}

// This run's progress, with the steps and the speed in the bar's tooltip.
void progress_bar(App& app) {
  const Lab& lab = app.lab;
  const Snapshot& run = lab.latest;
  const int epochs = lab_config(lab).epochs;
  const bool done = lab_epoch(lab) >= epochs;
  const std::string progress = progress_text(lab, false), short_progress = progress_text(lab, true);
  ImGui::ProgressBar(done ? 1.0f : run.epoch_fraction, ImVec2(-FLT_MIN, 0),
                     fit_text(progress.c_str(), short_progress.c_str()));
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::Text("This run: epoch %d of the %d set below (a pass over the %s),\n"
              "%.0f%% done; %lld steps so far (batches, each one update of the weights).",
              done ? epochs : lab_epoch(lab) + 1, epochs, samples_text(lab, DataTarget::train).c_str(),
              done ? 100.0f : 100.0f * run.epoch_fraction, (long long)run.steps);
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

// The two losses on one line (the second wraps below if it does not fit), and the training set's
// download while it loads.
void loss_lines(App& app) {
  const Lab& lab = app.lab;
  const Snapshot& run = lab.latest;
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
  if (run.val.loss >= 0) {
    ImGui::TextUnformatted(val);
    tip("The %s over the %s, which it never trains on,\n"
        "measured after step %lld (epoch %d). Lower is better: the reconstructions\n"
        "of %s it has not seen are closer to them.",
        loss_words, samples_text(lab, DataTarget::test).c_str(), (long long)run.val.step, run.val.epoch,
        samples_noun(lab));
  } else {
    ImGui::TextDisabled("%s", val);
    tip("The loss over the %s, which it never trains on.", samples_text(lab, DataTarget::test).c_str());
  }
  if (lab.train.status == DataStatus::loading ||
      (lab.train.status == DataStatus::failed && lab_training(lab)))
    data_status_line(app, "training set", DataTarget::train, "");
}

// The "Losses" heading with the log-scale box at its right, one line for both, and the plot in
// the panel's height but `below` (at least 80 pixels high).
void losses_section(App& app, float below) {
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
  const float plot_h =
      std::max(80.0f, ImGui::GetContentRegionAvail().y - below - ImGui::GetStyle().ItemSpacing.y);
  loss_plot(app, ImGui::GetContentRegionAvail().x, std::floor(plot_h), app.log_loss_plot);
}

} // namespace

void training_panel(App& app, const Rect& r) {
  begin_panel("Train", r);
  const std::string help =
      "Start trains the network on the " + samples_text(app.lab, DataTarget::train) +
      ", a batch at a time; the validation loss is measured on the " +
      samples_text(app.lab, DataTarget::test) +
      " it never trains on, so it says how well it does on pictures it has not seen. The timeline keeps "
      "snapshots of the weights: slide back to see every "
      "view as the model was then. Keys, once you have clicked into the lab: Space starts or pauses, "
      "S trains one batch, C clears the drawing, Escape gives the keyboard back to the page.";
  panel_help(app, "train", help.c_str());
  if (app_model_data_mismatch(app)) data_mismatch_notice(app);
  run_buttons(app);
  if (!app.lab.latest.divergence.empty()) divergence_notice(app);
  progress_bar(app);
  loss_lines(app);
  timeline_section(app);
  // the chart before the settings, as tall as leaves them room (their height of the last frame):
  // where the panel is short, the settings scroll and the chart stays whole
  losses_section(app, app.settings_h);
  const float top = ImGui::GetCursorPosY();
  ImGui::SeparatorText("Hyperparameters");
  hyperparameters(app);
  app.settings_h = ImGui::GetCursorPosY() - top;
  ImGui::End();
}

} // namespace aelab
