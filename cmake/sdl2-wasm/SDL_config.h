/* SDL_config.h for aelab's WebAssembly builds of SDL 2 (cmake/sdl2-wasm/CMakeLists.txt): SDL's
   own Emscripten configuration, as Emscripten's SDL2 port uses it, with audio off and no shared
   objects loaded (what SDL's configure step chose here with -DSDL_AUDIO=OFF). */
#ifndef SDL_config_h_
#define SDL_config_h_

#include "SDL_platform.h"
#include "SDL_config_emscripten.h"

#undef SDL_AUDIO_DRIVER_DISK
#undef SDL_AUDIO_DRIVER_DUMMY
#undef SDL_AUDIO_DRIVER_EMSCRIPTEN
#define SDL_AUDIO_DISABLED 1

#undef SDL_LOADSO_DLOPEN
#define SDL_LOADSO_DUMMY 1

#endif /* SDL_config_h_ */
