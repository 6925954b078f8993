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

// One stage's channels as pictures, `per_row` to a row (0: as many as fit, wrapping), each scaled
// by the stage's largest value so that their strengths compare; a hover names the layer, what it
// does and the channel's numbers.
void stage_pictures(const char* id, const char* role, const std::vector<float>& values, ImageShape shape,
                    float side, float scale, int per_row) {
  // the channels side by side in one texture (one upload and one draw call per layer: WebKitGTK's
  // WebGL crashed on a texture per channel), each drawn from its part of it
  const int W = shape.w * shape.c, pixels = shape.h * shape.w;
  std::vector<float> atlas(size_t(W) * size_t(shape.h));
  for (int p = 0; p < pixels; p++)
    for (int c = 0; c < shape.c; c++)
      atlas[size_t(p / shape.w) * size_t(W) + size_t(c * shape.w + p % shape.w)] =
          scale > 0 ? std::min(1.0f, values[size_t(p) * size_t(shape.c) + size_t(c)] / scale) : 0.0f;
  char slot[48];
  std::snprintf(slot, sizeof slot, "##features_%s", id);
  ImTextureID texture = gray_texture(slot, atlas.data(), W, shape.h, false);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float right = ImGui::GetContentRegionAvail().x + ImGui::GetCursorScreenPos().x;
  for (int c = 0; c < shape.c; c++) {
    if (c > 0 && (per_row == 0 || c % per_row != 0)) {
      ImGui::SameLine(0, 2);
      if (per_row == 0 && ImGui::GetCursorScreenPos().x + side > right) ImGui::NewLine();
    }
    const ImVec2 pos = ImGui::GetCursorScreenPos(), end(pos.x + side, pos.y + side);
    std::snprintf(slot, sizeof slot, "##%s_%d", id, c);
    ImGui::InvisibleButton(slot, ImVec2(side, side));
    const float u0 = float(c) / float(shape.c), u1 = float(c + 1) / float(shape.c);
    draw->AddImage(texture, pos, end, ImVec2(u0, 0), ImVec2(u1, 1));
    const bool hovered = ImGui::IsItemHovered();
    draw->AddRect(pos, end, hovered ? IM_COL32(255, 200, 80, 255) : IM_COL32(90, 90, 100, 255));
    if (hovered) {
      float top = 0;
      for (int p = 0; p < pixels; p++) top = std::max(top, values[size_t(p) * size_t(shape.c) + size_t(c)]);
      ImGui::SetTooltip("%s: %dx%dx%d, %s\nchannel %d of %d: %dx%d values, the largest %.3f", id, shape.h,
                        shape.w, shape.c, role, c + 1, shape.c, shape.h, shape.w, double(top));
    }
  }
}

// A column of the flow: `count` pictures in a column `w` wide and `h` tall, laid out `per_row` to
// a row at the largest side that fits; returns the side (0 if none fits) and sets per_row.
float column_fit(int count, float w, float h, int* per_row) {
  float best = 0;
  const float down = ImGui::GetStyle().ItemSpacing.y; // between rows; 2 between pictures of a row
  for (int k = 1; k <= count; k++) {
    const int rows = (count + k - 1) / k;
    const float side = std::floor(
        std::min((w - 2.0f * float(k - 1)) / float(k), (h - down * float(rows - 1)) / float(rows)));
    if (side > best) best = side, *per_row = k;
  }
  return best;
}

// The stages' largest values (the output is a picture already: scaled by 1).
std::vector<float> stage_tops(const Input& in) {
  std::vector<float> tops(in.features.size(), 0.0f);
  for (size_t s = 0; s < in.features.size(); s++) {
    tops[s] = s + 1 == size_t(kConvStages) ? 1.0f : 0.0f;
    for (float v : in.features[s]) tops[s] = std::max(tops[s], v);
  }
  return tops;
}

