// Erlang B and Erlang C for large server counts, without factorials or powers.
//
// B(c, a) = (a^c / c!) / sum_{k<=c} a^k / k! overflows a double at c ≈ 170 if evaluated as
// written. The recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)) (Jagerman 1974, "Some
// properties of the Erlang loss function", Bell Syst. Tech. J. 53(3)) has terms in [0, 1] and is
// a contraction, so rounding errors do not grow. We run it on I(k) = 1 / B(k), for which it
// reads I(k) = 1 + (k / a) I(k-1): the ratio k / a does not depend on the previous step, so the
// loop-carried chain is one multiply and one add instead of a division (about 3x faster at
// 100,000 servers), and all terms are positive, so nothing cancels. I(k) only grows; when it
// overflows to +inf, B has underflowed to 0, which is the correctly rounded answer.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/model/station.hpp"
#include "station_detail.hpp"

namespace kendall::model {
namespace detail {

double inverse_erlang_b(int servers, double offered_load) {
  if (servers == 0)
    return 1.0;
  if (offered_load == 0)
    return std::numeric_limits<double>::infinity();
  double inverse = 1.0;  // I(0) = 1 / B(0)
  for (int k = 1; k <= servers; ++k) {
    inverse = 1.0 + (static_cast<double>(k) / offered_load) * inverse;
    if (inverse == std::numeric_limits<double>::infinity())
      break;  // stays +inf: B(c) underflows to 0
  }
  return inverse;
}

std::string format_number(double value) {
  return fmt::format("{:.6g}", value);
}

}  // namespace detail

namespace {

void check_erlang_arguments(const char* name, int servers, double offered_load) {
  if (servers < 0 || servers > detail::kMaxServersOrCapacity) {
    throw InputError(fmt::format("{}: servers is {}, expected 0 to {}; use a realistic count", name,
                                 servers, detail::kMaxServersOrCapacity));
  }
  if (!std::isfinite(offered_load) || offered_load < 0) {
    throw InputError(fmt::format(
        "{}: offered load is {}, expected a finite number of Erlangs >= 0 (arrival rate × mean "
        "service time)",
        name, offered_load));
  }
}

}  // namespace

double erlang_b(int servers, double offered_load) {
  check_erlang_arguments("erlang_b", servers, offered_load);
  return 1.0 / detail::inverse_erlang_b(servers, offered_load);
}

double erlang_c(int servers, double offered_load) {
  check_erlang_arguments("erlang_c", servers, offered_load);
  if (servers < 1 || offered_load >= servers) {
    throw InputError(fmt::format(
        "erlang_c: offered load {} Erlangs needs more than {} servers for a queue to be stable; "
        "add servers (at least {})",
        detail::format_number(offered_load), servers,
        static_cast<long long>(std::floor(offered_load)) + 1));
  }
  // Erlang's C formula (Kleinrock, Queueing Systems Vol. 1, §3.5) divided above and below by
  // sum_{k<=c} a^k / k! is C = B / (1 - ρ(1 - B)) with ρ = a / c; dividing once more by B gives
  // C = 1 / (ρ + (1 - ρ) / B). 1 - ρ is formed as (c - a) / c so that it keeps its digits at
  // ρ = 0.9999.
  const double c = servers;
  const double rho = offered_load / c;
  const double one_minus_rho = (c - offered_load) / c;
  return 1.0 / (rho + one_minus_rho * detail::inverse_erlang_b(servers, offered_load));
}

}  // namespace kendall::model
