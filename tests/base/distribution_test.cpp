// Oracle: the definitions of mean, SCV and each family's admissible SCV.
#include "kendall/base/distribution.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/base/suggest.hpp"

namespace kendall {
namespace {

using ::testing::HasSubstr;

TEST(ParseDistribution, ReadsTheCompactForms) {
  const auto exp = parse_distribution("exp:10ms");
  EXPECT_EQ(exp.kind, DistributionKind::exponential);
  EXPECT_DOUBLE_EQ(exp.mean, 0.010);
  EXPECT_DOUBLE_EQ(exp.scv, 1.0);
  const auto fixed = parse_distribution("fixed:5ms");
  EXPECT_EQ(fixed.kind, DistributionKind::deterministic);
  EXPECT_DOUBLE_EQ(fixed.scv, 0.0);
  const auto logn = parse_distribution("lognormal:10ms:0.5");
  EXPECT_EQ(logn.kind, DistributionKind::lognormal);
  EXPECT_DOUBLE_EQ(logn.scv, 0.5);
}

TEST(ParseDistribution, ExplainsWhatIsWrong) {
  try {
    parse_distribution("expo:10ms");
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown distribution \"expo\""));
    EXPECT_THAT(e.what(), HasSubstr("did you mean \"exp\""));
  }
  EXPECT_THROW(parse_distribution("lognormal:10ms"), InputError);
  EXPECT_THROW(parse_distribution("hyperexp:10ms:0.5"), InputError);
  EXPECT_THROW(parse_distribution("10ms"), InputError);
}

TEST(Distribution, EmpiricalMomentsMatchHandComputedValues) {
  // samples 1,2,3,4: mean 2.5, population variance 1.25, scv 1.25/6.25 = 0.2
  const auto d = Distribution::empirical({4.0, 1.0, 3.0, 2.0});
  EXPECT_DOUBLE_EQ(d.mean, 2.5);
  EXPECT_DOUBLE_EQ(d.scv, 0.2);
  EXPECT_DOUBLE_EQ(d.samples.front(), 1.0);
  EXPECT_DOUBLE_EQ(d.second_moment(), 7.5);  // E[X^2] = (1+4+9+16)/4
}

TEST(Distribution, FromMomentsChoosesTheFamilyBySCV) {
  EXPECT_EQ(Distribution::from_moments(1, 0).kind, DistributionKind::deterministic);
  EXPECT_EQ(Distribution::from_moments(1, 1).kind, DistributionKind::exponential);
  EXPECT_EQ(Distribution::from_moments(1, 0.3).kind, DistributionKind::gamma);
  EXPECT_EQ(Distribution::from_moments(1, 3).kind, DistributionKind::hyperexponential);
}

TEST(Suggest, FindsCloseWordsOnly) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("raed", "read"), 1u);
  EXPECT_EQ(closest_match("replcas", {"replicas", "workers"}), "replicas");
  EXPECT_FALSE(closest_match("zzzzzz", {"replicas", "workers"}).has_value());
}

}  // namespace
}  // namespace kendall
