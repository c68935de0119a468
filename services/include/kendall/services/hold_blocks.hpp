#pragma once
/// Sums of consecutive values (worker holds; also the jobs' CPU times and the gaps between
/// arrivals) in blocks of 2, 4, … 4096, their squares and cubes.
/// Between two scrapes they give the index of dispersion of the holds' sums,
/// Var(S_1+…+S_m)/(m E[S]²): c_s² at every m when holds are independent, growing with m when a
/// slower machine makes slow holds come in runs, which lengthens the queue far beyond what c_s²
/// predicts. The cubes give the sums' skewness: whether the slow runs are rarer and deeper than
/// the fast ones, which lengthens the queue further.

#include <array>
#include <cstddef>
#include <cstdint>

namespace kendall::services {

class HoldBlocks {
 public:
  static constexpr std::size_t kScales = 12;  ///< blocks of 2^1 … 2^12 jobs

  struct Scale {
    std::uint64_t jobs_per_block = 0;
    std::uint64_t blocks = 0;          ///< blocks completed
    double block_seconds = 0;          ///< Σ sum of the block's holds (completed blocks)
    double block_seconds_squared = 0;  ///< Σ (sum of the block's holds)²
    double block_seconds_cubed = 0;    ///< Σ (sum of the block's holds)³
  };

  HoldBlocks();
  /// One more job finished, held for `seconds`.
  void add(double seconds);
  /// Completed blocks only: a block in progress counts once it is full.
  std::array<Scale, kScales> scales() const;

 private:
  struct Running {
    Scale done;
    std::uint64_t jobs = 0;  ///< in the block in progress
    double seconds = 0;      ///< its sum so far
  };
  std::array<Running, kScales> running_;
};

/// Values taken in order (holds, CPU times, gaps between arrivals): how many, their sum and
/// their squares' sum (mean and SCV between two scrapes), and their sums in blocks (dispersion).
struct ValueSeries {
  std::uint64_t count = 0;
  double sum = 0;
  double sum_squares = 0;
  HoldBlocks blocks;

  void add(double value) {
    ++count;
    sum += value;
    sum_squares += value * value;
    blocks.add(value);
  }
};

}  // namespace kendall::services
