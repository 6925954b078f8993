// The Interpolate tab: the decoder along the straight line from A's code to B's, above the
// plain pixel cross-fade of A and B; A and B are the drawing, a test digit or a map point.
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

// The two strips (decoded above, cross-fade below), drawn again when the ends or the model
// changed; false (with why, on the line) without both ends.
bool update_line_figure(App& app, int k) {
  ViewsState& v = app.views;
  std::vector<float> a_code, b_code, a_px, b_px;
  std::string error = endpoint_code(app, v.a, &a_code, &a_px);
  if (error.empty()) error = endpoint_code(app, v.b, &b_code, &b_px);
  if (!error.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", error.c_str());
    return false;
  }
  uint64_t key = mix(lab_view_version(app.lab), uint64_t(k));
  key = mix_floats(mix_floats(key, a_code.data(), a_code.size()), b_code.data(), b_code.size());
  key = mix_floats(mix_floats(key, a_px.data(), a_px.size()), b_px.data(), b_px.size());
  if (!stale(app, &v.line_figure, key, uint64_t(k))) return true;
  v.line = interpolate_codes(*app.lab.model, a_code.data(), b_code.data(), k);
  v.fade = crossfade(a_px.data(), b_px.data(), kPixels, k);
  std::vector<float> both(v.line.begin(), v.line.end());
  both.insert(both.end(), v.fade.begin(), v.fade.end());
  v.line_figure.image = render_tiles(both.data(), 2 * k, k, kDigitSide, kDigitSide, 1, 1);
  v.line_figure.key = key;
  return true;
}

// The strips across the width with their labels, the scrubbed step framed; pressing on a step
// shows it large.
void strips(App& app, int k) {
  ViewsState& v = app.views;
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  const float label_w = ImGui::CalcTextSize("pixel fade").x + ImGui::GetStyle().ItemSpacing.x;
  const float strip_w = std::max(100.0f, ImGui::GetContentRegionAvail().x - label_w);
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
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddText(ImVec2(start.x, start.y + strip_h * 0.25f - text_h / 2), text, "decoded");
  dl->AddText(ImVec2(start.x, start.y + strip_h * 0.75f - text_h / 2), text, "pixel fade");
  const float cell = strip_w / float(k);
  dl->AddRect(ImVec2(pos.x + cell * float(v.scrub), pos.y),
              ImVec2(pos.x + cell * float(v.scrub + 1), pos.y + strip_h), IM_COL32(255, 200, 80, 255), 0, 0,
              2);
}

// The scrubbed step large, decoded beside faded, and what the two rows show.
void scrubbed_step(App& app, int k, float avail_w) {
  ViewsState& v = app.views;
  ImGui::SetNextItemWidth(std::min(avail_w, 300.0f));
  ImGui::SliderInt("##scrub", &v.scrub, 0, k - 1, "step %d");
  ImGui::SameLine();
  ImGui::TextDisabled("from %s to %s", endpoint_name(v.a).c_str(), endpoint_name(v.b).c_str());
  const float big = std::floor(
      std::min(ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing(), 0.3f * avail_w));
  if (big >= 40) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted("decoded");
    digit_image("##line_big", &v.line(v.scrub, 0), kDigitSide, kDigitSide, big);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted("pixel fade");
    digit_image("##fade_big", &v.fade(v.scrub, 0), kDigitSide, kDigitSide, big);
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

} // namespace

void interpolate_view(App& app) {
  ViewsState& v = app.views;
  if (v.a.kind == Endpoint::Kind::point || v.b.kind == Endpoint::Kind::point) current_map(app);
  endpoint_picker(app, "A", &v.a);
  same_line_if_fits("B: a test digit  ##########");
  endpoint_picker(app, "B", &v.b);
  ImGui::SetNextItemWidth(120);
  ImGui::SliderInt("steps", &v.steps, 3, 16);
  const int k = v.steps;
  v.scrub = std::max(0, std::min(v.scrub, k - 1));
  if (!update_line_figure(app, k)) return;
  ImGui::SameLine();
  save_button(app);
  const float avail_w = ImGui::GetContentRegionAvail().x;
  strips(app, k);
  scrubbed_step(app, k, avail_w);
}

} // namespace aelab
