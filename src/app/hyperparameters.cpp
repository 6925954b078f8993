// The Train panel's settings: a widget for each row of the settings table (lab/settings.h) that
// has one, in the table's order, two to a line. Every change goes through the table's checks
// (nothing is clamped) and app_apply_setting; a new architecture waits for a confirmation.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"

namespace aelab {
namespace {

// Rows of two labelled fields in two columns, filled left to right (a field a lesson hides simply
// leaves its place to the next); each field takes what its column leaves after its own label, so
// no label is cut off in a narrow panel.
struct TwoColumns {
  float x0 = ImGui::GetCursorPosX();
  float half = std::floor((ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2);
  int placed = 0; // fields on the rows so far
  // The label, then the field's width for the widget that follows.
  void field(const char* label) {
    if (placed++ % 2 == 1) ImGui::SameLine(x0 + half + ImGui::GetStyle().ItemSpacing.x);
    const float label_w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().ItemInnerSpacing.x;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::SetNextItemWidth(std::max(40.0f, half - label_w));
  }
  void new_row() { placed = 0; }
};

// Where the row's widget is (the last item), for state().settingWidgets.
void note_rect(App& app, const Setting& row) {
  app.setting_rects.resize(size_t(kSettings.count));
  app.setting_rects[size_t(&row - kSettings.begin())] = item_rect();
}

// The value in `next` checked by the table and written there; else the error is shown and
// `next` stays as it was. True when it changed.
bool put_number(App& app, const Setting& row, double value, Settings* next) {
  const std::string error = setting_set_number(row, value, next);
  if (!error.empty()) app_message(app, error, true);
  return error.empty();
}
bool put_text(App& app, const Setting& row, const std::string& text, Settings* next) {
  const std::string error = setting_set_text(row, text, next);
  if (!error.empty()) app_message(app, error, true);
  return error.empty();
}

bool integer_widget(App& app, const Setting& row, Settings* next) {
  int value = int(std::min(row.get(*next), 2147483647.0));
  if (!ImGui::InputInt("##value", &value, row.ui.step, row.ui.step_fast)) return false;
  return put_number(app, row, value, next);
}

bool drag_widget(App& app, const Setting& row, Settings* next) {
  float value = float(row.get(*next));
  if (!ImGui::DragFloat("##value", &value, 0.005f, float(row.ui.soft_min), float(row.ui.soft_max), "%.5f",
                        ImGuiSliderFlags_Logarithmic))
    return false;
  return put_number(app, row, value, next);
}

bool presets_widget(App& app, const Setting& row, Settings* next) {
  const int current = int(row.get(*next));
  bool changed = false;
  if (ImGui::BeginCombo("##value", std::to_string(current).c_str())) {
    for (int v : row.ui.presets)
      if (v > 0 && ImGui::Selectable(std::to_string(v).c_str(), v == current))
        changed = put_number(app, row, v, next);
    ImGui::EndCombo();
  }
  return changed;
}

bool combo_widget(App& app, const Setting& row, Settings* next) {
  int choice = int(row.get(*next)), count = 0;
  while (count < int(row.ui.choice_titles.size()) && row.ui.choice_titles[count]) count++;
  if (!ImGui::Combo("##value", &choice, row.ui.choice_titles.data(), count)) return false;
  return put_number(app, row, choice, next);
}

// A Noise text: its kind, then (unless none) its amount as a second field.
bool noise_widget(App& app, const Setting& row, Settings* next, TwoColumns& cols) {
  Noise noise;
  parse_noise(row.text(*next), &noise);
  int kind = int(noise.kind);
  bool changed = false;
  if (ImGui::Combo("##value", &kind, "none\0gaussian\0mask\0salt & pepper\0")) {
    noise.kind = NoiseKind(kind), changed = true;
    if (noise.kind != NoiseKind::none && noise.amount == 0)
      noise.amount = noise.kind == NoiseKind::saltpepper ? 0.1f : 0.3f;
  }
  note_rect(app, row);
  ImGui::PushID("amount");
  if (row.tooltip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", row.tooltip);
  if (noise.kind != NoiseKind::none) {
    cols.field(noise.kind == NoiseKind::gaussian ? "sigma" : "share");
    changed |= ImGui::SliderFloat("##value", &noise.amount, 0.0f, 1.0f, "%.2f");
    tip(noise.kind == NoiseKind::gaussian ? "The noise's standard deviation, in pixel units (0 to 1)."
                                          : "The share of pixels corrupted (0 to 1).");
  }
  ImGui::PopID();
  return changed && put_text(app, row, noise_text(noise), next);
}

// A list of classes: a box for each of the ten, with its name where the data set has names.
bool classes_widget(App& app, const Setting& row, Settings* next) {
  const std::string current = row.text(*next);
  uint32_t classes = 0;
  parse_excluded(current, &classes);
  bool changed = false;
  if (ImGui::BeginCombo("##value", current.c_str())) {
    for (int k = 0; k < 10; k++) {
      bool on = (classes >> k) & 1u;
      char label[48];
      std::snprintf(label, sizeof label, "%d %s###class%d", k,
                    app.lab.dataset == DatasetKind::fashion ? class_name(app.lab.dataset, k) : "", k);
      if (ImGui::Checkbox(label, &on))
        changed = put_text(app, row, excluded_text(on ? classes | (1u << k) : classes & ~(1u << k)), next);
    }
    ImGui::EndCombo();
  }
  return changed;
}

// Three counts in one field: "16,8,8".
bool filters_widget(App& app, const Setting& row, Settings* next) {
  ModelShape shape = next->shape;
  parse_filters(row.text(*next), &shape);
  int f[3] = {shape.filters[0], shape.filters[1], shape.filters[2]};
  if (!ImGui::InputInt3("##value", f)) return false;
  return put_text(app, row, std::to_string(f[0]) + "," + std::to_string(f[1]) + "," + std::to_string(f[2]),
                  next);
}

// The row's widget after its label; true when it changed `next`.
bool setting_widget(App& app, const Setting& row, Settings* next, TwoColumns& cols, bool narrow) {
  cols.field(narrow && row.ui.short_label ? row.ui.short_label : row.label);
  ImGui::PushID(row.key);
  bool changed = false;
  switch (row.ui.widget) {
  case Widget::integer:
    changed = integer_widget(app, row, next);
    break;
  case Widget::drag:
    changed = drag_widget(app, row, next);
    break;
  case Widget::presets:
    changed = presets_widget(app, row, next);
    break;
  case Widget::combo:
    changed = combo_widget(app, row, next);
    break;
  case Widget::classes:
    changed = classes_widget(app, row, next);
    break;
  case Widget::noise:
    changed = noise_widget(app, row, next, cols);
    break;
  case Widget::filters:
    changed = filters_widget(app, row, next);
    break;
  case Widget::none:
    break;
  }
  if (row.ui.widget != Widget::noise) note_rect(app, row); // (the noise widget notes its first field's)
  if (row.ui.widget != Widget::noise)                      // the noise widget's tip is on its first field
    tip("%s%s%s", row.tooltip, row.ui.frames_note && app.lab.host->kind() == HostKind::frames ? "\n" : "",
        row.ui.frames_note && app.lab.host->kind() == HostKind::frames ? row.ui.frames_note : "");
  ImGui::PopID();
  return changed;
}

// The architecture typed in: Build (after a confirmation) or Keep the current one.
void shape_buttons(App& app, TwoColumns& cols) {
  ShapeEdit& edit = app.shape_edit;
  if (!edit.editing || edit.shape == app.lab.model->shape) return;
  if (ImGui::Button("Build this model...")) {
    PendingDiscard p{Discard::shape};
    p.shape = edit.shape;
    app_ask(app, p);
  }
  mark_item(app, "build");
  ImGui::SameLine();
  if (ImGui::Button("Keep the current one")) edit.editing = false;
  mark_item(app, "keep");
  cols.new_row();
}

} // namespace

void hyperparameters(App& app) {
  const Settings now = app_settings(app);
  ShapeEdit& edit = app.shape_edit;
  Settings shown = now; // the architecture fields show the one typed in, until built or kept
  if (edit.editing) shown.shape = edit.shape;
  TwoColumns cols;
  const bool narrow = cols.half < 190;
  bool shape_done = false;
  for (const Setting& row : kSettings) {
    if (row.ui.widget == Widget::none || (row.offered && !row.offered(shown))) continue; // the kind typed in
    if (row.part != SettingPart::shape && !shape_done) shape_buttons(app, cols), shape_done = true;
    if (row.hide >= 0 && !app_control_shown(app, Control(row.hide))) continue;
    Settings next = shown;
    if (!setting_widget(app, row, &next, cols, narrow)) continue;
    if (row.part == SettingPart::shape) { // asked about first (the Build button)
      edit.editing = true, edit.shape = next.shape;
      continue;
    }
    if (row.part == SettingPart::dataset &&
        next.dataset != now.dataset) { // the trained network is asked about
      PendingDiscard p{Discard::dataset};
      p.dataset = next.dataset;
      app_ask(app, p);
      continue;
    }
    if (const std::string error = app_apply_setting(app, row, next); !error.empty())
      app_message(app, error, true);
  }
}

} // namespace aelab
