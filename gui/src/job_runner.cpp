// One worker QThread per job; results cross back with queued invocations tagged by generation.
// A superseded job is not waited for: it is told to stop, finishes on its own thread (the
// planner has no cancel hook), deletes itself and its result is dropped.
#include "kendall/gui/job_runner.hpp"

#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <exception>

namespace kendall::gui {

JobRunner::JobRunner(QObject* parent) : QObject(parent) {}

JobRunner::~JobRunner() {
  cancel();
  for (QThread* thread : findChildren<QThread*>())
    thread->wait();
}

void JobRunner::cancel() {
  if (cancelled_)
    cancelled_->store(true);
}

void JobRunner::start(const QString& title, Work work) {
  cancel();  // the older job, if any, stops at its next poll; its result is dropped
  const unsigned generation = ++generation_;
  cancelled_ = std::make_shared<std::atomic<bool>>(false);
  JobContext context;
  context.cancelled_ = cancelled_;
  QPointer<JobRunner> self(this);
  context.progress_ = [self, generation](double fraction) {
    QMetaObject::invokeMethod(
        self.data(),
        [self, generation, fraction] {
          if (self && self->generation_ == generation)
            emit self->progressed(fraction);
        },
        Qt::QueuedConnection);
  };
  emit started(title);
  thread_ = QThread::create([self, work = std::move(work), context, generation] {
    std::function<void()> deliver;
    QString error;
    try {
      deliver = work(context);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    const bool dropped = context.cancelled();
    QMetaObject::invokeMethod(
        self.data(),
        [self, generation, deliver = std::move(deliver), error, dropped] {
          if (!self || self->generation_ != generation)
            return;  // superseded by a newer job
          self->thread_ = nullptr;
          if (!dropped) {
            if (!error.isEmpty())
              emit self->failed(error);
            else if (deliver)
              deliver();
          }
          emit self->finished();
        },
        Qt::QueuedConnection);
  });
  thread_->setParent(this);
  connect(thread_, &QThread::finished, thread_, &QObject::deleteLater);
  thread_->start();
}

}  // namespace kendall::gui
