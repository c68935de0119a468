#pragma once
/// The Sweep tab: pick a parameter (load, or a service's replicas, workers or service time), a
/// range and a number of steps; the sweep runs off the UI thread (optionally simulating every
/// step) and every output is plotted: latency, throughput and utilization.

#include <QWidget>
#include <optional>

#include "kendall/gui/sweep.hpp"

class QChart;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QCheckBox;
class QPushButton;
class QLabel;

namespace kendall::gui {

class SpecDocument;
class JobRunner;

class SweepPanel : public QWidget {
  Q_OBJECT

 public:
  SweepPanel(SpecDocument* document, JobRunner* jobs, QWidget* parent = nullptr);

  QChart* latencyChart() const { return latency_; }
  const std::optional<SweepResult>& result() const { return result_; }
  /// The request the controls describe now.
  SweepRequest request() const;

 public slots:
  void run();

 private:
  void rebuild();
  void suggestRange();

  SpecDocument* document_;
  JobRunner* jobs_;
  QComboBox* parameter_;
  QComboBox* service_;
  QDoubleSpinBox* from_;
  QDoubleSpinBox* to_;
  QSpinBox* steps_;
  QCheckBox* simulate_;
  QPushButton* run_;
  QLabel* status_;
  QChart* latency_;
  QChart* throughput_;
  QChart* utilization_;
  std::optional<SweepResult> result_;
};

}  // namespace kendall::gui
