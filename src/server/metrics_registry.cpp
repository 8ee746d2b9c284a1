#include "server/metrics_registry.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace weft::server {
namespace {

bool valid_name(std::string_view name) {
  auto first = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  };
  if (name.empty() || !first(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return first(c) || (c >= '0' && c <= '9'); });
}

// Prometheus' float syntax: shortest round-trip digits, and +Inf/-Inf/NaN spelled its way.
std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::invalid_argument("histogram bounds must be strictly ascending");
  }
}

void Histogram::observe(double value) noexcept {
  // The first bound >= value; past the last one, the +Inf bucket.
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[static_cast<std::size_t>(bucket)];
  ++count_;
  sum_ += value;
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) out[i] = running += counts_[i];
  return out;
}

MetricsRegistry::Entry& MetricsRegistry::add(std::string name, std::string help) {
  if (!valid_name(name)) throw std::invalid_argument("bad metric name '" + name + "'");
  for (const auto& e : entries_) {
    if (e.name == name) throw std::invalid_argument("metric '" + name + "' registered twice");
  }
  entries_.push_back(Entry{std::move(name), std::move(help), nullptr, {}, {}, nullptr});
  return entries_.back();
}

Counter& MetricsRegistry::counter(std::string name, std::string help) {
  Entry& e = add(std::move(name), std::move(help));
  e.counter = std::make_unique<Counter>();
  return *e.counter;
}

void MetricsRegistry::counter(std::string name, std::string help,
                              std::function<std::uint64_t()> sample) {
  add(std::move(name), std::move(help)).sampled_counter = std::move(sample);
}

void MetricsRegistry::gauge(std::string name, std::string help, std::function<double()> sample) {
  add(std::move(name), std::move(help)).gauge = std::move(sample);
}

Histogram& MetricsRegistry::histogram(std::string name, std::string help,
                                      std::vector<double> bounds) {
  Entry& e = add(std::move(name), std::move(help));
  e.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *e.histogram;
}

std::string MetricsRegistry::render() const {
  std::string out;
  for (const auto& e : entries_) {
    // HELP text escapes only backslash and newline.
    std::string help;
    for (const char c : e.help) {
      if (c == '\\') {
        help += "\\\\";
      } else if (c == '\n') {
        help += "\\n";
      } else {
        help += c;
      }
    }
    out += fmt::format("# HELP {} {}\n", e.name, help);
    if (e.counter) {
      out += fmt::format("# TYPE {} counter\n{} {}\n", e.name, e.name, e.counter->value());
    } else if (e.sampled_counter) {
      out += fmt::format("# TYPE {} counter\n{} {}\n", e.name, e.name, e.sampled_counter());
    } else if (e.gauge) {
      out += fmt::format("# TYPE {} gauge\n{} {}\n", e.name, e.name, number(e.gauge()));
    } else {
      const Histogram& h = *e.histogram;
      out += fmt::format("# TYPE {} histogram\n", e.name);
      const auto cumulative = h.cumulative();
      for (std::size_t i = 0; i < cumulative.size(); ++i) {
        out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", e.name, number(h.bounds()[i]),
                           cumulative[i]);
      }
      out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", e.name, h.count());
      out += fmt::format("{}_sum {}\n{}_count {}\n", e.name, number(h.sum()), e.name, h.count());
    }
  }
  return out;
}

}  // namespace weft::server
