#pragma once
// The time a server says it spent on a request, from its W3C Server-Timing response fields
// (https://www.w3.org/TR/server-timing/): metrics with a `dur` in milliseconds, e.g.
// `queue;dur=0.120, work;dur=1.250` from Kendall's services. Taken off each request's latency,
// it leaves the path outside the server (network, both ends' I/O threads, the send's lag).

#include <optional>
#include <string_view>

namespace kendall::loadgen::detail {

/// The server's time over every Server-Timing field of one response: a metric named `total`
/// if there is one (a server whose metrics overlap says so), else the sum of every metric's
/// `dur`. Metrics without a readable `dur` are skipped; a field that is not the grammar is
/// ignored rather than failing the response, as the field only informs.
class ServerTiming {
 public:
  /// Adds one field's value (a comma-separated list of metrics).
  void add_field(std::string_view value);
  /// Seconds; nothing when no metric had a `dur`.
  std::optional<double> seconds() const;
  void clear() { *this = ServerTiming{}; }

 private:
  double sum_ms_ = 0;
  bool any_ = false;
  std::optional<double> total_ms_;
};

}  // namespace kendall::loadgen::detail
