// The big area's views, one tab each: the latent map (every test digit's code on the plane of
// its first two principal components), the decoded plane (the decoder over a grid of that
// plane), interpolation between two codes beside the plain pixel cross-fade, one latent unit swept
// over its range (or all of them), the first layer's weights, and the gallery. Each view's
// picture is one texture rendered by core/figures.h, the same picture its "Save PNG" writes.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <numeric>

#include "app/app.h"
#include "core/anomaly.h"
#include "core/projector.h"
#include "lab/json.h"

namespace aelab {
namespace {

const char* const kViewNames[kViewCount] = {"map",     "grid",    "interpolate", "traverse",
                                            "weights", "gallery", "anomaly"};
const char* const kViewTitles[kViewCount] = {"Latent map",  "Decoded plane", "Interpolate", "Traverse",
                                             "First layer", "Gallery",       "Anomaly"};

uint64_t mix(uint64_t h, uint64_t v) {
  return (h ^ (v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2))) * 0x100000001B3ull;
}
uint64_t mix_floats(uint64_t h, const float* v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t bits;
    std::memcpy(&bits, &v[i], 4);
    h = mix(h, bits);
  }
  return h;
}

// What a view shows before the test set is there.
bool need_test_set(const Lab& lab, const char* what) {
  if (lab_test_set_ready(lab)) return true;
  if (lab.test.status == DataStatus::failed)
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", lab.test.error.c_str());
  else
    text_disabled_wrapped("%s needs the test set: loading it, %.0f%%.", what, 100 * lab.test.progress);
  return false;
}

std::string axis_label(const LatentPlane& plane, int axis) {
  char text[64];
  if (plane.pca && axis >= plane.fit.count()) return "none (a 1-unit code has one axis)";
  if (!plane.pca)
    std::snprintf(text, sizeof text, "z[%d]", axis);
  else
    std::snprintf(text, sizeof text, "PC%d (%.0f%% of variance)", axis + 1, 100 * plane.fit.explained(axis));
  return text;
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
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(app.platform.web ? "Download this view as a PNG image."
                                       : "Save this view as a PNG in the working folder.");
}

// The map of the model shown, brought up to date within this frame's budget (or at once when
// `now`); null before the first one.
const LatentMap* current_map(App& app, bool now = false) {
  ViewsState& v = app.views;
  const double t0 = now_ms();
  // the map's share of a frame: a twelfth of the frame time (so the frame rate drops by less
  // than that), 1 to 5 ms
  const double frame_ms = app.fps > 1 ? 1000.0 / app.fps : 16.7;
  if (now)
    map_finish(v.map, app.lab);
  else
    map_update(v.map, app.lab, std::max(1.0, std::min(5.0, frame_ms / 12)));
  v.map_frame_ms = now_ms() - t0;
  return v.map.map.get();
}

// The code and the pixels of an interpolation end ("" or why there is none).
std::string endpoint_code(App& app, const Endpoint& e, std::vector<float>* code, std::vector<float>* pixels) {
  Lab& lab = app.lab;
  const Autoencoder& model = *lab.model;
  if (e.kind == Endpoint::Kind::input) {
    *code = lab.input.code;
    pixels->assign(lab.input.pixels, lab.input.pixels + kPixels);
    return "";
  }
  if (e.kind == Endpoint::Kind::digit) {
    if (!lab_test_set_ready(lab)) return "the test set is not loaded yet";
    if (e.digit < 0 || e.digit >= lab.test.data->count)
      return "test digit " + std::to_string(e.digit) + ": expected 0 to " +
             std::to_string(lab.test.data->count - 1);
    Matrix x({1, size_t(kPixels)});
    images_to_float(*lab.test.data, e.digit, 1, x.data());
    Matrix z = encode(model, x);
    code->assign(z.begin(), z.end());
    pixels->assign(x.begin(), x.end());
    return "";
  }
  const LatentMap* map = app.views.map.map.get();
  if (!map) return "the map is not built yet";
  *code = plane_code(map->plane, model.shape.latent_dim, e.x, e.y);
  Matrix z({1, code->size()});
  std::copy(code->begin(), code->end(), z.begin());
  Matrix d = decode(model, z);
  pixels->assign(d.begin(), d.end());
  return "";
}

std::string endpoint_name(const Endpoint& e) {
  char text[64];
  if (e.kind == Endpoint::Kind::input) return "the drawing";
  if (e.kind == Endpoint::Kind::digit)
    std::snprintf(text, sizeof text, "test digit #%d", e.digit);
  else
    std::snprintf(text, sizeof text, "map point (%.2f, %.2f)", e.x, e.y);
  return text;
}

// ---- latent map

// The decoded plane as a figure: the decoder over an n x n grid of the map's plane.
// Whether figure f is to be redrawn for `key`: at once when the run is idle or the figure's shape
// changed (a picture of another size must never be read with the new sizes), at most every
// kRefreshWhileTrainingMs while the run trains.
bool stale(const App& app, Figure* f, uint64_t key, uint64_t shape) {
  const ModelShape& m = app.lab.model->shape;
  shape = mix(mix(mix(shape, uint64_t(m.input_dim)), uint64_t(m.hidden_dim)), uint64_t(m.latent_dim));
  if (f->key == key && f->shape == shape) return false;
  const double now = now_ms();
  if (f->shape == shape && lab_training(app.lab) && now - f->ms < kRefreshWhileTrainingMs) return false;
  f->ms = now;
  f->shape = shape;
  return true;
}

