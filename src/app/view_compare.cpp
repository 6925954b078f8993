// The AE vs VAE tab: a plain autoencoder's latent-2 map and decoded plane beside a variational
// one's, each the decoder over a grid with the test codes as dots on the same axes. Both come
// trained (assets/compare-ae.aelab, compare-vae.aelab, fetched when the tab first opens); either
// side can show the lab's own model instead, when it is of that kind with a 2-unit code.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/view_data.h"
#include "app/view_widgets.h"
#include "core/explore.h"
#include "core/figures.h"

namespace aelab {

namespace {

const char* kHolesText =
    "Both models squeeze every test picture into 2 numbers, drawn as a dot coloured by its class over "
    "what the decoder draws at each point.\n\n"
    "The plain autoencoder (left) only has to decode the codes of real pictures. Its clusters sit "
    "where training happened to put them, with holes between them: codes there decode to blobs, and "
    "its plane even reaches codes its ReLU can never produce.\n\n"
    "The VAE (right) encodes each picture as a small cloud (mu and sigma) and its loss adds the KL "
    "term, which pulls every cloud towards the standard normal. The clouds overlap and fill the "
    "plane, so every point of it decodes to something like a digit: that is why its random samples "
    "(Generate) look like digits. Its grid is the Keras VAE example's: the prior's quantiles from 5% "
    "to 95%. Raise beta and the KL pulls harder: smoother, blurrier; beta 0 brings the holes back.";

// The model a side shows: the lab's own where asked for and possible, else the shipped one.
bool own_possible(const Lab& lab, ModelKind kind) {
  return lab.model && lab.model->shape.kind == kind && lab.model->shape.latent_dim == 2;
}
std::shared_ptr<const Autoencoder> side_model(const Lab& lab, const CompareSide& s) {
  return s.own && own_possible(lab, s.kind) ? lab.model : s.shipped;
}

void update_side(App& app, CompareSide& s, int n) {
  const auto model = side_model(app.lab, s);
  if (!model || !lab_test_set_ready(app.lab)) return;
  const uint64_t key = mix(mix(s.own ? lab_view_version(app.lab) : uint64_t(uintptr_t(model.get())),
                               uint64_t(app.lab.test_version)),
                           uint64_t(n) * 2 + uint64_t(s.own));
  if (s.map_figure.key == key) return;
  if (s.own && lab_training(app.lab) && now_ms() - s.map_figure.ms < kRefreshWhileTrainingMs) {
    app_working(app, Work::figure);
    return;
  }
  const Dataset& test = *app.lab.test.data;
  const Matrix codes = encode_dataset(*model, test, 0, test.count);
  const CompareAxes axes = compare_axes(*model, codes, test.labels.data(), n);
  s.map_figure.image = render_compare(*model, codes, test.labels.data(), axes, 2000);
  s.map_figure.key = key;
  s.map_figure.ms = now_ms();
  s.axes = axes;
}

void draw_side(App& app, CompareSide& s, int i, float side, bool own_below) {
  const bool vae = s.kind == ModelKind::vae;
  ImGui::TextUnformatted(vae ? "Variational autoencoder" : "Plain autoencoder");
  if (!own_below) ImGui::SameLine();
  const bool possible = own_possible(app.lab, s.kind);
  ImGui::BeginDisabled(!possible);
  bool own = s.own && possible;
  if (ImGui::Checkbox(i == 0 ? "the lab's own##ae" : "the lab's own##vae", &own)) s.own = own;
  ImGui::EndDisabled();
  mark_item(app, i == 0 ? "compare-own:ae" : "compare-own:vae");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(possible ? "Show the lab's current model on this side instead of the trained one."
                               : "The lab's own model shows here when it is a %s with latent 2 (the Train "
                                 "panel's model and latent).",
                      vae ? "VAE" : "plain autoencoder");
  const bool shown_own = s.own && possible;
  if (!side_model(app.lab, s)) {
    ImGui::TextDisabled("%s", s.status.empty() ? "loading..." : s.status.c_str());
    return;
  }
  ImGui::TextDisabled("%s", shown_own ? "the lab's model"
                            : vae     ? "trained 50 epochs, beta 1"
                                      : "trained 50 epochs");
  const ImVec2 pos = show_figure(i == 0 ? "##compare-ae" : "##compare-vae", s.map_figure, side, side);
  char text[96];
  if (s.axes.quantiles)
    std::snprintf(text, sizeof text, "prior's 5-95%%: %.2f to %.2f", s.axes.x0, s.axes.x1);
  else
    std::snprintf(text, sizeof text, "z0 %.0f to %.0f, z1 %.0f to %.0f", s.axes.x0, s.axes.x1, s.axes.y0,
                  s.axes.y1);
  overlay_label(pos, side, true, text);
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int n = s.axes.n;
    const int c = std::clamp(int((m.x - pos.x) / side * float(n)), 0, n - 1),
              r = std::clamp(int((m.y - pos.y) / side * float(n)), 0, n - 1);
    ImGui::SetTooltip("the decoder's picture at z = (%.2f, %.2f)", s.axes.x_at(c), s.axes.y_at(r));
  }
}

} // namespace

