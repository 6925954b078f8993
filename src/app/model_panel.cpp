// The model and data panel: what is loaded, save / load / back to the shipped model, the data
// sets' loading progress, and the last message.
#include <imgui.h>

#include <cfloat>
#include <cstdio>

#include "app/app.h"

namespace aelab {
namespace {

// The data set: MNIST, Fashion-MNIST or the user's own IDX files (the page's picker and drop; the
// desktop's folder field).
void data_choice(App& app) {
  Lab& lab = app.lab;
  int kind = int(lab.dataset);
  ImGui::SetNextItemWidth(-FLT_MIN);
  const char* items = app.own_data_name.empty() ? "MNIST digits\0Fashion-MNIST clothes\0"
                                                : "MNIST digits\0Fashion-MNIST clothes\0your own data\0";
  if (ImGui::Combo("##dataset", &kind, items) && DatasetKind(kind) != lab.dataset) {
    PendingDiscard p{Discard::dataset};
    p.dataset = DatasetKind(kind);
    app_ask(app, p);
  }
  tip("What the network learns from and is tested on: MNIST's handwritten digits,\n"
      "Fashion-MNIST's pictures of clothes (the same 28x28 format), or IDX files of your own.\n"
      "A data set is downloaded when it is first chosen.");
  if (lab.dataset == DatasetKind::custom && !app.own_data_name.empty())
    text_disabled_wrapped("%s", app.own_data_name.c_str());
  if (app.platform.web) {
    if (ImGui::Button("Your own data...") && app.platform.open_data_picker) app.platform.open_data_picker();
    tip("Pick IDX files of 28x28 pictures (plain or .gz): the four of a data set\n"
        "(train-images, train-labels, t10k-images, t10k-labels), or one images and one\n"
        "labels file to train and test on.");
    same_line_if_fits("or drop files on the page");
    text_disabled_wrapped("or drop files on the page");
    tip("Drop a model (.aelab, or .npz weights from Keras or PyTorch) to load it, or IDX files\n"
        "(plain or .gz) to train and test on them.");
  } else {
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputTextWithHint("##datapath", "a folder of IDX files", app.data_path, sizeof app.data_path);
    tip("A folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte\n"
        "and t10k-labels-idx1-ubyte (each may be .gz), of 28x28 pictures.");
    ImGui::BeginDisabled(app.data_path[0] == 0);
    if (ImGui::Button("Use this folder")) {
      const std::string error = app_use_own_data(app, app.data_path);
      if (!error.empty()) app_message(app, error, true);
    }
    ImGui::EndDisabled();
  }
}

// "Make available offline" (the page with a service worker): a teacher's button before class.
void offline_section(App& app) {
  OfflineState& o = app.offline;
  if (o.status == OfflineStatus::unavailable || !app.platform.make_offline) return;
  ImGui::SeparatorText("Offline");
  if (o.status == OfflineStatus::working) {
    ImGui::ProgressBar(o.progress, ImVec2(-FLT_MIN, 0), o.text.c_str());
    app_working(app, Work::data);
    return;
  }
  if (o.status == OfflineStatus::done)
    ImGui::TextColored(ImVec4(0.5f, 0.9f, 0.5f, 1), "%s", "available offline");
  if (o.status == OfflineStatus::done || o.status == OfflineStatus::failed) {
    ImGui::PushStyleColor(ImGuiCol_Text, o.status == OfflineStatus::failed
                                             ? ImVec4(1, 0.4f, 0.4f, 1)
                                             : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", o.text.c_str());
    ImGui::PopStyleColor();
  }
  if (ImGui::Button(o.status == OfflineStatus::failed ? "Try again" : "Make available offline")) {
    o.status = OfflineStatus::working, o.progress = 0, o.text = "starting";
    app.platform.make_offline(o.fashion);
  }
  mark_item(app, "offline");
  tip("Downloads the training set (9.7 MB) now and keeps it with the app in this browser:\n"
      "it then loads, draws and trains with no network. Press it before class.");
  same_line_if_fits("with Fashion-MNIST");
  ImGui::Checkbox("with Fashion-MNIST", &o.fashion);
  tip("Fashion-MNIST's training and test sets too (26 MB more).");
}

} // namespace

void model_panel(App& app, const Rect& r) {
  Lab& lab = app.lab;
  begin_panel("Model and data", r);
  panel_help(app, "model",
             "What is loaded: the network's shape (784 inputs, a hidden layer, the code, a hidden "
             "layer, 784 outputs) and how long it has trained. Save keeps the model with its "
             "optimizer state, so training can go on from it later; Load, or dropping a .aelab "
             "or .npz file, replaces it. Data: what the network learns from (MNIST's digits, "
             "Fashion-MNIST's clothes, or IDX files of your own), and whether it is loaded.");
  const ModelShape& s = lab.model->shape;
  ImGui::TextWrapped("%s, %zu parameters", model_shape_text(s).c_str(), parameter_count(s));
  if (is_conv(s))
    tip("A convolutional autoencoder: 3x3 filters slide over the picture. Encoder: %d, %d and\n"
        "%d filters, each followed by 2x2 max-pooling (28 -> 14 -> 7 -> 4); the code is 4x4x%d\n"
        "= %d numbers; the decoder mirrors it with 2x upsampling. The Feature maps view shows\n"
        "every layer's output for your input. Parameters: the filters' weights and biases.",
        s.filters[0], s.filters[1], s.filters[2], s.filters[2], s.latent_dim);
  else
    tip("The units of each layer: 784 pixels in, %d hidden, a code of %d numbers, %d hidden,\n"
        "784 pixels out. Parameters: the weights and biases training adjusts.%s",
        s.hidden_dim, s.latent_dim, s.hidden_dim,
        s.kind == ModelKind::vae
            ? "\nA VAE's encoder gives each code number a mean mu and a log sigma^2 (two\n"
              "outputs per number); it decodes z = mu + sigma * eps."
            : "");
  if (lab.latest.epochs_before > 0)
    ImGui::TextWrapped("%s: %u epochs before this run, %d in it", lab.model_name.c_str(),
                       lab.latest.epochs_before, lab_epoch(lab));
  else
    ImGui::TextWrapped("%s: %d epochs in this run", lab.model_name.c_str(), lab_epoch(lab));
  tip("How many passes over the training digits the model has had: before it was loaded,\n"
      "and in this run (the Train panel's).");
  if (!lab.model_notice.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.8f, 0.3f, 1));
    ImGui::TextWrapped("%s", lab.model_notice.c_str());
    ImGui::PopStyleColor();
  }