void update_plane_figure(App& app, const LatentMap& map, int n, Figure* f) {
  const uint64_t key = mix(mix(lab_view_version(app.lab), uint64_t(app.views.map.builds)), uint64_t(n));
  if (!stale(app, f, key, uint64_t(n))) return;
  Matrix grid = decode_grid(*app.lab.model, map.plane, n);
  f->image = render_tiles(grid.data(), n * n, n, kDigitSide, kDigitSide, 1, 0);
  f->key = key;
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

// ---- decoded plane

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
  ImGui::SameLine();
  ImGui::TextDisabled(
      "%s", fit_text("the decoder's output at each point of the map's plane", "decoder over the plane"));
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(60.0f, std::floor(std::min(avail.x, avail.y - 2 * text_h)));
  ImGui::TextDisabled("up: %s, from %.2f to %.2f", axis_label(map->plane, 1).c_str(), map->plane.y0,
                      map->plane.y1);
  const ImVec2 pos = show_figure("##grid", v.grid_figure, side, side);
  if (ImGui::IsItemHovered()) {
    const int n = v.grid_n;
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int c = std::min(n - 1, int((m.x - pos.x) / side * float(n))),
              r = std::min(n - 1, int((m.y - pos.y) / side * float(n)));
    const float x = map->plane.x0 + (map->plane.x1 - map->plane.x0) * float(c) / float(n - 1);
    const float y = map->plane.y1 - (map->plane.y1 - map->plane.y0) * float(r) / float(n - 1);
    ImGui::SetTooltip("the decoder's image at (%.2f, %.2f) of the map's plane", x, y);
  }
  ImGui::TextDisabled("across: %s, from %.2f to %.2f", axis_label(map->plane, 0).c_str(), map->plane.x0,
                      map->plane.x1);
}

// ---- interpolation

void endpoint_picker(App& app, const char* name, Endpoint* e) {
  ImGui::PushID(name);
  ImGui::AlignTextToFramePadding();
  ImGui::Text("%s:", name);
  ImGui::SameLine();
  int kind = int(e->kind);
  ImGui::SetNextItemWidth(130);
  if (ImGui::Combo("##kind", &kind, "the drawing\0a test digit\0a map point\0")) {
    e->kind = Endpoint::Kind(kind);
    if (e->kind == Endpoint::Kind::point)
      app_message(app, "click the map with \"sets A\" or \"sets B\" to pick the point", false);
  }
  if (e->kind == Endpoint::Kind::digit) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(100);
    int digit = e->digit;
    if (ImGui::InputInt("##digit", &digit) && lab_test_set_ready(app.lab))
      e->digit = std::max(0, std::min(digit, app.lab.test.data->count - 1));
  } else if (e->kind == Endpoint::Kind::point) {
    ImGui::SameLine();
    ImGui::TextDisabled("(%.2f, %.2f)", e->x, e->y);
  }
  ImGui::PopID();
}

