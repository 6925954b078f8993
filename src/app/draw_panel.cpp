// The draw panel: a 112x112 canvas shown large (mouse, pen or touch), then the model's input
// (MNIST-processed or raw) and its reconstruction side by side, with the reconstruction loss.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"

namespace aelab {
namespace {

// The canvas: draws the ink and turns mouse drags into brush segments.
void canvas_widget(App& app, float side) {
  Lab& lab = app.lab;
  ImVec2 pos = ImGui::GetCursorScreenPos();
  app.draw.canvas_rect = {pos.x, pos.y, side, side};
  digit_image("##canvas", lab.input.canvas.data(), kCanvasSide, kCanvasSide, side, true);
  const float to_canvas = float(kCanvasSide) / side;
  ImVec2 mouse = ImGui::GetIO().MousePos;
  float cx = (mouse.x - pos.x) * to_canvas, cy = (mouse.y - pos.y) * to_canvas;

  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    DrawState& d = app.draw;
    if (!d.stroke_active) d.last_x = cx, d.last_y = cy; // a new stroke starts with a dot
    if (!d.stroke_active || cx != d.last_x || cy != d.last_y) lab_draw(lab, d.last_x, d.last_y, cx, cy);
    d.stroke_active = true;
    d.last_x = cx, d.last_y = cy;
  } else {
    app.draw.stroke_active = false;
  }
  if (ImGui::IsItemHovered() || ImGui::IsItemActive()) { // the brush's outline
    float r = (lab.input.brush.radius + 0.25f * lab.input.brush.softness) / to_canvas;
    ImGui::GetWindowDrawList()->AddCircle(mouse, r, IM_COL32(255, 200, 80, 160), 24);
  }
}

// Sizes in the panel: the canvas above, the images below; the rest is the controls (one row, or
// two where they do not fit), the images' labels and the text under them (as many lines as it
// wraps to).
struct DrawLayout {
  float canvas_side = 0, image_side = 0;
};

DrawLayout draw_layout(App& app, int images) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float line = ImGui::GetFrameHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float check_w = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + style.ItemSpacing.x;
  const float controls_w =
      ImGui::CalcTextSize("Clear").x + 2 * style.FramePadding.x + style.ItemSpacing.x +
      (app_control_shown(app, Control::preprocess) ? check_w + ImGui::CalcTextSize("MNIST preprocessing").x
                                                   : 0) +
      (app_control_shown(app, Control::noise) ? check_w + ImGui::CalcTextSize("corrupt").x : 0);
  const int control_rows = controls_w <= avail.x ? 1 : 2;
  const float text_h =
      ImGui::CalcTextSize("Reconstruction loss (bce): 0.0000, the test set's mean 0.0000, higher than 00% of "
                          "the test pictures; lower means a closer rebuild.",
                          nullptr, false, avail.x)
          .y +
      style.ItemSpacing.y;
  const float rest_h =
      std::max(0.0f, avail.y - float(1 + control_rows) * line - text_h - 2 * style.ItemSpacing.y);
  DrawLayout l;
  l.image_side = std::floor(
      std::min((avail.x - float(images - 1) * style.ItemSpacing.x) / float(images), 0.4f * rest_h));
  l.canvas_side = std::floor(std::max(56.0f, std::min(avail.x, rest_h - l.image_side)));
  return l;
}

// Clear, MNIST preprocessing and "corrupt the input".
void draw_controls(App& app) {
  Lab& lab = app.lab;
  const Input& in = lab.input;
  if (ImGui::Button("Clear")) lab_clear(lab);
  if (app_control_shown(app, Control::preprocess)) {
    ImGui::SameLine();
    bool preprocess = in.preprocess;
    if (ImGui::Checkbox("MNIST preprocessing", &preprocess)) lab_set_preprocess(lab, preprocess);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Crop to the ink, scale it into 20x20 keeping its aspect, centre it by its\n"
                        "centre of mass in 28x28: what was done to every MNIST digit. Turn it off to\n"
                        "see what an uncentred drawing does to the reconstruction.");
  }
  if (!app_control_shown(app, Control::noise)) return;
  same_line_if_fits("[x] corrupt");
  const bool corrupted = in.corrupt.kind != NoiseKind::none;
  const Noise training = lab_config(lab).noise;
  const Noise offered = training.kind != NoiseKind::none ? training : Noise{NoiseKind::mask, 0.3f};
  bool corrupt = corrupted;
  if (ImGui::Checkbox("corrupt", &corrupt)) lab_set_corrupt(lab, corrupt ? offered : Noise{});
  tip("Corrupt the input with %s noise (the training's, or mask 0.3 when it trains without):\n"
      "the network sees the corrupted picture; compare its reconstruction with the clean\n"
      "original. A model trained with noise (Train panel) cleans it; a plain one copies it.",
      noise_text(corrupted ? in.corrupt : offered).c_str());
}

