// The Anomaly tab: a histogram of the test set's reconstruction losses with a threshold to drag,
// the drawing's loss on it, the worst-reconstructed test digits, and the other data set's
// pictures scored by the same model (with the ROC AUC of them against the test set).
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
  else
    ImGui::Text("loading %s's test pictures to compare: %.0f%%", theirs, 100 * lab.other.progress);
  ImGui::PopStyleColor();
  tip("The same model scores another data set's test pictures: pictures it never learned.\n"
      "ROC AUC: the chance that one of them has a higher loss than one of the test set's\n"
      "(1: a threshold separates them perfectly, 0.5: no better than chance).");
}

} // namespace

void anomaly_view(App& app) {
  Lab& lab = app.lab;
  ViewsState& v = app.views;
  if (!need_test_set(lab, "The anomaly view")) return;
  const double frame_ms = app.fps > 1 ? 1000.0 / app.fps : 16.7;
  scores_update(v.scores, lab, std::max(1.0, std::min(5.0, frame_ms / 12)));
  if (!v.scores.sorted) {
    const float done = v.scores.next >= 0 ? float(v.scores.next) / float(lab.test.data->count) : 0.0f;
    char text[64];
    std::snprintf(text, sizeof text, "scoring the %d test digits: %.0f%%", lab.test.data->count, 100 * done);
    ImGui::ProgressBar(done, ImVec2(-FLT_MIN, 0), text);
    return;
  }
  const std::vector<float>& sorted = *v.scores.sorted;
  scores_update(v.other_scores, lab, 2.0); // the other data set's, once it is loaded
  update_auc(v);
  const bool other = v.other_scores.sorted && v.other_scores.version == v.scores.version;
  const AnomalyNumbers a = anomaly_numbers(app);
  text_disabled_wrapped("Each test picture's reconstruction loss. A picture unlike the training data "
                        "reconstructs badly and scores high: drag the orange threshold to call what is "
                        "above it unusual.");

  // the histogram, with the threshold (orange, draggable) and the input's loss (white)
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line_h = ImGui::GetTextLineHeight();
  const float thumbs = std::min(56.0f, std::floor((avail.x - 9 * style.ItemSpacing.x) / 10));
  const float plot_h = std::max(80.0f, std::floor(avail.y - 4 * ImGui::GetTextLineHeightWithSpacing() -
                                                  thumbs - line_h - 3 * style.ItemSpacing.y));
  float hi = quantile(sorted, 0.999) * 1.15f;
  if (other) hi = std::max(hi, quantile(*v.other_scores.sorted, 0.99) * 1.05f);
  if (a.input_loss > 0) hi = std::max(hi, std::min(a.input_loss * 1.08f, sorted.back() * 1.08f));
  hi = std::max(hi, 1e-6f);
  // With the other data set the losses span two orders of magnitude: a log scale shows both hills.
  const bool log_scale = other;
  float lo = 0;
  if (log_scale) lo = std::max(1e-4f, std::min(sorted.front(), v.other_scores.sorted->front()) * 0.8f);
  const float span = log_scale ? std::log(hi / lo) : hi;
  auto frac_of = [&](float loss) {
    const float f = log_scale ? std::log(std::max(loss, lo) / lo) / span : loss / hi;
    return std::min(1.0f, std::max(0.0f, f));
  };
  auto loss_at = [&](float f) { return log_scale ? lo * std::exp(f * span) : f * hi; };
  const int bins = std::max(10, std::min(80, int(avail.x / 8)));
  auto bin_counts = [&](const std::vector<float>& losses) { // bins of equal width on the axis
    std::vector<int> counts(size_t(bins), 0);
    for (float loss : losses) counts[size_t(std::min(bins - 1, int(frac_of(loss) * float(bins))))]++;
    return counts;
  };
  const std::vector<int> counts = bin_counts(*v.scores.losses);
  const int top = std::max(1, *std::max_element(counts.begin(), counts.end()));
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##histogram", ImVec2(avail.x, plot_h));
  const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float base = pos.y + plot_h - line_h - 4;
  auto x_of = [&](float loss) { return pos.x + avail.x * frac_of(loss); };
  dl->AddRectFilled(pos, ImVec2(pos.x + avail.x, base), IM_COL32(22, 26, 34, 255));
  for (int b = 0; b < bins; b++) {
    const float x0 = pos.x + avail.x * float(b) / float(bins),
                x1 = pos.x + avail.x * float(b + 1) / float(bins);
    const float h = (base - pos.y - 4) * float(counts[size_t(b)]) / float(top);
    const bool above = loss_at((float(b) + 0.5f) / float(bins)) > a.threshold;
    dl->AddRectFilled(ImVec2(x0 + 0.5f, base - h), ImVec2(x1 - 0.5f, base),
                      above ? IM_COL32(230, 120, 60, 255) : IM_COL32(90, 150, 230, 255));
  }
  if (other) { // the other data set as an outline on the same bins, scaled to its own tallest bin
    const std::vector<int> theirs = bin_counts(*v.other_scores.losses);
    const int their_top = std::max(1, *std::max_element(theirs.begin(), theirs.end()));
    float last_y = base;
    for (int b = 0; b < bins; b++) {
      const float x0 = pos.x + avail.x * float(b) / float(bins),
                  x1 = pos.x + avail.x * float(b + 1) / float(bins);
      const float y = base - (base - pos.y - 4) * float(theirs[size_t(b)]) / float(their_top);
      dl->AddLine(ImVec2(x0, last_y), ImVec2(x0, y), kOtherColor, 2.0f);
      dl->AddLine(ImVec2(x0, y), ImVec2(x1, y), kOtherColor, 2.0f);
      last_y = y;
    }
  }
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  std::vector<double> ticks;
  if (!log_scale) {
    ticks = nice_ticks(0.0, double(hi), std::max(2, int(avail.x / 90)));
  } else { // 1, 2 and 5 times the powers of ten within the range, or only the powers if crowded
    for (int pass = 0; pass < 2 && (ticks.empty() || int(ticks.size()) > avail.x / 60); pass++) {
      ticks.clear();
      for (double p = std::pow(10.0, std::floor(std::log10(double(lo)))); p <= double(hi); p *= 10)
        for (double m : pass == 0 ? std::vector<double>{1, 2, 5} : std::vector<double>{1})
          if (m * p >= double(lo) && m * p <= double(hi)) ticks.push_back(m * p);
    }
  }
  for (double t : ticks) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", double(t));
    const float x = x_of(float(t));
    dl->AddLine(ImVec2(x, base), ImVec2(x, base + 3), dim);
    dl->AddText(
        ImVec2(std::min(x - ImGui::CalcTextSize(buf).x / 2, pos.x + avail.x - ImGui::CalcTextSize(buf).x),
               base + 3),
        dim, buf);
  }
  const float tx = x_of(a.threshold);
  dl->AddLine(ImVec2(tx, pos.y), ImVec2(tx, base), IM_COL32(255, 160, 60, 255), 2.5f);
  if (a.input_loss >= 0) {
    const float ix = x_of(a.input_loss);
    dl->AddLine(ImVec2(ix, pos.y), ImVec2(ix, base), IM_COL32(255, 255, 255, 255), 2.0f);
    char label[64] = "your input";
    if (a.input_loss > hi)
      std::snprintf(label, sizeof label, "your input: %.3f, off the scale ->", a.input_loss);
    const float lw = ImGui::CalcTextSize(label).x;
    dl->AddText(ImVec2(std::min(ix + 4, pos.x + avail.x - lw), pos.y + 2), IM_COL32(255, 255, 255, 255),
                label);
  }
  if (active)
    v.threshold = std::max(
        0.0f, loss_at(std::min(1.0f, std::max(0.0f, (ImGui::GetIO().MousePos.x - pos.x) / avail.x))));
  if (hovered && !active)
    ImGui::SetTooltip("How many test pictures have each loss (blue; orange above the threshold)%s.\n"
                      "Drag to move the threshold; the white line is your input.",
                      other ? ", and the other data set's\n(green outline, scaled to its own peak), on a log "
                              "scale of the loss"
                            : "");
  other_set_line(app, a, other);

  ImGui::Text("threshold %.4f: %.1f%% of the test digits are above it", a.threshold, a.share_above);
  tip("A loss above the threshold counts as unusual. It starts at the 99th percentile of the test\n"
      "digits' losses, so 1%% of them are flagged; drag it on the histogram.");
  if (v.threshold >= 0) {
    ImGui::SameLine();
    if (ImGui::SmallButton("back to the 99th percentile")) v.threshold = -1;
  }
  if (a.input_loss < 0)
    ImGui::TextDisabled("draw something to see where it falls");
  else if (a.unusual)
    ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.35f, 1.0f),
                       "your input: loss %.4f, higher than %.1f%% of the test digits: unusual", a.input_loss,
                       a.percentile_of_input);
  else
    ImGui::Text("your input: loss %.4f, higher than %.1f%% of the test digits: usual", a.input_loss,
                a.percentile_of_input);
  tip("Your input's reconstruction loss and where it falls among the 10,000 test digits'.\n"
      "Draw a digit, then a scribble, a letter or a face, and compare.");

  // the ten worst-reconstructed test digits (a click loads one)
  ImGui::TextDisabled("the 10 worst-reconstructed test pictures (click one to load it):");
  const std::vector<float>& losses = *v.scores.losses;
  std::vector<int> order(losses.size());
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + std::min<ptrdiff_t>(10, ptrdiff_t(order.size())),
                    order.end(), [&](int i, int j) { return losses[size_t(i)] > losses[size_t(j)]; });
  for (int k = 0; k < 10 && k < int(order.size()); k++) {
    const int i = order[size_t(k)];
    float pixels[kPixels];
    images_to_float(*lab.test.data, i, 1, pixels);
    char id[24];
    std::snprintf(id, sizeof id, "##worst%d", k);
    if (k) ImGui::SameLine();
    if (digit_image(id, pixels, kDigitSide, kDigitSide, thumbs)) lab_load_test_digit(lab, i);
    tip("test picture #%d (%s): loss %.4f, the %s highest", i,
        label_text(lab, lab.test.data->labels[size_t(i)]).c_str(), losses[size_t(i)],
        k == 0 ? ""
               : (std::to_string(k + 1) + (k == 1   ? "nd"
                                           : k == 2 ? "rd"
                                                    : "th"))
                     .c_str());
  }
}

} // namespace aelab
