// The training run's state machine (lab/run.h) and its hosts (lab/run_host.h): commands in every
// order, commands while a batch is in flight, and the same weights whichever host ran the loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/model_file.h"
#include "core/rng.h"
#include "lab/lab.h"
#include "lab/run.h"
#include "lab/run_host.h"
#include "lab/wire.h"
#include "test_util.h"

using namespace aelab;

namespace {

Command step(int64_t n) {
  Command c = make(Command::Kind::step);
  c.steps = n;
  return c;
}
Command dataset(bool train, std::shared_ptr<const Dataset> data) {
  Command c = make(Command::Kind::set_dataset);
  c.train_split = train;
  c.data = std::move(data);
  return c;
}
Command config(int batch, int epochs, float lr = 1e-3f) {
  Command c = make(Command::Kind::set_config);
  c.config = default_lab_config();
  c.config.batch_size = batch, c.config.epochs = epochs, c.config.optimizer.learning_rate = lr;
  return c;
}
Command reset(int hidden, int latent, uint64_t seed) {
  Command c = make(Command::Kind::reset);
  c.shape.hidden_dim = hidden, c.shape.latent_dim = latent, c.seed = seed;
  return c;
}

// Works until the run has nothing left to do (at most `limit` units); returns the units done.
int work_until_idle(Run& run, int limit = 100000) {
  int units = 0;
  while (units < limit && run_work_unit(run)) units++;
  return units;
}

// What must hold of any run between two units, whatever came before.
void expect_consistent(const Run& run, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(int64_t(run.curves.train.size()), run.steps); // one point per step, never half a step
  EXPECT_EQ(int(run.curves.epoch_train.size()), run.epochs_done);
  EXPECT_GE(run.steps_wanted, 0);
  EXPECT_EQ(run.model.params.size(), parameter_count(run.model.shape));
  if (run.pass.next >= 0) {
    ASSERT_TRUE(run.test_set);
    EXPECT_LT(run.pass.next, run.test_set->count);
  }
  const Snapshot s = run_snapshot(run, true);
  EXPECT_EQ(s.steps, run.steps);
  EXPECT_EQ(s.model->params, run.model.params);
  if (s.status == RunStatus::training) {
    EXPECT_TRUE(run.train_set);
  }
}

class RunTest : public ::testing::Test {
protected:
  void SetUp() override {
    train = random_digits(200, 2);
    test = random_digits(100, 1);
    run_init(run);
    run_apply(run, reset(16, 4, 7));
    run_apply(run, config(32, 2));
    run_apply(run, dataset(false, test));
  }
  aelab::Run run;
  std::shared_ptr<const Dataset> train, test;
};

} // namespace

TEST_F(RunTest, StepsRunExactlyTheBatchesAskedFor_EvenWhenNotStarted) {
  run_apply(run, dataset(true, train));
  run_apply(run, step(5));
  work_until_idle(run);
  EXPECT_EQ(run.steps, 5);
  EXPECT_EQ(run_snapshot(run, false).status, RunStatus::idle);
  expect_consistent(run, "after 5 steps");
}

TEST_F(RunTest, StartBeforeTheTrainingSet_WaitsForIt_ThenTrainsToTheEpochsAsked) {
  run_apply(run, make(Command::Kind::start));
  work_until_idle(run); // only the test set's validation pass: nothing to train on
  EXPECT_EQ(run.steps, 0);
  EXPECT_EQ(run_snapshot(run, false).status, RunStatus::waiting_for_data);
  run_apply(run, dataset(true, train));
  work_until_idle(run);
  EXPECT_EQ(run.epochs_done, 2);
  EXPECT_EQ(run.steps, 2 * 7); // 200 samples in batches of 32: 6 full and 1 of 8
  EXPECT_EQ(run_snapshot(run, false).status, RunStatus::finished);
  ASSERT_EQ(run.curves.val.size(), 3u); // epochs 0, 1, 2
  EXPECT_EQ(run.val.step, run.steps);
  expect_consistent(run, "after training");
}

