#include "kendall/services/worker_pool.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

namespace kendall::services {

WorkerPool::WorkerPool(std::size_t workers, std::size_t queue_limit, int nice)
    : nice_(nice), queue_limit_(queue_limit) {
  workers = std::max<std::size_t>(1, workers);
  usage_.by_busy.resize(workers + 1);
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

WorkerPool::~WorkerPool() {
  shutdown();
}

bool WorkerPool::try_submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    // Idle workers take queued jobs at once, so only the excess over them really waits.
    const std::size_t idle = threads_.size() - busy_;
    if (stopping_ || queue_.size() >= queue_limit_ + idle) {
      return false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (last_arrival_ != std::chrono::steady_clock::time_point{}) {
      usage_.arrival_gaps.add(std::chrono::duration<double>(now - last_arrival_).count());
    }
    last_arrival_ = now;
    queue_.push_back({std::move(job), now});
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

std::size_t WorkerPool::queue_length() const {
  std::lock_guard lock(mutex_);
  const std::size_t idle = threads_.size() - busy_;
  return queue_.size() > idle ? queue_.size() - idle : 0;
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

WorkerPool::Usage WorkerPool::usage() const {
  std::lock_guard lock(mutex_);
  Usage usage = usage_;
  usage.by_busy[busy_].seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - busy_since_).count();
  return usage;
}

void WorkerPool::close_busy_span(std::chrono::steady_clock::time_point now) {
  usage_.by_busy[busy_].seconds += std::chrono::duration<double>(now - busy_since_).count();
  busy_since_ = now;
}

namespace {

double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

void WorkerPool::run() {
  if (nice_ != 0) {
    // Only this thread: on Linux a thread id names one thread for setpriority. Raising nice needs
    // no privilege; if it fails the pool still works, at the I/O threads' priority.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice_);
  }
  for (;;) {
    Entry entry;
    std::chrono::steady_clock::time_point taken_at;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and every accepted job has run
      }
      entry = std::move(queue_.front());
      queue_.pop_front();
      taken_at = std::chrono::steady_clock::now();
      close_busy_span(taken_at);
      ++busy_;
    }
    const double cpu_before = thread_cpu_seconds();
    entry.job(taken_at - entry.queued_at);
    entry = Entry{};  // releasing what the job captured is part of its hold
    const double held =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - taken_at).count();
    const double cpu = thread_cpu_seconds() - cpu_before;
    const int core = ::sched_getcpu();  // where the job ended; it may have run elsewhere too
    std::lock_guard lock(mutex_);
    close_busy_span(std::chrono::steady_clock::now());
    ++usage_.by_busy[busy_].finished;
    --busy_;
    usage_.holds.add(held);
    usage_.cpu.add(cpu);
    if (core >= 0) {
      if (usage_.cores.size() <= static_cast<std::size_t>(core))
        usage_.cores.resize(static_cast<std::size_t>(core) + 1);
      ++usage_.cores[static_cast<std::size_t>(core)].jobs;
      usage_.cores[static_cast<std::size_t>(core)].cpu_seconds += cpu;
    }
  }
}

}  // namespace kendall::services
