// The app's frame: lays the five panels out to fit the window (no overlaps, any size), takes the
// run's newest snapshot (on the frames host, advances training within the frame's budget), and
// answers the JavaScript API's state()/set() calls.
#include "app/app.h"

#include <imgui.h>
#include <imgui_internal.h> // the hovered window's scroll range, for wheel_wanted

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "core/limits.h"
#include "core/threads.h"
#include "lab/json.h"

// The UI font's bytes (generated from ./build.sh's Roboto cut by cmake/embed_file.cmake).
extern const unsigned char aelab_ui_font[];
extern const unsigned aelab_ui_font_size;

namespace aelab {
namespace {

// The glyphs the font holds (UI_FONT_GLYPHS in build.sh): Latin, dashes, quotes, bullet,
// ellipsis, arrows, minus. Lesson titles and notes may use any of them.
constexpr ImWchar kFontGlyphs[] = {0x0020, 0x017F, 0x2013, 0x2014, 0x2018, 0x201D, 0x2022, 0x2022,
                                   0x2026, 0x2026, 0x2190, 0x2193, 0x2212, 0x2212, 0};

// Panel rectangles for a window of w x h below a banner `top` tall: draw | latent | training
// above, the views (tabs) | model below, each row sharing its width among the panels a lesson
// shows (a row with none leaves its height to the other).
struct Layout {
  Rect panels[kPanelCount]; // by Panel; zero size when not shown
  Rect strip;               // the tab strip of the compact and phone layouts
};

constexpr float kGap = 4;

Layout full_layout(float w, float h, float top, uint32_t shown) {
  const float gap = kGap;
  const float weights[kPanelCount] = {0.37f, 0.25f, 0.38f, 0.74f, 0.26f};
  const int rows[2][3] = {{0, 1, 2}, {3, 4, -1}};
  auto row_weight = [&](int r) {
    float sum = 0;
    for (int i : rows[r])
      if (i >= 0 && ((shown >> i) & 1u)) sum += weights[i];
    return sum;
  };
  const bool upper = row_weight(0) > 0, lower = row_weight(1) > 0;
  const float inner_h = h - top - gap * (upper && lower ? 3 : 2);
  float bottom_h = std::max(180.0f, std::min(0.45f * h, 600.0f)); // the views: as much as the top row spares
  if (!upper) bottom_h = inner_h;
  if (!lower) bottom_h = 0;
  const float top_h = inner_h - bottom_h;
  Layout l;
  for (int r = 0; r < 2; r++) {
    int count = 0;
    for (int i : rows[r])
      if (i >= 0 && ((shown >> i) & 1u)) count++;
    if (count == 0) continue;
    const float y = top + gap + (r == 1 && upper ? top_h + gap : 0), row_h = r == 0 ? top_h : bottom_h;
    const float inner_w = w - gap * float(count + 1), total = row_weight(r);
    float x = gap;
    int placed = 0;
    for (int i : rows[r]) {
      if (i < 0 || !((shown >> i) & 1u)) continue;
      placed++;
      const float pw = placed == count ? w - gap - x : std::round(inner_w * weights[i] / total);
      l.panels[i] = {x, y, pw, row_h};
      x += pw + gap;
    }
  }
  return l;
}

LayoutMode layout_mode(const App& app, float w, float h) {
  if (w < 600) return LayoutMode::phone;
  if (app.embed || w < 1000 || h < 680) return LayoutMode::compact;
  return LayoutMode::full;
}

// The panels the compact layout keeps in its left column, out of the tabs: the draw panel (if
// shown), and in a tall window (a tablet held upright) the latent code under it. A bit per Panel.
uint32_t column_panels(const App& app, LayoutMode mode, float w, float h, float top) {
  uint32_t column = 0;
  if (mode != LayoutMode::compact || !app_panel_shown(app, Panel::draw)) return column;
  column |= 1u << int(Panel::draw);
  if (app_panel_shown(app, Panel::latent) && h - top >= 900 && h >= 1.2f * w)
    column |= 1u << int(Panel::latent);
  return column;
}

// Compact: the column_panels on the left, the rest as tabs on the right. Phone: every panel a
// tab, one at a time under the strip. Only the panel of the chosen tab gets a rectangle.
Layout tabbed_layout(const App& app, LayoutMode mode, float w, float h, float top, float strip_h) {
  Layout l;
  const uint32_t column = column_panels(app, mode, w, h, top);
  float x = kGap;
  if (column) {
    const float column_w = std::round(std::min(std::max(0.38f * w, 240.0f), 0.5f * w));
    const float column_h = h - top - 2 * kGap;
    const bool both = column & (1u << int(Panel::latent));
    const float draw_h = both ? std::round(0.56f * column_h) : column_h;
    l.panels[int(Panel::draw)] = {kGap, top + kGap, column_w, draw_h};
    if (both)
      l.panels[int(Panel::latent)] = {kGap, top + 2 * kGap + draw_h, column_w, column_h - draw_h - kGap};
    x += column_w + kGap;
  }
  l.strip = {x, top + kGap, w - x - kGap, strip_h};
  if (!(column & (1u << int(app.tab)))) // else the strip holds no panel (a lesson shows only these)
    l.panels[int(app.tab)] = {x, top + kGap + strip_h, w - x - kGap, h - top - 2 * kGap - strip_h};
  return l;
}

// The tab strip of the tabbed layouts: a tab per panel it holds, then Share and (embedded)
// "Open the full lab". Picks app.tab.
void tab_strip(App& app, const Rect& r, uint32_t column) {
  const char* const titles[kPanelCount] = {"Draw", "Latent code", "Train", "Look inside", "Model"};
  const char* const short_titles[kPanelCount] = {"Draw", "Code", "Train", "Look", "Model"};
  const bool narrow = r.w < 640;
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                                 ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 4));
  ImGui::Begin("##strip", nullptr, flags);
  if (ImGui::BeginTabBar("##panels", ImGuiTabBarFlags_FittingPolicyScroll)) {
    for (int i = 0; i < kPanelCount; i++) {
      if (!app_panel_shown(app, Panel(i)) || (column & (1u << i))) continue;
      const ImGuiTabItemFlags tab_flags =
          app.tab_select && app.tab == Panel(i) ? ImGuiTabItemFlags_SetSelected : 0;
      char label[48];
      std::snprintf(label, sizeof label, "%s###tab%d", narrow ? short_titles[i] : titles[i], i);
      const bool open = ImGui::BeginTabItem(label, nullptr, tab_flags);
      mark_item(app, std::string("tab:") + kPanelNames[i]);
      if (open) {
        if (!app.tab_select) app.tab = Panel(i);
        ImGui::EndTabItem();
      }
    }
    if (app_control_shown(app, Control::share)) {
      if (ImGui::TabItemButton(narrow ? "Share" : "Share / make a lesson", ImGuiTabItemFlags_Trailing))
        app.share_open = true;
      app.share_button = item_rect();
      mark_item(app, "share");
    }
    if (app.embed && app.platform.open_full_lab) {
      if (ImGui::TabItemButton(narrow ? "Full lab" : "Open the full lab", ImGuiTabItemFlags_Trailing))
        app.platform.open_full_lab();
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("This lab, as it is now, in a page of its own (a new tab).");
    }
    ImGui::EndTabBar();
  }
  app.tab_select = false;
  ImGui::End();
  ImGui::PopStyleVar();
}

