// The convolutional layers (conv.h). A convolution works on chunks of whole pictures, about
// kChunkRows output pixels each, in parallel: im2col of the chunk into this thread's columns (in
// the cache), then one product. The chunks' cuts do not depend on the thread count, and the
// weight gradient's per-chunk parts are summed in chunk order, so the results do not either.
#include "core/conv.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "core/gemm.h"
#include "core/threads.h"

#include <xsimd/xsimd.hpp>

namespace aelab {

namespace {

constexpr int kChunkRows = 1024;

// Pictures per chunk for an output of out_h x out_w pixels.
int chunk_pictures(int out_h, int out_w) { return std::max(1, kChunkRows / (out_h * out_w)); }

// The columns buffer of thread `t`, at least n floats.
float* cols_of(ConvScratch& s, int t, size_t n) {
  if (s.cols.size() < size_t(thread_count_max())) s.cols.resize(size_t(thread_count_max()));
  std::vector<float>& c = s.cols[size_t(t)];
  if (c.size() < n) c.resize(n);
  return c.data();
}

// task(first picture, pictures, chunk, thread) over the batch's chunks.
template <class F> void over_chunks(int batch, int per_chunk, const F& task) {
  const int chunks = (batch + per_chunk - 1) / per_chunk;
  parallel_for(chunks, [&](int c, int t) {
    const int first = c * per_chunk;
    task(first, std::min(per_chunk, batch - first), c, t);
  });
}

} // namespace

Windows forward_windows(const ConvLayer& L) {
  const ImageShape o = L.out();
  return {L.in, L.k, L.origin(), o.h, o.w};
}

Windows backward_windows(const ConvLayer& L) {
  return {L.out(), L.k, -L.origin() - (L.k - 1), L.in.h, L.in.w};
}

void im2col(const Windows& w, const float* x, int batch, float* cols) {
  // A window's row a is k pixels of one input row, NHWC: one run of k * Cin floats, of which the
  // part inside the picture is copied and the rest zeroed (plain loops: the runs are short)
  const int k = w.k, cin = w.in.c, row = w.row(), run = k * cin;
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < w.out_h; i++)
      for (int j = 0; j < w.out_w; j++) {
        float* col = cols + (size_t(n) * w.out_h * w.out_w + size_t(i) * w.out_w + j) * row;
        const int x0 = j + w.origin, xs = std::max(0, x0), xe = std::min(w.in.w, x0 + k);
        for (int a = 0; a < k; a++, col += run) {
          const int y = i + w.origin + a;
          if (y < 0 || y >= w.in.h || xe <= xs) {
            for (int t = 0; t < run; t++) col[t] = 0.0f;
            continue;
          }
          const float* src = x + ((size_t(n) * w.in.h + y) * w.in.w + xs) * cin;
          const int before = (xs - x0) * cin, inside = (xe - xs) * cin;
          for (int t = 0; t < before; t++) col[t] = 0.0f;
          for (int t = 0; t < inside; t++) col[before + t] = src[t];
          for (int t = before + inside; t < run; t++) col[t] = 0.0f;
        }
      }
}

