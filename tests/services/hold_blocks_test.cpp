// Blocks of consecutive holds, checked against sums worked out by hand.
#include <gtest/gtest.h>

#include "kendall/services/hold_blocks.hpp"

namespace kendall::services {
namespace {

// Holds 1, 2, 3, 4, 5 s: blocks of 2 are (1+2) and (3+4), sum 10, squares 9 + 49 = 58, cubes
// 27 + 343 = 370, with 5 still in progress; one block of 4, sum 10, (1+2+3+4)² = 100,
// 10³ = 1000; no block of 8 yet.
TEST(HoldBlocks, SquaresAndCubesTheSumsOfCompletedBlocksOnly) {
  HoldBlocks blocks;
  for (const double hold : {1.0, 2.0, 3.0, 4.0, 5.0})
    blocks.add(hold);
  const auto scales = blocks.scales();
  EXPECT_EQ(scales[0].jobs_per_block, 2u);
  EXPECT_EQ(scales[0].blocks, 2u);
  EXPECT_DOUBLE_EQ(scales[0].block_seconds, 10.0);
  EXPECT_DOUBLE_EQ(scales[0].block_seconds_squared, 58.0);
  EXPECT_DOUBLE_EQ(scales[0].block_seconds_cubed, 370.0);
  EXPECT_EQ(scales[1].jobs_per_block, 4u);
  EXPECT_EQ(scales[1].blocks, 1u);
  EXPECT_DOUBLE_EQ(scales[1].block_seconds, 10.0);
  EXPECT_DOUBLE_EQ(scales[1].block_seconds_squared, 100.0);
  EXPECT_DOUBLE_EQ(scales[1].block_seconds_cubed, 1000.0);
  EXPECT_EQ(scales[2].blocks, 0u);
  EXPECT_EQ(scales.back().jobs_per_block, 4096u);
}

// The sixth hold completes the third block of two, (5+6)² = 121.
TEST(HoldBlocks, ABlockCountsOnceItIsFull) {
  HoldBlocks blocks;
  for (const double hold : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0})
    blocks.add(hold);
  EXPECT_EQ(blocks.scales()[0].blocks, 3u);
  EXPECT_DOUBLE_EQ(blocks.scales()[0].block_seconds_squared, 58.0 + 121.0);
  EXPECT_DOUBLE_EQ(blocks.scales()[0].block_seconds_cubed, 370.0 + 1331.0);
}

}  // namespace
}  // namespace kendall::services
