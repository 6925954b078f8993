// The latent panel: the encoder's code for the current input as bars. Dragging a bar edits that
// value, and the decoder alone shows what it makes of the edited code; a button snaps back.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/app.h"

namespace aelab {

namespace {

// " Mean activation over the test set: 7.30." for the plain model once its map is built (what a
// sparsity penalty lowers), else "".
std::string code_mean_text(const App& app) {
  const float mean = code_mean(app);
  if (mean < 0) return "";
  char text[64];
  std::snprintf(text, sizeof text, " Mean activation over the test set: %.2f.", mean);
  return text;
}

// The bars' full scale: jumps up at once, comes down slowly, so bars do not jitter while
// drawing; held while a bar is dragged (else a value dragged past the top would raise the top).
float bars_scale(App& app, const std::vector<float>& shown) {
  float top = 1;
  const std::vector<float>& lv = app.lab.input.log_var;
  for (size_t i = 0; i < shown.size(); i++) // a VAE's bars are signed, with sigma around them
    top = std::max(top, (std::fabs(shown[i]) + (i < lv.size() ? std::exp(0.5f * lv[i]) : 0.0f)) * 1.15f);
  float& scale = app.latent.scale;
  if (!(app.latent.scale_of == app.lab.model->shape)) // a dense code's scale would hide a conv code's
    scale = top, app.latent.scale_of = app.lab.model->shape;
  if (!app.latent.dragging) scale = top > scale ? top : scale + 0.02f * (top - scale);
  return scale;
}

// Where value v lies on bars of height h at y0: from the bottom (0 to top), or for a VAE's signed
// mu from the middle line (-top to top).
float bar_y(bool vae, float y0, float h, float v, float top) {
  return vae ? y0 + 0.5f * h * (1 - std::max(-1.0f, std::min(1.0f, v / top)))
             : y0 + h - std::min(1.0f, v / top) * h;
}

// Each value as a bar up to `top` (edited ones orange, with a line where the encoder put them;
// the Traverse tab's unit framed), or a hint on a blank canvas. A VAE's: mu from the zero line,
// with a whisker from mu - sigma to mu + sigma.
void draw_bars(const App& app, ImVec2 pos, ImVec2 size, float top, bool nothing) {
  const Input& in = app.lab.input;
  const bool vae = app.lab.model->shape.kind == ModelKind::vae;
  const std::vector<bool> dead = dead_units(app);
  const std::vector<float>& shown = in.code_edited ? in.edited_code : in.code;
  const int n = int(shown.size());
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), IM_COL32(20, 22, 28, 255));
  if (nothing) {
    const char* hint = n == 0                                  ? ""
                       : app.lab.dataset == DatasetKind::mnist ? "draw a digit to see its code"
                                                               : "draw to see the code";
    const ImVec2 text = ImGui::CalcTextSize(hint);
    dl->AddText(ImVec2(pos.x + std::max(4.0f, 0.5f * (size.x - text.x)), pos.y + 0.5f * (size.y - text.y)),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), hint);
    return;
  }
  const float bar_w = size.x / float(std::max(1, n));
  const float zero = bar_y(vae, pos.y, size.y, 0, top);
  if (vae) dl->AddLine(ImVec2(pos.x, zero), ImVec2(pos.x + size.x, zero), IM_COL32(120, 120, 130, 255));
  for (int i = 0; i < n; ++i) {
    const float x0 = pos.x + float(i) * bar_w + 1, x1 = pos.x + float(i + 1) * bar_w - 1;
    const float y = bar_y(vae, pos.y, size.y, shown[size_t(i)], top);
    const bool edited = in.code_edited && in.edited_code[size_t(i)] != in.code[size_t(i)];
    const ImU32 colour = edited ? IM_COL32(240, 150, 60, 255) : IM_COL32(90, 150, 230, 255);
    dl->AddRectFilled(ImVec2(x0, std::min(y, zero)), ImVec2(x1, std::max(y, zero)), colour);
    if (vae && size_t(i) < in.log_var.size()) { // the whisker: mu -+ sigma, where the encoder put mu
      const float mu = in.code[size_t(i)], sigma = std::exp(0.5f * in.log_var[size_t(i)]);
      const float xm = 0.5f * (x0 + x1), ya = bar_y(vae, pos.y, size.y, mu - sigma, top),
                  yb = bar_y(vae, pos.y, size.y, mu + sigma, top);
      const ImU32 whisker = IM_COL32(230, 230, 235, 220);
      dl->AddLine(ImVec2(xm, ya), ImVec2(xm, yb), whisker, 1.5f);
      const float cap = std::min(4.0f, 0.3f * (x1 - x0));
      dl->AddLine(ImVec2(xm - cap, ya), ImVec2(xm + cap, ya), whisker);
      dl->AddLine(ImVec2(xm - cap, yb), ImVec2(xm + cap, yb), whisker);
    }
    if (size_t(i) < dead.size() && dead[size_t(i)] && !edited) // a dead unit: a grey stub, never a bar
      dl->AddRectFilled(ImVec2(x0, pos.y + size.y - 4), ImVec2(x1, pos.y + size.y),
                        IM_COL32(120, 120, 120, 255));
    if (i == app.views.unit && app.views.view == View::traverse)
      dl->AddRect(ImVec2(x0 - 1, pos.y), ImVec2(x1 + 1, pos.y + size.y), IM_COL32(255, 200, 80, 200));
    if (edited) { // where the encoder put it
      const float ye = bar_y(vae, pos.y, size.y, in.code[size_t(i)], top);
      dl->AddLine(ImVec2(x0, ye), ImVec2(x1, ye), IM_COL32(255, 255, 255, 200), 2);
    }
  }
}

