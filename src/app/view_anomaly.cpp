// The Anomaly tab: a histogram of the test set's reconstruction losses with a threshold to drag,
// the drawing's loss on it, the worst-reconstructed test digits, and the other data set's
// pictures scored by the same model (with the ROC AUC of them against the test set).
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "app/app.h"
#include "app/view_data.h"
#include "app/view_widgets.h"

namespace aelab {
namespace {

constexpr ImU32 kOtherColor = IM_COL32(120, 220, 120, 255);

// What the comparison with the other data set says, or how far it has got.
void other_set_line(App& app, const AnomalyNumbers& a, bool scored) {
  const Lab& lab = app.lab;
  const char* theirs = dataset_title(lab.other_kind);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.47f, 0.86f, 0.47f, 1));
  if (scored && a.auc >= 0)
    ImGui::TextWrapped("green: %s's %d test pictures. ROC AUC %.4f: a threshold on the loss tells them from "
                       "%s's in %.1f%% of pairs.",
                       theirs, lab.other.count, a.auc, dataset_title(lab.dataset), 100 * a.auc);
  else if (lab.other.status == DataStatus::failed)
    ImGui::TextWrapped("%s: %s", theirs, lab.other.error.c_str());
  else if (lab.other.status == DataStatus::ready)
    ImGui::Text("scoring %s's test pictures...", theirs);
  else if (!lab.other.waiting.empty())
    ImGui::TextWrapped("%s: %s", theirs, lab.other.waiting.c_str());
  else
    ImGui::Text("loading %s's test pictures to compare: %.0f%%", theirs, 100 * lab.other.progress);
  ImGui::PopStyleColor();
  const bool stuck = lab.other.status == DataStatus::failed ||
                     (lab.other.status == DataStatus::loading && !lab.other.waiting.empty());
  if (stuck) { // a download that failed or waits to try again: Retry, as the Model panel's lines have
    same_line_if_fits("Retry");
    if (ImGui::SmallButton("Retry")) app_retry_data(app, DataTarget::other);
    mark_item(app, "retry:other");
  }
  tip("The same model scores another data set's test pictures: pictures it never learned.\n"
      "ROC AUC: the chance that one of them has a higher loss than one of the test set's\n"
      "(1: a threshold separates them perfectly, 0.5: no better than chance).");
}

// The histogram's loss axis: linear from 0, or (with the other data set, whose losses span two
// orders of magnitude more) logarithmic, so both hills show.
struct LossAxis {
  float lo = 0, hi = 1, span = 1;
  bool log = false;
  float frac_of(float loss) const { // 0-1 across the axis
    const float f = log ? std::log(std::max(loss, lo) / lo) / span : loss / hi;
    return std::min(1.0f, std::max(0.0f, f));
  }
  float loss_at(float f) const { return log ? lo * std::exp(f * span) : f * hi; }
};

LossAxis loss_axis(const ViewsState& v, const AnomalyNumbers& a, bool other) {
  const std::vector<float>& sorted = *v.scores.sorted;
  LossAxis axis;
  axis.hi = quantile(sorted, 0.999) * 1.15f;
  if (other) axis.hi = std::max(axis.hi, quantile(*v.other_scores.sorted, 0.99) * 1.05f);
  if (a.input_loss > 0) axis.hi = std::max(axis.hi, std::min(a.input_loss * 1.08f, sorted.back() * 1.08f));
  axis.hi = std::max(axis.hi, 1e-6f);
  axis.log = other;
  if (axis.log) axis.lo = std::max(1e-4f, std::min(sorted.front(), v.other_scores.sorted->front()) * 0.8f);
  axis.span = axis.log ? std::log(axis.hi / axis.lo) : axis.hi;
  return axis;
}

// Ticks: nice ones on a linear axis; 1, 2 and 5 times the powers of ten on a log axis (only the
// powers where those crowd).
std::vector<double> loss_ticks(const LossAxis& axis, float width) {
  if (!axis.log) return nice_ticks(0.0, double(axis.hi), std::max(2, int(width / 90)));
  std::vector<double> ticks;
  for (int pass = 0; pass < 2 && (ticks.empty() || int(ticks.size()) > width / 60); pass++) {
    ticks.clear();
    for (double p = std::pow(10.0, std::floor(std::log10(double(axis.lo)))); p <= double(axis.hi); p *= 10)
      for (double m : pass == 0 ? std::vector<double>{1, 2, 5} : std::vector<double>{1})
        if (m * p >= double(axis.lo) && m * p <= double(axis.hi)) ticks.push_back(m * p);
  }
  return ticks;
}

