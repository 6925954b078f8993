// Lesson links: a lab's settings, starting model, view, panels, hidden controls, title and note
// as "key=value&key=value" text (the page's URL hash, the desktop's --lesson). One reader and
// one writer, so a link the lab writes opens as the same lab. docs/teaching.md lists the keys.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/app.h"
#include "core/checksum.h"
#include "core/limits.h"
#include "core/model_file.h"

namespace aelab {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded, as URLSearchParams reads it: '+' is a space, %XX a byte.
std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == ',')
      out += char(c);
    else
      out += '%', out += hex[c >> 4], out += hex[c & 15];
  }
  return out;
}

// The pieces of `text` between `separator`s (empty ones too).
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find(separator, start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  out.push_back(text.substr(start));
  return out;
}

int index_of(const char* const* names, int count, const std::string& name) {
  for (int i = 0; i < count; i++)
    if (name == names[i]) return i;
  return -1;
}

std::string joined(const char* const* names, int count) {
  std::string out;
  for (int i = 0; i < count; i++) out += (i ? ", " : "") + std::string(names[i]);
  return out;
}

bool is_truthy(const std::string& v, bool* out) {
  if (v == "1" || v == "true") return *out = true, true;
  if (v == "0" || v == "false") return *out = false, true;
  return false;
}

} // namespace

bool app_control_shown(App& app, Control control) {
  const bool shown = !app.lesson.hidden[int(control)];
  if (shown) app.controls_drawn |= 1u << int(control);
  return shown;
}
bool app_panel_shown(const App& app, Panel panel) { return (app.lesson.panels >> int(panel)) & 1u; }

std::vector<std::string> app_hidden_controls(const App& app) {
  std::vector<std::string> out;
  for (int i = 0; i < kControlCount; i++)
    if (app.lesson.hidden[i]) out.push_back(kControlNames[i]);
  return out;
}

