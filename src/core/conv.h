// The convolutional autoencoder's layers (issue 25), on batch-major NHWC buffers: x (B, H, W, C),
// kernels in Keras' HWIO layout (KH, KW, Cin, Cout). A 3x3 convolution is im2col into the one GEMM
// (gemm.h) with its bias and ReLU fused; max-pooling keeps its argmax for the backward pass;
// upsampling repeats each value 2x2 (nearest). Each backward quotes the forward it differentiates.
// (The first slice of issue 25: the layers and their tests. The model, the app and the speed
// work that use them come next.)
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

// A 3x3 (k x k) convolution with stride 1.
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
};

// cols (B * Ho * Wo, k * k * Cin): each output pixel's receptive field, zero outside the picture.
void im2col(const ConvLayer& L, const float* x, int batch, float* cols);
// The adjoint of im2col: dx (B, H, W, Cin) += each column's values put back where they came from.
void col2im_add(const ConvLayer& L, const float* dcols, int batch, float* dx);

// y (B, Ho, Wo, Cout) = act(conv(x, W) + b), through cols (B * Ho * Wo, k * k * Cin), a buffer
// the caller keeps for the backward pass.
void conv2d_forward(const ConvLayer& L, const float* W, const float* b, const float* x, int batch,
                    float* cols, float* y);
// Backward of conv2d_forward: dy is overwritten with dz (forward was y = relu(z): dz = dy * (y > 0)).
// Writes dW (k, k, Cin, Cout) = cols^T dz, db = the sum of dz over every pixel of the batch, and, unless
// dx is null, dx (B, H, W, Cin) = col2im(dz W^T), using dcols (B * Ho * Wo, k * k * Cin) as scratch.
void conv2d_backward(const ConvLayer& L, const float* W, const float* cols, const float* y, float* dy,
                     int batch, float* dW, float* db, float* dx, float* dcols);

// 2x2 max-pooling, stride 2; 'same' padding: a side of 7 gives 4 (the last window is cut).
ImageShape pool_out(ImageShape in);
// y (B, ceil(H/2), ceil(W/2), C); argmax (same size) keeps the index within x of each maximum.
void maxpool2_forward(ImageShape in, const float* x, int batch, float* y, int32_t* argmax);
// forward was y = max of its window: dx (B, H, W, C) = 0 except dx[argmax] += dy.
void maxpool2_backward(ImageShape in, const float* dy, const int32_t* argmax, int batch, float* dx);

// Nearest 2x upsampling: y (B, 2H, 2W, C), y[2i + a][2j + b] = x[i][j].
void upsample2_forward(ImageShape in, const float* x, int batch, float* y);
// forward copied x[i][j] to four places: dx[i][j] = the sum of their dy.
void upsample2_backward(ImageShape in, const float* dy, int batch, float* dx);

} // namespace aelab
