// The app's logic without a window: aelab.set() refuses values outside the limits table with the
// range in the message (never clamps), state() is well-formed from the start, and the smoke-test
// script refuses a bad line with its line number.
#include <gtest/gtest.h>

#include "app/app.h"
#include "app/script.h"

using namespace aelab;

namespace {

App make_app() {
  App app;
  app_init(app, Platform{}, make_frames_host());
  return app;
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
  EXPECT_EQ(app.lab.config.epochs, default_lab_config().epochs); // nothing was applied
  EXPECT_EQ(app.lab.model->shape.latent_dim, 32);
}

TEST(AppSet, AppliesGoodValues) {
  App app = make_app();
  EXPECT_EQ(app_set(app, "batch", 128), "");
  EXPECT_EQ(app_set(app, "seed", 12), "");
  EXPECT_EQ(app.lab.config.batch_size, 128);
  EXPECT_EQ(app_set(app, "latent", 2), "");
  lab_update(app.lab);
  EXPECT_EQ(app.lab.model->shape.latent_dim, 2);
  EXPECT_EQ(app.lab.run.config.batch_size, 128); // the run applied it (frames host: at once)
}

TEST(AppState, IsOneJsonObjectWithReadyFalseBeforeTheFirstFrame) {
  App app = make_app();
  const std::string json = app_state_json(app);
  EXPECT_EQ(json.rfind("{\"ready\":false,", 0), 0u) << json;
  EXPECT_EQ(json.back(), '}');
  EXPECT_NE(json.find("\"trainingHost\":\"frames\""), std::string::npos);
  EXPECT_NE(json.find("\"valLoss\":null"), std::string::npos);
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
      {"check nothing", "s.txt:2: check: expected drawn, trained N, test-set, diverged, map or timeline N"},
      {"set lr", "s.txt:2: set: expected a name and a number"},
      {"set lr nan", "s.txt:2: set: expected a name and a number"},
      {"start now", "s.txt:2: start: takes no arguments"},
      {"quit now", "s.txt:2: quit: takes no arguments"},
      {"frobnicate", "s.txt:2: unknown command 'frobnicate'"},
      {"view", "s.txt:2: view: expected map, grid, interpolate, traverse, weights or gallery"},
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
