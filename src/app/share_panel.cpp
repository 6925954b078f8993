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

void download_model_file(App& app) {
  const LessonModelFile file = lesson_model_file(app);
  const std::string error = app.platform.save_figure ? app.platform.save_figure(file.bytes, file.name)
                                                     : "saving is not available here";
  if (error.empty()) app.lesson.downloaded_file = file.name;
  app_message(app, error.empty() ? (app.platform.web ? "downloaded " : "saved ") + file.name : error,
              !error.empty());
}

// What the link starts from. The lab behind the window shows it: the shipped model and random
// weights are loaded here too (asked about first over a network trained here), and the model as
// it is now goes into a file that the link names, downloaded for the teacher to put beside the page.
void starts_from(App& app) {
  Lesson& lesson = app.lesson;
  ImGui::SeparatorText("Starts from");
  const char* const labels[] = {"the model as it is now", "the shipped model", "random weights"};
  for (int i = 0; i < 3; i++) {
    if (i > 0) same_line_if_fits(labels[i]);
    if (ImGui::RadioButton(labels[i], lesson.model == i) && lesson.model != i) {
      PendingDiscard p{i == 1 ? Discard::shipped : Discard::reset};
      p.lesson_model = i;
      if (i == 0)
        lesson.model = 0;
      else if (i == 1 && app.lab.model_name == "shipped model" && app.lab.latest.steps == 0)
        lesson.model = 1; // already the shipped one
      else
        app_ask(app, p);
      const std::string value = lesson_model_value(app);
      if (i == 0 && value != "shipped" && value != "random" && value != lesson.model_file &&
          value != lesson.downloaded_file)
        download_model_file(app);
    }
    mark_item(app, std::string("starts:") + (i == 0 ? "now" : i == 1 ? "shipped" : "random"));
  }
  if (lesson.model != 0) return;
  const std::string value = lesson_model_value(app);
  if (value == "shipped" || value == "random" || value == lesson.model_file) return;
  text_disabled_wrapped("The link opens the model file %s: put it next to the page (the lab's own folder), "
                        "where the link looks for it.",
                        value.c_str());
  if (ImGui::Button(value == lesson.downloaded_file ? "Download it again" : "Download the model file"))
    download_model_file(app);
  mark_item(app, "download-model");
  if (value != lesson.downloaded_file) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "%s",
                       lesson.downloaded_file.empty() ? "not downloaded yet"
                                                      : "trained since the last download");
  }
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
  // as tall as its contents every frame (they change: the model file's line, the link), up to the
  // window's height, where it scrolls
  ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, display.x - 20), 0), ImGuiCond_Always);
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

  starts_from(app);

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
  // the link in a box of at most four lines (it scrolls), so the buttons below stay on screen
  const float wrap_w = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
  const float text_h = ImGui::CalcTextSize(link.c_str(), nullptr, false, wrap_w).y;
  const float box_h = std::min(text_h, 4 * ImGui::GetTextLineHeightWithSpacing()) + 2;
  ImGui::BeginChild("##link", ImVec2(-FLT_MIN, box_h), false);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.65f, 0.8f, 1.0f, 1.0f));
  ImGui::PushTextWrapPos(wrap_w);
  ImGui::TextUnformatted(link.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::EndChild();
  if (ImGui::Button("Copy link")) copy(app, link, "link");
  mark_item(app, "copy-link");
  same_line_if_fits("Copy iframe snippet");
  if (ImGui::Button("Copy iframe snippet")) copy(app, app_iframe_snippet(app), "iframe snippet");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("An <iframe> of 800x600 with ?embed=1, to paste into a course page.");
  if (app.platform.open_link) {
    same_line_if_fits("Open in a new tab");
    if (ImGui::Button("Open in a new tab")) app.platform.open_link(link);
  }
  same_line_if_fits("Close");
  if (ImGui::Button("Close")) app.share_open = false;
  mark_item(app, "share-close");
  ImGui::End();
}

} // namespace aelab
