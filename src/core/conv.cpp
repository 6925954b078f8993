// The convolutional layers (conv.h): im2col and col2im as plain loops over the receptive fields
// (cheap next to the product), the product in the one GEMM.
#include "core/conv.h"

#include <algorithm>
#include <cstddef>

#include "core/gemm.h"

namespace aelab {

namespace {
// The top-left input pixel of an output pixel's window: 'same' centres it (pad (k-1)/2).
int window_origin(const ConvLayer& L) { return L.padding == Padding::same ? -(L.k - 1) / 2 : 0; }
} // namespace

void im2col(const ConvLayer& L, const float* x, int batch, float* cols) {
  const ImageShape o = L.out();
  const int k = L.k, cin = L.in.c, o0 = window_origin(L), row = k * k * cin;
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < o.h; i++)
      for (int j = 0; j < o.w; j++) {
        float* col = cols + (size_t(n) * o.h * o.w + size_t(i) * o.w + j) * row;
        for (int a = 0; a < k; a++)
          for (int b = 0; b < k; b++) {
            const int y = i + o0 + a, xx = j + o0 + b;
            float* dst = col + (a * k + b) * cin;
            if (y < 0 || y >= L.in.h || xx < 0 || xx >= L.in.w) {
              std::fill(dst, dst + cin, 0.0f);
              continue;
            }
            const float* src = x + ((size_t(n) * L.in.h + y) * L.in.w + xx) * cin;
            std::copy(src, src + cin, dst);
          }
      }
}

void col2im_add(const ConvLayer& L, const float* dcols, int batch, float* dx) {
  const ImageShape o = L.out();
  const int k = L.k, cin = L.in.c, o0 = window_origin(L), row = k * k * cin;
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < o.h; i++)
      for (int j = 0; j < o.w; j++) {
        const float* col = dcols + (size_t(n) * o.h * o.w + size_t(i) * o.w + j) * row;
        for (int a = 0; a < k; a++)
          for (int b = 0; b < k; b++) {
            const int y = i + o0 + a, xx = j + o0 + b;
            if (y < 0 || y >= L.in.h || xx < 0 || xx >= L.in.w) continue;
            const float* src = col + (a * k + b) * cin;
            float* dst = dx + ((size_t(n) * L.in.h + y) * L.in.w + xx) * cin;
            for (int c = 0; c < cin; c++) dst[c] += src[c];
          }
      }
}

void conv2d_forward(const ConvLayer& L, const float* W, const float* b, const float* x, int batch,
                    float* cols, float* y) {
  // cols (B Ho Wo, k k Cin) @ W (k k Cin, Cout) + b, ReLU fused: y (B Ho Wo, Cout) is NHWC
  const ImageShape o = L.out();
  const int M = batch * o.h * o.w, K = L.k * L.k * L.in.c;
  im2col(L, x, batch, cols);
  GemmEpilogue ep;
  ep.bias = b;
  ep.relu = L.relu;
  gemm(Trans::no, Trans::no, M, L.filters, K, cols, K, W, L.filters, y, L.filters, ep);
}

void conv2d_backward(const ConvLayer& L, const float* W, const float* cols, const float* y, float* dy,
                     int batch, float* dW, float* db, float* dx, float* dcols) {
  const ImageShape o = L.out();
  const int M = batch * o.h * o.w, K = L.k * L.k * L.in.c, N = L.filters;
  // forward was y = relu(z): dz = dy * (y > 0); and z = cols W + b: db = the sum of dz over rows
  std::fill(db, db + N, 0.0f);
  for (int r = 0; r < M; r++) {
    float* dz = dy + size_t(r) * N;
    const float* yr = y + size_t(r) * N;
    for (int c = 0; c < N; c++) {
      if (L.relu && !(yr[c] > 0.0f)) dz[c] = 0.0f;
      db[c] += dz[c];
    }
  }
  // dW = cols^T dz; dcols = dz W^T, put back into dx by col2im
  gemm(Trans::yes, Trans::no, K, N, M, cols, K, dy, N, dW, N);
  if (!dx) return;
  gemm(Trans::no, Trans::yes, M, K, N, dy, N, W, N, dcols, K);
  std::fill(dx, dx + size_t(batch) * L.in.size(), 0.0f);
  col2im_add(L, dcols, batch, dx);
}

ImageShape pool_out(ImageShape in) { return {(in.h + 1) / 2, (in.w + 1) / 2, in.c}; }

void maxpool2_forward(ImageShape in, const float* x, int batch, float* y, int32_t* argmax) {
  const ImageShape o = pool_out(in);
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < o.h; i++)
      for (int j = 0; j < o.w; j++)
        for (int c = 0; c < in.c; c++) {
          int32_t best = -1;
          float v = 0;
          for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) {
              const int yy = 2 * i + a, xx = 2 * j + b;
              if (yy >= in.h || xx >= in.w) continue; // 'same': the last window is cut
              const int32_t at = int32_t(((size_t(n) * in.h + yy) * in.w + xx) * in.c + c);
              if (best < 0 || x[at] > v) best = at, v = x[at];
            }
          const size_t out = ((size_t(n) * o.h + i) * o.w + j) * in.c + c;
          y[out] = v, argmax[out] = best;
        }
}

void maxpool2_backward(ImageShape in, const float* dy, const int32_t* argmax, int batch, float* dx) {
  const size_t n_out = size_t(batch) * pool_out(in).size();
  std::fill(dx, dx + size_t(batch) * in.size(), 0.0f);
  for (size_t i = 0; i < n_out; i++) dx[argmax[i]] += dy[i];
}

void upsample2_forward(ImageShape in, const float* x, int batch, float* y) {
  const int oh = 2 * in.h, ow = 2 * in.w;
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < oh; i++)
      for (int j = 0; j < ow; j++) {
        const float* src = x + ((size_t(n) * in.h + i / 2) * in.w + j / 2) * in.c;
        std::copy(src, src + in.c, y + ((size_t(n) * oh + i) * ow + j) * in.c);
      }
}

void upsample2_backward(ImageShape in, const float* dy, int batch, float* dx) {
  const int oh = 2 * in.h, ow = 2 * in.w;
  std::fill(dx, dx + size_t(batch) * in.size(), 0.0f);
  for (int n = 0; n < batch; n++)
    for (int i = 0; i < oh; i++)
      for (int j = 0; j < ow; j++) {
        const float* src = dy + ((size_t(n) * oh + i) * ow + j) * in.c;
        float* dst = dx + ((size_t(n) * in.h + i / 2) * in.w + j / 2) * in.c;
        for (int c = 0; c < in.c; c++) dst[c] += src[c];
      }
}

} // namespace aelab
