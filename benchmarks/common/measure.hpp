#pragma once
// What the benchmarks that re-run attacks report about the host: latency
// percentiles, CPU time (getrusage: user + system, so time spent descheduled on
// the shared machine is not counted) and resident memory from /proc/self/status.
// Header-only: each benchmark area includes it with ${PROJECT_SOURCE_DIR}/benchmarks
// on its include path; this directory has no CMakeLists.txt of its own.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace weft::bench {

// The p-th value (0 <= p <= 1) of `sorted`, nearest rank below; 0 when empty.
inline double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

// Latency samples in milliseconds; p50/p99 sort a copy, so samples may be added after.
struct Latencies {
  std::vector<double> ms;
  void add(double sample) { ms.push_back(sample); }
  [[nodiscard]] double at(double p) const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    return percentile(sorted, p);
  }
  [[nodiscard]] double p50() const { return at(0.5); }
  [[nodiscard]] double p99() const { return at(0.99); }
};

inline double ms_between(std::chrono::steady_clock::time_point from,
                         std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Process CPU time, user + system, in milliseconds.
inline double rusage_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); 0 when it cannot be read.
inline std::uint64_t status_kib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  return 0;
}

// Starts a new peak: VmHWM restarts from the current RSS (Linux: "5" to clear_refs),
// so each measured part reports its own peak rather than the process's so far.
inline void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

// The host's cost over one measured stretch: CPU, resident memory at the end, and the
// peak over the stretch (VmHWM after reset_peak_rss at its start).
struct HostUsage {
  double cpu_ms = 0;
  std::uint64_t rss_kib = 0;
  std::uint64_t peak_kib = 0;
};

class UsageMeter {
 public:
  UsageMeter() : cpu0_((reset_peak_rss(), rusage_cpu_ms())) {}
  [[nodiscard]] HostUsage stop() const {
    return {rusage_cpu_ms() - cpu0_, status_kib("VmRSS"), status_kib("VmHWM")};
  }

 private:
  double cpu0_;
};

}  // namespace weft::bench
