#include "kendall/base/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kendall {
namespace {

// A positive double's bits shifted right by (52 − 7) are its biased exponent followed by the top
// 7 mantissa bits: a key that grows with the value and changes every 2^-7 of a power of two.
constexpr int key_shift = 52 - Histogram::sub_bucket_bits;
constexpr std::uint64_t key_of(double x) {
  return std::bit_cast<std::uint64_t>(x) >> key_shift;
}
constexpr std::uint64_t lowest_key = key_of(Histogram::lowest);
static_assert(key_of(Histogram::highest) - lowest_key == Histogram::bucket_count);

}  // namespace

Histogram::Histogram() : counts_(bucket_count, 0) {}

std::size_t Histogram::bucket_index(double seconds) {
  // The negated comparison also sends NaN to the first bucket.
  if (!(seconds >= lowest))
    return 0;
  if (seconds >= highest)
    return bucket_count - 1;
  return static_cast<std::size_t>(key_of(seconds) - lowest_key);
}

double Histogram::bucket_lower(std::size_t index) {
  return std::bit_cast<double>((lowest_key + index) << key_shift);
}

void Histogram::record(double seconds) {
  ++counts_[bucket_index(seconds)];
  if (count_ == 0) {
    min_ = max_ = seconds;
  } else {
    min_ = std::min(min_, seconds);
    max_ = std::max(max_, seconds);
  }
  ++count_;
  sum_ += seconds;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0)
    return;
  for (std::size_t i = 0; i < bucket_count; ++i)
    counts_[i] += other.counts_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = count_ ? std::max(max_, other.max_) : other.max_;
  count_ += other.count_;
  sum_ += other.sum_;
}

void Histogram::clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ = min_ = max_ = 0;
}

double Histogram::value_at_quantile(double q) const {
  if (count_ == 0)
    return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  // The factor absorbs rounding in q·count (0.95 × 100 is 95.00000000000001).
  const double exact_rank = q * static_cast<double>(count_) * (1.0 - 0x1.0p-40);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(exact_rank)));
  // The extremes are known exactly.
  if (rank == 1)
    return min_;
  if (rank >= count_)
    return max_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const double middle = 0.5 * (bucket_lower(i) + bucket_upper(i));
      return std::clamp(middle, min_, max_);
    }
  }
  return max_;
}

}  // namespace kendall
