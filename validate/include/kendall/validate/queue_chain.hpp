// A queue's number in system as a birth–death chain whose steps are `unit` jobs, carried window
// by window: the transient the windows' means come from (docs/validate.md, "Windows").
#pragma once

#include <cstddef>
#include <vector>

namespace kendall::validation {

/// Arrivals at rate λ add a unit at λ / unit a second; `servers` serve at `per_server` jobs a
/// second each, so x = n·unit jobs leave at per_server·min(x, servers) a second, a unit at that
/// over `unit`. Its drift is a queue's, λ − per_server·min(x, servers), and its variance a
/// second unit × (λ + departures): with unit = (c_a² + c_s²) / 2 that is the diffusion of a
/// G/G/c queue, λ c_a² + departures c_s², whose heavy-traffic wait is Kingman's. A mean-only
/// fluid (the pointwise stationary one) reads a queue's distribution as a steady state's at
/// every instant, and on windows 0.2 s long, shorter than the queue takes to settle near
/// saturation, it drains spells' backlogs too slowly: on 22 levels of the 2-worker Argon2id
/// row at "0.9" its mean was 5.9% above an exact simulation of the same windows, this chain's
/// 0.5% (at most 2.9%).
class UnitChain {
 public:
  UnitChain(double unit, int servers) : unit_(unit), servers_(servers) {}

  /// The chain's steady state at `rate` with servers of `per_server` (rate < servers × it).
  void settle(double rate, double per_server);
  /// Moves the chain on by `seconds` at `rate` with servers of `per_server`; returns the
  /// integral of the mean number in system (jobs × seconds) over them.
  double advance(double rate, double per_server, double seconds);
  /// `jobs` arriving at once (a stop's held arrivals): the chain moves up by jobs / unit units,
  /// a fraction of a unit split between the two nearest, so its mean rises by exactly `jobs`.
  void arrive(double jobs);
  /// The mean number in system, in jobs.
  double mean() const;

  /// The mean number in system of the steady state at `rate`.
  static double steady_mean(double rate, double per_server, int servers, double unit);
  /// The unit whose steady state at `rate` holds `number` jobs on average (between 0.02 and 5
  /// jobs; the nearest bound when none does).
  static double fit_unit(double rate, double per_server, int servers, double number);

 private:
  double departures(std::size_t n, double per_server) const;
  double unit_;
  int servers_;
  std::vector<double> p_;  ///< probability of n units, up to top_ (beyond: under kNegligible)
  std::size_t top_ = 0;    ///< the highest n with probability above kNegligible
  std::vector<double> next_;
};

}  // namespace kendall::validation
