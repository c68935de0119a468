#pragma once
/// A server whose speed wanders: the wait when service times come in runs of slow and fast jobs
/// (a shared machine that is slower for a fraction of a second at a time). The runs are fitted
/// to the service times' index of dispersion, and the queue's work is a reflected Brownian motion
/// whose drift and variance follow the server's speed (docs/model.md, "Correlated service times").

#include <optional>
#include <span>
#include <vector>

#include "kendall/model/dispersion.hpp"

namespace kendall::model {

/// One time scale of the speed's wandering: the service time is multiplied by a slowness factor
/// with mean 1 and this variance, redrawn on average once every `jobs` jobs (so consecutive
/// slownesses are correlated as (1 - 1/jobs)^lag). Its share of the slowness has this skewness:
/// 0 is a normal spread; positive, slow spells rarer and deeper than fast ones (a shifted
/// lognormal, SkewedUnit).
struct SpeedRuns {
  double variance = 0;
  double jobs = 1;
  double skewness = 0;
};

/// Service times S = X · (1 + Σ x_i): X independent with SCV `job_scv`, each x_i one SpeedRuns.
struct SpeedModel {
  double job_scv = 0;
  std::vector<SpeedRuns> runs;  ///< none, one or two time scales
};

/// I_s(m) of a SpeedModel: c_s² + Σ 2 v_i Σ_{k<m} (1 - k/m) φ_i^k, φ_i = 1 - 1/jobs_i, where
/// c_s² = job_scv (1 + v) + v is the service times' own SCV (v = Σ v_i).
double dispersion_of(const SpeedModel& model, double jobs);

/// The shortest run fitted, in jobs: a run of fewer is each job's own variability.
inline constexpr double kShortestRunJobs = 2;

/// The SpeedModel whose dispersion fits the measured points best (least squares on relative
/// error, with the service times' own SCV held at service_scv), with no run shorter than
/// kShortestRunJobs or longer than the last measured block: beyond what was measured nothing is
/// assumed. A flat curve gives no runs.
/// Where the points carry skew indices, each scale's skewness is then fitted to them (least
/// squares weighted by their sampling error, kept only when it earns its parameter).
SpeedModel fit_speed_runs(std::span<const DispersionPoint> points, double service_scv);

/// The largest skewness a time scale is given: a measured third cumulant beyond it is noise or a
/// tail twelve discrete speeds cannot carry (the slowness measured on a shared VM had 1.4).
inline constexpr double kMaxRunSkewness = 3;

/// A standardised variable (mean 0, variance 1) with a given skewness, as a function of a
/// standard normal z: (e^{σz} − E e^{σZ}) / sd(e^{σZ}), a shifted lognormal, with σ such that
/// its skewness is |skewness|, mirrored when the skewness is negative; z itself at 0.
class SkewedUnit {
 public:
  explicit SkewedUnit(double skewness);
  double operator()(double standard_normal) const;

 private:
  double sigma_ = 0;
  double sign_ = 1;
  double mean_ = 0;
  double sd_ = 1;
};

/// The first three moments of the stationary level of a Brownian motion reflected at 0 whose
/// drift and variance per unit time are those of the state of a Markov chain: `generator` is its
/// K×K generator, row-major (rows sum to 0), `weights` its stationary distribution. Solved by the
/// spectral method (the K eigenvalues with negative real part of φ(½z²Σ − zD + Q) = 0, and
/// F(0) = 0). Nothing when the mean drift is not negative or the spectrum is not what a stable
/// queue has.
struct LevelMoments {
  double mean = 0;
  double mean_square = 0;
  double mean_cube = 0;
};
std::optional<LevelMoments> modulated_brownian_level(std::span<const double> weights,
                                                     std::span<const double> drifts,
                                                     std::span<const double> variances,
                                                     std::span<const double> generator);

/// The wait of a G/G/c queue whose service times follow `speed`, relative to M/M/c's.
struct SpeedRunsWait {
  /// The mean wait over M/M/c's C(c, a) E[S] / (c - a): Allen–Cunneen's (c_a² + c_x²)/2 for the
  /// jobs' own variability plus the extra wait of the wandering speed (the modulated Brownian
  /// motion's mean minus that of the same motion at constant speed).
  double factor = 0;
  /// The SCV of the wait given that it waits: the modulated motion's (1, exponential, when the
  /// speed is constant; more when runs of slow jobs make some waits very long).
  double shape_scv = 1;
  /// And its third moment over the mean cubed (6 for an exponential): with shape_scv, the tail a
  /// three-moment hyperexponential carries (0: not known).
  double shape_third = 0;
};
/// `erlang_c` is C(c, a) at this utilization.
SpeedRunsWait speed_runs_wait(double utilization, double arrival_scv, double erlang_c,
                              const SpeedModel& speed);

}  // namespace kendall::model
