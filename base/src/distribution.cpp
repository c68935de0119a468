#include "kendall/base/distribution.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/base/suggest.hpp"

namespace kendall {

std::string_view to_string(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::exponential:
      return "exponential";
    case DistributionKind::deterministic:
      return "deterministic";
    case DistributionKind::lognormal:
      return "lognormal";
    case DistributionKind::gamma:
      return "gamma";
    case DistributionKind::hyperexponential:
      return "hyperexponential";
    case DistributionKind::empirical:
      return "empirical";
  }
  return "unknown";
}

std::optional<DistributionKind> distribution_kind_from_string(std::string_view name) {
  if (name == "exponential" || name == "exp")
    return DistributionKind::exponential;
  if (name == "deterministic" || name == "fixed" || name == "det") {
    return DistributionKind::deterministic;
  }
  if (name == "lognormal" || name == "lognorm")
    return DistributionKind::lognormal;
  if (name == "gamma")
    return DistributionKind::gamma;
  if (name == "hyperexponential" || name == "hyperexp" || name == "h2") {
    return DistributionKind::hyperexponential;
  }
  if (name == "empirical")
    return DistributionKind::empirical;
  return std::nullopt;
}

std::vector<std::string> distribution_kind_names() {
  return {"exponential", "exp",   "deterministic",    "fixed",    "det", "lognormal",
          "lognorm",     "gamma", "hyperexponential", "hyperexp", "h2",  "empirical"};
}

Distribution Distribution::exponential(double mean) {
  return Distribution{DistributionKind::exponential, mean, 1.0, {}};
}

Distribution Distribution::deterministic(double mean) {
  return Distribution{DistributionKind::deterministic, mean, 0.0, {}};
}

Distribution Distribution::from_moments(double mean, double scv) {
  if (scv == 0)
    return deterministic(mean);
  if (scv == 1)
    return exponential(mean);
  return Distribution{
      scv < 1 ? DistributionKind::gamma : DistributionKind::hyperexponential, mean, scv, {}};
}

Distribution Distribution::empirical(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  Distribution d{DistributionKind::empirical, 0.0, 0.0, std::move(samples)};
  if (d.samples.empty())
    return d;
  const double n = static_cast<double>(d.samples.size());
  d.mean = std::accumulate(d.samples.begin(), d.samples.end(), 0.0) / n;
  double squares = 0;
  for (double x : d.samples)
    squares += (x - d.mean) * (x - d.mean);
  d.scv = d.mean > 0 ? (squares / n) / (d.mean * d.mean) : 0.0;
  return d;
}

std::string Distribution::describe() const {
  switch (kind) {
    case DistributionKind::exponential:
    case DistributionKind::deterministic:
      return fmt::format("{}(mean {})", to_string(kind), format_duration(mean));
    case DistributionKind::empirical:
      return fmt::format("empirical({} samples, mean {}, scv {:.3g})", samples.size(),
                         format_duration(mean), scv);
    default:
      return fmt::format("{}(mean {}, scv {:.3g})", to_string(kind), format_duration(mean), scv);
  }
}

std::optional<std::string> validate(const Distribution& d) {
  if (!std::isfinite(d.mean) || d.mean < 0)
    return "the mean must be a finite duration >= 0";
  if (!std::isfinite(d.scv) || d.scv < 0)
    return "the scv must be a finite number >= 0";
  switch (d.kind) {
    case DistributionKind::deterministic:
      if (d.scv != 0)
        return "a deterministic time has scv 0; drop scv or choose gamma/lognormal";
      return std::nullopt;
    case DistributionKind::exponential:
      if (d.scv != 1) {
        return "an exponential time has scv 1; drop scv or choose gamma (scv < 1) or "
               "hyperexponential (scv > 1)";
      }
      break;
    case DistributionKind::hyperexponential:
      if (d.scv < 1)
        return "a hyperexponential time needs scv >= 1; use gamma for scv < 1";
      break;
    case DistributionKind::gamma:
    case DistributionKind::lognormal:
      if (d.scv <= 0)
        return "gamma and lognormal times need scv > 0; use deterministic for 0";
      break;
    case DistributionKind::empirical:
      if (d.samples.empty())
        return "an empirical distribution needs at least one sample";
      return std::nullopt;
  }
  if (d.mean <= 0)
    return "the mean must be > 0";
  return std::nullopt;
}

Distribution parse_distribution(std::string_view text) {
  const std::string expected =
      "expected FAMILY:MEAN[:SCV], e.g. exp:10ms, fixed:5ms, lognormal:10ms:0.5";
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos)
      break;
    start = colon + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) {
    throw InputError(fmt::format("\"{}\" is not a distribution ({})", text, expected));
  }
  const auto kind = distribution_kind_from_string(parts[0]);
  if (!kind || *kind == DistributionKind::empirical) {
    throw InputError(fmt::format("\"{}\": unknown distribution \"{}\" ({}){}", text, parts[0],
                                 expected, did_you_mean(parts[0], distribution_kind_names())));
  }
  Distribution d{*kind, parse_duration(parts[1]), 1.0, {}};
  if (*kind == DistributionKind::deterministic)
    d.scv = 0;
  if (parts.size() == 3) {
    const auto [end, ec] =
        std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), d.scv);
    if (ec != std::errc{} || end != parts[2].data() + parts[2].size()) {
      throw InputError(
          fmt::format("\"{}\": scv \"{}\" is not a number ({})", text, parts[2], expected));
    }
  } else if (*kind != DistributionKind::exponential && *kind != DistributionKind::deterministic) {
    throw InputError(
        fmt::format("\"{}\": {} needs an scv, e.g. {}:{}:0.5", text, parts[0], parts[0], parts[1]));
  }
  if (const auto problem = validate(d)) {
    throw InputError(fmt::format("\"{}\": {}", text, *problem));
  }
  return d;
}

}  // namespace kendall
