#pragma once
// The two clocks weft-trace reports: wall time, and process CPU time, which the
// shared machine's load distorts far less (time spent descheduled is not in it).
#include <chrono>
#include <ctime>

namespace weft::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

inline double cpu_now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace weft::bench
