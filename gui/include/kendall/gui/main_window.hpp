#pragma once
/// The main window: the spec's tables and what-if controls on the left; the what-if charts,
/// the sweep and the plan on the right; File menu with recent files, drag and drop of specs
/// and measured results; a status bar with the running job's progress and Cancel.

#include <QMainWindow>
#include <vector>

#include <optional>

#include "kendall/gui/curves.hpp"
#include "kendall/gui/measured.hpp"

class QChart;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace kendall::gui {

class JobRunner;
class PlanPanel;
class SpecDocument;
class SpecTableModel;
class SweepPanel;
class WhatIfPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  /// Opens a spec; on bad input shows the loader's message and returns false.
  bool openSpec(const QString& path);
  /// Adds a load test or validate result to overlay; returns false (message shown) when bad.
  bool openMeasured(const QString& path);

  SpecDocument* document() const { return document_; }
  JobRunner* jobs() const { return jobs_; }
  SpecTableModel* servicesModel() const { return services_model_; }
  SpecTableModel* classesModel() const { return classes_model_; }
  WhatIfPanel* whatIf() const { return what_if_; }
  PlanPanel* planPanel() const { return plan_; }
  SweepPanel* sweepPanel() const { return sweep_; }
  QChart* latencyChart() const { return latency_; }
  QChart* utilizationChart() const { return utilization_; }
  QChart* throughputChart() const { return throughput_; }
  QLabel* errorLabel() const { return error_; }
  QTabWidget* tabs() const { return tabs_; }
  /// Wall time of the latest chart update (model solves and series), milliseconds.
  double lastUpdateMilliseconds() const { return last_update_ms_; }

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  QWidget* buildLeft();
  QWidget* buildCharts();
  void refreshCharts();
  void updateTitle();
  void showError(const QString& message);
  void rememberRecent(const QString& path);
  void fillRecentMenu();
  bool save(const QString& path);

  SpecDocument* document_;
  JobRunner* jobs_;
  SpecTableModel* services_model_;
  SpecTableModel* classes_model_;
  WhatIfPanel* what_if_ = nullptr;
  PlanPanel* plan_ = nullptr;
  SweepPanel* sweep_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QChart* latency_ = nullptr;
  QChart* utilization_ = nullptr;
  QChart* throughput_ = nullptr;
  QTableWidget* results_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* error_ = nullptr;
  QLabel* timing_ = nullptr;
  QLabel* job_title_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  std::vector<MeasuredSet> measured_;
  std::optional<Curves> curves_;  ///< for the current system; dropped when it changes
  double last_update_ms_ = 0;
};

}  // namespace kendall::gui