namespace {

// What a link says, read pair by pair before anything is applied: the settings go in before the
// model is made (the seed makes it).
struct LessonRead {
  LessonResult result;
  std::vector<std::pair<const Setting*, std::string>> settings; // in the link's order
  std::string model, view;
  int tab = -1; // the panel the tabbed layouts open on
  ModelShape shape;
  bool shape_given = false;
  Lesson lesson; // panels, hidden controls, title and note
  void notice(const std::string& key, const std::string& value, const std::string& expected) {
    result.notices.push_back("lesson link: " + key + "=" + value + ": expected " + expected);
  }
};

// A row of the settings table: its number checked now, applied after every pair is read; the
// architecture kept for the model, which is made last.
void read_setting(LessonRead& r, const Setting& row, const std::string& value) {
  double number = 0;
  Settings next;
  next.shape = r.shape;
  std::string error;
  if (row.kind == SettingKind::number && !parse_number(value, &number))
    r.notice(row.key, value, "a number");
  else if (row.part != SettingPart::shape)
    r.settings.push_back({&row, value});
  else if (row.kind == SettingKind::choice && choice_index(row, value) < 0)
    r.notice(row.key, value, choices_text(row, row.link_choices));
  else if (!(error = setting_set_text(row, value, &next)).empty())
    r.result.notices.push_back("lesson link: " + error);
  else
    r.shape = next.shape, r.shape_given = true;
}

void read_panels(LessonRead& r, const std::string& key, const std::string& value) {
  uint32_t mask = 0;
  for (const std::string& name : split(value, ',')) {
    if (name.empty()) continue;
    const int i = index_of(kPanelNames, kPanelCount, name);
    if (i < 0)
      return r.notice(key, value,
                      "a list of " + joined(kPanelNames, kPanelCount) + " ('" + name + "' is none)");
    mask |= 1u << i;
  }
  if (mask == 0) return r.notice(key, value, "at least one of " + joined(kPanelNames, kPanelCount));
  r.lesson.panels = mask;
}

// The control a key "<name>_hide" hides (-1: not such a key).
int hidden_control(const std::string& key) {
  if (key.size() <= 5 || key.compare(key.size() - 5, 5, "_hide") != 0) return -1;
  return index_of(kControlNames, kControlCount, key.substr(0, key.size() - 5));
}

void read_pair(LessonRead& r, const std::string& key, const std::string& value) {
  const Setting* row = find_setting(key);
  View view;
  bool flag = false;
  if (row && key == row->key && row->in_link != InLink::never) {
    read_setting(r, *row, value);
  } else if (key == "model") {
    if (value == "shipped" || value == "random" || is_model_file_name(value))
      r.model = value;
    else
      r.notice(key, value, "'shipped', 'random' or a .aelab or .npz file");
  } else if (key == "view") {
    if (view_from_name(value, &view))
      r.view = value;
    else
      r.notice(key, value,
               "map, grid, interpolate, traverse, weights, gallery, anomaly, generate, compare or features");
  } else if (key == "panels") {
    read_panels(r, key, value);
  } else if (key == "tab") {
    const int i = index_of(kPanelNames, kPanelCount, value);
    if (i >= 0)
      r.tab = i;
    else
      r.notice(key, value, joined(kPanelNames, kPanelCount));
  } else if (key == "title" || key == "note") {
    (key == "title" ? r.lesson.title : r.lesson.note) = value.substr(0, 300);
  } else if (hidden_control(key) >= 0) {
    if (is_truthy(value, &flag))
      r.lesson.hidden[hidden_control(key)] = flag;
    else
      r.notice(key, value, "1 or 0");
  } else if (key != "embed" && key != "parentOrigin" && key != "tour" && key != "threads" &&
             key != "worker") {
    r.result.unknown.push_back(key); // (those are the page's own: web/aelab-api.js reads them)
  }
}

// The settings in the link's order, each as aelab.set applies it; a choice a link cannot bring
// (data of one's own) is refused with why.
void apply_settings(App& app, LessonRead& r) {
  for (const auto& [row, value] : r.settings) {
    const int choice = row->kind == SettingKind::choice ? choice_index(*row, value) : -1;
    if (row->kind == SettingKind::choice && (choice < 0 || choice >= row->link_choices)) {
      r.notice(row->key, value,
               choices_text(*row, row->link_choices) + (row->link_note ? row->link_note : ""));
      continue;
    }
    if (const std::string error = app_set_text(app, row->key, value); !error.empty())
      r.result.notices.push_back("lesson link: " + error);
  }
}

// The model: the shipped one if it fits the shape asked for, else random weights of that shape.
void apply_model(App& app, LessonRead& r) {
  Lab& lab = app.lab;
  std::string error;
  if (is_model_file_name(r.model)) { // the shipped model until the file arrives (app_apply_lesson)
    if (!lab.shipped_model.empty() && lab.model_name != "shipped model") error = lab_back_to_shipped(lab);
  } else if (r.model == "random" || (r.shape_given && !(r.shape == lab.model->shape))) {
    if (r.model == "shipped") {
      const ModelShape& m = lab.model->shape;
      r.result.notices.push_back("lesson link: model=shipped: the shipped model is " + model_shape_text(m) +
                                 ", so this lab starts from random weights");
    }
    error = app_reset(app, r.shape);
  } else if (r.model == "shipped" && !(lab.model_name == "shipped model")) {
    error = lab.shipped_model.empty() ? "lesson link: model=shipped: no shipped model was loaded"
                                      : lab_back_to_shipped(lab);
  }
  if (!error.empty()) r.result.notices.push_back(error);
}

} // namespace

LessonResult app_apply_lesson(App& app, const std::string& text) {
  std::string body = text;
  if (!body.empty() && (body[0] == '#' || body[0] == '?')) body.erase(0, 1);
  LessonRead r;
  r.shape = app.lab.model->shape;
  for (const std::string& pair : split(body, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    read_pair(r, url_decode(pair.substr(0, eq)),
              eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1)));
  }
  apply_settings(app, r);
  apply_model(app, r);
  if (!r.view.empty()) app_view(app, r.view);
  const std::string opened = app.lesson.model_file; // kept while the model the link opened stays
  app.lesson = r.lesson;
  app.lesson.model_file = r.model.empty() ? opened : "";
  if (r.tab >= 0) app.tab = Panel(r.tab), app.tab_select = true;
  app.lesson.notices = r.result.notices; // shown above the panels until dismissed
  if (is_model_file_name(r.model)) app_open_model_file(app, r.model);
  return r.result;
}

