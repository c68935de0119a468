#pragma once
/// Short scheduler time slices for the threads that wait on the network.
///
/// Linux's EEVDF scheduler (6.6 on) lets a task that was just given a core keep it for a slice
/// (about 1.4 ms here) before a task that woke may preempt it. A thread that wakes to read a
/// request or to send one then waits behind a hash for up to that long: 0.2 ms per wake on
/// average on a 2-core VM with 4 hashing workers (docs/validate.md). Since 6.12 a thread may ask
/// for a shorter slice (sched_setattr's sched_runtime for SCHED_OTHER), and a task with a
/// shorter slice than the running one preempts it when it wakes. No privilege is needed.

#include <chrono>
#include <string_view>

namespace kendall {

/// The smallest slice the kernel grants (it clamps requests to 0.1–100 ms).
inline constexpr std::chrono::microseconds kShortestTimeSlice{100};

/// What asking for a slice did to the calling thread.
enum class TimeSliceOutcome {
  applied,      ///< the kernel now gives this thread the slice asked for (clamped)
  unsupported,  ///< the kernel has no custom slices (before 6.12, or not Linux): nothing changed
  not_fair,     ///< the thread runs under a real-time or idle policy: left as it is
  kept_default  ///< a slice of 0 was asked for: the kernel's default stays
};

/// Asks for `slice` for the calling thread, keeping its policy and nice value.
TimeSliceOutcome request_time_slice(std::chrono::nanoseconds slice);

/// The slice the kernel reports for thread `tid` (0: the calling thread), or zero where the
/// kernel reports none.
std::chrono::nanoseconds thread_time_slice(int tid = 0);

/// Reads a slice as users write it ("100us", "0.5ms"; "0" for the kernel's default). Throws
/// InputError outside 0.1–100 ms, which the kernel would silently clamp.
std::chrono::nanoseconds parse_time_slice(std::string_view text);

/// "applied", "unsupported by this kernel", … for logs.
const char* describe(TimeSliceOutcome outcome);

}  // namespace kendall
