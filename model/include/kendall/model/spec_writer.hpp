#pragma once
/// Writing a System back as a spec (docs/spec.md) that load_system reads to an equal System:
/// what `kendall calibrate` and `kendall validate` write, and what the desktop app saves. Fields
/// at their defaults are left out. Empirical distributions are written by their mean and SCV
/// (the samples file is not known here). Durations in the spec's units ("40ms").

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kendall/model/spec.hpp"

namespace kendall::model {

/// The lists of a spec whose rows have fields: services and workload classes.
enum class SpecSection { services, classes };

/// One field of one row, named as the spec names it ("replicas", "service_time.mean",
/// "service_time.scv", "service_time.distribution", "rate", "think_time" (its mean), "visits").
struct SpecField {
  SpecSection section = SpecSection::services;
  std::size_t row = 0;
  std::string_view key;
};

struct SpecWriting {
  /// Written first, each line as a YAML comment.
  std::string comment;
  /// The text to write for a field instead of the system's value (a user's edit, in spec
  /// syntax); nothing writes the value. A replaced field is written even at its default.
  std::function<std::optional<std::string>(const SpecField&)> replace;
};

/// The spec as YAML.
std::string write_spec(const System& system, const SpecWriting& writing = {});

/// A field's value as the spec writes it: "40ms", "0.5", "least-request", "" for an unset
/// optional. Throws InputError for a key the section does not have.
std::string spec_field_text(const System& system, const SpecField& field);

/// Seconds as the shortest exact-enough spec duration: "40ms", "1.5s", "250us".
std::string duration_text(double seconds);

}  // namespace kendall::model
