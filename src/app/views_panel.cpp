// The big area, "Look inside": a tab per view (view_*.cpp), each drawing its picture from the
// lab and the views' data (view_data.cpp); the full layout's Share button sits in its tab bar.
#include <imgui.h>

#include <cstdio>

#include "app/app.h"
#include "app/view_widgets.h"

namespace aelab {
namespace {

const char* const kViewTitles[kViewCount] = {"Latent map",  "Decoded plane", "Interpolate", "Traverse",
                                             "First layer", "Gallery",       "Anomaly",     "Generate",
                                             "AE vs VAE",   "Feature maps"};

// The tabs' contents, in View's order.
void (*const kViewDraw[kViewCount])(App&) = {map_view,     grid_view,    interpolate_view, traverse_view,
                                             weights_view, gallery_view, anomaly_view,     generate_view,
                                             compare_view, features_view};

} // namespace

void views_panel(App& app, const Rect& r) {
  ViewsState& v = app.views;
  begin_panel("Look inside###views", r);
  panel_help(
      app, "views",
      "Pictures of what the network has learned, each in a tab. Latent map: every test digit's code "
      "as a dot, so digits the network finds alike sit together. Decoded plane: what the decoder "
      "draws at each point of that map. Interpolate and Traverse walk through the code space; First "
      "layer shows what each of the first 128 units looks for; Gallery shows test digits and their "
      "reconstructions. Generate decodes random codes into new pictures, and AE vs VAE sets a plain "
      "autoencoder's map beside a variational one's. Feature maps shows a convolutional model's every layer "
      "for your input. They all follow training, and the timeline.");
  // short titles where the full ones would not fit; arrows rather than cut titles where even
  // those do not
  const char* const short_titles[kViewCount] = {"Map",     "Plane",   "Interp.",  "Traverse", "Layer 1",
                                                "Gallery", "Anomaly", "Generate", "AE/VAE",   "Features"};
  const bool narrow = r.w < 720;
  if (r.w < 500) { // a phone: every view's button, wrapped over two rows (a tab bar would scroll)
    for (int i = 0; i < kViewCount; i++) {
      if (i > 0) same_line_if_fits(short_titles[i]);
      const bool current = v.view == View(i);
      if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_TabActive));
      char label[48];
      std::snprintf(label, sizeof label, "%s###view%d", short_titles[i], i);
      if (ImGui::Button(label)) v.view = View(i);
      if (current) ImGui::PopStyleColor();
      mark_item(app, std::string("view:") + view_name(View(i)));
    }
    v.select = false;
    ImGui::Separator();
    kViewDraw[int(v.view)](app);
    ImGui::End();
    return;
  }
  if (ImGui::BeginTabBar("##views", ImGuiTabBarFlags_FittingPolicyScroll)) {
    for (int i = 0; i < kViewCount; i++) {
      const ImGuiTabItemFlags flags = v.select && int(v.view) == i ? ImGuiTabItemFlags_SetSelected : 0;
      char label[48];
      std::snprintf(label, sizeof label, "%s###view%d", narrow ? short_titles[i] : kViewTitles[i], i);
      const bool open = ImGui::BeginTabItem(label, nullptr, flags);
      mark_item(app, std::string("view:") + view_name(View(i)));
      if (open) {
        if (ImGui::IsItemHovered() && narrow) ImGui::SetTooltip("%s", kViewTitles[i]);
        if (!v.select) v.view = View(i);
        kViewDraw[i](app);
        ImGui::EndTabItem();
      }
    }
    // the full layout's Share button (the tabbed layouts have it in their strip)
    if (app.layout == LayoutMode::full && app_control_shown(app, Control::share)) {
      if (ImGui::TabItemButton("Share / make a lesson", ImGuiTabItemFlags_Trailing)) app.share_open = true;
      app.share_button = item_rect();
      mark_item(app, "share");
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("A link to this lab as it is now, with what to show and hide: for a lesson.");
    }
    ImGui::EndTabBar();
  }
  v.select = false;
  ImGui::End();
}

} // namespace aelab
