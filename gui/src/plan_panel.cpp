#include "kendall/gui/plan_panel.hpp"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/gui/job_runner.hpp"
#include "kendall/gui/plan_summary.hpp"
#include "kendall/gui/spec_document.hpp"
#include "kendall/model/export.hpp"

namespace kendall::gui {
namespace {

QTableWidgetItem* cell(const QString& text, bool strong = false) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
  item->setTextAlignment(Qt::AlignVCenter | Qt::AlignRight);
  if (strong) {
    QFont font = item->font();
    font.setBold(true);
    item->setFont(font);
  }
  return item;
}

void write_file(const std::filesystem::path& path, const std::string& contents) {
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << contents;
  file.close();
  if (!file)
    throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

PlanPanel::PlanPanel(SpecDocument* document, JobRunner* jobs, QWidget* parent)
    : QWidget(parent), document_(document), jobs_(jobs) {
  auto* layout = new QVBoxLayout(this);
  auto* buttons = new QHBoxLayout();
  plan_button_ = new QPushButton("Plan replicas");
  plan_button_->setObjectName("planButton");
  plan_button_->setToolTip(
      "The cheapest replica counts meeting every SLO and the utilization cap at the what-if "
      "load (GLPK MILP, as kendall plan)");
  export_format_ = new QComboBox();
  export_format_->addItems({"kustomize", "hpa", "json", "csv"});
  export_button_ = new QPushButton("Export…");
  export_button_->setEnabled(false);
  buttons->addWidget(plan_button_);
  buttons->addStretch(1);
  buttons->addWidget(new QLabel("Export as"));
  buttons->addWidget(export_format_);
  buttons->addWidget(export_button_);
  layout->addLayout(buttons);

  summary_ = new QLabel("Press Plan replicas to size every service for the what-if load.");
  summary_->setObjectName("planSummary");
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);

  table_ = new QTableWidget(0, 6);
  table_->setObjectName("planTable");
  table_->setHorizontalHeaderLabels(
      {"service", "current", "recommended", "utilization", "per visit", "cost/h"});
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->verticalHeader()->setVisible(false);
  table_->setAlternatingRowColors(true);
  layout->addWidget(table_, 1);
  slos_ = new QTableWidget(0, 4);
  slos_->setObjectName("planSloTable");
  slos_->setHorizontalHeaderLabels({"SLO with the plan", "target", "predicted", ""});
  slos_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  slos_->verticalHeader()->setVisible(false);
  layout->addWidget(slos_, 1);

  connect(plan_button_, &QPushButton::clicked, this, &PlanPanel::runPlan);
  connect(export_button_, &QPushButton::clicked, this, &PlanPanel::exportClicked);
  connect(document_, &SpecDocument::opened, this, [this] {
    plan_.reset();
    table_->setRowCount(0);
    slos_->setRowCount(0);
    export_button_->setEnabled(false);
    const bool open = document_->system().workload == model::WorkloadType::open;
    plan_button_->setEnabled(open);
    summary_->setText(open ? "Press Plan replicas to size every service for the what-if load."
                           : "The planner sizes open workloads; this spec is closed.");
  });
}

void PlanPanel::runPlan() {
  model::System system = document_->system();
  model::PlanOptions options;
  options.rate_scale = document_->loadScale();
  summary_->setText("Planning…");
  jobs_->start("Planning replicas", [this, system, options](const JobContext&) {
    auto result = std::make_shared<model::PlanResult>(model::plan_replicas(system, options));
    return std::function<void()>([this, system, result] {
      planned_system_ = system;
      show(*result);
    });
  });
}

void PlanPanel::show(const model::PlanResult& plan) {
  plan_ = plan;
  table_->setRowCount(static_cast<int>(plan.services.size()));
  for (int row = 0; row < table_->rowCount(); ++row) {
    const auto& s = plan.services[static_cast<std::size_t>(row)];
    auto* name = cell(QString::fromStdString(s.name));
    name->setTextAlignment(Qt::AlignVCenter | Qt::AlignLeft);
    table_->setItem(row, 0, name);
    table_->setItem(row, 1, cell(QString::number(s.current_replicas)));
    auto* recommended = cell(QString::number(s.replicas), true);
    if (s.replicas != s.current_replicas)
      recommended->setForeground(s.replicas > s.current_replicas ? QColor(0xb9, 0x1c, 0x1c)
                                                                 : QColor(0x15, 0x80, 0x3d));
    table_->setItem(row, 2, recommended);
    table_->setItem(row, 3, cell(QString::asprintf("%.1f%%", 100 * s.utilization)));
    table_->setItem(
        row, 4,
        cell(s.response_time ? QString::fromStdString(format_duration(*s.response_time)) : "-"));
    table_->setItem(row, 5, cell(QString::asprintf("%.3f", s.cost)));
  }
  slos_->setRowCount(static_cast<int>(plan.slos.size()));
  for (int row = 0; row < slos_->rowCount(); ++row) {
    const auto& slo = plan.slos[static_cast<std::size_t>(row)];
    auto* name = cell(QString::fromStdString(slo.workload_class + " " +
                                             std::string(model::to_string(slo.statistic))));
    name->setTextAlignment(Qt::AlignVCenter | Qt::AlignLeft);
    slos_->setItem(row, 0, name);
    slos_->setItem(row, 1, cell(QString::fromStdString(format_duration(slo.target))));
    slos_->setItem(
        row, 2,
        cell(slo.predicted ? QString::fromStdString(format_duration(*slo.predicted)) : "-"));
    auto* met = cell(slo.met ? "met" : "MISSED", true);
    met->setForeground(slo.met ? QColor(0x15, 0x80, 0x3d) : QColor(0xb9, 0x1c, 0x1c));
    slos_->setItem(row, 3, met);
  }
  const std::string binding = binding_constraint(planned_system_, plan);
  if (plan.feasible) {
    summary_->setText(QString::fromStdString(
        fmt::format("<b>Cost {:.3f}/h</b> at {:.4g} requests/s ({}).<br>Binding constraint: {}",
                    plan.cost, plan.total_rate, plan.solver_status, binding)));
  } else {
    summary_->setText(QString::fromStdString(
        fmt::format("<b style='color:#b91c1c'>No feasible plan</b> at {:.4g} requests/s: {}",
                    plan.total_rate, binding)));
  }
  export_button_->setEnabled(plan.feasible);
}

QStringList PlanPanel::exportTo(const QString& format, const QString& folder) const {
  if (!plan_)
    throw std::runtime_error("plan first: there is no plan to export");
  model::ExportInput input;
  input.system = &planned_system_;
  input.schedule.push_back({model::ScheduleLevel{"", plan_->rate_scale}, *plan_});
  model::ExportFiles files;
  const std::string f = format.toStdString();
  if (f == "kustomize") {
    files = model::export_kustomize(input);
  } else if (f == "hpa") {
    files = model::export_hpa(input);
  } else if (f == "json") {
    files["plan.json"] = model::export_json(input);
  } else if (f == "csv") {
    files["plan.csv"] = model::export_csv(input);
  } else {
    throw std::runtime_error("unknown export format " + f);
  }
  QStringList written;
  for (const auto& [name, contents] : files) {
    const auto path = std::filesystem::path(folder.toStdString()) / name;
    write_file(path, contents);
    written << QString::fromStdString(path.string());
  }
  return written;
}

void PlanPanel::exportClicked() {
  const QString folder = QFileDialog::getExistingDirectory(this, "Export the plan into");
  if (folder.isEmpty())
    return;
  try {
    const QStringList written = exportTo(export_format_->currentText(), folder);
    QMessageBox::information(this, "Export", "Wrote:\n" + written.join("\n"));
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "Export failed", QString::fromStdString(e.what()));
  }
}

}  // namespace kendall::gui
