#pragma once
/// The Plan tab: runs the GLPK planner (model::plan_replicas) off the UI thread at the what-if
/// load, shows recommended replicas beside the current ones, the cost and the binding
/// constraint, and exports the plan as `kendall export` does (kustomize, HPA, JSON, CSV).

#include <QWidget>
#include <optional>

#include "kendall/model/plan.hpp"

class QLabel;
class QPushButton;
class QTableWidget;
class QComboBox;

namespace kendall::gui {

class SpecDocument;
class JobRunner;

class PlanPanel : public QWidget {
  Q_OBJECT

 public:
  PlanPanel(SpecDocument* document, JobRunner* jobs, QWidget* parent = nullptr);

  QPushButton* planButton() const { return plan_button_; }
  QTableWidget* table() const { return table_; }
  const std::optional<model::PlanResult>& plan() const { return plan_; }

  /// Writes the export of the current plan into `folder`; returns the files written. Throws
  /// std::runtime_error or InputError with the reason.
  QStringList exportTo(const QString& format, const QString& folder) const;

 public slots:
  void runPlan();

 private:
  void show(const model::PlanResult& plan);
  void exportClicked();

  SpecDocument* document_;
  JobRunner* jobs_;
  QPushButton* plan_button_;
  QPushButton* export_button_;
  QComboBox* export_format_;
  QTableWidget* table_;
  QTableWidget* slos_;
  QLabel* summary_;
  std::optional<model::PlanResult> plan_;
  model::System planned_system_;
};

}  // namespace kendall::gui
