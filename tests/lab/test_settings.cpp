// The settings table on its own (no app, no ImGui): every row's text reads back as the same
// value, every value out of a row's range or choices is refused with what was expected and leaves
// the settings as they were, and the rows are well formed (unique keys, examples that parse).
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/gemm.h"
#include "core/gemm_bf16_kernel.h"
#include "lab/settings.h"

using namespace aelab;

namespace {

// All of a Settings value as the table writes it, to compare two.
std::string all_text(const Settings& s) {
  std::string out;
  for (const Setting& row : kSettings) out += std::string(row.key) + "=" + setting_text(row, s) + "&";
  return out;
}

// The first value a text row's example names: "'mask:0.3' or 'none'" -> "mask:0.3".
std::string example_value(const Setting& row) {
  const std::string e = row.example;
  const size_t a = e.find('\''), b = e.find('\'', a + 1);
  return e.substr(a + 1, b - a - 1);
}

// Values out of a number row's range: below, above, not finite, and fractional where whole.
std::vector<double> out_of_range(const Limit& limit) {
  std::vector<double> v = {limit.min > 0 ? limit.min / 2 : limit.min - 1, limit.max * 2 + 1, std::nan(""),
                           INFINITY};
  if (limit.integer) v.push_back(limit.min + 0.5);
  return v;
}

} // namespace

TEST(Settings, RowsHaveUniqueKeysAndWhatTheirKindNeeds) {
  std::set<std::string> keys;
  for (const Setting& row : kSettings) {
    EXPECT_TRUE(keys.insert(row.key).second) << row.key;
    EXPECT_EQ(find_setting(row.key), &row) << row.key;
    EXPECT_NE(row.tooltip, nullptr) << row.key;
    EXPECT_TRUE(row.hide >= -1 && row.hide < kControlCount) << row.key;
    switch (row.kind) {
    case SettingKind::number:
      EXPECT_STREQ(row.limit.name, row.key);
      [[fallthrough]];
    case SettingKind::flag:
      EXPECT_TRUE(row.get && row.set) << row.key;
      break;
    case SettingKind::choice:
      EXPECT_TRUE(row.get && row.set && row.choices[0] && row.choices[1]) << row.key;
      EXPECT_GE(row.link_choices, 1) << row.key;
      break;
    case SettingKind::text:
      EXPECT_TRUE(row.text && row.parse && row.example) << row.key;
      break;
    }
    if (row.alias) {
      EXPECT_EQ(find_setting(row.alias), &row) << row.alias;
    }
  }
  EXPECT_EQ(find_setting("frob"), nullptr);
  EXPECT_EQ(find_setting("excludeClasses"), find_setting("exclude"));
}

TEST(Settings, EveryRowsTextReadsBackAsTheSameValue) {
  Settings s;
  for (const Setting& row : kSettings) {
    Settings back = s;
    EXPECT_EQ(setting_set_text(row, setting_text(row, s), &back), "") << row.key;
    EXPECT_EQ(all_text(back), all_text(s)) << row.key;
  }
  // and a value other than the default, for each row
  for (const Setting& row : kSettings) {
    Settings changed = s;
    std::string text;
    switch (row.kind) {
    case SettingKind::number:
      text = number_text(row.limit.min + (row.get(s) == row.limit.min + 1 ? 2 : 1), row.limit.integer);
      break;
    case SettingKind::flag:
      text = row.get(s) != 0 ? "false" : "true";
      break;
    case SettingKind::choice:
      text = row.choices[1];
      break;
    case SettingKind::text:
      text = example_value(row);
      break;
    }
    ASSERT_EQ(setting_set_text(row, text, &changed), "") << row.key << " = " << text;
    EXPECT_EQ(setting_text(row, changed), text) << row.key;
    EXPECT_NE(setting_text(row, changed), setting_text(row, s))
        << row.key << ": " << text << " is the default";
    Settings again = s;
    EXPECT_EQ(setting_set_text(row, setting_text(row, changed), &again), "") << row.key;
    EXPECT_EQ(all_text(again), all_text(changed)) << row.key;
  }
}

