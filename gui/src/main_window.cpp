#include "kendall/gui/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/gui/charts.hpp"
#include "kendall/gui/curves.hpp"
#include "kendall/gui/job_runner.hpp"
#include "kendall/gui/plan_panel.hpp"
#include "kendall/gui/results_table.hpp"
#include "kendall/gui/spec_document.hpp"
#include "kendall/gui/spec_table_model.hpp"
#include "kendall/gui/sweep_panel.hpp"
#include "kendall/gui/whatif_panel.hpp"

namespace kendall::gui {
namespace {

constexpr int max_recent = 8;

QChartView* view_of(QChart* chart) {
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  return view;
}

QTableView* table_view(SpecTableModel* model, const QString& name) {
  auto* view = new QTableView();
  view->setObjectName(name);
  view->setModel(model);
  view->setAlternatingRowColors(true);
  view->verticalHeader()->setVisible(false);
  view->horizontalHeader()->setStretchLastSection(true);
  view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                        QAbstractItemView::AnyKeyPressed);
  return view;
}

// One line a performance engineer reads first: stability, bottleneck, saturation, SLOs.
QString summary_of(const Curves& c) {
  const auto& r = c.now;
  const bool open = c.workload == model::WorkloadType::open;
  QString text = r.stable ? "<span style='color:#15803d'><b>stable</b></span>"
                          : "<span style='color:#b91c1c'><b>UNSTABLE</b></span>";
  text += QString::fromStdString(
      fmt::format(" &nbsp;·&nbsp; {} {:.4g} {} &nbsp;·&nbsp; throughput {:.4g} req/s",
                  open ? "load" : "users", c.load_now, open ? "req/s" : "", r.throughput));
  for (const auto& s : r.services) {
    if (s.name == r.bottleneck) {
      text += QString::fromStdString(
          fmt::format(" &nbsp;·&nbsp; bottleneck {} at {:.1f}%", s.name, 100 * s.utilization));
    }
  }
  if (r.saturation_rate)
    text += QString::fromStdString(fmt::format(" (saturates at {:.4g} req/s)", *r.saturation_rate));
  for (const auto& slo : r.slos) {
    text += QString::fromStdString(fmt::format(
        " &nbsp;·&nbsp; {} {} {} ≤ {}: <span style='color:{}'><b>{}</b></span>", slo.workload_class,
        model::to_string(slo.statistic),
        slo.predicted ? format_duration(*slo.predicted) : std::string("∞"),
        format_duration(slo.target), slo.met ? "#15803d" : "#b91c1c", slo.met ? "met" : "missed"));
  }
  return text;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      document_(new SpecDocument(this)),
      jobs_(new JobRunner(this)),
      services_model_(new SpecTableModel(document_, SpecTable::services, this)),
      classes_model_(new SpecTableModel(document_, SpecTable::classes, this)) {
  setAcceptDrops(true);
  buildMenus();
  auto* splitter = new QSplitter(Qt::Horizontal);
  splitter->addWidget(buildLeft());
  tabs_ = new QTabWidget();
  tabs_->addTab(buildCharts(), "What-if");
  sweep_ = new SweepPanel(document_, jobs_);
  tabs_->addTab(sweep_, "Sweep");
  plan_ = new PlanPanel(document_, jobs_);
  tabs_->addTab(plan_, "Plan");
  splitter->addWidget(tabs_);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({560, 840});
  setCentralWidget(splitter);

  timing_ = new QLabel();
  job_title_ = new QLabel();
  progress_ = new QProgressBar();
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(240);
  cancel_ = new QPushButton("Cancel");
  cancel_->setObjectName("cancelButton");
  statusBar()->addWidget(timing_, 1);
  statusBar()->addPermanentWidget(job_title_);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  for (QWidget* w : std::initializer_list<QWidget*>{job_title_, progress_, cancel_})
    w->setVisible(false);
  connect(cancel_, &QPushButton::clicked, jobs_, &JobRunner::cancel);
  connect(jobs_, &JobRunner::started, this, [this](const QString& title) {
    job_title_->setText(title + "…");
    progress_->setValue(0);
    for (QWidget* w : std::initializer_list<QWidget*>{job_title_, progress_, cancel_})
      w->setVisible(true);
  });
  connect(jobs_, &JobRunner::progressed, this,
          [this](double f) { progress_->setValue(static_cast<int>(1000 * f)); });
  connect(jobs_, &JobRunner::finished, this, [this] {
    for (QWidget* w : std::initializer_list<QWidget*>{job_title_, progress_, cancel_})
      w->setVisible(false);
  });
  connect(jobs_, &JobRunner::failed, this, &MainWindow::showError);

  connect(document_, &SpecDocument::systemChanged, this, [this] {
    curves_.reset();
    refreshCharts();
  });
  connect(document_, &SpecDocument::loadScaleChanged, this, &MainWindow::refreshCharts);
  connect(document_, &SpecDocument::systemChanged, this, &MainWindow::updateTitle);
  connect(services_model_, &SpecTableModel::editError, this, &MainWindow::showError);
  connect(classes_model_, &SpecTableModel::editError, this, &MainWindow::showError);
  updateTitle();
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("&Open spec…", QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, "Open a Kendall spec", {},
                                                      "Specs (*.yaml *.yml *.json)");
    if (!path.isEmpty() && !openSpec(path))
      QMessageBox::warning(this, "Cannot open the spec", error_->text());
  });
  recent_menu_ = file->addMenu("Open &recent");
  fillRecentMenu();
  file->addAction("&Save", QKeySequence::Save, this, [this] {
    if (document_->path().isEmpty())
      return;
    save(document_->path());
  });
  file->addAction("Save &as…", QKeySequence::SaveAs, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, "Save the spec", document_->path(),
                                                      "YAML specs (*.yaml *.yml)");
    if (!path.isEmpty())
      save(path);
  });
  file->addSeparator();
  file->addAction("Open &measured results…", this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, "Open kendall loadtest or kendall validate JSON", {}, "JSON (*.json)");
    if (!path.isEmpty())
      openMeasured(path);
  });
  file->addAction("&Clear measured results", this, [this] {
    measured_.clear();
    refreshCharts();
  });
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
}

