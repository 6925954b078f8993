// The app's logic without a window: aelab.set() refuses values outside the limits table with the
// range in the message (never clamps), state() is well-formed from the start, and the smoke-test
// script refuses a bad line with its line number.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "app/app.h"
#include "app/script.h"
#include "core/anomaly.h"
#include "core/model_file.h"

using namespace aelab;

namespace {

App make_app() {
  App app;
  app_init(app, Platform{}, make_frames_host());
  return app;
}

// `count` 28x28 pictures, label 0, with every `stride`-th pixel (over the whole set) white.
Dataset striped_set(int count, size_t stride) {
  Dataset d;
  d.count = count, d.rows = 28, d.cols = 28;
  d.images.assign(size_t(count) * kPixels, 0);
  d.labels.assign(size_t(count), 0);
  for (size_t i = 0; i < d.images.size(); i += stride) d.images[i] = 255;
  return d;
}

} // namespace

TEST(AppSet, RefusesOutOfRangeAndFractionalValues_NamingTheRange) {
  App app = make_app();
  EXPECT_EQ(app_set(app, "latent", 1e10), "latent = 1e+10: expected an integer from 1 to 1024");
  EXPECT_EQ(app_set(app, "latent", 2.9), "latent = 2.9: expected an integer from 1 to 1024");
  EXPECT_EQ(app_set(app, "seed", -5), "seed = -5: expected an integer from 0 to 9007199254740991");
  EXPECT_EQ(app_set(app, "seed", 1e30), "seed = 1e+30: expected an integer from 0 to 9007199254740991");
  EXPECT_EQ(app_set(app, "loss", 7), "loss = 7: expected 'bce' or 'mse'");
  EXPECT_EQ(app_set(app, "epochs", 0), "epochs = 0: expected an integer from 1 to 100000");
  EXPECT_EQ(app_set(app, "lr", std::nan("")), "lr = nan: expected a number from 1e-07 to 10");
  EXPECT_EQ(lab_config(app.lab).epochs, default_lab_config().epochs); // nothing was applied
  EXPECT_EQ(app.lab.model->shape.latent_dim, 32);
}

TEST(AppSet, AppliesGoodValues) {
  App app = make_app();
  EXPECT_EQ(app_set(app, "batch", 128), "");
  EXPECT_EQ(app_set(app, "seed", 12), "");
  EXPECT_EQ(lab_config(app.lab).batch_size, 128);
  EXPECT_EQ(app_set(app, "latent", 2), "");
  lab_update(app.lab);
  EXPECT_EQ(app.lab.model->shape.latent_dim, 2);
  EXPECT_EQ(app.lab.latest.config.batch_size, 128); // the run applied it (frames host: at once)
}

TEST(AppState, IsOneJsonObjectWithReadyFalseBeforeTheFirstFrame) {
  App app = make_app();
  const std::string json = app_state_json(app);
  EXPECT_EQ(json.rfind("{\"ready\":false,", 0), 0u) << json;
  EXPECT_EQ(json.back(), '}');
  EXPECT_NE(json.find("\"trainingHost\":\"frames\""), std::string::npos);
  EXPECT_NE(json.find("\"valLoss\":null"), std::string::npos);
}

// ---- lesson links

// The whole UI zooms with the window above 1280x800, in steps of 0.05, and never below 1 (small
// windows get the compact and phone layouts instead).
TEST(AppZoom, FollowsTheWindowAbove1280x800AndNeverShrinks) {
  EXPECT_FLOAT_EQ(app_zoom(1280, 800), 1.0f);
  EXPECT_FLOAT_EQ(app_zoom(390, 844), 1.0f);
  EXPECT_FLOAT_EQ(app_zoom(800, 600), 1.0f);
  EXPECT_FLOAT_EQ(app_zoom(1920, 1080), 1.35f); // the height limits it: 1080 / 800
  EXPECT_FLOAT_EQ(app_zoom(2560, 1440), 1.8f);
  EXPECT_FLOAT_EQ(app_zoom(1920, 800), 1.0f); // wide but not taller
  EXPECT_FLOAT_EQ(app_zoom(1300, 810), 1.0f); // 1.0125: below the next step
}

// Denoising in the app: the training noise and the draw panel's "corrupt the input" are text
// settings (aelab.set, lesson links); corrupting shows the model a noisy picture and scores its
// reconstruction against the clean one.
TEST(AppNoise, TrainingNoiseAndCorruptionAreTextSettings) {
  App app = make_app();
  EXPECT_EQ(app_set_text(app, "noise", "mask:0.3"), "");
  lab_update(app.lab);
  EXPECT_TRUE(lab_config(app.lab).noise == (Noise{NoiseKind::mask, 0.3f}));
  EXPECT_NE(app_lesson_link(app).find("&noise=mask:0.3"), std::string::npos);
  EXPECT_EQ(app_set_text(app, "noise", "blur:2"),
            "noise 'blur:2': expected none, gaussian:SIGMA, mask:P or saltpepper:P with the amount a number "
            "from 0 to 1 (e.g. mask:0.3)");
  EXPECT_EQ(app_set_text(app, "corrupt", "mask:7").rfind("corrupt 'mask:7': expected", 0), 0u);
  EXPECT_EQ(
      app_set_text(app, "frob", "x").rfind("unknown setting 'frob' (kind, filters, hidden, latent, lr, ", 0),
      0u);
  EXPECT_EQ(app_set_text(app, "precision", "fp16"), "precision = 'fp16': expected 'fp32' or 'bf16'");
  EXPECT_EQ(app_set_text(app, "precision", "fp32"), "");
  const LessonResult r = app_apply_lesson(app, "noise=gaussian:0.2");
  EXPECT_TRUE(r.notices.empty());
  lab_update(app.lab);
  EXPECT_TRUE(lab_config(app.lab).noise == (Noise{NoiseKind::gaussian, 0.2f}));

  float pixels[kPixels];
  for (int i = 0; i < kPixels; i++)
    pixels[i] = (i / 28 > 6 && i / 28 < 22 && i % 28 > 10 && i % 28 < 16) ? 1.0f : 0.0f;
  lab_set_input_pixels(app.lab, pixels);
  lab_update(app.lab);
  const float clean_loss = app.lab.input.loss;
  EXPECT_EQ(app_set_text(app, "corrupt", "mask:0.5"), "");
  lab_update(app.lab);
  const Input& in = app.lab.input;
  int blanked = 0, ink = 0;
  for (int i = 0; i < kPixels; i++) {
    EXPECT_EQ(in.clean[i], pixels[i]) << i;
    ink += pixels[i] > 0;
    blanked += pixels[i] > 0 && in.pixels[i] == 0;
    EXPECT_TRUE(in.pixels[i] == in.clean[i] || in.pixels[i] == 0) << i; // mask only blanks
  }
  EXPECT_GT(blanked, ink / 4); // about half of the 75 ink pixels
  EXPECT_LT(blanked, 3 * ink / 4);
  EXPECT_NE(in.loss, clean_loss); // the reconstruction of the noisy picture, against the clean one
  EXPECT_EQ(app_set_text(app, "corrupt", "none"), "");
  lab_update(app.lab);
  EXPECT_EQ(app.lab.input.loss, clean_loss);
}

