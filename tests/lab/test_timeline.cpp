// The training timeline (run.h) and the latent map the lab builds (views.h): every point's
// weights give back its recorded validation loss, the memory budget holds over a 50-epoch run,
// rewinding trains on from a point, the worker's wire sends each point's weights once, and the
// map built in slices equals the map built at once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/explore.h"
#include "core/rng.h"
#include "core/train.h"
#include "lab/lab.h"
#include "lab/run.h"
#include "lab/run_host.h"
#include "lab/views.h"
#include "lab/wire.h"
#include "test_util.h"

using namespace aelab;

namespace {

void setup(Run& run, int hidden, int latent, int train_count, int batch, int epochs) {
  run_init(run);
  Command reset = make(Command::Kind::reset);
  reset.shape.hidden_dim = hidden, reset.shape.latent_dim = latent;
  run_apply(run, reset);
  Command config = make(Command::Kind::set_config);
  config.config = default_lab_config();
  config.config.batch_size = batch, config.config.epochs = epochs;
  run_apply(run, config);
  Command test = make(Command::Kind::set_dataset), train = test;
  test.data = random_digits(100, 1);
  train.train_split = true, train.data = random_digits(train_count, 2);
  run_apply(run, test);
  run_apply(run, train);
}

void work_until_idle(Run& run) {
  while (run_work_unit(run)) {
  }
}

float test_loss(const Autoencoder& model, const Dataset& test, LossKind loss) {
  std::vector<float> losses(size_t(test.count));
  sample_losses(model, test, 0, test.count, loss, losses.data());
  double sum = 0;
  for (float v : losses) sum += v;
  return float(sum / test.count);
}

} // namespace

TEST(Timeline, EachPointsWeightsGiveItsRecordedValidationLoss) {
  aelab::Run run;
  setup(run, 32, 8, 400, 4, 2); // 100 steps an epoch: the early points at 20 fall inside
  run_apply(run, make(Command::Kind::start));
  work_until_idle(run);
  ASSERT_EQ(run.epochs_done, 2);
  std::vector<int64_t> steps;
  for (const TimelinePoint& p : run.timeline) steps.push_back(p.step);
  EXPECT_EQ(steps, (std::vector<int64_t>{0, 20, 100, 200})) << "before training, early, every epoch";
  for (const TimelinePoint& p : run.timeline) {
    ASSERT_TRUE(p.model);
    EXPECT_FLOAT_EQ(test_loss(*p.model, *run.test_set, run.config.loss), p.val_loss) << "step " << p.step;
  }
  EXPECT_EQ(run.timeline[3].val_loss, run.curves.val.back().y);
  EXPECT_NE(run.timeline[0].val_loss, run.timeline[3].val_loss);
}

TEST(Timeline, StaysWithinItsBudgetOverA50EpochRun_KeepingFirstAndLast) {
  aelab::Run run;
  setup(run, 128, 32, 64, 64, 50); // the default model and budget, one step an epoch
  const size_t model_bytes = parameter_count(run.model.shape) * sizeof(float);
  ASSERT_EQ(run.timeline_budget, kTimelineBudgetBytes); // 51 points of 840 KB would be 43 MB
  size_t most = 0;
  run_apply(run, make(Command::Kind::start));
  while (run_work_unit(run)) most = std::max(most, timeline_bytes(run.timeline));
  ASSERT_EQ(run.epochs_done, 50);
  EXPECT_LE(most, run.timeline_budget);
  EXPECT_GE(run.timeline.size(), 25u); // thinned to what fits, not far below
  EXPECT_LT(run.timeline.size(), 51u);
  EXPECT_EQ(run.timeline.front().step, 0);
  EXPECT_EQ(run.timeline.back().step, 50);
  for (size_t i = 1; i < run.timeline.size(); i++) EXPECT_LT(run.timeline[i - 1].step, run.timeline[i].step);
  EXPECT_GE(model_bytes * run.timeline.size(), size_t(20) << 20); // the weights are most of it
}