  const bool save = app_control_shown(app, Control::save), load = app_control_shown(app, Control::load);
  if (!app.platform.web && (save || load)) {
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputText("##path", app.model_path, sizeof app.model_path);
  }
  if (save) {
    if (ImGui::Button(app.platform.web ? "Save (download)" : "Save"))
      lab_save(lab); // saved when the run answers
    mark_item(app, "save");
    same_line_if_fits("Load...");
  }
  if (load) { // Load, and Back to the shipped model (both replace the model)
    if (ImGui::Button(app.platform.web ? "Load..." : "Load")) app_ask(app, {Discard::load});
    mark_item(app, "load");
    same_line_if_fits("Back to the shipped model");
    ImGui::BeginDisabled(lab.shipped_model.empty());
    if (ImGui::Button("Back to the shipped model")) app_ask(app, {Discard::shipped});
    mark_item(app, "shipped");
    ImGui::EndDisabled();
  }

  ImGui::SeparatorText("Data");
  if (app_control_shown(app, Control::dataset)) data_choice(app);
  const char* what = lab.dataset == DatasetKind::fashion ? "items"
                     : lab.dataset == DatasetKind::mnist ? "digits"
                                                         : "pictures";
  data_status_line(app, "test set", DataTarget::test, "not loaded");
  tip("The test %s of %s: the validation loss, the map, the gallery and the Anomaly view use them.", what,
      dataset_title(lab.dataset));
  data_status_line(app, "training set", DataTarget::train, "loads when training starts");
  tip("The training %s of %s the network learns from.", what, dataset_title(lab.dataset));

  offline_section(app);
  ImGui::Separator();
  if (app.platform.open_about && !app.embed) {
    if (ImGui::Button("About autoencoders")) app.platform.open_about();
    mark_item(app, "about");
    tip("What an autoencoder is and what to try: the text below the lab (scroll down).");
  }
  if (!app.message.text.empty() && now_ms() < app.message.until_ms)
    ImGui::TextWrapped("%s", app.message.text.c_str());
  ImGui::End();
}

} // namespace aelab