// The anomaly view's numbers: a loss per test picture (their mean is evaluate()'s), the threshold
// at the 99th percentile until dragged, and a loaded test picture's percentile is its rank.
TEST(AppAnomaly, ScoresThresholdAndPercentileAgreeWithTheLosses) {
  App app = make_app();
  Dataset test;
  test.count = 200, test.rows = 28, test.cols = 28;
  test.images.resize(size_t(test.count) * kPixels);
  test.labels.resize(size_t(test.count));
  for (size_t i = 0; i < test.images.size(); i++)
    test.images[i] = uint8_t((i * 2654435761u >> 13) % 7 == 0 ? 255 : 0);
  for (int i = 0; i < test.count; i++) test.labels[size_t(i)] = uint8_t(i % 10);
  const double mean = evaluate(*app.lab.model, test, LossKind::bce).mean_loss;
  lab_set_dataset(app.lab, false, test);
  lab_update(app.lab);
  // scores_update says the pass is unfinished (the app keeps drawing frames) until it is done
  // (200 pictures: one slice)
  EXPECT_FALSE(app.views.scores.sorted);
  EXPECT_FALSE(scores_update(app.views.scores, app.lab, 0.01));
  EXPECT_TRUE(app.views.scores.sorted);
  EXPECT_FALSE(scores_update(app.views.scores, app.lab, 0.01));
  ASSERT_TRUE(scores_finish(app.views.scores, app.lab));
  const std::vector<float>& losses = *app.views.scores.losses;
  ASSERT_EQ(losses.size(), 200u);
  double sum = 0;
  for (float v : losses) sum += v;
  EXPECT_NEAR(sum / 200, mean, 1e-6);
  ASSERT_TRUE(lab_load_test_digit(app.lab, 42));
  lab_update(app.lab);
  const AnomalyNumbers a = anomaly_numbers(app);
  double below = 0;
  for (float v : losses) below += v < losses[42] ? 1 : v == losses[42] ? 0.5 : 0;
  EXPECT_NEAR(a.input_loss, losses[42], 1e-6);
  EXPECT_NEAR(a.percentile_of_input, 100 * below / 200, 1e-3);
  std::vector<float> sorted = losses;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(a.threshold, sorted[198]);   // the 99th percentile of 200
  EXPECT_NEAR(a.share_above, 0.5, 1e-4); // one of 200 is above it
  EXPECT_EQ(a.unusual, losses[42] > sorted[198]);
  EXPECT_EQ(a.auc, -1); // no other data set scored yet

  // The other data set (Fashion-MNIST for an MNIST lab): its pictures scored by the same model,
  // and the AUC of them against the test set's, as core/anomaly computes it.
  Dataset other = test;
  for (size_t i = 0; i < other.images.size(); i++) other.images[i] = uint8_t((i * 40503u >> 7) % 3 ? 200 : 0);
  std::string error;
  ASSERT_TRUE(lab_set_data(app.lab, DataTarget::other, other, app.lab.data_generation, &error)) << error;
  ASSERT_TRUE(scores_finish(app.views.other_scores, app.lab));
  update_auc(app.views);
  const std::vector<float> theirs = *app.views.other_scores.losses;
  EXPECT_NEAR(anomaly_numbers(app).auc, roc_auc(theirs, losses), 1e-12);
  EXPECT_GT(anomaly_numbers(app).auc, 0.5); // mostly ink: even random weights reconstruct it worse (0.76)
}

// ---- data sets

TEST(AppData, ChoosingFashionAsksForItsTestSetAndSaysTheShippedModelLearnedDigits) {
  std::vector<std::string> asked;
  App app;
  Platform p;
  p.request_data = [&](DataTarget target, DatasetKind kind, uint64_t generation) {
    asked.push_back(std::to_string(int(target)) + " " + dataset_name(kind) + " " +
                    std::to_string(generation));
  };
  app_init(app, p, make_frames_host());
  aelab::Run donor;
  run_init(donor);
  Command save;
  save.kind = Command::Kind::save;
  run_apply(donor, save);
  ASSERT_EQ(lab_set_shipped_model(app.lab, *donor.saved, "shipped model"), "");
  app_request_test_set(app);
  EXPECT_EQ(asked, std::vector<std::string>{"1 mnist 1"});
  EXPECT_FALSE(app_model_data_mismatch(app));

  EXPECT_TRUE(app.lab.input.preprocess);
  EXPECT_EQ(samples_text(app.lab, DataTarget::train), "60,000 training digits");
  EXPECT_EQ(app_set_text(app, "dataset", "fashion"), "");
  EXPECT_EQ(asked.back(), "1 fashion 2");
  EXPECT_FALSE(app.lab.input.preprocess); // MNIST's centring is for digits, not clothes
  EXPECT_EQ(samples_text(app.lab, DataTarget::test), "10,000 test pictures");
  EXPECT_TRUE(app_model_data_mismatch(app)); // the shipped model learned MNIST
  const std::string json = app_state_json(app);
  EXPECT_NE(json.find("\"dataset\":\"fashion\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"modelDataMismatch\":true"), std::string::npos);
  EXPECT_NE(app.message.text.find("learned MNIST digits, not Fashion-MNIST"), std::string::npos)
      << app.message.text;
  app_train_new_model(app);
  EXPECT_FALSE(app_model_data_mismatch(app));
  EXPECT_TRUE(lab_training(app.lab) || app.lab.latest.seq < app.lab.sent_seq);

  EXPECT_EQ(app_set_text(app, "dataset", "letters"),
            "dataset = 'letters': expected 'mnist', 'fashion' or 'custom'");
  EXPECT_NE(app_set_text(app, "dataset", "custom").find("no data of your own was given yet"),
            std::string::npos);
  EXPECT_EQ(app_use_own_data(app, "my folder"), "");
  EXPECT_EQ(app.lab.dataset, DatasetKind::custom);
  EXPECT_EQ(asked.back(), "1 custom 3");
}

