// The floating-point environment of a thread: flush-to-zero (results too small for a float's
// normal range become 0) and denormals-are-zero (such inputs are read as 0). On Intel CPUs every
// operation that meets a subnormal takes a microcode assist of ~100 cycles; issue 26 measured 20%
// of an epoch there. The x86 builds set both bits (MXCSR) in every thread that computes: the CLI's
// and the desktop app's main threads and the run thread set them, and the pool's workers take the
// caller's mode with each job. WebAssembly has no such mode: there these do nothing.
#pragma once

namespace aelab {

// Sets or clears both bits for the calling thread.
void set_flush_denormals(bool on);
// Whether the calling thread flushes (false where the build cannot).
bool flush_denormals();

// The bits as they are (MXCSR's FTZ | DAZ), to hand to another thread; 0 where the build cannot.
unsigned fp_mode_bits();
void set_fp_mode_bits(unsigned bits);

} // namespace aelab
