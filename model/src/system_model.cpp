// analyze(): dispatch on the workload type, and what open and closed analyses share.
#include <cmath>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "system_model_detail.hpp"

namespace kendall::model {
namespace detail {

Distribution mixed_service_time(const Service& service, const std::vector<double>& class_rates,
                                const std::vector<const Distribution*>& class_times) {
  double rate = 0, first = 0, second = 0;
  bool same = true;
  for (std::size_t c = 0; c < class_rates.size(); ++c) {
    if (class_rates[c] <= 0)
      continue;
    rate += class_rates[c];
    first += class_rates[c] * class_times[c]->mean;
    second += class_rates[c] * class_times[c]->second_moment();
    same = same && class_times[c]->kind == service.service_time.kind &&
           class_times[c]->mean == service.service_time.mean &&
           class_times[c]->scv == service.service_time.scv;
  }
  if (rate == 0 || same)
    return service.service_time;
  const double mean = first / rate;
  const double scv = std::max(0.0, second / rate / (mean * mean) - 1.0);
  // A mixture keeps the family only when every part is the same; otherwise two moments.
  return Distribution::from_moments(mean, std::abs(scv - 1.0) < 1e-12 ? 1.0 : scv);
}

void evaluate_slos(const System& system, SystemResult& result) {
  for (const Slo& slo : system.slos) {
    const ClassResult& c = result.classes[slo.workload_class];
    SloResult out{c.name, slo.statistic, slo.latency, std::nullopt, false};
    if (slo.statistic == Statistic::mean) {
      out.predicted = c.mean_response_time;
    } else if (c.response_time_percentiles) {
      const ResponsePercentiles& p = *c.response_time_percentiles;
      switch (slo.statistic) {
        case Statistic::p50:
          out.predicted = p.p50;
          break;
        case Statistic::p90:
          out.predicted = p.p90;
          break;
        case Statistic::p95:
          out.predicted = p.p95;
          break;
        case Statistic::p99:
          out.predicted = p.p99;
          break;
        case Statistic::p999:
          out.predicted = p.p999;
          break;
        case Statistic::mean:
          break;
      }
    }
    out.met = out.predicted && *out.predicted <= slo.latency;
    result.slos.push_back(out);
  }
  for (std::size_t i = 0; i < result.classes.size(); ++i) {
    std::optional<bool> met;
    for (const SloResult& slo : result.slos) {
      if (slo.workload_class == result.classes[i].name)
        met = met.value_or(true) && slo.met;
    }
    result.classes[i].slo_met = met;
  }
}

}  // namespace detail

SystemResult analyze(const System& system, const AnalysisOptions& options) {
  if (!(options.rate_scale > 0) || !std::isfinite(options.rate_scale)) {
    throw InputError(
        fmt::format("rate scale must be a positive number, found {}", options.rate_scale));
  }
  SystemResult result = system.workload == WorkloadType::open
                            ? detail::analyze_open(system, options)
                            : detail::analyze_closed(system, options);
  detail::evaluate_slos(system, result);
  return result;
}

}  // namespace kendall::model