// Where a conv code's f3 maps of 4x4 cells go in w x h: the columns that make the cells largest.
struct MapGrid {
  int columns = 1;
  float side = 0, gap = 6; // a map's side
  ImVec2 corner(ImVec2 pos, int map) const {
    return ImVec2(pos.x + float(map % columns) * (side + gap), pos.y + float(map / columns) * (side + gap));
  }
};
MapGrid map_grid(int maps, float w, float h) {
  MapGrid best;
  for (int c = 1; c <= maps; c++) {
    const int rows = (maps + c - 1) / c;
    const float side =
        std::min((w - best.gap * float(c - 1)) / float(c), (h - best.gap * float(rows - 1)) / float(rows));
    if (side > best.side) best.columns = c, best.side = side;
  }
  best.side = std::floor(std::max(8.0f, best.side));
  return best;
}

// A conv model's code, 4x4 x f3 (NHWC: value (i, j, c) at (i * 4 + j) * f3 + c), as f3 small maps
// of 4x4 cells, brighter for larger values (edited cells orange). Dragging a cell up or down
// edits it, from 0 (the code comes out of a ReLU) to the top of the scale.
void code_maps(App& app, float w, float h) {
  Lab& lab = app.lab;
  const Input& in = lab.input;
  const std::vector<float>& shown = in.code_edited ? in.edited_code : in.code;
  const int maps = lab.model->shape.filters[2], side4 = kConvCodeSide;
  const float top = bars_scale(app, shown);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  app.latent.bars_rect = {pos.x, pos.y, w, h};
  ImGui::InvisibleButton("##bars", ImVec2(w, h));
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  const MapGrid grid = map_grid(maps, w, h);
  const float cell = grid.side / float(side4);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int under = -1; // the code index under the pointer
  for (int m = 0; m < maps && under < 0; m++) {
    const ImVec2 c = grid.corner(pos, m);
    const int j = int(std::floor((mouse.x - c.x) / cell)), i = int(std::floor((mouse.y - c.y) / cell));
    if (i >= 0 && i < side4 && j >= 0 && j < side4) under = (i * side4 + j) * maps + m;
  }
  if (ImGui::IsItemActivated() && under >= 0 && size_t(under) < shown.size())
    app.latent.drag_cell = under, app.latent.drag_from = shown[size_t(under)], app.latent.drag_y = mouse.y;
  if (!active) app.latent.drag_cell = -1;
  app.latent.dragging = active && app.latent.drag_cell >= 0;
  if (app.latent.dragging) // a map's height of drag is the whole scale
    lab_edit_code(lab, app.latent.drag_cell,
                  std::min(top, std::max(0.0f, app.latent.drag_from +
                                                   (app.latent.drag_y - mouse.y) / grid.side * top)));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), IM_COL32(20, 22, 28, 255));
  const bool nothing = in.empty && !in.code_edited;
  for (int m = 0; m < maps; m++) {
    const ImVec2 c = grid.corner(pos, m);
    for (int i = 0; i < side4; i++)
      for (int j = 0; j < side4; j++) {
        const size_t k = size_t((i * side4 + j) * maps + m);
        if (k >= shown.size()) continue;
        const float t = nothing ? 0.0f : std::min(1.0f, shown[k] / top);
        const bool edited = in.code_edited && in.edited_code[k] != in.code[k];
        const ImVec2 a(c.x + float(j) * cell, c.y + float(i) * cell), b(a.x + cell - 1, a.y + cell - 1);
        dl->AddRectFilled(a, b,
                          edited ? IM_COL32(int(60 + 180 * t), int(40 + 110 * t), 30, 255)
                                 : IM_COL32(int(30 + 70 * t), int(34 + 150 * t), int(44 + 200 * t), 255));
        if (int(k) == under && (hovered || active)) dl->AddRect(a, b, IM_COL32(255, 200, 80, 255));
      }
    char label[16];
    std::snprintf(label, sizeof label, "%d", m + 1);
    dl->AddText(ImVec2(c.x + 2, c.y + 1), IM_COL32(230, 230, 235, 160), label);
  }
  if (nothing) { // the code of a blank canvas says nothing
    const char* hint = "draw a digit to see its code";
    const ImVec2 text = ImGui::CalcTextSize(hint);
    const ImVec2 at(pos.x + std::max(4.0f, 0.5f * (w - text.x)), pos.y + 0.5f * (h - text.y));
    dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + text.x + 4, at.y + text.y + 2),
                      IM_COL32(20, 22, 28, 230));
    dl->AddText(at, ImGui::GetColorU32(ImGuiCol_TextDisabled), hint);
  }
  if ((hovered || active) && under >= 0 && !nothing && size_t(under) < shown.size()) {
    const int m = under % maps, ij = under / maps;
    ImGui::SetTooltip("map %d, row %d, column %d: z[%d] = %.3f. Drag up or down to change it.", m + 1,
                      ij / side4 + 1, ij % side4 + 1, under, shown[size_t(under)]);
  }
}

