#pragma once
/// The validation loop (docs/validate.md): start (or target) a service, calibrate it, sweep load
/// levels chosen as fractions of the predicted saturation, and compare what was measured with the
/// analytic model and the simulator at every level. Times in seconds, rates in requests/second.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kendall/model/spec.hpp"
#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/host_pauses.hpp"

namespace kendall::validation {

/// How to run the bundled user-login-service (and, to create the user that logs in, the
/// user-register-service) for a controlled experiment.
struct BundledServices {
  int workers = 4;
  int io_threads = 1;
  /// The workers' CPU priority below the I/O thread's (the services' --worker-nice; 0 = same).
  int worker_nice = 0;
  /// Scheduler slice of the I/O threads (the services' --io-slice; 0: the kernel's default).
  std::chrono::nanoseconds io_slice{100'000};
  std::string work_model;  ///< e.g. "exp:1ms"; empty: only the real work (hashing, SQLite)
  int hash_ops = 1;
  std::string hash_mem = "8KiB";
  std::string services_dir;  ///< where the executables are; empty: search (find_service_binary)
};

struct ValidationOptions {
  /// Start the bundled services (else target a running one).
  std::optional<BundledServices> bundled;
  /// A running target: a URL (GET) or a loadgen scenario file whose requests all go to one
  /// service; `service` names it (default: the spec's service on that port, else the host:port).
  std::string target_url;
  std::string scenario_file;
  std::string service;
  /// Optional spec: the validated service's workers and replicas and the class's SLO come from
  /// it; its service time is replaced by the calibrated one.
  std::optional<model::System> spec;

  std::vector<double> levels{0.2, 0.5, 0.8, 0.9};  ///< fractions of the saturation point
  /// One duration for every level, or one per level.
  std::vector<double> step_durations{10.0};
  /// Seconds per window: each level is modelled window by window, as the host's speed wanders
  /// (level_windows.hpp), and the next level placed from the last window; 0: the whole level.
  /// Empty: kAutoWindowCpuBound for CPU-bound work in open loop, else kAutoWindow.
  std::optional<double> window;
  /// Open loop: place each window's rate from the work the latest windows measured (enough jobs
  /// to know their mean to 1%, at most 5 s: level_windows.hpp's placement_span), so that a
  /// level stays at its fraction while the host's speed moves; false: one rate per level.
  bool hold_utilization = true;
  bool closed = false;       ///< users with think time instead of Poisson arrivals
  double think_time = 0.01;  ///< closed: mean (exponential) think time
  /// Cores the service's workers share (CPU-bound work). Default: the machine's cores when the
  /// bundled service is measured to be CPU-bound, else none.
  std::optional<int> cores;
  double tolerance_mean = 0.10;
  double tolerance_p95 = 0.15;
  /// How many more times a level is measured while its mean's 95% interval is wider than
  /// ±tolerance_mean (a stall of the host); the most precise run is kept.
  int remeasure = 1;
  /// Scheduler slice of the load generator's threads at the levels (calibration has its own).
  std::chrono::nanoseconds thread_slice{100'000};
  int connections = 256;  ///< open loop: enough that no request waits for a connection
  std::uint64_t seed = 1;
  CalibrationOptions calibration;
  /// The simulator's requests per replication, and replications. A level replayed window by
  /// window (window_replay.hpp) takes passes of the level holding as many requests in all.
  std::uint64_t simulated_requests = 200'000;
  int simulated_replications = 5;
};

/// The default windows (ValidationOptions::window). CPU-bound work in open loop takes 0.2 s, the
/// rate's own cadence: the host's slow spells are shorter than a second, and a 1 s window
/// averages away the backlog they grow, or leaves them to the runs model, which overstated
/// their wait with a core per worker (docs/validate.md, "Windows").
inline constexpr double kAutoWindow = 1.0;
inline constexpr double kAutoWindowCpuBound = 0.2;
/// Shorter windows than this hold too few jobs to measure the work in, and the rate is placed
/// every 0.2 s.
inline constexpr double kShortestWindow = 0.2;

struct Stats {
  double throughput = 0;
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
};

/// One window of a level (level_windows.hpp): what the service did in it and what the model said.
struct WindowResult {
  double start = 0;  ///< seconds since the level's load started
  double duration = 0;
  double jobs = 0;
  std::optional<double> offered_rate;  ///< open loop: the rate the load generator was asked for
  double utilization = 0;      ///< the utilization law with the window's own work and arrival rate
  double service_time = 0;     ///< the model's service time for the window
  std::optional<double> mean;  ///< the model's mean latency; empty: unstable
  /// The load generator's mean over the seconds that ended in the window (by completion).
  std::optional<double> measured_mean;
  /// The server's own mean over the window, from a request read to its answer (/metrics): what
  /// of measured_mean the service saw.
  std::optional<double> measured_server_mean;
  /// What the window measured of the work per job: the service process's CPU (/proc, the I/O
  /// thread's included) and the workers' own (their nanosecond counter).
  std::optional<double> measured_service_cpu;
  std::optional<double> measured_worker_cpu;
  /// The SCV of the window's own holds (the model takes the level's): a stop of the host that
  /// held a few jobs for its length would show here (this VM's bursts of steal did not).
  std::optional<double> measured_hold_scv;
  /// Core-seconds the hypervisor took from the machine over the window (steal).
  double host_steal = 0;
  /// Open loop: the load generator's sends that left late (past its late threshold) in the
  /// seconds whose middle falls in the window.
  std::uint64_t measured_late_sends = 0;
};

/// One run of a level: a level is measured again while its mean is too uncertain to judge the
/// model or the host disturbed it (`--remeasure`), and every run is modelled from its own inputs
/// and windows, so that the model's error on the runs not kept is reported too.
struct LevelRunResult {
  double mean = 0;
  double p95 = 0;
  double uncertainty = 0;  ///< the mean's 95% interval's half width over the mean; 0: none
  HostPauses pauses;
  /// The model from this run's own inputs (the kept run's is the level's `predicted`); empty
  /// when it says the run was unstable.
  std::optional<Stats> predicted;
  /// The most steal (core-seconds) in one of the run's windows: kStealDisturbs or more, the
  /// host disturbed it.
  double window_steal = 0;
  /// The core-seconds of the run's worst stop: the cores stopped together added up
  /// (HostPauses::worst_core_time), and at least its longest stop on every core, since the core
  /// that stopped may hold the service's one I/O thread. A guest that counts no steal shows the
  /// host only this way: on a VM of 2026-12-05 whose /proc/stat counted none, a 12 s "0.2" of the
  /// exp:1ms CI test with five stops (101 ms in all, the longest 34 ms) measured 18% above the
  /// model. kStealDisturbs or more, the host disturbed it.
  double stopped_core_time = 0;

