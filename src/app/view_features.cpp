// The Feature maps tab: a convolutional model's every layer for the current input, each channel
// a small picture, labelled with its shape (28x28x16 -> 14x14x16 -> ... the 4x4x8 code ... ->
// 28x28). A dense model has none: the tab says so and offers to build a convolutional one.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/view_widgets.h"

namespace aelab {

namespace {

// What each stage does, for its label.
const char* stage_role(const ConvStage& st, int s) {
  if (s == kConvEncoderStages - 1) return "the code";
  if (s == kConvStages - 1) return "the output (sigmoid)";
  if (st.kind == StageKind::pool) return "max-pool 2x2";
  if (st.kind == StageKind::upsample) return "upsample 2x";
  return st.conv.padding == Padding::valid ? "3x3 filters, ReLU, 'valid'" : "3x3 filters, ReLU";
}

// One stage's channels as pictures side by side (wrapping), each scaled by the stage's largest
// value so that their strengths compare.
void stage_row(const char* id, const std::vector<float>& values, ImageShape shape, float side, float scale) {
  std::vector<float> channel(size_t(shape.h) * size_t(shape.w));
  const float right = ImGui::GetContentRegionAvail().x + ImGui::GetCursorScreenPos().x;
  for (int c = 0; c < shape.c; c++) {
    for (size_t p = 0; p < channel.size(); p++)
      channel[p] = scale > 0 ? std::min(1.0f, values[p * size_t(shape.c) + size_t(c)] / scale) : 0.0f;
    if (c > 0) {
      ImGui::SameLine(0, 3);
      if (ImGui::GetCursorScreenPos().x + side > right) ImGui::NewLine();
    }
    char slot[48];
    std::snprintf(slot, sizeof slot, "##%s_%d", id, c);
    digit_image(slot, channel.data(), shape.w, shape.h, side);
    if (ImGui::IsItemHovered()) {
      float top = 0;
      for (int p = 0; p < shape.h * shape.w; p++)
        top = std::max(top, values[size_t(p) * size_t(shape.c) + size_t(c)]);
      ImGui::SetTooltip("%s, channel %d of %d: %dx%d values, the largest %.3f", id, c + 1, shape.c, shape.h,
                        shape.w, double(top));
    }
  }
}

} // namespace

void features_view(App& app) {
  Lab& lab = app.lab;
  const Autoencoder& model = *lab.model;
  if (!is_conv(model.shape)) {
    ImGui::TextWrapped("Feature maps are a convolutional model's: each of its 3x3 filters slides over the "
                       "picture and draws a map of where it finds its pattern. This lab's model is a dense "
                       "%s, which weighs every pixel at once (the First layer tab shows those weights).",
                       model.shape.kind == ModelKind::vae ? "VAE" : "autoencoder");
    if (ImGui::Button("Build a convolutional model...")) {
      PendingDiscard p{Discard::shape};
      p.shape = model.shape;
      p.shape.kind = ModelKind::conv;
      p.shape = with_code_size(p.shape);
      app_ask(app, p);
    }
    mark_item(app, "build-conv");
    return;
  }
  const Input& in = lab.input;
  save_button(app);
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", in.empty
                               ? "Draw a digit (or click a test digit in the Gallery) to see what each layer "
                                 "makes of it."
                               : "Every layer's output for your input, a picture per channel (white: the "
                                 "layer's largest value). Hover one for its numbers.");
  ImGui::PopStyleColor();
  ImGui::BeginChild("##features", ImVec2(0, 0), false);
  const float avail = ImGui::GetContentRegionAvail().x;
  // pictures as large as 16 across allow, between 22 and 56 units
  const float side = std::floor(std::clamp((avail - 15 * 3) / 16, 22.0f, 56.0f));
  ImGui::Text("input: 28x28x1");
  digit_image("##features_input", in.pixels, kDigitSide, kDigitSide, side);
  for (int s = 0; s < kConvStages && size_t(s) < in.features.size(); s++) {
    const ConvStage& st = model.stages[s];
    const std::vector<float>& values = in.features[size_t(s)];
    float top = s == kConvStages - 1 ? 1.0f : 0.0f; // the output is a picture already
    for (float v : values) top = std::max(top, v);
    ImGui::Text("%s: %dx%dx%d, %s", conv_stage_name(s), st.out.h, st.out.w, st.out.c, stage_role(st, s));
    stage_row(conv_stage_name(s), values, st.out, side, top);
  }
  ImGui::EndChild();
}

} // namespace aelab
