#include "kendall/gui/whatif_panel.hpp"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "kendall/gui/curves.hpp"
#include "kendall/gui/spec_document.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::gui {
namespace {

constexpr int slider_steps = 1000;

bool is_open(const SpecDocument* d) {
  return d->system().workload == model::WorkloadType::open;
}

}  // namespace

WhatIfPanel::WhatIfPanel(SpecDocument* document, QWidget* parent)
    : QWidget(parent), document_(document) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* load_row = new QGridLayout();
  load_label_ = new QLabel("Arrival rate (req/s)");
  load_slider_ = new QSlider(Qt::Horizontal);
  load_slider_->setObjectName("loadSlider");
  load_slider_->setRange(0, slider_steps);
  load_spin_ = new QDoubleSpinBox();
  load_spin_->setObjectName("loadSpin");
  load_spin_->setMinimumWidth(110);
  load_row->addWidget(load_label_, 0, 0);
  load_row->addWidget(load_slider_, 0, 1);
  load_row->addWidget(load_spin_, 0, 2);
  load_row->setColumnStretch(1, 1);
  layout->addLayout(load_row);

  services_ = new QGridLayout();
  services_->setHorizontalSpacing(10);
  layout->addLayout(services_);
  layout->addStretch(1);

  connect(load_slider_, &QSlider::valueChanged, this,
          [this](int position) { setLoad(sliderToLoad(position)); });
  connect(load_spin_, &QDoubleSpinBox::valueChanged, this, [this](double load) { setLoad(load); });
  connect(document_, &SpecDocument::opened, this, &WhatIfPanel::rebuild);
  connect(document_, &SpecDocument::systemChanged, this, &WhatIfPanel::sync);
  rebuild();
}

double WhatIfPanel::sliderToLoad(int position) const {
  const double load = load_max_ * position / slider_steps;
  return is_open(document_) ? load : std::max(1.0, std::round(load));
}

int WhatIfPanel::loadToSlider(double load) const {
  return static_cast<int>(std::lround(slider_steps * std::clamp(load / load_max_, 0.0, 1.0)));
}

void WhatIfPanel::setLoad(double load) {
  const double base = spec_load(document_->system());
  if (!(base > 0))
    return;
  // What the spin box shows is what the model gets: 0.1 requests/s, or whole users.
  load = is_open(document_) ? std::max(0.1, std::round(10 * load) / 10) : std::round(load);
  {
    const QSignalBlocker a(load_slider_);
    const QSignalBlocker b(load_spin_);
    load_slider_->setValue(loadToSlider(load));
    load_spin_->setValue(load);
  }
  document_->setLoadScale(std::max(load, 1e-9) / base);
}

void WhatIfPanel::rebuild() {
  for (QWidget* w : row_widgets_)
    delete w;
  row_widgets_.clear();
  rows_.clear();
  const model::System& system = document_->system();
  const bool open = is_open(document_);
  const double base = spec_load(system);
  // The slider reaches past saturation (open) or to four times the users (closed).
  if (open) {
    double saturation = 2 * base;
    if (base > 0 && !system.services.empty()) {
      model::AnalysisOptions options;
      options.percentiles = false;
      saturation = model::analyze(system, options).saturation_rate.value_or(2 * base);
    }
    load_max_ = std::max({1.2 * saturation, 1.5 * base, 1.0});
  } else {
    load_max_ = std::max(4 * base, 10.0);
  }
  load_label_->setText(open ? "Arrival rate (req/s)" : "Users");
  {
    const QSignalBlocker a(load_slider_);
    const QSignalBlocker b(load_spin_);
    load_spin_->setDecimals(open ? 1 : 0);
    load_spin_->setRange(open ? 0.1 : 1, load_max_);
    load_spin_->setSingleStep(open ? 5 : 1);
    load_spin_->setValue(base);
    load_slider_->setValue(loadToSlider(base));
  }

  const auto header = [&](const QString& text, int column) {
    auto* label = new QLabel(text);
    label->setStyleSheet("font-weight: 600; color: #374151;");
    services_->addWidget(label, 0, column);
    row_widgets_.push_back(label);
  };
  header("Service", 0);
  header("Replicas", 1);
  header("Workers", 2);
  header("Service time (ms)", 3);
  for (std::size_t i = 0; i < system.services.size(); ++i) {
    const int row = static_cast<int>(i) + 1;
    auto* name = new QLabel(QString::fromStdString(system.services[i].name));
    ServiceRow r;
    r.replicas = new QSpinBox();
    r.replicas->setRange(1, 1000);
    r.replicas->setObjectName(QString("replicas%1").arg(i));
    r.workers = new QSpinBox();
    r.workers->setRange(1, 1000);
    r.workers->setObjectName(QString("workers%1").arg(i));
    r.service_time = new QDoubleSpinBox();
    r.service_time->setDecimals(2);
    r.service_time->setRange(0.01, 600'000);
    r.service_time->setSingleStep(1);
    r.service_time->setObjectName(QString("serviceTime%1").arg(i));
    services_->addWidget(name, row, 0);
    services_->addWidget(r.replicas, row, 1);
    services_->addWidget(r.workers, row, 2);
    services_->addWidget(r.service_time, row, 3);
    row_widgets_.insert(row_widgets_.end(), {name, r.replicas, r.workers, r.service_time});
    const auto edit = [this, i](auto change) {
      model::System s = document_->system();
      change(s.services.at(i));
      document_->setSystem(std::move(s));
    };
    connect(r.replicas, &QSpinBox::valueChanged, this,
            [edit](int v) { edit([v](model::Service& s) { s.replicas = v; }); });
    connect(r.workers, &QSpinBox::valueChanged, this,
            [edit](int v) { edit([v](model::Service& s) { s.workers = v; }); });
    connect(r.service_time, &QDoubleSpinBox::valueChanged, this,
            [edit](double v) { edit([v](model::Service& s) { s.service_time.mean = v / 1e3; }); });
    rows_.push_back(r);
  }
  services_->setColumnStretch(0, 1);
  sync();
}

void WhatIfPanel::sync() {
  const model::System& system = document_->system();
  {
    // A rate or population edited in the table moves the operating point with it.
    const QSignalBlocker a(load_slider_);
    const QSignalBlocker b(load_spin_);
    const double load = spec_load(system) * document_->loadScale();
    load_spin_->setValue(load);
    load_slider_->setValue(loadToSlider(load));
  }
  for (std::size_t i = 0; i < rows_.size() && i < system.services.size(); ++i) {
    const QSignalBlocker a(rows_[i].replicas);
    const QSignalBlocker b(rows_[i].workers);
    const QSignalBlocker c(rows_[i].service_time);
    rows_[i].replicas->setValue(system.services[i].replicas);
    rows_[i].workers->setValue(system.services[i].workers);
    rows_[i].service_time->setValue(system.services[i].service_time.mean * 1e3);
  }
}

}  // namespace kendall::gui
