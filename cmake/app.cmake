# The ImGui app (src/app), built natively (Debian's SDL2 + OpenGL 3) and for the browser (SDL2
# built from source with emcmake by ./build.sh, WebGL2). Included by CMakeLists.txt when
# AELAB_APP=ON. Dear ImGui comes from ${AELAB_DEPS}/imgui (Debian's 1.90.1 orig tarball).
set(AELAB_IMGUI_DIR "${AELAB_DEPS}/imgui")
if(NOT EXISTS "${AELAB_IMGUI_DIR}/imgui.h")
  message(FATAL_ERROR "Dear ImGui not found under ${AELAB_IMGUI_DIR}: run ./build.sh setup")
endif()
find_package(SDL2 CONFIG REQUIRED)
if(TARGET SDL2::SDL2-static AND EMSCRIPTEN)
  set(AELAB_SDL2 SDL2::SDL2-static)
else()
  set(AELAB_SDL2 SDL2::SDL2)
endif()

# The UI is small and not hot: -Os on the web keeps the download small; the core stays -O3.
if(EMSCRIPTEN)
  set(AELAB_UI_OPT -Os)
else()
  set(AELAB_UI_OPT -O2)
endif()

# Dear ImGui and its SDL2 + OpenGL 3 backends: third-party code, so its warnings are not ours.
add_library(aelab_imgui STATIC
  ${AELAB_IMGUI_DIR}/imgui.cpp ${AELAB_IMGUI_DIR}/imgui_draw.cpp
  ${AELAB_IMGUI_DIR}/imgui_tables.cpp ${AELAB_IMGUI_DIR}/imgui_widgets.cpp
  ${AELAB_IMGUI_DIR}/backends/imgui_impl_sdl2.cpp ${AELAB_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(aelab_imgui SYSTEM PUBLIC ${AELAB_IMGUI_DIR} ${AELAB_IMGUI_DIR}/backends)
target_link_libraries(aelab_imgui PUBLIC ${AELAB_SDL2})
target_compile_options(aelab_imgui PRIVATE -w ${AELAB_UI_OPT}
  "-ffile-prefix-map=${AELAB_IMGUI_DIR}=imgui")
target_compile_definitions(aelab_imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
if(EMSCRIPTEN)
  # WebGL2 = OpenGL ES 3.0 (the backend would default to WebGL1).
  target_compile_definitions(aelab_imgui PUBLIC IMGUI_IMPL_OPENGL_ES3)
else()
  find_package(OpenGL REQUIRED)
  target_link_libraries(aelab_imgui PUBLIC OpenGL::GL ${CMAKE_DL_LIBS})
endif()

# The UI font (Roboto, cut down by ./build.sh), compiled in: both builds have it without a file.
set(AELAB_UI_FONT "${AELAB_DEPS}/font/aelab-ui.ttf")
if(NOT EXISTS "${AELAB_UI_FONT}")
  message(FATAL_ERROR "the UI font ${AELAB_UI_FONT} is missing: run ./build.sh setup")
endif()
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/ui_font.cpp
  COMMAND ${CMAKE_COMMAND} -DIN=${AELAB_UI_FONT} -DOUT=${CMAKE_BINARY_DIR}/ui_font.cpp
          -DNAME=aelab_ui_font -P ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake
  DEPENDS ${AELAB_UI_FONT} ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake VERBATIM)

# The page's API and the app's state without ImGui (settings, state(), lesson links, the views'
# data, the script's reader): its tests link no ImGui. A file here that includes imgui.h fails
# to build, since aelab_page does not see ImGui's headers.
set(AELAB_PAGE_SOURCES api.cpp app_state.cpp generate_data.cpp lesson.cpp script_read.cpp view_data.cpp)
list(TRANSFORM AELAB_PAGE_SOURCES PREPEND "${CMAKE_SOURCE_DIR}/src/app/")
add_library(aelab_page STATIC ${AELAB_PAGE_SOURCES})
target_link_libraries(aelab_page PUBLIC aelab_lab)
target_compile_options(aelab_page PRIVATE ${AELAB_UI_OPT})

# The app shared by both builds: the panels in src/app; the start-ups are in src/platform.
file(GLOB AELAB_APP_SOURCES CONFIGURE_DEPENDS src/app/*.cpp)
list(REMOVE_ITEM AELAB_APP_SOURCES ${AELAB_PAGE_SOURCES})
add_library(aelab_app_lib STATIC ${AELAB_APP_SOURCES} ${CMAKE_BINARY_DIR}/ui_font.cpp)
target_link_libraries(aelab_app_lib PUBLIC aelab_page aelab_imgui)
target_compile_options(aelab_app_lib PRIVATE ${AELAB_UI_OPT})

if(EMSCRIPTEN)
  add_executable(aelab_web src/platform/main_web.cpp src/platform/web_bridge.cpp src/platform/worker_host.cpp)
  target_link_libraries(aelab_web PRIVATE aelab_app_lib)
  target_compile_options(aelab_web PRIVATE ${AELAB_UI_OPT})
  # A hand-written page loads aelab.js (Debian's emcc crashes writing .html at -O1+). The C
  # functions behind window.aelab are listed in cmake/web_exports.txt; em_js_deps.txt lists the
  # JS library functions SDL 2.32's EM_JS_DEPS would have requested (3.1.6 lacks that macro).
  if(AELAB_WASM_THREADS)
    # The threaded variant, aelab-mt.js (+ aelab-mt.worker.js), for cross-origin isolated pages.
    # Its workers are started before main(), so threads can start synchronously: the training
    # thread and its pool's workers, min(cores, AELAB_WEB_THREADS) - 1 in all (main_web.cpp).
    set(AELAB_WEB_THREADS 4)
    set_target_properties(aelab_web PROPERTIES OUTPUT_NAME aelab-mt SUFFIX ".js")
    target_compile_definitions(aelab_web PRIVATE AELAB_WEB_THREADS=${AELAB_WEB_THREADS})
    target_link_options(aelab_web PRIVATE -O3 -sENVIRONMENT=web,worker -Wno-pthreads-mem-growth
      "-sPTHREAD_POOL_SIZE=Math.max(1,Math.min(navigator.hardwareConcurrency,${AELAB_WEB_THREADS})-1)")
  else()
    # The single-thread page trains in its Web Worker (aelab_run_worker, below, at -O3), so its
    # own module, the first visit's largest download, is optimized for size at link time too:
    # 13.5 KB less gzip -9 than -O3; the same core in node trains about 2% slower at -Os, which
    # only the first batches before the worker is up, the map and the views pay.
    set_target_properties(aelab_web PROPERTIES OUTPUT_NAME aelab SUFFIX ".js")
    target_link_options(aelab_web PRIVATE -Os -sENVIRONMENT=web)
  endif()
  target_link_options(aelab_web PRIVATE
    -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2 -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432
    -sEXIT_RUNTIME=0
    "-sEXPORTED_FUNCTIONS=@${CMAKE_SOURCE_DIR}/cmake/web_exports.txt"
    "-sEXPORTED_RUNTIME_METHODS=ccall,cwrap,UTF8ToString"
    "-sDEFAULT_LIBRARY_FUNCS_TO_INCLUDE=@${CMAKE_SOURCE_DIR}/cmake/em_js_deps.txt")
  set_property(TARGET aelab_web APPEND PROPERTY LINK_DEPENDS
    ${CMAKE_SOURCE_DIR}/cmake/web_exports.txt ${CMAKE_SOURCE_DIR}/cmake/em_js_deps.txt)
  # The training run alone for the single-thread page's Web Worker (web/aelab-worker.js): core
  # and lab, no UI, loaded only when training first starts.
  if(NOT AELAB_WASM_THREADS)
    add_executable(aelab_run_worker src/platform/run_worker.cpp)
    target_link_libraries(aelab_run_worker PRIVATE aelab_lab)
    set_target_properties(aelab_run_worker PROPERTIES OUTPUT_NAME aelab-run SUFFIX ".js")
    target_link_options(aelab_run_worker PRIVATE -O3 -sENVIRONMENT=worker -sALLOW_MEMORY_GROWTH=1
      -sINITIAL_MEMORY=33554432 -sEXIT_RUNTIME=0
      "-sEXPORTED_FUNCTIONS=@${CMAKE_SOURCE_DIR}/cmake/worker_exports.txt"
      "-sEXPORTED_RUNTIME_METHODS=UTF8ToString")
    set_property(TARGET aelab_run_worker APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/cmake/worker_exports.txt)
  endif()
else()
  add_executable(aelab_app src/platform/main_native.cpp)
  target_link_libraries(aelab_app PRIVATE aelab_app_lib)
  target_compile_definitions(aelab_app PRIVATE AELAB_DEFAULT_DATA="${AELAB_MNIST_DIR}"
    AELAB_DEFAULT_MODEL="${CMAKE_SOURCE_DIR}/assets/model.aelab")

  # The native value the browser test compares the page's reconstruction loss with.
  add_executable(aelab_reference tests/app/reference_loss.cpp)
  target_link_libraries(aelab_reference PRIVATE aelab_app_lib)

  # The page's API without a window and without ImGui: settings, state(), lesson links, the script.
  add_executable(app_tests tests/app/test_app.cpp)
  target_link_libraries(app_tests PRIVATE aelab_page GTest::gtest_main)
endif()
