#pragma once
// SimulationOptions::schedule as one replication reads it: the phase that holds now, each
// service's slowness in it, and when an open class's next arrival comes while its rate moves
// from phase to phase. Not installed.

#include <cstddef>
#include <limits>
#include <vector>

#include "kendall/sim/simulate.hpp"

namespace kendall::sim::detail {

class PhaseClock {
 public:
  PhaseClock() = default;  // no schedule: the spec's rates and speeds
  /// `phases` checked and complete: every phase has a rate per class and a slowness per service.
  explicit PhaseClock(std::vector<Phase> phases) : phases_(std::move(phases)) {
    double end = 0;
    for (const Phase& phase : phases_)
      ends_.push_back(end += phase.duration);
    if (!ends_.empty())
      ends_.back() = std::numeric_limits<double>::infinity();  // the last phase holds on
  }

  bool empty() const { return phases_.empty(); }

  /// Moves to the phase holding at `now`; simulated time never goes back.
  void advance(double now) {
    while (now >= ends_[current_])
      ++current_;
  }

  /// Service `k`'s slowness in the current phase.
  double slowness(std::size_t k) const { return phases_[current_].slowness[k]; }

  /// When class `c` has had `expected` arrivals' worth of its rate after `now` (in the current
  /// phase): a unit-mean gap turned into time, across the phases it spans. Infinity when the rate
  /// is 0 from some point on and the gap is not used up.
  double after(double now, std::size_t c, double expected) const {
    double from = now;
    for (std::size_t p = current_; p < phases_.size(); ++p) {
      const double rate = phases_[p].rates[c];
      const double span = ends_[p] - from;
      if (rate > 0 && expected <= rate * span)
        return from + expected / rate;
      if (rate > 0)
        expected -= rate * span;
      from = ends_[p];
    }
    return std::numeric_limits<double>::infinity();
  }

 private:
  std::vector<Phase> phases_;
  std::vector<double> ends_;  // each phase's end, the last one infinite
  std::size_t current_ = 0;
};

}  // namespace kendall::sim::detail
