#pragma once
// Table cells shared by the attacks' reports.
#include <cstdio>
#include <string>

#include "common/measure.hpp"

namespace weft::bench::attacks {

// "| cpu ms | RSS MiB | peak MiB" cells of a host's usage.
inline std::string usage_cells(const HostUsage& u) {
  char out[96];
  std::snprintf(out, sizeof out, "%.0f | %.1f | %.1f", u.cpu_ms,
                static_cast<double>(u.rss_kib) / 1024.0, static_cast<double>(u.peak_kib) / 1024.0);
  return out;
}
inline constexpr const char* kUsageHeader = "host CPU ms | RSS MiB | peak RSS MiB";
inline constexpr const char* kUsageAlign = "--:|--:|--:";

// "p50 | p99" in milliseconds, three decimals.
inline std::string latency_cells(const Latencies& l) {
  char out[64];
  std::snprintf(out, sizeof out, "%.3f | %.3f", l.p50(), l.p99());
  return out;
}

}  // namespace weft::bench::attacks