void interpolate_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (v.a.kind == Endpoint::Kind::point || v.b.kind == Endpoint::Kind::point) current_map(app);
  endpoint_picker(app, "A", &v.a);
  same_line_if_fits("B: a test digit  ##########");
  endpoint_picker(app, "B", &v.b);
  ImGui::SetNextItemWidth(120);
  ImGui::SliderInt("steps", &v.steps, 3, 16);
  std::vector<float> a_code, b_code, a_px, b_px;
  std::string error = endpoint_code(app, v.a, &a_code, &a_px);
  if (error.empty()) error = endpoint_code(app, v.b, &b_code, &b_px);
  if (!error.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", error.c_str());
    return;
  }
  const int k = v.steps;
  v.scrub = std::max(0, std::min(v.scrub, k - 1));
  uint64_t key = mix(lab_view_version(lab), uint64_t(k));
  key = mix_floats(mix_floats(key, a_code.data(), a_code.size()), b_code.data(), b_code.size());
  key = mix_floats(mix_floats(key, a_px.data(), a_px.size()), b_px.data(), b_px.size());
  Matrix &line = v.line, &fade = v.fade;
  if (stale(app, &v.line_figure, key, uint64_t(k))) {
    line = interpolate_codes(*lab.model, a_code.data(), b_code.data(), k);
    fade = crossfade(a_px.data(), b_px.data(), kPixels, k);
    std::vector<float> both(line.begin(), line.end());
    both.insert(both.end(), fade.begin(), fade.end());
    v.line_figure.image = render_tiles(both.data(), 2 * k, k, kDigitSide, kDigitSide, 1, 1);
    v.line_figure.key = key;
  }
  ImGui::SameLine();
  save_button(app);

  const ImGuiStyle& style = ImGui::GetStyle();
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float label_w = ImGui::CalcTextSize("pixel fade").x + style.ItemSpacing.x;
  // the strips take the width; the scrubbed pair below takes what height is left
  const float strip_w = std::max(100.0f, avail.x - label_w);
  const float strip_h = strip_w * float(v.line_figure.image.height) / float(v.line_figure.image.width);
  const ImVec2 start = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(label_w, 0));
  ImGui::SameLine(0, 0);
  const ImVec2 pos = show_figure("##line", v.line_figure, strip_w, strip_h);
  if (ImGui::IsItemHovered()) {
    const int i = std::min(k - 1, int((ImGui::GetIO().MousePos.x - pos.x) / strip_w * float(k)));
    if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) v.scrub = i;
    ImGui::SetTooltip("step %d of %d (t = %.2f); click to show it large", i, k - 1, float(i) / float(k - 1));
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddText(ImVec2(start.x, start.y + strip_h * 0.25f - text_h / 2), ImGui::GetColorU32(ImGuiCol_Text),
              "decoded");
  dl->AddText(ImVec2(start.x, start.y + strip_h * 0.75f - text_h / 2), ImGui::GetColorU32(ImGuiCol_Text),
              "pixel fade");
  const float cell = strip_w / float(k);
  dl->AddRect(ImVec2(pos.x + cell * float(v.scrub), pos.y),
              ImVec2(pos.x + cell * float(v.scrub + 1), pos.y + strip_h), IM_COL32(255, 200, 80, 255), 0, 0,
              2);

  ImGui::SetNextItemWidth(std::min(avail.x, 300.0f));
  ImGui::SliderInt("##scrub", &v.scrub, 0, k - 1, "step %d");
  ImGui::SameLine();
  ImGui::TextDisabled("from %s to %s", endpoint_name(v.a).c_str(), endpoint_name(v.b).c_str());
  const float big = std::floor(std::min(ImGui::GetContentRegionAvail().y - text_h, 0.3f * avail.x));
  if (big >= 40) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted("decoded");
    digit_image("##line_big", &line(v.scrub, 0), kDigitSide, kDigitSide, big);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted("pixel fade");
    digit_image("##fade_big", &fade(v.scrub, 0), kDigitSide, kDigitSide, big);
    ImGui::EndGroup();
    ImGui::SameLine();
  }
  ImGui::BeginGroup();
  text_disabled_wrapped(
      "Top: the decoder at evenly spaced points on the straight line from A's code to B's. "
      "Bottom: the pixels of A and B mixed. The decoded row stays digit-like all the way; the "
      "fade is two ghosts on top of each other. The code space is not pixel space.");
  ImGui::EndGroup();
}

// ---- traversal

// The range unit u takes over the test set (from the map), else 0 to twice the input's value.
void unit_range(App& app, int u, float* low, float* high) {
  const LatentMap* map = app.views.map.map.get();
  if (map && u < int(map->plane.unit_low.size()) && app.views.map.version == lab_view_version(app.lab)) {
    *low = map->plane.unit_low[size_t(u)], *high = map->plane.unit_high[size_t(u)];
  } else {
    *low = 0, *high = std::max(1.0f, 2 * app.lab.input.code[size_t(u)]);
  }
  if (*high - *low < 1e-3f) *high = *low + 1; // a dead unit: show a unit-wide sweep anyway
}

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
  const std::vector<float>& code = lab.input.code;
  uint64_t key =
      mix(mix(mix(lab_view_version(lab), uint64_t(v.all_units)), uint64_t(v.unit)), uint64_t(v.map.builds));
  key = mix_floats(key, code.data(), code.size());
  std::vector<std::vector<float>> values;
  const int rows_shown = std::min(latent, 128); // all units: a texture under 4096 pixels tall
  for (int u = v.all_units ? 0 : v.unit; u < (v.all_units ? rows_shown : v.unit + 1); u++) {
    float low, high;
    unit_range(app, u, &low, &high);
    values.push_back(sweep(low, high, k));
  }
  if (stale(app, &v.traverse_figure, key, mix(mix(uint64_t(k), uint64_t(v.all_units)), values.size()))) {
    std::vector<float> images;
    for (size_t row = 0; row < values.size(); row++) {
      Matrix strip = traverse_unit(*lab.model, code.data(), v.all_units ? int(row) : v.unit, values[row]);
      images.insert(images.end(), strip.begin(), strip.end());
    }
    v.traverse_figure.image =
        render_tiles(images.data(), int(values.size()) * k, k, kDigitSide, kDigitSide, 1, 1);
    v.traverse_figure.key = key;
  }
  save_button(app);
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (!v.all_units) {
    const float w = std::min(avail.x, (avail.y - 3 * text_h) * float(k) * 0.95f);
    const float h = w * float(v.traverse_figure.image.height) / float(v.traverse_figure.image.width);
    ImGui::Text(
        "z[%d] from %.2f to %.2f (its range over the test set); the other %d units stay at the input's code",
        v.unit, values[0].front(), values[0].back(), latent - 1);
    const ImVec2 pos = show_figure("##traverse", v.traverse_figure, w, h);
    // the input's own value, where it falls on the sweep
    const float t = (code[size_t(v.unit)] - values[0].front()) / (values[0].back() - values[0].front());
    if (t >= 0 && t <= 1) {
      const float x = pos.x + w * (0.5f + t * float(k - 1)) / float(k);
      ImGui::GetWindowDrawList()->AddTriangleFilled(ImVec2(x, pos.y + h + 2), ImVec2(x - 5, pos.y + h + 10),
                                                    ImVec2(x + 5, pos.y + h + 10),
                                                    IM_COL32(255, 255, 255, 255));
    }
    ImGui::Dummy(ImVec2(w, 10));
    ImGui::TextDisabled("the triangle: the input's own value, %.2f", code[size_t(v.unit)]);
    return;
  }
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
  const float row_h = h / float(rows_shown);
  for (int u = 0; u < rows_shown; u++) {
    char label[16];
    std::snprintf(label, sizeof label, "z[%d]", u);
    ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x, pos.y + row_h * (float(u) + 0.5f) - text_h / 2),
                                        ImGui::GetColorU32(ImGuiCol_TextDisabled), label);
  }
  ImGui::EndChild();
}

