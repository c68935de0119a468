// The main window driven offscreen through its widgets (oracles: model::analyze and
// model::plan_replicas at the same inputs, model::load_system's message for a bad value).
#include "kendall/gui/main_window.hpp"

#include <gtest/gtest.h>
#include <QAbstractBarSeries>
#include <QApplication>
#include <QBarSet>
#include <QChart>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QScatterSeries>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "kendall/base/error.hpp"
#include "kendall/gui/job_runner.hpp"
#include "kendall/gui/plan_panel.hpp"
#include "kendall/gui/spec_document.hpp"
#include "kendall/gui/spec_table_model.hpp"
#include "kendall/gui/sweep_panel.hpp"
#include "kendall/gui/whatif_panel.hpp"
#include "kendall/model/export.hpp"
#include "kendall/model/plan.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::gui {
namespace {

const QString example = QString(KENDALL_SOURCE_DIR) + "/examples/user-services.yaml";
const QString data = KENDALL_TEST_DATA_DIR;

QXYSeries* find_series(QChart* chart, const QString& name) {
  for (QAbstractSeries* s : chart->series()) {
    if (s->name() == name)
      return qobject_cast<QXYSeries*>(s);
  }
  return nullptr;
}

class Window : public ::testing::Test {
 protected:
  void SetUp() override {
    window.resize(1400, 900);
    window.show();
    ASSERT_TRUE(window.openSpec(example)) << window.errorLabel()->text().toStdString();
  }
  // Waits for the running job (plan, sweep) to finish, as the event loop delivers its result.
  bool waitForJobs(int milliseconds = 60'000) {
    return QTest::qWaitFor([&] { return !window.jobs()->busy(); }, milliseconds);
  }
  MainWindow window;
};

TEST_F(Window, MovingTheLoadSliderMovesTheOperatingPointToTheModelAtTheNewRate) {
  QXYSeries* now = find_series(window.latencyChart(), "login p95 now");
  ASSERT_NE(now, nullptr);
  ASSERT_EQ(now->count(), 1);
  EXPECT_NEAR(now->at(0).x(), 200, 1e-9);
  const double before = now->at(0).y();

  QSlider* slider = window.whatIf()->loadSlider();
  slider->setValue(slider->value() + 150);
  const double rate = window.whatIf()->loadSpin()->value();
  ASSERT_GT(rate, 200);

  model::AnalysisOptions options;
  options.rate_scale = rate / 200;
  const auto expected = model::analyze(window.document()->system(), options);
  ASSERT_EQ(now->count(), 1);
  EXPECT_NEAR(now->at(0).x(), rate, 1e-9);
  EXPECT_NEAR(now->at(0).y(), expected.classes[1].response_time_percentiles->p95 * 1e3, 1e-9);
  EXPECT_GT(now->at(0).y(), before);
}

TEST_F(Window, MoreReplicasRedrawTheCurvesWithTheModelOfTheNewSystem) {
  QXYSeries* p95 = find_series(window.latencyChart(), "login p95");
  ASSERT_NE(p95, nullptr);
  const QPointF last_before = p95->at(p95->count() - 1);

  window.whatIf()->replicasSpin(1)->setValue(3);
  EXPECT_EQ(window.document()->system().services[1].replicas, 3);
  const QPointF last = p95->at(p95->count() - 1);
  EXPECT_GT(last.x(), last_before.x());  // the knee moves right with more capacity
  model::AnalysisOptions options;
  options.rate_scale = last.x() / 200;
  const auto expected = model::analyze(window.document()->system(), options);
  EXPECT_NEAR(last.y(), expected.classes[1].response_time_percentiles->p95 * 1e3, 1e-9);
}

TEST_F(Window, UtilizationBarsShowEachServiceInItsHeadroomColour) {
  window.whatIf()->loadSpin()->setValue(300);  // login: 270/s x 25 ms / 8 = 84% > 80% cap
  const auto now = window.document()->system();
  model::AnalysisOptions options;
  options.rate_scale = 1.5;
  const auto expected = model::analyze(now, options);
  bool found_over = false;
  for (QAbstractSeries* s : window.utilizationChart()->series()) {
    auto* bars = qobject_cast<QAbstractBarSeries*>(s);
    if (!bars)
      continue;
    for (QBarSet* set : bars->barSets()) {
      if (set->label() == "over cap") {
        EXPECT_NEAR(set->at(1), 100 * expected.services[1].utilization, 0.05);
        EXPECT_EQ(set->at(0), 0);
        found_over = true;
      }
    }
  }
  EXPECT_TRUE(found_over);
}

TEST_F(Window, ABadValueShowsTheLoadersMessageInTheCellAndKeepsTheSystem) {
  std::string expected;
  try {
    model::load_system((data + "/gui-bad-mean-spec.yaml").toStdString());
  } catch (const InputError& e) {
    expected = e.detail();
  }
  SpecTableModel* model = window.servicesModel();
  const QModelIndex cell = model->index(0, model->column("service_time.mean"));
  ASSERT_TRUE(model->setData(cell, "40mss", Qt::EditRole));
  EXPECT_EQ(model->data(cell, Qt::DisplayRole).toString(), "40mss");
  EXPECT_EQ(model->data(cell, Qt::ToolTipRole).toString().toStdString(), expected);
  EXPECT_TRUE(model->data(cell, Qt::BackgroundRole).isValid());
  EXPECT_TRUE(window.errorLabel()->isVisible());
  EXPECT_EQ(window.errorLabel()->text().toStdString(), expected);
  EXPECT_DOUBLE_EQ(window.document()->system().services[0].service_time.mean, 0.040);

  ASSERT_TRUE(model->setData(cell, "45ms", Qt::EditRole));
  EXPECT_FALSE(model->data(cell, Qt::BackgroundRole).isValid());
  EXPECT_FALSE(window.errorLabel()->isVisible());
  EXPECT_DOUBLE_EQ(window.document()->system().services[0].service_time.mean, 0.045);
  EXPECT_DOUBLE_EQ(window.whatIf()->serviceTimeSpin(0)->value(), 45);
}

TEST_F(Window, ThePlanButtonFillsTheTableWithThePlannersReplicas) {
  PlanPanel* plan = window.planPanel();
  QTest::mouseClick(plan->planButton(), Qt::LeftButton);
  ASSERT_TRUE(waitForJobs());
  const model::PlanResult expected = model::plan_replicas(window.document()->system());
  ASSERT_TRUE(expected.feasible);
  QTableWidget* table = plan->table();
  ASSERT_EQ(table->rowCount(), 2);
  for (int row = 0; row < 2; ++row) {
    const auto& s = expected.services[static_cast<std::size_t>(row)];
    EXPECT_EQ(table->item(row, 0)->text().toStdString(), s.name);
    EXPECT_EQ(table->item(row, 1)->text().toInt(), s.current_replicas);
    EXPECT_EQ(table->item(row, 2)->text().toInt(), s.replicas);
  }
  auto* summary = plan->findChild<QLabel*>("planSummary");
  ASSERT_NE(summary, nullptr);
  EXPECT_TRUE(summary->text().contains(QString::asprintf("Cost %.3f/h", expected.cost)));
  EXPECT_TRUE(summary->text().contains("Binding constraint:"));

  QTemporaryDir folder;
  const QStringList written = plan->exportTo("csv", folder.path());
  ASSERT_EQ(written.size(), 1);
  QFile csv(written[0]);
  ASSERT_TRUE(csv.open(QIODevice::ReadOnly));
  model::ExportInput input;
  input.system = &window.document()->system();
  input.schedule.push_back({model::ScheduleLevel{"", 1.0}, *plan->plan()});
  EXPECT_EQ(csv.readAll().toStdString(), model::export_csv(input));
}

TEST_F(Window, MeasuredResultsAreOverlaidOnTheLatencyChart) {
  ASSERT_TRUE(window.openMeasured(data + "/gui-validate.json"));
  QXYSeries* p95 = find_series(window.latencyChart(), "validate gui-validate.json p95");
  ASSERT_NE(p95, nullptr);
  ASSERT_EQ(p95->count(), 2);
  EXPECT_DOUBLE_EQ(p95->at(1).x(), 160);
  EXPECT_DOUBLE_EQ(p95->at(1).y(), 74);
}

TEST_F(Window, ASweepRunsOffTheUiThreadAndPlotsEveryOutput) {
  SweepPanel* sweep = window.sweepPanel();
  QTest::mouseClick(sweep->findChild<QPushButton*>("sweepButton"), Qt::LeftButton);
  EXPECT_TRUE(window.jobs()->busy() || sweep->result());  // started, or already done
  ASSERT_TRUE(waitForJobs());
  ASSERT_TRUE(sweep->result());
  const SweepRequest r = sweep->request();
  EXPECT_EQ(sweep->result()->x.size(), static_cast<std::size_t>(r.steps));
  for (const char* name : {"register mean", "register p95", "login mean", "login p95"})
    EXPECT_NE(find_series(sweep->latencyChart(), name), nullptr) << name;
  QXYSeries* login = find_series(sweep->latencyChart(), "login mean");
  model::AnalysisOptions options;
  options.rate_scale = r.to / 200;
  EXPECT_NEAR(
      login->at(login->count() - 1).y(),
      *model::analyze(window.document()->system(), options).classes[1].mean_response_time * 1e3,
      1e-9);
}

TEST_F(Window, CancelDropsALongSweep) {
  SweepPanel* sweep = window.sweepPanel();
  sweep->findChild<QSpinBox*>()->setValue(1000);  // steps
  for (auto* box : sweep->findChildren<QCheckBox*>())
    box->setChecked(true);  // simulate every step: minutes of work
  sweep->run();
  ASSERT_TRUE(window.jobs()->busy());
  auto* cancel = window.findChild<QPushButton*>("cancelButton");
  ASSERT_TRUE(QTest::qWaitFor([&] { return cancel->isVisible(); }, 5000));
  QTest::mouseClick(cancel, Qt::LeftButton);
  ASSERT_TRUE(waitForJobs(10'000));
  EXPECT_FALSE(sweep->result());
}

TEST_F(Window, SavedSpecsLoadBackAsTheEditedSystem) {
  window.whatIf()->workersSpin(0)->setValue(6);
  QTemporaryDir folder;
  const QString path = folder.filePath("edited.yaml");
  window.document()->saveAs(path);
  const model::System saved = model::load_system(path.toStdString());
  EXPECT_EQ(saved.services[0].workers, 6);
  EXPECT_EQ(saved.services[1].workers, 4);
}

TEST_F(Window, ABadSpecFileShowsTheLoadersMessage) {
  EXPECT_FALSE(window.openSpec(data + "/bad-unit-spec.yaml"));
  EXPECT_TRUE(window.errorLabel()->text().contains("bad-unit-spec.yaml:6:19:"))
      << window.errorLabel()->text().toStdString();
  EXPECT_TRUE(window.errorLabel()->text().contains("did you mean \"ms\""));
  EXPECT_EQ(window.document()->system().services.size(), 2u);  // the open spec stays
}

TEST_F(Window, ADroppedSpecIsOpenedAndRemembered) {
  const QString closed = QString(KENDALL_SOURCE_DIR) + "/examples/login-closed.yaml";
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(closed)});
  QDropEvent drop(QPointF(700, 450), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  // Straight to the window's event handler: QApplication routes drops only during a real drag.
  static_cast<QObject&>(window).event(&drop);
  EXPECT_EQ(window.document()->path(), closed);
  EXPECT_EQ(window.document()->system().workload, model::WorkloadType::closed);
  EXPECT_EQ(window.whatIf()->loadSpin()->value(), 150);  // users now, not requests/s
  const QStringList recent = QSettings().value("recentFiles").toStringList();
  ASSERT_GE(recent.size(), 2);
  EXPECT_EQ(recent[0], QFileInfo(closed).absoluteFilePath());
  EXPECT_EQ(recent[1], QFileInfo(example).absoluteFilePath());
}

TEST(Screenshot, WritesThePngAndExits) {
  QTemporaryDir folder;
  const QString png = folder.filePath("gui.png");
  QProcess gui;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("QT_QPA_PLATFORM", "offscreen");
  gui.setProcessEnvironment(env);
  gui.start(KENDALL_GUI_BINARY, {"--screenshot", png, example});
  ASSERT_TRUE(gui.waitForFinished(60'000));
  EXPECT_EQ(gui.exitCode(), 0) << gui.readAllStandardError().toStdString();
  const QImage image(png);
  EXPECT_GE(image.width(), 1400);
  EXPECT_GE(image.height(), 900);
}

}  // namespace
}  // namespace kendall::gui