// A code unit that is 0 for every test picture is named dead (bars, Traverse, state()), from the
// map of the model shown: here unit 5 made dead by a large negative bias before its ReLU.
TEST(AppDeadUnits, AUnitZeroForEveryTestPictureIsDead) {
  App app = make_app();
  Dataset test;
  test.count = 300, test.rows = 28, test.cols = 28;
  test.images.resize(size_t(test.count) * kPixels);
  test.labels.assign(size_t(test.count), 0);
  for (size_t i = 0; i < test.images.size(); i++)
    test.images[i] = uint8_t((i * 2654435761u >> 11) % 5 == 0 ? 255 : 0);
  Autoencoder model = *app.lab.model;
  model.bias(1)[5] = -1000; // layer 1 makes the code: unit 5 never fires
  ModelFile file;
  file.model = model;
  const std::vector<uint8_t> bytes = model_to_bytes(file);
  ASSERT_EQ(app_load_model_bytes(app, bytes.data(), bytes.size(), "dead.aelab"), "");
  lab_set_dataset(app.lab, false, test);
  lab_update(app.lab);
  EXPECT_TRUE(dead_units(app).empty()); // no map yet: nothing is said
  ASSERT_TRUE(map_finish(app.views.map, app.lab));
  const std::vector<bool> dead = dead_units(app);
  ASSERT_EQ(dead.size(), 32u);
  for (int u = 0; u < 32; u++) {
    // an independent look: does unit u fire for any test picture?
    Matrix x({size_t(test.count), size_t(kPixels)});
    images_to_float(test, 0, test.count, x.data());
    const Matrix z = encode(*app.lab.model, x);
    bool fires = false;
    for (int i = 0; i < test.count; i++) fires = fires || z(size_t(i), size_t(u)) > 0;
    EXPECT_EQ(dead[size_t(u)], !fires) << "unit " << u;
  }
  EXPECT_TRUE(dead[5]);
  EXPECT_NE(app_state_json(app).find("\"deadUnits\":[5"), std::string::npos);
}

// A run that finished its epochs says "epoch 2 of 2, done", never "epoch 3 of 2" (a classroom
// found "epoch 21 of 20" after a run of 20).
TEST(AppProgress, AFinishedRunSaysItsLastEpochNotTheNext) {
  App app = make_app();
  Dataset train = striped_set(64, 7);
  lab_set_dataset(app.lab, true, train);
  lab_set_dataset(app.lab, false, train);
  ASSERT_EQ(app_set(app, "epochs", 2), "");
  ASSERT_EQ(app_set(app, "batch", 32), "");
  lab_update(app.lab);
  EXPECT_EQ(progress_text(app.lab, true), "epoch 1 of 2, 0%");
  lab_start(app.lab);
  for (int i = 0; i < 1000 && app.lab.latest.status != RunStatus::finished; i++) {
    app.lab.host->work(50);
    lab_update(app.lab);
  }
  ASSERT_EQ(app.lab.latest.status, RunStatus::finished);
  EXPECT_EQ(lab_epoch(app.lab), 2);
  EXPECT_EQ(progress_text(app.lab, true), "epoch 2 of 2, done");
  EXPECT_EQ(progress_text(app.lab, false), "this run: epoch 2 of 2, done, step 4");
  EXPECT_EQ(samples_text(app.lab, DataTarget::train), "64 training digits");
}

// Every action that replaces weights trained here asks first (a classroom lost 20 epochs to
// "Back to the shipped model"); with nothing trained here they act at once.
TEST(AppDiscard, ActionsOverANetworkTrainedHereAskFirst) {
  App app = make_app();
  Dataset train = striped_set(64, 5);
  lab_set_dataset(app.lab, true, train);
  for (Discard d : {Discard::reset, Discard::shipped, Discard::load, Discard::dataset, Discard::lesson})
    EXPECT_FALSE(app_would_discard(app, d)) << kDiscardNames[int(d)];
  EXPECT_TRUE(app_would_discard(app, Discard::shape)); // a new architecture is always asked about
  lab_step(app.lab, 3);
  for (int i = 0; i < 100 && app.lab.latest.steps < 3; i++) app.lab.host->work(20), lab_update(app.lab);
  ASSERT_EQ(app.lab.latest.steps, 3);
  const uint64_t version = app.lab.model_version;
  for (Discard d : {Discard::reset, Discard::fresh, Discard::shipped, Discard::load, Discard::dataset,
                    Discard::shape, Discard::lesson}) {
    PendingDiscard p{d};
    p.dataset = DatasetKind::fashion;
    p.shape = app.lab.model->shape;
    p.lesson = "latent=2";
    EXPECT_TRUE(app_would_discard(app, d)) << kDiscardNames[int(d)];
    EXPECT_EQ(app_ask(app, p), "");
    EXPECT_EQ(app.question.action, d); // asked, not done
    app.lab.host->work(5), lab_update(app.lab);
    EXPECT_EQ(app.lab.model_version, version) << kDiscardNames[int(d)];
    EXPECT_EQ(app.lab.dataset, DatasetKind::mnist);
    EXPECT_NE(app_state_json(app).find(std::string("\"question\":\"") + kDiscardNames[int(d)] + "\""),
              std::string::npos);
    app.question = PendingDiscard{};
  }
  PendingDiscard lesson{Discard::lesson};
  lesson.lesson = "latent=2";
  EXPECT_EQ(app_do(app, lesson), ""); // the answer "Open the lesson"
  lab_update(app.lab);
  EXPECT_EQ(app.lab.model->shape.latent_dim, 2);
}