// ---- first layer

void weights_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  const Autoencoder& model = *lab.model;
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

void write_images(JsonWriter& j, const char* key, const Matrix& images) {
  std::string out = "[";
  for (size_t i = 0; i < images.shape(0); i++) {
    if (i) out += ',';
    out += json_numbers(&images(i, 0), images.shape(1), 5);
  }
  j.json(key, out + "]");
}

// The plane's frame as [x0, x1, y0, y1].
void write_bounds(JsonWriter& j, const LatentPlane& plane) {
  const float bounds[4] = {plane.x0, plane.x1, plane.y0, plane.y1};
  j.json("bounds", json_numbers(bounds, 4));
}

std::string error_json(const std::string& error) {
  JsonWriter j;
  return j.string("error", error).finish();
}

} // namespace

// ---- anomaly

// The share of the sorted losses below `value`, ties counting half, in percent.
float percentile_in(const std::vector<float>& sorted, float value) {
  if (sorted.empty()) return -1;
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), value);
  const auto hi = std::upper_bound(lo, sorted.end(), value);
  return float(100.0 * (double(lo - sorted.begin()) + 0.5 * double(hi - lo)) / double(sorted.size()));
}

float quantile(const std::vector<float>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, size_t(q * double(sorted.size())))];
}

static constexpr ImU32 kOtherColor = IM_COL32(120, 220, 120, 255);

// The AUC of the other data set's pictures against the test set's, computed once per pair of
// scoring passes of the same model.
void update_auc(ViewsState& v) {
  const ScoresState &mine = v.scores, &theirs = v.other_scores;
  if (!mine.losses || !theirs.losses || mine.version != theirs.version) return;
  if (v.auc_builds[0] == mine.builds && v.auc_builds[1] == theirs.builds) return;
  v.auc = roc_auc(*theirs.losses, *mine.losses);
  v.auc_builds[0] = mine.builds, v.auc_builds[1] = theirs.builds;
}

// What the comparison with the other data set says, or how far it has got.
static void other_set_line(App& app, const AnomalyNumbers& a, bool scored) {
  const Lab& lab = app.lab;
  const char* theirs = dataset_title(lab.other_kind);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.47f, 0.86f, 0.47f, 1));
  if (scored && a.auc >= 0)
    ImGui::TextWrapped("green: %s's %d test pictures. ROC AUC %.4f: a threshold on the loss tells them from "
                       "%s's in %.1f%% of pairs.",
                       theirs, lab.other.count, a.auc, dataset_title(lab.dataset), 100 * a.auc);
  else if (lab.other.status == DataStatus::failed)
    ImGui::TextWrapped("%s: %s", theirs, lab.other.error.c_str());
  else if (lab.other.status == DataStatus::ready)
    ImGui::Text("scoring %s's test pictures...", theirs);
  else
    ImGui::Text("loading %s's test pictures to compare: %.0f%%", theirs, 100 * lab.other.progress);
  ImGui::PopStyleColor();
  tip("The same model scores another data set's test pictures: pictures it never learned.\n"
      "ROC AUC: the chance that one of them has a higher loss than one of the test set's\n"
      "(1: a threshold separates them perfectly, 0.5: no better than chance).");
}

