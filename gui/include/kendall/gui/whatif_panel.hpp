#pragma once
/// What-if controls: the load (total arrival rate, or users for a closed workload) as a slider
/// and spin box, and per service its replicas, workers and mean service time. They edit the
/// document; the charts follow its signals.

#include <QWidget>
#include <vector>

class QSlider;
class QDoubleSpinBox;
class QSpinBox;
class QLabel;
class QGridLayout;

namespace kendall::gui {

class SpecDocument;

class WhatIfPanel : public QWidget {
  Q_OBJECT

 public:
  explicit WhatIfPanel(SpecDocument* document, QWidget* parent = nullptr);

  QSlider* loadSlider() const { return load_slider_; }
  QDoubleSpinBox* loadSpin() const { return load_spin_; }
  /// Per service, in spec order.
  QSpinBox* replicasSpin(std::size_t service) const { return rows_.at(service).replicas; }
  QSpinBox* workersSpin(std::size_t service) const { return rows_.at(service).workers; }
  QDoubleSpinBox* serviceTimeSpin(std::size_t service) const {
    return rows_.at(service).service_time;
  }

 private:
  void rebuild();
  void sync();
  void setLoad(double load);
  double sliderToLoad(int position) const;
  int loadToSlider(double load) const;

  struct ServiceRow {
    QSpinBox* replicas = nullptr;
    QSpinBox* workers = nullptr;
    QDoubleSpinBox* service_time = nullptr;
  };
  SpecDocument* document_;
  QLabel* load_label_;
  QSlider* load_slider_;
  QDoubleSpinBox* load_spin_;
  QGridLayout* services_;
  std::vector<ServiceRow> rows_;
  std::vector<QWidget*> row_widgets_;
  double load_max_ = 1;
};

}  // namespace kendall::gui
