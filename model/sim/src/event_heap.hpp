#pragma once
// The pending-event set: a flat binary min-heap of 16-byte POD events on one reserved vector,
// so scheduling never allocates once the heap has reached its working size.

#include <cstdint>
#include <vector>

namespace kendall::sim::detail {

enum class EventKind : std::uint32_t {
  arrival,        // target: class index (open classes)
  departure,      // target: request index; it finishes service at its current visit
  cpu_departure,  // target: replica index of a shared-CPU station; stale unless its time is
                  // the replica's next_completion
  think_end,      // target: request index (a closed user starts a request)
  warmup_end,     // time-based warm-up is over
  batch_end,      // time-based batch boundary
  stop,           // time-based end of the measured window
};

struct Event {
  double time;
  EventKind kind;
  std::uint32_t target;
};
static_assert(sizeof(Event) == 16);

class EventHeap {
 public:
  explicit EventHeap(std::size_t capacity) { events_.reserve(capacity); }

  bool empty() const { return events_.empty(); }
  std::size_t size() const { return events_.size(); }
  const Event& top() const { return events_.front(); }

  void push(const Event& event) {
    events_.push_back(event);
    sift_up(events_.size() - 1, event);
  }

  void pop() {
    const Event last = events_.back();
    events_.pop_back();
    if (!events_.empty())
      sift_down(0, last);
  }

  // pop() then push(event) with one sift instead of two: the common case of an event that
  // schedules exactly one successor.
  void replace_top(const Event& event) { sift_down(0, event); }

 private:
  // Both sifts move a hole instead of swapping, writing `event` once at its final place.
  void sift_up(std::size_t hole, const Event& event) {
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / 2;
      if (!(event.time < events_[parent].time))
        break;
      events_[hole] = events_[parent];
      hole = parent;
    }
    events_[hole] = event;
  }

  void sift_down(std::size_t hole, const Event& event) {
    const std::size_t n = events_.size();
    while (true) {
      std::size_t child = 2 * hole + 1;
      if (child >= n)
        break;
      if (child + 1 < n && events_[child + 1].time < events_[child].time)
        ++child;
      if (!(events_[child].time < event.time))
        break;
      events_[hole] = events_[child];
      hole = child;
    }
    events_[hole] = event;
  }

  std::vector<Event> events_;
};

}  // namespace kendall::sim::detail
