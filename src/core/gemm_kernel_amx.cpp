// The bfloat16 GEMM tile on AMX (issue 26): Intel Sapphire Rapids and later multiply bf16 in
// tiles, TDPBF16PS (16 x 16 fp32 sums += 16 x 32 bf16 times 32 x 16 bf16), several times the
// rate of AVX512-BF16's vdpbf16ps, which on Intel has no more throughput than fp32 FMAs.
// A 32 x 32 tile of C is four tile registers (0-3), its rows of A two (4, 5), its panel of B two
// (6, 7). The operands come packed as for the avx512-bf16 kernel (gemm_bf16_kernel.h): B's panel
// pair (q, j) at b[q * 32 + j] is already AMX's pair-interleaved layout, and A must come as
// rows of pairs (a_pair_stride 1: gemm.cpp lays op(A) out so for this kernel). Compiled with
// AMX's flags, intrinsics only, everything in an anonymous namespace: gemm.cpp calls it only
// where the CPU has AMX and Linux has granted this process the tile state.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "core/gemm_bf16_kernel.h"

namespace {

constexpr int MR = 32, NR = 32, KQ = 16; // KQ: pairs per tile step (64 bytes of a row)

struct alignas(64) TileConfig {
  unsigned char palette = 1, start_row = 0, reserved[14] = {};
  unsigned short colsb[16] = {};
  unsigned char rows[16] = {};
};

// Each thread loads the configuration once: eight tiles of 16 rows x 64 bytes.
thread_local bool configured = false;
inline void configure() {
  if (configured) return;
  TileConfig c;
  for (int t = 0; t < 8; t++) c.colsb[t] = 64, c.rows[t] = 16;
  _tile_loadconfig(&c);
  configured = true;
}

inline __mmask16 first_lanes(int n) {
  return n >= 16 ? __mmask16(0xFFFF) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1);
}

// The sums over pairs [0, kp) of the rows of A at a (row stride lda words) against the panel b
// into tiles 0-3; the last partial step of KQ pairs goes through zero-padded copies.
inline void multiply(const uint32_t* a, int lda, const uint32_t* b, int kp) {
  const long a_bytes = long(lda) * 4, b_bytes = NR * 4;
  int q = 0;
  for (; q + KQ <= kp; q += KQ) {
    _tile_loadd(4, a + q, a_bytes);
    _tile_loadd(5, a + 16L * lda + q, a_bytes);
    _tile_loadd(6, b + long(q) * NR, b_bytes);
    _tile_loadd(7, b + long(q) * NR + 16, b_bytes);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  if (q == kp) return;
  const int rest = kp - q;
  alignas(64) uint32_t a_tail[MR * KQ], b_tail[KQ * NR];
  const __mmask16 m = first_lanes(rest);
  for (int i = 0; i < MR; i++)
    _mm512_store_si512(a_tail + i * KQ, _mm512_maskz_loadu_epi32(m, a + long(i) * lda + q));
  for (int r = 0; r < KQ; r++) {
    const bool in = r < rest;
    _mm512_store_si512(b_tail + r * NR,
                       in ? _mm512_load_si512(b + long(q + r) * NR) : _mm512_setzero_si512());
    _mm512_store_si512(b_tail + r * NR + 16,
                       in ? _mm512_load_si512(b + long(q + r) * NR + 16) : _mm512_setzero_si512());
  }
  _tile_loadd(4, a_tail, KQ * 4);
  _tile_loadd(5, a_tail + 16 * KQ, KQ * 4);
  _tile_loadd(6, b_tail, NR * 4);
  _tile_loadd(7, b_tail + 16, NR * 4);
  _tile_dpbf16ps(0, 4, 6);
  _tile_dpbf16ps(1, 4, 7);
  _tile_dpbf16ps(2, 5, 6);
  _tile_dpbf16ps(3, 5, 7);
}

inline void load_c(const float* c, long ldc_bytes) {
  _tile_loadd(0, c, ldc_bytes);
  _tile_loadd(1, c + 16, ldc_bytes);
  _tile_loadd(2, reinterpret_cast<const char*>(c) + 16 * ldc_bytes, ldc_bytes);
  _tile_loadd(3, reinterpret_cast<const char*>(c + 16) + 16 * ldc_bytes, ldc_bytes);
}

inline void store_c(float* c, long ldc_bytes) {
  _tile_stored(0, c, ldc_bytes);
  _tile_stored(1, c + 16, ldc_bytes);
  _tile_stored(2, reinterpret_cast<char*>(c) + 16 * ldc_bytes, ldc_bytes);
  _tile_stored(3, reinterpret_cast<char*>(c + 16) + 16 * ldc_bytes, ldc_bytes);
}

void run(const aelab::gemm_detail::Bf16TileArgs& t) {
  configure();
  const bool full = t.m_valid == MR && t.n_valid == NR;
  const long ldc_bytes = long(t.ldc) * 4;
  // Straight to and from C where nothing is added or clipped; else through a scratch tile.
  const bool direct_in = full && !t.bias, direct_out = full && !t.relu;
  alignas(64) float scratch[MR * NR];
  if (!t.load_c && !t.bias) {
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
  } else if (direct_in) {
    load_c(t.c, ldc_bytes);
  } else {
    for (int i = 0; i < MR; i++)
      for (int j0 = 0; j0 < NR; j0 += 16) {
        const __mmask16 m = i < t.m_valid && t.load_c ? first_lanes(t.n_valid - j0) : __mmask16(0);
        __m512 x = _mm512_maskz_loadu_ps(m, t.c + long(i) * t.ldc + j0);
        if (t.bias) x = _mm512_add_ps(x, _mm512_loadu_ps(t.bias + j0));
        _mm512_store_ps(scratch + i * NR + j0, x);
      }
    load_c(scratch, NR * 4);
  }
  multiply(t.a, t.a_row_stride, t.b, t.kp);
  if (direct_out) {
    store_c(t.c, ldc_bytes);
    return;
  }
  store_c(scratch, NR * 4);
  for (int i = 0; i < t.m_valid; i++)
    for (int j0 = 0; j0 < NR; j0 += 16) {
      __m512 x = _mm512_load_ps(scratch + i * NR + j0);
      if (t.relu) x = _mm512_max_ps(x, _mm512_setzero_ps());
      _mm512_mask_storeu_ps(t.c + long(i) * t.ldc + j0, first_lanes(t.n_valid - j0), x);
    }
}

} // namespace

namespace aelab {
namespace gemm_detail {
const int kAmxMr = MR, kAmxNr = NR;
void amx_bf16_run(const Bf16TileArgs& t) { run(t); }
} // namespace gemm_detail
} // namespace aelab