void anomaly_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (!need_test_set(lab, "The anomaly view")) return;
  const double frame_ms = app.fps > 1 ? 1000.0 / app.fps : 16.7;
  scores_update(v.scores, lab, std::max(1.0, std::min(5.0, frame_ms / 12)));
  if (!v.scores.sorted) {
    const float done = v.scores.next >= 0 ? float(v.scores.next) / float(lab.test.data->count) : 0.0f;
    char text[64];
    std::snprintf(text, sizeof text, "scoring the %d test digits: %.0f%%", lab.test.data->count, 100 * done);
    ImGui::ProgressBar(done, ImVec2(-FLT_MIN, 0), text);
    return;
  }
  const std::vector<float>& sorted = *v.scores.sorted;
  scores_update(v.other_scores, lab, 2.0); // the other data set's, once it is loaded
  update_auc(v);
  const bool other = v.other_scores.sorted && v.other_scores.version == v.scores.version;
  const AnomalyNumbers a = anomaly_numbers(app);
  text_disabled_wrapped("Each test picture's reconstruction loss. A picture unlike the training data "
                        "reconstructs badly and scores high: drag the orange threshold to call what is "
                        "above it unusual.");

  // the histogram, with the threshold (orange, draggable) and the input's loss (white)
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line_h = ImGui::GetTextLineHeight();
  const float thumbs = std::min(56.0f, std::floor((avail.x - 9 * style.ItemSpacing.x) / 10));
  const float plot_h = std::max(80.0f, std::floor(avail.y - 4 * ImGui::GetTextLineHeightWithSpacing() -
                                                  thumbs - line_h - 3 * style.ItemSpacing.y));
  float hi = quantile(sorted, 0.999) * 1.15f;
  if (other) hi = std::max(hi, quantile(*v.other_scores.sorted, 0.99) * 1.05f);
  if (a.input_loss > 0) hi = std::max(hi, std::min(a.input_loss * 1.08f, sorted.back() * 1.08f));
  hi = std::max(hi, 1e-6f);
  // With the other data set the losses span two orders of magnitude: a log scale shows both hills.
  const bool log_scale = other;
  float lo = 0;
  if (log_scale) lo = std::max(1e-4f, std::min(sorted.front(), v.other_scores.sorted->front()) * 0.8f);
  const float span = log_scale ? std::log(hi / lo) : hi;
  auto frac_of = [&](float loss) {
    const float f = log_scale ? std::log(std::max(loss, lo) / lo) / span : loss / hi;
    return std::min(1.0f, std::max(0.0f, f));
  };
  auto loss_at = [&](float f) { return log_scale ? lo * std::exp(f * span) : f * hi; };
  const int bins = std::max(10, std::min(80, int(avail.x / 8)));
  auto bin_counts = [&](const std::vector<float>& losses) { // bins of equal width on the axis
    std::vector<int> counts(size_t(bins), 0);
    for (float loss : losses) counts[size_t(std::min(bins - 1, int(frac_of(loss) * float(bins))))]++;
    return counts;
  };
  const std::vector<int> counts = bin_counts(*v.scores.losses);
  const int top = std::max(1, *std::max_element(counts.begin(), counts.end()));
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##histogram", ImVec2(avail.x, plot_h));
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float base = pos.y + plot_h - line_h - 4;
  auto x_of = [&](float loss) { return pos.x + avail.x * frac_of(loss); };
  dl->AddRectFilled(pos, ImVec2(pos.x + avail.x, base), IM_COL32(22, 26, 34, 255));
  for (int b = 0; b < bins; b++) {
    const float x0 = pos.x + avail.x * float(b) / float(bins),
                x1 = pos.x + avail.x * float(b + 1) / float(bins);
    const float h = (base - pos.y - 4) * float(counts[size_t(b)]) / float(top);
    const bool above = loss_at((float(b) + 0.5f) / float(bins)) > a.threshold;
    dl->AddRectFilled(ImVec2(x0 + 0.5f, base - h), ImVec2(x1 - 0.5f, base),
                      above ? IM_COL32(230, 120, 60, 255) : IM_COL32(90, 150, 230, 255));
  }
  if (other) { // the other data set as an outline on the same bins, scaled to its own tallest bin
    const std::vector<int> theirs = bin_counts(*v.other_scores.losses);
    const int their_top = std::max(1, *std::max_element(theirs.begin(), theirs.end()));
    float last_y = base;
    for (int b = 0; b < bins; b++) {
      const float x0 = pos.x + avail.x * float(b) / float(bins),
                  x1 = pos.x + avail.x * float(b + 1) / float(bins);
      const float y = base - (base - pos.y - 4) * float(theirs[size_t(b)]) / float(their_top);
      dl->AddLine(ImVec2(x0, last_y), ImVec2(x0, y), kOtherColor, 2.0f);
      dl->AddLine(ImVec2(x0, y), ImVec2(x1, y), kOtherColor, 2.0f);
      last_y = y;
    }
  }
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  std::vector<double> ticks;
  if (!log_scale) {
    ticks = nice_ticks(0.0, double(hi), std::max(2, int(avail.x / 90)));
  } else { // 1, 2 and 5 times the powers of ten within the range, or only the powers if crowded
    for (int pass = 0; pass < 2 && (ticks.empty() || int(ticks.size()) > avail.x / 60); pass++) {
      ticks.clear();
      for (double p = std::pow(10.0, std::floor(std::log10(double(lo)))); p <= double(hi); p *= 10)
        for (double m : pass == 0 ? std::vector<double>{1, 2, 5} : std::vector<double>{1})
          if (m * p >= double(lo) && m * p <= double(hi)) ticks.push_back(m * p);
    }
  }
  for (double t : ticks) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", double(t));
    const float x = x_of(float(t));
    dl->AddLine(ImVec2(x, base), ImVec2(x, base + 3), dim);
    dl->AddText(
        ImVec2(std::min(x - ImGui::CalcTextSize(buf).x / 2, pos.x + avail.x - ImGui::CalcTextSize(buf).x),
               base + 3),
        dim, buf);
  }
  const float tx = x_of(a.threshold);
  dl->AddLine(ImVec2(tx, pos.y), ImVec2(tx, base), IM_COL32(255, 160, 60, 255), 2.5f);
  if (a.input_loss >= 0) {
    const float ix = x_of(a.input_loss);
    dl->AddLine(ImVec2(ix, pos.y), ImVec2(ix, base), IM_COL32(255, 255, 255, 255), 2.0f);
    char label[64] = "your input";
    if (a.input_loss > hi)
      std::snprintf(label, sizeof label, "your input: %.3f, off the scale ->", a.input_loss);
    const float lw = ImGui::CalcTextSize(label).x;
    dl->AddText(ImVec2(std::min(ix + 4, pos.x + avail.x - lw), pos.y + 2), IM_COL32(255, 255, 255, 255),
                label);
  }
  if (active)
    v.threshold = std::max(
        0.0f, loss_at(std::min(1.0f, std::max(0.0f, (ImGui::GetIO().MousePos.x - pos.x) / avail.x))));
  if (hovered && !active)
    ImGui::SetTooltip("How many test pictures have each loss (blue; orange above the threshold)%s.\n"
                      "Drag to move the threshold; the white line is your input.",
                      other ? ", and the other data set's\n(green outline, scaled to its own peak), on a log "
                              "scale of the loss"
                            : "");
  other_set_line(app, a, other);

  ImGui::Text("threshold %.4f: %.1f%% of the test digits are above it", a.threshold, a.share_above);
  tip("A loss above the threshold counts as unusual. It starts at the 99th percentile of the test\n"
      "digits' losses, so 1%% of them are flagged; drag it on the histogram.");
  if (v.threshold >= 0) {
    ImGui::SameLine();
    if (ImGui::SmallButton("back to the 99th percentile")) v.threshold = -1;
  }
  if (a.input_loss < 0)
    ImGui::TextDisabled("draw something to see where it falls");
  else if (a.unusual)
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.35f, 1.0f),
                       "your input: loss %.4f, higher than %.1f%% of the test digits: unusual", a.input_loss,
                       a.percentile_of_input);
  else
    ImGui::Text("your input: loss %.4f, higher than %.1f%% of the test digits: usual", a.input_loss,
                a.percentile_of_input);
  tip("Your input's reconstruction loss and where it falls among the 10,000 test digits'.\n"
      "Draw a digit, then a scribble, a letter or a face, and compare.");

  // the ten worst-reconstructed test digits (a click loads one)
  ImGui::TextDisabled("the 10 worst-reconstructed test pictures (click one to load it):");
  const std::vector<float>& losses = *v.scores.losses;
  std::vector<int> order(losses.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + std::min<ptrdiff_t>(10, ptrdiff_t(order.size())),
                    order.end(), [&](int i, int j) { return losses[size_t(i)] > losses[size_t(j)]; });
  for (int k = 0; k < 10 && k < int(order.size()); k++) {
    const int i = order[size_t(k)];
    float pixels[kPixels];
    images_to_float(*lab.test.data, i, 1, pixels);
    char id[24];
    std::snprintf(id, sizeof id, "##worst%d", k);
    if (k) ImGui::SameLine();
    if (digit_image(id, pixels, kDigitSide, kDigitSide, thumbs)) lab_load_test_digit(lab, i);
    tip("test picture #%d (%s): loss %.4f, the %s highest", i,
        label_text(lab, lab.test.data->labels[size_t(i)]).c_str(), losses[size_t(i)],
        k == 0 ? ""
               : (std::to_string(k + 1) + (k == 1   ? "nd"
                                           : k == 2 ? "rd"
                                                    : "th"))
                     .c_str());
  }
}

