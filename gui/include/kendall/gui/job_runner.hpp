#pragma once
/// Runs long work (sweeps, plans, simulations) off the UI thread: progress and completion come
/// back on the UI thread. Cancel, or starting a newer job, tells the running one to stop at its
/// next poll without waiting for it, and its result is dropped (never delivered stale).

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace kendall::gui {

/// What a job sees: a cancel flag to poll and a progress sink (any thread).
class JobContext {
 public:
  bool cancelled() const { return cancelled_->load(); }
  void progress(double fraction) const { progress_(fraction); }

 private:
  friend class JobRunner;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::function<void(double)> progress_;
};

class JobRunner : public QObject {
  Q_OBJECT

 public:
  /// The work runs on a worker thread and returns what to do with its result on the UI thread.
  /// An exception's message is reported through failed().
  using Work = std::function<std::function<void()>(const JobContext&)>;

  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  void start(const QString& title, Work work);
  bool busy() const { return thread_ != nullptr; }

 public slots:
  void cancel();

 signals:
  void started(const QString& title);
  void progressed(double fraction);
  void finished();  ///< after the result was delivered, or the job failed or was cancelled
  void failed(const QString& message);

 private:
  QThread* thread_ = nullptr;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  unsigned generation_ = 0;
};

}  // namespace kendall::gui
