#pragma once
/// Waiting when service times are not independent of each other: a machine that is slower for
/// seconds at a time serves a run of jobs slowly, and the queue built meanwhile is far longer
/// than the same service times in random order would build. The index of dispersion of the
/// service times' sums measures it, and the robust-queueing approximation of Whitt & You turns
/// it into the wait (docs/model.md, "Correlated service times").

#include <optional>
#include <span>
#include <string>

namespace kendall::model {

/// I_s(m) = Var(S_1 + … + S_m) / (m E[S]²) for m consecutive service times: c_s² at every m
/// when they are independent, growing with m when slow ones come in runs.
struct DispersionPoint {
  double jobs = 1;   ///< m
  double index = 0;  ///< I_s(m)
};

/// I_s(m) from measured points (ascending in jobs, each jobs >= 1): c_s² below the first,
/// interpolated linearly in log m between points, the last point's value beyond it.
double service_dispersion_at(std::span<const DispersionPoint> points, double service_scv,
                             double jobs);

/// What `points` gets wrong, or nothing: jobs must be >= 1, finite and ascending; indices >= 0.
std::optional<std::string> dispersion_problem(std::span<const DispersionPoint> points);

/// The factor that takes M/M/c's mean wait to this queue's: (c_a² + c_s²) / 2 in Allen–Cunneen,
/// here with the service times' dispersion over the time scale the queue lives on. It is the
/// functional robust-queueing workload of Whitt & You (Operations Research 66(1), 2018, §4),
///   Z = sup_{x>=0} { -(1-ρ) x + sqrt(2 ρ E[S/c] I_w(x) x) },
/// with the index of dispersion for work of Poisson-like arrivals, I_w(x) = c_a² + I_s(λx),
/// divided by the same for M/M/c (I_w = 2). With a flat I_s it is Allen–Cunneen's factor (for
/// M/G/1 exactly the P-K formula); under heavy traffic it tends to (c_a² + I_s(∞)) / 2.
double robust_wait_factor(double utilization, double arrival_scv, double service_scv,
                          std::span<const DispersionPoint> points);

}  // namespace kendall::model