namespace {

// A single filter (the output layer's) as k x k windows of a zero-padded copy of the pictures: a
// window's row a is one run of k * Cin values there, so no columns are needed, and the products
// run along the run (the GEMM would compute a whole panel of columns for one filter).
// xp (n, out_h + k - 1, out_w + k - 1, Cin): the pictures with -origin zeros around them.
void pad_pictures(const Windows& w, const float* x, int n, float* xp) {
  const int ph = w.out_h + w.k - 1, pw = w.out_w + w.k - 1, cin = w.in.c, off = -w.origin;
  std::fill(xp, xp + size_t(n) * ph * pw * cin, 0.0f);
  for (int pic = 0; pic < n; pic++)
    for (int y = 0; y < w.in.h && y + off < ph; y++) {
      const float* src = x + (size_t(pic) * w.in.h + y) * w.in.w * cin;
      float* dst = xp + ((size_t(pic) * ph + y + off) * pw + off) * cin;
      const int count = std::min(w.in.w, pw - off) * cin;
      for (int t = 0; t < count; t++) dst[t] = src[t];
    }
}

using Vec = xsimd::batch<float>;
constexpr int kLanes = int(Vec::size);

// One filter (Cout = 1): y (n pixels) = act(b + the sum over the window of xp * W), W's rows
// (k, k Cin) read as runs of xp. Four neighbouring pixels at a time share each load of W, with
// two sums each (the even and odd vectors of a run: 8 chains of FMAs in flight); a run's last
// run % kLanes values are added one by one. Per pixel: b + (the lanes of both sums) + the rest.
void single_filter_forward(const Windows& w, const float* W, float b, bool relu, const float* xp, int n,
                           float* y) {
  const int ph = w.out_h + w.k - 1, pw = w.out_w + w.k - 1, cin = w.in.c, run = w.k * cin;
  const int vecs = run / kLanes, tail = vecs * kLanes;
  auto finish = [&](Vec even, Vec odd, float rest) {
    const float v = b + (xsimd::reduce_add(even + odd) + rest);
    return relu ? std::max(v, 0.0f) : v;
  };
  for (int pic = 0; pic < n; pic++)
    for (int i = 0; i < w.out_h; i++) {
      float* yrow = y + (size_t(pic) * w.out_h + i) * w.out_w;
      const float* top = xp + (size_t(pic) * ph + i) * pw * cin; // row i of the padded picture
      int j = 0;
      for (; j + 4 <= w.out_w; j += 4) {
        Vec e[4] = {Vec(0.0f), Vec(0.0f), Vec(0.0f), Vec(0.0f)}, o[4] = {e[0], e[0], e[0], e[0]};
        float rest[4] = {0, 0, 0, 0};
        for (int a = 0; a < w.k; a++) {
          const float* row = top + (size_t(a) * pw + j) * cin;
          const float* wrow = W + a * run;
          int v = 0;
          for (; v + 1 < vecs; v += 2) {
            const Vec w0 = Vec::load_unaligned(wrow + v * kLanes),
                      w1 = Vec::load_unaligned(wrow + (v + 1) * kLanes);
            for (int p = 0; p < 4; p++) {
              e[p] = xsimd::fma(Vec::load_unaligned(row + p * cin + v * kLanes), w0, e[p]);
              o[p] = xsimd::fma(Vec::load_unaligned(row + p * cin + (v + 1) * kLanes), w1, o[p]);
            }
          }
          if (v < vecs) {
            const Vec w0 = Vec::load_unaligned(wrow + v * kLanes);
            for (int p = 0; p < 4; p++)
              e[p] = xsimd::fma(Vec::load_unaligned(row + p * cin + v * kLanes), w0, e[p]);
          }
          for (int t = tail; t < run; t++)
            for (int p = 0; p < 4; p++) rest[p] = std::fma(row[p * cin + t], wrow[t], rest[p]);
        }
        for (int p = 0; p < 4; p++) yrow[j + p] = finish(e[p], o[p], rest[p]);
      }
      for (; j < w.out_w; j++) { // the row's last pixels, one at a time
        Vec e(0.0f), o(0.0f);
        float rest = 0.0f;
        for (int a = 0; a < w.k; a++) {
          const float* row = top + (size_t(a) * pw + j) * cin;
          const float* wrow = W + a * run;
          int v = 0;
          for (; v + 1 < vecs; v += 2) {
            e = xsimd::fma(Vec::load_unaligned(row + v * kLanes), Vec::load_unaligned(wrow + v * kLanes), e);
            o = xsimd::fma(Vec::load_unaligned(row + (v + 1) * kLanes),
                           Vec::load_unaligned(wrow + (v + 1) * kLanes), o);
          }
          if (v < vecs)
            e = xsimd::fma(Vec::load_unaligned(row + v * kLanes), Vec::load_unaligned(wrow + v * kLanes), e);
          for (int t = tail; t < run; t++) rest = std::fma(row[t], wrow[t], rest);
        }
        yrow[j] = finish(e, o, rest);
      }
    }
}

// G vectors of dW's row a (from vector v0 on) += the sum over the pixels, in order, of the
// window row's values times dz: G sums in registers through the pass.
template <int G>
void single_filter_weights_part(const Windows& w, const float* xp, const float* dz, int n, int a, int v0,
                                float* wrow) {
  const int ph = w.out_h + w.k - 1, pw = w.out_w + w.k - 1, cin = w.in.c;
  Vec acc[G];
  for (int g = 0; g < G; g++) acc[g] = Vec::load_unaligned(wrow + (v0 + g) * kLanes);
  for (int pic = 0; pic < n; pic++)
    for (int i = 0; i < w.out_h; i++) {
      const float* row = xp + ((size_t(pic) * ph + i + a) * pw) * cin + v0 * kLanes;
      const float* d = dz + (size_t(pic) * w.out_h + i) * w.out_w;
      for (int j = 0; j < w.out_w; j++, row += cin) {
        const Vec dj(d[j]);
        for (int g = 0; g < G; g++) acc[g] = xsimd::fma(Vec::load_unaligned(row + g * kLanes), dj, acc[g]);
      }
    }
  for (int g = 0; g < G; g++) acc[g].store_unaligned(wrow + (v0 + g) * kLanes);
}

// dW (k, k Cin) += the sum over the pixels, in order, of each window's rows times dz: per window
// row, six vectors at a time, then the run's last run % kLanes values one by one.
void single_filter_weights(const Windows& w, const float* xp, const float* dz, int n, float* dW) {
  const int ph = w.out_h + w.k - 1, pw = w.out_w + w.k - 1, cin = w.in.c, run = w.k * cin;
  const int vecs = run / kLanes;
  for (int a = 0; a < w.k; a++) {
    float* wrow = dW + a * run;
    for (int v0 = 0; v0 < vecs; v0 += 6) {
      switch (std::min(6, vecs - v0)) {
      case 6:
        single_filter_weights_part<6>(w, xp, dz, n, a, v0, wrow);
        break;
      case 5:
        single_filter_weights_part<5>(w, xp, dz, n, a, v0, wrow);
        break;
      case 4:
        single_filter_weights_part<4>(w, xp, dz, n, a, v0, wrow);
        break;
      case 3:
        single_filter_weights_part<3>(w, xp, dz, n, a, v0, wrow);
        break;
      case 2:
        single_filter_weights_part<2>(w, xp, dz, n, a, v0, wrow);
        break;
      default:
        single_filter_weights_part<1>(w, xp, dz, n, a, v0, wrow);
        break;
      }
    }
    for (int t = vecs * kLanes; t < run; t++) {
      float s = wrow[t];
      for (int pic = 0; pic < n; pic++)
        for (int i = 0; i < w.out_h; i++)
          for (int j = 0; j < w.out_w; j++)
            s = std::fma(xp[((size_t(pic) * ph + i + a) * pw + j) * cin + t],
                         dz[(size_t(pic) * w.out_h + i) * w.out_w + j], s);
      wrow[t] = s;
    }
  }
}

// One input channel (Cin = 1; filters a multiple of kLanes): y (n pixels, F) = act(b + the sum
// over the k x k window of xp times W (k k, F)), a window's k k values broadcast against kLanes
// filters at a time whose weights stay in registers. b may be null (no bias).
void single_channel_forward(const Windows& w, const float* W, const float* b, bool relu, const float* xp,
                            int n, int F, float* y) {
  constexpr int kTaps = 9; // k = 3
  const int ph = w.out_h + 2, pw = w.out_w + 2;
  for (int f = 0; f < F; f += kLanes) {
    Vec wt[kTaps];
    for (int t = 0; t < kTaps; t++) wt[t] = Vec::load_unaligned(W + t * F + f);
    const Vec bias = b ? Vec::load_unaligned(b + f) : Vec(0.0f);
    for (int pic = 0; pic < n; pic++)
      for (int i = 0; i < w.out_h; i++) {
        const float* r0 = xp + (size_t(pic) * ph + i) * pw;
        const float* rows[3] = {r0, r0 + pw, r0 + 2 * pw}; // the window's rows
        float* out = y + ((size_t(pic) * w.out_h + i) * w.out_w) * F + f;
        for (int j = 0; j < w.out_w; j++, out += F) {
          Vec s = bias;
          for (int t = 0; t < kTaps; t++) s = xsimd::fma(Vec(rows[t / 3][j + t % 3]), wt[t], s);
          if (relu) s = xsimd::max(s, Vec(0.0f));
          s.store_unaligned(out);
        }
      }
  }
}

// dW (k k, F) += the sum over the pixels, in order, of each window's k k values times dz (n
// pixels, F): kLanes filters at a time, nine sums in registers through the pass.
void single_channel_weights(const Windows& w, const float* xp, const float* dz, int n, int F, float* dW) {
  constexpr int kTaps = 9;
  const int ph = w.out_h + 2, pw = w.out_w + 2;
  for (int f = 0; f < F; f += kLanes) {
    Vec acc[kTaps];
    for (int t = 0; t < kTaps; t++) acc[t] = Vec::load_unaligned(dW + t * F + f);
    for (int pic = 0; pic < n; pic++)
      for (int i = 0; i < w.out_h; i++) {
        const float* r0 = xp + (size_t(pic) * ph + i) * pw;
        const float* rows[3] = {r0, r0 + pw, r0 + 2 * pw}; // the window's rows
        const float* d = dz + ((size_t(pic) * w.out_h + i) * w.out_w) * F + f;
        for (int j = 0; j < w.out_w; j++, d += F) {
          const Vec dj = Vec::load_unaligned(d);
          for (int t = 0; t < kTaps; t++) acc[t] = xsimd::fma(Vec(rows[t / 3][j + t % 3]), dj, acc[t]);
        }
      }
    for (int t = 0; t < kTaps; t++) acc[t].store_unaligned(dW + t * F + f);
  }
}

// dz (M, N) = dy * (y > 0) in place when relu; db (N) = the sum of dz's rows, in order (kLanes
// filters at a time where they fill whole vectors).
void relu_backward_and_bias(bool relu, const float* y, float* dz, int M, int N, float* db) {
  int f0 = 0;
  for (; f0 + kLanes <= N; f0 += kLanes) {
    Vec sum(0.0f);
    for (int r = 0; r < M; r++) {
      float* d = dz + size_t(r) * N + f0;
      Vec v = Vec::load_unaligned(d);
      if (relu) {
        v = xsimd::select(Vec::load_unaligned(y + size_t(r) * N + f0) > Vec(0.0f), v, Vec(0.0f));
        v.store_unaligned(d);
      }
      sum += v;
    }
    sum.store_unaligned(db + f0);
  }
  for (int f = f0; f < N; f++) {
    float sum = 0.0f;
    for (int r = 0; r < M; r++) {
      float& d = dz[size_t(r) * N + f];
      if (relu && !(y[size_t(r) * N + f] > 0.0f)) d = 0.0f;
      sum += d;
    }
    db[f] = sum;
  }
}

// Whether a layer's one-channel side takes the direct kernels: a 3x3 kernel, and kLanes | the
// other side's channels.
bool single_channel(int k, int channels) { return k == 3 && channels % kLanes == 0; }

} // namespace

