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

namespace {

// The decoded plane's name, wherever it goes.
constexpr const char* kPlaneName = "decoded plane: the decoder at each point of the map";

// Where the map, its legend and the decoded plane go in the space the view has: the decoded plane
// beside the map, or under it in a tall panel (a tablet), or none where neither leaves the map
// 170 pixels; the legend beside the map, in one column or more where the map is short.
struct MapLayout {
  enum class Plane { none, beside, below } plane = Plane::none;
  float side = 0;     // the map's (and the decoded plane's) side
  float legend_w = 0; // the legend's width
  float gap = 0;      // between the map's legend and the decoded plane
};

MapLayout map_layout(const Lab& lab) {
  using Plane = MapLayout::Plane;
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  MapLayout l;
  l.gap = 3 * style.ItemSpacing.x;
  const float height = avail.y - style.ItemSpacing.y; // the axes' names go over the map
  auto side_for = [&](Plane arrangement, float legend_w) {
    // stacked, the plane's name goes in the gap above it
    const float w = avail.x - legend_w, stacked_h = (height - l.gap - ImGui::GetTextLineHeight()) / 2;
    return std::floor(arrangement == Plane::beside  ? std::min(height, (w - l.gap) / 2)
                      : arrangement == Plane::below ? std::min(stacked_h, w)
                                                    : std::min(height, w));
  };
  l.legend_w = legend_column_w(lab) + 4;
  if (side_for(Plane::beside, l.legend_w) >= 170 &&
      side_for(Plane::beside, l.legend_w) >= side_for(Plane::below, l.legend_w))
    l.plane = Plane::beside;
  else if (side_for(Plane::below, l.legend_w) >= 170)
    l.plane = Plane::below;
  l.side = std::max(side_for(l.plane, l.legend_w), 60.0f);
  const int columns = legend_columns(l.side);
  if (columns > 1) {
    l.legend_w = float(columns) * legend_column_w(lab) + 4;
    l.side = std::max(side_for(l.plane, l.legend_w), 60.0f);
  }
  return l;
}

// The line above the map: thumbnails, what a click does, Save PNG and the Projector's files.
void map_toolbar(App& app) {
  ViewsState& v = app.views;
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
  same_line_if_fits("(o) decodes");
  ImGui::RadioButton("decodes##click", &v.click_sets, 3);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A click decodes that point of the plane into a new picture (Generate tab).");
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
        app.platform.web ? "Download" : "Save (in the working folder)", app.lab.model->shape.latent_dim);
}

// On the map at `pos`: the input where its code falls (it moves while you draw; not while the map
// is still of a model with another code size), and the interpolation's ends.
void map_marks(const App& app, const LatentMap& map, const MapFrame& f, ImVec2 pos) {
  const Lab& lab = app.lab;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (!lab.input.code.empty() && lab.input.code.size() == map.plane.unit_low.size()) {
    float x, y;
    plane_position(map.plane, lab.input.code.data(), &x, &y);
    const ImVec2 p(pos.x + f.px(x), pos.y + f.py(y));
    if (!map.plane.pca && lab.input.log_var.size() == 2) { // a VAE at latent 2: the input's sigma ellipse
      const float sx = std::exp(0.5f * lab.input.log_var[0]), sy = std::exp(0.5f * lab.input.log_var[1]);
      const float rx = f.px(x + sx) - f.px(x), ry = f.py(y - sy) - f.py(y);
      ImVec2 ring[48];
      for (int k = 0; k < 48; k++)
        ring[k] = ImVec2(p.x + rx * std::cos(6.2831853f * k / 48), p.y + ry * std::sin(6.2831853f * k / 48));
      dl->PushClipRect(pos, ImVec2(pos.x + f.side, pos.y + f.side), true); // within the map
      dl->AddPolyline(ring, 48, IM_COL32(255, 255, 255, 180), ImDrawFlags_Closed, 1.5f);
      dl->PopClipRect();
    }
    dl->AddCircle(p, 7, IM_COL32(255, 255, 255, 255), 16, 2.5f);
    dl->AddCircle(p, 9.5f, IM_COL32(0, 0, 0, 200), 16, 1.5f);
  }
  for (int end = 0; end < 2; end++) {
    const Endpoint& e = end == 0 ? app.views.a : app.views.b;
    if (e.kind != Endpoint::Kind::point) continue;
    const ImVec2 p(pos.x + f.px(e.x), pos.y + f.py(e.y));
    dl->AddText(ImVec2(p.x - 3, p.y - 7), IM_COL32(255, 230, 120, 255), end == 0 ? "A" : "B");
  }
}

