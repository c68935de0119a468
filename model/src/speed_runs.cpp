#include "kendall/model/speed_runs.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <initializer_list>
#include <limits>

#include <Eigen/Dense>
#include <boost/math/distributions/normal.hpp>

namespace kendall::model {
namespace {

/// Σ_{k=1}^{m-1} (1 - k/m) φ^k in closed form, φ = 1 - 1/jobs.
double run_correlation_sum(double run_jobs, double m) {
  if (run_jobs <= 1 || m <= 1)
    return 0;
  const double phi = 1 - 1 / run_jobs;
  const double one_minus = 1 / run_jobs;
  return phi / one_minus - phi * (1 - std::pow(phi, m)) / (m * one_minus * one_minus);
}

struct Fit {
  double residual = std::numeric_limits<double>::infinity();
  SpeedModel model;
};

/// Weighted least squares of I(m) - c_s² = Σ_i v_i · 2 S(L_i, m) for fixed run lengths L_i
/// (c_s², the service times' own SCV, is measured over every job, so it is held fixed);
/// nothing when a variance comes out negative or the runs' variance exceeds c_s².
std::optional<Fit> fit_fixed_lengths(std::span<const DispersionPoint> points, double service_scv,
                                     std::span<const double> lengths) {
  const auto n = static_cast<Eigen::Index>(lengths.size());
  const auto row_at = [&](double jobs) {
    Eigen::VectorXd row(n);
    for (Eigen::Index i = 0; i < n; ++i)
      row(i) = 2 * run_correlation_sum(lengths[static_cast<std::size_t>(i)], jobs);
    return row;
  };
  const auto weight_at = [](double index) { return 1 / std::max(index * index, 1e-12); };
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  if (n > 0) {
    Eigen::MatrixXd normal = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n);
    for (const DispersionPoint& p : points) {
      const Eigen::VectorXd row = row_at(p.jobs);
      normal += weight_at(p.index) * row * row.transpose();
      rhs += weight_at(p.index) * (p.index - service_scv) * row;
    }
    x = normal.ldlt().solve(rhs);
    if (!x.allFinite() || (x.array() < 0).any() || x.sum() > service_scv)
      return std::nullopt;
  }
  Fit fit;
  fit.residual = 0;
  for (const DispersionPoint& p : points) {
    const double error = service_scv + (n > 0 ? row_at(p.jobs).dot(x) : 0.0) - p.index;
    fit.residual += weight_at(p.index) * error * error;
  }
  const double run_variance = x.sum();
  fit.model.job_scv = (service_scv - run_variance) / (1 + run_variance);
  for (Eigen::Index i = 0; i < n; ++i)
    if (x(i) > 0)
      fit.model.runs.push_back({x(i), lengths[static_cast<std::size_t>(i)]});
  return fit;
}

/// Σ_{d=1}^{m-1} (m - d) φ^d and Σ_{d=1}^{m-1} (m - d) d φ^d: how many pairs and triples of
/// jobs in a block of m share a run (the second and third cumulants of the block's sum).
struct RunOverlap {
  double pairs = 0;
  double spans = 0;
};
RunOverlap run_overlap(double run_jobs, double m) {
  RunOverlap overlap;
  if (run_jobs <= 1)
    return overlap;
  const double phi = 1 - 1 / run_jobs;
  double power = 1;
  for (double d = 1; d < m; ++d) {
    power *= phi;
    overlap.pairs += (m - d) * power;
    overlap.spans += (m - d) * d * power;
  }
  return overlap;
}

/// Each scale's skewness from the points' skew indices, the scales' variances and lengths fixed.
/// For S = X(1 + Σx_i) with X independent (mean 1, SCV c²) and x_i redrawn with probability
/// 1/L_i per job, the joint cumulant of three holds spanning d jobs is κ_i φ_i^d when they are
/// distinct, (1 + c²) κ_i φ_i^d + 2c² v_i φ_i^d when two are the same job (κ_i the share's third
/// cumulant). Summed over a block of m (6(d - 1) triples of the first kind per span, 6 of the
/// second):
///   m K(m) = m D + Σ_i κ_i Σ_d (m - d) φ_i^d (6d + 6c²) + Σ_i 12 c² v_i Σ_d (m - d) φ_i^d,
/// D the single hold's third cumulant, free. Weighted least squares: the sample third cumulant
/// of n ∝ 1/m block sums has variance about 6 Var(sum)³ / n, so K(m)'s is ∝ m² I(m)³.
void fit_run_skewness(std::span<const DispersionPoint> points, SpeedModel& model) {
  std::vector<DispersionPoint> measured;
  for (const DispersionPoint& p : points)
    if (p.skew_index && std::isfinite(*p.skew_index) && p.index > 0)
      measured.push_back(p);
  const auto scales = static_cast<Eigen::Index>(model.runs.size());
  if (scales == 0 || static_cast<Eigen::Index>(measured.size()) < scales + 3)
    return;
  const double c2 = model.job_scv;
  const auto rows = static_cast<Eigen::Index>(measured.size());
  Eigen::MatrixXd basis(rows, scales + 1);
  Eigen::VectorXd target(rows), weight(rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const DispersionPoint& p = measured[static_cast<std::size_t>(r)];
    basis(r, 0) = 1;
    double offset = 0;
    for (Eigen::Index i = 0; i < scales; ++i) {
      const SpeedRuns& run = model.runs[static_cast<std::size_t>(i)];
      const RunOverlap overlap = run_overlap(run.jobs, p.jobs);
      basis(r, i + 1) = (6 * overlap.spans + 6 * c2 * overlap.pairs) / p.jobs;
      offset += 12 * c2 * run.variance * overlap.pairs / p.jobs;
    }
    target(r) = *p.skew_index - offset;
    weight(r) = 1 / (p.jobs * p.jobs * p.index * p.index * p.index);
  }
  const auto solve = [&](Eigen::Index columns, Eigen::VectorXd& x) {
    const Eigen::MatrixXd a = basis.leftCols(columns);
    const Eigen::MatrixXd normal = a.transpose() * weight.asDiagonal() * a;
    x = normal.ldlt().solve(a.transpose() * weight.asDiagonal() * target);
    const Eigen::VectorXd error = a * x - target;
    return error.dot(weight.asDiagonal() * error);
  };
  Eigen::VectorXd skewed, flat;
  const double skewed_residual = solve(scales + 1, skewed);
  const double flat_residual = solve(1, flat);
  // Akaike's criterion, one parameter per scale: noise in the cubes is not a skewed run.
  if (!skewed.allFinite() ||
      !(skewed_residual <
        flat_residual * std::exp(-2.0 * static_cast<double>(scales) / static_cast<double>(rows))))
    return;
  for (Eigen::Index i = 0; i < scales; ++i) {
    SpeedRuns& run = model.runs[static_cast<std::size_t>(i)];
    run.skewness =
        std::clamp(skewed(i + 1) / std::pow(run.variance, 1.5), -kMaxRunSkewness, kMaxRunSkewness);
  }
}

/// e^{σZ}'s skewness for a standard normal Z.
double lognormal_skewness(double sigma) {
  const double w = std::exp(sigma * sigma);
  return (w + 2) * std::sqrt(w - 1);
}

/// The σ in [0, high] at which `skewness_at` (increasing) reaches `target`, by bisection.
template <typename SkewnessAt>
double sigma_for(double target, double high, SkewnessAt skewness_at) {
  double low = 0;
  if (skewness_at(high) <= target)
    return high;
  for (int round = 0; round < 60; ++round) {
    const double mid = (low + high) / 2;
    (skewness_at(mid) < target ? low : high) = mid;
  }
  return (low + high) / 2;
}

/// A standardised slowness share discretised to `count` equally likely points: the standard
/// normal's quantile midpoints, through SkewedUnit's transform with σ chosen so that the points
/// themselves (not the continuous law) have the skewness, then scaled to mean 0 and variance 1
/// so the discrete slowness keeps the fitted moments. Equally likely points cannot be skewed
/// beyond (count − 2)/√(count − 1); a larger skewness gets that.
std::vector<double> unit_points(int count, double skewness) {
  std::vector<double> z;
  const boost::math::normal standard;
  for (int q = 0; q < count; ++q)
    z.push_back(boost::math::quantile(standard, (q + 0.5) / count));
  const auto standardised = [&](double sigma) {
    std::vector<double> points = z;
    if (sigma > 0)
      for (double& v : points)
        v = std::exp(sigma * v);
    double mean = 0;
    for (const double v : points)
      mean += v / count;
    double square = 0;
    for (double& v : points) {
      v -= mean;
      square += v * v / count;
    }
    for (double& v : points)
      v /= std::sqrt(square);
    return points;
  };
  const auto skewness_at = [&](double sigma) {
    double third = 0;
    for (const double v : standardised(sigma))
      third += v * v * v / count;
    return third;
  };
  std::vector<double> points =
      standardised(skewness == 0 ? 0.0 : sigma_for(std::abs(skewness), 5.0, skewness_at));
  if (skewness < 0)
    for (double& v : points)
      v = -v;
  return points;
}

/// How many discrete slownesses a time scale gets: twelve for a single scale; of two, seven
/// each, or twelve and four when one scale's variance is at least four times the other's (its
/// shape, skewness above all, matters and the other's hardly does). Up to 49 states either way.
int points_for(const SpeedRuns& scale, std::span<const SpeedRuns> scales) {
  if (scales.size() == 1)
    return 12;
  double other = 0;
  for (const SpeedRuns& s : scales)
    if (&s != &scale)
      other = std::max(other, s.variance);
  if (scale.variance >= 4 * other)
    return 12;
  if (other >= 4 * scale.variance)
    return 4;
  return 7;
}

}  // namespace

