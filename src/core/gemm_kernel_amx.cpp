// The bfloat16 GEMM tile on AMX (issue 26): Intel Sapphire Rapids and later multiply bf16 in
// tiles, TDPBF16PS (16 x 16 fp32 sums += 16 x 32 bf16 times 32 x 16 bf16), several times the
// rate of AVX512-BF16's vdpbf16ps, which on Intel has no more throughput than fp32 FMAs.
// A 32 x 32 tile of C is four tile registers (0-3), its rows of A two (4, 5), its panel of B two
// (6, 7). The operands come packed as for the avx512-bf16 kernel (gemm_bf16_kernel.h): B's panel
// pair (q, j) at b[q * 32 + j] is already AMX's pair-interleaved layout, and A must come as
// rows of pairs (a_pair_stride 1: gemm.cpp lays op(A) out so for this kernel). Compiled with
// AMX's flags, intrinsics only, everything in an anonymous namespace: gemm.cpp calls it only
// where the CPU has AMX and Linux has granted this process the tile state.
//
// With AELAB_AMX_EMULATE defined (tests/core/amx_emulated.cpp) the tile instructions are plain
// loops that follow the Intel SDM's pseudocode, so that the tests check this kernel's layout,
// tails and epilogue on CPUs without AMX; only the instructions themselves go untested there.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "core/gemm_bf16_kernel.h"

namespace {

#ifdef AELAB_AMX_EMULATE
struct Tile {
  int rows = 16, colsb = 64;
  alignas(64) unsigned char bytes[16][64];
};
thread_local Tile tiles[8];

void tile_loadd(int t, const void* base, long stride) { // TILELOADD: rows past `rows` read as 0
  const unsigned char* p = static_cast<const unsigned char*>(base);
  for (int r = 0; r < 16; r++)
    for (int c = 0; c < 64; c++)
      tiles[t].bytes[r][c] = r < tiles[t].rows && c < tiles[t].colsb ? p[r * stride + c] : 0;
}
void tile_stored(int t, void* base, long stride) {
  unsigned char* p = static_cast<unsigned char*>(base);
  for (int r = 0; r < tiles[t].rows; r++)
    for (int c = 0; c < tiles[t].colsb; c++) p[r * stride + c] = tiles[t].bytes[r][c];
}
void tile_zero(int t) {
  for (int r = 0; r < 16; r++)
    for (int c = 0; c < 64; c++) tiles[t].bytes[r][c] = 0;
}
float bf16_at(const Tile& t, int row, int index) { // the bf16 value `index` of a row, as fp32
  const unsigned bits = unsigned(t.bytes[row][2 * index]) << 16 | unsigned(t.bytes[row][2 * index + 1]) << 24;
  float f;
  __builtin_memcpy(&f, &bits, 4);
  return f;
}
void tile_dpbf16ps(int dst, int a, int b) { // TDPBF16PS
  Tile& d = tiles[dst];
  for (int m = 0; m < d.rows; m++)
    for (int n = 0; n < d.colsb / 4; n++) {
      float sum;
      __builtin_memcpy(&sum, &d.bytes[m][4 * n], 4);
      for (int k = 0; k < tiles[a].colsb / 4; k++) {
        sum += bf16_at(tiles[a], m, 2 * k) * bf16_at(tiles[b], k, 2 * n);
        sum += bf16_at(tiles[a], m, 2 * k + 1) * bf16_at(tiles[b], k, 2 * n + 1);
      }
      __builtin_memcpy(&d.bytes[m][4 * n], &sum, 4);
    }
}
#define AMX_LOAD(t, base, stride) tile_loadd(t, base, stride)
#define AMX_STORE(t, base, stride) tile_stored(t, base, stride)
#define AMX_ZERO(t) tile_zero(t)
#define AMX_DP(d, a, b) tile_dpbf16ps(d, a, b)
#define AMX_CONFIG(c) (void)(c)
#else
#define AMX_LOAD(t, base, stride) _tile_loadd(t, base, stride)
#define AMX_STORE(t, base, stride) _tile_stored(t, base, stride)
#define AMX_ZERO(t) _tile_zero(t)
#define AMX_DP(d, a, b) _tile_dpbf16ps(d, a, b)
#define AMX_CONFIG(c) _tile_loadconfig(c)
#endif

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
  AMX_CONFIG(&c);
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
    AMX_LOAD(4, a + q, a_bytes);
    AMX_LOAD(5, a + 16L * lda + q, a_bytes);
    AMX_LOAD(6, b + long(q) * NR, b_bytes);
    AMX_LOAD(7, b + long(q) * NR + 16, b_bytes);
    AMX_DP(0, 4, 6);
    AMX_DP(1, 4, 7);
    AMX_DP(2, 5, 6);
    AMX_DP(3, 5, 7);
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
  AMX_LOAD(4, a_tail, KQ * 4);
  AMX_LOAD(5, a_tail + 16 * KQ, KQ * 4);
  AMX_LOAD(6, b_tail, NR * 4);
  AMX_LOAD(7, b_tail + 16, NR * 4);
  AMX_DP(0, 4, 6);
  AMX_DP(1, 4, 7);
  AMX_DP(2, 5, 6);
  AMX_DP(3, 5, 7);
}

inline void load_c(const float* c, long ldc_bytes) {
  AMX_LOAD(0, c, ldc_bytes);
  AMX_LOAD(1, c + 16, ldc_bytes);
  AMX_LOAD(2, reinterpret_cast<const char*>(c) + 16 * ldc_bytes, ldc_bytes);
  AMX_LOAD(3, reinterpret_cast<const char*>(c + 16) + 16 * ldc_bytes, ldc_bytes);
}

inline void store_c(float* c, long ldc_bytes) {
  AMX_STORE(0, c, ldc_bytes);
  AMX_STORE(1, c + 16, ldc_bytes);
  AMX_STORE(2, reinterpret_cast<char*>(c) + 16 * ldc_bytes, ldc_bytes);
  AMX_STORE(3, reinterpret_cast<char*>(c + 16) + 16 * ldc_bytes, ldc_bytes);
}

void run(const aelab::gemm_detail::Bf16TileArgs& t) {
  configure();
  const bool full = t.m_valid == MR && t.n_valid == NR;
  const long ldc_bytes = long(t.ldc) * 4;
  // Straight to and from C where nothing is added or clipped; else through a scratch tile.
  const bool direct_in = full && !t.bias, direct_out = full && !t.relu;
  alignas(64) float scratch[MR * NR];
  if (!t.load_c && !t.bias) {
    AMX_ZERO(0);
    AMX_ZERO(1);
    AMX_ZERO(2);
    AMX_ZERO(3);
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
#ifdef AELAB_AMX_EMULATE
void amx_emulated_bf16_run(const Bf16TileArgs& t) { run(t); }
#else
const int kAmxMr = MR, kAmxNr = NR;
void amx_bf16_run(const Bf16TileArgs& t) { run(t); }
#endif
} // namespace gemm_detail
} // namespace aelab