// Where the histogram is on screen: its top-left, width, the bars' baseline, and the bins.
struct Histogram {
  ImVec2 pos;
  float w = 0, base = 0;
  int bins = 10;
  LossAxis axis;
  float x_of(float loss) const { return pos.x + w * axis.frac_of(loss); }
  float bin_x(int b) const { return pos.x + w * float(b) / float(bins); }
  float bar_h(int count, int top) const { return (base - pos.y - 4) * float(count) / float(top); }
  std::vector<int> counts(const std::vector<float>& losses) const { // bins of equal width on the axis
    std::vector<int> out(size_t(bins), 0);
    for (float loss : losses) out[size_t(std::min(bins - 1, int(axis.frac_of(loss) * float(bins))))]++;
    return out;
  }
};

// The test set's bars (orange above the threshold) and the other data set's outline, scaled to
// its own tallest bin.
void histogram_bars(const Histogram& h, const ViewsState& v, float threshold, bool other) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(h.pos, ImVec2(h.pos.x + h.w, h.base), IM_COL32(22, 26, 34, 255));
  const std::vector<int> counts = h.counts(*v.scores.losses);
  const int top = std::max(1, *std::max_element(counts.begin(), counts.end()));
  for (int b = 0; b < h.bins; b++) {
    const bool above = h.axis.loss_at((float(b) + 0.5f) / float(h.bins)) > threshold;
    dl->AddRectFilled(ImVec2(h.bin_x(b) + 0.5f, h.base - h.bar_h(counts[size_t(b)], top)),
                      ImVec2(h.bin_x(b + 1) - 0.5f, h.base),
                      above ? IM_COL32(230, 120, 60, 255) : IM_COL32(90, 150, 230, 255));
  }
  if (!other) return;
  const std::vector<int> theirs = h.counts(*v.other_scores.losses);
  const int their_top = std::max(1, *std::max_element(theirs.begin(), theirs.end()));
  float last_y = h.base;
  for (int b = 0; b < h.bins; b++) {
    const float y = h.base - h.bar_h(theirs[size_t(b)], their_top);
    dl->AddLine(ImVec2(h.bin_x(b), last_y), ImVec2(h.bin_x(b), y), kOtherColor, 2.0f);
    dl->AddLine(ImVec2(h.bin_x(b), y), ImVec2(h.bin_x(b + 1), y), kOtherColor, 2.0f);
    last_y = y;
  }
}

// The axis's ticks, the threshold (orange) and the input's loss (white, labelled).
void histogram_marks(const Histogram& h, const AnomalyNumbers& a) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (double t : loss_ticks(h.axis, h.w)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", double(t));
    const float x = h.x_of(float(t)), text_w = ImGui::CalcTextSize(buf).x;
    dl->AddLine(ImVec2(x, h.base), ImVec2(x, h.base + 3), dim);
    dl->AddText(ImVec2(std::min(x - text_w / 2, h.pos.x + h.w - text_w), h.base + 3), dim, buf);
  }
  const float tx = h.x_of(a.threshold);
  dl->AddLine(ImVec2(tx, h.pos.y), ImVec2(tx, h.base), IM_COL32(255, 160, 60, 255), 2.5f);
  if (a.input_loss < 0) return;
  const float ix = h.x_of(a.input_loss);
  dl->AddLine(ImVec2(ix, h.pos.y), ImVec2(ix, h.base), IM_COL32(255, 255, 255, 255), 2.0f);
  char label[64] = "your input";
  if (a.input_loss > h.axis.hi)
    std::snprintf(label, sizeof label, "your input: %.3f, off the scale ->", a.input_loss);
  const float lw = ImGui::CalcTextSize(label).x;
  dl->AddText(ImVec2(std::min(ix + 4, h.pos.x + h.w - lw), h.pos.y + 2), IM_COL32(255, 255, 255, 255), label);
}

// The histogram, plot_h tall at the cursor: dragging it moves the threshold.
void histogram(App& app, const AnomalyNumbers& a, bool other, float plot_h) {
  ViewsState& v = app.views;
  Histogram h;
  h.pos = ImGui::GetCursorScreenPos();
  h.w = ImGui::GetContentRegionAvail().x;
  h.base = h.pos.y + plot_h - ImGui::GetTextLineHeight() - 4;
  h.bins = std::max(10, std::min(80, int(h.w / 8)));
  h.axis = loss_axis(v, a, other);
  ImGui::InvisibleButton("##histogram", ImVec2(h.w, plot_h));
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  histogram_bars(h, v, a.threshold, other);
  histogram_marks(h, a);
  if (active)
    v.threshold = std::max(
        0.0f, h.axis.loss_at(std::min(1.0f, std::max(0.0f, (ImGui::GetIO().MousePos.x - h.pos.x) / h.w))));
  if (hovered && !active)
    ImGui::SetTooltip("How many test pictures have each loss (blue; orange above the threshold)%s.\n"
                      "Drag to move the threshold; the white line is your input.",
                      other ? ", and the other data set's\n(green outline, scaled to its own peak), on a log "
                              "scale of the loss"
                            : "");
}