// The digit under the mouse (the nearest dot within 6 units; -1: none), ringed, with a tooltip.
int map_hovered_digit(const Lab& lab, const LatentMap& map, const MapFrame& f, ImVec2 pos) {
  int nearest = -1;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  float best = 36;
  for (int i = 0; i < map.count(); i++) {
    const float dx = pos.x + f.px(map.xy[size_t(2) * i]) - mouse.x,
                dy = pos.y + f.py(map.xy[size_t(2) * i + 1]) - mouse.y;
    if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, nearest = i;
  }
  if (nearest < 0) return -1;
  const ImVec2 p(pos.x + f.px(map.xy[size_t(2) * nearest]), pos.y + f.py(map.xy[size_t(2) * nearest + 1]));
  ImGui::GetWindowDrawList()->AddCircle(p, 5, IM_COL32(255, 200, 80, 255), 12, 2);
  ImGui::BeginTooltip();
  float pixels[kPixels];
  images_to_float(*lab.test.data, nearest, 1, pixels);
  digit_image("##maptip", pixels, kDigitSide, kDigitSide, 56);
  ImGui::Text("test picture #%d, %s", nearest, label_text(lab, map.labels[size_t(nearest)]).c_str());
  ImGui::EndTooltip();
  return nearest;
}

// A click on the map: loads the digit under the mouse, or sets an interpolation end there.
void map_click(App& app, const MapFrame& f, ImVec2 pos, int nearest) {
  ViewsState& v = app.views;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (v.click_sets == 0 && nearest >= 0) {
    lab_load_test_digit(app.lab, nearest);
  } else if (v.click_sets == 3) {
    generate_pick(app, f.x_at(mouse.x - pos.x), f.y_at(mouse.y - pos.y));
    v.view = View::generate, v.select = true;
  } else if (v.click_sets > 0) {
    Endpoint& e = v.click_sets == 1 ? v.a : v.b;
    e = nearest >= 0 ? Endpoint{Endpoint::Kind::digit, nearest, 0, 0}
                     : Endpoint{Endpoint::Kind::point, 0, f.x_at(mouse.x - pos.x), f.y_at(mouse.y - pos.y)};
    app_message(app, std::string(v.click_sets == 1 ? "A" : "B") + " is " + endpoint_name(e), false);
  }
}

// The decoded plane at the cursor, side x side, its tiles centred on the map's grid points.
void decoded_plane(App& app, const LatentMap& map, const MapFrame& f, float side) {
  ViewsState& v = app.views;
  const int n = 8;
  update_plane_figure(app, map, n, &v.plane_figure);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImVec2 corner;
  float span;
  plane_placement(f, n, at, &corner, &span);
  ImGui::Dummy(ImVec2(side, side));
  mark_item(app, "decoded-plane");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(at, ImVec2(at.x + side, at.y + side), true);
  dl->AddImage(rgb_texture("##plane", v.plane_figure.image, v.plane_figure.key), corner,
               ImVec2(corner.x + span, corner.y + span));
  dl->PopClipRect();
  dl->AddRect(at, ImVec2(at.x + side, at.y + side), IM_COL32(70, 74, 84, 255));
  tip("The decoder's picture at each point of the map's plane: what each region means.");
}

// The map's picture at the cursor (rendered again when the map, the thumbnails or the side
// changed); returns where it went.
ImVec2 map_picture(App& app, const LatentMap& map, float side) {
  ViewsState& v = app.views;
  const uint64_t key = mix(mix(uint64_t(v.map.builds), uint64_t(v.thumbnails)), uint64_t(side));
  if (v.map_figure.key != key) {
    v.map_figure.image = render_map(map, int(side), v.thumbnails ? app.lab.test.data.get() : nullptr, 300);
    v.map_figure.key = key;
  }
  const ImVec2 pos = show_figure("##map", v.map_figure, side, side);
  v.map_rect = {pos.x, pos.y, side, side};
  ImGui::GetWindowDrawList()->AddRect(pos, ImVec2(pos.x + side, pos.y + side), IM_COL32(70, 74, 84, 255));
  return pos;
}

