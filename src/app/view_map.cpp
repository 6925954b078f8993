// The Latent map tab: every test digit's code as a dot on the plane of the codes' first two
// principal components (or z[0], z[1] for a 2-unit code), with the drawing's code as a ring and,
// beside or below it, the decoded plane on the same axes.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/view_data.h"
#include "app/view_widgets.h"

namespace aelab {

void map_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (!need_test_set(lab, "The latent map")) return;
  const LatentMap* map = current_map(app);
  if (!map) {
    const float done = v.map.next >= 0 ? float(v.map.next) / float(lab.test.data->count) : 0;
    char text[64];
    std::snprintf(text, sizeof text, "encoding the %d test digits: %.0f%%", lab.test.data->count, 100 * done);
    ImGui::ProgressBar(done, ImVec2(-FLT_MIN, 0), text);
    return;
  }
  ImGui::Checkbox("thumbnails", &v.thumbnails);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Draw a sample of 300 digits as small images where their codes fall.");
  // each item on the line while it fits, else on the next (a phone's panel is narrow)
  same_line_if_fits("a click on a dot:   ");
  ImGui::TextDisabled("a click on a dot:");
  same_line_if_fits("(o) loads");
  ImGui::RadioButton("loads##click", &v.click_sets, 0);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A click on a dot loads that test digit into the draw panel.");
  same_line_if_fits("(o) sets A");
  ImGui::RadioButton("sets A##click", &v.click_sets, 1);
  same_line_if_fits("(o) sets B");
  ImGui::RadioButton("sets B##click", &v.click_sets, 2);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A click sets an end of the interpolation (Interpolate tab).");
  same_line_if_fits("Save PNG");
  save_button(app);
  same_line_if_fits("Projector");
  if (ImGui::Button("Projector")) app_save_projector(app);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "%s the test set's codes for the TensorBoard Embedding Projector: a zip of vectors.tsv,\n"
        "metadata.tsv (labels and class names), sprite.png and projector_config.json.\n"
        "Unzip it, then open the files with the Projector's Load button to explore all %d\n"
        "dimensions in 3-D.",
        app.platform.web ? "Download" : "Save (in the working folder)", lab.model->shape.latent_dim);

  const ImGuiStyle& style = ImGui::GetStyle();
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = 3 * style.ItemSpacing.x;
  const float height = avail.y - 2 * text_h - style.ItemSpacing.y;
  // The decoded plane beside the map, or under it in a tall panel (a tablet), or none where
  // neither leaves the map 170 pixels; the legend beside the map: one column, or more where the
  // map is short.
  enum class Plane { none, beside, below } plane = Plane::none;
  auto side_for = [&](Plane arrangement, float legend_w) {
    const float w = avail.x - legend_w, stacked_h = (height - text_h - gap) / 2;
    return std::floor(arrangement == Plane::beside  ? std::min(height, (w - gap) / 2)
                      : arrangement == Plane::below ? std::min(stacked_h, w)
                                                    : std::min(height, w));
  };
  float legend_w = legend_column_w(lab) + 4;
  if (side_for(Plane::beside, legend_w) >= 170 &&
      side_for(Plane::beside, legend_w) >= side_for(Plane::below, legend_w))
    plane = Plane::beside;
  else if (side_for(Plane::below, legend_w) >= 170)
    plane = Plane::below;
  float side = std::max(side_for(plane, legend_w), 60.0f);
  const int columns = legend_columns(side);
  if (columns > 1) {
    legend_w = columns * legend_column_w(lab) + 4;
    side = std::max(side_for(plane, legend_w), 60.0f);
  }
  const bool beside = plane == Plane::beside;

  const std::string x_label = axis_label(map->plane, 0), y_label = axis_label(map->plane, 1);
  ImGui::TextDisabled("up: %s", y_label.c_str());
  tip(map->plane.pca ? "The map's vertical axis: the second principal component of the codes, the\n"
                       "direction along which they vary most after the first; the share of\n"
                       "their variance it holds."
                     : "The map's vertical axis: the code's second number.");
  if (beside) {
    ImGui::SameLine(style.WindowPadding.x + side + legend_w + gap);
    ImGui::TextDisabled("%s", fit_text("decoded plane: the decoder at each point", "decoded plane"));
  }
  const uint64_t key = mix(mix(uint64_t(v.map.builds), uint64_t(v.thumbnails)), uint64_t(side));
  if (v.map_figure.key != key) {
    v.map_figure.image = render_map(*map, int(side), v.thumbnails ? lab.test.data.get() : nullptr, 300);
    v.map_figure.key = key;
  }
  const ImVec2 pos = show_figure("##map", v.map_figure, side, side);
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  v.map_rect = {pos.x, pos.y, side, side};
  const MapFrame f = map_frame(map->plane, int(side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(pos, ImVec2(pos.x + side, pos.y + side), IM_COL32(70, 74, 84, 255));

  // the input, where its code falls (it moves while you draw); not while the map is still of a
  // model with another code size (a load or a reset: the new map is being built)
  const bool same_shape = lab.input.code.size() == map->plane.unit_low.size();
  if (!lab.input.code.empty() && same_shape) {
    float x, y;
    plane_position(map->plane, lab.input.code.data(), &x, &y);
    const ImVec2 p(pos.x + f.px(x), pos.y + f.py(y));
    dl->AddCircle(p, 7, IM_COL32(255, 255, 255, 255), 16, 2.5f);
    dl->AddCircle(p, 9.5f, IM_COL32(0, 0, 0, 200), 16, 1.5f);
  }
  // the interpolation's ends
  for (int end = 0; end < 2; end++) {
    const Endpoint& e = end == 0 ? v.a : v.b;
    if (e.kind != Endpoint::Kind::point) continue;
    const ImVec2 p(pos.x + f.px(e.x), pos.y + f.py(e.y));
    dl->AddText(ImVec2(p.x - 3, p.y - 7), IM_COL32(255, 230, 120, 255), end == 0 ? "A" : "B");
  }
  // the digit under the mouse: nearest dot within 6 units
  int nearest = -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (hovered) {
    float best = 36;
    for (int i = 0; i < map->count(); i++) {
      const float dx = pos.x + f.px(map->xy[size_t(2) * i]) - mouse.x,
                  dy = pos.y + f.py(map->xy[size_t(2) * i + 1]) - mouse.y;
      if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, nearest = i;
    }
  }
  if (nearest >= 0) {
    const ImVec2 p(pos.x + f.px(map->xy[size_t(2) * nearest]),
                   pos.y + f.py(map->xy[size_t(2) * nearest + 1]));
    dl->AddCircle(p, 5, IM_COL32(255, 200, 80, 255), 12, 2);
    ImGui::BeginTooltip();
    float pixels[kPixels];
    images_to_float(*lab.test.data, nearest, 1, pixels);
    digit_image("##maptip", pixels, kDigitSide, kDigitSide, 56);
    ImGui::Text("test picture #%d, %s", nearest, label_text(lab, map->labels[size_t(nearest)]).c_str());
    ImGui::EndTooltip();
  }
  if (clicked) {
    const float x = f.x_at(mouse.x - pos.x), y = f.y_at(mouse.y - pos.y);
    if (v.click_sets == 0 && nearest >= 0) {
      lab_load_test_digit(lab, nearest);
    } else if (v.click_sets > 0) {
      Endpoint& e = v.click_sets == 1 ? v.a : v.b;
      e = nearest >= 0 ? Endpoint{Endpoint::Kind::digit, nearest, 0, 0}
                       : Endpoint{Endpoint::Kind::point, 0, x, y};
      app_message(app, std::string(v.click_sets == 1 ? "A" : "B") + " is " + endpoint_name(e), false);
    }
  }
  legend(lab, ImVec2(pos.x + side + 6, pos.y), legend_columns(side));
  bool across_hovered = false;
  if (plane == Plane::below) {
    ImGui::TextDisabled("across: %s", x_label.c_str());
    across_hovered = ImGui::IsItemHovered();
    ImGui::Dummy(ImVec2(0, gap - style.ItemSpacing.y));
    ImGui::TextDisabled("decoded plane: the decoder at each point of the map");
  }
  if (plane != Plane::none) {
    if (beside) ImGui::SameLine(style.WindowPadding.x + side + legend_w + gap);
    const int n = 8;
    update_plane_figure(app, *map, n, &v.plane_figure);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImVec2 corner;
    float span;
    plane_placement(f, n, at, &corner, &span);
    ImGui::Dummy(ImVec2(side, side));
    dl->PushClipRect(at, ImVec2(at.x + side, at.y + side), true);
    dl->AddImage(rgb_texture("##plane", v.plane_figure.image, v.plane_figure.key), corner,
                 ImVec2(corner.x + span, corner.y + span));
    dl->PopClipRect();
    dl->AddRect(at, ImVec2(at.x + side, at.y + side), IM_COL32(70, 74, 84, 255));
    tip("The decoder's picture at each point of the map's plane: what each region means.");
  }
  if (plane != Plane::below) {
    ImGui::TextDisabled("across: %s", x_label.c_str());
    across_hovered = ImGui::IsItemHovered();
  }
  if (across_hovered || (hovered && nearest < 0))
    ImGui::SetTooltip("Each dot is one of the %d test digits, placed by its %d-number code%s;\n"
                      "the colour is its label. The white ring is your input. The map is rebuilt\n"
                      "about once a second while training (last build %.0f ms of compute).",
                      map->count(), lab.model->shape.latent_dim,
                      map->plane.pca ? " projected on its two main directions (PCA)" : "", v.map.compute_ms);
}

} // namespace aelab