SkewedUnit::SkewedUnit(double skewness) {
  if (skewness == 0)
    return;
  sign_ = skewness < 0 ? -1 : 1;
  sigma_ = sigma_for(std::abs(skewness), 2.0, lognormal_skewness);
  const double w = std::exp(sigma_ * sigma_);
  mean_ = std::sqrt(w);
  sd_ = std::sqrt((w - 1) * w);
}

double SkewedUnit::operator()(double standard_normal) const {
  if (sigma_ == 0)
    return standard_normal;
  return sign_ * (std::exp(sigma_ * standard_normal) - mean_) / sd_;
}

double dispersion_of(const SpeedModel& model, double jobs) {
  double variance = 0, correlated = 0;
  for (const SpeedRuns& r : model.runs) {
    variance += r.variance;
    correlated += 2 * r.variance * run_correlation_sum(r.jobs, jobs);
  }
  return model.job_scv * (1 + variance) + variance + correlated;
}

SpeedModel fit_speed_runs(std::span<const DispersionPoint> points, double service_scv) {
  const Fit flat = *fit_fixed_lengths(points, service_scv, {});
  const double longest = points.empty() ? 1 : points.back().jobs;
  if (longest < 2 || !rises_beyond_noise(points, service_scv))
    return flat.model;
  // Run lengths on a log grid from two jobs up to the longest block measured. A shorter run is
  // each job's own variability: it adds to I(m) only 2v(L − 1), so a small rise above c_s²
  // would need a slowness variance near c_s² itself, spread so wide that speeds turn negative,
  // and the wait of such a server came out many times the independent one's.
  constexpr int per_decade = 12;
  const double step = std::log(10.0) / per_decade;
  const double shortest = std::log(kShortestRunJobs);
  std::vector<double> grid;
  for (double log_length = shortest; log_length <= std::log(longest) + 1e-12; log_length += step)
    grid.push_back(std::exp(log_length));
  const auto fit_lengths = [&](std::initializer_list<double> lengths) {
    return fit_fixed_lengths(points, service_scv, std::vector<double>(lengths));
  };
  Fit one, two;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    if (const auto fit = fit_lengths({grid[i]}); fit && fit->residual < one.residual)
      one = *fit;
    // A second time scale only when there are enough points to tell two apart.
    if (points.size() < 5)
      continue;
    for (std::size_t j = i + 2; j < grid.size(); ++j)
      if (const auto fit = fit_lengths({grid[i], grid[j]}); fit && fit->residual < two.residual)
        two = *fit;
  }
  // Refine the one-scale length between its grid neighbours (golden sections in log length).
  if (one.model.runs.size() == 1) {
    const double centre = std::log(one.model.runs[0].jobs);
    double lo = std::max(centre - step, shortest), hi = std::min(centre + step, std::log(longest));
    const auto residual_at = [&](double log_length) {
      const auto fit = fit_lengths({std::exp(log_length)});
      return fit ? fit->residual : std::numeric_limits<double>::infinity();
    };
    const double golden = (std::sqrt(5.0) - 1) / 2;
    for (int round = 0; round < 40; ++round) {
      const double a = hi - golden * (hi - lo), b = lo + golden * (hi - lo);
      if (residual_at(a) < residual_at(b))
        hi = b;
      else
        lo = a;
    }
    if (const auto fit = fit_lengths({std::exp((lo + hi) / 2)});
        fit && fit->residual < one.residual)
      one = *fit;
  }
  // Akaike's criterion: each time scale adds two parameters (its variance and length), so it
  // is kept only when n ln(misfit) drops by more than 4. Noise in a flat curve is not a run.
  const auto better = [&](const Fit& richer, const Fit& simpler) {
    return richer.residual < simpler.residual * std::exp(-4.0 / static_cast<double>(points.size()));
  };
  const Fit* chosen = &flat;
  if (better(one, *chosen))
    chosen = &one;
  if (better(two, *chosen))
    chosen = &two;
  SpeedModel model = chosen->model;
  fit_run_skewness(points, model);
  return model;
}