void compare_view(App& app) {
  Lab& lab = app.lab;
  CompareState& c = app.views.compare;
  if (!c.asked) { // the trained models, fetched once when the tab first opens
    c.asked = true;
    for (int i = 0; i < 2; i++) {
      c.side[i].status = std::string("loading ") + kCompareFiles[i] + "...";
      if (app.platform.fetch_asset)
        app.platform.fetch_asset(kCompareFiles[i]);
      else
        c.side[i].status = "this build has no trained models to compare";
    }
  }
  if (!need_test_set(lab, "The comparison")) return;
  if (ImGui::SmallButton("Why the holes?")) ImGui::OpenPopup("holes");
  mark_item(app, "compare-help");
  if (ImGui::BeginPopup("holes")) {
    ImGui::PushTextWrapPos(std::min(ImGui::GetIO().DisplaySize.x - 40, 420.0f));
    ImGui::TextUnformatted(kHolesText);
    ImGui::PopTextWrapPos();
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  save_button(app);
  ImGui::SameLine();
  text_after("each test picture's 2-number code as a dot, over what the decoder draws there",
             "codes over the decoder's pictures");
  for (CompareSide& s : c.side) {
    update_side(app, s, c.grid_n);
    if (!s.shipped && !s.status.empty() && s.status.rfind("loading", 0) == 0) app_working(app, Work::data);
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float gap = style.ItemSpacing.x;
  // a side's header ("Variational autoencoder [x] the lab's own") on one line where two fit
  const float header = ImGui::CalcTextSize("Variational autoencoder").x + style.ItemSpacing.x +
                       ImGui::GetFrameHeight() + style.ItemInnerSpacing.x +
                       ImGui::CalcTextSize("the lab's own").x;
  const bool own_below = 2 * header + gap > avail.x;
  const float head = (own_below ? 3 : 2) * ImGui::GetFrameHeightWithSpacing();
  const bool row = avail.x >= avail.y - head; // side by side, else one above the other
  const float side = std::floor(row ? std::min(0.5f * (avail.x - gap), avail.y - head)
                                    : std::min(avail.x, 0.5f * avail.y - head));
  if (side < 40) return;
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float stride = (own_below ? side : std::max(side, header)) + gap;
  float right = top.x; // where the two sides end
  for (int i = 0; i < 2; i++) {
    ImGui::SetCursorScreenPos(row ? ImVec2(top.x + i * stride, top.y)
                                  : ImVec2(top.x, top.y + i * (side + head)));
    ImGui::BeginGroup();
    ImGui::PushID(i);
    draw_side(app, c.side[i], i, side, own_below);
    ImGui::PopID();
    ImGui::EndGroup();
    right = std::max(right, ImGui::GetItemRectMax().x);
  }
  // the explanation where the row leaves room for it (else behind "Why the holes?")
  const float room = top.x + avail.x - right - 2 * gap;
  if (row && room >= 220) {
    ImGui::SetCursorScreenPos(ImVec2(right + 2 * gap, top.y));
    ImGui::BeginChild("##holes", ImVec2(room, avail.y), false);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", kHolesText);
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
  }
}

} // namespace aelab