// The loss plot draws validation where it was measured: the first epoch's early passes (steps
// 20, 100, 300) lie between epoch 0 and epoch 1 on the line, not only as dots beside a straight
// line from 0 to 1.
TEST(LossPlot, ValidationIsDrawnThroughEveryPassWhereItWasMeasured) {
  App app = make_app();
  Dataset train = striped_set(400 * 8, 3); // 400 steps of 8 an epoch
  Dataset test = train;
  test.count = 64, test.images.resize(size_t(64) * kPixels), test.labels.resize(64);
  lab_set_dataset(app.lab, true, train);
  lab_set_dataset(app.lab, false, test);
  ASSERT_EQ(app_set(app, "batch", 8), "");
  ASSERT_EQ(app_set(app, "epochs", 1), "");
  lab_update(app.lab);
  lab_start(app.lab);
  for (int i = 0; i < 4000 && !(app.lab.latest.status == RunStatus::finished && lab_settled(app.lab)); i++)
    app.lab.host->work(20), lab_update(app.lab);
  ASSERT_EQ(app.lab.latest.status, RunStatus::finished);
  ASSERT_TRUE(lab_settled(app.lab)); // the last epoch's validation too
  const LossPlotData d = loss_plot_data(app.lab);
  ASSERT_TRUE(d.epochs);
  std::vector<float> xs;
  for (const LossPoint& p : d.val) xs.push_back(p.x);
  // epoch 0 (before training), steps 20, 100 and 300 of 400, epoch 1
  const std::vector<float> expected = {0, 0.05f, 0.25f, 0.75f, 1};
  ASSERT_EQ(xs.size(), expected.size()) << ::testing::PrintToString(xs);
  for (size_t i = 0; i < xs.size(); i++) EXPECT_NEAR(xs[i], expected[i], 1e-4) << i;
  for (const LossPoint& dot : d.dots) { // every dot lies on the line
    bool on = false;
    for (const LossPoint& p : d.val) on = on || (p.x == dot.x && p.y == dot.y);
    EXPECT_TRUE(on) << dot.x;
  }
}

