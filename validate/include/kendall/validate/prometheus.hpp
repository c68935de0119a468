#pragma once
/// Reading the Prometheus text exposition format (what /metrics serves): samples by series, and
/// histograms (sum, count, cumulative buckets) with their difference between two scrapes.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kendall::validation {

/// Series name with its labels as written, e.g. `requests_total{route="login",status="200"}`,
/// mapped to the value. Comments and blank lines are skipped.
using Samples = std::map<std::string, double>;

/// Parses the text format. Throws InputError naming `source` and the line for a malformed sample.
Samples parse_prometheus(std::string_view text, const std::string& source);

struct PromHistogram {
  double sum = 0;
  double count = 0;
  /// (upper bound, cumulative count), ascending, +Inf last.
  std::vector<std::pair<double, double>> buckets;

  double mean() const { return count > 0 ? sum / count : 0.0; }
  /// What happened between `earlier` and this scrape (counters subtract).
  PromHistogram since(const PromHistogram& earlier) const;
  /// Variance estimated from the buckets (each bucket's values at its midpoint); coarse.
  double bucket_variance() const;
};

/// The histogram `name` with exactly the labels `labels` (e.g. `route="login"`, or "" for none);
/// nothing when the scrape has no such series.
std::optional<PromHistogram> find_histogram(const Samples& samples, const std::string& name,
                                            const std::string& labels = "");
/// GET /metrics from host:port and parse it; nothing when the service does not answer 200 with
/// the text format (not every service has Kendall's metrics).
std::optional<Samples> scrape_metrics(const std::string& host, std::uint16_t port);

/// The histogram `name` summed over all its label sets (e.g. every route); nothing if absent.
std::optional<PromHistogram> total_histogram(const Samples& samples, const std::string& name);

/// A plain sample (gauge or counter) by its full series text.
std::optional<double> find_sample(const Samples& samples, const std::string& series);

}  // namespace kendall::validation
