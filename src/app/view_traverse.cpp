// The Traverse tab: one latent unit swept over the range it takes over the test set while the
// others keep the input's code; or every unit, a row each.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/view_data.h"
#include "app/view_widgets.h"

namespace aelab {

namespace {

// The sweep's values for each row: one unit, or every unit (at most 128: a texture under 4096
// pixels tall), k values each; the figure drawn again when they or the model changed.
std::vector<std::vector<float>> update_traverse_figure(App& app, int k) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  const int rows_shown = std::min(lab.model->shape.latent_dim, 128);
  const std::vector<float>& code = lab.input.code;
  uint64_t key =
      mix(mix(mix(lab_view_version(lab), uint64_t(v.all_units)), uint64_t(v.unit)), uint64_t(v.map.builds));
  key = mix_floats(key, code.data(), code.size());
  std::vector<std::vector<float>> values;
  for (int u = v.all_units ? 0 : v.unit; u < (v.all_units ? rows_shown : v.unit + 1); u++) {
    float low, high;
    unit_range(app, u, &low, &high);
    values.push_back(sweep(low, high, k));
  }
  if (!stale(app, &v.traverse_figure, key, mix(mix(uint64_t(k), uint64_t(v.all_units)), values.size())))
    return values;
  std::vector<float> images;
  for (size_t row = 0; row < values.size(); row++) {
    Matrix strip = traverse_unit(*lab.model, code.data(), v.all_units ? int(row) : v.unit, values[row]);
    images.insert(images.end(), strip.begin(), strip.end());
  }
  v.traverse_figure.image =
      render_tiles(images.data(), int(values.size()) * k, k, kDigitSide, kDigitSide, 1, 1);
  v.traverse_figure.key = key;
  return values;
}

// One unit's sweep, with a triangle under the input's own value.
void one_unit(App& app, const std::vector<float>& values, int k) {
  const ViewsState& v = app.views;
  const std::vector<float>& code = app.lab.input.code;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float w = std::min(avail.x, (avail.y - 3 * ImGui::GetTextLineHeightWithSpacing()) * float(k) * 0.95f);
  const float h = w * float(v.traverse_figure.image.height) / float(v.traverse_figure.image.width);
  const std::vector<bool> dead = dead_units(app);
  if (size_t(v.unit) < dead.size() && dead[size_t(v.unit)]) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.8f, 0.3f, 1));
    ImGui::TextWrapped("z[%d] is a dead unit: 0 for every test picture, so the decoder never saw it change. "
                       "Swept here from %.2f to %.2f anyway, values the encoder never gives it.",
                       v.unit, values.front(), values.back());
    ImGui::PopStyleColor();
  } else {
    ImGui::TextWrapped(
        "z[%d] from %.2f to %.2f (its range over the test set); the other %d units stay at the input's code",
        v.unit, values.front(), values.back(), app.lab.model->shape.latent_dim - 1);
  }
  const ImVec2 pos = show_figure("##traverse", v.traverse_figure, w, h);
  const float t = (code[size_t(v.unit)] - values.front()) / (values.back() - values.front());
  if (t >= 0 && t <= 1) {
    const float x = pos.x + w * (0.5f + t * float(k - 1)) / float(k);
    ImGui::GetWindowDrawList()->AddTriangleFilled(ImVec2(x, pos.y + h + 2), ImVec2(x - 5, pos.y + h + 10),
                                                  ImVec2(x + 5, pos.y + h + 10),
                                                  IM_COL32(255, 255, 255, 255));
  }
  ImGui::Dummy(ImVec2(w, 10));
  ImGui::TextDisabled("the triangle: the input's own value, %.2f", code[size_t(v.unit)]);
}

// Every unit, a row each, labelled, in a scrolling child.
void all_units(App& app) {
  const ViewsState& v = app.views;
  const int latent = app.lab.model->shape.latent_dim, rows_shown = std::min(latent, 128);
  ImGui::TextDisabled("%s",
                      fit_text("one row per unit, each swept over its range, the others at the input's code",
                               "a row per unit, swept over its range"));
  if (rows_shown < latent)
    ImGui::TextDisabled("units 0 to %d of %d (pick one unit to see the others)", rows_shown - 1, latent);
  ImGui::BeginChild("##all", ImVec2(0, 0), false);
  const float w = std::min(ImGui::GetContentRegionAvail().x - 60, 7 * 48.0f);
  const float h = w * float(v.traverse_figure.image.height) / float(v.traverse_figure.image.width);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 44);
  show_figure("##traverse_all", v.traverse_figure, w, h);
  const float row_h = h / float(rows_shown), text_h = ImGui::GetTextLineHeightWithSpacing();
  const std::vector<bool> dead = dead_units(app);
  for (int u = 0; u < rows_shown; u++) {
    char label[24];
    const bool is_dead = size_t(u) < dead.size() && dead[size_t(u)];
    std::snprintf(label, sizeof label, is_dead ? "z[%d]\ndead" : "z[%d]", u);
    ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x, pos.y + row_h * (float(u) + 0.5f) - text_h / 2),
                                        ImGui::GetColorU32(ImGuiCol_TextDisabled), label);
  }
  ImGui::EndChild();
}

} // namespace

void traverse_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (lab_test_set_ready(lab)) current_map(app);
  const int latent = lab.model->shape.latent_dim;
  if (lab.input.code.empty()) return;
  v.unit = std::max(0, std::min(v.unit, latent - 1));
  ImGui::RadioButton("one unit", &v.all_units, 0);
  ImGui::SameLine();
  ImGui::RadioButton("all units", &v.all_units, 1);
  ImGui::SameLine();
  if (!v.all_units) {
    ImGui::SetNextItemWidth(120);
    ImGui::SliderInt("unit", &v.unit, 0, latent - 1, "z[%d]");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Or click a bar in the latent code panel.");
    ImGui::SameLine();
  }
  const int k = v.all_units ? 7 : 9;
  const std::vector<std::vector<float>> values = update_traverse_figure(app, k);
  save_button(app);
  if (v.all_units)
    all_units(app);
  else
    one_unit(app, values[0], k);
}

} // namespace aelab
