// Percentiles of sums of independent latencies by numerical convolution on a uniform grid.
//
// Each part (one visit's wait W plus service S, repeated a random number of times) is
// discretised by rounding to the nearest grid point — mass at j·h is F((j+½)h) − F((j−½)h) — so
// sums of grid points stay on the grid and atoms (no wait, deterministic service) stay exact.
// Convolution is a product of FFTs (Eigen's FFT module); a part visited n + f times contributes
// (1 − f)·P̂ⁿ + f·P̂ⁿ⁺¹. The grid spans [0, T) with T grown until every part's mass beyond T is
// below 1e-7 and T >= mean + 12 sd; the FFT runs over [0, 2T) so that a sum reaching past T is
// still placed right, and circular wrap-around only carries mass beyond 2T. With 4096 cells over
// T the quantile error is about T/8192 per part.
#include "kendall/model/latency.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <optional>
#include <unsupported/Eigen/FFT>

#include <boost/math/special_functions/gamma.hpp>

#include "kendall/base/error.hpp"
#include "station_detail.hpp"

namespace kendall::model {
namespace detail {

HyperExponentialFit fit_hyperexponential(double mean, double scv) {
  const double p1 = 0.5 * (1.0 + std::sqrt((scv - 1.0) / (scv + 1.0)));
  return {p1, 2.0 * p1 / mean, 2.0 * (1.0 - p1) / mean};
}

std::optional<HyperExponentialFit> fit_hyperexponential(double mean, double scv, double third) {
  // With u_i = 1 / rate_i, n_k = E[X^k] / k! = p u₁^k + (1 − p) u₂^k: the two-point law in u with
  // moments n₁, n₂, n₃. Its points solve u² = c₁ u + c₀ where n₂ = c₁ n₁ + c₀, n₃ = c₁ n₂ + c₀ n₁.
  const double n1 = mean, n2 = (1 + scv) * mean * mean / 2, n3 = third * mean * mean * mean / 6;
  const double spread = n2 - n1 * n1;
  if (!(spread > 0) || !(third > 0))
    return std::nullopt;
  const double c1 = (n3 - n1 * n2) / spread, c0 = n2 - c1 * n1;
  const double discriminant = c1 * c1 + 4 * c0;
  if (!(discriminant > 0))
    return std::nullopt;
  const double u1 = (c1 + std::sqrt(discriminant)) / 2, u2 = (c1 - std::sqrt(discriminant)) / 2;
  const double p1 = (n1 - u2) / (u1 - u2);
  if (!(u2 > 0) || !(p1 > 0) || !(p1 < 1))
    return std::nullopt;
  return HyperExponentialFit{p1, 1 / u1, 1 / u2};
}

}  // namespace detail
namespace {

constexpr std::size_t kGridCells = 8192;  // over [0, 2T)
constexpr double kTailMass = 1e-7;

/// P(S <= t) for a service-time distribution.
double service_cdf(const Distribution& d, double t) {
  if (t < 0)
    return 0.0;
  switch (d.kind) {
    case DistributionKind::deterministic:
      return t >= d.mean ? 1.0 : 0.0;
    case DistributionKind::exponential:
      return d.mean > 0 ? -std::expm1(-t / d.mean) : 1.0;
    case DistributionKind::gamma: {
      const double shape = 1.0 / d.scv;
      const double scale = d.mean * d.scv;
      return t == 0 ? 0.0 : boost::math::gamma_p(shape, t / scale);
    }
    case DistributionKind::lognormal: {
      if (t == 0)
        return 0.0;
      const double sigma2 = std::log1p(d.scv);
      const double mu = std::log(d.mean) - 0.5 * sigma2;
      return 0.5 * std::erfc(-(std::log(t) - mu) / std::sqrt(2.0 * sigma2));
    }
    case DistributionKind::hyperexponential: {
      if (d.scv <= 1.0)
        return -std::expm1(-t / d.mean);
      const auto fit = detail::fit_hyperexponential(d.mean, d.scv);
      return 1.0 - fit.p1 * std::exp(-fit.rate1 * t) - (1.0 - fit.p1) * std::exp(-fit.rate2 * t);
    }
    case DistributionKind::empirical: {
      const auto above = std::upper_bound(d.samples.begin(), d.samples.end(), t);
      return static_cast<double>(above - d.samples.begin()) / static_cast<double>(d.samples.size());
    }
  }
  return 1.0;
}

/// A waiting time whose Erlang terms share one rate r (M/M/c/K): P(W <= t | W > 0) =
/// Σ_k w_k P(Poisson(rt) >= k) = 1 - Σ_j P(Poisson(rt) = j) · Σ_{k > j} w_k. The tail weights
/// are built once; each t sums the Poisson terms only within 40 standard deviations of the mode
/// (the rest is below 1e-300), by recurrence from the mode.
class SameRateWait {
 public:
  explicit SameRateWait(const std::vector<ErlangTerm>& terms) : rate_(terms.front().rate) {
    int most_phases = 0;
    for (const auto& term : terms)
      most_phases = std::max(most_phases, term.phases);
    weight_above_.assign(static_cast<std::size_t>(most_phases), 0.0);
    std::vector<double> by_phases(static_cast<std::size_t>(most_phases) + 1, 0.0);
    for (const auto& term : terms)
      by_phases[static_cast<std::size_t>(term.phases)] += term.weight;
    double above = 0;
    for (std::size_t j = by_phases.size() - 1; j-- > 0;) {
      above += by_phases[j + 1];
      weight_above_[j] = above;
    }
  }