  /// The hypervisor's steal disturbed the run.
  bool stolen() const { return window_steal >= kStealDisturbs - 1e-9; }
  /// A stop of one or more cores disturbed the run.
  bool stopped() const { return stopped_core_time >= kStealDisturbs - 1e-9; }
  bool disturbed() const { return stolen() || stopped(); }
};

struct LevelResult {
  double load_fraction = 0;
  double rate = 0;  ///< open: offered requests per second
  int users = 0;    ///< closed: population
  double duration = 0;
  /// Where the level was placed: the model's utilization at its load, with the work measured
  /// by calibration (the first level) or by the level before (placed_from "level N").
  double utilization = 0;
  std::string placed_from = "calibration";
  double placement_service_time = 0;  ///< the service time per request the placement used
  double placement_background_cpu = 0;
  /// The utilization law with the level's own inputs (offered rate × its service time / the
  /// servers): what the level really tested when the service ran faster or slower than at
  /// calibration.
  std::optional<double> measured_utilization;

  Stats measured;
  std::pair<double, double> measured_mean_ci{0, 0};  ///< 95%, batch means over 1 s batches
  /// Every run of the level (more than one when a run was too uncertain); `kept_run` is the
  /// one `measured` reports and the level is judged on.
  std::vector<LevelRunResult> runs;
  int kept_run = 0;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::uint64_t late_sends = 0;
  /// Times the machine stood still during the level (host_pauses.hpp): a thread's oversleeps.
  HostPauses host_pauses;
  /// SCV of the gaps between sends as they left the load generator (open loop): 1 when the
  /// server really saw Poisson arrivals, more when held-back sends went out together.
  std::optional<double> send_gap_scv;
  std::optional<double> server_service_mean;  ///< from /metrics during the step
  /// Time a worker was held per job during the step (kendall_worker_busy_seconds_total over
  /// kendall_worker_jobs_total): the service time plus handing the answer back.
  std::optional<double> server_hold_mean;
  std::optional<double> server_hold_scv;  ///< the holds' SCV during the step
  /// Mean wait in the service's queue for a worker during the step (kendall_queue_wait_seconds):
  /// the part of the latency the queueing model is about.
  std::optional<double> server_queue_wait;
  /// The SCV of the gaps between jobs arriving at the worker queue during the step.
  std::optional<double> server_arrival_scv;
  std::vector<model::DispersionPoint> server_arrival_dispersion;  ///< J(m) of those gaps
  std::optional<double> server_cpu_scv;  ///< the SCV of the jobs' own CPU times
  std::vector<model::DispersionPoint> server_cpu_dispersion;  ///< of the jobs' CPU times
  std::vector<CoreSpeed> server_cores;  ///< the jobs' CPU time by the CPU they ended on
  /// The pool's time and jobs finished by the number of workers busy during the step.
  std::vector<BusySpeed> server_busy;
  /// More workers than cores: the pool's rate with every worker busy over its rate with as many
  /// busy as cores (sharing_speed); empty otherwise or when too short to say.
  std::optional<double> server_sharing_speed;
  /// The holds' index of dispersion I(m) at block sizes m during the step: c_s² at every m when
  /// holds are independent, more when slow holds come in runs (a machine slower for a while).
  std::vector<model::DispersionPoint> server_hold_dispersion;

