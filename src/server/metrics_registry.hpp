#pragma once
// MetricsRegistry: counters, gauges and histograms rendered in the Prometheus text
// exposition format (version 0.0.4), for weft-server's --metrics endpoint.
//
// Metrics are registered once, by name, and live as long as the registry; the
// references handed out stay valid. Names must follow Prometheus' rules
// ([a-zA-Z_:][a-zA-Z0-9_:]*); a name registered twice throws std::invalid_argument.
// Gauges are sampled when rendered (a callback), so they never go stale.
// Not thread-safe: use it from the thread that runs the server.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weft::server {

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_ += n; }
  [[nodiscard]] std::uint64_t value() const noexcept { return value_; }

 private:
  std::uint64_t value_ = 0;
};

// Observations counted into fixed buckets (upper bounds, ascending), plus +Inf.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value) noexcept;
  [[nodiscard]] const std::vector<double>& bounds() const noexcept { return bounds_; }
  // Per bound, observations <= it (cumulative, as Prometheus reports them).
  [[nodiscard]] std::vector<std::uint64_t> cumulative() const;
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] double sum() const noexcept { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

class MetricsRegistry {
 public:
  Counter& counter(std::string name, std::string help);
  // A counter whose value lives elsewhere (it must only grow), read when rendered.
  void counter(std::string name, std::string help, std::function<std::uint64_t()> sample);
  void gauge(std::string name, std::string help, std::function<double()> sample);
  Histogram& histogram(std::string name, std::string help, std::vector<double> bounds);

  // Every metric, in registration order, with # HELP and # TYPE lines.
  [[nodiscard]] std::string render() const;

 private:
  struct Entry {
    std::string name;
    std::string help;
    std::unique_ptr<Counter> counter;
    std::function<std::uint64_t()> sampled_counter;
    std::function<double()> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  Entry& add(std::string name, std::string help);

  std::vector<Entry> entries_;
};

}  // namespace weft::server