  double conditional_cdf(double t) const {
    const double x = rate_ * t;
    const auto last = static_cast<double>(weight_above_.size()) - 1.0;
    const double spread = 40.0 * std::sqrt(x) + 40.0;
    const double mode = std::min(std::floor(x), last);
    const double low = std::max(0.0, std::floor(x - spread));
    const double high = std::min(last, std::ceil(x + spread));
    if (mode < low)
      return 1.0;  // the whole Poisson mass lies beyond the longest wait
    const double log_mode_term = -x + mode * std::log(x) - std::lgamma(mode + 1.0);
    const double mode_term = x > 0 ? std::exp(log_mode_term) : 1.0;
    double below = 0;
    double term = mode_term;
    for (double j = mode; j >= low; j -= 1.0) {
      below += term * weight_above_[static_cast<std::size_t>(j)];
      term *= j / x;  // P(j - 1) = P(j) · j / x
      if (term == 0)
        break;
    }
    term = mode_term;
    for (double j = mode + 1.0; j <= high; j += 1.0) {
      term *= x / j;  // P(j) = P(j - 1) · x / j
      if (term == 0)
        break;
      below += term * weight_above_[static_cast<std::size_t>(j)];
    }
    return std::clamp(1.0 - below, 0.0, 1.0);
  }