std::optional<LevelMoments> modulated_brownian_level(std::span<const double> weights,
                                                     std::span<const double> drifts,
                                                     std::span<const double> variances,
                                                     std::span<const double> generator) {
  const auto k = static_cast<Eigen::Index>(weights.size());
  if (k == 0 || drifts.size() != weights.size() || variances.size() != weights.size() ||
      generator.size() != weights.size() * weights.size())
    return std::nullopt;
  double mean_drift = 0;
  for (Eigen::Index i = 0; i < k; ++i) {
    if (!(variances[static_cast<std::size_t>(i)] > 0))
      return std::nullopt;
    mean_drift += weights[static_cast<std::size_t>(i)] * drifts[static_cast<std::size_t>(i)];
  }
  if (!(mean_drift < 0))
    return std::nullopt;
  // F(x) = P(level <= x, state) solves F'D = ½F''Σ + FQ. Terms φe^{zx} need
  // φ(½z²Σ − zD + Q) = 0; linearised with w = zψ (ψ = φᵀ) it is the eigenproblem
  //   z [ψ; w] = [[0, I], [−M⁻¹Qᵀ, M⁻¹D]] [ψ; w],  M = ½Σ.
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> q(
      generator.data(), k, k);
  Eigen::MatrixXd companion = Eigen::MatrixXd::Zero(2 * k, 2 * k);
  companion.topRightCorner(k, k).setIdentity();
  for (Eigen::Index i = 0; i < k; ++i) {
    const double inverse_m = 2 / variances[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < k; ++j)
      companion(k + i, j) = -inverse_m * q(j, i);
    companion(k + i, k + i) = inverse_m * drifts[static_cast<std::size_t>(i)];
  }
  const Eigen::EigenSolver<Eigen::MatrixXd> solver(companion);
  if (solver.info() != Eigen::Success)
    return std::nullopt;
  const Eigen::VectorXcd values = solver.eigenvalues();
  const Eigen::MatrixXcd vectors = solver.eigenvectors();
  const double scale = values.cwiseAbs().maxCoeff();
  std::vector<Eigen::Index> decaying;
  for (Eigen::Index j = 0; j < 2 * k; ++j)
    if (values(j).real() < -1e-12 * scale)
      decaying.push_back(j);
  // A stable queue has exactly K decaying terms (and one z = 0, the stationary weights).
  if (static_cast<Eigen::Index>(decaying.size()) != k)
    return std::nullopt;
  Eigen::MatrixXcd phi(k, k);
  for (Eigen::Index c = 0; c < k; ++c)
    phi.col(c) = vectors.col(decaying[static_cast<std::size_t>(c)]).head(k);
  // No mass at 0 where the motion has variance: F(0) = π + Σ a_j φ_j = 0.
  Eigen::VectorXcd pi(k);
  for (Eigen::Index i = 0; i < k; ++i)
    pi(i) = weights[static_cast<std::size_t>(i)];
  const Eigen::VectorXcd a = phi.partialPivLu().solve(-pi);
  // P(level > x) = Σ c_j e^{z_j x} with c_j = −a_j (Σφ_j), so E[X] = Σ −c_j / z_j,
  // E[X²] = Σ 2 c_j / z_j² and E[X³] = Σ −6 c_j / z_j³.
  std::complex<double> mean = 0, mean_square = 0, mean_cube = 0;
  for (Eigen::Index c = 0; c < k; ++c) {
    const std::complex<double> weight = -a(c) * phi.col(c).sum();
    const std::complex<double> z = values(decaying[static_cast<std::size_t>(c)]);
    mean -= weight / z;
    mean_square += 2.0 * weight / (z * z);
    mean_cube -= 6.0 * weight / (z * z * z);
  }
  const auto real = [](std::complex<double> v) {
    return std::isfinite(v.real()) && v.real() >= 0 &&
           std::abs(v.imag()) <= 1e-6 * std::max(1.0, std::abs(v.real()));
  };
  if (!real(mean) || !real(mean_square) || !real(mean_cube))
    return std::nullopt;
  return LevelMoments{mean.real(), mean_square.real(), mean_cube.real()};
}

