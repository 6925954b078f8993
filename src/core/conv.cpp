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

namespace aelab {

namespace {

constexpr int kChunkRows = 1024;
constexpr int kMaxRun = 3 * 64; // a window row's values (k Cin) a single filter's pass keeps (8 | it)

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

// y (n pixels) = b + the sum over the window of xp * W: each window row's k Cin products summed
// lane by lane, then the lanes in order (the same in every build).
void single_filter_forward(const Windows& w, const float* W, float b, bool relu, const float* xp, int n,
                           float* y) {
  const int ph = w.out_h + w.k - 1, pw = w.out_w + w.k - 1, run = w.k * w.in.c;
  const int groups = (run + 7) / 8; // the lanes summed in 8 partial sums, then in a fixed tree
  alignas(32) float acc[kMaxRun];
  for (int t = run; t < groups * 8; t++) acc[t] = 0.0f;
  for (int pic = 0; pic < n; pic++)
    for (int i = 0; i < w.out_h; i++)
      for (int j = 0; j < w.out_w; j++) {
        for (int t = 0; t < run; t++) acc[t] = 0.0f;
        for (int a = 0; a < w.k; a++) {
          const float* row = xp + ((size_t(pic) * ph + i + a) * pw + j) * w.in.c;
          const float* wrow = W + a * run;
          for (int t = 0; t < run; t++) acc[t] = std::fma(row[t], wrow[t], acc[t]);
        }
        float s[8];
        for (int l = 0; l < 8; l++) s[l] = acc[l];
        for (int g = 1; g < groups; g++)
          for (int l = 0; l < 8; l++) s[l] += acc[g * 8 + l];
        const float v = b + (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])));
        y[(size_t(pic) * w.out_h + i) * w.out_w + j] = relu ? std::max(v, 0.0f) : v;
      }
}

// dW (k, k Cin) += the sum over the pixels, in order, of each window's rows times dz.
void single_filter_weights(const Windows& w, const float* xp, const float* dz, int n, float* dW) {
  const int ph = w.out_h + w.k - 1, pw = w.out_w + w.k - 1, run = w.k * w.in.c;
  for (int pic = 0; pic < n; pic++)
    for (int i = 0; i < w.out_h; i++)
      for (int j = 0; j < w.out_w; j++) {
        const float d = dz[(size_t(pic) * w.out_h + i) * w.out_w + j];
        for (int a = 0; a < w.k; a++) {
          const float* row = xp + ((size_t(pic) * ph + i + a) * pw + j) * w.in.c;
          float* wrow = dW + a * run;
          for (int t = 0; t < run; t++) wrow[t] = std::fma(row[t], d, wrow[t]);
        }
      }
}

} // namespace

void conv2d_forward(const ConvLayer& L, const float* W, const float* b, const float* x, int batch, float* y,
                    ConvScratch& s) {
  // per chunk: cols (rows, k k Cin) @ W (k k Cin, Cout) + b, ReLU fused: y (rows, Cout) is NHWC
  const Windows w = forward_windows(L);
  const int K = w.row(), N = L.filters, pixels = w.out_h * w.out_w;
  cols_of(s, 0, 0); // sized before the threads use it
  over_chunks(batch, chunk_pictures(w.out_h, w.out_w), [&](int first, int n, int, int t) {
    const int M = n * pixels;
    float* cols = cols_of(s, t, size_t(M) * K);
    if (N == 1 && w.row() <= kMaxRun * w.k) { // one filter: from the padded pictures
      float* xp = cols_of(s, t, size_t(n) * (w.out_h + w.k - 1) * (w.out_w + w.k - 1) * L.in.c);
      pad_pictures(w, x + size_t(first) * L.in.size(), n, xp);
      single_filter_forward(w, W, b[0], L.relu, xp, n, y + size_t(first) * pixels);
      return;
    }
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
    std::fill(dbc, dbc + N, 0.0f);
    for (int r = 0; r < M; r++)
      for (int f = 0; f < N; f++) {
        float& d = dz[size_t(r) * N + f];
        if (L.relu && !(yc[size_t(r) * N + f] > 0.0f)) d = 0.0f;
        dbc[f] += d;
      }
    // dW = cols^T dz, this chunk's part
    float* part = s.dW_parts.data() + size_t(c) * K * N;
    if (N == 1 && K <= kMaxRun * w.k) { // one filter: from the padded pictures
      float* xp = cols_of(s, t, size_t(n) * (w.out_h + w.k - 1) * (w.out_w + w.k - 1) * L.in.c);
      pad_pictures(w, x + size_t(first) * L.in.size(), n, xp);
      std::fill(part, part + K, 0.0f);
      single_filter_weights(w, xp, dz, n, part);
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
