#include "kendall/gui/results_table.hpp"

#include <QHeaderView>
#include <QTableWidget>

#include "kendall/base/duration.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::gui {
namespace {

QString latency(const std::optional<double>& seconds) {
  return seconds ? QString::fromStdString(format_duration(*seconds)) : "∞";
}

void set_row(QTableWidget* table, int row, const QStringList& cells, const QColor& tint = {}) {
  for (int c = 0; c < cells.size(); ++c) {
    auto* item = new QTableWidgetItem(cells[c]);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setTextAlignment(Qt::AlignVCenter | (c == 0 ? Qt::AlignLeft : Qt::AlignRight));
    if (tint.isValid() && c == cells.size() - 1)
      item->setForeground(tint);
    table->setItem(row, c, item);
  }
}

}  // namespace

QTableWidget* make_results_table() {
  auto* table = new QTableWidget(0, 5);
  table->setObjectName("resultsTable");
  table->setHorizontalHeaderLabels({"", "req/s", "mean", "p95", "SLO · util."});
  table->horizontalHeaderItem(2)->setToolTip(
      "classes: mean response time; services: mean time per visit (wait + service)");
  table->horizontalHeaderItem(4)->setToolTip(
      "classes: the SLO, ✓ met or ✗ missed; services: utilization per worker");
  table->verticalHeader()->setVisible(false);
  table->setAlternatingRowColors(true);
  return table;
}

void fill_results_table(QTableWidget* table, const model::SystemResult& r) {
  table->setRowCount(static_cast<int>(r.classes.size() + r.services.size()));
  int row = 0;
  for (const auto& c : r.classes) {
    QString slo = "-";
    QColor tint;
    for (const auto& s : r.slos) {
      if (s.workload_class == c.name) {
        slo = QString("%1 ≤ %2 %3")
                  .arg(QString::fromStdString(std::string(model::to_string(s.statistic))))
                  .arg(QString::fromStdString(format_duration(s.target)))
                  .arg(s.met ? "✓" : "✗");
        tint = s.met ? QColor(0x15, 0x80, 0x3d) : QColor(0xb9, 0x1c, 0x1c);
      }
    }
    const auto& p = c.response_time_percentiles;
    set_row(table, row++,
            {"class " + QString::fromStdString(c.name), QString::number(c.throughput, 'g', 4),
             latency(c.mean_response_time), latency(p ? std::optional(p->p95) : std::nullopt), slo},
            tint);
  }
  for (const auto& s : r.services) {
    set_row(table, row++,
            {QString::fromStdString(s.name), QString::number(s.throughput, 'g', 4),
             latency(s.response_time), "", QString::asprintf("%.1f%%", 100 * s.utilization)});
  }
  table->resizeColumnsToContents();
  table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  table->horizontalHeader()->setStretchLastSection(true);
}

}  // namespace kendall::gui
