// The settings table (settings.h): one row per setting, and the few functions that read and write
// any row. The rows' order is the lesson link's order of keys.
#include "lab/settings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace aelab {
namespace {

constexpr Limit kNoLimit{"", 0, 0, false};
using Get = double (*)(const Settings&);
using Set = void (*)(Settings&, double);
using Text = std::string (*)(const Settings&);
using Parse = std::string (*)(Settings&, const std::string&);

// A row of each kind, so that the table below reads as a list of settings.
Setting row_of(const char* key, const char* label, const char* tooltip, SettingKind kind, SettingPart part,
               int hide, InLink in_link, const SettingUi& ui) {
  Setting row{};
  row.key = key, row.label = label, row.tooltip = tooltip, row.kind = kind, row.part = part;
  row.hide = hide, row.in_link = in_link, row.limit = kNoLimit, row.ui = ui;
  return row;
}
Setting number_row(const char* key, const char* label, const char* tooltip, SettingPart part, int hide,
                   const Limit& limit, Get get, Set set, const SettingUi& ui,
                   InLink in_link = InLink::always) {
  Setting row = row_of(key, label, tooltip, SettingKind::number, part, hide, in_link, ui);
  row.limit = limit, row.get = get, row.set = set;
  return row;
}
Setting choice_row(const char* key, const char* label, const char* tooltip, SettingPart part, int hide,
                   InLink in_link, std::array<const char*, 4> choices, Get get, Set set, const SettingUi& ui,
                   int link_choices = 4, const char* link_note = nullptr) {
  Setting row = row_of(key, label, tooltip, SettingKind::choice, part, hide, in_link, ui);
  row.choices = choices, row.get = get, row.set = set;
  row.link_choices = link_choices, row.link_note = link_note;
  return row;
}
Setting flag_row(const char* key, const char* tooltip, SettingPart part, int hide, Get get, Set set) {
  Setting row = row_of(key, "", tooltip, SettingKind::flag, part, hide, InLink::never, {});
  row.get = get, row.set = set;
  return row;
}
Setting text_row(const char* key, const char* label, const char* tooltip, SettingPart part, int hide,
                 InLink in_link, const char* example, const char* alias, Text text, Parse parse,
                 const SettingUi& ui) {
  Setting row = row_of(key, label, tooltip, SettingKind::text, part, hide, in_link, ui);
  row.example = example, row.alias = alias, row.text = text, row.parse = parse;
  return row;
}
Setting offered_if(Setting row, bool (*offered)(const Settings&)) {
  row.offered = offered;
  return row;
}

SettingUi integer_ui(int step, int step_fast) {
  SettingUi ui;
  ui.widget = Widget::integer, ui.step = step, ui.step_fast = step_fast;
  return ui;
}
SettingUi combo_ui(std::array<const char*, 4> titles, const char* short_label = nullptr) {
  SettingUi ui;
  ui.widget = Widget::combo, ui.choice_titles = titles, ui.short_label = short_label;
  return ui;
}
SettingUi widget_ui(Widget widget) {
  SettingUi ui;
  ui.widget = widget;
  return ui;
}
SettingUi lr_ui() {
  SettingUi ui;
  ui.widget = Widget::drag, ui.short_label = "lr", ui.soft_min = 1e-5, ui.soft_max = 1e-1;
  return ui;
}
SettingUi batch_ui() {
  SettingUi ui;
  ui.widget = Widget::presets, ui.presets = {16, 32, 64, 128, 256, 512};
  ui.frames_note = "Training runs in this page's frames: a batch above 64 takes longer than a frame.";
  return ui;
}

SettingUi beta_ui() {
  SettingUi ui;
  ui.widget = Widget::drag, ui.soft_min = 0, ui.soft_max = 10;
  return ui;
}
SettingUi sparsity_ui() {
  SettingUi ui;
  ui.widget = Widget::drag, ui.short_label = "L1", ui.soft_min = 0, ui.soft_max = 1e-2;
  return ui;
}
bool is_vae(const Settings& s) { return s.shape.kind == ModelKind::vae; }
bool is_plain(const Settings& s) { return s.shape.kind == ModelKind::ae; }
bool is_dense(const Settings& s) { return !is_conv(s.shape); }
bool is_conv_model(const Settings& s) { return is_conv(s.shape); }

// A new kind: a conv model's code size follows its filters; back to a dense model, the default
// latent size (the conv code's 128 is no dense default).
void set_kind(Settings& s, double v) {
  const bool was_conv = is_conv(s.shape);
  s.shape.kind = ModelKind(v);
  if (was_conv && !is_conv(s.shape)) s.shape.latent_dim = ModelShape{}.latent_dim;
  s.shape = with_code_size(s.shape);
}

// The rows, in the Train panel's order (and the lesson link's).
const Setting kRows[] = {
    choice_row(
        "kind", "model",
        "Model: a plain autoencoder maps each picture to one code. A variational autoencoder (VAE)\n"
        "maps it to a small cloud of codes (a mean mu and a spread sigma) and is pulled towards\n"
        "the standard normal, so that random codes decode to new digits (the Generate view).\n"
        "A convolutional autoencoder slides small 3x3 filters over the picture instead of\n"
        "weighing every pixel: its code is 8 small 4x4 maps (the Feature maps view).\n"
        "A new kind builds a new network (you are asked first).",
        SettingPart::shape, int(Control::kind), InLink::unless_default, {"ae", "vae", "conv"},
        [](const Settings& s) { return double(s.shape.kind); }, set_kind,
        combo_ui({"autoencoder", "VAE", "convolutional"})),
    offered_if(text_row(
                   "filters", "filters",
                   "Filters: how many 3x3 filters each of the encoder's three convolutions has (the\n"
                   "decoder mirrors them). The code is 4x4 times the last: 16,8,8 gives 128 numbers.\n"
                   "A new count builds a new network (you are asked first).",
                   SettingPart::shape, int(Control::hidden), InLink::unless_default, "'8,8,8' or '16,8,8'",
                   nullptr, [](const Settings& s) { return filters_text(s.shape); },
                   [](Settings& s, const std::string& text) {
                     const std::string e = parse_filters(text, &s.shape);
                     s.shape = with_code_size(s.shape);
                     return e;
                   },
                   widget_ui(Widget::filters)),
               is_conv_model),
    offered_if(number_row(
                   "hidden", "hidden",
                   "Hidden: the units of the layer between the 784 pixels and the code, on both sides.\n"
                   "A new size builds a new network (you are asked first).",
                   SettingPart::shape, int(Control::hidden), kHiddenLimit,
                   [](const Settings& s) { return double(s.shape.hidden_dim); },
                   [](Settings& s, double v) { s.shape.hidden_dim = int(v); }, integer_ui(16, 64)),
               is_dense),
    offered_if(number_row(
                   "latent", "latent",
                   "Latent: how many numbers the code keeps of the 784 pixels: the bottleneck.\n"
                   "Try 2: the map then shows the code itself, and much detail is lost.",
                   SettingPart::shape, int(Control::latent), kLatentLimit,
                   [](const Settings& s) { return double(s.shape.latent_dim); },
                   [](Settings& s, double v) { s.shape.latent_dim = int(v); }, integer_ui(1, 8)),
               is_dense),
    number_row(
        "lr", "learning rate",
        "Learning rate: the size of each optimizer step.\nDrag sideways, or double-click to type it.",
        SettingPart::config, int(Control::lr), kLearningRateLimit,
        [](const Settings& s) { return double(s.config.optimizer.learning_rate); },
        [](Settings& s, double v) { s.config.optimizer.learning_rate = float(v); }, lr_ui()),
    number_row(
        "batch", "batch", "Batch: how many digits each step averages over before it changes the weights.",
        SettingPart::config, int(Control::batch), kBatchLimit,
        [](const Settings& s) { return double(s.config.batch_size); },
        [](Settings& s, double v) { s.config.batch_size = int(v); }, batch_ui()),
    choice_row(
        "loss", "loss",
        "Loss: how the difference between a picture and its reconstruction is measured.\n"
        "BCE: binary cross-entropy, for pixels between 0 and 1. MSE: mean squared error.",
        SettingPart::config, int(Control::loss), InLink::always, {"bce", "mse"},
        [](const Settings& s) { return double(s.config.loss); },
        [](Settings& s, double v) { s.config.loss = LossKind(v); }, combo_ui({"BCE", "MSE"})),
    choice_row(
        "optimizer", "optimizer", "Optimizer: how each step turns the gradients into changes of the weights.",
        SettingPart::config, int(Control::optimizer), InLink::always, {"adam", "sgd"},
        [](const Settings& s) { return double(s.config.optimizer.kind); },
        [](Settings& s, double v) { s.config.optimizer.kind = OptimizerKind(v); },
        combo_ui({"Adam", "SGD (momentum 0.9)"}, "opt.")),
    number_row(
        "epochs", "epochs", "Epochs: how many passes over the 60,000 training digits this run makes.",
        SettingPart::config, int(Control::epochs), kEpochsLimit,
        [](const Settings& s) { return double(s.config.epochs); },
        [](Settings& s, double v) { s.config.epochs = int(v); }, integer_ui(1, 10)),
    number_row(
        "seed", "seed",
        "Seed: picks the random starting weights and the batch order; it takes effect\n"
        "at the next Reset, so the same seed gives the same run.",
        SettingPart::config, int(Control::seed), kSeedLimit,
        [](const Settings& s) { return double(s.config.seed); },
        [](Settings& s, double v) { s.config.seed = uint64_t(v); }, integer_ui(1, 10)),
    // the VAE's KL weight, the plain code's L1 penalty: each offered for its kind
    offered_if(number_row(
                   "beta", "beta",
                   "Beta: the weight of the VAE's KL term, which pulls each picture's cloud of codes\n"
                   "towards the standard normal. 0: a plain autoencoder with noise; 1: the VAE; more:\n"
                   "smoother codes and blurrier pictures. It may change while training.",
                   SettingPart::config, int(Control::kind), kBetaLimit,
                   [](const Settings& s) { return double(s.config.beta); },
                   [](Settings& s, double v) { s.config.beta = float(v); }, beta_ui(),
                   InLink::unless_default),
               is_vae),
    offered_if(number_row(
                   "sparsity", "sparsity",
                   "Sparsity: adds this times the code's L1 norm to the loss, so that most code units\n"
                   "rest at 0 for any one picture (the Keras blog's sparse autoencoder uses 1e-4).\n"
                   "Watch the code's mean activation in the Latent panel fall.",
                   SettingPart::config, int(Control::kind), kSparsityLimit,
                   [](const Settings& s) { return double(s.config.sparsity); },
                   [](Settings& s, double v) { s.config.sparsity = float(v); }, sparsity_ui(),
                   InLink::unless_default),
               is_plain),
    // denoising: the inputs corrupted, the targets clean
    text_row(
        "noise", "noise",
        "Noise: train a denoising autoencoder. Each batch's inputs are corrupted afresh and the\n"
        "loss compares the output with the clean digit, so the network learns to clean.\n"
        "gaussian adds noise of that sigma, mask blanks that share of the pixels, salt &\n"
        "pepper sets that share to black or white. Try mask 0.3, then corrupt the input in\n"
        "the draw panel.",
        SettingPart::config, int(Control::noise), InLink::always, "'mask:0.3' or 'none'", nullptr,
        [](const Settings& s) { return noise_text(s.config.noise); },
        [](Settings& s, const std::string& text) { return parse_noise(text, &s.config.noise); },
        widget_ui(Widget::noise)),
    // bf16 products are a property of this CPU (never of the page): offered only where it has
    // them, for the dense models, and links leave them out
    offered_if(choice_row(
                   "precision", "products",
                   "The precision of the matrix products. float32 keeps 7 digits. bfloat16 rounds\n"
                   "weights and activations to 3 digits before multiplying (sums stay float32), and\n"
                   "the model learns as well (validation 0.0825 against 0.0820 after 50 epochs).\n"
                   "Offered where a timing at start-up found this CPU's bfloat16 products faster\n"
                   "(AMD Zen 4, Intel's AMX tiles; not Intel's AVX512-BF16 alone). Weights, gradients\n"
                   "and Adam stay float32.",
                   SettingPart::config, int(Control::optimizer), InLink::never, {"fp32", "bf16"},
                   [](const Settings& s) { return double(s.config.precision); },
                   [](Settings& s, double v) { s.config.precision = Precision(v); },
                   combo_ui({"float32", "bfloat16 (faster)"})),
               [](const Settings& s) {
                 return is_dense(s) && (s.config.precision == Precision::bf16 ||
                                        (precision_problem(Precision::bf16).empty() &&
                                         precision_note(Precision::bf16).empty()));
               }),
    // classes left out of training: their test pictures are the anomalies
    text_row(
        "exclude", "leave out",
        "Leave classes out of training: the network never sees them, so their test pictures\n"
        "become the anomalies. Train, then open the Anomaly view: does an unseen class\n"
        "reconstruct worse than the others?",
        SettingPart::config, int(Control::dataset), InLink::unless_default, "'7' or [3, 5]", "excludeClasses",
        [](const Settings& s) { return excluded_text(s.config.excluded_classes); },
        [](Settings& s, const std::string& text) { return parse_excluded(text, &s.config.excluded_classes); },
        widget_ui(Widget::classes)),
    // the Model and data panel's; the user's own data cannot travel in a link (the lab's link
    // says MNIST then)
    choice_row(
        "dataset", "", "The data set the lab trains and tests on.", SettingPart::dataset,
        int(Control::dataset), InLink::always, {"mnist", "fashion", "custom"},
        [](const Settings& s) { return double(s.dataset); },
        [](Settings& s, double v) { s.dataset = DatasetKind(v); }, {}, 2,
        " (a link cannot bring data of your own)"),
    // the draw panel's
    flag_row(
        "preprocess", "MNIST preprocessing of drawings (else the canvas is just downsampled).",
        SettingPart::preprocess, int(Control::preprocess),
        [](const Settings& s) { return s.preprocess ? 1.0 : 0.0; },
        [](Settings& s, double v) { s.preprocess = v != 0; }),
    text_row(
        "corrupt", "", "The draw panel's \"corrupt the input\": the model sees the drawing with this noise.",
        SettingPart::corrupt, int(Control::noise), InLink::never, "'mask:0.3' or 'none'", nullptr,
        [](const Settings& s) { return noise_text(s.corrupt); },
        [](Settings& s, const std::string& text) {
          const std::string e = parse_noise(text, &s.corrupt);
          return e.empty() ? e : "corrupt" + e.substr(5); // parse_noise calls it "noise"
        },
        {}),
    // the page's only (no widget)
    number_row(
        "budgetMs", "", "Training time per frame where training runs in the page's frames.",
        SettingPart::budget, -1, kBudgetMsLimit, [](const Settings& s) { return s.budget_ms; },
        [](Settings& s, double v) { s.budget_ms = v; }, {}, InLink::never),
};

} // namespace