// A log loss axis has ticks below 0.2 (a classroom saw none): 1, 2 and 5 of each decade.
TEST(LossPlot, LogTicksAreDecadesWith2And5) {
  EXPECT_EQ(log_ticks(0.07, 0.7, 6), (std::vector<double>{0.1, 0.2, 0.5}));
  const std::vector<double> t = log_ticks(0.06, 0.45, 6);
  EXPECT_EQ(t, (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(log_ticks(0.001, 10, 4), (std::vector<double>{0.001, 0.01, 0.1, 1, 10})); // the 1s only
  const std::vector<double> narrow = log_ticks(0.081, 0.089, 4); // within a decade: linear steps
  ASSERT_GE(narrow.size(), 2u);
  EXPECT_GE(narrow.front(), 0.081);
  EXPECT_LE(narrow.back(), 0.089);
}

TEST(AppData, ExcludedClassesAreATextSettingAndALessonKey) {
  App app = make_app();
  uint32_t classes = 0;
  EXPECT_EQ(parse_excluded("3,7", &classes), "");
  EXPECT_EQ(classes, (1u << 3) | (1u << 7));
  EXPECT_EQ(excluded_text(classes), "3,7");
  EXPECT_EQ(parse_excluded("none", &classes), "");
  EXPECT_EQ(classes, 0u);
  EXPECT_EQ(parse_excluded("0,1,2,3,4,5,6,7,8,9", &classes),
            "exclude = '0,1,2,3,4,5,6,7,8,9': leaving out all ten classes leaves nothing to train on");
  EXPECT_EQ(
      parse_excluded("7,x", &classes),
      "exclude = '7,x': expected class labels from 0 to 31 separated by commas ('7', '3,5'), or 'none'");
  EXPECT_EQ(app_set_text(app, "exclude", "7"), "");
  EXPECT_EQ(lab_config(app.lab).excluded_classes, 1u << 7);
  const std::string link = app_lesson_link(app);
  EXPECT_NE(link.find("&exclude=7"), std::string::npos) << link;
  App other = make_app();
  const LessonResult r = app_apply_lesson(other, "exclude=7&dataset=fashion");
  EXPECT_TRUE(r.notices.empty()) << r.notices[0];
  EXPECT_EQ(lab_config(other.lab).excluded_classes, 1u << 7);
  EXPECT_EQ(other.lab.dataset, DatasetKind::fashion);
  EXPECT_NE(app_lesson_link(other).find("&dataset=fashion"), std::string::npos);
}

TEST(Lesson, AppliesSettingsShapeViewPanelsAndHiddenControls) {
  App app = make_app();
  const LessonResult r = app_apply_lesson(
      app, "#latent=2&hidden=64&lr=0.003&batch=128&epochs=7&loss=mse&optimizer=sgd&seed=5&view=grid"
           "&panels=draw,views&lr_hide=1&reset_hide=1&title=Lesson+1%3A+a+bottleneck&note=Train%20it");
  EXPECT_TRUE(r.unknown.empty());
  EXPECT_TRUE(r.notices.empty()) << r.notices[0];
  lab_update(app.lab);
  EXPECT_EQ(app.lab.model->shape.latent_dim, 2);
  EXPECT_EQ(app.lab.model->shape.hidden_dim, 64);
  EXPECT_FLOAT_EQ(lab_config(app.lab).optimizer.learning_rate, 0.003f);
  EXPECT_EQ(lab_config(app.lab).batch_size, 128);
  EXPECT_EQ(lab_config(app.lab).epochs, 7);
  EXPECT_EQ(lab_config(app.lab).loss, LossKind::mse);
  EXPECT_EQ(lab_config(app.lab).optimizer.kind, OptimizerKind::sgd);
  EXPECT_EQ(lab_config(app.lab).seed, 5u);
  EXPECT_EQ(app.views.view, View::grid);
  EXPECT_TRUE(app_panel_shown(app, Panel::draw));
  EXPECT_FALSE(app_panel_shown(app, Panel::train));
  EXPECT_EQ(app_hidden_controls(app), (std::vector<std::string>{"lr", "reset"}));
  EXPECT_EQ(app.lesson.title, "Lesson 1: a bottleneck");
  EXPECT_EQ(app.lesson.note, "Train it");
}

TEST(Lesson, TheLinkOfALabOpensAsTheSameLab) {
  App a = make_app();
  app_apply_lesson(a, "latent=3&lr=0.002&seed=9&view=traverse&panels=draw,latent,views&step_hide=1"
                      "&title=Caf%C3%A9+%26+co&note=a%3Db");
  lab_update(a.lab); // the new model's shape is the lab's once the run has made it
  const std::string link = app_lesson_link(a);
  App b = make_app();
  const LessonResult r = app_apply_lesson(b, link);
  EXPECT_TRUE(r.unknown.empty() && r.notices.empty()) << link;
  lab_update(b.lab);
  EXPECT_EQ(app_lesson_link(b), link);
  EXPECT_EQ(b.lesson.title, "Caf\xC3\xA9 & co");
  EXPECT_EQ(b.lesson.note, "a=b");
  EXPECT_EQ(b.lab.model->shape.latent_dim, 3);
  EXPECT_EQ(lab_config(b.lab).seed, 9u);
  EXPECT_EQ(b.views.view, View::traverse);
}

// A lesson carries a trained model: "the model as it is now" names a float16 file of the weights
// (the Share window downloads it), and a link with model=FILE opens those weights in a new lab.
// A missing or broken file gives a notice and the shipped model.
TEST(Lesson, ALinkCarriesATrainedModelAsAFileItNames) {
  std::map<std::string, std::vector<uint8_t>> served; // what the "server" has
  std::vector<std::string> asked;
  auto make = [&](App& app) {
    Platform p;
    p.fetch_model = [&](const std::string& name) { asked.push_back(name); };
    app_init(app, p, make_frames_host());
    aelab::Run donor;
    run_init(donor);
    Command save;
    save.kind = Command::Kind::save;
    run_apply(donor, save);
    ASSERT_EQ(lab_set_shipped_model(app.lab, *donor.saved, "shipped model"), "");
    lab_update(app.lab);
  };
  App teacher;
  make(teacher);
  EXPECT_NE(app_lesson_link(teacher).find("&model=shipped"), std::string::npos);
  const LessonModelFile shipped_file = lesson_model_file(teacher); // the shipped weights as a lesson file
  const Vector shipped_params = teacher.lab.model->params;
  Dataset train = striped_set(64, 5);
  lab_set_dataset(teacher.lab, true, train);
  lab_step(teacher.lab, 2);
  for (int i = 0; i < 100 && teacher.lab.latest.steps < 2; i++)
    teacher.lab.host->work(20), lab_update(teacher.lab);
  for (int i = 0; i < 100 && !lab_has_latest_weights(teacher.lab); i++)
    teacher.lab.host->work(5), lab_update(teacher.lab);
  ASSERT_EQ(teacher.lab.latest.steps, 2);
  ASSERT_FALSE(std::equal(shipped_params.begin(), shipped_params.end(), teacher.lab.model->params.begin()));
  const LessonModelFile file = lesson_model_file(teacher);
  EXPECT_EQ(file.name.size(), std::string("aelab-lesson-12345678.aelab").size()) << file.name;
  EXPECT_NE(file.name, shipped_file.name); // the trained weights, not the ones it started from
  const std::string link = app_lesson_link(teacher);
  EXPECT_NE(link.find("&model=" + file.name), std::string::npos) << link;
  ModelFile read;
  ASSERT_EQ(model_from_bytes(file.bytes.data(), file.bytes.size(), file.name, &read), "");
  EXPECT_TRUE(read.half); // float16, as the shipped model
  served[file.name] = file.bytes;

  App student;
  make(student);
  app_apply_lesson(student, link);
  ASSERT_EQ(asked.back(), file.name);
  EXPECT_EQ(student.lab.model_name, "shipped model"); // until the file arrives
  EXPECT_EQ(app_model_file_arrived(student, file.name, served[file.name].data(), served[file.name].size()),
            "");
  lab_update(student.lab);
  const Vector& w = student.lab.model->params;
  const Vector& want = read.model.params;
  ASSERT_EQ(w.size(), want.size());
  EXPECT_TRUE(std::equal(w.begin(), w.end(), want.begin())); // the same weights, as the file has them
  const Vector& trained = teacher.lab.model->params;         // and those are the teacher's, to float16
  for (size_t i = 0; i < w.size(); i += 97)
    EXPECT_NEAR(w[i], trained[i], 1e-3 * std::fabs(trained[i]) + 1e-7) << i;
  EXPECT_NE(app_lesson_link(student).find("&model=" + file.name), std::string::npos); // its link names it too

  App missing;
  make(missing);
  app_apply_lesson(missing, "model=gone.aelab&latent=32");
  app_model_file_failed(missing, "gone.aelab", "gone.aelab: HTTP 404 Not Found");
  EXPECT_EQ(missing.lab.model_name, "shipped model");
  ASSERT_FALSE(missing.lesson.notices.empty());
  EXPECT_EQ(
      missing.lesson.notices.back(),
      "lesson link: model=gone.aelab: gone.aelab: HTTP 404 Not Found; the lab starts from the shipped model");
  App broken;
  make(broken);
  app_apply_lesson(broken, "model=bad.npz");
  const uint8_t junk[] = {1, 2, 3, 4};
  EXPECT_NE(app_model_file_arrived(broken, "bad.npz", junk, sizeof junk), "");
  EXPECT_EQ(broken.lab.model_name, "shipped model");
  EXPECT_EQ(broken.lesson.notices.size(), 1u);
  const LessonResult bad = app_apply_lesson(broken, "model=notes.txt");
  ASSERT_EQ(bad.notices.size(), 1u);
  EXPECT_EQ(bad.notices[0],
            "lesson link: model=notes.txt: expected 'shipped', 'random' or a .aelab or .npz file");
  EXPECT_EQ(app_set_text(broken, "model", "x y.aelab"),
            "model = 'x y.aelab': expected 'shipped', 'random' or a .aelab or .npz file");
}

// Every control can be hidden by name, the last in the table too (share_hide once read past the
// end of the names), and an unknown *_hide key is ignored like any unknown key.
TEST(Lesson, EveryControlHidesByNameAndUnknownHideKeysAreIgnored) {
  App app = make_app();
  std::string settings;
  for (const char* name : kControlNames)
    settings += std::string(settings.empty() ? "" : "&") + name + "_hide=1";
  LessonResult r = app_apply_lesson(app, settings + "&frob_hide=1");
  ASSERT_EQ(r.unknown, std::vector<std::string>{"frob_hide"});
  EXPECT_EQ(app_hidden_controls(app).size(), size_t(kControlCount));
  for (const char* name : kControlNames)
    EXPECT_NE(app_lesson_link(app).find(std::string(name) + "_hide=1"), std::string::npos) << name;
}

TEST(Lesson, BadValuesGiveANoticeEachAndTheRestStillApplies) {
  App app = make_app();
  const LessonResult r = app_apply_lesson(
      app, "lr=fast&latent=0&view=nosuch&panels=draw,nosuch&loss=l1&seed=3&zoom=2&lr_hide=yes");
  EXPECT_EQ(r.unknown, (std::vector<std::string>{"zoom"}));
  ASSERT_EQ(r.notices.size(), 6u);
  EXPECT_EQ(r.notices[0], "lesson link: lr=fast: expected a number");
  EXPECT_EQ(r.notices[1], "lesson link: latent = 0: expected an integer from 1 to 1024");
  EXPECT_EQ(r.notices[2], "lesson link: view=nosuch: expected map, grid, interpolate, traverse, weights, "
                          "gallery, anomaly, generate, compare or features");
  EXPECT_EQ(r.notices[3].rfind("lesson link: panels=draw,nosuch: expected a list of draw, latent", 0), 0u);
  EXPECT_EQ(r.notices[4], "lesson link: lr_hide=yes: expected 1 or 0");
  EXPECT_EQ(r.notices[5], "lesson link: loss=l1: expected 'bce' or 'mse'");
  EXPECT_EQ(lab_config(app.lab).seed, 3u);        // the good value went in
  EXPECT_EQ(app.lab.model->shape.latent_dim, 32); // the bad ones did not
  EXPECT_EQ(app.lesson.panels, kAllPanels);
  EXPECT_EQ(app.lesson.notices, r.notices); // shown above the panels
}

// ---- the smoke-test script: every line is checked when it is read, with its line number

TEST(Script, ReadsCommandsWithTheirLineNumbers) {
  Script s;
  ASSERT_EQ(parse_script("# a comment\n\nwait 3\ndrag 0 0 1 0.5 # inline\ntrain 20\ncheck trained 20\n"
                         "reset\nload-model m.aelab\ntouch done\nquit\n",
                         "s.txt", &s),
            "");
  ASSERT_EQ(s.commands.size(), 8u);
  EXPECT_EQ(s.commands[0].line, 3);
  EXPECT_EQ(s.commands[0].count, 3);
  EXPECT_EQ(s.commands[1].point, (std::vector<float>{0, 0, 1, 0.5f}));
  EXPECT_EQ(s.commands[2].count, 20);
  EXPECT_EQ(s.commands[4].name, "reset");
  EXPECT_EQ(s.commands[5].path, "m.aelab");
  EXPECT_EQ(s.commands[7].line, 10);
}

TEST(Script, RefusesBadLinesNamingTheFileAndLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"wait -5", "s.txt:2: wait -5: expected the frames to wait, a whole number from 0 to 1000000"},
      {"wait 1e12", "s.txt:2: wait 1e12: expected the frames to wait, a whole number from 0 to 1000000"},
      {"wait", "s.txt:2: wait: expected the frames to wait, a whole number from 0 to 1000000"},
      {"train -100", "s.txt:2: train -100: expected the steps to train, a whole number from 1 to 1000000000"},
      {"touch", "s.txt:2: touch: expected one file name"},
      {"drag 0.5", "s.txt:2: drag: expected x y pairs (0 to 1 across the canvas), found 1 numbers"},
      {"drag 0.5 nan", "s.txt:2: drag: nan: expected a number from 0 to 1"},
      {"check nothing", "s.txt:2: check: expected drawn, trained N, test-set, diverged, map, timeline N, "
                        "lesson K=V&..., dataset NAME, precision fp32|bf16 or auc MIN"},
      {"check precision fp16", "s.txt:2: check precision: expected fp32 or bf16"},
      {"set lr", "s.txt:2: set: expected a name and a number"},
      {"set lr nan", "s.txt:2: set: expected a name and a number"},
      {"start now", "s.txt:2: start: takes no arguments"},
      {"quit now", "s.txt:2: quit: takes no arguments"},
      {"frobnicate", "s.txt:2: unknown command 'frobnicate'"},
      {"view", "s.txt:2: view: expected map, grid, interpolate, traverse, weights, gallery, anomaly, "
               "generate, compare or features"},
      {"scrub -3",
       "s.txt:2: scrub -3: expected the timeline snapshot (or now), a whole number from 0 to 1000000"},
      {"check timeline",
       "s.txt:2: check timeline: expected the least number of snapshots, a whole number from 0 to 1000000"},
  };
  for (const auto& [line, error] : cases) {
    Script s;
    EXPECT_EQ(parse_script(std::string("# first line\n") + line + "\n", "s.txt", &s), error) << line;
  }
}