// A learning rate that blows up: the run stops by itself at that batch, says so in the snapshot
// (and over the wire), has the last good weights, and trains on once the rate is lowered.
TEST_F(RunTest, DivergenceStopsTheRun_RestoresGoodWeights_AndALowerRateTrainsOn) {
  run_apply(run, config(32, 50, 10.0f));
  run_apply(run, dataset(true, train));
  run_apply(run, make(Command::Kind::start));
  work_until_idle(run);
  const Snapshot s = run_snapshot(run, true);
  ASSERT_NE(s.divergence, "") << "lr 10 did not blow up in 50 epochs";
  EXPECT_EQ(s.divergence.rfind("training diverged at step ", 0), 0u) << s.divergence;
  EXPECT_EQ(s.status, RunStatus::idle);
  EXPECT_NE(s.message.find("Lower the learning rate (now 10)"), std::string::npos) << s.message;
  for (float w : s.model->params) ASSERT_TRUE(std::isfinite(w));
  EXPECT_GE(run.val.loss, 0) << "the weights now back were validated";
  expect_consistent(run, "after diverging");
  Snapshot over_the_wire;
  const std::vector<uint8_t> bytes = snapshot_to_bytes(s);
  ASSERT_TRUE(snapshot_from_bytes(bytes.data(), bytes.size(), &over_the_wire));
  EXPECT_EQ(over_the_wire.divergence, s.divergence);

  const int64_t steps = run.steps;
  run_apply(run, config(32, 50, 1e-3f));
  EXPECT_EQ(run.divergence, "") << "a new learning rate clears it";
  run_apply(run, step(30));
  work_until_idle(run);
  EXPECT_EQ(run.steps, steps + 30);
  EXPECT_EQ(run.divergence, "");
  expect_consistent(run, "after 30 steps at lr 0.001");
}

TEST_F(RunTest, PauseThenStep_TrainsOnlyTheSteps) {
  run_apply(run, dataset(true, train));
  run_apply(run, make(Command::Kind::start));
  for (int i = 0; i < 3; i++) run_work_unit(run); // validation slice, then batches
  run_apply(run, make(Command::Kind::pause));
  const int64_t at_pause = run.steps;
  work_until_idle(run); // the validation pass at the pause
  EXPECT_EQ(run.steps, at_pause);
  EXPECT_EQ(run.val.step, at_pause);
  run_apply(run, step(3));
  work_until_idle(run);
  EXPECT_EQ(run.steps, at_pause + 3);
  EXPECT_FALSE(run.training);
  expect_consistent(run, "after pause and step");
}

TEST_F(RunTest, ResetDuringTraining_GivesTheSeedsWeightsAndForgetsTheRun) {
  run_apply(run, dataset(true, train));
  run_apply(run, make(Command::Kind::start));
  for (int i = 0; i < 5; i++) run_work_unit(run);
  ASSERT_GT(run.steps, 0);
  run_apply(run, reset(16, 4, 7));
  EXPECT_EQ(run.steps, 0);
  EXPECT_FALSE(run.training);
  EXPECT_TRUE(run.curves.train.empty());
  Autoencoder fresh = make_autoencoder(run.model.shape);
  init_glorot_uniform(fresh, 7);
  EXPECT_EQ(run.model.params, fresh.params);
  expect_consistent(run, "after reset");
}

TEST_F(RunTest, LoadDuringTraining_TakesTheFilesWeightsAndOptimizer) {
  run_apply(run, dataset(true, train));
  run_apply(run, step(4));
  work_until_idle(run);
  run_apply(run, make(Command::Kind::save));
  ASSERT_TRUE(run.saved);
  const std::vector<uint8_t> file = *run.saved;
  const Vector weights_at_save = run.model.params;
  run_apply(run, make(Command::Kind::start));
  for (int i = 0; i < 4; i++) run_work_unit(run);
  ASSERT_NE(run.model.params, weights_at_save);
  Command load = make(Command::Kind::load);
  load.bytes = file;
  run_apply(run, load);
  EXPECT_EQ(run.model.params, weights_at_save);
  EXPECT_EQ(run.steps, 0);
  ASSERT_TRUE(run.trainer_ready);
  EXPECT_EQ(run.trainer.optimizer.step, 4u); // Adam's moments came with the file
  expect_consistent(run, "after load");
}

TEST_F(RunTest, NewTrainingSetMidEpoch_StartsAFreshEpochOnIt) {
  run_apply(run, dataset(true, train));
  run_apply(run, step(3));
  work_until_idle(run);
  ASSERT_GT(run_snapshot(run, false).epoch_fraction, 0.0f);
  run_apply(run, dataset(true, random_digits(64, 9)));
  EXPECT_EQ(run_snapshot(run, false).epoch_fraction, 0.0f);
  run_apply(run, step(2)); // an epoch of the new set: 64 = 2 x 32
  work_until_idle(run);
  EXPECT_EQ(run.steps, 5);
  EXPECT_EQ(run.epochs_done, 1);
  expect_consistent(run, "after the new set's epoch");
}

