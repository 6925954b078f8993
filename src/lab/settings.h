// The one table of settings. Each row is a value a person can set by name: its key is the name in
// aelab.set({...}), in a lesson link, in state() and in the script's `set`; its label and tooltip
// are the Train panel's; its limit or choices say what it may be; and two small functions read it
// from and write it to a Settings value. aelab.set, the lesson link's reader and writer, state(),
// the Train panel and the page's JavaScript (through aelab_settings, app_settings_json) all loop over
// kSettings, so a new setting is one row here plus the code that uses it. The ranges are core/limits.h's.
#pragma once
#include <array>
#include <cstdint>
#include <iterator> // std::size
#include <string>

#include "core/dataset.h"
#include "core/limits.h"
#include "core/model.h"
#include "core/noise.h"
#include "core/train.h"

namespace aelab {

// The data sets the lab trains and looks at: MNIST's digits, Fashion-MNIST's clothing items
// (the same 28x28 format), or the user's own IDX files.
enum class DatasetKind : uint8_t { mnist, fashion, custom };
constexpr int kDatasetKinds = 3;

// Everything the table reads and writes, as one value: the training config, the model's shape,
// the data set chosen, and the page's own settings (the drawing's preprocessing and corruption,
// the frames host's time per frame).
struct Settings {
  TrainConfig config;
  ModelShape shape;
  DatasetKind dataset = DatasetKind::mnist;
  bool preprocess = true;
  Noise corrupt;
  double budget_ms = 8;
};

// What a change to a setting does in the lab: the part of Settings it lives in.
enum class SettingPart : uint8_t {
  config,     // a new training config (lab_set_config): weights kept
  shape,      // a new architecture: new random weights
  dataset,    // another data set: its test set is fetched
  preprocess, // the drawing's MNIST preprocessing
  corrupt,    // the drawing's corruption ("corrupt the input")
  budget,     // the frames host's training time per frame (then no longer adapted)
};

// The controls a lesson link can hide (<name>_hide=1): the settings' widgets (a row names its
// control), Start/Pause, Step, Reset, Load, Save and the Share button.
enum class Control : uint8_t {
  lr,
  batch,
  epochs,
  loss,
  optimizer,
  seed,
  latent,
  hidden,
  start,
  step,
  reset,
  load,
  save,
  preprocess,
  dataset,
  noise,
  share,
  kind, // the model kind, and its beta or sparsity
};
constexpr int kControlCount = 18;
inline constexpr const char* kControlNames[] = {
    "lr",   "batch", "epochs", "loss", "optimizer",  "seed",    "latent", "hidden", "start",
    "step", "reset", "load",   "save", "preprocess", "dataset", "noise",  "share",  "kind"};
static_assert(std::size(kControlNames) == kControlCount, "a name per Control (lesson links, state())");
// What the Share window calls them ("Controls hidden").
inline constexpr const char* kControlTitles[] = {"learning rate", "batch",
                                                 "epochs",        "loss",
                                                 "optimizer",     "seed",
                                                 "latent size",   "hidden size",
                                                 "Start / Pause", "Step",
                                                 "Reset",         "Load",
                                                 "Save",          "MNIST preprocessing",
                                                 "dataset",       "noise",
                                                 "Share button",  "model kind, beta and sparsity"};
static_assert(std::size(kControlTitles) == kControlCount, "a title per Control");

// How a setting's value is written: a number within a limit, true or false, one of a few names
// (aelab.set also takes the index: loss 0 is 'bce'), or a text with its own grammar ('mask:0.3').
enum class SettingKind : uint8_t { number, flag, choice, text };
// Whether the lab's lesson link carries it: always, only when it differs from the default, never.
enum class InLink : uint8_t { always, unless_default, never };

// How the Train panel shows a row (src/app/hyperparameters.cpp draws each kind of widget).
enum class Widget : uint8_t {
  none,    // not in the Train panel (drawn elsewhere, or by no panel)
  integer, // a field with - and + buttons (step, step_fast)
  drag,    // a number dragged sideways on a log scale over [soft_min, soft_max], or typed
  presets, // a list of the usual values (presets)
  combo,   // a choice's titles
  noise,   // a Noise text: its kind, then its amount
  classes, // a list of classes (exclude's text): a box per class
  filters, // a conv model's three filter counts (filters' text)
};
struct SettingUi {
  Widget widget = Widget::none;
  const char* short_label = nullptr;          // in a narrow panel (null: the label)
  int step = 1, step_fast = 10;               // integer
  double soft_min = 0, soft_max = 0;          // drag
  std::array<int, 8> presets{};               // presets (0 ends the list)
  std::array<const char*, 4> choice_titles{}; // combo: what the panel calls each choice
  const char* frames_note = nullptr;          // added to the tooltip where training runs in the page's frames
};

struct Setting {
  const char* key;     // aelab.set({key}), lesson links, state().key, the script's `set key`
  const char* label;   // the Train panel's label (empty: shown elsewhere)
  const char* tooltip; // what it is and does, for the Train panel
  SettingKind kind;
  SettingPart part;
  int hide;                           // the Control a lesson hides its widget with (-1: none)
  InLink in_link;                     // what the lab's own lesson link writes
  Limit limit;                        // number: its range, limit.name == key
  std::array<const char*, 4> choices; // choice: the names, by value (unused slots null)
  int link_choices;                   // choice: a link may bring only the first this many ...
  const char* link_note;              // ... and the notice says why (or null)
  const char* example;                // text: what to write, for errors ("'mask:0.3' or 'none'")
  const char* alias;                  // another key aelab.set takes for it (or null)
  // Reading and writing. number: the value; flag: 0 or 1; choice: the index. text: only text/parse.
  double (*get)(const Settings&);
  void (*set)(Settings&, double);                           // the value is already checked
  std::string (*text)(const Settings&);                     // text only
  std::string (*parse)(Settings&, const std::string& text); // text only: "" or one line why not
  SettingUi ui;
  // Whether the Train panel offers it (null: always): bf16 products only where the CPU has them.
  bool (*offered)(const Settings&) = nullptr;
};

// The table: `for (const Setting& row : kSettings)`.
struct SettingRows {
  const Setting* rows;
  int count;
  const Setting* begin() const { return rows; }
  const Setting* end() const { return rows + count; }
};
extern const SettingRows kSettings;

// The row of `key` (or of its alias), null if none.
const Setting* find_setting(const std::string& key);

// The value as a lesson link and state() write it: "0.001", "128", "bce", "mask:0.3", "true".
std::string setting_text(const Setting& row, const Settings& settings);
// Sets a number (a flag: 0 or 1, a choice: its index): "" or one line naming the key, the value
// and what was expected ("latent = 1e+10: expected an integer from 1 to 1024"). Nothing is clamped.
std::string setting_set_number(const Setting& row, double value, Settings* settings);
// Sets a value from its text (a number, "true"/"false", a choice's name, a text setting's text):
// "" or one line naming the key, the text and what was expected.
std::string setting_set_text(const Setting& row, const std::string& text, Settings* settings);
// What a choice may be, as the errors say it: "'bce' or 'mse'", "'mnist', 'fashion' or 'custom'";
// the first `count` only (-1: all).
std::string choices_text(const Setting& row, int count = -1);
// The index of `name` among a choice row's names (-1: none).
int choice_index(const Setting& row, const std::string& name);
// The keys of the rows `accepts` accepts, as a message lists them: "lr, batch or epochs".
std::string setting_keys(bool (*accepts)(const Setting&));

// A number as the shortest text that reads back as the same float ("0.002", not
// "0.00200000009"), or as a whole number ("128", "9007199254740991").
std::string number_text(double value, bool integer);
// The whole of `text` as a number (no trailing junk); false if it is not one.
bool parse_number(const std::string& text, double* out);

// The data sets by name.
const char* dataset_name(DatasetKind kind);  // "mnist", "fashion", "custom"
const char* dataset_title(DatasetKind kind); // "MNIST", "Fashion-MNIST", "your own data"
bool dataset_from_name(const std::string& name, DatasetKind* out);
// The classes left out of training as text: "7", "3,5", "none"; and parsed from it ("" or why not).
std::string excluded_text(uint32_t classes);
std::string parse_excluded(const std::string& text, uint32_t* classes);

} // namespace aelab
