// The First layer tab: the first layer's weight vectors as 28x28 tiles (red positive, blue
// negative); a click on one shows that unit's activation on the input.
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

// A conv model's first layer: its f1 3x3 filters as tiles; a click on one shows the feature map
// it draws of the input.
void filters_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  const Autoencoder& model = *lab.model;
  const int count = model.shape.filters[0], columns = std::min(8, count), k = model.stages[0].conv.k;
  if (stale(app, &v.weights_figure, lab.model_version, uint64_t(count))) {
    const Matrix tiles = first_layer_weights(model);
    v.weights_figure.image = render_tiles(tiles.data(), count, columns, k, k, 1, 1, true);
    v.weights_figure.key = lab.model_version;
  }
  save_button(app);
  ImGui::SameLine();
  ImGui::TextDisabled("%s", fit_text("each tile: one of the first layer's 3x3 filters, slid over the whole "
                                     "picture. Red: ink there raises its map; blue: lowers it",
                                     "3x3 filters: red +, blue -"));
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float info_w = std::min(260.0f, 0.4f * avail.x);
  const int rows = (count + columns - 1) / columns;
  const float aspect = float(v.weights_figure.image.height) / float(v.weights_figure.image.width);
  const float w = std::min(avail.x - info_w, avail.y / aspect), h = w * aspect;
  const ImVec2 pos = show_figure("##weights", v.weights_figure, w, h);
  mark_item(app, "filters"); // count tiles, `columns` to a row
  const float cell = w / float(columns);
  if (ImGui::IsItemHovered() && cell > 0) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int c = int((m.x - pos.x) / cell), r = int((m.y - pos.y) / cell), i = r * columns + c;
    if (c >= 0 && c < columns && r >= 0 && r < rows && i < count) {
      ImGui::SetTooltip("filter %d: click to see the map it draws of your input", i + 1);
      if (ImGui::IsItemClicked()) v.tile = i;
    }
  }
  if (v.tile >= count) v.tile = -1;
  if (v.tile >= 0)
    ImGui::GetWindowDrawList()->AddRect(
        ImVec2(pos.x + cell * float(v.tile % columns), pos.y + cell * float(v.tile / columns)),
        ImVec2(pos.x + cell * float(v.tile % columns + 1), pos.y + cell * float(v.tile / columns + 1)),
        IM_COL32(255, 200, 80, 255), 0, 0, 2);
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + info_w - 8);
  const Input& in = lab.input;
  if (v.tile < 0 || in.features.empty()) {
    ImGui::TextDisabled("Click a filter to see the map it draws of your input. The Feature maps tab "
                        "shows every layer's.");
  } else { // conv1's channel v.tile: its ReLU map over the 28x28 input
    const std::vector<float>& act = in.features[0];
    std::vector<float> map(static_cast<size_t>(kPixels));
    float top = 0;
    for (int p = 0; p < kPixels; p++) top = std::max(top, act[size_t(p) * size_t(count) + size_t(v.tile)]);
    for (int p = 0; p < kPixels; p++)
      map[size_t(p)] = top > 0 ? act[size_t(p) * size_t(count) + size_t(v.tile)] / top : 0.0f;
    ImGui::Text("filter %d's map of your input", v.tile + 1);
    digit_image("##filter_map", map.data(), kDigitSide, kDigitSide, std::min(info_w - 8, 160.0f));
    ImGui::TextDisabled("largest %.3f. Bright where the input has this filter's pattern.", double(top));
  }
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

} // namespace

void weights_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  const Autoencoder& model = *lab.model;
  if (is_conv(model.shape)) return filters_view(app);
  // at most 2048 tiles (a texture of under 4096 pixels a side, as WebGL allows everywhere)
  const int hidden = std::min(model.shape.hidden_dim, 2048), columns = std::min(16, hidden);
  if (stale(app, &v.weights_figure, lab.model_version, uint64_t(hidden))) {
    Matrix tiles = first_layer_weights(model);
    v.weights_figure.image = render_tiles(tiles.data(), hidden, columns, kDigitSide, kDigitSide, 1, 1, true);
    v.weights_figure.key = lab.model_version;
  }
  save_button(app);
  ImGui::SameLine();
  ImGui::TextDisabled(
      "%s",
      fit_text("each tile: one first-layer unit's 784 weights. Red: ink there raises it; blue: lowers it",
               "a unit's weights: red +, blue -"));
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float info_w = std::min(220.0f, 0.3f * avail.x);
  const float aspect = float(v.weights_figure.image.height) / float(v.weights_figure.image.width);
  const float w = std::min(avail.x - info_w, avail.y / aspect), h = w * aspect;
  const ImVec2 pos = show_figure("##weights", v.weights_figure, w, h);
  const float cell = w / float(columns);
  const int rows = (hidden + columns - 1) / columns;
  int under = -1;
  if (ImGui::IsItemHovered() && cell > 0) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int c = int((m.x - pos.x) / cell), r = int((m.y - pos.y) / cell);
    if (c >= 0 && c < columns && r >= 0 && r < rows && r * columns + c < hidden) under = r * columns + c;
    if (under >= 0) ImGui::SetTooltip("unit %d: click to see what it does with your input", under);
    if (under >= 0 && ImGui::IsItemClicked()) v.tile = under;
  }
  if (v.tile >= hidden) v.tile = -1;
  if (v.tile >= 0) {
    const int c = v.tile % columns, r = v.tile / columns;
    ImGui::GetWindowDrawList()->AddRect(ImVec2(pos.x + cell * float(c), pos.y + cell * float(r)),
                                        ImVec2(pos.x + cell * float(c + 1), pos.y + cell * float(r + 1)),
                                        IM_COL32(255, 200, 80, 255), 0, 0, 2);
  }
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + info_w - 8);
  if (hidden < model.shape.hidden_dim)
    ImGui::TextDisabled("the first %d of %d units", hidden, model.shape.hidden_dim);
  if (v.tile < 0) {
    ImGui::TextDisabled("Click a tile to see that unit's activation on your input.");
  } else {
    // the unit's pre-activation: its weights . the input's pixels + its bias, then ReLU
    const float* W = model.weight(0);
    double sum = model.bias(0)[v.tile];
    for (int p = 0; p < kPixels; p++) sum += double(W[size_t(p) * hidden + v.tile]) * lab.input.pixels[p];
    ImGui::Text("unit %d", v.tile);
    ImGui::Text("weights . input + bias = %.3f", sum);
    ImGui::Text("activation (ReLU) = %.3f", std::max(0.0, sum));
    ImGui::TextDisabled("%s", sum > 0 ? "Your input has ink where this unit's weights are red: it fires."
                                      : "Not enough ink on its red weights: it stays at 0 for this input.");
  }
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

} // namespace aelab
