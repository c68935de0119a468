#include "kendall/validate/queue_chain.hpp"

#include <algorithm>
#include <cmath>

namespace kendall::validation {

namespace {

constexpr double kNegligible = 1e-15;
// An explicit step moves at most this share of a state's probability: stable, and a second of
// steps keeps the steady state to 1e-6 (UnitChain.AStepKeepsTheSteadyState).
constexpr double kLargestShare = 0.5;

// Jobs leaving a second with x = n·unit in system: each busy server's pace.
double jobs_leaving(std::size_t n, double per_server, int servers, double unit) {
  return per_server * std::min(static_cast<double>(n) * unit, 1.0 * servers);
}

// The mean number in system, in jobs, of probabilities of 0, 1, … units up to `last`.
double mean_jobs(const std::vector<double>& p, double unit, std::size_t last) {
  double mean = 0;
  for (std::size_t n = 0; n <= last && n < p.size(); ++n)
    mean += static_cast<double>(n) * unit * p[n];
  return mean;
}

// The steady state's probabilities of 0, 1, … units (normalised), up to where they are
// negligible; empty when the rate is not below the servers' capacity.
std::vector<double> steady_state(double rate, double per_server, int servers, double unit) {
  if (!(rate < servers * per_server) || !(unit > 0))
    return {};
  std::vector<double> p{1.0};
  double total = 1;
  for (std::size_t n = 1;; ++n) {
    p.push_back(p.back() * rate / jobs_leaving(n, per_server, servers, unit));
    total += p.back();
    if (p.back() < kNegligible * total && static_cast<double>(n) * unit > servers)
      break;
  }
  for (double& x : p)
    x /= total;
  return p;
}

}  // namespace

double UnitChain::steady_mean(double rate, double per_server, int servers, double unit) {
  const std::vector<double> p = steady_state(rate, per_server, servers, unit);
  return p.empty() ? 0 : mean_jobs(p, unit, p.size() - 1);
}

double UnitChain::fit_unit(double rate, double per_server, int servers, double number) {
  double low = 0.02;
  double high = 5;
  if (!(rate < servers * per_server))
    return (low + high) / 2;
  // The steady mean grows with the unit: the queue beyond the servers scales with it.
  for (int step = 0; step < 60; ++step) {
    const double mid = std::sqrt(low * high);
    (steady_mean(rate, per_server, servers, mid) < number ? low : high) = mid;
  }
  return std::sqrt(low * high);
}

void UnitChain::settle(double rate, double per_server) {
  p_ = steady_state(rate, per_server, servers_, unit_);
  if (p_.empty())
    p_ = {1.0};
  top_ = p_.size() - 1;
}

double UnitChain::departures(std::size_t n, double per_server) const {
  return jobs_leaving(n, per_server, servers_, unit_) / unit_;
}

double UnitChain::advance(double rate, double per_server, double seconds) {
  if (!(seconds > 0))
    return 0;
  if (p_.empty())
    settle(0, per_server);
  const double births = rate / unit_;
  const double fastest = births + per_server * servers_ / unit_;
  const auto steps = static_cast<long>(std::ceil(seconds * fastest / kLargestShare));
  const double h = seconds / static_cast<double>(std::max(1L, steps));
  double area = 0;
  for (long s = 0; s < std::max(1L, steps); ++s) {
    // Room for the probability to move up one unit a step.
    if (top_ + 2 >= p_.size())
      p_.resize(2 * p_.size() + 16, 0.0);
    next_.resize(p_.size());
    const std::size_t end = top_ + 1;
    double number = 0;
    for (std::size_t n = 0; n <= end; ++n) {
      number += static_cast<double>(n) * p_[n];
      double in = departures(n + 1, per_server) * p_[n + 1];
      if (n > 0)
        in += births * p_[n - 1];
      next_[n] = p_[n] + h * (in - (births + departures(n, per_server)) * p_[n]);
    }
    area += h * unit_ * number;
    std::copy(next_.begin(), next_.begin() + static_cast<std::ptrdiff_t>(end + 1), p_.begin());
    top_ = end;
    while (top_ > 0 && p_[top_] < kNegligible)
      --top_;
  }
  return area;
}

void UnitChain::arrive(double jobs) {
  if (!(jobs > 0))
    return;
  if (p_.empty())
    p_ = {1.0};
  const double units = jobs / unit_;
  const auto whole = static_cast<std::size_t>(units);
  const double part = units - static_cast<double>(whole);
  next_.assign(top_ + whole + 2, 0.0);
  for (std::size_t n = 0; n <= top_; ++n) {
    next_[n + whole] += (1 - part) * p_[n];
    next_[n + whole + 1] += part * p_[n];
  }
  p_.swap(next_);
  top_ = p_.size() - 1;
  while (top_ > 0 && p_[top_] < kNegligible)
    --top_;
}

double UnitChain::mean() const {
  return mean_jobs(p_, unit_, top_);
}

}  // namespace kendall::validation
