// The Train panel's plot of both losses on an axis of epochs: training (smoothed, per step) and
// validation (per epoch), with the timeline's snapshots as dots on it (the one shown orange;
// hovering one tells its step and loss, clicking it scrubs there). Axes with ticks; linear or
// log loss.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/app.h"

namespace aelab {
namespace {

constexpr ImU32 kTrainColor = IM_COL32(110, 170, 255, 255), kValColor = IM_COL32(255, 200, 90, 255);
// a VAE's two terms of the validation loss
constexpr ImU32 kReconColor = IM_COL32(120, 210, 140, 255), kKlColor = IM_COL32(220, 130, 230, 255);

// The curves and the dots in ImGui's points.
struct PlotData {
  std::vector<ImVec2> train, val, dots;
  std::vector<ImVec2> recon, kl; // a VAE's
  bool epochs = false;           // the x axis counts epochs (else steps)
};

PlotData plot_data(const Lab& lab) {
  const LossPlotData l = loss_plot_data(lab);
  PlotData d;
  d.epochs = l.epochs;
  for (const LossPoint& p : l.train) d.train.push_back(ImVec2(p.x, p.y));
  for (const LossPoint& p : l.val) d.val.push_back(ImVec2(p.x, p.y));
  for (const LossPoint& p : l.dots) d.dots.push_back(ImVec2(p.x, p.y));
  for (const LossPoint& p : l.recon) d.recon.push_back(ImVec2(p.x, p.y));
  for (const LossPoint& p : l.kl) d.kl.push_back(ImVec2(p.x, p.y));
  return d;
}

// The plot's frame: the data's ranges, and where a point (x, loss) goes on screen.
struct PlotFrame {
  ImVec2 pos, size, a, b; // the whole plot; the frame inside it (room for tick labels)
  double x_hi = 1, lo = DBL_MAX, hi = -DBL_MAX, y_lo = 0, y_hi = 1;
  bool log_y = false;
  double fy(double v) const { return log_y ? std::log10(v) : v; }
  // the loss axis's ticks over the frame's range (padding included)
  std::vector<double> ticks(int count) const {
    const double a = log_y ? std::pow(10.0, y_lo) : y_lo, b = log_y ? std::pow(10.0, y_hi) : y_hi;
    return log_y ? log_ticks(a, b, count) : nice_ticks(a, b, count);
  }
  ImVec2 at(double x, double y) const {
    return ImVec2(a.x + float((b.x - a.x) * x / x_hi),
                  b.y - float((b.y - a.y) * (fy(y) - y_lo) / (y_hi - y_lo)));
  }
};

// False when there is nothing to draw yet. legend_rows: the rows the legend takes at the top.
bool plot_frame(const PlotData& d, ImVec2 pos, ImVec2 size, bool log_y, int legend_rows, PlotFrame* f) {
  f->pos = pos, f->size = size, f->log_y = log_y, f->x_hi = d.epochs ? 1 : 10;
  for (const auto* set : {&d.train, &d.val, &d.dots, &d.recon, &d.kl})
    for (const ImVec2& v : *set)
      if (std::isfinite(v.y) && v.y > 0)
        f->x_hi = std::max(f->x_hi, double(v.x)), f->lo = std::min(f->lo, double(v.y)),
        f->hi = std::max(f->hi, double(v.y));
  if (f->lo > f->hi) return false;
  if (f->hi - f->lo < 1e-4 * f->hi) f->lo *= 0.99, f->hi *= 1.01;
  const double pad = 0.06 * (f->fy(f->hi) - f->fy(f->lo));
  f->y_lo = f->fy(f->lo) - pad, f->y_hi = f->fy(f->hi) + pad;
  float label_w = 0; // room for the widest tick label on the left, and a line below
  char buf[32];
  for (double v : f->ticks(std::max(2, int(size.y / 40)))) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
    label_w = std::max(label_w, ImGui::CalcTextSize(buf).x);
  }
  const float line_h = ImGui::GetTextLineHeight();
  f->a = ImVec2(pos.x + label_w + 10, pos.y + float(legend_rows) * (line_h + 2) + 4);
  f->b = ImVec2(pos.x + size.x - 8, pos.y + size.y - line_h - 6);
  return true;
}

void plot_axes(const PlotFrame& f, bool epochs) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float line_h = ImGui::GetTextLineHeight();
  char buf[32];
  for (double v : f.ticks(std::max(2, int(f.size.y / 40)))) {
    const ImVec2 p = f.at(0, v);
    if (p.y < f.a.y - 1 || p.y > f.b.y + 1) continue;
    dl->AddLine(ImVec2(f.a.x, p.y), ImVec2(f.b.x, p.y), IM_COL32(255, 255, 255, 22));
    std::snprintf(buf, sizeof buf, "%.3g", v);
    dl->AddText(ImVec2(f.a.x - 5 - ImGui::CalcTextSize(buf).x, p.y - line_h / 2), dim, buf);
  }
  // the x axis's name in the tick labels' row below the axis, at its right end (inside the frame a
  // curve would cross it), and the tick labels that would run into it left out
  const char* x_name = epochs ? "epoch" : "step";
  const float name_x = f.b.x - ImGui::CalcTextSize(x_name).x;
  dl->AddText(ImVec2(name_x, f.b.y + 3), dim, x_name);
  for (double x : nice_ticks(0, f.x_hi, std::max(2, int(f.size.x / 70)))) {
    const ImVec2 p = f.at(x, f.lo);
    dl->AddLine(ImVec2(p.x, f.b.y), ImVec2(p.x, f.b.y + 3), dim);
    std::snprintf(buf, sizeof buf, "%g", x);
    const float w = ImGui::CalcTextSize(buf).x;
    if (p.x + w / 2 > name_x - 8) continue;
    dl->AddText(ImVec2(p.x - w / 2, f.b.y + 3), dim, buf);
  }
  dl->AddLine(ImVec2(f.a.x, f.a.y), ImVec2(f.a.x, f.b.y), dim);
  dl->AddLine(ImVec2(f.a.x, f.b.y), ImVec2(f.b.x, f.b.y), dim);
}

