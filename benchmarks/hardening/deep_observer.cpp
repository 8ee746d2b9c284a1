// Item 6: with an observe_deep subscriber, one update creating 40,000 nested maps
// (each inside the last) took 90 s to apply. Re-run: such updates applied to a fresh
// replica with and without an observe_deep subscriber on the root, and a wide variant
// (40,000 maps side by side under the root) for comparison. Each event's path has one
// step per level, so a chain of depth d reports d(d+1)/2 steps ("sum of path lengths");
// since the paths are shared (EventPath), it holds only d of them.
#include <chrono>
#include <cstdio>
#include <span>
#include <string>

#include "attacks.hpp"
#include "report.hpp"
#include "weft/doc/doc.hpp"

namespace weft::bench::attacks {

namespace {

constexpr int kMaps = 40'000;

Bytes nested_maps(int maps, bool chain) {
  Doc author(ReplicaId{7});
  auto tx = author.transact();
  ObjectId at = tx.map("root").id();
  for (int i = 0; i < maps; ++i) {
    const ObjectId child =
        tx.map(at).set_new(chain ? std::string("child") : std::to_string(i), ObjectKind::map);
    if (chain) at = child;
  }
  tx.map(at).set("leaf", true);
  return tx.commit();
}

struct Applied {
  double ms = 0;
  std::size_t events = 0;
  std::size_t path_steps = 0;  // summed over the events
  HostUsage usage;
};

Applied apply(const Bytes& update, bool observed) {
  Applied out;
  const UsageMeter meter;
  Doc doc(ReplicaId{1});
  Subscription sub;
  if (observed) {
    sub = doc.observe_deep(doc.map("root").id(), [&](std::span<const ChangeEvent> batch) {
      for (const ChangeEvent& e : batch) {
        ++out.events;
        out.path_steps += e.path.size();
      }
    });
  }
  const auto start = std::chrono::steady_clock::now();
  if (!doc.apply_update(update)) std::printf("(apply refused)\n");
  out.ms = ms_between(start, std::chrono::steady_clock::now());
  out.usage = meter.stop();
  return out;
}

}  // namespace

void deep_observer(const Scale&) {
  std::printf("\n## Item 6: one update creating many maps, with and without observe_deep\n");
  std::printf(
      "\n| update | bytes | subscriber | apply ms | events | sum of path lengths | %s |\n"
      "|---|--:|---|--:|--:|--:|%s|\n",
      kUsageHeader, kUsageAlign);
  struct Case {
    int maps;
    bool chain;
  };
  for (const Case c : {Case{2'500, true}, Case{5'000, true}, Case{10'000, true}, Case{kMaps, true},
                       Case{kMaps, false}}) {
    const Bytes update = nested_maps(c.maps, c.chain);
    for (const bool observed : {false, true}) {
      const std::string what = std::to_string(c.maps) +
                               (c.chain ? " maps, each inside the last" : " maps under the root");
      const Applied a = apply(update, observed);
      std::printf("| %s | %zu | %s | %.1f | %zu | %zu | %s |\n", what.c_str(), update.size(),
                  observed ? "observe_deep(root)" : "none", a.ms, a.events, a.path_steps,
                  usage_cells(a.usage).c_str());
    }
  }
}

}  // namespace weft::bench::attacks
