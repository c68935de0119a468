#include "kendall/base/time_slice.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"

#if defined(__linux__)
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace kendall {

#if defined(__linux__)
namespace {

/// The kernel's struct sched_attr (include/uapi/linux/sched/types.h); glibc 2.36 has no wrapper.
struct SchedAttr {
  std::uint32_t size;
  std::uint32_t sched_policy;
  std::uint64_t sched_flags;
  std::int32_t sched_nice;
  std::uint32_t sched_priority;
  std::uint64_t sched_runtime;  ///< for SCHED_OTHER since 6.12: the slice
  std::uint64_t sched_deadline;
  std::uint64_t sched_period;
  std::uint32_t sched_util_min;
  std::uint32_t sched_util_max;
};

bool read_attr(int tid, SchedAttr& attr) {
  attr = SchedAttr{};
  return ::syscall(SYS_sched_getattr, tid, &attr, sizeof attr, 0U) == 0;
}

}  // namespace

TimeSliceOutcome request_time_slice(std::chrono::nanoseconds slice) {
  if (slice <= std::chrono::nanoseconds::zero()) {
    return TimeSliceOutcome::kept_default;
  }
  SchedAttr attr{};
  if (!read_attr(0, attr)) {
    return TimeSliceOutcome::unsupported;
  }
  if (attr.sched_policy != SCHED_OTHER && attr.sched_policy != SCHED_BATCH) {
    return TimeSliceOutcome::not_fair;
  }
  // sched_setattr sets the nice value too: pass the thread's own, read just now.
  const auto wanted = static_cast<std::uint64_t>(slice.count());
  attr.size = sizeof attr;
  attr.sched_flags &= 0x01;  // SCHED_FLAG_RESET_ON_FORK stays as it was
  attr.sched_runtime = wanted;
  if (::syscall(SYS_sched_setattr, 0, &attr, 0U) != 0) {
    return TimeSliceOutcome::unsupported;
  }
  // Kernels before 6.12 accept and ignore sched_runtime for SCHED_OTHER: read it back.
  const auto clamped = std::clamp<std::uint64_t>(wanted, 100'000, 100'000'000);
  SchedAttr now{};
  return read_attr(0, now) && now.sched_runtime == clamped ? TimeSliceOutcome::applied
                                                           : TimeSliceOutcome::unsupported;
}

std::chrono::nanoseconds thread_time_slice(int tid) {
  SchedAttr attr{};
  if (!read_attr(tid, attr)) {
    return std::chrono::nanoseconds::zero();
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(attr.sched_runtime));
}

#else

TimeSliceOutcome request_time_slice(std::chrono::nanoseconds slice) {
  return slice <= std::chrono::nanoseconds::zero() ? TimeSliceOutcome::kept_default
                                                   : TimeSliceOutcome::unsupported;
}

std::chrono::nanoseconds thread_time_slice(int) {
  return std::chrono::nanoseconds::zero();
}

#endif

std::chrono::nanoseconds parse_time_slice(std::string_view text) {
  const double seconds = parse_duration(text);
  if (seconds != 0.0 && (seconds < 100e-6 - 1e-12 || seconds > 0.1 + 1e-12)) {
    throw InputError("time slice " + std::string(text) +
                     " is outside what the kernel grants (100us to 100ms); use 0 for the "
                     "kernel's default");
  }
  return std::chrono::nanoseconds(std::llround(seconds * 1e9));
}

const char* describe(TimeSliceOutcome outcome) {
  switch (outcome) {
    case TimeSliceOutcome::applied:
      return "applied";
    case TimeSliceOutcome::unsupported:
      return "not supported by this kernel (custom slices need Linux 6.12)";
    case TimeSliceOutcome::not_fair:
      return "left alone: the thread is not under SCHED_OTHER";
    case TimeSliceOutcome::kept_default:
      return "kernel default";
  }
  return "unknown";
}

}  // namespace kendall
