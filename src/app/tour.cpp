// The first-visit tour: six short steps, each pointing at its panel (draw, the reconstruction,
// the code, training, the map, the explanations). Skippable; the page remembers that it was
// seen (localStorage) and starts it only on a first visit outside an iframe, or with tour=1.
#include <imgui.h>

#include <algorithm>

#include "app/app.h"

namespace aelab {
namespace {

struct TourStep {
  Panel panel;
  const char* title;
  const char* text;
};

const TourStep kTour[] = {
    {Panel::draw, "1. Draw a digit",
     "Draw any digit from 0 to 9 in the black square, with the mouse, a pen or a finger. The network "
     "gets it as 28x28 = 784 numbers, one per pixel."},
    {Panel::draw, "2. See what comes back",
     "Below the canvas: what the network sees, and its reconstruction, drawn back from the code alone. "
     "The loss says how far apart the two are."},
    {Panel::latent, "3. Look at the code",
     "These bars are the code: the few numbers the encoder keeps of your 784 pixels, and all the decoder "
     "gets. Drag a bar and watch the decoder's picture change."},
    {Panel::train, "4. Train it",
     "This network has already been trained for 50 epochs. Train a fresh one from scratch and watch the "
     "losses fall as it learns, digit by digit."},
    {Panel::views, "5. Look inside",
     "The Latent map shows every test digit's code as a dot: digits the network finds alike sit together. "
     "The other tabs decode the map, walk between digits and show what each unit looks for."},
    {Panel::model, "6. Ask the lab",
     "Every panel has a ? in its title bar that says what it shows and what to try. \"About autoencoders\", "
     "at the bottom of this panel, opens the page's own explanation below the lab. Have fun!"},
};
constexpr int kTourSteps = int(sizeof kTour / sizeof kTour[0]);

// The next step from `from` (going by `dir`) whose panel the lesson shows, or -1.
int shown_step(const App& app, int from, int dir) {
  for (int i = from; i >= 0 && i < kTourSteps; i += dir)
    if (app_panel_shown(app, kTour[i].panel)) return i;
  return -1;
}

// In the tabbed layouts, the tab of panel p (the compact layout shows the draw panel always).
void show_panel(App& app, Panel p) {
  const bool visible = app.layout == LayoutMode::full || app.tab == p ||
                       (app.layout == LayoutMode::compact && p == Panel::draw);
  if (!visible) app.tab = p, app.tab_select = true;
}

void end_tour(App& app) {
  app.tour_step = -1;
  if (app.platform.tour_done) app.platform.tour_done();
}

} // namespace

void app_start_tour(App& app) {
  app.tour_step = shown_step(app, 0, 1);
  if (app.tour_step >= 0) show_panel(app, kTour[app.tour_step].panel);
}

void tour_window(App& app) {
  if (app.tour_step < 0 || app.tour_step >= kTourSteps) return;
  const TourStep& step = kTour[app.tour_step];
  const Rect& r = app.panel_rects[int(step.panel)];
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  // the panel it is about, outlined
  if (r.w > 0)
    ImGui::GetForegroundDrawList()->AddRect(ImVec2(r.x - 1, r.y - 1), ImVec2(r.x + r.w + 1, r.y + r.h + 1),
                                            IM_COL32(255, 200, 80, 255), 4, 0, 3);
  // beside the panel where there is room, else over its lower part
  const float w = std::min(320.0f, display.x - 16);
  ImVec2 at(r.x + r.w + 10, r.y + 30);
  if (at.x + w > display.x - 8) at.x = r.x - w - 10;
  if (at.x < 8) at = ImVec2(std::max(8.0f, r.x + 0.5f * (r.w - w)), r.y + 0.55f * r.h);
  at.y = std::min(at.y, display.y - 190);
  ImGui::SetNextWindowPos(at, ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(w, 0), ImGuiCond_Always);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.13f, 0.16f, 0.22f, 0.97f));
  ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(1.0f, 0.78f, 0.31f, 1.0f));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize;
  if (ImGui::Begin("##tour", nullptr, flags)) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.85f, 0.45f, 1.0f));
    ImGui::TextUnformatted(step.title);
    ImGui::PopStyleColor();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - 20);
    ImGui::TextUnformatted(step.text);
    ImGui::PopTextWrapPos();
    const int back = shown_step(app, app.tour_step - 1, -1), next = shown_step(app, app.tour_step + 1, 1);
    ImGui::BeginDisabled(back < 0);
    if (ImGui::Button("Back")) app.tour_step = back;
    ImGui::EndDisabled();
    ImGui::SameLine();
    const bool pressed = ImGui::Button(next < 0 ? "Done" : "Next");
    app.tour_buttons[0] = item_rect();
    if (pressed) {
      if (next < 0)
        end_tour(app);
      else
        app.tour_step = next;
    }
    ImGui::SameLine();
    app.tour_buttons[1] = {};
    if (next >= 0) {
      if (ImGui::Button("Skip the tour")) end_tour(app);
      app.tour_buttons[1] = item_rect();
    }
    if (app.tour_step >= 0) show_panel(app, kTour[app.tour_step].panel);
  }
  ImGui::End();
  ImGui::PopStyleColor(2);
}

} // namespace aelab
