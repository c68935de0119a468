#pragma once
/// Specs as text, for what calibration writes: a whole spec for a calibrated service, or an
/// existing spec with only the calibrated services' service_time values replaced (comments,
/// order and everything else kept as the user wrote it).

#include <map>
#include <string>

#include "kendall/model/spec.hpp"

namespace kendall::validation {

/// A calibrated system as a spec (model::write_spec) headed by a comment saying where it came
/// from; `kendall model` reads it back to the same System.
std::string spec_yaml(const model::System& system);

struct MeasuredServiceTime {
  double mean = 0;  ///< seconds
  double scv = 1;
};

/// Replaces `service_time` of each named service in the spec text with `{mean: …, scv: …}`.
/// Throws InputError (naming `source`) when a name is not a service of the spec or the text is
/// not a spec.
std::string update_service_times(const std::string& text, const std::string& source,
                                 const std::map<std::string, MeasuredServiceTime>& updates);

}  // namespace kendall::validation
