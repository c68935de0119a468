#pragma once
/// Closed queueing networks: exact single-class solution (MVA for load-independent stations,
/// a numerically stable log-space convolution for multi-server stations) and approximate MVA
/// (Schweitzer–Bard) for several classes, with asymptotic bounds. Units: seconds and 1/s.

#include <string>
#include <vector>

namespace kendall::model {

struct ClosedStation {
  std::string name;
  bool delay = false;  ///< infinite servers (no queueing)
  int servers = 1;     ///< identical servers sharing one FCFS queue (ignored for delay)
  /// Service demand per class: visits × mean service time, seconds per request of that class.
  std::vector<double> demands;
  /// Report the station's occupancy p(n | N) in the result (the exact one-class solution only;
  /// a station that asks is convolved as a load-dependent pool whatever its servers).
  bool occupancy = false;
};

struct ClosedModel {
  std::vector<ClosedStation> stations;
  std::vector<int> populations;     ///< users per class
  std::vector<double> think_times;  ///< per class, seconds (an implicit delay station)
};

struct ClosedStationResult {
  std::vector<double> throughput;      ///< per class: requests/s counted per class request (X_c)
  std::vector<double> utilization;     ///< per class: busy fraction per server
  std::vector<double> residence_time;  ///< per class: total time at the station per request
  std::vector<double> queue_length;    ///< per class: mean number at the station
  double total_utilization = 0;        ///< busy fraction per server, all classes
  double total_queue_length = 0;
  /// p(n | N), n = 0..N: the station's marginal distribution, where it asked for it and the
  /// solution is exact (one class); empty otherwise.
  std::vector<double> occupancy;
};

struct AsymptoticBounds {
  /// Per class, with the other classes absent: X <= min(N / (D + Z), min_i servers_i / D_i);
  /// R >= max(D, N max_i(D_i / servers_i) - Z).
  std::vector<double> throughput_upper;
  std::vector<double> response_time_lower;
  std::vector<std::string> bottleneck;  ///< station with the largest D_i / servers_i
};

struct ClosedResult {
  std::string method;  ///< "exact MVA", "exact (log-space convolution)", "Schweitzer-Bard AMVA"
  bool exact = false;
  int iterations = 0;                 ///< AMVA only
  std::vector<double> throughput;     ///< per class, requests/s
  std::vector<double> response_time;  ///< per class, excluding think time
  std::vector<ClosedStationResult> stations;
  AsymptoticBounds bounds;
};

/// Exact solution; the model must have one class. Throws InputError otherwise.
ClosedResult solve_closed_exact(const ClosedModel& model);
/// Schweitzer–Bard approximate MVA for any number of classes; multi-server stations by
/// Seidmann's decomposition (a queue with demand D/c plus a delay of D(c-1)/c).
ClosedResult solve_closed_approximate(const ClosedModel& model, double tolerance = 1e-10,
                                      int max_iterations = 100000);
/// Exact single-class solution by Buzen's convolution algorithm in log space, whatever the
/// stations (solve_closed_exact calls it when a station has more than one server). Stable at any
/// population: every term is positive. Exposed so the two exact methods can check each other.
ClosedResult solve_closed_convolution(const ClosedModel& model);
/// Exact for one class, approximate for more.
ClosedResult solve_closed(const ClosedModel& model);
AsymptoticBounds asymptotic_bounds(const ClosedModel& model);

}  // namespace kendall::model
