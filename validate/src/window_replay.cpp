#include "kendall/validate/window_replay.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "kendall/model/system_model.hpp"

namespace kendall::validation {

namespace {

// A queue at 0.9 of saturation settles in a fraction of a second.
constexpr double kWarmup = 5;
// Passes of a short level, at most.
constexpr double kMostPasses = 200;
// A job keeps the slowness of the phase it starts in, so one that starts in a reading with every
// core taken is 20 times slower rather than stopped for the reading's 10 ms.
constexpr double kSlowestPace = 0.05;
// A stop's held arrivals reach the service within this many seconds of its end.
constexpr double kBurst = 1e-6;

}  // namespace

std::optional<WindowReplay> replay_windows(const LevelModel& levels,
                                           const std::vector<WorkWindow>& windows,
                                           const std::vector<LevelInputs>& inputs, int population) {
  if (windows.size() < 2 || inputs.size() != windows.size())
    return std::nullopt;
  const auto system_of = [&](std::size_t w) {
    return levels.at(levels.closed ? population : windows[w].arrival_rate(), inputs[w]);
  };
  WindowReplay replay;
  replay.system = system_of(0);
  std::vector<sim::Phase> window_phases;  // one a window, at its mean speed
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const model::System system = w == 0 ? replay.system : system_of(w);
    sim::Phase phase;
    phase.duration = windows[w].duration;
    if (!levels.closed)
      phase.rates = {windows[w].arrival_rate()};
    for (std::size_t k = 0; k < system.services.size(); ++k) {
      const double first = replay.system.services[k].service_time.mean;
      phase.slowness.push_back(first > 0 ? system.services[k].service_time.mean / first : 1);
    }
    replay.duration += windows[w].duration;
    replay.jobs += windows[w].jobs;
    window_phases.push_back(phase);
    // The window's steal and stops placed in time as the model places them: a phase per stretch
    // of one pace; a stop's arrivals held, then all sent within a microsecond.
    const std::vector<PaceSpan> spans = window_spans(windows[w]);
    if (spans.size() < 2 && (spans.empty() || !spans[0].held)) {
      replay.phases.push_back(std::move(phase));
      continue;
    }
    for (const PaceSpan& span : spans) {
      if (!(span.duration > 0))
        continue;
      sim::Phase part = phase;
      part.slowness.at(0) /= std::max(kSlowestPace, span.pace);
      const bool burst = span.held && !levels.closed && span.duration > kBurst;
      part.duration = burst ? span.duration - kBurst : span.duration;
      if (burst) {
        part.rates = {0.0};
        replay.phases.push_back(part);
        part.duration = kBurst;
        part.rates = {windows[w].arrival_rate() * span.duration / kBurst};
      }
      replay.phases.push_back(std::move(part));
    }
  }
  // The warm-up runs at the level's typical window (the median offered work), as the model's
  // queue starts at its typical load: a first window measured slow and near saturation would
  // otherwise fill the queue for the whole warm-up (window_fluid.cpp).
  std::vector<std::pair<double, std::size_t>> offered;
  for (std::size_t w = 0; w < windows.size(); ++w)
    offered.emplace_back(windows[w].arrival_rate() * window_phases[w].slowness.at(0), w);
  std::nth_element(offered.begin(),
                   offered.begin() + static_cast<std::ptrdiff_t>(offered.size() / 2),
                   offered.end());
  sim::Phase warmup = window_phases[offered[offered.size() / 2].second];
  warmup.duration = kWarmup;
  model::AnalysisOptions stability;
  stability.percentiles = false;
  const std::size_t typical = offered[offered.size() / 2].second;
  if (model::analyze(typical == 0 ? replay.system : system_of(typical), stability).stable) {
    replay.warmup = kWarmup;
    replay.phases.insert(replay.phases.begin(), warmup);
  }
  return replay;
}

sim::SimulationResult simulate_replay(const WindowReplay& replay, std::uint64_t requests,
                                      int fewest_replications, std::uint64_t seed) {
  sim::SimulationOptions options;
  options.duration = replay.duration;
  options.warmup_duration = replay.warmup;
  options.schedule = replay.phases;
  const double passes = std::ceil(static_cast<double>(requests) / std::max(1.0, replay.jobs));
  options.replications =
      static_cast<int>(std::clamp(passes, static_cast<double>(fewest_replications), kMostPasses));
  options.seed = seed;
  options.threads = 1;  // the machine's cores belong to the measurement while it runs
  return sim::simulate(replay.system, options);
}

}  // namespace kendall::validation