// The tabs' contents, in View's order.
void (*const kViewDraw[kViewCount])(App&) = {map_view,     grid_view,    interpolate_view, traverse_view,
                                             weights_view, gallery_view, anomaly_view};

const char* view_name(View view) { return kViewNames[int(view)]; }

AnomalyNumbers anomaly_numbers(const App& app) {
  const ViewsState& v = app.views;
  AnomalyNumbers a;
  if (!v.scores.sorted) return a;
  const std::vector<float>& sorted = *v.scores.sorted;
  a.threshold = v.threshold >= 0 ? v.threshold : quantile(sorted, 0.99);
  a.share_above = 100.0f - percentile_in(sorted, a.threshold) -
                  0.5f * float(100.0 *
                               double(std::upper_bound(sorted.begin(), sorted.end(), a.threshold) -
                                      std::lower_bound(sorted.begin(), sorted.end(), a.threshold)) /
                               double(sorted.size()));
  const Input& in = app.lab.input;
  if (!in.empty) {
    a.input_loss = in.loss;
    a.percentile_of_input = percentile_in(sorted, in.loss);
    a.unusual = in.loss > a.threshold;
  }
  if (v.auc_builds[0] == v.scores.builds && v.auc_builds[1] == v.other_scores.builds &&
      v.other_scores.version == v.scores.version && v.scores.version == lab_view_version(app.lab))
    a.auc = v.auc;
  return a;
}