// The lesson's title, note and the bad values of its link, a line each, above the panels (0 tall
// without them).
// Without the Look inside panel (whose tab bar holds it) the Share button goes here too.
bool share_in_banner(const App& app) {
  return app.layout == LayoutMode::full && !app_panel_shown(app, Panel::views) &&
         !app.lesson.hidden[int(Control::share)];
}

float lesson_banner_height(const App& app) {
  const int lines = std::max(int(!app.lesson.title.empty()), int(share_in_banner(app))) +
                    int(!app.lesson.note.empty()) + int(!app.lesson.notices.empty());
  return lines == 0 ? 0 : 6 + float(lines) * ImGui::GetTextLineHeightWithSpacing();
}

void lesson_banner(App& app, float w, float h) {
  if (h <= 0) return;
  ImGui::SetNextWindowPos(ImVec2(4, 2), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(w - 8, h), ImGuiCond_Always);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                                 ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 3));
  ImGui::Begin("##lesson", nullptr, flags);
  if (share_in_banner(app)) {
    if (ImGui::SmallButton("Share / make a lesson")) app.share_open = true;
    app.share_button = item_rect();
    if (!app.lesson.title.empty()) ImGui::SameLine();
  }
  if (!app.lesson.title.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.85f, 0.45f, 1.0f));
    ImGui::TextUnformatted(app.lesson.title.c_str());
    ImGui::PopStyleColor();
  }
  if (!app.lesson.note.empty()) ImGui::TextUnformatted(app.lesson.note.c_str());
  if (!app.lesson.notices.empty()) {
    if (ImGui::SmallButton("OK##notices")) app.lesson.notices.clear();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.55f, 0.45f, 1.0f));
    const std::string& first = app.lesson.notices[0];
    if (app.lesson.notices.size() == 1)
      ImGui::TextUnformatted(first.c_str());
    else
      ImGui::Text("%s (and %d more)", first.c_str(), int(app.lesson.notices.size()) - 1);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered() && app.lesson.notices.size() > 1) {
      ImGui::BeginTooltip();
      for (const std::string& n : app.lesson.notices) ImGui::TextUnformatted(n.c_str());
      ImGui::EndTooltip();
    }
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

