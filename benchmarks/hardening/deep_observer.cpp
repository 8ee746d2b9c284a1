// Item 6: with an observe_deep subscriber, one update creating 40,000 nested maps
// (each inside the last) took 90 s to apply. Re-run: such updates applied to a fresh
// replica with and without an observe_deep subscriber on the root, and a wide variant
// (40,000 maps side by side under the root) for comparison. Each event carries its
// path from the root, so a chain of depth d delivers d(d+1)/2 path steps: observed
// chains run only up to 10,000 deep (11 s, 2.3 GB on the 2-core VM); 40,000 would
// need ~37 GB and is not run (the figures' "sum of path steps" column shows why).
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
constexpr int kObservedChainMax = 10'000;

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
      "\n| update | bytes | subscriber | apply ms | events | sum of path steps | %s |\n"
      "|---|--:|---|--:|--:|--:|%s|\n",
      kUsageHeader, kUsageAlign);
  struct Case {
    int maps;
    bool chain;
  };
  for (const Case c : {Case{2'500, true}, Case{5'000, true}, Case{kObservedChainMax, true},
                       Case{kMaps, true}, Case{kMaps, false}}) {
    const Bytes update = nested_maps(c.maps, c.chain);
    for (const bool observed : {false, true}) {
      const std::string what = std::to_string(c.maps) +
                               (c.chain ? " maps, each inside the last" : " maps under the root");
      if (observed && c.chain && c.maps > kObservedChainMax) {
        std::printf("| %s | %zu | observe_deep(root) | not run (quadratic) | | %.0f | |\n",
                    what.c_str(), update.size(), static_cast<double>(c.maps) * (c.maps + 1) / 2);
        continue;
      }
      const Applied a = apply(update, observed);
      std::printf("| %s | %zu | %s | %.1f | %zu | %zu | %s |\n", what.c_str(), update.size(),
                  observed ? "observe_deep(root)" : "none", a.ms, a.events, a.path_steps,
                  usage_cells(a.usage).c_str());
    }
  }
}

}  // namespace weft::bench::attacks
