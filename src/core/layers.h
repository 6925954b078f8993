// Dense layers, forward and backward, on batch-major buffers. The output layer's sigmoid is not
// applied here: it keeps its logits, and the sigmoid is fused into the loss (loss.h).
#pragma once
#include "core/model.h"

namespace aelab {

// x (B, in), W (in, out), b (out) -> y (B, out): y = relu(x W + b) for ReLU layers, the logits
// y = x W + b for the sigmoid layer. One GEMM with the bias and ReLU fused into its epilogue.
void dense_forward(const DenseLayer& layer, const float* W, const float* b, const float* x,
                   int batch, float* y);

// Backward of dense_forward. x and y are its input and output; dy (B, out) is the gradient of the
// loss w.r.t. y and is overwritten with dz, the gradient w.r.t. the pre-activation.
// Writes dW (in, out) = x^T dz, db (out) = sum over rows of dz, and dx (B, in) = dz W^T unless
// dx is null (the first layer needs no input gradient).
void dense_backward(const DenseLayer& layer, const float* W, const float* x, const float* y,
                    float* dy, int batch, float* dW, float* db, float* dx);

// p = sigmoid(z), element-wise, n values (the output layer's pixels).
void sigmoid_inplace(float* z, size_t n);

} // namespace aelab