constexpr double kTargetFps = 52, kMinBudgetMs = 2, kMaxBudgetMs = 10;

// Every half second of training: a frame rate under the target shrinks the budget by a fifth;
// one comfortably above it (a 60 Hz display with time to spare) grows it by half a millisecond.
// Where even an idle frame is slower than the target (a software renderer), it settles at the
// minimum, so training never costs more than kMinBudgetMs of a frame there.
void adapt_budget(App& app) {
  FrameBudget& b = app.budget;
  const double now = now_ms();
  if (!b.automatic || !lab_training(app.lab)) {
    b.window_start_ms = -1;
    return;
  }
  if (b.window_start_ms < 0) {
    b.window_start_ms = now, b.window_frames = 0;
    return;
  }
  b.window_frames++;
  const double elapsed = now - b.window_start_ms;
  if (elapsed < 500) return;
  const double fps = 1000.0 * b.window_frames / elapsed;
  if (fps < kTargetFps)
    b.ms = std::max(kMinBudgetMs, b.ms * 0.8);
  else if (fps > kTargetFps + 4)
    b.ms = std::min(kMaxBudgetMs, b.ms + 0.5);
  b.window_start_ms = now, b.window_frames = 0;
}

void request_training_set_if_needed(App& app) {
  const bool wanted =
      app.lab.latest.status == RunStatus::waiting_for_data && app.lab.latest.seq >= app.lab.dataset_seq;
  if (!wanted) return;
  const DataStatus status = app.lab.train.status;
  const bool first = status == DataStatus::absent && app.training_set_asked_at < 0;
  const bool again = status == DataStatus::failed && app.training_set_asked_at != int64_t(app.lab.starts);
  if (!first && !again) return;
  app.training_set_asked_at = int64_t(app.lab.starts);
  app_request_data(app, DataTarget::train);
}

// The Anomaly view compares the test set with another data set's: loaded when it is first shown.
void request_other_set_if_needed(App& app) {
  if (app.views.view != View::anomaly || !app_panel_shown(app, Panel::views)) return;
  if (app.lab.other.status == DataStatus::absent) app_request_data(app, DataTarget::other);
}

void save_if_answered(App& app) {
  std::shared_ptr<const std::vector<uint8_t>> bytes = lab_take_saved(app.lab);
  if (!bytes) return;
  std::string error = app.platform.save_model ? app.platform.save_model(*bytes, app.model_path)
                                              : "saving is not available here";
  app_message(app,
              error.empty() ? (app.platform.web ? "model downloaded" : std::string("saved ") + app.model_path)
                            : error,
              !error.empty());
}