TEST(Settings, ValuesOutOfRangeAreRefusedWithWhatWasExpected_AndChangeNothing) {
  const Settings s;
  for (const Setting& row : kSettings) {
    Settings t = s;
    switch (row.kind) {
    case SettingKind::number:
      for (double v : out_of_range(row.limit)) {
        const std::string error = setting_set_number(row, v, &t);
        EXPECT_EQ(error, check_limit(row.limit, v)) << row.key << " = " << v;
        EXPECT_NE(error.find(std::string(row.key) + " = "), std::string::npos) << error;
        EXPECT_NE(error.find(" from "), std::string::npos) << error;
      }
      EXPECT_EQ(setting_set_text(row, "12abc", &t), std::string(row.key) + " = '12abc': expected a number");
      break;
    case SettingKind::flag:
      EXPECT_EQ(setting_set_number(row, 2, &t), std::string(row.key) + " = 2: expected true or false");
      EXPECT_EQ(setting_set_text(row, "yes", &t), std::string(row.key) + " = 'yes': expected true or false");
      break;
    case SettingKind::choice: {
      int count = 0;
      while (count < int(row.choices.size()) && row.choices[count]) count++;
      for (double v : {double(count), -1.0, 0.5, double(NAN)}) {
        const std::string error = setting_set_number(row, v, &t);
        EXPECT_NE(error.find(": expected " + choices_text(row)), std::string::npos)
            << row.key << " " << error;
      }
      EXPECT_EQ(setting_set_text(row, "frob", &t),
                std::string(row.key) + " = 'frob': expected " + choices_text(row));
      break;
    }
    case SettingKind::text:
      EXPECT_NE(setting_set_text(row, "frob:2", &t), "") << row.key;
      EXPECT_NE(setting_set_number(row, 1, &t).find("expected a text such as"), std::string::npos) << row.key;
      break;
    }
    EXPECT_EQ(all_text(t), all_text(s)) << row.key << " changed on a refused value";
  }
}

TEST(Settings, ChoicesAndKeysAreListedAsMessagesSayThem) {
  EXPECT_EQ(choices_text(*find_setting("loss")), "'bce' or 'mse'");
  EXPECT_EQ(choices_text(*find_setting("dataset")), "'mnist', 'fashion' or 'custom'");
  EXPECT_EQ(choices_text(*find_setting("dataset"), 2), "'mnist' or 'fashion'");
  EXPECT_EQ(setting_keys([](const Setting& r) { return r.kind == SettingKind::choice; }),
            "kind, loss, optimizer, precision or dataset");
  EXPECT_EQ(number_text(0.002f, false), "0.002");
  EXPECT_EQ(number_text(9007199254740991.0, true), "9007199254740991");
}

// bf16 products are offered only where the CPU has them and the start-up timing did not find
// them slower (issue 26: Intel's AVX512-BF16 alone is slower than fp32); a model already set to
// bf16 keeps the row, so that it can be set back.
TEST(Settings, Bf16IsNotOfferedWhereItIsNotFaster) {
#ifdef __EMSCRIPTEN__
  GTEST_SKIP() << "WebAssembly has no bf16 products";
#else
  if (!precision_problem(Precision::bf16).empty()) GTEST_SKIP() << precision_problem(Precision::bf16);
  const Setting* row = find_setting("precision");
  ASSERT_TRUE(row && row->offered);
  Settings s;
  EXPECT_TRUE(row->offered(s)) << "a dense model on a CPU with bf16 that is faster";
  gemm_detail::bf16_set_note("not faster on this CPU: a step's products take 2.00 ms at bf16 (avx512-bf16) "
                             "and 1.00 ms at fp32");
  EXPECT_FALSE(row->offered(s)) << "offered where bf16 is not faster";
  s.config.precision = Precision::bf16;
  EXPECT_TRUE(row->offered(s)) << "a model set to bf16 must be able to go back to fp32";
  gemm_detail::bf16_set_note("");
#endif
}
