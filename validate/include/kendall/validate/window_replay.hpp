#pragma once
/// A level replayed by the simulator window by window, as the model predicts it: the host's
/// speed and the load's rate moved during the level, and the level's average inputs charge
/// that drift as runs of slow jobs at a fixed rate, while the live load followed the host
/// (docs/validate.md, "simulated").

#include <cstdint>
#include <optional>
#include <vector>

#include "kendall/model/spec.hpp"
#include "kendall/sim/simulate.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/level_windows.hpp"

namespace kendall::validation {

/// The first window's system, then a schedule phase per window at the rate the load generator
/// was asked for in it (open) and with its work's speed against the first window's, a slowness
/// per service. The windows' spreads and runs are alike (only their means differ), so that
/// carries each window. A window whose steal trace has stretches of different pace (steal_paces)
/// is a phase per stretch, the service under test slower by the pace, as the model paces it.
struct WindowReplay {
  model::System system;
  std::vector<sim::Phase> phases;  ///< the first one holds the warm-up too
  double warmup = 0;               ///< seconds at the first window's load before the level
  double duration = 0;             ///< the level's seconds
  double jobs = 0;                 ///< the requests the level served
};

/// The replay of `windows` with the inputs the model took for each (WindowedPrediction::inputs;
/// `population`: the level's users when closed); empty with fewer than two. The level starts
/// where its first window settles (the levels run back to back), after 5 s at its load; a first
/// window beyond saturation grows its backlog from empty.
std::optional<WindowReplay> replay_windows(const LevelModel& levels,
                                           const std::vector<WorkWindow>& windows,
                                           const std::vector<LevelInputs>& inputs,
                                           int population = 0);

/// Simulates the replay: each replication one pass of the level, as many as hold `requests` in
/// all (at least `fewest_replications`, at most 200), on one thread.
sim::SimulationResult simulate_replay(const WindowReplay& replay, std::uint64_t requests,
                                      int fewest_replications, std::uint64_t seed);

}  // namespace kendall::validation
