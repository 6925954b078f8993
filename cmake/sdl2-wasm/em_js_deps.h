/* Emscripten 3.1.6 predates EM_JS_DEPS, which SDL 2.32 uses: defined away here; the app's link
   asks for the JS functions it would have declared (cmake/em_js_deps.txt). */
#include <emscripten/em_js.h>
#ifndef EM_JS_DEPS
#define EM_JS_DEPS(tag, deps)
#endif
