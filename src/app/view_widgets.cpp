// What the views draw alike (ImGui): the wait for the test set, a figure's texture, the Save PNG
// button, the latent map's legend and where the decoded plane's tiles go.
#include <imgui.h>

#include <algorithm>

#include "app/app.h"
#include "app/view_widgets.h"

namespace aelab {

// What a view shows before the test set is there.
bool need_test_set(const Lab& lab, const char* what) {
  if (lab_test_set_ready(lab)) return true;
  if (lab.test.status == DataStatus::failed)
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", lab.test.error.c_str());
  else
    text_disabled_wrapped("%s needs the test set: loading it, %.0f%%.", what, 100 * lab.test.progress);
  return false;
}

// Draws a figure's texture at the cursor as w x h window units; an invisible button covers it.
ImVec2 show_figure(const char* slot, const Figure& f, float w, float h) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(slot, ImVec2(std::max(w, 1.0f), std::max(h, 1.0f)));
  ImGui::GetWindowDrawList()->AddImage(rgb_texture(slot, f.image, f.key), pos, ImVec2(pos.x + w, pos.y + h));
  return pos;
}

void save_button(App& app) {
  if (ImGui::Button("Save PNG")) app_save_view(app);
  mark_item(app, "save-png");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(app.platform.web ? "Download this view as a PNG image."
                                       : "Save this view as a PNG in the working folder.");
}

// Where the decoded plane's n x n tiles go so that their centres sit on the map's grid points
// (frame f over a square at `pos`): returns the top-left corner and the side.
void plane_placement(const MapFrame& f, int n, ImVec2 pos, ImVec2* corner, float* side) {
  const float span = (f.px(f.x1) - f.px(f.x0)) * float(n) / float(n - 1);
  *side = span;
  *corner = ImVec2(pos.x + f.px(f.x0) - 0.5f * span / float(n), pos.y + f.py(f.y1) - 0.5f * span / float(n));
}

// A legend column: wide enough for the class names (Fashion-MNIST's), or a digit.
float legend_column_w(const Lab& lab) {
  if (lab.dataset != DatasetKind::fashion) return 30;
  float w = 0;
  for (int d = 0; d < 10; d++) w = std::max(w, ImGui::CalcTextSize(class_name(lab.dataset, d)).x);
  return w + 22;
}

// The legend's columns for a map `side` units tall: the ten classes in as few columns as fit.
int legend_columns(float side) {
  const int rows = std::max(1, std::min(10, int(side / ImGui::GetTextLineHeightWithSpacing())));
  return (10 + rows - 1) / rows;
}

void legend(const Lab& lab, const ImVec2& at, int columns) {
  const float column_w = legend_column_w(lab);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const int rows = (10 + columns - 1) / columns;
  for (int d = 0; d < 10; d++) {
    const ImVec2 p(at.x + float(d / rows) * column_w, at.y + float(d % rows) * line);
    const uint8_t* c = kLabelColors[d];
    dl->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + 10, p.y + 12), IM_COL32(c[0], c[1], c[2], 255));
    char digit[2] = {char('0' + d), 0};
    dl->AddText(ImVec2(p.x + 14, p.y), ImGui::GetColorU32(ImGuiCol_Text),
                lab.dataset == DatasetKind::fashion ? class_name(lab.dataset, d) : digit);
  }
}

void overlay_label(ImVec2 pos, float side, bool bottom, const char* text) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 size = ImGui::CalcTextSize(text);
  const float pad = 3, w = std::min(size.x, side - 2 * pad - 2);
  const ImVec2 at(pos.x + 1 + pad, bottom ? pos.y + side - 1 - pad - size.y : pos.y + 1 + pad);
  dl->PushClipRect(pos, ImVec2(pos.x + side, pos.y + side), true);
  dl->AddRectFilled(ImVec2(at.x - pad, at.y - pad + 1), ImVec2(at.x + w + pad, at.y + size.y + pad - 1),
                    IM_COL32(16, 18, 22, 200), 3);
  dl->AddText(at, ImGui::GetColorU32(ImGuiCol_TextDisabled), text);
  dl->PopClipRect();
}

} // namespace aelab
