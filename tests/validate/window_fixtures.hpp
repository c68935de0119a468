#pragma once
// Windows of a level for the window tests: one exponential worker, and windows by rate and hold.

#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/level_windows.hpp"

namespace kendall::validation::testing {

/// One exponential worker of 1 ms, no overhead: each window is M/M/1, whose sojourn is
/// exponential with rate μ − λ.
inline LevelModel one_exponential_worker() {
  Calibration calibration;
  calibration.service = "login";
  calibration.service_mean = 0.001;
  calibration.service_scv = 1;
  calibration.overhead = 0;
  LevelModel levels;
  levels.base = calibrated_system(calibration, 1, 1);
  return levels;
}

/// A window from `start` of `duration` seconds that served `rate` jobs a second, held `hold`
/// each (exponential: SCV 1).
inline WorkWindow window_of(double start, double rate, double hold, double duration = 5) {
  WorkWindow window;
  window.start = start;
  window.duration = duration;
  window.jobs = rate * duration;
  window.work.hold_mean = hold;
  window.work.hold_scv = 1;
  return window;
}

/// Four workers time-sharing two cores, 2 ms of CPU-bound work (SCV 0.01) and 0.4 ms of the
/// machine's other CPU per request.
inline LevelModel four_workers_on_two_cores() {
  Calibration calibration;
  calibration.service = "login";
  calibration.service_mean = 0.002;
  calibration.service_scv = 0.01;
  calibration.overhead = 0.0005;
  LevelModel levels;
  levels.base = calibrated_system(calibration, 4, 1);
  levels.base.services[0].cores = 2;
  levels.cores = 2;
  levels.io_cpu = 0.0001;
  levels.background_cpu = 0.0004;
  return levels;
}

/// A window of CPU-bound work offered `rate` a second, `cpu` seconds of the service's CPU per job.
inline WorkWindow cpu_window(double start, double rate, double cpu, double duration = 1) {
  WorkWindow window;
  window.start = start;
  window.duration = duration;
  window.jobs = rate * duration;
  window.offered = rate;
  window.work.service_cpu = cpu;
  window.work.machine_cpu = cpu + 0.0004;
  window.work.cpu_scv = 0.01;
  return window;
}

}  // namespace kendall::validation::testing
