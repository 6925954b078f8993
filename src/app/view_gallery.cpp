// The gallery view: 10 test digits above their reconstructions (the classic autoencoder figure),
// refreshed as training runs; clicking a digit loads it into the draw panel.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "core/rng.h"

namespace aelab {
namespace {

constexpr int kShown = 10;

void refresh_reconstructions(App& app) {
  const Lab& lab = app.lab;
  GalleryState& g = app.gallery;
  const int n = std::min(kShown, lab.test.data->count - g.first);
  const bool moved = g.cache_first != g.first;
  const double now = now_ms();
  if (!moved && g.cache_version == lab_view_version(lab)) return;
  if (!moved && lab_training(lab) && now - g.cache_ms < kRefreshWhileTrainingMs) {
    app_working(app, Work::figure); // redrawn in a later frame
    return;
  }
  Matrix x({size_t(n), size_t(kPixels)});
  images_to_float(*lab.test.data, g.first, n, x.data());
  Matrix recon = reconstruct(*lab.model, x);
  g.recon.assign(recon.data(), recon.data() + recon.size());
  g.cache_first = g.first;
  g.cache_version = lab_view_version(lab);
  g.cache_ms = now;
}

} // namespace

void gallery_view(App& app) {
  Lab& lab = app.lab;
  if (lab.test.status != DataStatus::ready || !lab.test.data) {
    if (lab.test.status == DataStatus::failed)
      ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", lab.test.error.c_str());
    else {
      char text[64];
      std::snprintf(text, sizeof text, "loading the test set: %.0f%%", 100 * lab.test.progress);
      ImGui::ProgressBar(lab.test.progress, ImVec2(-FLT_MIN, 0), text);
    }
    return;
  }
  const Dataset& test = *lab.test.data;
  GalleryState& g = app.gallery;
  const int count = test.count;
  if (ImGui::Button("< Previous 10")) g.first = (g.first - kShown + count) % count;
  ImGui::SameLine();
  if (ImGui::Button("Next 10 >")) g.first = (g.first + kShown) % count;
  ImGui::SameLine();
  if (ImGui::Button("Random 10")) {
    Rng rng(g.rng);
    g.first = int(rng.below(uint32_t(count - kShown + 1)));
    g.rng = rng.state;
  }
  ImGui::SameLine();
  if (ImGui::Button("Save PNG")) app_save_view(app);
  g.first = std::max(0, std::min(g.first, count - kShown));
  char range[96];
  std::snprintf(range, sizeof range, "#%d-#%d of %d. Click one to load it into the draw panel.", g.first,
                g.first + kShown - 1, count);
  char short_range[48];
  std::snprintf(short_range, sizeof short_range, "#%d-#%d of %d", g.first, g.first + kShown - 1, count);
  text_after(range, short_range);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Click a digit to load it into the draw panel.");
  refresh_reconstructions(app);

  const ImGuiStyle& style = ImGui::GetStyle();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float label_w = ImGui::CalcTextSize("reconstructed").x + style.ItemSpacing.x;
  float side = std::floor(std::min((avail.x - label_w - kShown * style.ItemSpacing.x) / kShown,
                                   (avail.y - style.ItemSpacing.y) / 2));
  side = std::max(side, 16.0f);
  for (int row = 0; row < 2; ++row) {
    ImGui::AlignTextToFramePadding();
    ImGui::BeginGroup();
    ImGui::Dummy(ImVec2(0, std::max(0.0f, side / 2 - ImGui::GetTextLineHeight())));
    ImGui::TextUnformatted(row == 0 ? (lab.dataset == DatasetKind::mnist ? "test digit" : "test picture")
                                    : "reconstructed");
    ImGui::EndGroup();
    for (int i = 0; i < kShown && i < int(g.recon.size() / kPixels); ++i) {
      ImGui::SameLine(label_w + float(i) * (side + style.ItemSpacing.x) + style.WindowPadding.x);
      int index = g.first + i;
      float pixels[kPixels];
      const float* shown = pixels;
      if (row == 0)
        images_to_float(test, index, 1, pixels);
      else
        shown = g.recon.data() + size_t(i) * kPixels;
      char id[32];
      std::snprintf(id, sizeof id, "##g%d_%d", row, i);
      if (digit_image(id, shown, kDigitSide, kDigitSide, side)) lab_load_test_digit(lab, index);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("test picture #%d, %s", index, label_text(lab, test.labels[size_t(index)]).c_str());
    }
  }
}

} // namespace aelab
