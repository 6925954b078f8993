// The convolutional autoencoder's passes over its stages (model.h), for training, inference and
// the feature maps: each stage's output is kept, as the backward pass and the app need them.
#pragma once
#include <cstdint>
#include <vector>

#include "core/conv.h"
#include "core/model.h"

namespace aelab {

struct ConvPass {
  std::vector<float> act[kConvStages];      // stage s's output (B, out.size()); the last: the logits
  std::vector<float> dact[kConvStages];     // the loss's gradient w.r.t. act[s] (backward)
  std::vector<int32_t> argmax[kConvStages]; // pool stages: where each maximum came from
  ConvScratch scratch;
};

// Runs stages [first, last) on x (n pictures shaped as stages[first].in): act[s] gets each
// stage's output (sized here; no allocation once sized for n).
void conv_forward(const Autoencoder& m, const float* x, int n, int first, int last, ConvPass& pass);

// Backward of conv_forward(m, x, n, 0, kConvStages, pass): dact[last stage] holds the gradient
// w.r.t. the logits on entry (and each dact[s] is overwritten). Writes every conv stage's weight
// and bias gradient into grads (params' layout). The input needs no gradient.
// code_l1 > 0: the loss also had code_l1 times the code's sum (a ReLU's: its L1 norm).
void conv_backward(const Autoencoder& m, const float* x, int n, ConvPass& pass, float* grads,
                   float code_l1 = 0);

} // namespace aelab