QWidget* MainWindow::buildLeft() {
  auto* left = new QWidget();
  auto* layout = new QVBoxLayout(left);
  layout->setContentsMargins(6, 6, 6, 6);
  auto* spec = new QGroupBox("Spec");
  auto* spec_layout = new QVBoxLayout(spec);
  auto* tables = new QTabWidget();
  tables->addTab(table_view(services_model_, "servicesTable"), "Services");
  tables->addTab(table_view(classes_model_, "classesTable"), "Classes");
  spec_layout->addWidget(tables);
  error_ = new QLabel();
  error_->setObjectName("errorLabel");
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->setStyleSheet(
      "QLabel { color: #991b1b; background: #fee2e2; border: 1px solid #fca5a5; "
      "border-radius: 3px; padding: 4px; }");
  error_->setVisible(false);
  spec_layout->addWidget(error_);
  layout->addWidget(spec, 2);
  auto* what_if = new QGroupBox("What-if");
  auto* what_if_layout = new QVBoxLayout(what_if);
  what_if_ = new WhatIfPanel(document_);
  what_if_layout->addWidget(what_if_);
  layout->addWidget(what_if, 0);
  auto* now = new QGroupBox("At the operating point");
  auto* now_layout = new QVBoxLayout(now);
  results_ = make_results_table();
  now_layout->addWidget(results_);
  layout->addWidget(now, 2);
  // Tables fit their contents once per spec (not per edit, so columns do not jump).
  connect(document_, &SpecDocument::opened, this, [this] {
    for (auto* view : findChildren<QTableView*>()) {
      if (view->objectName() == "servicesTable" || view->objectName() == "classesTable")
        view->resizeColumnsToContents();
    }
  });
  left->setMinimumWidth(500);
  return left;
}

