// The Generate tab: new pictures from random codes. A grid of decoded samples (New samples draws
// another seed), and the decoded plane to pick a code on: a click there, on the Decoded plane tab
// or on the map (its "decodes" click) shows that point's picture large. A VAE's codes come from
// its prior N(0, I); the plain autoencoder's from a Gaussian fitted to its test codes, and the
// tab says why those look worse.
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/view_data.h"
#include "app/view_widgets.h"
#include "core/figures.h"
#include "core/generate.h"

namespace aelab {

namespace {

// The two sentences that say where the codes come from, and why the plain model's look worse.
const char* samples_text(const Lab& lab) {
  if (lab.model->shape.kind == ModelKind::vae)
    return "These codes are drawn from the VAE's prior, the standard normal N(0, I). Its KL term pulled "
           "every picture's codes towards that same cloud while it trained, so most random codes land "
           "where pictures lie and decode to something like one.";
  return "These codes are drawn from a Gaussian fitted to the test pictures' codes. A plain autoencoder "
         "was never asked to fill the space between its clusters, so many random codes land in those "
         "holes and decode to blobs; a VAE (Model: VAE in the Train panel, or the AE vs VAE tab) is "
         "trained so that random codes decode to pictures.";
}

void update_samples(App& app) {
  GenerateState& g = app.views.generate;
  const uint64_t key =
      mix(mix(mix(lab_view_version(app.lab), uint64_t(app.views.map.builds)), uint64_t(g.seed)),
          uint64_t(g.side));
  if (!stale(app, &g.samples, key, uint64_t(g.side))) return;
  Matrix images;
  if (!generate_samples(app, g.side * g.side, uint64_t(g.seed), &images)) {
    g.samples.key = ~0ull; // try again next frame
    return;
  }
  g.samples.image = render_tiles(images.data(), g.side * g.side, g.side, kDigitSide, kDigitSide, 1, 1);
  g.samples.key = key;
}

// The picked point's picture, decoded with the model shown (a figure of its own, 4x).
void update_pick(App& app, const LatentMap& map, Figure* f) {
  GenerateState& g = app.views.generate;
  if (!g.has_point) return;
  const uint64_t key = mix_floats(mix(lab_view_version(app.lab), uint64_t(app.views.map.builds)),
                                  std::array<float, 2>{g.x, g.y}.data(), 2);
  if (!stale(app, f, key, 7)) return;
  const std::vector<float> code = plane_code(map.plane, app.lab.model->shape.latent_dim, g.x, g.y);
  Matrix z({1, code.size()});
  std::copy(code.begin(), code.end(), z.data());
  const Matrix picture = decode(*app.lab.model, z);
  f->image = render_tiles(picture.data(), 1, 1, kDigitSide, kDigitSide, 4, 0);
  f->key = key;
}

} // namespace

void generate_view(App& app) {
  Lab& lab = app.lab;
  GenerateState& g = app.views.generate;
  if (lab.model->shape.kind == ModelKind::ae && !need_test_set(lab, "Generating from a plain autoencoder"))
    return;
  const LatentMap* map = current_map(app);
  if (!map || !app.views.map.gaussian) {
    ImGui::TextDisabled("encoding the test set first...");
    return;
  }
  if (ImGui::Button("New samples")) g.seed++;
  mark_item(app, "new-samples");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Draw other random codes (the next seed).");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::InputInt("seed##samples", &g.seed);
  g.seed = std::max(0, g.seed);
  ImGui::SameLine();
  save_button(app);
  ImGui::TextWrapped("%s", samples_text(lab));
  update_samples(app);
  update_pick(app, *map, &g.picked);

  // [samples] [the plane to pick on] [the picked picture], or the samples above the other two
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ImGui::GetStyle().ItemSpacing.x, caption = ImGui::GetTextLineHeightWithSpacing() + 2;
  const bool row = avail.x >= 1.6f * (avail.y - caption);
  const float s1 =
      std::floor(row ? std::min(avail.y - caption, 0.5f * avail.x) : std::min(avail.x, 0.55f * avail.y));
  const float s2 = std::floor(row ? std::min(avail.y - caption, 0.5f * (avail.x - s1) - gap)
                                  : std::min(0.5f * avail.x - gap, avail.y - s1 - 2 * caption - 2 * gap));
  if (s1 < 40 || s2 < 30) return;
  const ImVec2 top = ImGui::GetCursorScreenPos();
  ImGui::TextDisabled("%d samples", g.side * g.side);
  show_figure("##samples", g.samples, s1, s1);
  const ImVec2 second = row ? ImVec2(top.x + s1 + gap, top.y) : ImVec2(top.x, top.y + s1 + caption + gap);
  ImGui::SetCursorScreenPos(second);
  ImGui::TextDisabled("click to pick a code:");
  update_plane_figure(app, *map, 10, &g.plane);
  ImGui::SetCursorScreenPos(ImVec2(second.x, second.y + caption)); // a new line starts at the indent
  const ImVec2 plane_pos = show_figure("##pick", g.plane, s2, s2);
  mark_item(app, "generate-plane");
  const LatentPlane& p = map->plane;
  if (ImGui::IsItemHovered() && ImGui::IsMouseClicked(0)) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const float u = ((m.x - plane_pos.x) / s2 * 10 - 0.5f) / 9,
                w = ((m.y - plane_pos.y) / s2 * 10 - 0.5f) / 9;
    generate_pick(app, p.x0 + (p.x1 - p.x0) * u, p.y1 - (p.y1 - p.y0) * w);
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A click decodes that point of the map's plane into the big picture.");
  if (g.has_point) { // a cross where the pick is
    const float px = plane_pos.x + s2 * (0.5f + 9 * (g.x - p.x0) / (p.x1 - p.x0)) / 10;
    const float py = plane_pos.y + s2 * (0.5f + 9 * (p.y1 - g.y) / (p.y1 - p.y0)) / 10;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddLine(ImVec2(px - 6, py), ImVec2(px + 6, py), IM_COL32(255, 80, 80, 255), 2);
    dl->AddLine(ImVec2(px, py - 6), ImVec2(px, py + 6), IM_COL32(255, 80, 80, 255), 2);
  }
  ImGui::SetCursorScreenPos(ImVec2(second.x + s2 + gap, second.y));
  if (!g.has_point) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + s2);
    ImGui::TextDisabled("No code picked yet: click the plane beside, the Decoded plane tab, or the map with "
                        "\"decodes\" chosen.");
    ImGui::PopTextWrapPos();
    return;
  }
  char at[64];
  std::snprintf(at, sizeof at, "(%.2f, %.2f)%s", g.x, g.y, p.pca ? " of the plane" : "");
  ImGui::TextDisabled("%s", at);
  ImGui::SetCursorScreenPos(ImVec2(second.x + s2 + gap, second.y + caption));
  show_figure("##picked", g.picked, s2, s2);
}

} // namespace aelab
