// Single queueing stations in closed form. Each solver fills StationMetrics and names its formula
// and whether it is exact; the shared checks, the unstable outcome and percentiles live here too.
// M/M/c/K is in station_finite.cpp, Erlang B and C in erlang.cpp.
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/model/latency.hpp"
#include "kendall/model/speed_runs.hpp"
#include "kendall/model/station.hpp"
#include "station_detail.hpp"

namespace kendall::model {

std::string_view to_string(QueueModel model) {
  switch (model) {
    case QueueModel::mm1:
      return "mm1";
    case QueueModel::mmc:
      return "mmc";
    case QueueModel::mmck:
      return "mmck";
    case QueueModel::mminf:
      return "mminf";
    case QueueModel::mg1:
      return "mg1";
    case QueueModel::md1:
      return "md1";
    case QueueModel::ggc:
      return "ggc";
  }
  return "unknown";
}

std::string_view kendall_notation(QueueModel model) {
  switch (model) {
    case QueueModel::mm1:
      return "M/M/1";
    case QueueModel::mmc:
      return "M/M/c";
    case QueueModel::mmck:
      return "M/M/c/K";
    case QueueModel::mminf:
      return "M/M/inf";
    case QueueModel::mg1:
      return "M/G/1";
    case QueueModel::md1:
      return "M/D/1";
    case QueueModel::ggc:
      return "G/G/c";
  }
  return "unknown";
}

namespace {

using detail::format_number;

bool single_server(QueueModel model) {
  return model == QueueModel::mm1 || model == QueueModel::mg1 || model == QueueModel::md1;
}

/// Throws InputError, naming the field, its value and the fix, for inputs no model accepts.
void check_input(QueueModel model, const StationInput& input) {
  const auto name = fmt::format("{} ({})", to_string(model), kendall_notation(model));
  if (!(input.arrival_rate >= 0) || !std::isfinite(input.arrival_rate)) {
    throw InputError(fmt::format(
        "{}: arrival rate is {}/s; it must be a finite number of requests per second >= 0", name,
        input.arrival_rate));
  }
  if (!(input.service.mean > 0) || !std::isfinite(input.service.mean)) {
    throw InputError(fmt::format(
        "{}: mean service time is {} s; it must be a finite time > 0 (1 / service rate)", name,
        input.service.mean));
  }
  if (model == QueueModel::mg1 || model == QueueModel::ggc) {
    // These two read the service SCV (and percentiles read the family), so it must fit.
    if (const auto problem = validate(input.service))
      throw InputError(fmt::format("{}: service time: {}", name, *problem));
  }
  if (model != QueueModel::mminf) {
    if (input.servers < 1 || input.servers > detail::kMaxServersOrCapacity) {
      throw InputError(fmt::format("{}: servers is {}; it must be from 1 to {}", name,
                                   input.servers, detail::kMaxServersOrCapacity));
    }
  }
  if (single_server(model) && input.servers != 1) {
    throw InputError(fmt::format(
        "{}: this model has one server but servers is {}; use mmc or ggc for several servers", name,
        input.servers));
  }
  if (model == QueueModel::mmck) {
    if (!input.capacity) {
      throw InputError(fmt::format(
          "{}: capacity K is missing; give the most requests the station holds, servers "
          "included (K >= servers), or use mmc for an unlimited queue",
          name));
    }
    if (*input.capacity < input.servers || *input.capacity > detail::kMaxServersOrCapacity) {
      throw InputError(fmt::format(
          "{}: capacity K is {} with {} servers; K counts the requests in service too, so it "
          "must be from {} (servers) to {}",
          name, *input.capacity, input.servers, input.servers, detail::kMaxServersOrCapacity));
    }
  } else if (input.capacity) {
    throw InputError(fmt::format(
        "{}: capacity {} is set but this model has an unlimited queue; use mmck for a finite "
        "capacity or drop capacity",
        name, *input.capacity));
  }
  if (model == QueueModel::ggc &&
      (!(input.scv_arrival >= 0) || !std::isfinite(input.scv_arrival))) {
    throw InputError(fmt::format(
        "{}: arrival SCV is {}; it must be a finite number >= 0 (1 for Poisson arrivals)", name,
        input.scv_arrival));
  }
  if (!input.service_dispersion.empty()) {
    if (model != QueueModel::ggc)
      throw InputError(fmt::format(
          "{}: a service-time dispersion is given but only ggc reads it; use ggc", name));
    if (const auto problem = dispersion_problem(input.service_dispersion))
      throw InputError(fmt::format("{}: {}", name, *problem));
  }
}

/// The outcome when λ E[S] >= c: the queue grows without bound, so there are no latencies.
StationMetrics unstable(QueueModel model, const StationInput& input, const std::string& method) {
  const double a = input.arrival_rate * input.service.mean;
  const double capacity = input.servers / input.service.mean;
  const double utilization = a / input.servers;
  StationMetrics out;
  out.model = model;
  out.method = method;
  out.stable = false;
  out.saturation = fmt::format(
      "arrival rate {}/s {} capacity {}/s (utilization {})", format_number(input.arrival_rate),
      utilization > 1 ? "exceeds" : "equals", format_number(capacity), format_number(utilization));
  out.offered_load = a;
  // The demanded utilization, above 1 exactly when unstable, so that what-if sweeps show how
  // far past saturation a load is (the servers themselves are busy all the time).
  out.utilization = utilization;
  out.throughput = capacity;  // completions: every server works at its full rate
  return out;
}

/// Fills the means from the mean wait W_q and Little's law L = λR, L_q = λW_q (Little 1961).
void fill_means(StationMetrics& out, double arrival_rate, double mean_wait, double mean_service) {
  out.mean_waiting_time = mean_wait;
  out.mean_response_time = mean_wait + mean_service;
  out.mean_queue_length = arrival_rate * mean_wait;
  out.mean_number_in_system = arrival_rate * (mean_wait + mean_service);
}

/// A waiting time with an atom of 1 - probability at zero and an exponential of the given mean
/// otherwise; no terms when nobody waits.
WaitingTimeDistribution exponential_wait(double probability, double conditional_mean) {
  WaitingTimeDistribution waiting;
  if (probability > 0 && conditional_mean > 0) {
    waiting.probability_of_waiting = probability;
    waiting.terms.push_back(ErlangTerm{1.0, 1, 1.0 / conditional_mean});
  }
  return waiting;
}

ResponsePercentiles percentiles_from_quantile(const std::function<double(double)>& quantile) {
  return ResponsePercentiles{
      quantile(kReportedProbabilities[0]), quantile(kReportedProbabilities[1]),
      quantile(kReportedProbabilities[2]), quantile(kReportedProbabilities[3]),
      quantile(kReportedProbabilities[4])};
}

/// P(T > t) for the M/M/c FCFS response time (Gross, Shortle, Thompson & Harris, Fundamentals
/// of Queueing Theory, 4th ed., §2.3; research file T6):
///   P(T > t) = e^{-μt} [1 + Cμ/δ (1 - e^{-δt})],  δ = (c-1)μ - λ,
/// i.e. T = S + W with W = 0 with probability 1 - C and Exp(cμ - λ) otherwise. (1 - e^{-δt})/δ
/// is formed with expm1 so that δ → 0 (where it tends to t) keeps its digits; for δ < 0 the
/// growing e^{|δ|t} is folded into the decaying e^{-μt} before it can overflow.
double mmc_response_tail(double t, double mu, double delta, double theta, double erlang_c_value) {
  const double decay = std::exp(-mu * t);
  const double weight = erlang_c_value * mu;
  if (delta >= 0) {
    const double growth = delta == 0 ? t : -std::expm1(-delta * t) / delta;
    return decay * (1.0 + weight * growth);
  }
  const double d = -delta;
  if (d * t < 700)
    return decay * (1.0 + weight * std::expm1(d * t) / d);
  return decay + weight / d * (std::exp(-theta * t) - decay);  // θ = μ - d: no cancellation
}

/// The t with tail(t) = 1 - p, by bisection to 1e-13 relative: the tail is continuous and
/// strictly decreasing, and bisection cannot leave its bracket.
double invert_tail(const std::function<double(double)>& tail, double p, double scale) {
  const double target = 1.0 - p;
  double lo = 0, hi = scale;
  while (tail(hi) > target)
    hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

StationMetrics solve_mm1(const StationInput& input) {
  const std::string method = "exact (M/M/1)";
  const double mean_service = input.service.mean;
  const double rho = input.arrival_rate * mean_service;
  if (rho >= 1)
    return unstable(QueueModel::mm1, input, method);
  StationMetrics out;
  out.model = QueueModel::mm1;
  out.method = method;
  out.stable = true;
  out.offered_load = rho;
  out.utilization = rho;
  out.throughput = input.arrival_rate;
  // R = 1 / (μ - λ) = E[S] / (1 - ρ), W_q = ρ R (Kleinrock, Queueing Systems Vol. 1, §3.2).
  const double response = mean_service / (1.0 - rho);
  fill_means(out, input.arrival_rate, rho * response, mean_service);
  out.probability_of_waiting = rho;
  // The sojourn time is exponential with rate μ - λ (Kleinrock Vol. 1 §3.2; research file T5),
  // so t_p = -ln(1 - p) R exactly; a waiting arrival waits Exp(μ - λ) too.
  out.response_time_percentiles =
      percentiles_from_quantile([&](double p) { return -std::log1p(-p) * response; });
  out.percentile_method = "exact (the M/M/1 response time is exponential)";
  out.waiting_time = exponential_wait(rho, response);
  return out;
}

StationMetrics solve_mmc(const StationInput& input) {
  const std::string method = "exact (Erlang C)";
  const double mean_service = input.service.mean;
  const int c = input.servers;
  const double a = input.arrival_rate * mean_service;
  if (a >= c)
    return unstable(QueueModel::mmc, input, method);
  StationMetrics out;
  out.model = QueueModel::mmc;
  out.method = method;
  out.stable = true;
  out.offered_load = a;
  out.utilization = a / c;
  out.throughput = input.arrival_rate;
  // W_q = C(c, a) / (cμ - λ) (Kleinrock, Queueing Systems Vol. 1, §3.5). cμ - λ and δ are
  // formed from c - a so that they keep their digits near saturation.
  const double wait_probability = erlang_c(c, a);
  const double mu = 1.0 / mean_service;
  const double theta = (c - a) / mean_service;        // cμ - λ
  const double delta = (c - 1.0 - a) / mean_service;  // (c-1)μ - λ
  fill_means(out, input.arrival_rate, wait_probability / theta, mean_service);
  out.probability_of_waiting = wait_probability;
  const auto tail = [=](double t) {
    return mmc_response_tail(t, mu, delta, theta, wait_probability);
  };
  const double response = *out.mean_response_time;
  out.response_time_percentiles =
      percentiles_from_quantile([&](double p) { return invert_tail(tail, p, response); });
  out.percentile_method = "exact (M/M/c response-time distribution, inverted by bisection)";
  // Given that it waits, an arrival waits Exp(cμ - λ) (Kleinrock Vol. 1 §3.5).
  out.waiting_time = exponential_wait(wait_probability, 1.0 / theta);
  return out;
}

StationMetrics solve_mminf(const StationInput& input) {
  const double mean_service = input.service.mean;
  const double a = input.arrival_rate * mean_service;
  StationMetrics out;
  out.model = QueueModel::mminf;
  out.method = "exact (M/M/inf)";
  out.stable = true;
  out.offered_load = a;  // also the mean number of busy servers
  // Per server of infinitely many, the busy fraction is 0 (as Octave's qsmminf documents; the
  // traffic intensity a is in offered_load).
  out.utilization = 0;
  out.throughput = input.arrival_rate;
  // No request ever waits: R = E[S], L = a (Kleinrock, Queueing Systems Vol. 1, §3.4).
  fill_means(out, input.arrival_rate, 0.0, mean_service);
  out.probability_of_waiting = 0.0;
  out.response_time_percentiles =
      percentiles_from_quantile([&](double p) { return -std::log1p(-p) * mean_service; });
  out.percentile_method = "exact (the response time is the exponential service time)";
  out.waiting_time = WaitingTimeDistribution{};
  return out;
}

/// M/G/1 and M/D/1 by the Pollaczek–Khinchine mean-value formula.
StationMetrics solve_pollaczek_khinchine(QueueModel model, const StationInput& input) {
  const bool deterministic = model == QueueModel::md1;
  const std::string method = deterministic
                                 ? "exact means (Pollaczek–Khinchine, deterministic service)"
                                 : "exact means (Pollaczek–Khinchine)";
  const double mean_service = input.service.mean;
  const double rho = input.arrival_rate * mean_service;
  if (rho >= 1)
    return unstable(model, input, method);
  const Distribution service =
      deterministic ? Distribution::deterministic(mean_service) : input.service;
  StationMetrics out;
  out.model = model;
  out.method = method;
  out.stable = true;
  out.offered_load = rho;
  out.utilization = rho;
  out.throughput = input.arrival_rate;
  // W_q = ρ E[S] (1 + c_s²) / (2 (1 - ρ)) = λ E[S²] / (2 (1 - ρ)) (Kleinrock, Queueing Systems
  // Vol. 1, §5.5, the P-K mean-value formula). Exact for any service distribution.
  const double scv = deterministic ? 0.0 : input.service.scv;
  const double mean_wait = rho * mean_service * (1.0 + scv) / (2.0 * (1.0 - rho));
  fill_means(out, input.arrival_rate, mean_wait, mean_service);
  // P(wait) = ρ exactly (a Poisson arrival sees the server busy with probability ρ, PASTA). The
  // conditional wait is approximated by an exponential with mean W_q / ρ, which is exact for
  // exponential service.
  out.probability_of_waiting = rho;
  auto waiting = exponential_wait(rho, rho > 0 ? mean_wait / rho : 0.0);
  if (input.percentiles) {
    out.response_time_percentiles = sojourn_percentiles(waiting, service);
    out.percentile_method =
        "approximate: exponential conditional wait convolved with the service time on a grid";
  }
  out.waiting_time = std::move(waiting);
  return out;
}

StationMetrics solve_ggc(const StationInput& input) {
  const std::string method =
      input.service_dispersion.empty()
          ? "Allen–Cunneen approximation (Allen 1990) for G/G/c: W_q ≈ W_q(M/M/c) (c_a² + c_s²) / 2"
          : "G/G/c with correlated service times: Allen–Cunneen for the jobs' own variability "
            "plus the extra wait of a server whose speed wanders (a Markov-modulated Brownian "
            "motion fitted to the measured dispersion): approximate";
  const double mean_service = input.service.mean;
  const int c = input.servers;
  const double a = input.arrival_rate * mean_service;
  if (a >= c)
    return unstable(QueueModel::ggc, input, method);
  StationMetrics out;
  out.model = QueueModel::ggc;
  out.method = method;
  out.stable = true;
  out.offered_load = a;
  out.utilization = a / c;
  out.throughput = input.arrival_rate;
  // W_q ≈ C(c, a) / (cμ - λ) · (c_a² + c_s²) / 2 (Allen, Probability, Statistics and Queueing
  // Theory, 2nd ed., 1990, §6; exact for M/M/c, and for M/G/1 it is the P-K formula).
  // With correlated service times the factor adds the wait of the server's wandering speed,
  // and equals this whenever the dispersion is flat (see speed_runs.hpp).
  const double erlang_c_value = erlang_c(c, a);
  SpeedRunsWait variability{(input.scv_arrival + input.service.scv) / 2.0, 1.0};
  if (!input.service_dispersion.empty())
    variability = speed_runs_wait(a / c, input.scv_arrival, erlang_c_value,
                                  fit_speed_runs(input.service_dispersion, input.service.scv));
  const double mean_wait = erlang_c_value * mean_service / (c - a) * variability.factor;
  fill_means(out, input.arrival_rate, mean_wait, mean_service);
  // The wait is approximated as in M/M/c: waits with probability C, then exponentially with
  // mean W_q / C (hyperexponentially when runs of slow jobs spread the waits more). With no
  // variability at all (D/D/c) nobody waits.
  double wait_probability = mean_wait > 0 ? erlang_c_value : 0.0;
  // The runs' extra wait is the pooled server's (model/src/speed_runs.cpp), which a request
  // meets whenever that server is busy (probability ρ), not only when Erlang C has all c servers
  // busy: with many servers at light load C vanishes, and a small extra wait put on a vanishing
  // share of requests would make their conditional wait absurdly long.
  if (variability.shape_scv > 1)
    wait_probability = std::max(wait_probability, std::min(1.0, a / c));
  out.probability_of_waiting = wait_probability;
  WaitingTimeDistribution waiting = detail::shaped_wait(wait_probability, mean_wait, variability);
  if (input.percentiles) {
    out.response_time_percentiles = sojourn_percentiles(waiting, input.service);
    out.percentile_method =
        variability.shape_scv > 1
            ? "approximate: hyperexponential conditional wait (the SCV of a modulated Brownian "
              "motion) convolved with the service time on a grid"
            : "approximate: exponential conditional wait convolved with the service time on a "
              "grid";
  }
  out.waiting_time = std::move(waiting);
  return out;
}

}  // namespace

namespace detail {

WaitingTimeDistribution shaped_wait(double wait_probability, double mean_wait,
                                    const SpeedRunsWait& variability) {
  WaitingTimeDistribution waiting;
  if (wait_probability > 0 && mean_wait > 0) {
    const double conditional_mean = mean_wait / wait_probability;
    if (variability.shape_scv > 1) {
      // Three moments where the modulated motion gives an H2 for them: the long waits of slow
      // runs make a heavier tail than the balanced-means fit to two moments puts at p95.
      const auto fit =
          fit_hyperexponential(conditional_mean, variability.shape_scv, variability.shape_third)
              .value_or(fit_hyperexponential(conditional_mean, variability.shape_scv));
      waiting.probability_of_waiting = wait_probability;
      waiting.terms = {ErlangTerm{fit.p1, 1, fit.rate1}, ErlangTerm{1 - fit.p1, 1, fit.rate2}};
    } else {
      waiting = exponential_wait(wait_probability, conditional_mean);
    }
  }
  return waiting;
}

}  // namespace detail

StationMetrics solve_station(QueueModel model, const StationInput& input) {
  check_input(model, input);
  switch (model) {
    case QueueModel::mm1:
      return solve_mm1(input);
    case QueueModel::mmc:
      return solve_mmc(input);
    case QueueModel::mmck:
      return detail::solve_mmck(input);
    case QueueModel::mminf:
      return solve_mminf(input);
    case QueueModel::mg1:
    case QueueModel::md1:
      return solve_pollaczek_khinchine(model, input);
    case QueueModel::ggc:
      return solve_ggc(input);
  }
  throw InputError("unknown queue model; expected mm1, mmc, mmck, mminf, mg1, md1 or ggc");
}

}  // namespace kendall::model
