#pragma once

#include <optional>
#include <vector>

#include "kendall/base/histogram.hpp"
#include "kendall/model/spec.hpp"

namespace kendall::validation {

/// The calibrated model at one load level. CPU-bound services share the machine's cores with the
/// load generator and their own I/O threads: that background CPU work (per request) leaves the
/// workers a fraction 1 − U_bg of the cores, so their service time stretches by 1 / (1 − U_bg),
/// U_bg = throughput × background CPU per request / cores — the "shadow server" approximation.
/// What one level measured of the service's work: per job or per response, in seconds.
struct LevelWork {
  std::optional<double> hold_mean;  ///< a worker's hold per job (/metrics)
  std::optional<double> job_mean;   ///< the job's own time in service (/metrics)
  std::optional<double> hold_scv;
  std::vector<model::DispersionPoint> hold_dispersion;
  std::optional<double> cpu_scv;  ///< the SCV of the jobs' own CPU times (/metrics)
  /// Their dispersion over time: the machine's speed, without the waits for a core.
  std::vector<model::DispersionPoint> cpu_dispersion;
  std::optional<double> service_cpu;  ///< the service process's CPU per response
  /// The workers' own CPU per job (kendall_worker_cpu_seconds_total): service_cpu without the
  /// I/O thread's, to the nanosecond where /proc counts 10 ms ticks. The time-shared work.
  std::optional<double> worker_cpu;
  /// The SCV of the gaps between the sends as they left the load generator (open loop).
  std::optional<double> send_gap_scv;
  double machine_cpu = 0;  ///< the whole machine's busy CPU per response
  /// The path outside the server per request: the client's latency less the worker queue's
  /// wait and the hold (/metrics); empty without them.
  std::optional<double> path_mean;
  /// The same path request by request, as quantiles: each latency less the time the server
  /// said it took (Server-Timing); empty when the service does not say.
  std::vector<double> path_quantiles;
};

/// The path outside the server request by request as `points` equally likely values, the
/// quantiles at (i + ½) / points (fewer with fewer requests); empty under kLeastPathRequests,
/// too few to give a tail.
inline constexpr std::uint64_t kLeastPathRequests = 200;
std::vector<double> path_quantiles(const Histogram& outside, std::size_t points = 1000);

/// The service's inputs to the model at one level, and whether they came from it.
struct LevelInputs {
  double service_mean = 0;
  double background_cpu = 0;
  std::optional<double> service_scv;  ///< empty: calibration's
  /// κ₃ / mean³ of one hold (the skew index of the smallest block, pairs): with it the work's
  /// shape is a minimum plus a gamma when a plain gamma is not as skewed (model/shifted_gamma.hpp).
  std::optional<double> service_third_ratio;
  std::vector<model::DispersionPoint> dispersion;
  bool from_level = false;  ///< false: calibration's service time and background
  /// Open loop: the SCV of the arrivals' gaps, the sends'; empty: Poisson.
  std::optional<double> arrival_scv;
  /// The work is the jobs' CPU time on cores the workers time-share (more workers than cores).
  bool time_shared = false;
  /// Seconds per job off its core beyond what time-sharing the cores explains (matched_to_hold).
  double off_core = 0;
  /// Time-shared: the holds' SCV, which the model's time in a worker is widened to (the
  /// scheduler's slices spread it beyond processor sharing's); empty: not widened.
  std::optional<double> hold_scv;
};

struct LevelModel {
  model::System base;         ///< the calibrated system; services[0] is the service under test
  bool closed = false;        ///< load is a population (closed) rather than a rate (open)
  double background_cpu = 0;  ///< seconds of other CPU work per request (calibrated)
  double cores = 0;           ///< cores the workers share; 0: not CPU-bound
  /// The service's CPU per request outside its workers (calibrated), taken from its CPU where
  /// the workers' own is not counted.
  double io_cpu = 0;
  /// Waking an idle worker for a job (calibration's queue wait at low load), part of the
  /// calibrated overhead; 0: none. See handed_off.
  double handoff = 0;
  /// Open loop on shared cores, where a level was measured: the cores its background kept busy
  /// (the load generator, the I/O thread, the kernel), a rate rather than CPU per request. On
  /// our VM it hardly moves with the load (0.13–0.20 cores from 146 to 886 logins/s, while the
  /// CPU per request fell from 1.39 to 0.14 ms), so the next level is placed with it as a rate:
  /// per request it would place the levels far below their fraction. Empty: per request.
  std::optional<double> background_cores;
  /// The path outside the server a level measured, in place of calibration's overhead: its
  /// quantiles request by request (LevelWork::path_quantiles) moved to its mean
  /// (LevelWork::path_mean), else that mean with calibration's SCV; empty: calibration's (see
  /// with_path). Built once here, as every model of the level's windows takes it.
  std::optional<Distribution> path;

