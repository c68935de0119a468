// Background jobs deliver on the UI thread, and a superseded or cancelled job's result is
// dropped (oracle: which deliver callbacks ran).
#include "kendall/gui/job_runner.hpp"

#include <gtest/gtest.h>
#include <QCoreApplication>
#include <QTest>
#include <QThread>

#include <chrono>
#include <thread>

namespace kendall::gui {
namespace {

// A job that runs until told to stop (or 10 s), then offers to set `flag`.
JobRunner::Work until_cancelled(bool& flag) {
  return [&flag](const JobContext& job) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!job.cancelled() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return std::function<void()>([&flag] { flag = true; });
  };
}

TEST(JobRunner, DeliversTheResultOnTheUiThread) {
  JobRunner jobs;
  QThread* delivered_on = nullptr;
  jobs.start("job", [&](const JobContext& job) {
    job.progress(0.5);
    return std::function<void()>([&] { delivered_on = QThread::currentThread(); });
  });
  ASSERT_TRUE(QTest::qWaitFor([&] { return !jobs.busy(); }, 10'000));
  EXPECT_EQ(delivered_on, QCoreApplication::instance()->thread());
}

TEST(JobRunner, ANewerJobSupersedesTheRunningOneWithoutWaitingForIt) {
  JobRunner jobs;
  bool older = false;
  bool newer = false;
  jobs.start("older", until_cancelled(older));
  jobs.start("newer",
             [&](const JobContext&) { return std::function<void()>([&] { newer = true; }); });
  ASSERT_TRUE(QTest::qWaitFor([&] { return !jobs.busy(); }, 10'000));
  QTest::qWait(50);  // let the older job's (dropped) delivery arrive too
  EXPECT_TRUE(newer);
  EXPECT_FALSE(older);
}

TEST(JobRunner, CancelDropsTheResultAndReportsFinished) {
  JobRunner jobs;
  bool delivered = false;
  int finished = 0;
  QObject::connect(&jobs, &JobRunner::finished, [&] { ++finished; });
  jobs.start("long", until_cancelled(delivered));
  jobs.cancel();
  ASSERT_TRUE(QTest::qWaitFor([&] { return finished == 1; }, 10'000));
  EXPECT_FALSE(delivered);
  EXPECT_FALSE(jobs.busy());
}

TEST(JobRunner, AnExceptionIsReportedAsFailed) {
  JobRunner jobs;
  QString message;
  QObject::connect(&jobs, &JobRunner::failed, [&](const QString& m) { message = m; });
  jobs.start("bad", [](const JobContext&) -> std::function<void()> {
    throw std::runtime_error("no feasible plan");
  });
  ASSERT_TRUE(QTest::qWaitFor([&] { return !jobs.busy(); }, 10'000));
  EXPECT_EQ(message, "no feasible plan");
}

}  // namespace
}  // namespace kendall::gui