bool is_model_file_name(const std::string& name) {
  auto ends = [&](const char* suffix) {
    const size_t n = std::strlen(suffix);
    if (name.size() <= n) return false;
    for (size_t i = 0; i < n; i++)
      if (std::tolower(static_cast<unsigned char>(name[name.size() - n + i])) != suffix[i]) return false;
    return true;
  };
  if (name.size() > 500 || !(ends(".aelab") || ends(".npz"))) return false;
  for (const char c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  return true;
}

std::string app_open_model_file(App& app, const std::string& name) {
  if (name == "shipped") return app_do(app, {Discard::shipped});
  if (name == "random") return app_reset(app, app.lab.model->shape);
  if (!is_model_file_name(name))
    return "model = '" + name + "': expected 'shipped', 'random' or a .aelab or .npz file";
  Lab& lab = app.lab;
  if (!lab.shipped_model.empty() && lab.model_name != "shipped model") lab_back_to_shipped(lab);
  if (!app.platform.fetch_model) return "model = '" + name + "': model files cannot be fetched here";
  app.lesson.model_file = name;
  app.model_file_loading = name;
  app.platform.fetch_model(name);
  return "";
}

std::string app_model_file_arrived(App& app, const std::string& name, const uint8_t* bytes, size_t size) {
  if (name != app.model_file_loading) return ""; // a file asked for before another
  app.model_file_loading.clear();
  std::string error = app_load_model_bytes(app, bytes, size, name);
  if (!error.empty()) app_model_file_failed(app, name, error);
  return error;
}

void app_model_file_failed(App& app, const std::string& name, const std::string& error) {
  if (!app.model_file_loading.empty() && name != app.model_file_loading) return;
  app.model_file_loading.clear();
  app.lesson.model_file.clear();
  const std::string line = "lesson link: model=" + name + ": " + error + "; the lab starts from the " +
                           (app.lab.shipped_model.empty() ? "random weights" : "shipped model");
  app.lesson.notices.push_back(line);
  app_message(app, line, true);
}

LessonModelFile lesson_model_file(const App& app) {
  // the weights shown are one object until they change (versions restart after a reset or a load)
  if (app.lesson_file_model == app.lab.model) return app.lesson_file;
  ModelFile file;
  file.model = *app.lab.model;
  file.epochs_trained = app.lab.latest.epochs_before + uint32_t(std::max(0, lab_epoch(app.lab)));
  file.half = check_half_range(file.model).empty();
  LessonModelFile out;
  out.bytes = model_to_bytes(file);
  // named by the CRC-32 the file ends with (of every byte before it; the CRC of the whole file,
  // trailer included, is the same for every file: CRC-32's residue)
  char name[48];
  std::snprintf(name, sizeof name, "aelab-lesson-%08x.aelab",
                unsigned(crc32_update(0, out.bytes.data(), out.bytes.size() - 4)));
  out.name = name;
  app.lesson_file_model = app.lab.model, app.lesson_file = out;
  return out;
}

std::string lesson_model_value(const App& app) {
  const Lab& lab = app.lab;
  const bool untrained = lab.latest.steps == 0;
  if (untrained && lab.model_name == "shipped model") return "shipped";
  if (untrained && lab.model_name.rfind("random weights", 0) == 0) return "random";
  if (untrained && !app.lesson.model_file.empty() && lab.model_name == app.lesson.model_file)
    return app.lesson.model_file;
  return lesson_model_file(app).name;
}

std::string lesson_from_file(const std::string& text) {
  std::string out;
  for (std::string line : split(text, '\n')) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    out += (out.empty() ? "" : "&") + line.substr(first);
  }
  return out;
}

std::string app_lesson_link(const App& app) {
  const Settings settings = app_settings(app), defaults;
  std::string out;
  for (const Setting& row : kSettings) {
    if (row.in_link == InLink::never) continue;
    if (row.part == SettingPart::shape && row.offered && !row.offered(settings)) continue; // not this kind's
    std::string text = setting_text(row, settings);
    if (row.in_link == InLink::unless_default && text == setting_text(row, defaults)) continue;
    if (row.kind == SettingKind::choice && row.get(settings) >= row.link_choices)
      text = row.choices[0]; // a choice no link can bring (data of one's own): the first
    out += (out.empty() ? "" : "&") + std::string(row.key) + "=" + text; // no character to escape
  }
  const char* const starts[] = {nullptr, "shipped", "random"};
  out += "&model=" + (app.lesson.model == 0 ? url_encode(lesson_model_value(app))
                                            : std::string(starts[app.lesson.model]));
  out += std::string("&view=") + view_name(app.views.view);
  if (app.lesson.panels != kAllPanels) {
    std::string list;
    for (int i = 0; i < kPanelCount; i++)
      if ((app.lesson.panels >> i) & 1u) list += (list.empty() ? "" : ",") + std::string(kPanelNames[i]);
    out += "&panels=" + list;
  }
  if (app.layout != LayoutMode::full) out += "&tab=" + std::string(kPanelNames[int(app.tab)]);
  for (int i = 0; i < kControlCount; i++)
    if (app.lesson.hidden[i]) out += "&" + std::string(kControlNames[i]) + "_hide=1";
  if (!app.lesson.title.empty()) out += "&title=" + url_encode(app.lesson.title);
  if (!app.lesson.note.empty()) out += "&note=" + url_encode(app.lesson.note);
  return out;
}

} // namespace aelab