  /// Open loop, a core per worker: the mean hand-off a job pays in its service time. A job
  /// that finds a worker idle waits `handoff` for it to wake, and that worker serves no one
  /// meanwhile; a job that queues is taken by a worker already awake. So the model's path
  /// outside the service keeps calibration's overhead less the hand-off, and the service time
  /// gains P(an idle worker) × hand-off, the probability 1 − C(c, a) at that service time (a
  /// fixed point; Erlang C takes the arrivals as Poisson whatever their SCV). At low load that is
  /// the same latency; 30 µs on 1 ms of work at 0.9 of 4 workers adds 0.6% to the work and 8%
  /// to M/M/4's wait (level_model_test.cpp). 0 when `handoff` is 0, for closed loads and shared
  /// cores.
  double handed_off(double load, double service_mean) const;

  /// The same model with the path outside the server `work` measured, for services that are
  /// not CPU-bound: calibration measures that path once at low load, and the levels measured
  /// it 0.15-0.26 ms away from it both ways on 1.5-3 ms means (docs/validate.md, "What is still
  /// off", 2026-12-06). Its spread is the level's too where the service reports its time per
  /// request: the host's stops of the I/O thread or the load generator give the path a tail
  /// calibration's SCV does not have. With shared cores the path also waits for a core, which
  /// the model describes, so it keeps calibration's.
  LevelModel with_path(const LevelWork& work) const;

  /// The same model without the hand-off: the utilization law of the work alone (offered rate ×
  /// service time / servers), which is what a level's utilization means in the report.
  LevelModel work_only() const;

  /// Chooses the model's inputs from what the level measured (docs/validate.md, "What is
  /// compared"). With a core for every worker the hold is the service time: the work plus what
  /// kept the worker off its core. With more workers than cores a hold also waits for a core,
  /// which the model's time-shared cores describe (docs/model.md), so the work is the workers' own
  /// CPU per job (else the service's CPU per request less io_cpu) and the rest of the machine's
  /// CPU is background.
  LevelInputs inputs(const LevelWork& work, int workers) const;

  /// Time-shared inputs with the work raised, if needed, until the model's time in a worker at
  /// `load` is the level's measured `hold`: a job also leaves its core for the I/O thread, the
  /// load generator and the kernel, and waits for an idle core to wake, none of which is CPU
  /// time. The work is never lowered below the CPU time. Other inputs are returned as given.
  LevelInputs matched_to_hold(const LevelInputs& inputs, double load, double hold) const;

  /// The open-loop rate at which every server is busy, the background CPU work included:
  /// servers / (S + b × servers / cores) with the service time S and background CPU b per request,
  /// or servers × (1 − B / cores) / S with background_cores B.
  double saturation_rate() const;

  /// The same model with the service time and background CPU a level measured at `offered`
  /// requests/s (the SCV stays calibration's): where the next level is placed, since the work
  /// under load differs from the work at calibration's low load and the host's speed drifts.
  LevelModel with_work(const LevelInputs& inputs, double offered) const;

  /// Background CPU per request at `load`: background_cores spread over that rate where the
  /// placement has them (open loop), else background_cpu.
  double background_cpu_at(double load) const;

  /// The system at `load` (a rate, or a population when closed) with the calibrated inputs and
  /// the background per request at that load.
  model::System at(double load) const;

  /// The same with the service time's mean (and SCV, else the calibrated one) and the background
  /// CPU per request given (measured over the level), and the service times' dispersion over
  /// time when measured (empty: independent), and one service time's κ₃ / mean³ when measured.
  model::System at(double load, double service_mean, double background_cpu_now,
                   std::optional<double> service_scv = std::nullopt,
                   const std::vector<model::DispersionPoint>& dispersion = {},
                   std::optional<double> third_ratio = std::nullopt) const;

  /// The same with every input `inputs` chose, the work's third moment and the arrivals' SCV
  /// included.
  model::System at(double load, const LevelInputs& inputs) const;
};

}  // namespace kendall::validation