// ---- the settings table through the app (lab/settings.h)

namespace {

// What state() says of `key`: the text after "key": up to the next ',' or '}' (strings unquoted).
std::string state_value(const std::string& json, const std::string& key) {
  const std::string tag = "\"" + key + "\":";
  const size_t at = json.find(tag);
  if (at == std::string::npos) return "(absent)";
  const size_t from = at + tag.size();
  if (json[from] == '"') return json.substr(from + 1, json.find('"', from + 1) - from - 1);
  return json.substr(from, json.find_first_of(",}", from) - from);
}

// A value of `row` other than the lab's default, valid here (bf16 only where this CPU has it).
std::string other_value(const Setting& row) {
  switch (row.kind) {
  case SettingKind::number: // beta's min + 1 is its default
    return number_text(row.limit.min + (std::string(row.key) == "beta" ? 2 : 1), row.limit.integer);
  case SettingKind::flag:
    return "false"; // preprocess is on by default
  case SettingKind::choice:
    if (std::string(row.key) == "precision" && !precision_problem(Precision::bf16).empty()) return "fp32";
    return row.choices[1];
  case SettingKind::text: {
    const std::string e = row.example; // "'mask:0.3' or 'none'": its first value
    return e.substr(1, e.find('\'', 1) - 1);
  }
  }
  return "";
}

} // namespace

