#include "kendall/services/hold_blocks.hpp"

namespace kendall::services {

HoldBlocks::HoldBlocks() {
  for (std::size_t k = 0; k < kScales; ++k)
    running_[k].done.jobs_per_block = std::uint64_t{2} << k;
}

void HoldBlocks::add(double seconds) {
  for (Running& scale : running_) {
    scale.seconds += seconds;
    if (++scale.jobs == scale.done.jobs_per_block) {
      ++scale.done.blocks;
      scale.done.block_seconds += scale.seconds;
      scale.done.block_seconds_squared += scale.seconds * scale.seconds;
      scale.done.block_seconds_cubed += scale.seconds * scale.seconds * scale.seconds;
      scale.jobs = 0;
      scale.seconds = 0;
    }
  }
}

std::array<HoldBlocks::Scale, HoldBlocks::kScales> HoldBlocks::scales() const {
  std::array<Scale, kScales> out;
  for (std::size_t k = 0; k < kScales; ++k)
    out[k] = running_[k].done;
  return out;
}

}  // namespace kendall::services
