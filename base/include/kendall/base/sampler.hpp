#pragma once
/// Seeded random streams and samplers for a Distribution (times in seconds).
///
/// Same seed, same stream: every draw comes from an explicitly seeded Rng; nothing here reads the
/// clock or a global engine. Shared by the simulator (hot path: one draw per event) and the load
/// generator, so the common families are inline.

#include <cmath>
#include <cstdint>
#include <vector>

#include "kendall/base/distribution.hpp"

namespace kendall {

/// xoshiro256++ 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 47(4), 2021): period 2^256 − 1, four words of state, a few cycles per draw.
/// Satisfies UniformRandomBitGenerator, so it also drives the <random> distributions.
class Rng {
 public:
  using result_type = std::uint64_t;

  /// The state is filled from `seed` by splitmix64, as the authors recommend, so nearby seeds
  /// (1, 2, 3) give unrelated streams.
  explicit Rng(std::uint64_t seed);

  /// Stream `index` of `seed`: Rng(seed) advanced by `index` jumps of 2^128 draws, so streams
  /// never overlap in practice. Used for replication r of a simulation.
  static Rng stream(std::uint64_t seed, std::uint64_t index);

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  /// Uniform on (0, 1]: safe to take the logarithm of.
  double uniform_positive() { return static_cast<double>(((*this)() >> 11) + 1) * 0x1.0p-53; }
  /// Exponential with the given mean, by inversion.
  double exponential(double mean) { return -mean * std::log(uniform_positive()); }
  /// Uniform integer on [0, n) for 0 < n < 2^32, by Lemire's multiply-shift on the top 32 bits
  /// (bias below n / 2^32: negligible for replica counts and sample sizes).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((*this)() >> 32) * n >> 32);
  }
  /// Standard normal, by Marsaglia's polar method (the second variate is discarded so the
  /// engine carries no hidden cache).
  double standard_normal();

  /// Advances the state by 2^128 draws.
  void jump();

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4];
};

/// Draws from one Distribution. Parameters are derived once from (kind, mean, SCV):
/// - exponential: rate 1/mean.
/// - deterministic: always the mean.
/// - lognormal: σ² = ln(1 + SCV), μ = ln(mean) − σ²/2 (so E = mean, Var/E² = SCV).
/// - gamma: shape k = 1/SCV, scale θ = mean·SCV; Marsaglia and Tsang (ACM TOMS 26(3), 2000),
///   with G(k) = G(k+1)·U^(1/k) when k < 1.
/// - hyperexponential: two phases with balanced means (Whitt 1982; p₁/μ₁ = p₂/μ₂):
///   p₁ = (1 + √((SCV−1)/(SCV+1)))/2, μᵢ = 2pᵢ/mean. Exact mean and SCV for SCV ≥ 1.
/// - empirical: one of the samples, uniformly at random (a bootstrap resample).
/// The caller validates the distribution first (kendall::validate).
class Sampler {
 public:
  explicit Sampler(const Distribution& distribution);

  double operator()(Rng& rng) const {
    switch (kind_) {
      case DistributionKind::exponential:
        return rng.exponential(mean_);
      case DistributionKind::deterministic:
        return mean_;
      default:
        return sample_slow(rng);
    }
  }

  DistributionKind kind() const { return kind_; }
  double mean() const { return mean_; }

 private:
  double sample_slow(Rng& rng) const;

  DistributionKind kind_;
  double mean_;
  // Family parameters: lognormal (μ, σ), gamma (shape, scale, 1/shape when shape < 1),
  // hyperexponential (p₁, mean₁, mean₂).
  double a_ = 0, b_ = 0, c_ = 0;
  std::vector<double> samples_;
};

}  // namespace kendall