// The input, its reconstruction and (corrupted) the clean original, side by side, with labels
// no wider than their image (a wider one would push the second image off the panel).
void draw_images(const Input& in, float side) {
  const bool corrupted = in.corrupt.kind != NoiseKind::none;
  const char* input_label = corrupted            ? "corrupted input"
                            : in.test_digit >= 0 ? "input: test digit"
                            : in.direct          ? "input: set by the page"
                            : in.preprocess      ? "input (processed)"
                                                 : "input (raw, not centred)";
  auto image = [&](const char* label, const char* short_label, const char* id, const float* pixels) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(ImGui::CalcTextSize(label).x <= side ? label : short_label);
    digit_image(id, pixels, kDigitSide, kDigitSide, side);
    ImGui::EndGroup();
  };
  image(input_label, "input", "##input", in.pixels);
  ImGui::SameLine();
  image("reconstruction", "output", "##recon", in.recon);
  if (!corrupted) return;
  ImGui::SameLine();
  image("clean original", "clean", "##clean", in.clean);
}

// The reconstruction's loss (and which test picture it is) against the test set's (its mean, and
// where this one falls among them once the Anomaly view has scored them), or what to do first.
void draw_loss_line(App& app) {
  const Lab& lab = app.lab;
  const Input& in = lab.input;
  if (in.empty)
    return text_disabled_wrapped(lab.dataset == DatasetKind::mnist
                                     ? "Draw a digit above, or click one in the Gallery or on the Latent map."
                                     : "Draw above, or click a picture in the Gallery or on the Latent map.");
  std::string line;
  if (in.test_digit >= 0 && lab.test.data)
    line = "Test picture #" + std::to_string(in.test_digit) + " (" +
           label_text(lab, lab.test.data->labels[size_t(in.test_digit)]) + "), loss";
  else
    line = lab.model->shape.kind == ModelKind::vae ? "Loss" : "Reconstruction loss";
  char text[160];
  if (lab.model->shape.kind == ModelKind::vae) // per picture: recon + KL
    std::snprintf(text, sizeof text, " (%s summed + KL, per picture): %.2f", loss_name(lab_config(lab).loss),
                  in.loss);
  else
    std::snprintf(text, sizeof text, " (%s): %.4f", loss_name(lab_config(lab).loss), in.loss);
  line += text;
  const AnomalyNumbers a = anomaly_numbers(app);
  const bool scored = a.percentile_of_input >= 0 && app.views.scores.version == lab_view_version(lab);
  if (lab.latest.val.loss >= 0 && lab_scrub_index(lab) < 0) {
    std::snprintf(text, sizeof text, ", the test set's mean %.4f", lab.latest.val.loss);
    line += text;
  }
  if (scored) {
    std::snprintf(text, sizeof text, ", higher than %.0f%% of the test %s", a.percentile_of_input,
                  samples_noun(lab));
    line += text;
  }
  ImGui::TextWrapped("%s; lower means a closer rebuild.", line.c_str());
  tip(in.corrupt.kind != NoiseKind::none
          ? "How far the reconstruction is from the clean original, averaged over the 784\n"
            "pixels: how well the network undid the noise. 0 would be a perfect copy."
          : "How far the reconstruction is from the input, averaged over the 784 pixels:\n"
            "0 would be a perfect copy. Pictures like the training set's score lowest; the\n"
            "test set's mean is the validation loss, and the Anomaly view ranks this one\n"
            "among the test set's.");
}

} // namespace

void draw_panel(App& app, const Rect& r) {
  Lab& lab = app.lab;
  begin_panel(lab.dataset == DatasetKind::mnist ? "Draw a digit###draw" : "Draw a picture###draw", r);
  panel_help(
      app, "draw",
      "Draw a digit with the mouse, a pen or a finger. The input is what the network sees: your drawing "
      "shrunk to 28x28 and centred the way every MNIST digit was. The reconstruction is what the network "
      "draws back from the code alone. Try a careful 4, then a sloppy one, then something that is not a "
      "digit at all, and watch the loss: the worse the network knows such pictures, the higher it is.");
  const float avail_w = ImGui::GetContentRegionAvail().x;
  const DrawLayout l = draw_layout(app, lab.input.corrupt.kind != NoiseKind::none ? 3 : 2);
  draw_controls(app);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::floor((avail_w - l.canvas_side) / 2));
  canvas_widget(app, l.canvas_side);
  draw_images(lab.input, l.image_side);
  draw_loss_line(app);
  // the phone shows one panel at a time: the code goes under the drawing, to watch while drawing
  const float left = ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing();
  if (app.layout == LayoutMode::phone && left >= 60) {
    ImGui::TextDisabled("its code, %d numbers (drag a bar; more in the Code tab)",
                        int(lab.input.code.size()));
    code_strip(app, ImGui::GetContentRegionAvail().x, std::min(left, 200.0f));
  }
  ImGui::End();
}

} // namespace aelab