  /// The model's inputs for this level, measured over the level itself (docs/validate.md):
  /// the service time (time holding a worker from /metrics, or for CPU-bound work the CPU time
  /// per request) and the other CPU work per request; calibration's values when not measurable.
  double model_service_time = 0;
  double model_background_cpu = 0;
  /// Time-shared cores: seconds per job off its core beyond sharing, in model_service_time.
  double model_off_core = 0;
  /// The mean hand-off to an idle worker the model adds to the service time at this level
  /// (LevelModel::handed_off), not in model_service_time; 0: none.
  double model_handoff = 0;
  /// The path outside the server the model took from this level (LevelModel::with_path);
  /// empty: calibration's overhead.
  std::optional<double> model_path;
  /// Its SCV, and whether its shape came from each request (Server-Timing) rather than from
  /// calibration's SCV.
  std::optional<double> model_path_scv;
  bool model_path_per_request = false;
  std::optional<double> model_service_scv;  ///< the holds' SCV; empty: calibration's
  /// Time-shared: the holds' SCV the time in a worker was widened to; empty: not widened.
  std::optional<double> model_hold_scv;
  /// The arrivals' SCV the model took (the sends', less the stops' gaps where it holds the
  /// arrivals through them); empty: Poisson.
  std::optional<double> model_arrival_scv;
  /// Seconds of the machine's stops the model held the arrivals through (window_spans); 0:
  /// none, or a model that does not hold them (closed loop, CPU-bound work, no windows).
  double model_held_stops = 0;
  /// One hold's κ₃ / mean³ (the pairs' skew index) and, when the work is more skewed than a
  /// gamma, the minimum of the shifted gamma the model used (empty: the two-moment family).
  std::optional<double> model_service_third_ratio;
  std::optional<double> model_service_minimum;
  /// The holds' dispersion the model's wait uses; empty: independent service times.
  std::vector<model::DispersionPoint> model_service_dispersion;
  /// The model's wait over Allen–Cunneen's for the same inputs: above 1 when runs of slow
  /// holds lengthen the queue (docs/validate.md).
  std::optional<double> model_dispersion_factor;
  /// The runs within a window the windows' model took (the level's index less the drift between
  /// windows, I(m) − m V); empty: independent service times, or no windows.
  std::vector<model::DispersionPoint> model_window_dispersion;
  /// The model's mean wait in the service's queue, against server_queue_wait.
  std::optional<double> model_queue_wait;
  std::string model_inputs = "calibration";  ///< or "this level"
  std::optional<Stats> predicted;            ///< empty when the model says the level is unstable
  /// The model with the level's average inputs, as if the host's speed had held still; it is
  /// `predicted` unless the level was mixed from its windows.
  std::optional<Stats> predicted_stationary;
  /// The level's windows; `predicted` mixes them when there are two or more and all are stable.
  std::vector<WindowResult> windows;
  bool predicted_from_windows = false;
  /// The forward prediction from the low-load calibration alone, and its errors.
  std::optional<Stats> predicted_from_calibration;
  std::optional<double> error_mean_from_calibration;
  std::optional<double> error_p95_from_calibration;
  Stats simulated;
  std::pair<double, double> simulated_mean_ci{0, 0};

  std::optional<double> error_mean;  ///< (predicted − measured) / measured
  std::optional<double> error_p95;
  bool mean_ok = false;
  bool p95_ok = false;
};

/// The model's mean and p95 at one load, for the report's curves.
struct CurvePoint {
  double load_fraction = 0;
  double rate = 0;
  int users = 0;
  double mean = 0;
  double p95 = 0;
};

struct ValidationReport {
  std::string configuration;  ///< what ran, in one line
  std::string mode;           ///< "open" or "closed"
  Calibration calibration;
  model::System system;   ///< the calibrated model that made the predictions
  std::string spec_yaml;  ///< the same, as a spec file
  double saturation = 0;  ///< open: requests/s; closed: users at the knee
  double tolerance_mean = 0;
  double tolerance_p95 = 0;
  int cores = 0;      ///< of this machine, shared by the service and the load generator
  double window = 0;  ///< seconds per window the levels were modelled in (0: each whole)
  std::optional<model::Slo> slo;
  std::vector<LevelResult> levels;
  std::vector<CurvePoint> curve;
  std::vector<std::string> notes;

  /// Every level within both tolerances.
  bool passed() const;
};

/// Progress lines ("calibrating …", "level 2/4 …") for the terminal.
using ValidationProgress = std::function<void(const std::string&)>;

/// Runs the whole loop. Throws InputError for bad options and std::runtime_error when a service
/// cannot be started or reached.
ValidationReport run_validation(const ValidationOptions& options,
                                const ValidationProgress& progress = {});

/// The class "requests" through a delay for the measured overhead and the calibrated service:
/// the model that validation compares against (also what `kendall calibrate` writes).
model::System calibrated_system(const Calibration& calibration, int workers, int replicas);

}  // namespace kendall::validation