void conv2d_forward(const ConvLayer& L, const float* W, const float* b, const float* x, int batch, float* y,
                    ConvScratch& s) {
  // per chunk: cols (rows, k k Cin) @ W (k k Cin, Cout) + b, ReLU fused: y (rows, Cout) is NHWC
  const Windows w = forward_windows(L);
  const int K = w.row(), N = L.filters, pixels = w.out_h * w.out_w;
  cols_of(s, 0, 0); // sized before the threads use it
  over_chunks(batch, chunk_pictures(w.out_h, w.out_w), [&](int first, int n, int, int t) {
    const int M = n * pixels;
    if (N == 1 || (L.in.c == 1 && single_channel(L.k, N))) { // direct, from the padded pictures
      float* xp = cols_of(s, t, size_t(n) * (w.out_h + w.k - 1) * (w.out_w + w.k - 1) * L.in.c);
      pad_pictures(w, x + size_t(first) * L.in.size(), n, xp);
      if (N == 1)
        single_filter_forward(w, W, b[0], L.relu, xp, n, y + size_t(first) * pixels);
      else
        single_channel_forward(w, W, b, L.relu, xp, n, N, y + size_t(first) * pixels * N);
      return;
    }
    float* cols = cols_of(s, t, size_t(M) * K);
    im2col(w, x + size_t(first) * L.in.size(), n, cols);
    GemmEpilogue ep;
    ep.bias = b;
    ep.relu = L.relu;
    gemm(Trans::no, Trans::no, M, N, K, cols, K, W, N, y + size_t(first) * pixels * N, N, ep);
  });
}

