// The notes a validation run adds beside its figures (kendall/validate/run_notes.hpp): when
// each is said, and the figures it names.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kendall/validate/run_notes.hpp"

namespace kendall::validation {
namespace {

bool names(const std::vector<std::string>& notes, const std::string& words) {
  for (const std::string& note : notes)
    if (note.find(words) != std::string::npos)
      return true;
  return false;
}

// The notes' words and thresholds: a round at more than twice the lowest (and 0.1 ms beyond
// it) is a stall; cores 15% apart are uneven.
TEST(RunNotes, NameAStalledOverheadRoundAndUnevenCores) {
  Calibration c;
  c.overhead = 0.0003;
  c.overhead_rounds = {0.00028, 0.0003, 0.00031, 0.0003, 0.00055};
  EXPECT_FALSE(stalled_overhead_round_note(c));  // 0.55 ms: under twice 0.28 ms
  c.overhead_rounds.back() = 0.0016;
  const auto stall = stalled_overhead_round_note(c);
  ASSERT_TRUE(stall);
  EXPECT_NE(stall->find("1 of 5 rounds of the overhead phase measured over twice the lowest "
                        "round outside the server (up to 1.6 ms, against 280 us: stalls of the "
                        "host); the model's overhead, 300 us, is from the rounds' median"),
            std::string::npos)
      << *stall;
  EXPECT_EQ(stall->find("ran until"), std::string::npos) << *stall;
  EXPECT_FALSE(stalled_overhead_round_note(Calibration{}));

  // The CI run of 2026-12-04: three of five stalled, so two more rounds were run.
  c.overhead = 0.00022;
  c.overhead_rounds = {0.000224, 0.000135, 0.000431, 0.001288, 0.001149, 0.00019, 0.00021};
  const auto ran_on = stalled_overhead_round_note(c);
  ASSERT_TRUE(ran_on);
  EXPECT_NE(ran_on->find("3 of 7 rounds"), std::string::npos) << *ran_on;
  EXPECT_NE(ran_on->find("so the phase ran until they were a minority"), std::string::npos)
      << *ran_on;
  // And a host that stalled through the whole phase.
  c.overhead_rounds.resize(kMostOverheadRounds, 0.002);
  const auto unsettled = stalled_overhead_round_note(c);
  ASSERT_TRUE(unsettled);
  EXPECT_NE(unsettled->find("they were not a minority after 15 rounds"), std::string::npos)
      << *unsettled;
  EXPECT_EQ(unsettled->find("ran until"), std::string::npos) << *unsettled;

  EXPECT_FALSE(uneven_cores_note(3, {{0, 50, 0.002}, {1, 50, 0.00229}}));  // 1.145: not yet
  const auto uneven = uneven_cores_note(3, {{0, 57, 0.00248}, {1, 43, 0.00331}});
  ASSERT_TRUE(uneven);
  EXPECT_NE(uneven->find("level 3: the cores ran the work at speeds 1.33× apart (cpu0 2.48 ms "
                         "per job (57% of jobs), cpu1 3.31 ms (43%))"),
            std::string::npos)
      << *uneven;
}

// 4 workers on 2 cores finishing 780 jobs/s all busy against 850/s with 2 busy: 8% fewer, said;
// 820/s (3.5% fewer) is within what a level's spans measure, and not said; 1,020/s (20% more),
// as the bundled service measured at 0.9 (the workers' time off their cores idles the cores
// when only 2 are busy), is said too.
TEST(RunNotes, NameThePoolsSpeedAllBusyAgainstAsManyBusyAsCores) {
  LevelResult level;
  level.server_busy = {{2, 2, 1700}, {3, 1, 800}, {4, 1, 780}};
  level.server_sharing_speed = 780.0 / 850;
  const auto note = sharing_speed_note(4, level, 2, 4);
  ASSERT_TRUE(note);
  EXPECT_NE(note->find("level 4: with all 4 workers busy the service finished 780 jobs/s, 8% "
                       "fewer than the 850/s with 2 busy (time-sharing the cores cost capacity); "
                       "the model's 2 cores run the work at one speed whatever the number busy"),
            std::string::npos)
      << *note;
  level.server_sharing_speed = 820.0 / 850;
  EXPECT_FALSE(sharing_speed_note(4, level, 2, 4));
  level.server_busy[2] = {4, 1, 1020};
  level.server_sharing_speed = 1020.0 / 850;
  const auto faster = sharing_speed_note(4, level, 2, 4);
  ASSERT_TRUE(faster);
  EXPECT_NE(faster->find("1020 jobs/s, 20% more than the 850/s with 2 busy (with fewer busy, the "
                         "workers' time off their cores left the cores idle)"),
            std::string::npos)
      << *faster;
  level.server_sharing_speed.reset();
  EXPECT_FALSE(sharing_speed_note(4, level, 2, 4));
}

// A level measured as the model wanted it: one run, precise, at the utilization it was placed
// at, nothing failed or late. Nothing to say.
LevelResult quiet_level() {
  LevelResult level;
  level.requests = 10'000;
  level.measured.mean = 0.002;
  level.measured_mean_ci = {0.00195, 0.00205};  // ±2.5%
  level.runs = {{0.002, 0.004, 0.025, {}, Stats{500, 0.00206, 0.0017, 0.0041, 0.006}}};
  level.utilization = 0.8;
  level.measured_utilization = 0.78;
  level.model_service_time = 0.00125;
  level.error_mean = 0.03;
  level.mean_ok = true;
  return level;
}

TEST(RunNotes, AQuietLevelHasNone) {
  EXPECT_TRUE(level_notes(2, quiet_level(), {}, 0.10, true, false).empty());
}

TEST(RunNotes, NameWhatALevelMeasuredBesideTheModel) {
  LevelResult level = quiet_level();
  loadgen::ErrorCounts errors;
  errors.timeout = 3;
  errors.status_5xx = 2;
  level.errors = 5;
  // Uncertain by ±20% and missed: the measurement, not only the model, is in doubt.
  level.measured_mean_ci = {0.0016, 0.0024};
  level.error_mean = -0.15;
  level.mean_ok = false;
  level.runs = {{0.0026, 0.006, 0.25, {}, Stats{500, 0.0020, 0.0016, 0.0045, 0.006}},
                {0.002, 0.004, 0.20, {}, Stats{500, 0.0017, 0.0014, 0.0036, 0.005}}};
  level.kept_run = 1;
  level.measured_utilization = 0.65;  // placed at 0.8
  level.placement_service_time = 0.0015;
  level.placed_from = "level 2";
  level.late_sends = 101;  // over 1% of 10 000
  const auto notes = level_notes(3, level, errors, 0.10, true, false);
  EXPECT_TRUE(names(notes,
                    "level 3: 5 of 10000 requests failed (connect 0, timeout 3, io 0, 4xx "
                    "0, 5xx 2)"));
  EXPECT_TRUE(names(notes, "level 3: the measured mean is itself uncertain by ±20% (95%"));
  // Each run with the model's errors on it; the first, not kept, missed by −23% / −25%.
  EXPECT_TRUE(names(notes,
                    "the runs' means, each modelled from its own inputs: 2.6 ms ±25% (model "
                    "-23.1% / p95 -25.0%), 2 ms ±20% (kept; model -15.0% / p95 -10.0%); the level "
                    "is judged on the kept run, and the model missed a run not kept by more than "
                    "±10%"));
  EXPECT_TRUE(names(notes,
                    "ran at utilization 0.65, not the 0.80 it was placed at: the service "
                    "took 1.25 ms per request here against 1.5 ms at level 2"));
  EXPECT_TRUE(names(notes, "101 sends started over 1 ms late"));
  EXPECT_EQ(notes.size(), 5u);
  // Closed loop sends nothing on a schedule: no late sends to speak of.
  EXPECT_FALSE(names(level_notes(3, level, errors, 0.10, true, true), "sends started"));
}

TEST(RunNotes, NameTimeOffTheCoreAndRunsOfSlowJobs) {
  LevelResult level = quiet_level();
  level.server_hold_mean = 0.0013;
  level.model_service_time = 0.0013;
  level.model_off_core = 0.0001;  // over 2% of the 1.2 ms of CPU
  level.model_service_scv = 0.6;
  level.model_service_dispersion = {{2, 0.62, std::nullopt, 1000.0}, {64, 2.4, std::nullopt, 60.0}};
  level.model_dispersion_factor = 1.4;
  const auto notes = level_notes(4, level, {}, 0.10, true, false);
  EXPECT_TRUE(names(notes, "level 4: a job held its worker 1.3 ms (CPU 1.2 ms)"));
  EXPECT_TRUE(names(notes, "off its core 100 us"));
  EXPECT_TRUE(names(notes,
                    "level 4: slow jobs came in runs (dispersion 2.40 over 64 jobs against "
                    "an SCV of 0.60"));
  EXPECT_TRUE(names(notes, "the model's wait is 1.4× what independent service times would give"));
  // A wait lengthened by 1.1× or less is not worth a note.
  level.model_dispersion_factor = 1.1;
  EXPECT_FALSE(names(level_notes(4, level, {}, 0.10, true, false), "slow jobs came in runs"));
}

// Uneven cores matter only where the model shares cores among the workers.
TEST(RunNotes, UnevenCoresOnlyWhereTheModelSharesCores) {
  LevelResult level = quiet_level();
  level.server_cores = {{0, 57, 0.00248}, {1, 43, 0.00331}};
  EXPECT_TRUE(names(level_notes(1, level, {}, 0.10, true, false), "speeds 1.33× apart"));
  EXPECT_TRUE(level_notes(1, level, {}, 0.10, false, false).empty());
}

// Windows 0.05 or more apart in utilization mean the host's speed moved; one at 1 or more grew a
// backlog.
TEST(RunNotes, NameTheHostsSpeedMovingBetweenWindows) {
  LevelResult level;
  level.predicted_stationary = Stats{900, 0.00597, 0.004, 0.01288, 0.02};
  WindowResult steady;
  steady.duration = 5;
  steady.utilization = 0.78;
  level.windows = {steady, steady};
  level.windows[1].utilization = 0.82;  // 0.04 apart: noise
  const auto quiet = level_notes(3, level, {}, 0.2, true, false);
  EXPECT_FALSE(names(quiet, "speed moved"));

  level.windows[0].utilization = 0.90;
  level.predicted_from_windows = true;
  const auto moved = level_notes(3, level, {}, 0.2, true, false);
  EXPECT_TRUE(names(moved,
                    "level 3: the host's speed moved during the level (2 windows at "
                    "utilization 0.82 to 0.90); the model mixes the windows; the level's "
                    "average inputs would say mean 5.97 ms, p95 12.9 ms"))
      << moved.front();

  level.windows[0].utilization = 1.04;
  EXPECT_TRUE(names(level_notes(3, level, {}, 0.2, true, false),
                    "(2 windows at utilization 0.82 to 1.04, a backlog grew in the ones at 1 or "
                    "more); the model mixes the windows"));
}

// A window that measured over twice the model's mean and 1 ms more is a stall's backlog; the
// worst is the one furthest above the model, and the server's own time there (half the
// client's or more) puts the stall in the service, else before a request is read.
TEST(RunNotes, NameWindowsThatMeasuredTwiceTheModel) {
  const auto window = [](double start, double model, double measured,
                         std::optional<double> server) {
    WindowResult w;
    w.start = start;
    w.duration = 1;
    w.mean = model;
    w.measured_mean = measured;
    w.measured_server_mean = server;
    return w;
  };
  LevelResult level;
  level.windows = {window(0, 0.010, 0.019, 0.018),   // under twice
                   window(1, 0.0004, 0.0012, {}),    // 3×, but 0.8 ms beyond: noise
                   window(2, 0.010, 0.030, 0.028),   // 20 ms beyond
                   window(3, 0.011, 0.058, 0.052)};  // 47 ms beyond: the worst
  const auto notes = level_notes(4, level, {}, 0.2, true, false);
  EXPECT_TRUE(
      names(notes,
            "level 4: 2 of 4 windows measured over twice the model's mean, likely the drain of "
            "a stall shorter than a window that its inputs average away; the worst, at "
            "3 s: 58 ms against 11 ms (the server's own time 52 ms: the stall was in the "
            "service or the host)"))
      << (notes.empty() ? "" : notes.back());

  level.windows[3].measured_server_mean = 0.012;
  EXPECT_TRUE(names(level_notes(4, level, {}, 0.2, true, false),
                    "(the server's own time 12 ms: the stall came before a request is read: the "
                    "network, the I/O thread, the load generator)"));

  level.windows.pop_back();
  level.windows.pop_back();
  EXPECT_FALSE(names(level_notes(4, level, {}, 0.2, true, false), "twice the model"));
}

// The windows' fluid over 5% from the simulator's replay of the same windows, and beyond the
// simulator's interval, is named with both figures; a smaller gap, one inside the interval, or a
// level modelled from its average inputs, is not.
TEST(RunNotes, NameTheFluidsGapFromTheSimulatorOnTheSameWindows) {
  LevelResult level;
  level.predicted = Stats{620, 0.01577, 0.0098, 0.0497, 0.0926};
  level.predicted_from_windows = true;
  level.simulated = Stats{620, 0.01492, 0.0095, 0.0470, 0.0774};
  level.simulated_mean_ci = {0.01431, 0.01553};
  // 15.77 / 14.92 − 1 = +5.7%, above the interval's top (15.53 ms, ±4.1%).
  const auto notes = level_notes(4, level, {}, 0.2, true, false);
  EXPECT_TRUE(names(notes,
                    "level 4: the model's mean 15.8 ms is +5.7% from the simulator's 14.9 ms on "
                    "the same windows (±4.1%, 95%): the simulator queues every request through "
                    "them, so this much of the model's error is its approximation's, not its "
                    "inputs'"))
      << (notes.empty() ? "" : notes.back());

  level.predicted->mean = 0.01540;  // +3.2%: within the 5%
  EXPECT_FALSE(names(level_notes(4, level, {}, 0.2, true, false), "approximation's"));
  level.predicted->mean = 0.01400;  // −6.2%, below the interval
  EXPECT_TRUE(names(level_notes(4, level, {}, 0.2, true, false), "is -6.2% from"));
  level.simulated_mean_ci = {0.0130, 0.0168};  // so wide that −6.2% is inside it
  EXPECT_FALSE(names(level_notes(4, level, {}, 0.2, true, false), "approximation's"));
  level.simulated_mean_ci = {0.01431, 0.01553};
  level.predicted_from_windows = false;
  EXPECT_FALSE(names(level_notes(4, level, {}, 0.2, true, false), "approximation's"));
}

// Stops of 50 ms or more in all are named with the meter's figures, one long one or many
// short ones; fewer are not.
TEST(RunNotes, NameTheMachineStandingStill) {
  LevelResult level;
  level.host_pauses = {3, 0.045, 0.02};
  EXPECT_FALSE(names(level_notes(4, level, {}, 0.2, true, false), "stood still"));
  level.host_pauses = {23, 0.516, 0.038};
  EXPECT_TRUE(names(level_notes(4, level, {}, 0.2, true, false),
                    "level 4: a core stood still 23 times for 10 ms or more (516 ms of core time "
                    "in all, the longest 38 ms)"));
  // With the stops' mean residual: 200 us on a measured mean of 4 ms is 5%.
  level.host_pauses.stops_wait = 0.0002;
  level.measured.mean = 0.004;
  EXPECT_TRUE(names(level_notes(4, level, {}, 0.2, true, false),
                    "a request would have waited 200 us behind them on average (5.0% of the "
                    "measured mean), before any backlog"));
  level.host_pauses = {4, 0.41, 0.31};
  const auto notes = level_notes(4, level, {}, 0.2, true, false);
  EXPECT_TRUE(names(notes,
                    "level 4: a core stood still 4 times for 10 ms or more (410 ms of core time "
                    "in all, the longest 310 ms)"))
      << notes.front();
  // Whether the model's queue saw them: it holds the arrivals through the stops it was given.
  EXPECT_TRUE(names(notes, "which the model's queue does not see"));
  level.model_held_stops = 0.41;
  EXPECT_TRUE(names(level_notes(4, level, {}, 0.2, true, false),
                    "and the model held the arrivals through the stops and released them "
                    "together"));
}

// Steal of 50 ms or more in one window of the kept run names the level's steal and that window
// against the model; the same steal spread thin (a 10 ms tick here and there, as most levels
// have) does not.
TEST(RunNotes, NameTheHypervisorTakingTheCores) {
  LevelResult level;
  level.host_pauses.steal = 0.24;
  level.runs = {{0.009, 0.02, 0.05, {}, std::nullopt, 0.04}};
  for (int k = 0; k < 6; ++k) {
    WindowResult w;
    w.start = k;
    w.duration = 1;
    w.mean = 0.0088;
    w.measured_mean = 0.009;
    w.host_steal = 0.04;
    level.windows.push_back(w);
  }
  EXPECT_FALSE(names(level_notes(4, level, {}, 0.2, true, false), "hypervisor"));
  level.runs[0].window_steal = 0.18;
  level.windows[4].host_steal = 0.18;
  level.windows[4].measured_mean = 0.0246;
  const auto notes = level_notes(4, level, {}, 0.2, true, false);
  EXPECT_TRUE(names(notes,
                    "level 4: the hypervisor ran other guests on this machine's cores for 240 ms "
                    "of core time during the level (steal, /proc/stat), 180 ms of it in the "
                    "window at 4 s, which measured 24.6 ms against the model's 8.8 ms; the "
                    "service's and the load generator's threads waited for a core meanwhile"))
      << (notes.empty() ? "" : notes.back());
}

// A run not kept that the model met, or one it called unstable, each said as it is.
TEST(RunNotes, NameTheModelsErrorOnEveryRunOfALevelMeasuredAgain) {
  LevelResult level = quiet_level();
  level.runs = {{0.004, 0.009, 0.30, {}, Stats{500, 0.0037, 0.003, 0.0081, 0.012}},
                {0.002, 0.004, 0.05, {}, Stats{500, 0.0021, 0.0017, 0.0042, 0.006}}};
  level.kept_run = 1;
  auto notes = level_notes(2, level, {}, 0.10, true, false);
  EXPECT_TRUE(names(notes,
                    "4 ms ±30% (model -7.5% / p95 -10.0%), 2 ms ±5% (kept; model +5.0% / "
                    "p95 +5.0%); the level is judged on the kept run"));
  EXPECT_FALSE(names(notes, "missed a run not kept"));
  level.runs[0].predicted.reset();
  notes = level_notes(2, level, {}, 0.10, true, false);
  EXPECT_TRUE(names(notes, "4 ms ±30% (model unstable), 2 ms ±5% (kept; model +5.0%"));
  EXPECT_TRUE(names(notes, "missed a run not kept by more than ±10%"));
  EXPECT_TRUE(names(notes, "measured 2 times, its mean uncertain beyond ±10% at first"));
}

// A level measured again because the hypervisor took the cores in one of its first run's
// windows says so, and names each disturbed run's steal.
TEST(RunNotes, NameTheStealThatHadALevelMeasuredAgain) {
  LevelResult level = quiet_level();
  level.runs = {{0.003, 0.008, 0.06, {}, Stats{500, 0.0021, 0.0017, 0.0042, 0.006}, 0.12},
                {0.002, 0.004, 0.05, {}, Stats{500, 0.0021, 0.0017, 0.0042, 0.006}, 0.01}};
  level.kept_run = 1;
  const auto notes = level_notes(2, level, {}, 0.10, true, false);
  EXPECT_TRUE(names(notes,
                    "level 2: measured 2 times, the hypervisor took 120 ms of the cores in one of "
                    "its windows at first; the runs' means, each modelled from its own inputs: "
                    "3 ms ±6% (steal 120 ms in a window; model -30.0% / p95 -47.5%), 2 ms ±5% "
                    "(kept; model +5.0% / p95 +5.0%)"))
      << (notes.empty() ? "" : notes.front());
}

// A stop disturbs a run as the steal of its core time does: a 30 ms stop of one core counts on
// both (it may hold the service's one I/O thread), 60 ms, past the 50 ms that disturbs; 40 ms is
// not. The notes say which, the stop or the steal, took more, and whether cores stopped together.
TEST(RunNotes, NameTheStopThatHadALevelMeasuredAgain) {
  LevelRunResult stopped{0.003, 0.008, 0.06, {5, 0.101, 0.030}, std::nullopt, 0.01, 0.060};
  EXPECT_TRUE(stopped.disturbed());
  EXPECT_EQ(disturbance(stopped),
            "a core stood still 30 ms at once (counted as 60 ms of core time: it may hold the "
            "service's one I/O thread)");
  LevelRunResult together = stopped;
  together.pauses.worst_core_time = 0.060;
  EXPECT_EQ(disturbance(together),
            "cores stood still together for up to 30 ms (60 ms of core time)");
  LevelRunResult short_stop = stopped;
  short_stop.stopped_core_time = 0.040;
  EXPECT_FALSE(short_stop.disturbed());
  short_stop.window_steal = 0.07;
  EXPECT_TRUE(short_stop.disturbed());
  EXPECT_EQ(disturbance(short_stop),
            "the hypervisor took 70 ms of the cores in one of its windows");
  LevelResult level = quiet_level();
  level.runs = {stopped, {0.002, 0.004, 0.05, {}, Stats{500, 0.0021, 0.0017, 0.0042, 0.006}}};
  level.runs[0].predicted = Stats{500, 0.0021, 0.0017, 0.0042, 0.006};
  level.kept_run = 1;
  const auto notes = level_notes(2, level, {}, 0.10, true, false);
  EXPECT_TRUE(names(notes,
                    "level 2: measured 2 times, a core stood still 30 ms at once (counted as 60 ms "
                    "of core time: it may hold the service's one I/O thread) at first; the runs' "
                    "means, each modelled from its own inputs: 3 ms ±6% (a stop of 30 ms; model "
                    "-30.0% / p95 -47.5%)"))
      << (notes.empty() ? "" : notes.front());
  // Kept, the stopped run is named as cores standing still, below the 50 ms in all that
  // names a level otherwise, and not as the hypervisor's steal.
  level.runs = {stopped};
  level.kept_run = 0;
  level.host_pauses = {1, 0.030, 0.030};
  for (int k = 0; k < 3; ++k) {
    WindowResult w;
    w.start = k;
    w.duration = 1;
    level.windows.push_back(w);
  }
  const auto kept_notes = level_notes(2, level, {}, 0.10, true, false);
  EXPECT_TRUE(names(kept_notes, "level 2: a core stood still 1 time for 10 ms or more"));
  EXPECT_FALSE(names(kept_notes, "hypervisor ran other guests"));
}

}  // namespace
}  // namespace kendall::validation