TEST_F(RunTest, CommandsInEveryOrder_LeaveAConsistentRun) {
  const std::vector<Command> commands = {
      make(Command::Kind::start), make(Command::Kind::pause), step(3), reset(8, 2, 3), config(16, 1),
      dataset(true, train)};
  std::vector<int> order = {0, 1, 2, 3, 4, 5};
  int orders = 0;
  do {
    aelab::Run r = run;
    std::string where;
    for (int i : order) {
      run_apply(r, commands[size_t(i)]);
      where += std::to_string(i);
      run_work_unit(r); // a unit between two commands, as a host may do
      expect_consistent(r, "order " + where);
    }
    work_until_idle(r);
    expect_consistent(r, "order " + where + ", idle");
    const Snapshot s = run_snapshot(r, false);
    EXPECT_NE(s.status, RunStatus::training) << "order " << where;
    orders++;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(orders, 720);
}

// ---- the hosts

namespace {

// Sends the commands, then takes snapshots until one has applied them all and the run is idle.
Snapshot run_on_host(RunHost& host, std::vector<Command> commands) {
  uint64_t seq = 0;
  for (Command& c : commands) {
    c.seq = ++seq;
    host.send(std::move(c));
  }
  Snapshot latest;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    host.work(5);
    Snapshot s;
    if (host.take(&s)) {
      merge_unread(s, std::move(latest));
      latest = std::move(s);
    }
    const bool idle = latest.status == RunStatus::idle || latest.status == RunStatus::finished;
    if (latest.seq == seq && idle && latest.validation_progress < 0 && latest.model &&
        latest.model_version == latest.weights_version)
      return latest;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the host did not finish within 120 s";
      return latest;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::vector<Command> twenty_steps(std::shared_ptr<const Dataset> train, std::shared_ptr<const Dataset> test) {
  return {reset(32, 8, 5), config(32, 3), dataset(false, test), dataset(true, train), step(20)};
}

} // namespace

TEST(RunHosts, ThreadFramesAndDirect_GiveIdenticalWeightsAndLosses) {
  auto train = random_digits(500, 2), test = random_digits(200, 1);
  aelab::Run direct;
  run_init(direct);
  for (Command& c : twenty_steps(train, test)) run_apply(direct, std::move(c));
  work_until_idle(direct);
  ASSERT_EQ(direct.steps, 20);

  auto frames = make_frames_host();
  const Snapshot f = run_on_host(*frames, twenty_steps(train, test));
  std::vector<const Snapshot*> results = {&f};
  Snapshot t;
  if (auto thread = make_thread_host()) { // null in a build without threads
    t = run_on_host(*thread, twenty_steps(train, test));
    results.push_back(&t);
  }
  for (const Snapshot* s : results) {
    ASSERT_TRUE(s->model);
    EXPECT_EQ(s->steps, 20);
    EXPECT_EQ(s->model->params, direct.model.params);
    EXPECT_EQ(s->smoothed_loss, direct.smoothed_loss);
    EXPECT_EQ(s->val.loss, direct.val.loss);
  }
}

TEST(RunHosts, ThreadHost_PauseTakesEffectAfterAtMostTheBatchInFlight) {
  auto host = make_thread_host();
  if (!host) GTEST_SKIP() << "this build has no threads";
  uint64_t seq = 0;
  auto send = [&](Command c) {
    c.seq = ++seq;
    host->send(std::move(c));
  };
  send(reset(128, 32, 0));
  send(config(64, 1000));
  send(dataset(true, random_digits(2000, 3)));
  send(make(Command::Kind::start));
  Snapshot s;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (s.steps < 10 && std::chrono::steady_clock::now() < deadline) {
    host->take(&s);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GE(s.steps, 10);
  // the newest snapshot right before the pause goes (a batch can take well under the 1 ms slept
  // above, so an older one could be several batches behind)
  while (!host->take(&s)) {
  }
  send(make(Command::Kind::pause));
  const uint64_t pause_seq = seq;
  const int64_t steps_when_sent = s.steps;
  // the first snapshot that has applied the pause is at most a batch or two past it (the one in
  // flight, and one that finished between our last look and the send)
  while (s.seq < pause_seq && std::chrono::steady_clock::now() < deadline) {
    host->take(&s);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(s.seq, pause_seq);
  EXPECT_LE(s.steps, steps_when_sent + 2);
  const int64_t at_pause = s.steps;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  while (host->take(&s)) {
  }
  EXPECT_EQ(s.steps, at_pause); // and nothing trains after it
  EXPECT_EQ(s.status, RunStatus::idle);
}

TEST(RunHosts, HandoverRebuildsTheRunOnAnotherHost) {
  auto train = random_digits(300, 2), test = random_digits(100, 1);
  aelab::Run a;
  run_init(a);
  for (Command& c : twenty_steps(train, test)) run_apply(a, std::move(c));
  work_until_idle(a);
  run_apply(a, make(Command::Kind::start)); // started: the other host goes on training
  aelab::Run b;
  run_init(b);
  for (Command& c : run_handover(a)) run_apply(b, std::move(c));
  EXPECT_EQ(b.model.params, a.model.params);
  EXPECT_EQ(b.config.batch_size, a.config.batch_size);
  EXPECT_TRUE(b.training);
  EXPECT_EQ(b.trainer.optimizer.step, a.trainer.optimizer.step);
  EXPECT_EQ(b.seq, a.seq);
}

// ---- the UI's side

TEST(LabView, RefusesAModelWhoseInputIsNot784_WithTheFileAndTheSizes) {
  Lab lab;
  lab_init(lab, make_frames_host());
  ModelFile file;
  file.model = make_autoencoder(ModelShape{100, 16, 4});
  const std::vector<uint8_t> bytes = model_to_bytes(file);
  const std::string error = lab_load_model_bytes(lab, bytes.data(), bytes.size(), "small.aelab");
  EXPECT_EQ(error, "small.aelab: a model for 100 inputs, expected 784 (28x28 images)");
  EXPECT_EQ(lab.model->shape.input_dim, 784);
}

TEST(LabView, TakesTheRunsWeightsOnceTheyChange_AndKeepsItsOwnCopy) {
  Lab lab;
  std::unique_ptr<RunHost> host = make_thread_host();
  lab_init(lab, host ? std::move(host) : make_frames_host());
  lab_set_dataset(lab, false, *random_digits(100, 1));
  lab_set_dataset(lab, true, *random_digits(300, 2));
  lab_step(lab, 5);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!(lab.latest.steps == 5 && lab_settled(lab)) && std::chrono::steady_clock::now() < deadline) {
    lab.host->work(5);
    lab_update(lab);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(lab.latest.steps, 5);
  EXPECT_EQ(lab.model_version, lab.latest.weights_version);
  const std::shared_ptr<const Autoencoder> held = lab.model;
  const Vector before = held->params;
  lab_step(lab, 3); // the run trains on; the model the UI holds is never changed in place
  while (!(lab.latest.steps == 8 && lab_settled(lab)) && std::chrono::steady_clock::now() < deadline) {
    lab.host->work(5);
    lab_update(lab);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(held->params, before);
  EXPECT_NE(lab.model->params, before);
  EXPECT_FALSE(lab.input.code.empty());
}

// The run trains with the configured input noise: the same seeded steps give other weights
// than without it, and the model it saves records the noise.
TEST(Run, TrainsWithTheInputNoiseAndItsModelFileRecordsIt) {
  std::vector<float> params[2];
  for (int noisy = 0; noisy < 2; noisy++) {
    aelab::Run run;
    run_init(run);
    run_apply(run, dataset(false, random_digits(50, 1)));
    run_apply(run, dataset(true, random_digits(100, 2)));
    Command c = config(16, 1);
    if (noisy) c.config.noise = {NoiseKind::mask, 0.5f};
    run_apply(run, c);
    run_apply(run, reset(16, 4, 3));
    run_apply(run, step(3));
    run_apply(run, make(Command::Kind::save));
    work_until_idle(run);
    params[noisy].assign(run.model.params.begin(), run.model.params.end());
    ModelFile file;
    ASSERT_EQ(model_from_bytes(run.saved->data(), run.saved->size(), "saved", &file), "");
    EXPECT_TRUE(file.noise == (noisy ? Noise{NoiseKind::mask, 0.5f} : Noise{}));
  }
  EXPECT_NE(params[0], params[1]);
}

// ---- the wire (the Web Worker host's messages)

TEST(Wire, CommandsAndSnapshotsSurviveTheTripAsBytes) {
  Command load;
  load.kind = Command::Kind::load;
  load.seq = 42;
  load.bytes = {1, 2, 3};
  load.config.optimizer.learning_rate = 0.25f;
  load.config.noise = {NoiseKind::saltpepper, 0.125f};
  const std::vector<uint8_t> bytes = command_to_bytes(load);
  Command back;
  ASSERT_TRUE(command_from_bytes(bytes.data(), bytes.size(), &back));
  EXPECT_EQ(back.kind, Command::Kind::load);
  EXPECT_EQ(back.seq, 42u);
  EXPECT_EQ(back.bytes, load.bytes);
  EXPECT_EQ(back.config.optimizer.learning_rate, 0.25f);
  EXPECT_TRUE(back.config.noise == load.config.noise);
  EXPECT_FALSE(command_from_bytes(bytes.data(), bytes.size() - 1, &back)); // truncated

  aelab::Run run;
  run_init(run);
  run_apply(run, dataset(false, random_digits(50, 1)));
  run_apply(run, dataset(true, random_digits(100, 2)));
  run_apply(run, step(3));
  run_apply(run, make(Command::Kind::save));
  work_until_idle(run);
  const Snapshot s = run_snapshot(run, true);
  const std::vector<uint8_t> wire = snapshot_to_bytes(s);
  Snapshot t;
  ASSERT_TRUE(snapshot_from_bytes(wire.data(), wire.size(), &t));
  ASSERT_TRUE(t.model && t.saved);
  EXPECT_EQ(t.model->params, s.model->params);
  EXPECT_EQ(*t.saved, *s.saved);
  EXPECT_EQ(t.steps, 3);
  EXPECT_EQ(t.curves.train.size(), 3u);
  EXPECT_EQ(t.val.loss, s.val.loss);
  EXPECT_EQ(t.message, s.message);
  EXPECT_FALSE(snapshot_from_bytes(wire.data(), wire.size() / 2, &t));
}

TEST(LabView, AfterAPause_SettlesWithTheRunsLastWeights) {
  Lab lab;
  std::unique_ptr<RunHost> host = make_thread_host();
  lab_init(lab, host ? std::move(host) : make_frames_host());
  lab_set_dataset(lab, false, *random_digits(100, 1));
  lab_set_dataset(lab, true, *random_digits(3000, 2));
  lab_start(lab);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (lab.latest.steps < 30 && std::chrono::steady_clock::now() < deadline) {
    lab.host->work(5);
    lab_update(lab);
  }
  ASSERT_GE(lab.latest.steps, 30);
  lab_pause(lab);
  while (!lab_settled(lab) && std::chrono::steady_clock::now() < deadline) {
    lab.host->work(5);
    lab_update(lab);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(lab_settled(lab)) << "model " << lab.model_version << ", run's weights "
                                << lab.latest.weights_version;
  EXPECT_EQ(lab.latest.status, RunStatus::idle);
  EXPECT_EQ(lab.latest.val.step, lab.latest.steps); // validated where it stopped
}

// ---- data sets (the app's choice of MNIST, Fashion-MNIST or the user's own)

// "Leave out" classes: the run trains on the given set without them, and takes them back when the
// config does; a forget (set_dataset without data) leaves it waiting for data.
TEST(Run, LeavesTheExcludedClassesOutOfTrainingAndForgetsOnASetWithoutData) {
  aelab::Run run;
  run_init(run);
  const std::shared_ptr<const Dataset> train = random_digits(300, 2);
  run_apply(run, dataset(true, train));
  const int sevens = int(std::count(train->labels.begin(), train->labels.end(), uint8_t(7)));
  const int threes = int(std::count(train->labels.begin(), train->labels.end(), uint8_t(3)));
  ASSERT_GT(sevens, 0);
  Command c = config(16, 1);
  c.config.excluded_classes = (1u << 7) | (1u << 3);
  run_apply(run, c);
  ASSERT_TRUE(run.train_set);
  EXPECT_EQ(run.train_set->count, 300 - sevens - threes);
  for (uint8_t label : run.train_set->labels) EXPECT_TRUE(label != 7 && label != 3);
  EXPECT_EQ(run_snapshot(run, false).train_count, 300 - sevens - threes);
  c.config.excluded_classes = 0;
  run_apply(run, c);
  EXPECT_EQ(run.train_set, train); // the set as given, not a copy

  run_apply(run, make(Command::Kind::start));
  Command forget = make(Command::Kind::set_dataset);
  forget.train_split = true;
  run_apply(run, forget);
  EXPECT_FALSE(run.train_set);
  EXPECT_FALSE(run_has_work(run));
  EXPECT_EQ(run_snapshot(run, false).status, RunStatus::waiting_for_data);
}

TEST(Wire, ASetWithoutDataAndTheExcludedClassesTravel) {
  Command forget = make(Command::Kind::set_dataset);
  forget.seq = 7;
  forget.train_split = true;
  forget.config.excluded_classes = 1u << 9;
  const std::vector<uint8_t> bytes = command_to_bytes(forget);
  Command back;
  ASSERT_TRUE(command_from_bytes(bytes.data(), bytes.size(), &back));
  EXPECT_EQ(back.kind, Command::Kind::set_dataset);
  EXPECT_TRUE(back.train_split);
  EXPECT_FALSE(back.data); // data never travels: the worker loads its own
  EXPECT_EQ(back.config.excluded_classes, 1u << 9);
}

// A new data set: the run forgets both sets, data loaded for the earlier choice is dropped, a
// picture size the network cannot take is refused with the sizes, and the training set counts as
// there only once a snapshot after the choice says so.
TEST(LabData, ChoosingADataSetDropsDataForTheEarlierChoiceAndRefusesOtherSizes) {
  Lab lab;
  lab_init(lab, make_frames_host());
  lab_set_dataset(lab, false, *random_digits(100, 1));
  lab_set_dataset(lab, true, *random_digits(200, 2));
  lab.host->work(1e9);
  lab_update(lab);
  ASSERT_EQ(lab.train.status, DataStatus::ready);
  const uint64_t before = lab_view_version(lab), generation = lab.data_generation;

  lab_choose_dataset(lab, DatasetKind::fashion);
  EXPECT_EQ(lab.dataset, DatasetKind::fashion);
  EXPECT_NE(lab.data_generation, generation);
  EXPECT_NE(lab_view_version(lab), before); // the views redraw
  EXPECT_EQ(lab.test.status, DataStatus::absent);
  EXPECT_EQ(lab.train.status, DataStatus::absent);
  lab.host->work(1e9);
  lab_update(lab);
  EXPECT_EQ(lab.latest.train_count, 0);
  EXPECT_EQ(lab.latest.test_count, 0);
  EXPECT_EQ(lab.train.status, DataStatus::absent);

  std::string error;
  EXPECT_FALSE(lab_set_data(lab, DataTarget::test, *random_digits(50, 3), generation, &error));
  EXPECT_EQ(error, "");
  EXPECT_EQ(lab.test.status, DataStatus::absent); // dropped: it was MNIST's

  Dataset big = *random_digits(10, 4);
  big.rows = big.cols = 14; // 40 pictures of 14x14 in the same bytes
  big.count = 40;
  big.labels.resize(40);
  EXPECT_FALSE(lab_set_data(lab, DataTarget::test, big, lab.data_generation, &error));
  EXPECT_EQ(error, "Fashion-MNIST: 40 pictures of 14x14 pixels; the lab's network takes 28x28 pictures");
  EXPECT_EQ(lab.test.status, DataStatus::failed);

  EXPECT_TRUE(lab_set_data(lab, DataTarget::test, *random_digits(60, 5), lab.data_generation, &error));
  EXPECT_TRUE(lab_set_data(lab, DataTarget::other, *random_digits(70, 6), lab.data_generation, &error));
  lab.host->work(1e9);
  lab_update(lab);
  EXPECT_EQ(lab.latest.test_count, 60); // the other set stays in the UI: the run has no use for it
  EXPECT_EQ(lab.other.count, 70);
  EXPECT_EQ(lab.other_kind, DatasetKind::mnist);
}

// What the model learned from: MNIST for the shipped one, nothing known for random weights, and
// the chosen data set once it trains there.
TEST(LabData, FollowsWhatTheModelLearnedFrom) {
  Lab lab;
  lab_init(lab, make_frames_host());
  EXPECT_EQ(lab.model_data, "");
  aelab::Run donor;
  run_init(donor);
  run_apply(donor, make(Command::Kind::save));
  ASSERT_EQ(lab_set_shipped_model(lab, *donor.saved, "shipped model"), "");
  EXPECT_EQ(lab.model_data, "mnist");
  lab_choose_dataset(lab, DatasetKind::fashion);
  lab_set_dataset(lab, false, *random_digits(50, 1));
  lab_set_dataset(lab, true, *random_digits(100, 2));
  lab_step(lab, 2);
  lab.host->work(1e9);
  lab_update(lab);
  EXPECT_EQ(lab.latest.steps, 2);
  EXPECT_EQ(lab.model_data, "fashion");
  ASSERT_EQ(lab_reset(lab, ModelShape{}), "");
  EXPECT_EQ(lab.model_data, "");
}
