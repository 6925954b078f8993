# libFuzzer targets (tests/fuzz), built with clang in the sanitizer build (./build.sh passes
# -fsanitize=address,undefined,fuzzer-no-link for every unit, so the libraries are instrumented
# too). Each target is one executable; make_seeds writes their generated seed inputs.
file(GLOB AELAB_FUZZ_TARGETS CONFIGURE_DEPENDS tests/fuzz/fuzz_*.cpp)
foreach(source ${AELAB_FUZZ_TARGETS})
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE aelab_lab)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endforeach()
# the script reader is the app's, without ImGui
target_sources(fuzz_script PRIVATE src/app/script_read.cpp)
target_sources(fuzz_args PRIVATE src/cli/args.cpp)
add_executable(make_seeds tests/fuzz/make_seeds.cpp)
target_link_libraries(make_seeds PRIVATE aelab_lab)
