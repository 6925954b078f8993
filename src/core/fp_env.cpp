// Flush-to-zero and denormals-are-zero (fp_env.h): MXCSR bits 15 (FTZ) and 6 (DAZ) on x86.
#include "core/fp_env.h"

#if defined(__SSE2__) && !defined(__EMSCRIPTEN__)
#include <xmmintrin.h>
#define AELAB_HAS_MXCSR 1
#endif

namespace aelab {

#if AELAB_HAS_MXCSR
constexpr unsigned kFlushBits = 0x8000u | 0x0040u; // FTZ | DAZ

unsigned fp_mode_bits() { return _mm_getcsr() & kFlushBits; }
void set_fp_mode_bits(unsigned bits) { _mm_setcsr((_mm_getcsr() & ~kFlushBits) | (bits & kFlushBits)); }
void set_flush_denormals(bool on) { set_fp_mode_bits(on ? kFlushBits : 0u); }
bool flush_denormals() { return fp_mode_bits() == kFlushBits; }
#else
unsigned fp_mode_bits() { return 0; }
void set_fp_mode_bits(unsigned) {}
void set_flush_denormals(bool) {}
bool flush_denormals() { return false; }
#endif

} // namespace aelab
