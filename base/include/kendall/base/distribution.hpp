#pragma once
/// Service-time (and think-time) distributions as users describe them: a family, a mean and a
/// squared coefficient of variation (SCV = variance / mean²). Times are in seconds.
///
/// Shared by the models (which use the moments), the simulator and the services (which sample).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kendall {

enum class DistributionKind {
  exponential,
  deterministic,
  lognormal,
  gamma,
  hyperexponential,
  empirical
};

/// "exponential", "deterministic", ...
std::string_view to_string(DistributionKind kind);
/// Accepts the names above and the short forms exp, fixed, det, lognorm, hyperexp, h2.
std::optional<DistributionKind> distribution_kind_from_string(std::string_view name);
/// Every accepted name, for error messages and did-you-mean.
std::vector<std::string> distribution_kind_names();

struct Distribution {
  DistributionKind kind = DistributionKind::exponential;
  double mean = 0;  ///< seconds
  double scv = 1;   ///< squared coefficient of variation
  /// Empirical only: the samples (seconds), sorted ascending.
  std::vector<double> samples;

  static Distribution exponential(double mean);
  static Distribution deterministic(double mean);
  /// Family chosen from the SCV: deterministic for 0, exponential for 1, gamma otherwise
  /// below 1, hyperexponential above 1.
  static Distribution from_moments(double mean, double scv);
  /// Mean and SCV taken from the samples (which need not be sorted).
  static Distribution empirical(std::vector<double> samples);

  double variance() const { return scv * mean * mean; }
  double second_moment() const { return (1.0 + scv) * mean * mean; }
  /// "exponential(mean 20 ms)", "lognormal(mean 10 ms, scv 0.5)".
  std::string describe() const;
};

/// Checks that mean and SCV fit the family (exponential: SCV 1; deterministic: SCV 0;
/// hyperexponential: SCV >= 1; gamma and lognormal: SCV > 0; mean > 0 unless deterministic).
/// Returns a message naming the problem and the fix, or nothing when valid.
std::optional<std::string> validate(const Distribution& distribution);

/// Parses the compact form used on command lines: "exp:10ms", "fixed:5ms",
/// "lognormal:10ms:0.5" (the last number is the SCV), "gamma:10ms:0.25", "hyperexp:10ms:4".
/// Throws InputError with the expected forms.
Distribution parse_distribution(std::string_view text);

}  // namespace kendall
