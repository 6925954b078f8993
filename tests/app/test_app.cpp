// The app's logic without a window: aelab.set() refuses values outside the limits table with the
// range in the message (never clamps), and state() is well-formed from the start.
#include <gtest/gtest.h>

#include "app/app.h"

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