// The curves: training thinned to about two points per pixel, always ending at the latest.
void plot_curves(const PlotFrame& f, const PlotData& d) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  std::vector<ImVec2> line;
  const size_t stride = std::max<size_t>(1, d.train.size() / size_t(std::max(2.0f, 2 * (f.b.x - f.a.x))));
  for (size_t i = 0; i < d.train.size(); i += stride) line.push_back(f.at(d.train[i].x, d.train[i].y));
  if (!d.train.empty() && (d.train.size() - 1) % stride)
    line.push_back(f.at(d.train.back().x, d.train.back().y));
  if (line.size() >= 2) dl->AddPolyline(line.data(), int(line.size()), kTrainColor, 0, 1.5f);
  line.clear();
  for (const ImVec2& v : d.val) line.push_back(f.at(v.x, v.y));
  if (line.size() >= 2) dl->AddPolyline(line.data(), int(line.size()), kValColor, 0, 2.0f);
  for (const auto& [curve, color] : {std::pair{&d.recon, kReconColor}, {&d.kl, kKlColor}}) {
    line.clear();
    for (const ImVec2& v : *curve) line.push_back(f.at(v.x, v.y));
    if (line.size() >= 2) dl->AddPolyline(line.data(), int(line.size()), color, 0, 1.5f);
    for (const ImVec2& p : line) dl->AddCircleFilled(p, 2, color);
  }
}

// The timeline's dots (the one shown ringed); returns the dot nearest the mouse within 8 units
// while `hovered` (-1: none).
int plot_dots(const PlotFrame& f, const PlotData& d, int shown, bool hovered) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  int nearest = -1;
  float best = 64;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (size_t i = 0; i < d.dots.size(); i++) {
    const ImVec2 p = f.at(d.dots[i].x, d.dots[i].y);
    dl->AddCircleFilled(p, 3, kValColor);
    const float dist = (p.x - mouse.x) * (p.x - mouse.x) + (p.y - mouse.y) * (p.y - mouse.y);
    if (hovered && dist < best) best = dist, nearest = int(i);
  }
  if (shown >= 0 && shown < int(d.dots.size())) {
    const ImVec2 p = f.at(d.dots[size_t(shown)].x, d.dots[size_t(shown)].y);
    dl->AddCircleFilled(p, 5, IM_COL32(255, 120, 40, 255));
    dl->AddCircle(p, 6, IM_COL32(255, 255, 255, 255));
  }
  return nearest;
}

