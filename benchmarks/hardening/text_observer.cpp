// Item 7: with an observer anywhere in the document, a 1-character edit to a 100 MB
// text took 656 ms (the event was built from a copy of the text). Re-run at 10 MB and
// 100 MB: a local edit (commit) and its apply on a second replica, with no observer,
// with an observer on the text itself, and with an observe_deep on another object;
// then a legitimate peer's sync rounds with a host holding that text, against a host
// holding none (each round ends with both sides comparing content digests).
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "attacks.hpp"
#include "legit_peer.hpp"
#include "report.hpp"

namespace weft::bench::attacks {

namespace {

constexpr int kEdits = 200;
constexpr int kRounds = 50;

enum class Watch { none, text, elsewhere };

const char* name(Watch w) {
  switch (w) {
    case Watch::none:
      return "none";
    case Watch::text:
      return "observe(text)";
    case Watch::elsewhere:
      return "observe_deep(other map)";
  }
  return "";
}

struct EditCosts {
  Latencies local;
  Latencies remote;
  HostUsage usage;
};

EditCosts edits(Doc& a, Doc& b, Watch watch) {
  Subscription sa;
  Subscription sb;
  std::size_t events = 0;
  auto count = [&](std::span<const ChangeEvent> batch) { events += batch.size(); };
  if (watch == Watch::text) {
    sa = a.observe(a.text("t").id(), count);
    sb = b.observe(b.text("t").id(), count);
  } else if (watch == Watch::elsewhere) {
    sa = a.observe_deep(a.map("other").id(), count);
    sb = b.observe_deep(b.map("other").id(), count);
  }
  std::mt19937_64 rng(14);
  EditCosts out;
  const UsageMeter meter;
  for (int i = 0; i < kEdits; ++i) {
    auto start = std::chrono::steady_clock::now();
    Bytes update;
    {
      auto tx = a.transact();
      auto text = tx.text("t");
      text.insert(rng() % (text.size() + 1), "y");
      update = tx.commit();
    }
    out.local.add(ms_between(start, std::chrono::steady_clock::now()));
    start = std::chrono::steady_clock::now();
    if (!b.apply_update(update)) std::printf("(apply refused)\n");
    out.remote.add(ms_between(start, std::chrono::steady_clock::now()));
  }
  out.usage = meter.stop();
  if (watch == Watch::text && events != 2 * kEdits) std::printf("(events: %zu)\n", events);
  return out;
}

void at_size(std::size_t bytes) {
  Doc a(ReplicaId{1});
  {
    auto tx = a.transact();
    tx.text("t").insert(0, std::string(bytes, 'x'));
  }
  Doc b(ReplicaId{2});
  if (!b.apply_update(a.encode_snapshot())) std::printf("(snapshot refused)\n");
  for (const Watch w : {Watch::none, Watch::text, Watch::elsewhere}) {
    const EditCosts c = edits(a, b, w);
    std::printf("| %zu MB | %s | %s | %s | %s |\n", bytes / 1'000'000, name(w),
                latency_cells(c.local).c_str(), latency_cells(c.remote).c_str(),
                usage_cells(c.usage).c_str());
  }
}

void legit_rounds(const char* which, Doc& host) {
  LegitPeer legit(host);
  const UsageMeter meter;
  const Latencies l = legit.rounds(kRounds);
  const auto start = std::chrono::steady_clock::now();
  (void)host.digest();
  std::printf("| %s | %s | %.1f | %s |\n", which, latency_cells(l).c_str(),
              ms_between(start, std::chrono::steady_clock::now()),
              usage_cells(meter.stop()).c_str());
}

}  // namespace

void text_observer(const Scale&) {
  std::printf("\n## Item 7: a 1-character edit to a large text, with and without observers\n");
  std::printf(
      "\n| text | observer | local edit p50 ms | p99 ms | remote apply p50 ms | p99 ms | "
      "%s |\n|--:|---|--:|--:|--:|--:|%s|\n",
      kUsageHeader, kUsageAlign);
  for (const std::size_t size : {std::size_t{10'000'000}, std::size_t{100'000'000}}) {
    at_size(size);
  }

  std::printf(
      "\n| legitimate peer, host holds (%d rounds) | p50 ms | p99 ms | host digest() ms | "
      "%s |\n|---|--:|--:|--:|%s|\n",
      kRounds, kUsageHeader, kUsageAlign);
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{10'000'000}, std::size_t{100'000'000}}) {
    Doc host(ReplicaId{1});
    if (size > 0) {
      auto tx = host.transact();
      tx.text("t").insert(0, std::string(size, 'x'));
    }
    legit_rounds((std::to_string(size / 1'000'000) + " MB of text").c_str(), host);
  }
}

}  // namespace weft::bench::attacks
