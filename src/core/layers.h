// Dense layers, forward and backward, on batch-major buffers. The output layer's sigmoid is not
// applied here: it keeps its logits, and the sigmoid is fused into the loss (loss.h).
#pragma once
#include "core/gemm.h"
#include "core/model.h"
#include "core/sparse.h"

namespace aelab {

// A layer's input x (B, in): dense rows, and optionally the same rows with only their nonzeros
// (the first layer's pixels), which the products then use instead.
struct LayerInput {
  const float* dense = nullptr;
  const SparseRows* sparse = nullptr;
};

// y (B, out) = relu(x W + b) for ReLU layers, the logits y = x W + b for the sigmoid layer, with
// W (in, out), b (out). One product with the bias and ReLU fused into it, at `precision` (the
// sparse products of the pixels are always fp32).
void dense_forward(const DenseLayer& layer, const float* W, const float* b, LayerInput x, int batch, float* y,
                   Precision precision = Precision::fp32);

// Backward of dense_forward. x and y are its input and output; dy (B, out) is the gradient of the
// loss w.r.t. y and is overwritten with dz, the gradient w.r.t. the pre-activation.
// Writes dW (in, out) = x^T dz, db (out) = sum over rows of dz, and dx (B, in) = dz W^T unless
// dx is null (the first layer needs no input gradient).
void dense_backward(const DenseLayer& layer, const float* W, LayerInput x, const float* y, float* dy,
                    int batch, float* dW, float* db, float* dx, Precision precision = Precision::fp32);

// p = sigmoid(z), element-wise, n values (the output layer's pixels).
void sigmoid_inplace(float* z, size_t n);

} // namespace aelab