// Every row of the table: set by its key (as aelab.set and the script do), read back from
// state(), written into the lab's lesson link (where links carry it), and opened from that link
// in a new lab, which then has the same value.
TEST(SettingsTable, EveryRowRoundTripsThroughSetStateTheLinkAndANewLab) {
  for (const Setting& row : kSettings) {
    App app = make_app();
    const std::string value = other_value(row);
    if (std::string(row.key) == "filters") { // a conv model's
      ASSERT_EQ(app_set_text(app, "kind", "conv"), "");
    }
    ASSERT_EQ(app_set_text(app, row.key, value), "") << row.key << " = " << value;
    lab_update(app.lab);
    EXPECT_EQ(setting_text(row, app_settings(app)), value) << row.key;
    const std::string state = state_value(app_state_json(app), row.key);
    if (row.kind == SettingKind::number)
      EXPECT_FLOAT_EQ(std::strtof(state.c_str(), nullptr), std::strtof(value.c_str(), nullptr)) << row.key;
    else
      EXPECT_EQ(state, value) << row.key;
    const std::string link = app_lesson_link(app);
    if (row.in_link == InLink::never) {
      EXPECT_EQ(link.find(std::string(row.key) + "="), std::string::npos) << link;
      continue;
    }
    EXPECT_NE(("&" + link).find("&" + std::string(row.key) + "=" + value + "&"), std::string::npos) << link;
    App other = make_app();
    const LessonResult r = app_apply_lesson(other, link);
    EXPECT_TRUE(r.unknown.empty() && r.notices.empty())
        << link << ": " << (r.notices.empty() ? "" : r.notices[0]);
    lab_update(other.lab);
    EXPECT_EQ(setting_text(row, app_settings(other)), value) << row.key << " from " << link;
  }
}

// Every value out of a row's range or choices is refused by aelab.set with what was expected,
// in a lesson link with a notice, and changes nothing.
TEST(SettingsTable, EveryOutOfRangeValueIsRefusedWithItsRange_InTheApiAndInLinks) {
  App app = make_app();
  const std::string before = app_lesson_link(app);
  for (const Setting& row : kSettings) {
    if (row.kind == SettingKind::number) {
      const double v = row.limit.max * 2 + 1;
      EXPECT_EQ(app_set(app, row.key, v), check_limit(row.limit, v)) << row.key;
      EXPECT_NE(check_limit(row.limit, v).find(" from "), std::string::npos);
      if (row.in_link == InLink::never) continue;
      const LessonResult r =
          app_apply_lesson(app, std::string(row.key) + "=" + number_text(v, row.limit.integer));
      ASSERT_EQ(r.notices.size(), 1u) << row.key;
      EXPECT_EQ(r.notices[0].rfind("lesson link: " + std::string(row.key) + " = ", 0), 0u) << r.notices[0];
      EXPECT_NE(r.notices[0].find(" from "), std::string::npos) << r.notices[0];
    } else if (row.kind == SettingKind::choice) {
      EXPECT_NE(app_set_text(app, row.key, "frob").find("expected " + choices_text(row)), std::string::npos);
      if (row.in_link == InLink::never) continue;
      const LessonResult r = app_apply_lesson(app, std::string(row.key) + "=frob");
      ASSERT_EQ(r.notices.size(), 1u) << row.key;
      EXPECT_EQ(r.notices[0].rfind("lesson link: " + std::string(row.key) + "=frob: expected " +
                                       choices_text(row, row.link_choices),
                                   0),
                0u)
          << r.notices[0];
    } else if (row.kind == SettingKind::text) {
      EXPECT_NE(app_set_text(app, row.key, "frob:2"), "") << row.key;
    } else {
      EXPECT_NE(app_set(app, row.key, 2), "") << row.key;
    }
  }
  lab_update(app.lab);
  EXPECT_EQ(app_lesson_link(app), before);
}