SpeedRunsWait speed_runs_wait(double utilization, double arrival_scv, double erlang_c,
                              const SpeedModel& speed) {
  const double rho = utilization;
  const double jobs_factor = (arrival_scv + speed.job_scv) / 2;
  const SpeedRunsWait independent{(arrival_scv + dispersion_of(speed, 1)) / 2, 1};
  if (speed.runs.empty() || !(rho > 0) || !(rho < 1) || !(erlang_c > 0))
    return independent;
  // The states: every combination of each time scale's discretised slowness. Time is in units
  // of E[S]/c and work in server-time, so at slowness e the work arrives at rate ρe with
  // variance ρe²(c_a² + c_x²) per unit time and leaves at rate 1.
  std::vector<double> slowness{1}, weights{1};
  std::vector<double> generator{0};
  for (const SpeedRuns& r : speed.runs) {
    const std::vector<double> unit = unit_points(points_for(r, speed.runs), r.skewness);
    const std::size_t before = slowness.size(), count = unit.size(), after = before * count;
    // This scale redraws its slowness at rate ρ / (jobs − 1): a rank-one generator γ(1πᵀ − I).
    // Independent scales combine as a Kronecker sum. Not ρ / jobs: the slownesses of jobs k apart
    // are correlated as φ^k, summing to jobs − 1, and a state held for an exponential time
    // correlates the work for as many jobs as its mean length, so ρ / jobs put 2v too much in the
    // work's variance per job: runs of 2 jobs waited 16% longer than the recursion's path.
    const double rate = rho / std::max(r.jobs - 1, 1e-3);
    std::vector<double> next_slowness(after), next_weights(after), next_generator(after * after);
    for (std::size_t s = 0; s < before; ++s)
      for (std::size_t u = 0; u < count; ++u) {
        const std::size_t row = s * count + u;
        next_slowness[row] = slowness[s] + std::sqrt(r.variance) * unit[u];
        next_weights[row] = weights[s] / static_cast<double>(count);
        for (std::size_t t = 0; t < before; ++t)
          next_generator[row * after + t * count + u] += generator[s * before + t];
        for (std::size_t v = 0; v < count; ++v)
          next_generator[row * after + s * count + v] +=
              rate * (1.0 / static_cast<double>(count) - (u == v ? 1.0 : 0.0));
      }
    slowness = std::move(next_slowness);
    weights = std::move(next_weights);
    generator = std::move(next_generator);
  }
  // A speed cannot turn negative: a wide spread's slowest points are held at 5% of the mean
  // time, and all rescaled so the slowness still averages 1. Unscaled, the raised points moved
  // the mean load up (0.97 became 1.006 for ±77% runs) and the queue read as unstable.
  double mean_slowness = 0;
  for (std::size_t s = 0; s < slowness.size(); ++s) {
    slowness[s] = std::max(slowness[s], 0.05);
    mean_slowness += weights[s] * slowness[s];
  }
  std::vector<double> drifts, variances;
  for (double& e : slowness) {
    e /= mean_slowness;
    drifts.push_back(rho * e - 1);
    variances.push_back(rho * e * e * (arrival_scv + speed.job_scv));
  }
  const auto wandering = modulated_brownian_level(weights, drifts, variances, generator);
  if (!wandering || !(wandering->mean > 0))
    return independent;
  const double steady = rho * (arrival_scv + speed.job_scv) / (2 * (1 - rho));
  // M/M/c's wait in these units is C / (1 − ρ).
  SpeedRunsWait wait;
  wait.factor = jobs_factor + std::max(0.0, wandering->mean - steady) * (1 - rho) / erlang_c;
  const double mean = wandering->mean;
  wait.shape_scv = std::max(1.0, wandering->mean_square / (mean * mean) - 1);
  wait.shape_third = wandering->mean_cube / (mean * mean * mean);
  return wait;
}

}  // namespace kendall::model
