#pragma once
/// The model's numbers at the operating point as a read-only table: per class throughput,
/// mean, p95 and SLO; per service utilization, throughput and time per visit.

class QTableWidget;

namespace kendall::model {
struct SystemResult;
}

namespace kendall::gui {

QTableWidget* make_results_table();
void fill_results_table(QTableWidget* table, const model::SystemResult& result);

}  // namespace kendall::gui