QWidget* MainWindow::buildCharts() {
  auto* page = new QWidget();
  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(4, 4, 4, 4);
  summary_ = new QLabel("Open a spec (File ▸ Open, or drop a YAML file here).");
  summary_->setObjectName("summaryLabel");
  summary_->setWordWrap(true);
  summary_->setStyleSheet("QLabel { padding: 4px 6px; background: #f3f4f6; border-radius: 3px; }");
  layout->addWidget(summary_);
  latency_ = make_chart(
      "Response time vs load   (solid: mean · dashed: p95 · dotted: SLO · markers: now)");
  utilization_ = make_chart("Utilization per service");
  throughput_ = make_chart("Throughput vs load");
  auto* bottom = new QHBoxLayout();
  bottom->addWidget(view_of(utilization_));
  bottom->addWidget(view_of(throughput_));
  layout->addWidget(view_of(latency_), 3);
  layout->addLayout(bottom, 2);
  return page;
}

void MainWindow::refreshCharts() {
  const model::System& system = document_->system();
  if (system.services.empty() || system.classes.empty())
    return;
  QElapsedTimer timer;
  timer.start();
  try {
    // A load change moves the operating point along the same curves: one solve, not 33.
    if (curves_)
      update_operating_point(*curves_, system, document_->loadScale());
    if (!curves_ || !covers(*curves_))
      curves_ = compute_curves(system, document_->loadScale());
    const Curves& curves = *curves_;
    update_latency_chart(latency_, curves, measured_);
    update_utilization_chart(utilization_, curves);
    update_throughput_chart(throughput_, curves, measured_);
    throughput_->setTitle(curves.workload == model::WorkloadType::closed ? "Throughput vs users"
                                                                         : "Throughput vs load");
    summary_->setText(summary_of(curves));
    fill_results_table(results_, curves.now);
  } catch (const std::exception& e) {
    showError(QString::fromStdString(e.what()));
  }
  last_update_ms_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  timing_->setText(QString("charts updated in %1 ms").arg(last_update_ms_, 0, 'f', 1));
}

bool MainWindow::openSpec(const QString& path) {
  try {
    document_->open(path);
  } catch (const std::exception& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
  showError({});
  rememberRecent(path);
  updateTitle();
  return true;
}

bool MainWindow::openMeasured(const QString& path) {
  try {
    measured_.push_back(read_measured(path.toStdString()));
  } catch (const std::exception& e) {
    showError(QString::fromStdString(e.what()));
    return false;
  }
  refreshCharts();
  return true;
}

bool MainWindow::save(const QString& path) {
  try {
    document_->saveAs(path);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "Cannot save", QString::fromStdString(e.what()));
    return false;
  }
  rememberRecent(path);
  updateTitle();
  return true;
}

void MainWindow::showError(const QString& message) {
  error_->setText(message);
  error_->setVisible(!message.isEmpty());
}

void MainWindow::updateTitle() {
  const auto& system = document_->system();
  QString title = "Kendall";
  if (!document_->path().isEmpty()) {
    title += " — " + QString::fromStdString(system.name.empty() ? "" : system.name + " ") + "(" +
             QFileInfo(document_->path()).fileName() + ")";
  }
  if (document_->modified())
    title += " *";
  setWindowTitle(title);
}

void MainWindow::rememberRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  const QString absolute = QFileInfo(path).absoluteFilePath();
  recent.removeAll(absolute);
  recent.prepend(absolute);
  while (recent.size() > max_recent)
    recent.removeLast();
  settings.setValue("recentFiles", recent);
  fillRecentMenu();
}

void MainWindow::fillRecentMenu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value("recentFiles").toStringList();
  for (const QString& path : recent)
    recent_menu_->addAction(path, this, [this, path] { openSpec(path); });
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls())
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    const QString path = url.toLocalFile();
    const QString suffix = QFileInfo(path).suffix().toLower();
    // A JSON file with "levels" or "throughput" is measured data; anything else is a spec.
    if (suffix == "json" && openMeasured(path))
      continue;
    openSpec(path);
  }
  event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  jobs_->cancel();
  if (document_->modified()) {
    const auto answer =
        QMessageBox::question(this, "Unsaved changes", "The spec has unsaved changes. Quit anyway?",
                              QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Discard) {
      event->ignore();
      return;
    }
  }
  event->accept();
}

}  // namespace kendall::gui