// The map still being built: how far it has got.
void map_progress(const Lab& lab, const MapState& m) {
  const float done = m.next >= 0 ? float(m.next) / float(lab.test.data->count) : 0;
  char text[64];
  std::snprintf(text, sizeof text, "encoding the %d test %s: %.0f%%", lab.test.data->count, samples_noun(lab),
                100 * done);
  ImGui::ProgressBar(done, ImVec2(-FLT_MIN, 0), text);
}

} // namespace

void map_view(App& app) {
  using Plane = MapLayout::Plane;
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (!need_test_set(lab, "The latent map")) return;
  const LatentMap* map = current_map(app);
  if (!map) return map_progress(lab, v.map);
  map_toolbar(app);
  const MapLayout l = map_layout(lab);
  const float beside_x = ImGui::GetStyle().WindowPadding.x + l.side + l.legend_w + l.gap;
  const std::string x_label = "across: " + axis_label(map->plane, 0),
                    y_label = "up: " + axis_label(map->plane, 1);
  const ImVec2 pos = map_picture(app, *map, l.side);
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  mark_item(app, "map-picture");
  const MapFrame f = map_frame(map->plane, int(l.side));
  map_marks(app, *map, f, pos);
  overlay_label(pos, l.side, false, y_label.c_str());
  overlay_label(pos, l.side, true, x_label.c_str());
  const int nearest = hovered ? map_hovered_digit(lab, *map, f, pos) : -1;
  if (clicked) map_click(app, f, pos, nearest);
  legend(lab, ImVec2(pos.x + l.side + 6, pos.y), legend_columns(l.side));
  if (l.plane == Plane::beside) ImGui::SameLine(beside_x);
  if (l.plane == Plane::below) { // a tall panel (a phone, a tablet): the plane's name above it
    ImGui::Dummy(ImVec2(0, l.gap - 2 * ImGui::GetStyle().ItemSpacing.y));
    const bool fits = ImGui::CalcTextSize(kPlaneName).x <= ImGui::GetContentRegionAvail().x;
    ImGui::TextDisabled("%s", fits ? kPlaneName : "decoded plane");
    mark_item(app, "plane-name");
  }
  if (l.plane != Plane::none) {
    const ImVec2 plane_at = ImGui::GetCursorScreenPos();
    const float plane_x = ImGui::GetCursorPosX();
    decoded_plane(app, *map, f, l.side);
    const float right =
        ImGui::GetContentRegionMax().x - (plane_at.x - ImGui::GetWindowPos().x) - l.side - l.gap;
    const float line_h = ImGui::GetTextLineHeightWithSpacing();
    if (l.plane == Plane::beside && right >= 120) { // its name in the room beside it
      ImGui::SameLine(0, l.gap);
      ImGui::BeginGroup();
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + right);
      ImGui::TextDisabled("%s", kPlaneName);
      ImGui::PopTextWrapPos();
      ImGui::EndGroup();
      mark_item(app, "plane-name");
    } else if (l.plane == Plane::beside && ImGui::GetContentRegionAvail().y >= 3 * line_h) {
      // a panel wider than tall for two squares (an 800x600 iframe): what each shows, under it,
      // rather than a name over the plane's top row
      const float y = ImGui::GetCursorPosY(), map_x = ImGui::GetCursorPosX();
      ImGui::PushTextWrapPos(map_x + l.side + l.legend_w);
      ImGui::TextDisabled("latent map: each dot is a test %s's code, coloured by its label; the white "
                          "ring is your input",
                          lab.dataset == DatasetKind::mnist ? "digit" : "picture");
      ImGui::PopTextWrapPos();
      mark_item(app, "map-name");
      ImGui::SetCursorPos(ImVec2(plane_x, y));
      ImGui::PushTextWrapPos(plane_x + l.side);
      ImGui::TextDisabled("%s", kPlaneName);
      ImGui::PopTextWrapPos();
      mark_item(app, "plane-name");
    } else if (l.plane == Plane::beside) {
      overlay_label(plane_at, l.side, false, "decoded plane");
    }
  }
  if (hovered && nearest < 0)
    ImGui::SetTooltip("Each dot is one of the %d test %s, placed by its %d-number code%s;\n"
                      "the colour is its label. The white ring is your input (a VAE at latent 2: the\n"
                      "ellipse around it is its sigma, where training draws its z). The map is rebuilt\n"
                      "about once a second while training (last build %.0f ms of compute).",
                      map->count(), samples_noun(lab), lab.model->shape.latent_dim,
                      map->plane.pca ? " projected on its two main directions (PCA)" : "", v.map.compute_ms);
}

} // namespace aelab
