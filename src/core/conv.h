// The convolutional autoencoder's layers (issue 25), on batch-major NHWC buffers: x (B, H, W, C),
// kernels in Keras' HWIO layout (KH, KW, Cin, Cout). A 3x3 convolution is im2col into the one GEMM
// (gemm.h) with its bias and ReLU fused, a few pictures at a time so that the columns stay in the
// cache; where one side has a single channel (the first layer's input, the output layer's one
// filter, and so that layer's input gradient) direct SIMD kernels over zero-padded pictures run
// instead, since a product 9 deep or 1 wide wastes the GEMM. Max-pooling keeps its argmax for the
// backward pass; upsampling repeats each value 2x2 (nearest). Each backward quotes the forward it
// differentiates.
#pragma once
#include <cstdint>
#include <vector>

namespace aelab {

// The shape of one picture's activations.
struct ImageShape {
  int h = 0, w = 0, c = 0;
  int size() const { return h * w * c; }
};

enum class Padding : uint8_t { same, valid };

// A k x k convolution with stride 1.
struct ConvLayer {
  ImageShape in;
  int filters = 0, k = 3;
  Padding padding = Padding::same;
  bool relu = true; // else linear (the output layer's logits)
  ImageShape out() const {
    const int shrink = padding == Padding::valid ? k - 1 : 0;
    return {in.h - shrink, in.w - shrink, filters};
  }
  int weights() const { return k * k * in.c * filters; } // (k, k, Cin, Cout)
  // The input row of an output pixel's window's top-left: 'same' centres it (pad (k-1)/2).
  int origin() const { return padding == Padding::same ? -(k - 1) / 2 : 0; }
};

// The windows im2col cuts: out_h x out_w windows of k x k pixels of `in`, the window of output
// pixel (i, j) starting at input pixel (i + origin, j + origin); zero outside the picture.
struct Windows {
  ImageShape in;
  int k = 3, origin = 0, out_h = 0, out_w = 0;
  int row() const { return k * k * in.c; } // a column's length
};
Windows forward_windows(const ConvLayer& L);
// The input gradient as a convolution of dz: dx (p, q) = sum over a, b of dz (p - origin - a,
// q - origin - b) W (a, b): windows of dz starting at -origin - (k - 1), with the kernel flipped.
Windows backward_windows(const ConvLayer& L);

// cols (B * out_h * out_w, k * k * Cin): each output pixel's window, zero outside the picture.
void im2col(const Windows& w, const float* x, int batch, float* cols);

// Buffers a layer's passes reuse (sized on first use; no allocation once they fit).
struct ConvScratch {
  std::vector<std::vector<float>> cols;  // one per chunk of pictures in flight
  std::vector<float> w_flip;             // the backward's flipped kernel (k, k, Cout, Cin)
  std::vector<float> dW_parts, db_parts; // the weight gradient per chunk, summed in chunk order
};

// y (B, Ho, Wo, Cout) = act(conv(x, W) + b).
void conv2d_forward(const ConvLayer& L, const float* W, const float* b, const float* x, int batch, float* y,
                    ConvScratch& scratch);
// Backward of conv2d_forward (x and y its input and output). dy is overwritten with dz (forward
// was y = relu(z): dz = dy * (y > 0)). Writes dW (k, k, Cin, Cout) = cols(x)^T dz, db = the sum
// of dz over every pixel of the batch, and, unless dx is null, dx (B, H, W, Cin) = the adjoint of
// the windows applied to dz W^T, computed as a convolution of dz (backward_windows).
void conv2d_backward(const ConvLayer& L, const float* W, const float* x, const float* y, float* dy, int batch,
                     float* dW, float* db, float* dx, ConvScratch& scratch);

// 2x2 max-pooling, stride 2; 'same' padding: a side of 7 gives 4 (the last window is cut).
ImageShape pool_out(ImageShape in);
// y (B, ceil(H/2), ceil(W/2), C); argmax (same size) keeps the index within x of each maximum.
void maxpool2_forward(ImageShape in, const float* x, int batch, float* y, int32_t* argmax);
// forward was y = max of its window: dx (B, H, W, C) = 0 except dx[argmax] += dy.
void maxpool2_backward(ImageShape in, const float* dy, const int32_t* argmax, int batch, float* dx);

// Nearest 2x upsampling: y (B, 2H, 2W, C), y[2i + a][2j + b] = x[i][j].
ImageShape upsample_out(ImageShape in);
void upsample2_forward(ImageShape in, const float* x, int batch, float* y);
// forward copied x[i][j] to four places: dx[i][j] = the sum of their dy.
void upsample2_backward(ImageShape in, const float* dy, int batch, float* dx);

} // namespace aelab