const SettingRows kSettings{kRows, int(std::size(kRows))};

const Setting* find_setting(const std::string& key) {
  for (const Setting& row : kSettings)
    if (key == row.key || (row.alias && key == row.alias)) return &row;
  return nullptr;
}

int choice_index(const Setting& row, const std::string& name) {
  for (int i = 0; i < int(row.choices.size()) && row.choices[i]; i++)
    if (name == row.choices[i]) return i;
  return -1;
}

std::string choices_text(const Setting& row, int count) {
  int n = 0;
  while (n < int(row.choices.size()) && row.choices[n]) n++;
  if (count >= 0) n = std::min(n, count);
  std::string out;
  for (int i = 0; i < n; i++)
    out += (i == 0 ? "" : i == n - 1 ? " or " : ", ") + std::string("'") + row.choices[i] + "'";
  return out;
}

std::string setting_keys(bool (*accepts)(const Setting&)) {
  std::vector<const char*> keys;
  for (const Setting& row : kSettings)
    if (accepts(row)) keys.push_back(row.key);
  std::string out;
  for (size_t i = 0; i < keys.size(); i++)
    out += (i == 0 ? "" : i + 1 == keys.size() ? " or " : ", ") + std::string(keys[i]);
  return out;
}

std::string number_text(double value, bool integer) {
  char buf[32];
  if (integer) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  const float f = float(value);
  for (int digits = 6; digits <= 9; digits++) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(f));
    if (std::strtof(buf, nullptr) == f) break;
  }
  return buf;
}