 private:
  double rate_;
  std::vector<double> weight_above_;  ///< Σ_{k > j} w_k for j = 0 .. most phases - 1
};

/// P(S <= t) for the work stretched by a factor drawn from `stretch`: Σ w F(t / f).
double stretched_cdf(const Distribution& d, const std::vector<Stretch>& stretch, double t) {
  if (stretch.empty())
    return service_cdf(d, t);
  double total = 0;
  for (const Stretch& share : stretch)
    total += share.weight * service_cdf(d, t / share.factor);
  return total;
}

bool shares_one_rate(const WaitingTimeDistribution& w) {
  return w.terms.size() > 1 &&
         std::all_of(w.terms.begin(), w.terms.end(),
                     [&](const ErlangTerm& term) { return term.rate == w.terms.front().rate; });
}

/// P(W <= t) for a waiting time: atom at zero plus a mixture of Erlang terms. `same_rate` is the
/// fast path for mixtures that share a rate (may be null).
double waiting_cdf(const WaitingTimeDistribution& w, double t, const SameRateWait* same_rate) {
  if (t < 0)
    return 0.0;
  if (t == 0 || w.terms.empty())
    return 1.0 - w.probability_of_waiting;
  double waited = 0;
  if (same_rate) {
    waited = same_rate->conditional_cdf(t);
  } else {
    for (const auto& term : w.terms) {
      // One phase is the exponential: skip the incomplete gamma function.
      waited += term.weight *
                (term.phases == 1
                     ? -std::expm1(-term.rate * t)
                     : boost::math::gamma_p(static_cast<double>(term.phases), term.rate * t));
    }
  }
  return (1.0 - w.probability_of_waiting) + w.probability_of_waiting * waited;
}

double waiting_second_moment(const WaitingTimeDistribution& w) {
  double moment = 0;
  for (const auto& term : w.terms) {
    const double k = term.phases;
    moment += term.weight * k * (k + 1.0) / (term.rate * term.rate);
  }
  return w.probability_of_waiting * moment;
}

/// z^n for a whole n >= 0, by squaring (std::pow on complex goes through log and exp).
std::complex<double> integer_power(std::complex<double> z, double n) {
  if (n > 1024)
    return std::pow(z, n);
  auto remaining = static_cast<unsigned>(n);
  std::complex<double> result(1.0, 0.0);
  while (remaining > 0) {
    if (remaining & 1u)
      result *= z;
    z *= z;
    remaining >>= 1u;
  }
  return result;
}

template <typename Cdf>
std::vector<double> discretise(const Cdf& cdf, double step) {
  std::vector<double> mass(kGridCells);
  double previous = cdf(0.5 * step);
  mass[0] = previous;
  for (std::size_t j = 1; j < kGridCells; ++j) {
    const double next = cdf((static_cast<double>(j) + 0.5) * step);
    mass[j] = std::max(0.0, next - previous);
    previous = next;
    if (next >= 1.0)
      break;  // the rest of the grid holds no mass: skip the costly CDF calls
  }
  return mass;
}

}  // namespace

double WaitingTimeDistribution::mean() const {
  double conditional = 0;
  for (const auto& term : terms)
    conditional += term.weight * term.phases / term.rate;
  return probability_of_waiting * conditional;
}

double mean_factor(const std::vector<Stretch>& stretch) {
  if (stretch.empty())
    return 1.0;
  double mean = 0;
  for (const Stretch& share : stretch)
    mean += share.weight * share.factor;
  return mean;
}

std::vector<Stretch> widened_stretch(const std::vector<Stretch>& stretch, double work_scv,
                                     double hold_scv) {
  const std::vector<Stretch> base = stretch.empty() ? std::vector<Stretch>{{1, 1}} : stretch;
  const double mean = mean_factor(base);
  double square = 0;
  for (const Stretch& share : base)
    square += share.weight * share.factor * share.factor;
  const double stretch_scv = square / (mean * mean) - 1;
  // (1 + c_hold²) = (1 + c_work²)(1 + c_stretch²)(1 + δ²) for independent factors.
  const double spread = (1 + hold_scv) / ((1 + work_scv) * (1 + stretch_scv)) - 1;
  if (!(spread > 1e-6))
    return stretch;
  const double delta = std::min(0.5, std::sqrt(spread));
  // Φ⁻¹((k + 1/2)/5) for k = 0..4, over their root mean square: mean 0, variance 1.
  constexpr double kQuantiles[] = {-1.2815516, -0.5244005, 0.0, 0.5244005, 1.2815516};
  constexpr double kRootMeanSquare = 0.8757557;
  std::vector<Stretch> widened;
  for (const Stretch& share : base)
    for (const double z : kQuantiles)
      widened.push_back({share.weight / 5, share.factor * (1 + delta * z / kRootMeanSquare)});
  return widened;
}

void LatencySum::add_sojourn(const WaitingTimeDistribution& waiting, const Distribution& service,
                             double count, const std::vector<Stretch>& stretch) {
  if (!(count >= 0) || !std::isfinite(count)) {
    throw InputError("a visit count must be a finite number >= 0");
  }
  if (count == 0)
    return;
  double factor_square = 0;  // E[f²]
  for (const Stretch& share : stretch)
    factor_square += share.weight * share.factor * share.factor;
  const double service_mean = service.mean * mean_factor(stretch);
  const double service_variance =
      stretch.empty() ? service.variance()
                      : factor_square * service.second_moment() - service_mean * service_mean;
  const double visit_mean = waiting.mean() + service_mean;
  const double wait_variance = waiting_second_moment(waiting) - waiting.mean() * waiting.mean();
  const double visit_variance = std::max(0.0, wait_variance) + std::max(0.0, service_variance);
  // Number of visits N is n or n + 1: E[N] = count, Var(N) = f(1 - f).
  const double fraction = count - std::floor(count);
  mean_ += count * visit_mean;
  variance_ += count * visit_variance + fraction * (1.0 - fraction) * visit_mean * visit_mean;
  parts_.push_back(Part{waiting, service, count, stretch});
}

void LatencySum::add_service(const Distribution& service, double count) {
  add_sojourn(WaitingTimeDistribution{}, service, count);
}

LatencyGrid LatencySum::grid() const {
  if (parts_.empty() || mean_ <= 0)
    return LatencyGrid(1.0, std::vector<double>(1, 1.0));

  // Grow the range until no part leaves more than kTailMass beyond it.
  double range = mean_ + 12.0 * std::sqrt(variance_);
  for (int attempt = 0; attempt < 60; ++attempt) {
    bool covered = true;
    for (const auto& part : parts_) {
      const double beyond_service = 1.0 - stretched_cdf(part.service, part.stretch, range);
      const std::optional<SameRateWait> same_rate =
          shares_one_rate(part.waiting) ? std::optional(SameRateWait(part.waiting.terms))
                                        : std::nullopt;
      const double beyond_wait =
          1.0 - waiting_cdf(part.waiting, range, same_rate ? &*same_rate : nullptr);
      if (beyond_service + beyond_wait > kTailMass / static_cast<double>(parts_.size())) {
        covered = false;
      }
    }
    if (covered)
      break;
    range *= 1.5;
  }
  const double step = 2.0 * range / static_cast<double>(kGridCells);

  Eigen::FFT<double> fft;
  fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
  std::vector<std::complex<double>> total(kGridCells / 2 + 1, std::complex<double>(1.0, 0.0));
  std::vector<std::complex<double>> spectrum;
  std::vector<std::complex<double>> wait_spectrum;
  for (const auto& part : parts_) {
    fft.fwd(
        spectrum,
        discretise([&](double t) { return stretched_cdf(part.service, part.stretch, t); }, step));
    if (part.waiting.probability_of_waiting > 0) {
      const std::optional<SameRateWait> same_rate =
          shares_one_rate(part.waiting) ? std::optional(SameRateWait(part.waiting.terms))
                                        : std::nullopt;
      const SameRateWait* fast = same_rate ? &*same_rate : nullptr;
      fft.fwd(wait_spectrum,
              discretise([&](double t) { return waiting_cdf(part.waiting, t, fast); }, step));
      for (std::size_t k = 0; k < spectrum.size(); ++k)
        spectrum[k] *= wait_spectrum[k];
    }
    const double whole = std::floor(part.count);
    const double fraction = part.count - whole;
    for (std::size_t k = 0; k < spectrum.size(); ++k) {
      const std::complex<double> n_visits = integer_power(spectrum[k], whole);
      total[k] *= (1.0 - fraction) * n_visits + fraction * n_visits * spectrum[k];
    }
  }
  std::vector<double> density;
  fft.inv(density, total, static_cast<Eigen::Index>(kGridCells));

  std::vector<double> cumulative(kGridCells);
  double running = 0;
  for (std::size_t j = 0; j < kGridCells; ++j) {
    running += std::max(0.0, density[j]);
    cumulative[j] = running;
  }
  for (double& c : cumulative)
    c /= running;
  return LatencyGrid(step, std::move(cumulative));
}

double LatencyGrid::cdf(double t) const {
  if (t < 0 || cumulative_.empty())
    return 0.0;
  // Grid point j carries the mass of [(j - 1/2)h, (j + 1/2)h).
  const double position = t / step_ + 0.5;
  const auto j = static_cast<std::size_t>(position);
  if (j >= cumulative_.size())
    return 1.0;
  const double below = j == 0 ? 0.0 : cumulative_[j - 1];
  return below + (position - static_cast<double>(j)) * (cumulative_[j] - below);
}

double LatencyGrid::quantile(double p) const {
  if (cumulative_.empty())
    return 0.0;
  const auto at = std::lower_bound(cumulative_.begin(), cumulative_.end(), p);
  const auto j = static_cast<std::size_t>(at - cumulative_.begin());
  if (j >= cumulative_.size())
    return (static_cast<double>(cumulative_.size()) - 0.5) * step_;
  const double below = j == 0 ? 0.0 : cumulative_[j - 1];
  const double share = (p - below) / std::max(cumulative_[j] - below, 1e-300);
  return std::max(0.0, (static_cast<double>(j) - 0.5 + share) * step_);
}

double LatencyGrid::mixture_quantile(const std::vector<const LatencyGrid*>& grids,
                                     const std::vector<double>& weights, double p,
                                     const std::vector<double>& delays) {
  const auto delay = [&](std::size_t i) { return i < delays.size() ? delays[i] : 0.0; };
  // The mixture CDF is monotone: bisect between the smallest and largest component quantile.
  double low = 0;
  double high = 0;
  for (std::size_t i = 0; i < grids.size(); ++i)
    high = std::max(high, grids[i]->quantile(p) + delay(i));
  for (int iteration = 0; iteration < 100 && high - low > 1e-12 * high; ++iteration) {
    const double middle = 0.5 * (low + high);
    double mass = 0;
    for (std::size_t i = 0; i < grids.size(); ++i)
      mass += weights[i] * grids[i]->cdf(middle - delay(i));
    (mass < p ? low : high) = middle;
  }
  return high;
}

std::vector<double> LatencySum::quantiles(const std::vector<double>& probabilities) const {
  const LatencyGrid distribution = grid();
  std::vector<double> result;
  result.reserve(probabilities.size());
  for (double p : probabilities)
    result.push_back(distribution.quantile(p));
  return result;
}

ResponsePercentiles LatencySum::percentiles() const {
  return percentiles_of(grid());
}

ResponsePercentiles percentiles_of(const LatencyGrid& grid) {
  const auto& p = kReportedProbabilities;
  return ResponsePercentiles{grid.quantile(p[0]), grid.quantile(p[1]), grid.quantile(p[2]),
                             grid.quantile(p[3]), grid.quantile(p[4])};
}

ResponsePercentiles mixture_percentiles(const std::vector<const LatencyGrid*>& grids,
                                        const std::vector<double>& weights) {
  const auto& p = kReportedProbabilities;
  const auto at = [&](double probability) {
    return LatencyGrid::mixture_quantile(grids, weights, probability);
  };
  return ResponsePercentiles{at(p[0]), at(p[1]), at(p[2]), at(p[3]), at(p[4])};
}

ResponsePercentiles sojourn_percentiles(const WaitingTimeDistribution& waiting,
                                        const Distribution& service) {
  LatencySum sum;
  sum.add_sojourn(waiting, service);
  return sum.percentiles();
}

}  // namespace kendall::model
