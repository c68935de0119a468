#pragma once
// The slowness of a server whose speed wanders in runs (model/speed_runs.hpp): the simulator's
// side of a service_dispersion. Not installed.

#include <cmath>
#include <vector>

#include "kendall/base/sampler.hpp"
#include "kendall/model/speed_runs.hpp"

namespace kendall::sim::detail {

/// Each time scale of the model holds a share of the slowness, drawn with the scale's variance
/// and skewness (a normal, or a shifted lognormal when skewed: model::SkewedUnit) and redrawn with
/// probability 1/jobs before each job, so consecutive jobs' shares are correlated as
/// (1 - 1/jobs)^lag; the slowness is 1 plus the shares (at least 0.05, as in the analytic model).
class WanderingSpeed {
 public:
  WanderingSpeed(const model::SpeedModel& model, Rng& rng) {
    for (const model::SpeedRuns& runs : model.runs) {
      Scale scale{std::sqrt(runs.variance), 1 / runs.jobs, model::SkewedUnit(runs.skewness), 0};
      scale.share = scale.draw(rng);
      scales_.push_back(scale);
    }
  }

  /// The slowness of the next job.
  double next(Rng& rng) {
    double slowness = 1;
    for (Scale& scale : scales_) {
      if (rng.uniform() < scale.redraw_probability)
        scale.share = scale.draw(rng);
      slowness += scale.share;
    }
    return slowness < 0.05 ? 0.05 : slowness;
  }

 private:
  struct Scale {
    double sd;
    double redraw_probability;
    model::SkewedUnit unit;
    double share;

    double draw(Rng& rng) const { return sd * unit(rng.standard_normal()); }
  };
  std::vector<Scale> scales_;
};

}  // namespace kendall::sim::detail
