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

// The picker's width (its label, kind and digit or point).
float endpoint_picker_width(const char* name, const Endpoint& e) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  float w = ImGui::CalcTextSize(name).x + ImGui::CalcTextSize(":").x + gap + 130;
  if (e.kind == Endpoint::Kind::digit) w += gap + 100;
  if (e.kind == Endpoint::Kind::point) w += gap + ImGui::CalcTextSize("(-00.00, -00.00)").x;
  return w;
}

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

constexpr const char* kExplanation =
    "Top: the decoder at evenly spaced points on the straight line from A's code to B's. "
    "Bottom: the pixels of A and B mixed. The decoded row stays digit-like all the way; the "
    "fade is two ghosts on top of each other. The code space is not pixel space.";

// The strips across the width (at most max_h high) with their labels, the scrubbed step framed;
// pressing on a step shows it large.
void strips(App& app, int k, float max_h) {
  ViewsState& v = app.views;
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  const float label_w = ImGui::CalcTextSize("pixel fade").x + ImGui::GetStyle().ItemSpacing.x;
  const float aspect = float(v.line_figure.image.height) / float(v.line_figure.image.width);
  float strip_w = std::max(100.0f, ImGui::GetContentRegionAvail().x - label_w);
  float strip_h = strip_w * aspect;
  if (strip_h > max_h) strip_h = std::max(20.0f, max_h), strip_w = strip_h / aspect;
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
  const std::string from = "from " + endpoint_name(v.a) + " to " + endpoint_name(v.b);
  text_after(from.c_str(), from.c_str());
  const ImGuiStyle& style = ImGui::GetStyle();
  const float avail_h = ImGui::GetContentRegionAvail().y;
  float big = std::floor(std::min(avail_h - ImGui::GetTextLineHeightWithSpacing(), 0.3f * avail_w));
  // the large pair only where the explanation still fits beside it
  const float beside_w = avail_w - 2 * (big + style.ItemSpacing.x);
  if (beside_w < 120 || ImGui::CalcTextSize(kExplanation, nullptr, false, beside_w).y > avail_h) big = 0;
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
  text_disabled_wrapped("%s", kExplanation);
  ImGui::EndGroup();
}

} // namespace

void interpolate_view(App& app) {
  ViewsState& v = app.views;
  if (v.a.kind == Endpoint::Kind::point || v.b.kind == Endpoint::Kind::point) current_map(app);
  endpoint_picker(app, "A", &v.a);
  const float right =
      ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + 3 * ImGui::GetStyle().ItemSpacing.x;
  if (right + endpoint_picker_width("B", v.b) <= ImGui::GetWindowContentRegionMax().x)
    ImGui::SameLine(0, 3 * ImGui::GetStyle().ItemSpacing.x);
  endpoint_picker(app, "B", &v.b);
  ImGui::SetNextItemWidth(120);
  ImGui::SliderInt("steps", &v.steps, 3, 16);
  const int k = v.steps;
  v.scrub = std::max(0, std::min(v.scrub, k - 1));
  if (!update_line_figure(app, k)) return;
  ImGui::SameLine();
  save_button(app);
  const float avail_w = ImGui::GetContentRegionAvail().x;
  // the strips leave room below for the scrubber and the explanation (at full width)
  const float below = ImGui::GetFrameHeightWithSpacing() +
                      ImGui::CalcTextSize(kExplanation, nullptr, false, avail_w).y +
                      2 * ImGui::GetStyle().ItemSpacing.y;
  strips(app, k, ImGui::GetContentRegionAvail().y - below);
  scrubbed_step(app, k, avail_w);
}

} // namespace aelab
