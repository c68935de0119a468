#pragma once
// Pieces shared by the open and closed system analyses.

#include "kendall/model/system_model.hpp"

namespace kendall::model::detail {

SystemResult analyze_open(const System& system, const AnalysisOptions& options);
SystemResult analyze_closed(const System& system, const AnalysisOptions& options);

/// Mean and second moment of the service time seen at a service, mixing the classes' own
/// times by their visit rates (FCFS: every class waits in the same queue).
Distribution mixed_service_time(const Service& service, const std::vector<double>& class_rates,
                                const std::vector<const Distribution*>& class_times);

/// Fills SystemResult::slos and each class's slo_met from the predictions.
void evaluate_slos(const System& system, SystemResult& result);

}  // namespace kendall::model::detail
