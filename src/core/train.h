// Training: one step is forward, loss, backward and an optimizer update on a batch, with every
// buffer allocated once up front (no allocation inside a step). An epoch walks a seeded shuffle
// of the training set in batches, keeping the last partial batch (60000 = 234 x 256 + 96).
// The app drives the same functions a few batches per frame; the command line loops them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/conv_model.h"
#include "core/dataset.h"
#include "core/gemm.h"
#include "core/loss.h"
#include "core/model.h"
#include "core/noise.h"
#include "core/optim.h"
#include "core/sparse.h"
#include "core/tensor.h"

namespace aelab {

struct TrainConfig {
  int batch_size = 256;
  int epochs = 50;
  LossKind loss = LossKind::bce;
  OptimizerConfig optimizer;
  uint64_t seed = 0; // weights (init), batch order and input noise
  Noise noise;       // corrupts each batch's inputs afresh; the targets stay clean (noise.h)
  // Bit c set: pictures labelled c are left out of the training set (the app's "leave out"; a
  // class the network never saw, whose test pictures are then the anomalies). Labels 0-31.
  uint32_t excluded_classes = 0;
  // The matrix products' precision (issue 13). bf16 multiplies bf16-rounded weights and
  // activations with fp32 sums; weights, gradients, Adam's moments and the loss stay fp32.
  // Only where precision_problem() is "" (CPUs with AVX512-BF16).
  Precision precision = Precision::fp32;
  // A VAE's loss per picture is its reconstruction summed over the pixels plus beta times the KL
  // term (vae.h), in nats: the Keras VAE example's. beta may change between two batches.
  float beta = 1.0f;
  // The plain autoencoder's loss adds sparsity times the mean over the batch of the code's L1
  // norm (the Keras blog's sparse example: an activity regularizer on the code). 0: none.
  float sparsity = 0.0f;
};

// A loss in its parts. A VAE: the reconstruction summed over the pixels and the KL term, both per
// picture (its loss is recon + beta * kl). The plain autoencoder: recon is its loss per pixel and
// kl is 0; code_l1 is the sparsity penalty's L1 norm of the code per picture (0 without one).
struct LossTerms {
  double recon = 0, kl = 0, code_l1 = 0;
};

// "" if usable, else a message naming the bad value.
std::string check_train_config(const TrainConfig& config);

struct Trainer {
  TrainConfig config;
  OptimizerState optimizer;
  Vector grads;                           // same layout as Autoencoder::params
  Matrix input;                           // (batch, 784)
  SparseRows input_sparse;                // the same pixels, nonzeros only (MNIST is ~81% zeros)
  std::vector<const uint8_t*> input_rows; // the batch's clean pictures: the loss's targets
  std::vector<uint8_t> noisy;             // with noise: the batch's corrupted pictures, the input
  std::vector<const uint8_t*> noisy_rows;
  uint64_t noise_state = 0; // draws each batch's noise seed
  Matrix act[kNumLayers];   // post-activation of layers 0-2, logits of layer 3; (batch, out)
  Matrix dact[kNumLayers];  // gradient of the loss w.r.t. act[l]; for layer 3, w.r.t. the logits
  // a VAE: act[1] is [mu | log sigma^2] (batch, 2 latent); the code z, its eps and dz (batch, latent)
  Matrix z, eps, dz;
  uint64_t eps_state = 0; // draws each batch's eps
  ConvPass conv;          // a conv model's activations and their gradients (act, dact unused)
  LossTerms batch_terms;  // the last batch's loss in parts
  LossTerms epoch_terms;  // sums of batch_terms * batch samples this epoch
  // the epoch in progress
  uint64_t shuffle_state = 0;
  std::vector<int> order;
  int epoch = 0;             // epochs completed
  int cursor = 0;            // next position in `order`
  double epoch_loss_sum = 0; // sum of batch_loss * batch_samples this epoch
  int epoch_samples = 0;
  // divergence (see finish_batch): the last weights a batch found sane, kept every kKeepEvery steps
  int64_t steps = 0;  // batches finished since trainer_init
  Vector good_params; // the model's parameters at good_step
  OptimizerState good_optimizer;
  int64_t good_step = -1; // -1: none kept yet
  float first_loss = -1;  // the first batch loss since trainer_init or clear_divergence
  std::string divergence; // "" while training is sane; else what happened (finish_batch)
};

// A batch loss is divergence, not learning, when it is NaN or infinite, or when it is over
// kDivergedLoss per pixel and over twice the first loss of the run. An untrained model scores
// 0.69 (BCE: worse than that is worse than answering 0.5 everywhere), and a learning model only
// falls from its first loss; Adam at a learning rate of 0.1 and more jumps to 2-11x it within a
// few batches and then settles on the mean image with its ReLUs dead. (MSE is at most 1: only
// NaN can stop it.)
constexpr float kDivergedLoss = 1.0f;
constexpr int kKeepEvery = 25; // steps between kept good weights (a 2.4 MB copy for the default model)
// "" if `loss` is what a learning model can have after starting at `first_loss` (< 0: this is
// the first); else "the loss is NaN" / "the loss is 2.12, over twice the 0.694 it started at".
std::string loss_problem(float loss, float first_loss);

// Sizes the buffers for `config.batch_size` and `model`, resets the optimizer state.
void trainer_init(Trainer& trainer, const Autoencoder& model, const TrainConfig& config);

// Forward, loss and backward on the samples `indices[0..n)` (n <= batch_size): fills
// trainer.grads and returns the batch's mean loss. Changes no weights.
float compute_gradients(Trainer& trainer, const Autoencoder& model, const Dataset& data, const int* indices,
                        int n);

// One step: compute_gradients, then the optimizer update. Returns the batch's mean loss.
float train_one_batch(Trainer& trainer, Autoencoder& model, const Dataset& data, const int* indices, int n);

// Epoch iteration. begin_epoch draws this epoch's order; train_next_batch runs the next batch
// and returns false (running nothing) once the epoch is finished; the loss of the epoch so far
// is the sample-weighted mean of its batch losses (what Keras prints).
void begin_epoch(Trainer& trainer, int dataset_count);
// The shuffle state after `epochs` begin_epoch calls, without running them (each shuffle takes
// exactly dataset_count - 1 draws): how a resumed run draws the order an uninterrupted one would.
void skip_epochs(Trainer& trainer, int dataset_count, uint64_t epochs);
bool train_next_batch(Trainer& trainer, Autoencoder& model, const Dataset& data, float* batch_loss);
// Divergence: finish_batch checks each batch's loss (computed on the weights before the update).
// A sane loss every kKeepEvery steps keeps those weights as the last good ones. A loss that is
// not finite or past kDivergedLoss applies no update: it puts the last good weights and optimizer
// state back into the model, sets trainer.divergence to one line (the step, the loss, the step of
// the weights now in the model) and moves nothing on. The caller stops training; trainer_init, or
// clear_divergence (which also makes the next loss the new first one), lets it go on.
void clear_divergence(Trainer& trainer);
// train_next_batch in three parts, for a caller that computes the gradients apart (the app's
// training thread, while the UI may read the model): n = begin_batch (0: the epoch is done);
// loss = compute_gradients(trainer, model, data, batch_indices(trainer), n) changes only the
// trainer's buffers; finish_batch applies the optimizer and moves the epoch on by n.
int begin_batch(Trainer& trainer, const Dataset& data);
const int* batch_indices(const Trainer& trainer);
void finish_batch(Trainer& trainer, Autoencoder& model, int n, float loss);
int batches_per_epoch(const Trainer& trainer);
int batches_done(const Trainer& trainer);
double epoch_train_loss(const Trainer& trainer);
LossTerms epoch_train_terms(const Trainer& trainer); // the epoch so far, sample-weighted means
void end_epoch(Trainer& trainer);

// Per-sample reconstruction loss of samples first..first+n-1 into out[0..n), in chunks (the app
// calls it a slice at a time so the UI never waits). The mean over a set is the validation loss.
// The plain autoencoder's is its loss per pixel. A VAE's is per picture: the reconstruction of
// decoding mu, summed over the pixels, plus the KL term (beta 1: the negative evidence lower
// bound); recon and kl, if given, get the two parts.
void sample_losses(const Autoencoder& model, const Dataset& data, int first, int n, LossKind loss, float* out,
                   const Dataset* targets = nullptr, // targets: data if null
                   float* recon = nullptr, float* kl = nullptr);

struct Evaluation {
  double mean_loss = 0;
  double recon = 0, kl = 0;   // a VAE's mean parts (mean_loss = recon + kl); the plain one's: loss, 0
  double class_loss[10] = {}; // mean loss per label 0-9 (0 where a class is absent)
  int class_count[10] = {};
};
Evaluation evaluate(const Autoencoder& model, const Dataset& data, LossKind loss);
// The loss of clean targets from inputs corrupted by `noise` (drawn from `seed`): how well a
// denoising model cleans. With no noise it is evaluate().
Evaluation evaluate_noisy(const Autoencoder& model, const Dataset& data, LossKind loss, const Noise& noise,
                          uint64_t seed);

} // namespace aelab