// Space: Start/Pause, S: one step, C: clear the drawing, each only where its button is shown;
// not while a field takes the keys. (In the page the app only hears keys while its canvas has
// the focus.)
void keyboard_shortcuts(App& app) {
  if (ImGui::GetIO().WantTextInput || ImGui::IsAnyItemActive()) return;
  // keyboard navigation on a control: Space activates that control instead
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  if (g.NavId != 0 && !g.NavDisableHighlight) return;
  Lab& lab = app.lab;
  auto button = [&](Panel panel, Control control) {
    return app_panel_shown(app, panel) && !app.lesson.hidden[int(control)];
  };
  if (ImGui::IsKeyPressed(ImGuiKey_Space, false) && button(Panel::train, Control::start)) {
    if (lab_training(lab))
      lab_pause(lab);
    else
      lab_start(lab);
  }
  if (ImGui::IsKeyPressed(ImGuiKey_S, false) && button(Panel::train, Control::step)) lab_step(lab, 1);
  if (ImGui::IsKeyPressed(ImGuiKey_C, false) && app_panel_shown(app, Panel::draw)) lab_clear(lab);
}

} // namespace

void app_setup_style(float raster_scale) {
  ImGuiIO& io = ImGui::GetIO();
  // Tab and the arrow keys move between controls, Space or Enter activates, Ctrl+Tab goes to the
  // next panel (ImGui's keyboard navigation)
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui::StyleColorsDark();
  const ImVec4 bg(kBackground[0], kBackground[1], kBackground[2], 1.0f);
  ImGui::GetStyle().Colors[ImGuiCol_WindowBg] = bg; // popups; the panels draw none (begin_panel)
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  style.GrabRounding = 3;
  style.WindowBorderSize = 1;
  style.ItemSpacing = ImVec2(6, 5);
  // Roboto (compiled in, cmake/app.cmake), rasterised at the framebuffer's resolution and shown
  // at kFontPixels ImGui pixels, so it is sharp at any zoom and pixel ratio.
  io.Fonts->Clear();
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;
  config.OversampleH = raster_scale >= 2 ? 1 : 2; // enough pixels already at 2x
  io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(aelab_ui_font), int(aelab_ui_font_size),
                                 kFontPixels * raster_scale, &config, kFontGlyphs);
  io.FontGlobalScale = 1.0f / raster_scale;
}

bool app_begin_frame(App& app, float window_w, float window_h, float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  const float zoom = app_zoom(window_w, window_h);
  io.DisplaySize = ImVec2(window_w / zoom, window_h / zoom);
  io.DisplayFramebufferScale = ImVec2(pixel_ratio * zoom, pixel_ratio * zoom);
  // The backend queued mouse positions in window pixels; ImGui works in zoomed pixels. Events
  // left over from the last frame (ImGui trickles some to the next) are divided already.
  ImVector<ImGuiInputEvent>& queue = ImGui::GetCurrentContext()->InputEventsQueue;
  for (int i = std::min(app.input_zoomed, queue.Size); i < queue.Size; i++) {
    ImGuiInputEvent& e = queue[i];
    if (e.Type == ImGuiInputEventType_MousePos && e.MousePos.PosX > -FLT_MAX)
      e.MousePos.PosX /= zoom, e.MousePos.PosY /= zoom;
  }
  app.input_zoomed = queue.Size;
  if (zoom == app.zoom && pixel_ratio == app.content_scale) return false;
  app.zoom = zoom, app.content_scale = pixel_ratio;
  app_setup_style(pixel_ratio * zoom);
  return true;
}