// aelab.sample: a VAE's samples from its prior (the same seed, the same pictures), the plain
// model's only once its test codes are there; bad counts and seeds refused.
TEST(Generate, SamplesNeedWhatTheirGaussianComesFrom_AndASeedFixesThem) {
  App app = make_app();
  EXPECT_NE(app_sample_json(app, 4, 1).find("the test set is not loaded yet"), std::string::npos);
  lab_set_dataset(app.lab, false, striped_set(300, 7));
  lab_update(app.lab);
  const std::string ae = app_sample_json(app, 3, 1);
  EXPECT_EQ(ae.rfind("{\"from\":\"fitted\",\"images\":[[", 0), 0u) << ae.substr(0, 80);
  ASSERT_EQ(app_set_text(app, "kind", "vae"), "");
  lab_update(app.lab);
  ASSERT_EQ(app.lab.model->shape.kind, ModelKind::vae);
  const std::string a = app_sample_json(app, 3, 7), b = app_sample_json(app, 3, 7),
                    c = app_sample_json(app, 3, 8);
  EXPECT_EQ(a.rfind("{\"from\":\"prior\"", 0), 0u) << a.substr(0, 80);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::count(a.begin(), a.end(), '['), 4); // the list and 3 pictures
  EXPECT_NE(app_sample_json(app, 0, 1).find("expected n from 1 to 1000"), std::string::npos);
  EXPECT_NE(app_sample_json(app, 2, -1).find("expected a whole number"), std::string::npos);
  EXPECT_NE(app_sample_json(app, 2, 0.5).find("expected a whole number"), std::string::npos);
}

// The AE vs VAE tab's models: each side takes only a latent-2 model of its kind, and says why not.
TEST(Compare, EachSideTakesALatent2ModelOfItsKindOnly) {
  App app = make_app();
  ModelFile vae;
  vae.model = make_autoencoder(ModelShape{784, 16, 2, ModelKind::vae});
  const std::vector<uint8_t> bytes = model_to_bytes(vae);
  app_compare_asset(app, kCompareFiles[0], bytes.data(), bytes.size(), ""); // a VAE on the plain side
  EXPECT_EQ(app.views.compare.side[0].shipped, nullptr);
  EXPECT_EQ(app.views.compare.side[0].status, "compare-ae.aelab: expected a latent-2 plain autoencoder");
  app_compare_asset(app, kCompareFiles[1], bytes.data(), bytes.size(), "");
  ASSERT_NE(app.views.compare.side[1].shipped, nullptr);
  EXPECT_EQ(app.views.compare.side[1].status, "");
  app_compare_asset(app, kCompareFiles[0], nullptr, 0, "HTTP 404");
  EXPECT_EQ(app.views.compare.side[0].status, "compare-ae.aelab: HTTP 404");
  std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + 100);
  app_compare_asset(app, kCompareFiles[1], cut.data(), cut.size(), "");
  EXPECT_NE(app.views.compare.side[1].shipped, nullptr) << "a broken file leaves the model it had";
  EXPECT_NE(app.views.compare.side[1].status.find("truncated"), std::string::npos);
}

// A convolutional model through the settings: kind conv builds it with its filters, its code is
// 4x4 times the last, the input's feature maps are every stage's output, the latent size is
// refused, and the lesson link carries the kind and the filters.
TEST(Conv, KindConvBuildsTheModelWithItsFeatureMapsAndLinks) {
  App app = make_app();
  ASSERT_EQ(app_set_text(app, "kind", "conv"), "");
  ASSERT_EQ(app_set_text(app, "filters", "8,4,2"), "");
  lab_update(app.lab);
  const ModelShape& s = app.lab.model->shape;
  ASSERT_EQ(s.kind, ModelKind::conv);
  EXPECT_EQ(s.latent_dim, 32); // 4x4x2
  std::vector<float> pixels(size_t(kPixels), 0.0f);
  for (int i = 8; i < 20; i++) pixels[size_t(i * 28 + 14)] = 1.0f; // a stroke
  lab_set_input_pixels(app.lab, pixels.data());
  lab_update(app.lab);
  const Input& in = app.lab.input;
  ASSERT_EQ(in.features.size(), size_t(kConvStages));
  const int sizes[kConvStages] = {28 * 28 * 8, 14 * 14 * 8, 14 * 14 * 4, 7 * 7 * 4, 7 * 7 * 2,
                                  4 * 4 * 2,   4 * 4 * 2,   8 * 8 * 2,   8 * 8 * 4, 16 * 16 * 4,
                                  14 * 14 * 8, 28 * 28 * 8, 28 * 28};
  for (int i = 0; i < kConvStages; i++) EXPECT_EQ(in.features[size_t(i)].size(), size_t(sizes[i])) << i;
  ASSERT_EQ(in.code.size(), 32u);
  for (size_t i = 0; i < in.code.size(); i++)
    EXPECT_EQ(in.code[i], in.features[5][i]) << "the code is pool3's";
  for (int p = 0; p < kPixels; p++) ASSERT_FLOAT_EQ(in.recon[p], in.features[12][size_t(p)]) << p;
  const std::string state = app_state_json(app);
  EXPECT_NE(state.find("\"kind\":\"conv\",\"filters\":\"8,4,2\""), std::string::npos) << state.substr(0, 300);
  EXPECT_EQ(app_set_text(app, "latent", "16"),
            "latent: a convolutional model's code is 4x4 times the last of its filters (set filters)");
  // bf16 products are the dense models': refused for a conv model (which trains in float32),
  // and never offered for one
  EXPECT_EQ(app_set_text(app, "precision", "bf16"),
            "precision bf16: the dense models' products only; a convolutional model trains in float32");
  EXPECT_EQ(app_set_text(app, "precision", "fp32"), "");
  const Setting* precision = find_setting("precision");
  ASSERT_NE(precision, nullptr);
  EXPECT_FALSE(precision->offered(app_settings(app)));
  const std::string link = app_lesson_link(app);
  EXPECT_NE(link.find("kind=conv&filters=8,4,2&"), std::string::npos) << link;
  EXPECT_EQ(link.find("latent="), std::string::npos) << link;
  EXPECT_EQ(link.find("hidden="), std::string::npos) << link;
  ASSERT_EQ(app_set_text(app, "kind", "ae"), ""); // back to a dense model: the default code size
  lab_update(app.lab);
  EXPECT_EQ(app.lab.model->shape.latent_dim, 32);
  EXPECT_EQ(app.lab.model->shape.kind, ModelKind::ae);
}
