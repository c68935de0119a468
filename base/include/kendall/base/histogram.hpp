#pragma once
/// A log-linear histogram of positive durations in seconds, in the manner of HdrHistogram
/// (Gil Tene): constant memory, O(1) record, exact merge, quantiles with a bounded relative error.
///
/// Buckets: every power of two in [2^-30 s, 2^12 s) ≈ [0.93 ns, 68 min] is split into 128 equal
/// sub-buckets, so a bucket is at most 2^-7 of its lower edge wide. The bucket of a value is read
/// straight off its IEEE-754 bits (exponent and top 7 mantissa bits), no logarithm needed.
/// A quantile is reported as its bucket's midpoint, clamped to [min, max], so it is within a
/// relative 2^-8 ≈ 0.39% of the exact order statistic for values in [1 ns, 1 h]. Values outside
/// that range are counted in the first or last bucket (min, max, sum and mean stay exact).
///
/// Shared by the simulator (response times) and the load generator (latencies).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kendall {

class Histogram {
 public:
  /// Smallest and largest values with the relative-error guarantee (seconds).
  static constexpr double lowest = 0x1.0p-30;
  static constexpr double highest = 0x1.0p12;
  static constexpr int sub_bucket_bits = 7;
  /// Bound on |value_at_quantile(q) − exact| / exact within [lowest, highest).
  static constexpr double relative_error = 0x1.0p-8;
  /// 42 powers of two × 128 sub-buckets = 5376 counters (43 KB).
  static constexpr std::size_t bucket_count = 42u << sub_bucket_bits;

  Histogram();

  /// Counts one value (seconds). O(1).
  void record(double seconds);
  /// Adds another histogram's counts, sum, min and max. Exact: the result is the histogram of
  /// both sets of values.
  void merge(const Histogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  /// Exact sum, min, max and mean of the recorded values; 0 when empty.
  double sum() const { return sum_; }
  double min() const { return count_ ? min_ : 0.0; }
  double max() const { return count_ ? max_ : 0.0; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }

  /// The q-quantile, q in [0, 1]: the smallest recorded value v with at least ⌈q·count⌉ values
  /// ≤ v (at least one), to within relative_error; exactly min() and max() at the ends.
  /// 0 when empty.
  double value_at_quantile(double q) const;

  /// Buckets, for plotting: [bucket_lower(i), bucket_upper(i)) holds bucket_at(i) values.
  std::uint64_t bucket_at(std::size_t index) const { return counts_[index]; }
  static double bucket_lower(std::size_t index);
  static double bucket_upper(std::size_t index) { return bucket_lower(index + 1); }
  /// Index of the bucket that counts `seconds`.
  static std::size_t bucket_index(double seconds);

  friend bool operator==(const Histogram&, const Histogram&) = default;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
};

}  // namespace kendall