void app_frame(App& app) {
  ImGuiIO& io = ImGui::GetIO();
  app.frames++;
  app.fps = io.Framerate;
  app.working = 0;
  app.widgets.clear();

  if (app.lab.host->kind() == HostKind::frames) {
    adapt_budget(app);
    app.lab.host->work(app.budget.ms);
  }
  lab_update(app.lab);
  request_training_set_if_needed(app);
  request_other_set_if_needed(app);
  save_if_answered(app);

  const float w = io.DisplaySize.x, h = io.DisplaySize.y;
  const LayoutMode mode = layout_mode(app, w, h);
  if (mode != app.layout && !app.tab_select) // a new layout starts on its own first tab
    app.tab = mode == LayoutMode::phone ? Panel::draw : Panel::views, app.tab_select = true;
  app.layout = mode;
  const float banner_h = lesson_banner_height(app);
  lesson_banner(app, w, banner_h);
  app.controls_drawn = 0;
  app.setting_rects.assign(size_t(kSettings.count), Rect{});
  app.share_button = {};
  Layout l;
  if (app.layout == LayoutMode::full) {
    l = full_layout(w, h, banner_h, app.lesson.panels);
  } else {
    const uint32_t column = column_panels(app, app.layout, w, h, banner_h);
    // the chosen tab must be one the strip holds
    if (!app_panel_shown(app, app.tab) || (column & (1u << int(app.tab)))) {
      for (int i = kPanelCount - 1; i >= 0; i--)
        if (app_panel_shown(app, Panel(i)) && !(column & (1u << i))) app.tab = Panel(i);
      if (app.layout == LayoutMode::compact && app_panel_shown(app, Panel::views)) app.tab = Panel::views;
    }
    const float strip_h = ImGui::GetFrameHeight() + 10;
    l = tabbed_layout(app, app.layout, w, h, banner_h, strip_h);
    tab_strip(app, l.strip, column);
    l = tabbed_layout(app, app.layout, w, h, banner_h, strip_h); // the tab may have changed
  }
  void (*const draw[kPanelCount])(App&, const Rect&) = {draw_panel, latent_panel, training_panel, views_panel,
                                                        model_panel};
  for (int i = 0; i < kPanelCount; i++) app.panel_rects[i] = l.panels[i];
  for (int i = 0; i < kPanelCount; i++)
    if (app_panel_shown(app, Panel(i)) && l.panels[i].w > 0) draw[i](app, l.panels[i]);
  share_window(app);
  discard_popup(app);
  tour_window(app);
  keyboard_shortcuts(app);
  app.wheel_wanted = false;
  for (const ImGuiWindow* w = ImGui::GetCurrentContext()->HoveredWindow; w; w = w->ParentWindow)
    if (w->ScrollMax.y > 0 && !(w->Flags & ImGuiWindowFlags_NoScrollWithMouse)) app.wheel_wanted = true;
  lab_update(app.lab); // show this frame's edits (strokes, code edits) next frame without delay
  app_lab_work(app);
  const ImGuiWindow* tooltip = ImGui::FindWindowByName("##Tooltip_00");
  app.tooltip_shown = tooltip && tooltip->Active;
}

const char* fit_text(const char* long_text, const char* short_text) {
  const float padding = 2 * ImGui::GetStyle().FramePadding.x;
  return ImGui::CalcTextSize(long_text, nullptr, true).x + padding <= ImGui::GetContentRegionAvail().x
             ? long_text
             : short_text;
}

void text_disabled_wrapped(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrappedV(fmt, args);
  ImGui::PopStyleColor();
  va_end(args);
}

