// The "Share / make a lesson" window: a teacher ticks what the lesson shows and hides, types a
// title and a note, and copies the link or an iframe snippet. Every change applies to this lab
// at once, so the lab behind the window is the preview.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstring>

#include "app/app.h"

namespace aelab {
namespace {

const char* const kPanelTitles[kPanelCount] = {"Draw a digit", "Latent code", "Train", "Look inside",
                                               "Model and data"};

void copy(App& app, const std::string& text, const char* what) {
  std::string error;
  if (app.platform.copy_text)
    error = app.platform.copy_text(text);
  else
    ImGui::SetClipboardText(text.c_str());
  app_message(app, error.empty() ? std::string(what) + " copied" : error, !error.empty());
}

// A labelled text field (the label first) bound to a std::string of at most `capacity` bytes.
bool string_field(const char* label, std::string* s, size_t capacity) {
  std::vector<char> buf(capacity + 1, 0);
  std::memcpy(buf.data(), s->data(), std::min(s->size(), capacity));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(50);
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (!ImGui::InputText((std::string("##") + label).c_str(), buf.data(), buf.size())) return false;
  *s = buf.data();
  return true;
}

} // namespace

std::string app_share_link(const App& app) {
  const std::string settings = app_lesson_link(app);
  if (!app.platform.page_address) return settings;
  return app.platform.page_address() + "#" + settings;
}

std::string app_iframe_snippet(const App& app) {
  const std::string address = app.platform.page_address ? app.platform.page_address() : "index.html";
  const std::string query = address.find('?') == std::string::npos ? "?embed=1" : "&embed=1";
  return "<iframe src=\"" + address + query + "#" + app_lesson_link(app) +
         "\" width=\"800\" height=\"600\" style=\"border:0\" title=\"aelab: an autoencoder lab\" "
         "loading=\"lazy\"></iframe>";
}

void share_window(App& app) {
  if (!app.share_open) return;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  // as wide as fits, up to 640; as tall as its contents (height 0), within the window
  ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, display.x - 20), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowSizeConstraints(ImVec2(200, 100), ImVec2(display.x - 10, display.y - 10));
  ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::Begin("Share / make a lesson", &app.share_open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  Lesson& lesson = app.lesson;
  text_disabled_wrapped("Everything you change here applies to this lab at once: what you see behind "
                        "this window is what the link opens. The settings in the Train panel go into "
                        "the link as they are now.");
  string_field("title", &lesson.title, 300);
  string_field("note", &lesson.note, 300);

  ImGui::SeparatorText("Starts from");
  ImGui::RadioButton("the model as it is now", &lesson.model, 0);
  ImGui::SameLine();
  ImGui::RadioButton("the shipped model", &lesson.model, 1);
  ImGui::SameLine();
  ImGui::RadioButton("random weights", &lesson.model, 2);

  ImGui::SeparatorText("Panels shown");
  for (int i = 0; i < kPanelCount; i++) {
    bool on = (lesson.panels >> i) & 1u;
    if (i > 0) same_line_if_fits(kPanelTitles[i]);
    if (ImGui::Checkbox(kPanelTitles[i], &on)) {
      const uint32_t panels = on ? lesson.panels | (1u << i) : lesson.panels & ~(1u << i);
      if (panels != 0) lesson.panels = panels; // at least one panel
    }
  }

  ImGui::SeparatorText("Controls hidden");
  if (ImGui::BeginTable("##controls", 3)) {
    for (int i = 0; i < kControlCount; i++) {
      ImGui::TableNextColumn();
      ImGui::Checkbox(kControlTitles[i], &lesson.hidden[i]);
    }
    ImGui::EndTable();
  }
  if (lesson.hidden[int(Control::share)])
    text_disabled_wrapped("The Share button is hidden now; the lesson link opens without it.");

  ImGui::SeparatorText(app.platform.page_address ? "Link" : "Settings (aelab_app --lesson '...')");
  const std::string link = app_share_link(app);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.65f, 0.8f, 1.0f, 1.0f));
  ImGui::TextWrapped("%s", link.c_str());
  ImGui::PopStyleColor();
  if (ImGui::Button("Copy link")) copy(app, link, "link");
  ImGui::SameLine();
  if (ImGui::Button("Copy iframe snippet")) copy(app, app_iframe_snippet(app), "iframe snippet");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("An <iframe> of 800x600 with ?embed=1, to paste into a course page.");
  if (app.platform.open_link) {
    ImGui::SameLine();
    if (ImGui::Button("Open in a new tab")) app.platform.open_link(link);
  }
  ImGui::SameLine();
  if (ImGui::Button("Close")) app.share_open = false;
  ImGui::End();
}

} // namespace aelab
