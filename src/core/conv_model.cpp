// The convolutional autoencoder's forward and backward passes: its stages in order (conv.h).
#include "core/conv_model.h"

#include <algorithm>

namespace aelab {

void conv_forward(const Autoencoder& m, const float* x, int n, int first, int last, ConvPass& p) {
  const float* in = x;
  for (int s = first; s < last; s++) {
    const ConvStage& st = m.stages[s];
    const size_t size = size_t(n) * size_t(st.out.size());
    if (p.act[s].size() < size) p.act[s].resize(size);
    float* out = p.act[s].data();
    switch (st.kind) {
    case StageKind::conv:
      conv2d_forward(st.conv, m.params.data() + st.weight_offset, m.params.data() + st.bias_offset, in, n,
                     out, p.scratch);
      break;
    case StageKind::pool:
      if (p.argmax[s].size() < size) p.argmax[s].resize(size);
      maxpool2_forward(st.in, in, n, out, p.argmax[s].data());
      break;
    case StageKind::upsample:
      upsample2_forward(st.in, in, n, out);
      break;
    }
    in = out;
  }
}

void conv_backward(const Autoencoder& m, const float* x, int n, ConvPass& p, float* grads, float code_l1) {
  for (int s = 0; s < kConvStages; s++) { // every gradient buffer sized for n
    const size_t size = size_t(n) * size_t(m.stages[s].out.size());
    if (p.dact[s].size() < size) p.dact[s].resize(size);
  }
  // dact[s] for s < last is written by stage s + 1's backward (its input gradient); the code's
  // penalty (forward added code_l1 * sum(code) / n) adds to it after
  for (int s = kConvStages - 1; s >= 0; s--) {
    const ConvStage& st = m.stages[s];
    const float* in = s == 0 ? x : p.act[s - 1].data();
    float* dx = s == 0 ? nullptr : p.dact[s - 1].data();
    float* dy = p.dact[s].data();
    if (s == kConvEncoderStages - 1 && code_l1 > 0) {
      const size_t size = size_t(n) * size_t(st.out.size());
      for (size_t i = 0; i < size; i++) dy[i] += code_l1 / float(n);
    }
    switch (st.kind) {
    case StageKind::conv:
      conv2d_backward(st.conv, m.params.data() + st.weight_offset, in, p.act[s].data(), dy, n,
                      grads + st.weight_offset, grads + st.bias_offset, dx, p.scratch);
      break;
    case StageKind::pool:
      maxpool2_backward(st.in, dy, p.argmax[s].data(), n, dx);
      break;
    case StageKind::upsample:
      upsample2_backward(st.in, dy, n, dx);
      break;
    }
  }
}

} // namespace aelab
