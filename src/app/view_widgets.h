// What the views (view_*.cpp) draw alike, with ImGui, and the views' draw functions (a tab each).
#pragma once
#include <imgui.h>

#include "app/app.h"

namespace aelab {

// What a view shows before the test set is there; true once it is.
bool need_test_set(const Lab& lab, const char* what);
// Draws a figure's texture at the cursor as w x h window units; an invisible button covers it.
ImVec2 show_figure(const char* slot, const Figure& f, float w, float h);
// "Save PNG": the view's picture as a download (page) or a file (desktop).
void save_button(App& app);
// Where the decoded plane's n x n tiles go so that their centres sit on the map's grid points.
void plane_placement(const MapFrame& f, int n, ImVec2 pos, ImVec2* corner, float* side);
// The map's legend: a column's width, the columns for a map `side` units tall, and the legend.
float legend_column_w(const Lab& lab);
int legend_columns(float side);
void legend(const Lab& lab, const ImVec2& at, int columns);
// A label drawn over a picture, on a dark backdrop: at its top left corner (bottom false) or its
// bottom left (bottom true). The axes' names go there, so the picture gets the panel's height.
void overlay_label(ImVec2 pos, float side, bool bottom, const char* text);

void map_view(App& app);
void grid_view(App& app);
void interpolate_view(App& app);
void traverse_view(App& app);
void weights_view(App& app);
void anomaly_view(App& app);
void generate_view(App& app);
void compare_view(App& app);
void features_view(App& app);

} // namespace aelab
