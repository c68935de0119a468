#pragma once
/// Durations and sizes as users write them: "20ms", "0.02s", "1.5 min"; "256Mi", "64KiB".
///
/// Units: everything is returned in SI base units as double (seconds, bytes).

#include <string>
#include <string_view>

namespace kendall {

/// Parses a duration: a non-negative number followed by ns, us, ms, s, m/min or h. A bare
/// number is seconds. Throws InputError ("unknown unit "mss" (expected ns, us, ms, s, min, h);
/// did you mean "ms"?") on anything else.
double parse_duration(std::string_view text);

/// Parses a byte size: a number with an optional unit B, KiB/Ki/K, MiB/Mi/M, GiB/Gi/G (binary),
/// KB, MB, GB (decimal). A bare number is bytes.
double parse_size(std::string_view text);

/// Parses a CPU quantity as Kubernetes writes it: "500m" (millicores) or "2" (cores).
double parse_cpu(std::string_view text);

/// Formats seconds for people: "850 ns", "12.3 us", "4.56 ms", "1.23 s", "2.5 min".
std::string format_duration(double seconds);

}  // namespace kendall
