// The training thread (app/lab_worker.h) against training in the UI thread: while a UI thread
// keeps taking the lab, the worker trains and validates; the weights it reaches after N steps are
// those N steps taken one by one without a worker (the core's results do not depend on threads).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "app/lab.h"
#include "app/lab_worker.h"
#include "core/rng.h"

using namespace aelab;

namespace {

Dataset random_digits(int count, uint64_t seed) {
  Dataset d;
  d.count = count, d.rows = kDigitSide, d.cols = kDigitSide;
  d.images.resize(size_t(count) * kPixels);
  d.labels.resize(size_t(count));
  Rng rng(seed);
  for (auto& p : d.images) p = rng.uniform() < 0.8 ? 0 : uint8_t(rng.below(256));
  for (auto& l : d.labels) l = uint8_t(rng.below(10));
  return d;
}

void make_lab(Lab& lab) {
  lab_init(lab);
  lab_set_dataset(lab, false, random_digits(300, 1));
  lab_set_dataset(lab, true, random_digits(1000, 2));
  TrainConfig c = lab.config;
  c.batch_size = 32;
  ASSERT_EQ(lab_set_config(lab, c), "");
}

} // namespace

TEST(LabWorker, TrainsWhileTheUiTakesTheLab_AndReachesTheSameWeights) {
  Lab lab;
  make_lab(lab);
  LabWorker* worker = lab_worker_start(lab);
  ASSERT_NE(worker, nullptr);
  {
    LabLock lock(worker);
    lab_start(lab);
  }
  // the UI's frames: each takes the lab, checks what it sees is consistent, and lets go
  int64_t last_steps = 0;
  int frames = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    LabLock lock(worker);
    frames++;
    EXPECT_GE(lab.steps, last_steps);
    EXPECT_EQ(int64_t(lab.train_curve.size()), lab.steps); // one point per step, never half a step
    last_steps = lab.steps;
    lab_update(lab); // the UI's own use of the model
    if (lab.steps >= 100 || std::chrono::steady_clock::now() > deadline) {
      const int64_t before = lab.steps;
      lab_pause(lab); // waits for the batch in flight, and only for that one
      EXPECT_LE(lab.steps, before + 1);
      last_steps = lab.steps;
      break;
    }
    lock.release();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GE(last_steps, 100) << "the worker trained " << last_steps << " steps in 60 s";
  // after the pause the worker finishes the validation pass, then has nothing to do
  for (int i = 0; i < 6000; i++) {
    LabLock lock(worker);
    if (lab.val_next < 0) break;
    lock.release();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  lab_worker_stop(worker);
  EXPECT_LT(lab.val_next, 0);
  EXPECT_EQ(lab.val_loss_step, lab.steps);
  EXPECT_GT(lab.epochs_done, 2); // 1000 samples a epoch: epochs closed and validated on the worker
  EXPECT_GT(frames, 1);

  Lab alone;
  make_lab(alone);
  for (int64_t i = 0; i < lab.steps; i++) ASSERT_TRUE(lab_step(alone));
  ASSERT_EQ(alone.steps, lab.steps);
  EXPECT_EQ(alone.model.params, lab.model.params);
  EXPECT_EQ(alone.epochs_done, lab.epochs_done);
}

TEST(LabWorker, LocksNestOnTheUiThread) {
  // the page's loaders call back into the app while a frame holds the lab
  Lab lab;
  make_lab(lab);
  LabWorker* worker = lab_worker_start(lab);
  {
    LabLock outer(worker);
    {
      LabLock inner(worker); // must not wait for the outer lock
      lab_start(lab);
    }
    lab_pause(lab);
  }
  LabLock again(worker); // released above: can be taken again
  again.release();
  lab_worker_stop(worker);
  SUCCEED();
}