// Every layer as a column, left to right: the input, the encoder down to the code (framed), the
// decoder back up to the output; each column its name and shape over its channels. False (and
// nothing drawn) where the columns would be too narrow for their labels or the pictures too small:
// the caller then lists the layers one under another.
bool features_flow(const Autoencoder& model, const Input& in, ImVec2 avail) {
  const int columns = kConvStages + 1;
  const float gap = 6, col_w = std::floor((avail.x - gap * float(columns - 1)) / float(columns));
  const float label_h = 2 * ImGui::GetTextLineHeightWithSpacing(), pic_h = avail.y - label_h - 6;
  if (col_w < ImGui::CalcTextSize("28x28x16").x + 2) return false;
  int per_row[kConvStages + 1] = {1};
  float side[kConvStages + 1] = {std::floor(std::min(col_w, pic_h))};
  for (int s = 0; s < kConvStages; s++) {
    side[s + 1] = column_fit(model.stages[s].out.c, col_w, pic_h, &per_row[s + 1]);
    if (side[s + 1] < 12) return false;
  }
  const std::vector<float> tops = stage_tops(in);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int col = 0; col < columns; col++) {
    const float x = origin.x + float(col) * (col_w + gap);
    const int s = col - 1; // the stage, -1: the input
    const bool code = s == kConvEncoderStages - 1;
    if (code) // the code's column framed: the encoder ends and the decoder starts here
      draw->AddRect(ImVec2(x - 3, origin.y - 2), ImVec2(x + col_w + 3, origin.y + avail.y - 2),
                    ImGui::GetColorU32(ImGuiCol_PlotHistogram), 4, 0, 1.5f);
    ImGui::SetCursorScreenPos(ImVec2(x, origin.y));
    ImGui::BeginGroup();
    const ImageShape shape = s < 0 ? ImageShape{kDigitSide, kDigitSide, 1} : model.stages[s].out;
    if (code)
      ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram), "code");
    else
      ImGui::TextUnformatted(s < 0 ? "input" : conv_stage_name(s));
    char dims[32];
    std::snprintf(dims, sizeof dims, "%dx%dx%d", shape.h, shape.w, shape.c);
    ImGui::TextDisabled("%s", dims);
    if (s < 0) {
      digit_image("##features_input", in.pixels, kDigitSide, kDigitSide, side[0]);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("the input: 28x28 pixels, one channel");
    } else if (size_t(s) < in.features.size()) {
      stage_pictures(conv_stage_name(s), stage_role(model.stages[s], s), in.features[size_t(s)], shape,
                     side[col], tops[size_t(s)], per_row[col]);
    }
    ImGui::EndGroup();
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + avail.y - 1));
  ImGui::Dummy(ImVec2(1, 1));
  return true;
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
                               : "Every layer's output for your input, in order: the encoder shrinks it "
                                 "to the code, the decoder rebuilds it. A picture per channel (white: the "
                                 "layer's largest value); hover one for its numbers.");
  ImGui::PopStyleColor();
  ImGui::BeginChild("##features", ImVec2(0, 0), false);
  if (!features_flow(model, in, ImGui::GetContentRegionAvail())) { // too narrow: the layers listed
    const float avail = ImGui::GetContentRegionAvail().x;
    // pictures as large as 16 across allow, between 22 and 56 units
    const float side = std::floor(std::clamp((avail - 15 * 3) / 16, 22.0f, 56.0f));
    const std::vector<float> tops = stage_tops(in);
    ImGui::Text("input: 28x28x1");
    digit_image("##features_input", in.pixels, kDigitSide, kDigitSide, side);
    for (int s = 0; s < kConvStages && size_t(s) < in.features.size(); s++) {
      const ConvStage& st = model.stages[s];
      ImGui::Text("%s: %dx%dx%d, %s", conv_stage_name(s), st.out.h, st.out.w, st.out.c, stage_role(st, s));
      stage_pictures(conv_stage_name(s), stage_role(st, s), in.features[size_t(s)], st.out, side,
                     tops[size_t(s)], 0);
    }
  }
  ImGui::EndChild();
}

} // namespace aelab