// The threshold and the share above it, and where the input falls.
void anomaly_lines(App& app, const AnomalyNumbers& a) {
  const Lab& lab = app.lab;
  ImGui::Text("threshold %.4f: %.1f%% of the test %s are above it", a.threshold, a.share_above,
              samples_noun(lab));
  tip("A loss above the threshold counts as unusual. It starts at the 99th percentile of the test\n"
      "%s' losses, so 1%% of them are flagged; drag it on the histogram.",
      samples_noun(lab));
  if (app.views.threshold >= 0) {
    ImGui::SameLine();
    if (ImGui::SmallButton("back to the 99th percentile")) app.views.threshold = -1;
  }
  if (a.input_loss < 0)
    ImGui::TextDisabled("draw something to see where it falls");
  else if (a.unusual)
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.35f, 1.0f),
                       "your input: loss %.4f, higher than %.1f%% of the test %s: unusual", a.input_loss,
                       a.percentile_of_input, samples_noun(lab));
  else
    ImGui::Text("your input: loss %.4f, higher than %.1f%% of the test %s: usual", a.input_loss,
                a.percentile_of_input, samples_noun(lab));
  tip("Your input's reconstruction loss and where it falls among the %s'.\n"
      "Draw something, then a scribble, a letter or a face, and compare.",
      samples_text(lab, DataTarget::test).c_str());
}

// The ten worst-reconstructed test digits, `thumbs` units each (a click loads one).
void worst_digits(App& app, float thumbs) {
  Lab& lab = app.lab;
  ImGui::TextDisabled("the 10 worst-reconstructed test pictures (click one to load it):");
  const std::vector<float>& losses = *app.views.scores.losses;
  std::vector<int> order(losses.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + std::min<ptrdiff_t>(10, ptrdiff_t(order.size())),
                    order.end(), [&](int i, int j) { return losses[size_t(i)] > losses[size_t(j)]; });
  const char* const suffixes[] = {"", "nd", "rd"};
  for (int k = 0; k < 10 && k < int(order.size()); k++) {
    const int i = order[size_t(k)];
    float pixels[kPixels];
    images_to_float(*lab.test.data, i, 1, pixels);
    char id[24];
    std::snprintf(id, sizeof id, "##worst%d", k);
    if (k) ImGui::SameLine();
    if (digit_image(id, pixels, kDigitSide, kDigitSide, thumbs)) lab_load_test_digit(lab, i);
    const std::string rank = k == 0 ? "" : std::to_string(k + 1) + (k < 3 ? suffixes[k] : "th");
    tip("test picture #%d (%s): loss %.4f, the %s highest", i,
        label_text(lab, lab.test.data->labels[size_t(i)]).c_str(), losses[size_t(i)], rank.c_str());
  }
}

} // namespace

void anomaly_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (!need_test_set(lab, "The anomaly view")) return;
  const double frame_ms = app.fps > 1 ? 1000.0 / app.fps : 16.7;
  if (scores_update(v.scores, lab, std::max(1.0, std::min(5.0, frame_ms / 12))))
    app_working(app, Work::scores);
  if (!v.scores.sorted) {
    const float done = v.scores.next >= 0 ? float(v.scores.next) / float(lab.test.data->count) : 0.0f;
    char text[64];
    std::snprintf(text, sizeof text, "scoring the %d test %s: %.0f%%", lab.test.data->count,
                  samples_noun(lab), 100 * done);
    ImGui::ProgressBar(done, ImVec2(-FLT_MIN, 0), text);
    return;
  }
  if (scores_update(v.other_scores, lab, 2.0))
    app_working(app, Work::scores); // the other data set's, once loaded
  update_auc(v);
  const bool other = v.other_scores.sorted && v.other_scores.version == v.scores.version;
  const AnomalyNumbers a = anomaly_numbers(app);
  if (lab.model->shape.kind == ModelKind::vae)
    text_disabled_wrapped(
        "Each test picture's loss under this VAE, per picture: its reconstruction (summed "
        "over the pixels, decoding mu) plus its KL term. A picture unlike the training data "
        "scores high: drag the orange threshold to call what is above it unusual.");
  else
    text_disabled_wrapped("Each test picture's reconstruction loss. A picture unlike the training data "
                          "reconstructs badly and scores high: drag the orange threshold to call what is "
                          "above it unusual.");
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float thumbs = std::min(56.0f, std::floor((avail.x - 9 * style.ItemSpacing.x) / 10));
  const float plot_h =
      std::max(80.0f, std::floor(avail.y - 4 * ImGui::GetTextLineHeightWithSpacing() - thumbs -
                                 ImGui::GetTextLineHeight() - 3 * style.ItemSpacing.y));
  histogram(app, a, other, plot_h);
  other_set_line(app, a, other);
  anomaly_lines(app, a);
  worst_digits(app, thumbs);
}

} // namespace aelab
