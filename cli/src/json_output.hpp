#pragma once
// JSON renderings of model results (times in seconds, rates per second; null where a value does
// not exist, e.g. latencies of an unstable system). Key names are documented in docs/cli.md.

#include <nlohmann/json.hpp>

#include "kendall/model/station.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::cli {

using Json = nlohmann::ordered_json;

Json to_json(const model::ResponsePercentiles& percentiles);
Json to_json(const model::StationMetrics& metrics);
Json to_json(const model::SystemResult& result);

}  // namespace kendall::cli