bool parse_number(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

std::string setting_text(const Setting& row, const Settings& settings) {
  switch (row.kind) {
  case SettingKind::number:
    return number_text(row.get(settings), row.limit.integer);
  case SettingKind::flag:
    return row.get(settings) != 0 ? "true" : "false";
  case SettingKind::choice:
    return row.choices[int(row.get(settings))];
  case SettingKind::text:
    return row.text(settings);
  }
  return "";
}

namespace {
// A conv model's code size follows its filters: its latent size cannot be set. (Its hidden size
// and a dense model's filters may: they wait, unused, for a kind that has them.) "" or why.
std::string kind_problem(const Setting& row, const Settings& settings) {
  if (!is_conv(settings.shape) || std::string(row.key) != "latent") return "";
  return "latent: a convolutional model's code is 4x4 times the last of its filters (set filters)";
}
// bf16 products are the dense models': a conv model trains in fp32, so bf16 is refused for one (a
// dense model's bf16 chosen before waits, unused and not offered, as its hidden size does). "" or why.
std::string precision_kind_problem(const Setting& row, double value, const Settings& settings) {
  if (!is_conv(settings.shape) || std::string(row.key) != "precision" || value != double(Precision::bf16))
    return "";
  return "precision bf16: the dense models' products only; a convolutional model trains in float32";
}
} // namespace

std::string setting_set_number(const Setting& row, double value, Settings* settings) {
  if (std::string e = kind_problem(row, *settings); !e.empty()) return e;
  if (std::string e = precision_kind_problem(row, value, *settings); !e.empty()) return e;
  char given[32];
  std::snprintf(given, sizeof given, "%.10g", value);
  std::string error;
  switch (row.kind) {
  case SettingKind::number:
    error = check_limit(row.limit, value);
    break;
  case SettingKind::flag:
    if (value != 0 && value != 1) error = std::string(row.key) + " = " + given + ": expected true or false";
    break;
  case SettingKind::choice: {
    const std::string names = choices_text(row);
    int count = 0;
    while (count < int(row.choices.size()) && row.choices[count]) count++;
    if (!(value >= 0 && value < count && value == std::floor(value)))
      error = std::string(row.key) + " = " + given + ": expected " + names;
    break;
  }
  case SettingKind::text:
    return std::string(row.key) + " = " + given + ": expected a text such as " + row.example;
  }
  if (error.empty()) row.set(*settings, value);
  return error;
}

std::string setting_set_text(const Setting& row, const std::string& text, Settings* settings) {
  if (std::string e = kind_problem(row, *settings); !e.empty()) return e;
  switch (row.kind) {
  case SettingKind::number: {
    double v = 0;
    if (!parse_number(text, &v)) return std::string(row.key) + " = '" + text + "': expected a number";
    return setting_set_number(row, v, settings);
  }
  case SettingKind::flag:
    if (text == "true" || text == "1") return setting_set_number(row, 1, settings);
    if (text == "false" || text == "0") return setting_set_number(row, 0, settings);
    return std::string(row.key) + " = '" + text + "': expected true or false";
  case SettingKind::choice: {
    const int i = choice_index(row, text);
    if (i < 0) return std::string(row.key) + " = '" + text + "': expected " + choices_text(row);
    return setting_set_number(row, i, settings);
  }
  case SettingKind::text:
    return row.parse(*settings, text);
  }
  return "";
}

const char* dataset_name(DatasetKind kind) {
  return kind == DatasetKind::fashion ? "fashion" : kind == DatasetKind::custom ? "custom" : "mnist";
}

const char* dataset_title(DatasetKind kind) {
  return kind == DatasetKind::fashion  ? "Fashion-MNIST"
         : kind == DatasetKind::custom ? "your own data"
                                       : "MNIST";
}

bool dataset_from_name(const std::string& name, DatasetKind* out) {
  for (int i = 0; i < kDatasetKinds; i++)
    if (name == dataset_name(DatasetKind(i))) return *out = DatasetKind(i), true;
  return false;
}

std::string excluded_text(uint32_t classes) {
  std::string out;
  for (int c = 0; c < 32; c++)
    if ((classes >> c) & 1u) out += (out.empty() ? "" : ",") + std::to_string(c);
  return out.empty() ? "none" : out;
}

std::string parse_excluded(const std::string& text, uint32_t* classes) {
  uint32_t parsed = 0;
  if (text == "none" || text.empty()) return *classes = 0, "";
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    char* end = nullptr;
    const long c = item.empty() ? -1 : std::strtol(item.c_str(), &end, 10);
    if (c < 0 || c > 31 || *end != 0)
      return "exclude = '" + text +
             "': expected class labels from 0 to 31 separated by commas ('7', '3,5'), or 'none'";
    parsed |= 1u << c;
    at = comma + 1;
  }
  if ((parsed & 0x3ffu) == 0x3ffu)
    return "exclude = '" + text + "': leaving out all ten classes leaves nothing to train on";
  *classes = parsed;
  return "";
}

} // namespace aelab
