// Oracle: the unit definitions themselves (SI prefixes, IEC binary prefixes, Kubernetes CPU).
#include "kendall/base/duration.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"

namespace kendall {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ParseDuration, ReadsEveryUnitAndBareSeconds) {
  EXPECT_DOUBLE_EQ(parse_duration("20ms"), 0.020);
  EXPECT_DOUBLE_EQ(parse_duration("0.02s"), 0.020);
  EXPECT_DOUBLE_EQ(parse_duration("0.02"), 0.020);
  EXPECT_DOUBLE_EQ(parse_duration("250us"), 250e-6);
  EXPECT_DOUBLE_EQ(parse_duration("15ns"), 15e-9);
  EXPECT_DOUBLE_EQ(parse_duration("1.5min"), 90.0);
  EXPECT_DOUBLE_EQ(parse_duration("2h"), 7200.0);
  EXPECT_DOUBLE_EQ(parse_duration(" 10 ms "), 0.010);
}

TEST(ParseDuration, UnknownUnitSuggestsTheClosestOne) {
  const std::string message = error_of([] { parse_duration("20mss"); });
  EXPECT_THAT(message, HasSubstr("unknown unit \"mss\""));
  EXPECT_THAT(message, HasSubstr("did you mean \"ms\""));
}

TEST(ParseDuration, RejectsNegativeAndNonNumbers) {
  EXPECT_THAT(error_of([] { parse_duration("-5ms"); }), HasSubstr("negative"));
  EXPECT_THAT(error_of([] { parse_duration("fast"); }), HasSubstr("is not a duration"));
  EXPECT_THAT(error_of([] { parse_duration(""); }), HasSubstr("is not a duration"));
}

TEST(ParseSize, ReadsBinaryAndDecimalUnits) {
  EXPECT_DOUBLE_EQ(parse_size("256Mi"), 256.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_size("64KiB"), 65536.0);
  EXPECT_DOUBLE_EQ(parse_size("1GB"), 1e9);
  EXPECT_DOUBLE_EQ(parse_size("100"), 100.0);
}

TEST(ParseCpu, ReadsMillicoresAndCores) {
  EXPECT_DOUBLE_EQ(parse_cpu("500m"), 0.5);
  EXPECT_DOUBLE_EQ(parse_cpu("2"), 2.0);
  EXPECT_THAT(error_of([] { parse_cpu("2cores"); }), HasSubstr("unknown unit"));
}

TEST(FormatDuration, PicksAReadableUnit) {
  EXPECT_EQ(format_duration(0.0123), "12.3 ms");
  EXPECT_EQ(format_duration(2.5e-6), "2.5 us");
  EXPECT_EQ(format_duration(1.5), "1.5 s");
}

}  // namespace
}  // namespace kendall
