#pragma once
/// What a load test measured, per step: counts, errors by kind, latency histograms, a
/// per-second series; JSON in and out, exact merge of runs, and the HdrHistogram .hgrm text.
/// Latencies in seconds.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kendall/base/histogram.hpp"

namespace kendall::loadgen {

using Json = nlohmann::ordered_json;

/// A histogram plus the exact sum of its values. After a JSON round trip the histogram is
/// rebuilt from its bucket counts, min and max (so quantiles are unchanged) but its own sum is
/// only approximate; `sum` stays exact.
struct Latencies {
  Histogram histogram;
  double sum = 0;

  void record(double seconds) {
    histogram.record(seconds);
    sum += seconds;
  }
  void merge(const Latencies& other);
  std::uint64_t count() const { return histogram.count(); }
  double mean() const { return count() ? sum / static_cast<double>(count()) : 0.0; }
  double quantile(double q) const { return histogram.value_at_quantile(q); }
};

/// Gaps between consecutive sends of one load-generator thread, as they really left (not as
/// intended): their SCV is the arrival variability the server saw. A Poisson schedule gives 1;
/// sends held back and then released together (the generator short of CPU) give more.
struct SendGaps {
  std::uint64_t count = 0;
  double sum = 0;
  double sum_squares = 0;

  void record(double seconds) {
    ++count;
    sum += seconds;
    sum_squares += seconds * seconds;
  }
  void merge(const SendGaps& other);
  double mean() const { return count ? sum / static_cast<double>(count) : 0.0; }
  /// Squared coefficient of variation; nothing below two gaps.
  std::optional<double> scv() const;
};

/// Failures by kind. connect/timeout/io are requests without a response; 4xx/5xx are responses.
struct ErrorCounts {
  std::uint64_t connect = 0;
  std::uint64_t timeout = 0;
  std::uint64_t io = 0;
  std::uint64_t status_4xx = 0;
  std::uint64_t status_5xx = 0;
  std::uint64_t failed() const { return connect + timeout + io; }
  std::uint64_t total() const { return failed() + status_4xx + status_5xx; }
  void merge(const ErrorCounts& other);
};

/// One second of a step: responses by completion time, late sends by when they left.
struct SecondStats {
  std::uint64_t responses = 0;
  std::uint64_t errors = 0;
  double latency_sum = 0;
  double latency_max = 0;
  /// Sends in this second that left more than the late threshold after their intended time:
  /// where they bunch, the server saw a burst the schedule did not ask for.
  std::uint64_t late_sends = 0;
};

struct StepResult {
  std::optional<double> target_rate;  // open loop only
  double duration = 0;                // seconds the step sent requests for
  /// sent = responses + errors.failed(); unsent requests were due but never got a connection
  /// before the step ended.
  std::uint64_t sent = 0;
  std::uint64_t responses = 0;
  std::uint64_t unsent = 0;
  /// Sends that started more than the late threshold after their intended time.
  std::uint64_t late_sends = 0;
  ErrorCounts errors;
  std::map<int, std::uint64_t> status_codes;
  /// From the intended send time to the end of the response (what users see; no coordinated
  /// omission).
  Latencies latency;
  /// From the write to the end of the response (what the server took, as wrk measures).
  Latencies service_time;
  /// From the intended send time to the write: timer lag plus waiting for a free connection.
  Latencies send_lag;
  /// The latency less the time the server said it took (its Server-Timing fields), for the
  /// responses that said: the path outside the server, send lag included. Empty otherwise.
  Latencies outside_server;
  SendGaps send_gaps;
  std::vector<SecondStats> series;

  double throughput() const { return duration > 0 ? static_cast<double>(responses) / duration : 0; }
  double achieved_rate() const { return duration > 0 ? static_cast<double>(sent) / duration : 0; }
  void merge(const StepResult& other);
};

struct RunResult {
  std::string mode;    // "open", "closed" or "max"
  std::string target;  // the URL or scenario file
  std::uint64_t seed = 0;
  int threads = 0;
  int connections = 0;
  int users = 0;
  bool interrupted = false;  // ended early by Ctrl-C
  /// The scheduler slice the sending threads asked for, in seconds (0: the kernel's default),
  /// and what the kernel did with it (kendall::describe(TimeSliceOutcome); empty: unknown, as
  /// in results written before it was recorded).
  double thread_slice = 0;
  std::string thread_slice_outcome;
  std::vector<StepResult> steps;
  /// Merges another run (e.g. from a second machine) step by step: counts and histograms add,
  /// durations take the longer. Throws InputError when the step counts differ.
  void merge(const RunResult& other);
};

/// Versioned JSON (docs/loadgen.md): counts, errors, throughput, latency percentiles in seconds,
/// series, status codes and the histograms' bucket counts.
Json to_json(const RunResult& result);
/// Reads what to_json wrote; throws InputError naming `source` on anything else.
RunResult from_json(const Json& json, const std::string& source);
/// The HdrHistogram percentile distribution (Java layout, values in milliseconds, 5 ticks per
/// half distance), which hdrhistogram.org's plotter and HistogramLogAnalyzer read.
void write_hgrm(std::ostream& out, const Latencies& latencies);

}  // namespace kendall::loadgen
