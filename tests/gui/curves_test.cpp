// The what-if curves are model::analyze at each load (oracle: analyze itself at the same
// inputs, and flow balance / monotonicity as laws).
#include "kendall/gui/curves.hpp"

#include <gtest/gtest.h>

namespace kendall::gui {
namespace {

const std::string example = std::string(KENDALL_SOURCE_DIR) + "/examples/user-services.yaml";
const std::string closed_example = std::string(KENDALL_SOURCE_DIR) + "/examples/login-closed.yaml";

TEST(Curves, OperatingPointIsTheModelAtThatLoad) {
  const model::System system = model::load_system(example);
  const Curves curves = compute_curves(system, 1.3);
  model::AnalysisOptions options;
  options.rate_scale = 1.3;
  const model::SystemResult expected = model::analyze(system, options);
  EXPECT_DOUBLE_EQ(curves.load_now, 260);
  for (std::size_t i = 0; i < system.classes.size(); ++i) {
    ASSERT_TRUE(curves.classes[i].now_p95);
    EXPECT_DOUBLE_EQ(curves.classes[i].now_p95->y,
                     expected.classes[i].response_time_percentiles->p95);
    EXPECT_DOUBLE_EQ(curves.classes[i].now_mean->y, *expected.classes[i].mean_response_time);
  }
  EXPECT_EQ(curves.services.size(), 2u);
  EXPECT_DOUBLE_EQ(curves.services[1].utilization, expected.services[1].utilization);
}

TEST(Curves, OpenCurvesRunToSaturationAndLatencyGrowsWithLoad) {
  const model::System system = model::load_system(example);
  const Curves curves = compute_curves(system, 1.0);
  ASSERT_TRUE(curves.now.saturation_rate);
  EXPECT_DOUBLE_EQ(curves.load_max, *curves.now.saturation_rate);
  for (const auto& c : curves.classes) {
    ASSERT_GE(c.p95.size(), 10u);
    ASSERT_GE(c.mean.size(), 50u);
    EXPECT_LT(c.mean.back().x, curves.load_max);
    for (std::size_t k = 1; k < c.p95.size(); ++k)
      EXPECT_GE(c.p95[k].y, c.p95[k - 1].y - 1e-12) << c.name << " at " << c.p95[k].x;
  }
  // Flow balance: below saturation, with a 100-request queue limit, almost nothing is rejected.
  for (const auto& p : curves.throughput)
    EXPECT_NEAR(p.y, p.x, 1e-3 * p.x);
}

TEST(Curves, AGridPointIsTheModelAtItsLoad) {
  const model::System system = model::load_system(example);
  const Curves curves = compute_curves(system, 1.0);
  const Point p = curves.classes[1].p95[5];
  model::AnalysisOptions options;
  options.rate_scale = p.x / 200.0;
  EXPECT_DOUBLE_EQ(p.y, model::analyze(system, options).classes[1].response_time_percentiles->p95);
}

TEST(Curves, ClosedThroughputFlattensAtTheBottleneck) {
  const model::System system = model::load_system(closed_example);
  const Curves curves = compute_curves(system, 1.0);
  EXPECT_EQ(curves.workload, model::WorkloadType::closed);
  EXPECT_DOUBLE_EQ(curves.load_now, 150);
  // Bottleneck law: X <= servers / D_max = 8 / (0.9 x 25 ms) = 355.6 requests/s.
  const double bound = 8 / (0.9 * 0.025);
  ASSERT_FALSE(curves.throughput.empty());
  for (const auto& p : curves.throughput)
    EXPECT_LE(p.y, bound * (1 + 1e-9));
  EXPECT_GT(curves.throughput.back().y, 0.95 * bound);  // the axis reaches past the knee
}

TEST(Curves, HeadroomIsMeasuredAgainstTheCap) {
  EXPECT_EQ(headroom_of(0.5, 0.8), Headroom::ample);
  EXPECT_EQ(headroom_of(0.61, 0.8), Headroom::tight);
  EXPECT_EQ(headroom_of(0.8, 0.8), Headroom::over);
}

TEST(Curves, UpdatingTheOperatingPointKeepsTheCurves) {
  const model::System system = model::load_system(example);
  Curves curves = compute_curves(system, 1.0);
  const auto before = curves.classes[0].p95.size();
  update_operating_point(curves, system, 1.5);
  EXPECT_DOUBLE_EQ(curves.load_now, 300);
  EXPECT_EQ(curves.classes[0].p95.size(), before);
  EXPECT_TRUE(covers(curves));
}

}  // namespace
}  // namespace kendall::gui