// The legend's keys: a colour and its text, with the latest losses (a VAE's, per picture in
// nats, with one decimal: the four keys then fit one row of the Train panel at 1280x800).
std::vector<std::pair<ImU32, std::string>> legend_keys(const Lab& lab) {
  const Curves& curves = lab.latest.curves;
  const std::vector<TimelinePoint>& t = lab.latest.timeline;
  const bool vae = !curves.val_recon.empty();
  const char* loss_format = vae ? "%s %.1f" : "%s %.4f";
  std::vector<std::pair<ImU32, std::string>> keys;
  char text[48];
  std::snprintf(text, sizeof text, loss_format, "training",
                curves.train.empty() ? 0.0 : double(curves.train.back().y));
  keys.push_back({kTrainColor, curves.train.empty() ? "training" : text});
  std::snprintf(text, sizeof text, loss_format, "validation", t.empty() ? 0.0 : double(t.back().val_loss));
  keys.push_back({kValColor, t.empty() ? "validation" : text});
  if (!vae) return keys;
  std::snprintf(text, sizeof text, "recon %.1f", curves.val_recon.back().y);
  keys.push_back({kReconColor, text});
  const double beta = lab_config(lab).beta;
  if (beta == 1)
    std::snprintf(text, sizeof text, "KL %.2f", curves.val_kl.back().y);
  else
    std::snprintf(text, sizeof text, "KL %.2f (x %g)", curves.val_kl.back().y, beta);
  keys.push_back({kKlColor, text});
  return keys;
}

// Lays the keys out from x0 to x1, a row after another: calls key(x, row, colour, text).
template <class F> int legend_layout(const Lab& lab, float x0, float x1, F key) {
  float x = x0;
  int row = 0;
  for (const auto& [color, text] : legend_keys(lab)) {
    const float w = 18 + ImGui::CalcTextSize(text.c_str()).x;
    if (x > x0 && x + w > x1) x = x0, row++;
    key(x, row, color, text);
    x += w + 12;
  }
  return row + 1;
}

// The legend along the top, with the latest losses; a key that does not fit goes on the next row.
void plot_legend(const PlotFrame& f, const Lab& lab) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line_h = ImGui::GetTextLineHeight();
  legend_layout(lab, f.a.x, f.pos.x + f.size.x - 4,
                [&](float x, int row, ImU32 color, const std::string& text) {
                  const float y = f.pos.y + 3 + float(row) * (line_h + 2);
                  dl->AddLine(ImVec2(x, y + 1 + line_h / 2), ImVec2(x + 14, y + 1 + line_h / 2), color, 2);
                  dl->AddText(ImVec2(x + 18, y), ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
                });
}

} // namespace

void loss_plot(App& app, float w, float h, bool log_y) {
  Lab& lab = app.lab;
  const ImVec2 size(std::max(w, 60.0f), std::max(h, 40.0f));
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##lossplot", size);
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), ImGui::GetColorU32(ImGuiCol_FrameBg));
  const PlotData d = plot_data(lab);
  PlotFrame f;
  const bool drawn = plot_frame(d, pos, size, log_y, 1, &f);
  const int rows =
      legend_layout(lab, f.a.x, pos.x + size.x - 4, [](float, int, ImU32, const std::string&) {});
  if (drawn && rows > 1) plot_frame(d, pos, size, log_y, rows, &f); // room for the legend's rows
  if (!drawn) {
    dl->AddText(ImVec2(pos.x + 8, pos.y + 6), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                "press Start: the losses appear here as it trains");
    return;
  }
  dl->PushClipRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), true);
  plot_axes(f, d.epochs);
  plot_curves(f, d);
  const int nearest = plot_dots(f, d, lab_scrub_index(lab), hovered);
  plot_legend(f, lab);
  dl->PopClipRect();
  if (nearest >= 0) {
    const TimelinePoint& p = lab.latest.timeline[size_t(nearest)];
    ImGui::SetTooltip(
        "snapshot %d: step %lld, epoch %d, validation loss %.4f\nclick to show the model as it was", nearest,
        (long long)p.step, p.epoch, p.val_loss);
    if (clicked) lab_scrub(lab, nearest);
  } else if (hovered) {
    ImGui::SetTooltip("Blue: the training loss of each batch, smoothed. Orange: the loss over the\n"
                      "%s, measured where its dots are; each dot is a snapshot of the\n"
                      "weights (click one). Loss (%s): lower is better.%s",
                      samples_text(lab, DataTarget::test).c_str(), loss_name(lab_config(lab).loss),
                      lab.model->shape.kind == ModelKind::vae
                          ? "\nA VAE's losses are per picture: green is the reconstruction (summed over the\n"
                            "pixels), purple the KL term, and orange their sum, recon + beta * KL."
                          : "");
  }
}

} // namespace aelab