bool view_from_name(const std::string& name, View* out) {
  for (int i = 0; i < kViewCount; i++)
    if (name == kViewNames[i]) return *out = View(i), true;
  return false;
}

void views_panel(App& app, const Rect& r) {
  ViewsState& v = app.views;
  begin_panel("Look inside###views", r);
  panel_help(app, "views",
             "Pictures of what the network has learned, each in a tab. Latent map: every test digit's code "
             "as a dot, so digits the network finds alike sit together. Decoded plane: what the decoder "
             "draws at each point of that map. Interpolate and Traverse walk through the code space; First "
             "layer shows what each of the first 128 units looks for; Gallery shows test digits and their "
             "reconstructions. They all follow training, and the timeline.");
  // short titles where the full ones would not fit; arrows rather than cut titles where even
  // those do not
  const char* const short_titles[kViewCount] = {"Map",     "Plane",   "Interp.", "Traverse",
                                                "Layer 1", "Gallery", "Anomaly"};
  const bool narrow = r.w < 720;
  if (ImGui::BeginTabBar("##views", ImGuiTabBarFlags_FittingPolicyScroll)) {
    for (int i = 0; i < kViewCount; i++) {
      const ImGuiTabItemFlags flags = v.select && int(v.view) == i ? ImGuiTabItemFlags_SetSelected : 0;
      char label[48];
      std::snprintf(label, sizeof label, "%s###view%d", narrow ? short_titles[i] : kViewTitles[i], i);
      if (ImGui::BeginTabItem(label, nullptr, flags)) {
        if (ImGui::IsItemHovered() && narrow) ImGui::SetTooltip("%s", kViewTitles[i]);
        if (!v.select) v.view = View(i);
        kViewDraw[i](app);
        ImGui::EndTabItem();
      }
    }
    // the full layout's Share button (the tabbed layouts have it in their strip)
    if (app.layout == LayoutMode::full && app_control_shown(app, Control::share)) {
      if (ImGui::TabItemButton("Share / make a lesson", ImGuiTabItemFlags_Trailing)) app.share_open = true;
      app.share_button = item_rect();
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("A link to this lab as it is now, with what to show and hide: for a lesson.");
    }
    ImGui::EndTabBar();
  }
  v.select = false;
  ImGui::End();
}

RgbImage app_view_figure(App& app, View view) {
  ViewsState& v = app.views;
  switch (view) {
  case View::map: {
    const LatentMap* map = lab_test_set_ready(app.lab) ? current_map(app, true) : nullptr;
    return map ? render_map_figure(*map, 512, v.thumbnails ? app.lab.test.data.get() : nullptr, 300)
               : RgbImage{};
  }
  case View::grid:
    return v.grid_figure.image;
  case View::interpolate:
    return v.line_figure.image;
  case View::traverse:
    return v.traverse_figure.image;
  case View::weights:
    return v.weights_figure.image;
  case View::gallery: { // the classic figure: the digits above their reconstructions
    const GalleryState& g = app.gallery;
    const int n = int(g.recon.size() / kPixels);
    if (n == 0 || !lab_test_set_ready(app.lab)) return RgbImage{};
    std::vector<float> images(size_t(2) * n * kPixels);
    images_to_float(*app.lab.test.data, g.first, n, images.data());
    std::copy(g.recon.begin(), g.recon.end(), images.begin() + size_t(n) * kPixels);
    return render_tiles(images.data(), 2 * n, n, kDigitSide, kDigitSide, 2, 2);
  }
  case View::anomaly: // a histogram drawn with ImGui: no picture of its own to save yet
    break;
  }
  return RgbImage{};
}

std::string app_save_view(App& app) {
  const View view = app.views.view;
  const RgbImage image = app_view_figure(app, view);
  if (image.width <= 0) {
    const std::string error =
        std::string("the ") + view_name(view) + " view has nothing to save yet: show it first";
    app_message(app, error, true);
    return error;
  }
  const std::string name = std::string("aelab-") + view_name(view) + ".png";
  const std::string error = app.platform.save_figure ? app.platform.save_figure(encode_png_rgb(image), name)
                                                     : "saving is not available here";
  app_message(app, error.empty() ? (app.platform.web ? "downloaded " : "saved ") + name : error,
              !error.empty());
  return error;
}

std::string app_save_projector(App& app) {
  Lab& lab = app.lab;
  std::string error;
  std::vector<uint8_t> zip;
  if (!lab_test_set_ready(lab)) {
    error = "the Embedding Projector's files need the test set: it is not loaded yet";
  } else {
    const Dataset& test = *lab.test.data;
    const Matrix codes = encode_dataset(*lab.model, test, 0, test.count);
    zip = encode_zip(projector_files(
        codes, test, lab.dataset == DatasetKind::fashion ? kFashionClassNames : kDigitClassNames));
    error = app.platform.save_figure ? app.platform.save_figure(zip, "aelab-projector.zip")
                                     : "saving is not available here";
  }
  app_message(app,
              error.empty()
                  ? (app.platform.web ? "downloaded " : "saved ") + std::string("aelab-projector.zip")
                  : error,
              !error.empty());
  return error;
}

