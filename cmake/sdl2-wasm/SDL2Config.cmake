# SDL2::SDL2-static for find_package(SDL2 CONFIG), installed by cmake/sdl2-wasm/CMakeLists.txt.
get_filename_component(_aelab_sdl2_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET SDL2::SDL2-static)
  add_library(SDL2::SDL2-static STATIC IMPORTED)
  set_target_properties(SDL2::SDL2-static PROPERTIES
    IMPORTED_LOCATION "${_aelab_sdl2_prefix}/lib/libSDL2.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_aelab_sdl2_prefix}/include;${_aelab_sdl2_prefix}/include/SDL2")
endif()
