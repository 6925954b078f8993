// The Decoded plane tab: the decoder's picture at each point of an n x n grid of the map's plane.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/view_data.h"
#include "app/view_widgets.h"

namespace aelab {

void grid_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (!need_test_set(lab, "The decoded plane")) return;
  const LatentMap* map = current_map(app);
  if (!map) {
    ImGui::TextDisabled("building the latent map first...");
    return;
  }
  ImGui::SetNextItemWidth(140);
  ImGui::SliderInt("per side", &v.grid_n, 3, 20, "%d");
  ImGui::SameLine();
  update_plane_figure(app, *map, v.grid_n, &v.grid_figure);
  save_button(app);
  text_after("the decoder's output at each point of the map's plane", "decoder over the plane");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side =
      std::max(60.0f, std::floor(std::min(avail.x, avail.y - ImGui::GetStyle().ItemSpacing.y)));
  const ImVec2 pos = show_figure("##grid", v.grid_figure, side, side);
  if (ImGui::IsItemHovered()) {
    const int n = v.grid_n;
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int c = std::min(n - 1, int((m.x - pos.x) / side * float(n))),
              r = std::min(n - 1, int((m.y - pos.y) / side * float(n)));
    const float x = map->plane.x0 + (map->plane.x1 - map->plane.x0) * float(c) / float(n - 1);
    const float y = map->plane.y1 - (map->plane.y1 - map->plane.y0) * float(r) / float(n - 1);
    ImGui::SetTooltip("the decoder's image at (%.2f, %.2f) of the map's plane\n(a click shows it large in "
                      "the Generate tab)",
                      x, y);
    if (ImGui::IsMouseClicked(0)) {
      generate_pick(app, x, y);
      v.view = View::generate, v.select = true;
    }
  }
  // the axes' names beside the picture where there is room (it gets the panel's height), else
  // over it, without the ranges
  char up[96], across[96];
  std::snprintf(up, sizeof up, "up: %s,\nfrom %.2f to %.2f", axis_label(map->plane, 1).c_str(), map->plane.y0,
                map->plane.y1);
  std::snprintf(across, sizeof across, "across: %s,\nfrom %.2f to %.2f", axis_label(map->plane, 0).c_str(),
                map->plane.x0, map->plane.x1);
  const float room = avail.x - side - 3 * ImGui::GetStyle().ItemSpacing.x;
  if (room >= std::max(ImGui::CalcTextSize(up).x, ImGui::CalcTextSize(across).x)) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const float x = pos.x + side + 3 * ImGui::GetStyle().ItemSpacing.x;
    dl->AddText(ImVec2(x, pos.y), dim, up);
    dl->AddText(ImVec2(x, pos.y + side - ImGui::CalcTextSize(across).y), dim, across);
  } else {
    overlay_label(pos, side, false, ("up: " + axis_label(map->plane, 1)).c_str());
    overlay_label(pos, side, true, ("across: " + axis_label(map->plane, 0)).c_str());
  }
}

} // namespace aelab