std::string app_view(App& app, const std::string& name) {
  View view;
  if (!view_from_name(name, &view))
    return "view '" + name +
           "': expected 'map', 'grid', 'interpolate', 'traverse', 'weights', 'gallery' or 'anomaly'";
  app.views.view = view;
  app.views.select = true;
  app.tab = Panel::views, app.tab_select = true; // the tabbed layouts show the views' panel
  return "";
}

bool app_map_now(App& app) { return current_map(app, true) != nullptr; }

std::string app_map_json(App& app) {
  const LatentMap* map = current_map(app, true);
  if (!map) return error_json("the map needs the test set, which is not loaded yet");
  JsonWriter j;
  j.string("method", map->plane.pca ? "pca" : "latent");
  if (map->plane.pca) {
    const float explained[2] = {float(map->plane.fit.explained(0)), float(map->plane.fit.explained(1))};
    j.json("explained", json_numbers(explained, 2));
  } else {
    j.json("explained", "null");
  }
  std::string points = "[";
  char buf[64];
  for (int i = 0; i < map->count(); i++) {
    std::snprintf(buf, sizeof buf, "%s[%.6g,%.6g,%d]", i ? "," : "", double(map->xy[size_t(2) * i]),
                  double(map->xy[size_t(2) * i + 1]), map->labels[size_t(i)]);
    points += buf;
  }
  j.json("points", points + "]");
  float input[2] = {0, 0};
  if (!app.lab.input.code.empty() && app.lab.input.code.size() == map->plane.unit_low.size())
    plane_position(map->plane, app.lab.input.code.data(), &input[0], &input[1]);
  j.json("input", json_numbers(input, 2));
  write_bounds(j, map->plane);
  j.string("x", axis_label(map->plane, 0)).string("y", axis_label(map->plane, 1));
  return j.finish();
}

std::string app_decode_grid_json(App& app, int n) {
  if (n < 2 || n > 40) return error_json("decodeGrid(" + std::to_string(n) + "): expected n from 2 to 40");
  const LatentMap* map = current_map(app, true);
  if (!map) return error_json("the map needs the test set, which is not loaded yet");
  Matrix grid = decode_grid(*app.lab.model, map->plane, n);
  JsonWriter j;
  j.number("n", n);
  write_bounds(j, map->plane); // x0, x1, y0, y1: row 0 is y1, column 0 is x0
  write_images(j, "images", grid);
  return j.finish();
}

std::string app_interpolate_json(App& app, int a, int b, int k) {
  if (k < 2 || k > 100)
    return error_json("interpolate(a, b, " + std::to_string(k) + "): expected k from 2 to 100");
  std::vector<float> a_code, b_code, a_px, b_px;
  const Endpoint ea = a < 0 ? Endpoint{} : Endpoint{Endpoint::Kind::digit, a, 0, 0};
  const Endpoint eb = b < 0 ? Endpoint{} : Endpoint{Endpoint::Kind::digit, b, 0, 0};
  std::string error = endpoint_code(app, ea, &a_code, &a_px);
  if (error.empty()) error = endpoint_code(app, eb, &b_code, &b_px);
  if (!error.empty()) return error_json(error);
  JsonWriter j;
  write_images(j, "images", interpolate_codes(*app.lab.model, a_code.data(), b_code.data(), k));
  write_images(j, "crossfade", crossfade(a_px.data(), b_px.data(), kPixels, k));
  return j.finish();
}

std::string app_traverse_json(App& app, int unit, int k) {
  const int latent = app.lab.model->shape.latent_dim;
  if (unit < 0 || unit >= latent)
    return error_json("traverse(" + std::to_string(unit) + "): expected a unit from 0 to " +
                      std::to_string(latent - 1));
  if (k < 2 || k > 100)
    return error_json("traverse(unit, " + std::to_string(k) + "): expected k from 2 to 100");
  if (lab_test_set_ready(app.lab)) current_map(app, true);
  float low, high;
  unit_range(app, unit, &low, &high);
  const std::vector<float> values = sweep(low, high, k);
  JsonWriter j;
  j.json("values", json_numbers(values.data(), values.size()));
  write_images(j, "images", traverse_unit(*app.lab.model, app.lab.input.code.data(), unit, values));
  return j.finish();
}

std::string app_first_layer_json(App& app) {
  JsonWriter j;
  write_images(j, "weights", first_layer_weights(*app.lab.model));
  return j.finish();
}

std::string app_timeline_json(const App& app) {
  const Lab& lab = app.lab;
  std::string points = "[";
  char buf[128];
  for (size_t i = 0; i < lab.latest.timeline.size(); i++) {
    const TimelinePoint& p = lab.latest.timeline[i];
    std::snprintf(buf, sizeof buf, "%s{\"step\":%lld,\"epoch\":%d,\"valLoss\":%.9g}", i ? "," : "",
                  (long long)p.step, p.epoch, double(p.val_loss));
    points += buf;
  }
  JsonWriter j;
  j.json("points", points + "]");
  j.number("shown", lab_scrub_index(lab));
  j.number("bytes", double(timeline_bytes(lab.latest.timeline)))
      .number("budgetBytes", double(kTimelineBudgetBytes));
  return j.finish();
}

} // namespace aelab