void conv2d_backward(const ConvLayer& L, const float* W, const float* x, const float* y, float* dy, int batch,
                     float* dW, float* db, float* dx, ConvScratch& s) {
  const Windows w = forward_windows(L), wb = backward_windows(L);
  const int K = w.row(), N = L.filters, cin = L.in.c, k = L.k, pixels = w.out_h * w.out_w;
  const int per_chunk = chunk_pictures(w.out_h, w.out_w), chunks = (batch + per_chunk - 1) / per_chunk;
  s.dW_parts.resize(size_t(chunks) * K * N);
  s.db_parts.resize(size_t(chunks) * N);
  cols_of(s, 0, 0);
  over_chunks(batch, per_chunk, [&](int first, int n, int c, int t) {
    const int M = n * pixels;
    float* dz = dy + size_t(first) * pixels * N;
    const float* yc = y + size_t(first) * pixels * N;
    // forward was y = relu(z): dz = dy * (y > 0); and z = cols W + b: db = the sum of dz's rows
    float* dbc = s.db_parts.data() + size_t(c) * N;
    relu_backward_and_bias(L.relu, yc, dz, M, N, dbc);
    // dW = cols^T dz, this chunk's part
    float* part = s.dW_parts.data() + size_t(c) * K * N;
    if (N == 1 || (cin == 1 && single_channel(k, N))) { // direct, from the padded pictures
      float* xp = cols_of(s, t, size_t(n) * (w.out_h + w.k - 1) * (w.out_w + w.k - 1) * cin);
      pad_pictures(w, x + size_t(first) * L.in.size(), n, xp);
      std::fill(part, part + size_t(K) * N, 0.0f);
      if (N == 1)
        single_filter_weights(w, xp, dz, n, part);
      else
        single_channel_weights(w, xp, dz, n, N, part);
      return;
    }
    float* cols = cols_of(s, t, size_t(M) * K);
    im2col(w, x + size_t(first) * L.in.size(), n, cols);
    gemm(Trans::yes, Trans::no, K, N, M, cols, K, dz, N, part, N);
  });
  std::fill(dW, dW + size_t(K) * N, 0.0f);
  std::fill(db, db + N, 0.0f);
  for (int c = 0; c < chunks; c++) {
    const float* part = s.dW_parts.data() + size_t(c) * K * N;
    for (size_t i = 0; i < size_t(K) * N; i++) dW[i] += part[i];
    for (int f = 0; f < N; f++) db[f] += s.db_parts[size_t(c) * N + f];
  }
  if (!dx) return;
  // dx = conv(dz, W flipped and transposed): w_flip (a, b, Cout, Cin) = W (k-1-a, k-1-b, Cin, Cout)
  s.w_flip.resize(size_t(K) * N);
  for (int a = 0; a < k; a++)
    for (int b = 0; b < k; b++)
      for (int ci = 0; ci < cin; ci++)
        for (int co = 0; co < N; co++)
          s.w_flip[((size_t(a) * k + b) * N + co) * cin + ci] =
              W[((size_t(k - 1 - a) * k + (k - 1 - b)) * cin + ci) * N + co];
  const int Kb = wb.row(), in_pixels = L.in.h * L.in.w;
  over_chunks(batch, chunk_pictures(wb.out_h, wb.out_w), [&](int first, int n, int, int t) {
    const int M = n * in_pixels;
    if (N == 1 && single_channel(k, cin)) { // one filter's dz is one channel: direct
      float* dzp = cols_of(s, t, size_t(n) * (wb.out_h + 2) * (wb.out_w + 2));
      pad_pictures(wb, dy + size_t(first) * pixels, n, dzp);
      single_channel_forward(wb, s.w_flip.data(), nullptr, false, dzp, n, cin,
                             dx + size_t(first) * L.in.size());
      return;
    }
    float* cols = cols_of(s, t, size_t(M) * Kb);
    im2col(wb, dy + size_t(first) * pixels * N, n, cols);
    gemm(Trans::no, Trans::no, M, cin, Kb, cols, Kb, s.w_flip.data(), cin, dx + size_t(first) * L.in.size(),
         cin);
  });
}

