// The model at each load level: the service time measured over the level replaces the calibrated
// one, and CPU-bound services stretch it by the background CPU's share of the cores (hand-derived).
#include <gtest/gtest.h>

#include <cmath>

#include "kendall/model/system_model.hpp"
#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation {
namespace {

// Calibrated at 2 ms of work per login (SCV 0.05) and 0.5 ms outside the service.
Calibration login_calibration() {
  Calibration calibration;
  calibration.service = "login";
  calibration.service_mean = 0.002;
  calibration.service_scv = 0.05;
  calibration.overhead = 0.0005;
  return calibration;
}

std::optional<double> predict_mean(const model::System& system) {
  const model::SystemResult result = model::analyze(system);
  return result.classes.at(0).mean_response_time;
}

LevelModel cpu_bound_levels(bool closed) {
  LevelModel levels;
  levels.base = calibrated_system(login_calibration(), 2, 1);
  levels.closed = closed;
  levels.cores = 2;
  levels.background_cpu = 0.0001;
  if (closed) {
    levels.base.workload = model::WorkloadType::closed;
    levels.base.classes[0].think_time = Distribution::exponential(0.01);
  }
  return levels;
}

TEST(LevelModel, CalibratedInputsStretchByTheBackgroundShareOfTheCores) {
  const model::System system = cpu_bound_levels(false).at(500);
  EXPECT_DOUBLE_EQ(system.classes[0].rate, 500);
  // U_bg = 500/s × 0.1 ms / 2 cores = 0.025.
  EXPECT_NEAR(system.services[0].service_time.mean, 0.002 / 0.975, 1e-12);
  EXPECT_NEAR(system.services[0].service_time.scv, 0.05, 1e-12);
}

TEST(LevelModel, TheLevelsOwnServiceTimeIsTheOneStretched) {
  // The hashes ran faster at this level (1.5 ms, not the calibrated 2 ms) and the machine did
  // 0.2 ms of other work per request: U_bg = 500 × 0.2 ms / 2 = 0.05.
  const model::System system = cpu_bound_levels(false).at(500, 0.0015, 0.0002);
  EXPECT_NEAR(system.services[0].service_time.mean, 0.0015 / 0.95, 1e-12);
  EXPECT_NEAR(system.services[0].service_time.scv, 0.05, 1e-12);
}

// The holds' dispersion reaches the service, and the model's wait with it: flat at the SCV it
// changes nothing (Allen–Cunneen), rising to 5 over 256 holds it lengthens the wait at ρ ≈ 0.8.
TEST(LevelModel, AMeasuredDispersionReachesTheWait) {
  const LevelModel levels = cpu_bound_levels(false);
  const auto wait = [&](const std::vector<model::DispersionPoint>& dispersion) {
    const model::System system = levels.at(750, 0.002, 0.0001, 0.05, dispersion);
    EXPECT_EQ(system.services[0].service_dispersion.size(), dispersion.size());
    return *model::analyze(system).services[0].waiting_time;
  };
  const double independent = wait({});
  EXPECT_NEAR(wait({{4, 0.05}, {256, 0.05}}), independent, independent * 1e-6);
  EXPECT_GT(wait({{4, 0.3}, {256, 5.0}}), 1.5 * independent);
}

TEST(LevelModel, AMeasuredScvReplacesTheCalibratedOne) {
  const model::System system = cpu_bound_levels(false).at(500, 0.0015, 0.0002, 0.3);
  EXPECT_NEAR(system.services[0].service_time.mean, 0.0015 / 0.95, 1e-12);
  EXPECT_NEAR(system.services[0].service_time.scv, 0.3, 1e-12);
}

TEST(LevelModel, ServicesThatAreNotCpuBoundTakeTheMeasuredTimeAsItIs) {
  LevelModel levels = cpu_bound_levels(false);
  levels.cores = 0;
  const model::System system = levels.at(500, 0.0015, 0.0002);
  EXPECT_DOUBLE_EQ(system.services[0].service_time.mean, 0.0015);
  EXPECT_DOUBLE_EQ(levels.at(500).services[0].service_time.mean, 0.002);
}

// 4 workers of exponential 1 ms work; calibration's 0.5 ms overhead includes a hand-off of 30 us
// to a worker woken from idle.
LevelModel handing_off() {
  Calibration calibration = login_calibration();
  calibration.service_mean = 0.001;
  calibration.service_scv = 1;
  LevelModel levels;
  levels.base = calibrated_system(calibration, 4, 1);
  levels.handoff = 30e-6;
  return levels;
}

// Hand-derived with an Erlang C of our own (Python, the textbook sum): at 3600/s the share of
// jobs that find a worker idle settles at w = 1 − C(4, 3600 × (1 ms + w × 30 us)) = 0.20123,
// so the work gains 6.037 us (0.6%) and M/M/4's wait grows from 1.9694 ms to 2.1244 ms, times
// (1 + c_s²)/2 = 0.99404 for the SCV the same variance has at the longer mean: 2.1117 ms.
TEST(LevelModel, OnlyJobsThatFindAWorkerIdlePayTheHandOffInTheirService) {
  const LevelModel levels = handing_off();
  EXPECT_NEAR(levels.handed_off(3600, 0.001), 6.0369e-6, 1e-9);
  const model::System system = levels.at(3600);
  const double work = 0.001 + 6.0369e-6;
  EXPECT_NEAR(system.services[0].service_time.mean, work, 1e-9);
  EXPECT_NEAR(system.services[0].service_time.scv, (0.001 / work) * (0.001 / work), 1e-6);
  EXPECT_NEAR(system.services[1].service_time.mean, 0.0005 - 30e-6, 1e-12);
  EXPECT_NEAR(*model::analyze(system).services[0].waiting_time, 2.1117e-3, 0.005 * 2.1117e-3);
  LevelModel without = levels;
  without.handoff = 0;
  EXPECT_NEAR(*model::analyze(without.at(3600)).services[0].waiting_time, 1.9694e-3, 1e-7);
  // At 100/s all but 4 jobs in a million find a worker idle: the same latency either way.
  EXPECT_NEAR(*predict_mean(levels.at(100)), *predict_mean(without.at(100)), 1e-9);
}

// Near saturation almost no job finds a worker idle, so the hand-off costs almost nothing and
// the capacity stays c / S = 4000/s. Hand-derived as above: at 3950/s, w = 1 − C(4, 3950 × (1 ms
// + w × 30 us)) = 0.025904, 0.777 us a job; at 3990/s w = 0.0051968. A hand-off paid by every
// job would saturate at 4 / 1.03 ms = 3883/s.
TEST(LevelModel, TheHandOffVanishesNearSaturationAndKeepsTheCapacity) {
  const LevelModel levels = handing_off();
  EXPECT_NEAR(levels.handed_off(3950, 0.001), 0.025904 * 30e-6, 1e-11);
  EXPECT_NEAR(levels.handed_off(3990, 0.001), 0.0051968 * 30e-6, 1e-11);
  model::AnalysisOptions means;
  means.percentiles = false;
  EXPECT_TRUE(model::analyze(levels.at(3990), means).stable);
  EXPECT_EQ(levels.handed_off(4000, 0.001), 0);
}

// Holds measured as independent (every I(m) at the holds' SCV of 1) stay independent once the
// hand-off lengthens the work: a constant added keeps the sums' variance and third cumulant, so
// the indices shrink with the SCV, and the wait is the one with no dispersion at all. Left as
// measured, they sat above the new SCV and the runs fit read the gap as runs (a 4.5x wait in CI).
TEST(LevelModel, TheHandOffShrinksTheDispersionWithTheScv) {
  const LevelModel levels = handing_off();
  const std::vector<model::DispersionPoint> independent_holds = {{2, 1.0, 2.0}, {256, 1.0, 2.0}};
  const model::System system = levels.at(3600, 0.001, 0, 1.0, independent_holds);
  const double shrink = 0.001 / (0.001 + 6.0369e-6);
  const model::Service& service = system.services[0];
  EXPECT_NEAR(service.service_time.scv, shrink * shrink, 1e-6);
  for (const model::DispersionPoint& point : service.service_dispersion) {
    EXPECT_NEAR(point.index, service.service_time.scv, 1e-12);
    EXPECT_NEAR(*point.skew_index, 2.0 * shrink * shrink * shrink, 1e-6);
  }
  const double flat = *model::analyze(system).services[0].waiting_time;
  const double plain = *model::analyze(levels.at(3600, 0.001, 0, 1.0, {})).services[0].waiting_time;
  EXPECT_NEAR(flat, plain, plain * 1e-6);
}

// A level's own path outside the server replaces calibration's 0.5 ms whole: it was measured
// as the client's latency less the worker queue's wait, which holds the hand-off, so nothing is
// taken off it, and it keeps calibration's SCV. The wait for a worker is the same M/M/4's, so the
// mean moves by the paths' difference alone. Shared cores keep calibration's path.
TEST(LevelModel, ALevelsOwnPathOutsideTheServerReplacesCalibrations) {
  LevelModel levels = handing_off();
  levels.handoff = 0;
  levels.base.services[1].service_time = Distribution::from_moments(0.0005, 0.3);
  LevelWork work;
  work.path_mean = 0.0002;
  const LevelModel measured = levels.with_path(work);
  ASSERT_TRUE(measured.path);
  const model::System system = measured.at(3000);
  EXPECT_NEAR(system.services[1].service_time.mean, 0.0002, 1e-15);
  EXPECT_NEAR(system.services[1].service_time.scv, 0.3, 1e-12);
  EXPECT_NEAR(*predict_mean(system), *predict_mean(levels.at(3000)) - 0.0003, 1e-12);
  // With a hand-off the path is still the level's, not the level's less the hand-off.
  LevelModel handing = handing_off();
  EXPECT_NEAR(handing.with_path(work).at(3600).services[1].service_time.mean, 0.0002, 1e-15);
  // Nothing measured, or CPU-bound: calibration's.
  EXPECT_FALSE(levels.with_path(LevelWork{}).path);
  levels.cores = 2;
  EXPECT_FALSE(levels.with_path(work).path);
  EXPECT_NEAR(levels.with_path(work).at(3000).services[1].service_time.mean, 0.0005, 1e-12);
}

// Measured request by request (Server-Timing), the level's path keeps its shape, moved to the
// mean /metrics gave: quantiles 0.1 ms ×4 and 1.1 ms (mean 0.3 ms) at a mean of 0.25 ms are
// 0.05 ms ×4 and 1.05 ms, variance (4 × 0.2² + 0.8²) / 5 = 0.16 ms², an SCV of 2.56.
TEST(LevelModel, ALevelsPathRequestByRequestKeepsItsShapeAtTheMeasuredMean) {
  LevelModel levels = handing_off();
  levels.handoff = 0;
  LevelWork work;
  work.path_mean = 0.00025;
  work.path_quantiles = {0.0001, 0.0001, 0.0001, 0.0001, 0.0011};
  const Distribution path = levels.with_path(work).at(3000).services[1].service_time;
  ASSERT_EQ(path.kind, DistributionKind::empirical);
  EXPECT_NEAR(path.mean, 0.00025, 1e-15);
  EXPECT_NEAR(path.scv, 2.56, 1e-9);
  EXPECT_NEAR(path.samples.front(), 0.00005, 1e-15);
  // Moved below zero, a quantile stays at zero.
  work.path_mean = 0.00005;
  EXPECT_EQ(levels.with_path(work).path.value().samples.front(), 0.0);
  // CPU-bound: calibration's, shape and all.
  levels.cores = 2;
  EXPECT_FALSE(levels.with_path(work).path);
}

// 1000 requests of 1..1000 µs: 1000 points are the values themselves, as the histogram keeps
// them (to 1/256); 4 points are the quantiles at 1/8, 3/8, 5/8 and 7/8; under 200 requests, none.
TEST(PathQuantiles, AreTheQuantilesAtTheMiddleOfEachEquallyLikelyShare) {
  Histogram outside;
  for (int us = 1; us <= 1000; ++us)
    outside.record(us * 1e-6);
  const std::vector<double> all = path_quantiles(outside);
  ASSERT_EQ(all.size(), 1000u);
  for (std::size_t i = 0; i < all.size(); i += 111)
    EXPECT_NEAR(all[i], (static_cast<double>(i) + 1) * 1e-6,
                (static_cast<double>(i) + 1) * 1e-6 / 256);
  const std::vector<double> four = path_quantiles(outside, 4);
  ASSERT_EQ(four.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(four[i], 125e-6 + 250e-6 * static_cast<double>(i), 2e-6);
  Histogram few;
  for (int i = 0; i < 199; ++i)
    few.record(0.001);
  EXPECT_TRUE(path_quantiles(few).empty());
}

// The tail the path's own spread gives: 2% of requests held up 10 ms outside the server (a
// stop of the I/O thread or the load generator) and the rest 0.2 ms. At 1 request/s there is no
// queue, and P(R > t) = 0.98 e^-(t - 0.2 ms)/1 ms + 0.02 P(S > t - 10.2 ms): the p99 is where
// 0.02 e^-(t - 10.2 ms)/1 ms = 0.01, 10.2 + ln 2 = 10.89 ms. Calibration's SCV on the same mean
// puts it near 5 ms.
TEST(LevelModel, APathsTailPerRequestReachesTheP99) {
  LevelModel levels = handing_off();
  levels.handoff = 0;
  LevelWork work;
  work.path_mean = 0.98 * 0.0002 + 0.02 * 0.0102;
  for (int i = 0; i < 98; ++i)
    work.path_quantiles.push_back(0.0002);
  for (int i = 0; i < 2; ++i)
    work.path_quantiles.push_back(0.0102);
  const auto p99 = [](const model::System& system) {
    return model::analyze(system).classes.at(0).response_time_percentiles->p99;
  };
  EXPECT_NEAR(p99(levels.with_path(work).at(1)), 0.0102 + std::log(2.0) * 0.001, 0.0001);
  work.path_quantiles.clear();
  EXPECT_LT(p99(levels.with_path(work).at(1)), 0.006);
}

// Closed loads and time-shared cores keep calibration's overhead whole.
TEST(LevelModel, TheHandOffMovesOnlyForOpenLoadsOnACorePerWorker) {
  LevelModel levels = handing_off();
  levels.closed = true;
  EXPECT_EQ(levels.handed_off(3600, 0.001), 0);
  levels.closed = false;
  levels.cores = 2;
  EXPECT_EQ(levels.handed_off(3600, 0.001), 0);
  EXPECT_NEAR(levels.at(3000).services[1].service_time.mean, 0.0005, 1e-12);
}

TEST(LevelModel, ClosedLevelsStretchByTheThroughputTheyReach) {
  // A fixed point: the stretch uses the throughput the stretched system itself predicts.
  const model::System system = cpu_bound_levels(true).at(20, 0.0015, 0.0002);
  EXPECT_EQ(system.classes[0].population, 20);
  model::AnalysisOptions options;
  options.percentiles = false;
  const double throughput = model::analyze(system, options).throughput;
  ASSERT_GT(throughput, 100);
  const double background = throughput * 0.0002 / 2;
  EXPECT_NEAR(system.services[0].service_time.mean, 0.0015 / (1 - background), 1e-8);
}

// A CPU-bound level: 2.2 ms holds, 2.1 ms of the service's CPU per response of which the I/O
// thread's 0.1 ms is not the work, 2.4 ms of the whole machine's.
LevelWork cpu_bound_work() {
  LevelWork work;
  work.hold_mean = 0.0022;
  work.job_mean = 0.00215;
  work.hold_scv = 0.03;
  work.hold_dispersion = {{2, 0.04}, {64, 1.5}};
  work.service_cpu = 0.0021;
  work.machine_cpu = 0.0024;
  return work;
}

LevelModel on_two_cores() {
  LevelModel levels = cpu_bound_levels(false);
  levels.base.services[0].cores = 2;
  levels.io_cpu = 0.0001;
  return levels;
}

TEST(LevelInputs, WithACorePerWorkerTheHoldIsTheServiceTimeAndNothingStretchesIt) {
  const LevelInputs in = on_two_cores().inputs(cpu_bound_work(), 2);
  EXPECT_TRUE(in.from_level);
  EXPECT_DOUBLE_EQ(in.service_mean, 0.0022);
  EXPECT_DOUBLE_EQ(in.background_cpu, 0);
  EXPECT_EQ(in.service_scv, 0.03);
  ASSERT_EQ(in.dispersion.size(), 2u);
  EXPECT_DOUBLE_EQ(in.dispersion[1].index, 1.5);
}

TEST(LevelInputs, WorkersBeyondTheCoresTakeTheCpuWorkAndTheMachinesRestAsBackground) {
  // A hold then includes waiting for a core: the work is 2.1 − 0.1 = 2.0 ms, the background the
  // machine's 2.4 ms less it, and neither the holds' SCV nor their runs describe the work.
  const LevelInputs in = on_two_cores().inputs(cpu_bound_work(), 4);
  EXPECT_TRUE(in.from_level);
  EXPECT_NEAR(in.service_mean, 0.0020, 1e-12);
  EXPECT_NEAR(in.background_cpu, 0.0004, 1e-12);
  EXPECT_FALSE(in.service_scv);
  EXPECT_TRUE(in.dispersion.empty());
}

// Where the service counts its workers' own CPU, that is the work: the I/O thread's share of the
// process's CPU (here 2.1 − 1.85 = 0.25 ms, not calibration's 0.1) does not wait for a worker and
// joins the background, 2.4 − 1.85 = 0.55 ms.
TEST(LevelInputs, WorkersBeyondTheCoresTakeTheirOwnCpuWhereTheServiceCountsIt) {
  LevelWork work = cpu_bound_work();
  work.worker_cpu = 0.00185;
  const LevelInputs in = on_two_cores().inputs(work, 4);
  EXPECT_TRUE(in.time_shared);
  EXPECT_NEAR(in.service_mean, 0.00185, 1e-12);
  EXPECT_NEAR(in.background_cpu, 0.00055, 1e-12);
  // With a core per worker the hold stays the service time.
  EXPECT_DOUBLE_EQ(on_two_cores().inputs(work, 2).service_mean, 0.0022);
}

// The holds' spread is the time in a worker's: time-shared levels widen the model's stretch to
// it (the cores go in slices); with a core per worker the hold is the work, and nothing widens.
TEST(LevelInputs, WorkersBeyondTheCoresTakeTheHoldsSpreadAsTheTimeInAWorkers) {
  const LevelModel levels = on_two_cores();
  const LevelInputs shared = levels.inputs(cpu_bound_work(), 4);
  EXPECT_EQ(shared.hold_scv, 0.03);
  EXPECT_EQ(levels.at(500, shared).services[0].hold_scv, 0.03);
  const LevelInputs own_cores = levels.inputs(cpu_bound_work(), 2);
  EXPECT_FALSE(own_cores.hold_scv);
  EXPECT_FALSE(levels.at(500, own_cores).services[0].hold_scv);
}

TEST(LevelInputs, WorkersBeyondTheCoresTakeTheSpreadAndRunsOfTheJobsOwnCpuTimes) {
  // Where the service counts each job's CPU time, its SCV and its runs (the machine's speed) are
  // the work's, never the holds'; closed levels take the SCV but not the runs.
  LevelWork work = cpu_bound_work();
  work.cpu_scv = 0.02;
  work.cpu_dispersion = {{2, 0.025}, {128, 0.35}};
  const LevelInputs in = on_two_cores().inputs(work, 4);
  EXPECT_EQ(in.service_scv, 0.02);
  ASSERT_EQ(in.dispersion.size(), 2u);
  EXPECT_DOUBLE_EQ(in.dispersion[1].jobs, 128);
  EXPECT_DOUBLE_EQ(in.dispersion[1].index, 0.35);
  LevelModel closed = on_two_cores();
  closed.closed = true;
  const LevelInputs closed_in = closed.inputs(work, 4);
  EXPECT_EQ(closed_in.service_scv, 0.02);
  EXPECT_TRUE(closed_in.dispersion.empty());
}

// Four workers time-sharing two cores, 2.0 ms of CPU work and 0.4 ms of the machine's other CPU
// per request (cpu_bound_work with more workers than cores).
LevelModel four_workers_on_two_cores() {
  LevelModel levels;
  levels.base = calibrated_system(login_calibration(), 4, 1);
  levels.base.services[0].cores = 2;
  levels.cores = 2;
  levels.io_cpu = 0.0001;
  return levels;
}

double time_in_worker(const model::System& system) {
  model::AnalysisOptions options;
  options.percentiles = false;
  const model::ServiceResult service = model::analyze(system, options).services.at(0);
  return *service.response_time - *service.waiting_time;
}

TEST(LevelInputs, TimeSharedWorkIsRaisedByWhatKeptTheJobsOffTheirCoresBeyondSharing) {
  const LevelModel levels = four_workers_on_two_cores();
  const LevelInputs cpu = levels.inputs(cpu_bound_work(), 4);
  ASSERT_TRUE(cpu.time_shared);
  ASSERT_NEAR(cpu.service_mean, 0.0020, 1e-12);
  // At 1 request/s nothing shares a core: a job's time in a worker is its work stretched by the
  // background alone, 1 / (1 − 1 × 0.4 ms / 2), so a 2.5 ms hold is 2.5 × (1 − 0.0002) ms of work.
  const LevelInputs idle = levels.matched_to_hold(cpu, 1.0, 0.0025);
  EXPECT_NEAR(idle.service_mean, 0.0025 * (1 - 0.0002), 5e-7);
  EXPECT_NEAR(idle.off_core, idle.service_mean - 0.0020, 1e-15);
  // Under load the model's own time in a worker at the raised work is the hold.
  // (There 2 ms of work already spends 3.3 ms in a worker.)
  ASSERT_LT(time_in_worker(levels.at(600.0, cpu)), 0.0036);
  const LevelInputs busy = levels.matched_to_hold(cpu, 600.0, 0.0036);
  EXPECT_GT(busy.off_core, 0);
  EXPECT_NEAR(time_in_worker(levels.at(600.0, busy)), 0.0036, 0.0036 * 2e-4);
  EXPECT_EQ(busy.service_scv, cpu.service_scv);
  EXPECT_DOUBLE_EQ(busy.background_cpu, cpu.background_cpu);
}

TEST(LevelInputs, TimeSharedWorkIsNeverLoweredBelowTheCpuTimeNorAreHoldsTakenWithACorePerWorker) {
  const LevelModel levels = four_workers_on_two_cores();
  const LevelInputs cpu = levels.inputs(cpu_bound_work(), 4);
  // At 600/s sharing alone stretches 2 ms of work to 3.3 ms: a shorter hold changes nothing.
  ASSERT_GT(time_in_worker(levels.at(600.0, cpu)), 0.0031);
  const LevelInputs kept = levels.matched_to_hold(cpu, 600.0, 0.0031);
  EXPECT_DOUBLE_EQ(kept.service_mean, cpu.service_mean);
  EXPECT_DOUBLE_EQ(kept.off_core, 0);
  // With a core per worker the hold already is the work.
  const LevelInputs per_core = on_two_cores().inputs(cpu_bound_work(), 2);
  EXPECT_FALSE(per_core.time_shared);
  EXPECT_DOUBLE_EQ(on_two_cores().matched_to_hold(per_core, 600.0, 0.005).service_mean,
                   per_core.service_mean);
}

TEST(LevelInputs, ClosedTimeSharedLevelsCountTheSharingOnceNotAsOffCoreWork) {
  // 10 users thinking 10 ms: the closed network's time in a worker is the work stretched by the
  // workers sharing the cores, so a hold that long needs no off-core work. (Until 2026-12-03 the
  // closed model's time in a worker was the bare work, so the sharing was added to the work as
  // "off-core" time and stretched again: +57% and +104% at 0.8 and 0.9 with Argon2id.)
  LevelModel levels = four_workers_on_two_cores();
  levels.closed = true;
  levels.base.workload = model::WorkloadType::closed;
  levels.base.classes[0].think_time = Distribution::exponential(0.01);
  const LevelInputs cpu = levels.inputs(cpu_bound_work(), 4);
  ASSERT_TRUE(cpu.time_shared);
  const double shared = time_in_worker(levels.at(10, cpu));
  EXPECT_GT(shared, 1.2 * cpu.service_mean) << "the cores are shared at 10 users";
  const LevelInputs matched = levels.matched_to_hold(cpu, 10, shared);
  EXPECT_NEAR(matched.off_core, 0, 1e-6);
  EXPECT_NEAR(matched.service_mean, cpu.service_mean, 1e-6);
}

TEST(LevelInputs, ClosedLevelsTakeTheScvButNotTheRuns) {
  LevelModel levels = on_two_cores();
  levels.closed = true;
  const LevelInputs in = levels.inputs(cpu_bound_work(), 2);
  EXPECT_EQ(in.service_scv, 0.03);
  EXPECT_TRUE(in.dispersion.empty());
}

// The arrivals' SCV as the load generator sent them; closed levels have no arrival stream to
// speak of.
TEST(LevelInputs, OpenLevelsTakeTheArrivalsScvAsSent) {
  LevelModel levels = on_two_cores();
  LevelWork work = cpu_bound_work();
  EXPECT_FALSE(levels.inputs(work, 2).arrival_scv);  // not measured: Poisson
  work.send_gap_scv = 1.08;
  const LevelInputs in = levels.inputs(work, 2);
  EXPECT_EQ(in.arrival_scv, 1.08);
  EXPECT_DOUBLE_EQ(levels.at(300, in).classes[0].arrival_scv, 1.08);
  // It reaches the wait: 2 workers on their 2 cores at 300/s.
  LevelInputs poisson = in;
  poisson.arrival_scv.reset();
  EXPECT_GT(*model::analyze(levels.at(300, in)).services[0].waiting_time,
            *model::analyze(levels.at(300, poisson)).services[0].waiting_time);
  levels.closed = true;
  EXPECT_FALSE(levels.inputs(work, 2).arrival_scv);
}

TEST(LevelInputs, WithoutHoldsTheJobsOwnTimeAndWithoutMetricsCalibrations) {
  LevelModel levels = cpu_bound_levels(false);
  levels.cores = 0;  // not CPU-bound
  LevelWork work;
  work.job_mean = 0.0018;
  LevelInputs in = levels.inputs(work, 2);
  EXPECT_TRUE(in.from_level);
  EXPECT_DOUBLE_EQ(in.service_mean, 0.0018);
  in = levels.inputs(LevelWork{}, 2);
  EXPECT_FALSE(in.from_level);
  EXPECT_DOUBLE_EQ(in.service_mean, 0.002);
  EXPECT_DOUBLE_EQ(in.background_cpu, 0.0001);
}

// A hash after an idle gap or sharing its core takes longer than its 2 ms floor: holds of mean
// 2.2 ms with SCV 0.1 and κ₃ / mean³ = 0.1, against a gamma's 2 × 0.1² = 0.02. The model then
// serves a minimum plus a gamma.
TEST(LevelInputs, SkewedHoldsGiveTheWorkAMinimumAndAGammaTail) {
  LevelWork work = cpu_bound_work();
  work.hold_scv = 0.1;
  work.hold_dispersion = {{2, 0.1, 0.1}, {64, 1.5, 0.3}};
  const LevelModel levels = on_two_cores();
  const LevelInputs in = levels.inputs(work, 2);
  ASSERT_TRUE(in.service_third_ratio);
  EXPECT_DOUBLE_EQ(*in.service_third_ratio, 0.1);
  const model::System system = levels.at(500, in);
  const Distribution& service = system.services[0].service_time;
  EXPECT_EQ(service.kind, DistributionKind::empirical);
  EXPECT_DOUBLE_EQ(service.mean, 0.0022);
  EXPECT_DOUBLE_EQ(service.scv, 0.1);
  // σ² = 0.1 m², κ₃ = 0.1 m³ (m = 2.2 ms): minimum = m − 2σ⁴/κ₃ = m (1 − 2 × 0.1² / 0.1) =
  // 0.8 m = 1.76 ms.
  EXPECT_NEAR(service.samples.front(), 0.00176, 2e-5);
  // Without the skew index (or more workers than cores, where holds include waiting for a core)
  // the two-moment family stays.
  EXPECT_NE(levels.at(500, levels.inputs(cpu_bound_work(), 2)).services[0].service_time.kind,
            DistributionKind::empirical);
  EXPECT_FALSE(levels.inputs(work, 4).service_third_ratio);
}

// The pairs' skew index is one hold's only while pairs are uncorrelated: I(2) within three
// standard errors c² √((2 + 3) / (B − 1)) of the SCV. Figures from two runs on 2026-12-02:
// 4 MiB hashing at 0.2, I(2) 0.068 against 0.063 from 887 pairs (SE 0.0047: 1.1 of them);
// exp:1ms at 0.2, I(2) 0.844 against 0.762 from 4150 pairs (SE 0.0265: 3.1), K(2) 5.22.
TEST(LevelInputs, CorrelatedPairsGiveNoSkewForOneHold) {
  const LevelModel levels = on_two_cores();
  LevelWork work = cpu_bound_work();
  work.hold_scv = 0.063;
  work.hold_dispersion = {{2, 0.068, 0.055, 887.0}, {4, 0.075, 0.07, 443.0}};
  EXPECT_EQ(levels.inputs(work, 2).service_third_ratio, 0.055);
  work.hold_scv = 0.762;
  work.hold_dispersion = {{2, 0.844, 5.22, 4150.0}, {4, 0.968, 11.04, 2075.0}};
  EXPECT_FALSE(levels.inputs(work, 2).service_third_ratio);
  // Given exactly, pairs above the SCV are correlated.
  work.hold_dispersion = {{2, 0.8, 5.22}};
  EXPECT_FALSE(levels.inputs(work, 2).service_third_ratio);
}

// Where the levels go: the rate at which both servers are busy, hand-derived, first with
// calibration's work, then with a level's.
TEST(LevelPlacement, SaturationLeavesTheBackgroundItsShareOfTheCores) {
  // 2 servers / (2 ms + 0.1 ms × 2 servers / 2 cores) = 2 / 2.1 ms.
  EXPECT_NEAR(cpu_bound_levels(false).saturation_rate(), 2 / 0.0021, 1e-9);
  LevelModel not_cpu_bound = cpu_bound_levels(false);
  not_cpu_bound.cores = 0;
  EXPECT_NEAR(not_cpu_bound.saturation_rate(), 2 / 0.002, 1e-9);
}

TEST(LevelPlacement, TheNextLevelIsPlacedFromTheWorkTheLastOneMeasured) {
  const LevelModel calibrated = on_two_cores();
  // One worker per core: the level's hold, 2.2 ms, and no background.
  const LevelModel moved = calibrated.with_work(calibrated.inputs(cpu_bound_work(), 2), 300);
  EXPECT_NEAR(moved.saturation_rate(), 2 / 0.0022, 1e-9);
  EXPECT_NEAR(moved.base.services[0].service_time.scv, 0.05, 1e-12);  // calibration's SCV
  // At 90% of that rate the model's utilization is 0.9 with the level's work.
  model::AnalysisOptions options;
  options.percentiles = false;
  EXPECT_NEAR(
      model::analyze(moved.at(0.9 * moved.saturation_rate()), options).services[0].utilization, 0.9,
      1e-9);
  // Four workers: the work is 2.0 ms of CPU and 0.4 ms of background per request, 2 cores, at
  // 300 requests/s: 0.12 cores of background, which the next level keeps as a rate. So the cores
  // are saturated at 2 × (1 − 0.12/2) / 2 ms = 940/s (per request it would be 2 / 2.4 ms).
  const LevelModel four = calibrated.with_work(calibrated.inputs(cpu_bound_work(), 4), 300);
  ASSERT_TRUE(four.background_cores);
  EXPECT_NEAR(*four.background_cores, 0.12, 1e-12);
  EXPECT_NEAR(four.saturation_rate(), 940, 1e-9);
  // At any rate the background stretches the work by 1 / (1 − 0.06): 0.12 cores of 2.
  for (const double rate : {300.0, 846.0}) {
    const model::System system = four.at(rate);
    EXPECT_NEAR(system.services[0].service_time.mean, 0.0020 / (1 - 0.06), 1e-12) << rate;
  }
  // The calibrated model is left as it was (the forward prediction keeps using it).
  EXPECT_NEAR(calibrated.saturation_rate(), 2 / 0.0021, 1e-9);
  EXPECT_FALSE(calibrated.background_cores);
}

TEST(LevelPlacement, ClosedLevelsKeepTheBackgroundPerRequest) {
  // A population's throughput is the model's to find, so the background stays per request.
  LevelModel calibrated = on_two_cores();
  calibrated.closed = true;
  const LevelModel four = calibrated.with_work(calibrated.inputs(cpu_bound_work(), 4), 300);
  EXPECT_FALSE(four.background_cores);
  EXPECT_NEAR(four.saturation_rate(), 2 / (0.0020 + 0.0004), 1e-9);
}

}  // namespace
}  // namespace kendall::validation