void same_line_if_fits(const char* next_label) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float needed =
      ImGui::CalcTextSize(next_label, nullptr, true).x + 2 * style.FramePadding.x + style.ItemSpacing.x;
  float right = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
  if (right + needed <= ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

Rect item_rect() {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  return {a.x, a.y, b.x - a.x, b.y - a.y};
}

void data_status_line(App& app, const char* name, DataTarget target, const char* absent_text) {
  const DataSlot& slot = lab_data_slot(app.lab, target);
  const char* const ids[] = {"retry:train", "retry:test", "retry:other"};
  auto retry_button = [&] {
    if (ImGui::Button(slot.status == DataStatus::failed ? "Retry" : "Retry now")) app_retry_data(app, target);
    mark_item(app, ids[int(target)]);
  };
  switch (slot.status) {
  case DataStatus::ready:
    ImGui::Text("%s: %d images", name, slot.count);
    break;
  case DataStatus::absent:
    ImGui::TextDisabled("%s: %s", name, absent_text);
    break;
  case DataStatus::failed:
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.4f, 0.4f, 1));
    ImGui::TextWrapped("%s: %s", name, slot.error.c_str());
    ImGui::PopStyleColor();
    retry_button();
    break;
  case DataStatus::loading: {
    char text[96];
    std::snprintf(text, sizeof text, "loading the %s: %.0f%%", name, 100 * slot.progress);
    ImGui::ProgressBar(slot.progress, ImVec2(-FLT_MIN, 0), text);
    if (slot.waiting.empty()) break;
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.8f, 0.3f, 1));
    ImGui::TextWrapped("%s", slot.waiting.c_str());
    ImGui::PopStyleColor();
    retry_button();
    break;
  }
  }
}

void text_after(const char* long_text, const char* short_text) {
  const float right = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetStyle().ItemSpacing.x;
  const float room = ImGui::GetWindowContentRegionMax().x - right;
  const char* text = ImGui::CalcTextSize(long_text).x <= room    ? long_text
                     : ImGui::CalcTextSize(short_text).x <= room ? short_text
                                                                 : nullptr;
  if (text) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", text);
  } else {
    text_disabled_wrapped("%s", long_text);
  }
}

void mark_item(App& app, const std::string& name) { app.widgets.emplace_back(name, item_rect()); }

void tip(const char* fmt, ...) {
  if (!ImGui::IsItemHovered()) return;
  va_list args;
  va_start(args, fmt);
  ImGui::SetTooltipV(fmt, args);
  va_end(args);
}

void panel_help(App& app, const char* id, const char* text) {
  bool start_tour = false;
  // in the panel's title bar, at its right end (the content keeps all its width)
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const ImRect title = window->TitleBarRect();
  const ImVec2 back = ImGui::GetCursorPos();
  const float w = ImGui::CalcTextSize("?").x + 2 * ImGui::GetStyle().FramePadding.x;
  ImGui::PushClipRect(title.Min, title.Max, false);
  ImGui::SetCursorScreenPos(
      ImVec2(title.Max.x - w - 6, title.Min.y + 0.5f * (title.GetHeight() - ImGui::GetTextLineHeight()) - 1));
  ImGui::PushID(id);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(ImGui::GetStyle().FramePadding.x, 0));
  if (ImGui::SmallButton("?")) ImGui::OpenPopup("help");
  ImGui::PopStyleVar();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("What this panel shows, and what to try");
  ImGui::PopClipRect();
  if (ImGui::BeginPopup("help")) {
    ImGui::PushTextWrapPos(std::min(ImGui::GetIO().DisplaySize.x - 40, 380.0f));
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    if (ImGui::SmallButton("Take the tour of the lab")) start_tour = true, ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  ImGui::PopID();
  ImGui::SetCursorPos(back);
  if (start_tour) app_start_tour(app);
}

bool begin_panel(const char* title, const Rect& r) {
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
  // never brought to the front when clicked: panels do not overlap, and the Share window and
  // the tour must stay above them
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBackground | // the cleared window is the background
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;
  return ImGui::Begin(title, nullptr, flags);
}

bool digit_image(const char* id, const float* pixels, int width, int height, float side, bool smooth) {
  ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, ImVec2(side, side));
  bool clicked = ImGui::IsItemClicked();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddImage(gray_texture(id, pixels, width, height, smooth), pos, ImVec2(pos.x + side, pos.y + side));
  ImU32 border = ImGui::IsItemHovered() ? IM_COL32(255, 200, 80, 255) : IM_COL32(90, 90, 100, 255);
  dl->AddRect(pos, ImVec2(pos.x + side, pos.y + side), border);
  return clicked;
}

} // namespace aelab