ImageShape pool_out(ImageShape in) { return {(in.h + 1) / 2, (in.w + 1) / 2, in.c}; }
ImageShape upsample_out(ImageShape in) { return {2 * in.h, 2 * in.w, in.c}; }

void maxpool2_forward(ImageShape in, const float* x, int batch, float* y, int32_t* argmax) {
  const ImageShape o = pool_out(in);
  const int C = in.c;
  parallel_chunks(size_t(batch), 16, [&](size_t n0, size_t n1) {
    for (size_t n = n0; n < n1; n++)
      for (int i = 0; i < o.h; i++)
        for (int j = 0; j < o.w; j++) {
          // the window's pixels in order (a, b), the ones past the edge left out ('same')
          int32_t at[4];
          int count = 0;
          for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
              if (2 * i + a < in.h && 2 * j + b < in.w)
                at[count++] = int32_t(((n * in.h + size_t(2 * i + a)) * in.w + size_t(2 * j + b)) * C);
          const size_t out = ((n * o.h + i) * o.w + j) * C;
          for (int c = 0; c < C; c++) { // the first maximum wins
            int32_t best = at[0] + c;
            float v = x[best];
            for (int t = 1; t < count; t++)
              if (x[at[t] + c] > v) best = at[t] + c, v = x[best];
            y[out + c] = v, argmax[out + c] = best;
          }
        }
  });
}