TEST(Timeline, RewindTrainsOnFromThePointWithItsWeightsAndCurvesCut) {
  aelab::Run run;
  setup(run, 32, 8, 400, 4, 3);
  run_apply(run, make(Command::Kind::start));
  work_until_idle(run);
  ASSERT_EQ(run.epochs_done, 3);
  const TimelinePoint point = run.timeline[2]; // step 100, epoch 1
  ASSERT_EQ(point.step, 100);
  Command rewind = make(Command::Kind::rewind);
  rewind.timeline_id = point.id;
  run_apply(run, rewind);
  EXPECT_EQ(run.model.params, point.model->params);
  EXPECT_EQ(run.steps, 100);
  EXPECT_EQ(run.epochs_done, 1);
  EXPECT_EQ(int64_t(run.curves.train.size()), run.steps);
  EXPECT_EQ(run.curves.val.size(), 2u); // epochs 0 and 1
  EXPECT_EQ(run.timeline.back().id, point.id);
  run_apply(run, make(Command::Kind::start));
  work_until_idle(run);
  EXPECT_EQ(run.epochs_done, 3);
  EXPECT_EQ(run.steps, 300);
  rewind.timeline_id = 999999; // gone: refused with a message, nothing changes
  run_apply(run, rewind);
  EXPECT_EQ(run.steps, 300);
  EXPECT_NE(run.message.find("gone"), std::string::npos);
}

TEST(Timeline, TheWireCarriesEachPointsWeights_AndMergeFillsThoseSentBefore) {
  aelab::Run run;
  setup(run, 32, 8, 400, 4, 1);
  run_apply(run, make(Command::Kind::start));
  work_until_idle(run);
  Snapshot first = run_snapshot(run, false);
  std::vector<uint8_t> bytes = snapshot_to_bytes(first);
  Snapshot a;
  ASSERT_TRUE(snapshot_from_bytes(bytes.data(), bytes.size(), &a));
  ASSERT_EQ(a.timeline.size(), run.timeline.size());
  EXPECT_EQ(a.timeline[1].model->params, run.timeline[1].model->params);
  Snapshot later = run_snapshot(run, false);
  for (TimelinePoint& p : later.timeline) p.model = nullptr; // as the worker sends them again
  bytes = snapshot_to_bytes(later);
  Snapshot b;
  ASSERT_TRUE(snapshot_from_bytes(bytes.data(), bytes.size(), &b));
  EXPECT_FALSE(b.timeline[1].model);
  merge_unread(b, std::move(a));
  ASSERT_TRUE(b.timeline[1].model);
  EXPECT_EQ(b.timeline[1].model->params, run.timeline[1].model->params);
}

TEST(LabTimeline, ScrubShowsThePointsModel_ThenLiveAgain) {
  Lab lab;
  lab_init(lab, make_frames_host());
  lab_set_dataset(lab, false, *random_digits(100, 1));
  lab_set_dataset(lab, true, *random_digits(300, 2));
  lab_step(lab, 25);
  for (int i = 0; i < 10000 && !(lab.latest.steps == 25 && lab_settled(lab)); i++) {
    lab.host->work(5);
    lab_update(lab);
  }
  ASSERT_GE(lab.latest.timeline.size(), 2u); // step 0 and step 20 (and 25: the pass after the steps)
  const uint64_t live = lab.model_version;
  EXPECT_EQ(lab_scrub(lab, 0), "");
  EXPECT_EQ(lab_scrub_index(lab), 0);
  EXPECT_EQ(lab.model, lab.latest.timeline[0].model);
  EXPECT_FLOAT_EQ(test_loss(*lab.model, *lab.test.data, LossKind::bce), lab.latest.timeline[0].val_loss);
  EXPECT_NE(lab_scrub(lab, 99), "");
  EXPECT_EQ(lab_scrub(lab, -1), "");
  EXPECT_EQ(lab.model_version, live);
}

TEST(LabMap, BuiltInSlicesEqualsTheMapBuiltAtOnce) {
  Lab lab;
  lab_init(lab, make_frames_host());
  lab_set_dataset(lab, false, *random_digits(1000, 3));
  lab_update(lab);
  MapState state;
  int frames = 0;
  while (map_busy(state, lab) && frames < 1000) map_update(state, lab, 0.0), frames++;
  ASSERT_TRUE(state.map);
  EXPECT_GT(frames, 1); // one slice a frame at a zero budget
  const LatentMap whole = latent_map(*lab.model, *lab.test.data);
  EXPECT_EQ(state.map->xy, whole.xy);
  EXPECT_EQ(state.version, lab_view_version(lab)); // the model and the test set it maps
  EXPECT_TRUE(state.map->plane.pca);
}
