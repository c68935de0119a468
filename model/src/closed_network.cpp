// Closed networks: input checks, asymptotic bounds and the choice between exact and approximate.
//
// Bounds: Lazowska, Zahorjan, Graham & Sevcik, "Quantitative System Performance" (1984), §5.2,
// asymptotic bounds for a terminal workload: X(N) <= min(N / (D + Z), 1 / D_max) and
// R(N) >= max(D, N D_max - Z). With c identical servers the utilization law U_i = X D_i / c_i <= 1
// caps X at c_i / D_i, so D_max generalises to max_i D_i / c_i; R >= N D_max - Z then follows from
// R = N / X - Z. A delay station never saturates and counts only towards D. The bounds hold for
// every N and are tight as N -> 0 and N -> infinity.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "closed_detail.hpp"
#include "kendall/base/error.hpp"

namespace kendall::model {
namespace detail {

std::string station_label(const ClosedModel& model, std::size_t index) {
  const std::string& name = model.stations[index].name;
  return name.empty() ? fmt::format("stations[{}]", index)
                      : fmt::format("stations[{}] (\"{}\")", index, name);
}

void validate_closed_model(const ClosedModel& model) {
  const std::size_t classes = model.populations.size();
  if (classes == 0)
    throw InputError(
        "closed model: no classes; give populations one entry per class (users per class)");
  if (model.think_times.size() != classes)
    throw InputError(fmt::format(
        "closed model: think_times has {} entries but populations has {}; give one think time "
        "per class (0 for none)",
        model.think_times.size(), classes));
  for (std::size_t c = 0; c < classes; ++c) {
    if (model.populations[c] < 0)
      throw InputError(fmt::format(
          "closed model: populations[{}] is {}; a population is a number of users, 0 or more", c,
          model.populations[c]));
    const double z = model.think_times[c];
    if (!std::isfinite(z) || z < 0)
      throw InputError(fmt::format(
          "closed model: think_times[{}] is {}; give a finite think time of 0 s or more", c, z));
  }
  for (std::size_t k = 0; k < model.stations.size(); ++k) {
    const ClosedStation& station = model.stations[k];
    if (station.demands.size() != classes)
      throw InputError(fmt::format(
          "closed model: {} has {} demands but there are {} classes; give one demand per class "
          "(visits x service time in seconds, 0 if the class does not visit)",
          station_label(model, k), station.demands.size(), classes));
    if (!station.delay && station.servers < 1)
      throw InputError(
          fmt::format("closed model: {} has {} servers; give 1 or more, or mark it a delay station",
                      station_label(model, k), station.servers));
    for (std::size_t c = 0; c < classes; ++c) {
      const double d = station.demands[c];
      if (!std::isfinite(d) || d < 0)
        throw InputError(fmt::format(
            "closed model: {} demand for class {} is {}; a demand is visits x service time in "
            "seconds, finite and 0 or more",
            station_label(model, k), c, d));
    }
  }
  for (std::size_t c = 0; c < classes; ++c) {
    double total = model.think_times[c];
    for (const ClosedStation& station : model.stations)
      total += station.demands[c];
    if (model.populations[c] > 0 && total <= 0)
      throw InputError(fmt::format(
          "closed model: class {} has no demand at any station and no think time, so its "
          "throughput is unbounded; give it a think time or a positive demand",
          c));
  }
}

ClosedResult closed_result_skeleton(const ClosedModel& model, std::string method, bool exact) {
  const std::size_t classes = model.populations.size();
  ClosedResult result;
  result.method = std::move(method);
  result.exact = exact;
  result.throughput.assign(classes, 0.0);
  result.response_time.assign(classes, 0.0);
  result.stations.resize(model.stations.size());
  for (ClosedStationResult& station : result.stations) {
    station.throughput.assign(classes, 0.0);
    station.utilization.assign(classes, 0.0);
    station.residence_time.assign(classes, 0.0);
    station.queue_length.assign(classes, 0.0);
  }
  result.bounds = asymptotic_bounds(model);
  return result;
}

void fill_station_totals(ClosedResult& result) {
  for (ClosedStationResult& station : result.stations) {
    station.total_utilization = 0;
    station.total_queue_length = 0;
    for (std::size_t c = 0; c < station.utilization.size(); ++c) {
      station.total_utilization += station.utilization[c];
      station.total_queue_length += station.queue_length[c];
    }
  }
}

}  // namespace detail

AsymptoticBounds asymptotic_bounds(const ClosedModel& model) {
  detail::validate_closed_model(model);
  const std::size_t classes = model.populations.size();
  AsymptoticBounds bounds;
  bounds.throughput_upper.resize(classes);
  bounds.response_time_lower.resize(classes);
  bounds.bottleneck.resize(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    const double n = static_cast<double>(model.populations[c]);
    double total_demand = 0;
    double bottleneck_demand = 0;  // max_i D_i / c_i over queueing stations
    for (std::size_t k = 0; k < model.stations.size(); ++k) {
      const ClosedStation& station = model.stations[k];
      total_demand += station.demands[c];
      if (station.delay)
        continue;
      const double per_server = station.demands[c] / static_cast<double>(station.servers);
      if (per_server > bottleneck_demand) {
        bottleneck_demand = per_server;
        bounds.bottleneck[c] = station.name;
      }
    }
    // QSP §5.2; an empty class completes nothing. No queueing demand leaves the bottleneck
    // name empty and only the population limits throughput.
    double x_upper = n == 0 ? 0.0 : n / (total_demand + model.think_times[c]);
    if (bottleneck_demand > 0)
      x_upper = std::min(x_upper, 1.0 / bottleneck_demand);
    bounds.throughput_upper[c] = x_upper;
    // QSP §5.2, with R = N / X - Z.
    bounds.response_time_lower[c] =
        std::max(total_demand, n * bottleneck_demand - model.think_times[c]);
  }
  return bounds;
}

ClosedResult solve_closed(const ClosedModel& model) {
  detail::validate_closed_model(model);
  return model.populations.size() == 1 ? solve_closed_exact(model)
                                       : solve_closed_approximate(model);
}

}  // namespace kendall::model