void maxpool2_backward(ImageShape in, const float* dy, const int32_t* argmax, int batch, float* dx) {
  const size_t per_out = size_t(pool_out(in).size()), per_in = size_t(in.size());
  parallel_chunks(size_t(batch), 16, [&](size_t n0, size_t n1) { // a picture's argmax stays in it
    std::fill(dx + n0 * per_in, dx + n1 * per_in, 0.0f);
    for (size_t i = n0 * per_out; i < n1 * per_out; i++) dx[argmax[i]] += dy[i];
  });
}

void upsample2_forward(ImageShape in, const float* x, int batch, float* y) {
  const int oh = 2 * in.h, ow = 2 * in.w;
  parallel_chunks(size_t(batch), 16, [&](size_t n0, size_t n1) {
    for (size_t n = n0; n < n1; n++)
      for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++) {
          const float* src = x + ((n * in.h + i / 2) * in.w + j / 2) * in.c;
          std::copy(src, src + in.c, y + ((n * oh + i) * ow + j) * in.c);
        }
  });
}

void upsample2_backward(ImageShape in, const float* dy, int batch, float* dx) {
  const int oh = 2 * in.h, ow = 2 * in.w;
  parallel_chunks(size_t(batch), 16, [&](size_t n0, size_t n1) {
    std::fill(dx + n0 * in.size(), dx + n1 * in.size(), 0.0f);
    for (size_t n = n0; n < n1; n++)
      for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++) {
          const float* src = dy + ((n * oh + i) * ow + j) * in.c;
          float* dst = dx + ((n * in.h + i / 2) * in.w + j / 2) * in.c;
          for (int c = 0; c < in.c; c++) dst[c] += src[c];
        }
  });
}

} // namespace aelab