// The bars, w x h at the cursor: a press chooses the Traverse tab's unit, a drag edits the value.
// A conv model's code: its maps.
void code_bars(App& app, float w, float h) {
  if (is_conv(app.lab.model->shape)) return code_maps(app, w, h);
  Lab& lab = app.lab;
  const Input& in = lab.input;
  const std::vector<float>& shown = in.code_edited ? in.edited_code : in.code;
  const int n = int(shown.size());
  const float top = bars_scale(app, shown);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  app.latent.bars_rect = {pos.x, pos.y, w, h};
  ImGui::InvisibleButton("##bars", ImVec2(w, h));
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float bar_w = n > 0 ? w / float(n) : w;
  const int under = n > 0 ? std::min(n - 1, std::max(0, int((mouse.x - pos.x) / bar_w))) : -1;
  if (ImGui::IsItemActivated() && under >= 0) app.views.unit = under; // the Traverse tab's unit
  app.latent.dragging = active && ImGui::IsMouseDown(ImGuiMouseButton_Left) && under >= 0;
  const bool vae = lab.model->shape.kind == ModelKind::vae;
  if (app.latent.dragging && vae) // a VAE's z: from -top to top, the zero line in the middle
    lab_edit_code(lab, under, std::min(top, std::max(-top, (pos.y + 0.5f * h - mouse.y) / (0.5f * h) * top)));
  else if (app.latent.dragging) // from 0 (codes come out of a ReLU: never negative) to the top of the scale
    lab_edit_code(lab, under, std::min(top, std::max(0.0f, (pos.y + h - mouse.y) / h * top)));
  const bool nothing = in.empty && !in.code_edited; // the code of a blank canvas says nothing
  draw_bars(app, pos, ImVec2(w, h), top, nothing);
  const std::vector<bool> dead = dead_units(app);
  if ((hovered || active) && under >= 0 && !nothing && size_t(under) < dead.size() && dead[size_t(under)])
    ImGui::SetTooltip("z[%d] = %.3f: a dead unit, 0 for every test %s. It never fires, so the\n"
                      "decoder learned nothing from it; drag it to see what its weights do anyway.",
                      under, shown[size_t(under)],
                      app.lab.dataset == DatasetKind::mnist ? "digit" : "picture");
  else if ((hovered || active) && under >= 0 && !nothing && vae && size_t(under) < in.log_var.size())
    ImGui::SetTooltip("z[%d] = %.3f: mu %.3f, sigma %.3f (the whisker: mu - sigma to mu + sigma, where\n"
                      "training draws z from). Drag to set z.",
                      under, shown[size_t(under)], in.code[size_t(under)],
                      std::exp(0.5f * in.log_var[size_t(under)]));
  else if ((hovered || active) && under >= 0 && !nothing)
    ImGui::SetTooltip(
        "z[%d] = %.3f%s", under, shown[size_t(under)],
        in.code_edited ? (" (encoder: " + std::to_string(in.code[size_t(under)]).substr(0, 5) + ")").c_str()
                       : "");
}

} // namespace

