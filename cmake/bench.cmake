# The WebAssembly benchmark harness (bench/wasm_bench.cpp): our core's training loop exported to
# JavaScript for the benchmark page and for node, single-threaded, at -O3 with simd128. Included
# by CMakeLists.txt when AELAB_BENCH=ON; ./build.sh bench configures it with emcmake.
if(NOT EMSCRIPTEN)
  message(FATAL_ERROR "AELAB_BENCH builds the WebAssembly harness: configure with emcmake")
endif()
add_executable(aelab_wasm_bench bench/wasm_bench.cpp)
target_link_libraries(aelab_wasm_bench PRIVATE aelab_core)
target_compile_options(aelab_wasm_bench PRIVATE -O3)
if(AELAB_WASM_THREADS)
  # The -pthread build (AELAB_WASM_THREADS=ON, its own build folder): two threads, the second
  # from a pool worker started with the module (node: worker_threads; a browser: COOP/COEP).
  set_target_properties(aelab_wasm_bench PROPERTIES OUTPUT_NAME aelab_bench_mt SUFFIX ".js")
  target_link_options(aelab_wasm_bench PRIVATE -sENVIRONMENT=web,node,worker -sPTHREAD_POOL_SIZE=1
    -Wno-pthreads-mem-growth)
else()
  set_target_properties(aelab_wasm_bench PROPERTIES OUTPUT_NAME aelab_bench SUFFIX ".js")
  target_link_options(aelab_wasm_bench PRIVATE -sENVIRONMENT=web,node)
endif()
# MODULARIZE: one factory (createAelabBench) that the page and node both call. The heap starts
# at 16 MB and grows; the page reports how far it grew after a full epoch on 60k digits.
target_link_options(aelab_wasm_bench PRIVATE -O3 -sMODULARIZE=1 -sEXPORT_NAME=createAelabBench
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16777216 -sFILESYSTEM=0
  -sEXPORTED_FUNCTIONS=_malloc,_free,_bench_image_buffer,_bench_load_images,_bench_load_labels,_bench_sample_count,_bench_reset,_bench_begin_epoch,_bench_train_batches,_bench_batches_per_epoch,_bench_epoch_loss,_bench_end_epoch,_bench_kernel,_bench_set_threads
  -sEXPORTED_RUNTIME_METHODS=UTF8ToString)
