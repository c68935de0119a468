#include "kendall/base/sampler.hpp"

namespace kendall {
namespace {

// splitmix64 (Steele, Lea and Flood, OOPSLA 2014): spreads one 64-bit seed over the
// xoshiro state so that no seed yields the all-zero state.
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Marsaglia and Tsang's squeeze-and-reject method for shape >= 1, scale 1.
double gamma_at_least_one(Rng& rng, double shape) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0;
    double v = 0;
    do {
      x = rng.standard_normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = rng.uniform_positive();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2)
      return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v)))
      return d * v;
  }
}

}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& word : s_)
    word = splitmix64(seed);
}

Rng Rng::stream(std::uint64_t seed, std::uint64_t index) {
  Rng rng(seed);
  for (std::uint64_t i = 0; i < index; ++i)
    rng.jump();
  return rng;
}

void Rng::jump() {
  // The jump polynomial published with xoshiro256++ (equivalent to 2^128 calls).
  static constexpr std::uint64_t polynomial[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                                 0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
  std::uint64_t s[4] = {0, 0, 0, 0};
  for (const std::uint64_t word : polynomial) {
    for (int bit = 0; bit < 64; ++bit) {
      if (word & (std::uint64_t{1} << bit)) {
        for (int i = 0; i < 4; ++i)
          s[i] ^= s_[i];
      }
      (*this)();
    }
  }
  for (int i = 0; i < 4; ++i)
    s_[i] = s[i];
}

double Rng::standard_normal() {
  while (true) {
    const double u = 2.0 * uniform() - 1.0;
    const double v = 2.0 * uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0 && s < 1)
      return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

Sampler::Sampler(const Distribution& d) : kind_(d.kind), mean_(d.mean) {
  switch (d.kind) {
    case DistributionKind::exponential:
    case DistributionKind::deterministic:
      break;
    case DistributionKind::lognormal: {
      const double variance = std::log1p(d.scv);
      b_ = std::sqrt(variance);
      a_ = std::log(d.mean) - variance / 2.0;
      break;
    }
    case DistributionKind::gamma:
      a_ = 1.0 / d.scv;
      b_ = d.mean * d.scv;
      c_ = 1.0 / a_;
      break;
    case DistributionKind::hyperexponential: {
      if (d.scv <= 1.0) {
        kind_ = DistributionKind::exponential;  // the balanced-means fit degenerates to one phase
        break;
      }
      a_ = 0.5 * (1.0 + std::sqrt((d.scv - 1.0) / (d.scv + 1.0)));
      b_ = d.mean / (2.0 * a_);          // 1/μ₁ = mean / (2p₁)
      c_ = d.mean / (2.0 * (1.0 - a_));  // 1/μ₂
      break;
    }
    case DistributionKind::empirical:
      samples_ = d.samples;
      if (samples_.empty())
        kind_ = DistributionKind::deterministic;
      break;
  }
}

double Sampler::sample_slow(Rng& rng) const {
  switch (kind_) {
    case DistributionKind::lognormal:
      return std::exp(a_ + b_ * rng.standard_normal());
    case DistributionKind::gamma:
      if (a_ >= 1.0)
        return b_ * gamma_at_least_one(rng, a_);
      return b_ * gamma_at_least_one(rng, a_ + 1.0) * std::pow(rng.uniform_positive(), c_);
    case DistributionKind::hyperexponential:
      return rng.exponential(rng.uniform() < a_ ? b_ : c_);
    case DistributionKind::empirical:
      return samples_[rng.below(static_cast<std::uint32_t>(samples_.size()))];
    case DistributionKind::exponential:
      return rng.exponential(mean_);
    case DistributionKind::deterministic:
      return mean_;
  }
  return mean_;
}

}  // namespace kendall