void code_strip(App& app, float w, float h) { code_bars(app, w, h); }

void latent_panel(App& app, const Rect& r) {
  Lab& lab = app.lab;
  begin_panel("Latent code", r);
  panel_help(app, "latent",
             "Each bar is one of the numbers the encoder keeps of the input: the code, the only thing the "
             "decoder gets to see. Drag a bar and watch the decoder's guess change; Snap back returns to the "
             "encoder's own code. Notice that no single bar is 'the digit': it is in the pattern of all of "
             "them, and a bar at zero is a unit that stays silent for this input.");
  const ImGuiStyle& style = ImGui::GetStyle();
  const Input& in = lab.input;
  const std::vector<bool> dead = dead_units(app);
  const int dead_count = int(std::count(dead.begin(), dead.end(), true));
  if (is_conv(lab.model->shape))
    ImGui::TextWrapped("z: the convolutional encoder keeps the 784 pixels as %d maps of 4x4 numbers (%d in "
                       "all). Drag a cell up or down to change it and see what the decoder makes of it.",
                       lab.model->shape.filters[2], int(in.code.size()));
  else if (lab.model->shape.kind == ModelKind::vae)
    ImGui::TextWrapped("mu: the VAE's encoder gives each of the %d numbers a mean (the bar) and a spread "
                       "sigma (the whisker); training decodes a z drawn from there. Drag a bar to set z.",
                       int(in.code.size()));
  else
    ImGui::TextWrapped("z: the encoder squeezes the 784 pixels into these %d numbers. Drag a bar to "
                       "change one and see what the decoder makes of it.%s%s",
                       int(in.code.size()),
                       dead_count == 0   ? ""
                       : dead_count == 1 ? " Grey: a dead unit, 0 for every test picture."
                                         : " Grey: dead units, 0 for every test picture.",
                       code_mean_text(app).c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  const float image_side =
      std::floor(std::min((avail.x - style.ItemSpacing.x) / 2, 0.42f * (avail.y - 2 * text_h)));
  const float bars_h = std::max(40.0f, avail.y - image_side - 2 * text_h -
                                           ImGui::GetFrameHeightWithSpacing() - 2 * style.ItemSpacing.y);
  code_bars(app, avail.x, bars_h);

  ImGui::BeginDisabled(!in.code_edited);
  if (ImGui::Button(fit_text("Snap back to the encoder's code###snap", "Snap back###snap")))
    lab_snap_back_code(lab);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Forget the edits: back to the code the encoder gave.");
  ImGui::EndDisabled();

  ImGui::BeginGroup();
  ImGui::TextUnformatted("encoder's z");
  digit_image("##dec", in.recon, kDigitSide, kDigitSide, image_side);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextUnformatted(in.code_edited              ? "edited z"
                         : is_conv(lab.model->shape) ? "(drag a cell)"
                                                     : "(drag a bar)");
  digit_image("##edited", in.edited_recon, kDigitSide, kDigitSide, image_side);
  ImGui::EndGroup();
  ImGui::End();
}

} // namespace aelab
