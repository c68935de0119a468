#include "kendall/gui/sweep_panel.hpp"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>
#include <memory>

#include "kendall/gui/charts.hpp"
#include "kendall/gui/curves.hpp"
#include "kendall/gui/job_runner.hpp"
#include "kendall/gui/spec_document.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::gui {
namespace {

QChartView* view_of(QChart* chart) {
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(220);
  return view;
}

}  // namespace

SweepPanel::SweepPanel(SpecDocument* document, JobRunner* jobs, QWidget* parent)
    : QWidget(parent), document_(document), jobs_(jobs) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout();
  parameter_ = new QComboBox();
  parameter_->setObjectName("sweepParameter");
  parameter_->addItems({"Load", "Replicas", "Workers", "Service time (ms)"});
  service_ = new QComboBox();
  service_->setObjectName("sweepService");
  from_ = new QDoubleSpinBox();
  to_ = new QDoubleSpinBox();
  for (QDoubleSpinBox* box : {from_, to_}) {
    box->setRange(0.01, 1e7);
    box->setDecimals(2);
    box->setMinimumWidth(90);
  }
  steps_ = new QSpinBox();
  steps_->setRange(2, 1000);
  steps_->setValue(20);
  simulate_ = new QCheckBox("Simulate each step");
  simulate_->setToolTip("Also run the discrete-event simulator (20 000 requests per step)");
  run_ = new QPushButton("Run sweep");
  run_->setObjectName("sweepButton");
  for (auto [label, widget] :
       std::initializer_list<std::pair<const char*, QWidget*>>{{"Parameter", parameter_},
                                                               {"of", service_},
                                                               {"from", from_},
                                                               {"to", to_},
                                                               {"steps", steps_}}) {
    controls->addWidget(new QLabel(label));
    controls->addWidget(widget);
  }
  controls->addWidget(simulate_);
  controls->addStretch(1);
  controls->addWidget(run_);
  layout->addLayout(controls);
  status_ = new QLabel("Sweep a parameter to see every output against it.");
  layout->addWidget(status_);

  latency_ = make_chart("Response time");
  throughput_ = make_chart("Throughput per class");
  utilization_ = make_chart("Utilization per service");
  auto* charts = new QGridLayout();
  charts->addWidget(view_of(latency_), 0, 0, 1, 2);
  charts->addWidget(view_of(throughput_), 1, 0);
  charts->addWidget(view_of(utilization_), 1, 1);
  charts->setRowStretch(0, 3);
  charts->setRowStretch(1, 2);
  layout->addLayout(charts, 1);

  connect(parameter_, &QComboBox::currentIndexChanged, this, &SweepPanel::suggestRange);
  connect(service_, &QComboBox::currentIndexChanged, this, &SweepPanel::suggestRange);
  connect(run_, &QPushButton::clicked, this, &SweepPanel::run);
  connect(document_, &SpecDocument::opened, this, &SweepPanel::rebuild);
  rebuild();
}

void SweepPanel::rebuild() {
  const QSignalBlocker block(service_);
  service_->clear();
  for (const auto& s : document_->system().services)
    service_->addItem(QString::fromStdString(s.name));
  parameter_->setItemText(0, document_->system().workload == model::WorkloadType::open
                                 ? "Arrival rate (req/s)"
                                 : "Users");
  suggestRange();
}

// A range around the current value: the load up to saturation, counts and times 1/4 to 2x.
void SweepPanel::suggestRange() {
  const model::System& system = document_->system();
  const auto parameter = static_cast<SweepParameter>(parameter_->currentIndex());
  service_->setEnabled(parameter != SweepParameter::load);
  const auto i = static_cast<std::size_t>(std::max(0, service_->currentIndex()));
  if (system.services.empty())
    return;
  const auto& s = system.services.at(std::min(i, system.services.size() - 1));
  switch (parameter) {
    case SweepParameter::load: {
      const double load = spec_load(system);
      double top = 2 * load;
      if (system.workload == model::WorkloadType::open && load > 0) {
        model::AnalysisOptions options;
        options.percentiles = false;
        top = 0.97 * model::analyze(system, options).saturation_rate.value_or(top);
      }
      // Round ends (10 to 340 rather than 17.24 to 344.89): steps land on readable loads.
      const double step = top > 100 ? 10 : 1;
      to_->setValue(std::max(step, std::floor(top / step) * step));
      from_->setValue(step);
      break;
    }
    case SweepParameter::replicas:
    case SweepParameter::workers: {
      const int now = parameter == SweepParameter::replicas ? s.replicas : s.workers;
      from_->setValue(1);
      to_->setValue(std::max(4, 2 * now));
      steps_->setValue(std::max(4, 2 * now));
      break;
    }
    case SweepParameter::service_time:
      from_->setValue(s.service_time.mean * 1e3 / 4);
      to_->setValue(s.service_time.mean * 1e3 * 2);
      break;
  }
}

SweepRequest SweepPanel::request() const {
  SweepRequest r;
  r.parameter = static_cast<SweepParameter>(parameter_->currentIndex());
  r.service = static_cast<std::size_t>(std::max(0, service_->currentIndex()));
  const double unit = r.parameter == SweepParameter::service_time ? 1e-3 : 1;
  r.from = from_->value() * unit;
  r.to = to_->value() * unit;
  r.steps = steps_->value();
  r.load_scale = document_->loadScale();
  r.simulate = simulate_->isChecked();
  return r;
}

void SweepPanel::run() {
  const model::System system = document_->system();
  const SweepRequest r = request();
  status_->setText("Sweeping…");
  jobs_->start(
      "Sweeping " + parameter_->currentText().toLower(), [this, system, r](const JobContext& job) {
        SweepControl control;
        control.cancelled = [&job] { return job.cancelled(); };
        control.progress = [&job](double f) { job.progress(f); };
        auto result = std::make_shared<std::optional<SweepResult>>(run_sweep(system, r, control));
        return std::function<void()>([this, result] {
          if (!*result)
            return;
          result_ = std::move(*result);
          update_sweep_charts(latency_, throughput_, utilization_, *result_);
          status_->setText(QString("%1 steps of %2.")
                               .arg(result_->x.size())
                               .arg(QString::fromStdString(result_->x_label)));
        });
      });
}

}  // namespace kendall::gui
