// The question before anything trained is thrown away: Reset, Train a fresh network, Back to the
// shipped model, Load, another data set, a new architecture and a lesson link opened in this tab
// all go through app_ask (app_state.cpp), which lands here when the network was trained. The
// person answers: do it, save the network first and then do it, or cancel.
#include <imgui.h>

#include <cstdio>

#include "app/app.h"

namespace aelab {
namespace {

constexpr const char* kTitle = "Throw away the trained network?###discard";

// What the action does, in a sentence, and its button's label.
void describe(const App& app, const PendingDiscard& p, std::string* what, std::string* button) {
  const Lab& lab = app.lab;
  char text[160];
  switch (p.action) {
  case Discard::fresh:
    *what = "New random weights replace it, and training starts from scratch.",
    *button = "Train from scratch";
    return;
  case Discard::shipped:
    *what = "The shipped model replaces it.", *button = "Load the shipped model";
    return;
  case Discard::load:
    *what = "The model file you pick replaces it.", *button = "Pick a model file";
    return;
  case Discard::dataset:
    std::snprintf(text, sizeof text, "It learned %s; switching to %s, training starts over on those.",
                  dataset_title(lab.dataset), dataset_title(p.dataset));
    *what = text, *button = std::string("Switch to ") + dataset_title(p.dataset);
    return;
  case Discard::shape:
    std::snprintf(text, sizeof text, "%s with random weights (seed %d) replaces it.",
                  model_shape_text(p.shape).c_str(), int(lab_config(lab).seed));
    *what = text, *button = "Build it";
    return;
  case Discard::lesson:
    *what = "The lesson link opens its own model and settings.", *button = "Open the lesson";
    return;
  default:
    *what = "New random weights replace it.", *button = "Reset";
  }
}

} // namespace

void discard_popup(App& app) {
  const PendingDiscard p = app.question;
  if (p.action != Discard::none && !ImGui::IsPopupOpen(kTitle)) ImGui::OpenPopup(kTitle);
  if (!ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    app.question = PendingDiscard{};
    return;
  }
  const Lab& lab = app.lab;
  const Snapshot& run = lab.latest;
  std::string what, button;
  describe(app, p, &what, &button);
  if (run.steps > 0)
    ImGui::Text("%s has been trained for %lld steps here (%u epochs in all).", lab.model_name.c_str(),
                (long long)run.steps, run.epochs_before + uint32_t(lab_epoch(lab)));
  else
    ImGui::Text("%s has been trained for %u epochs.", lab.model_name.c_str(), run.epochs_before);
  ImGui::TextUnformatted(what.c_str());
  ImGui::TextDisabled("%s",
                      lab.shipped_model.empty() || p.action == Discard::shipped
                          ? "Save it first to keep it."
                          : "Save it first to keep it (\"Back to the shipped model\" brings that one back).");
  auto answer = [&](bool save) {
    if (save) lab_save(app.lab); // the run saves before it takes the next command
    app.question = PendingDiscard{};
    ImGui::CloseCurrentPopup();
    app_do(app, p);
  };
  if (ImGui::Button(button.c_str())) answer(false);
  mark_item(app, "discard:do");
  ImGui::SameLine();
  if (app_control_shown(app, Control::save)) {
    if (ImGui::Button(app.platform.web ? "Save (download) first" : "Save first")) answer(true);
    mark_item(app, "discard:save");
    ImGui::SameLine();
  }
  if (ImGui::Button("Cancel")) app.question = PendingDiscard{}, ImGui::CloseCurrentPopup();
  mark_item(app, "discard:cancel");
  ImGui::EndPopup();
}

} // namespace aelab
