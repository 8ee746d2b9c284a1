// Item 3's remainder: before, a 168-byte doc update whose deflated payload carried
// engine bytes with zstd sections was accepted as 64 MB of text (the ratios of two
// decompressions multiplied). The Doc's records now carry text directly, so an update
// is decompressed once, under kDecompressLimits (1032:1, 1 GiB). Re-run: the most
// text an update of at most 168 bytes can bring; a 168-byte update stating 64 MiB; an
// update stating more than it inflates to; and the largest honest-ratio bomb, 64 MiB
// (256 MiB with --full) of one character in a ~65 KB update, with a legitimate peer's
// sync rounds before and after it lands on the host.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "attacker.hpp"
#include "attacks.hpp"
#include "crafted.hpp"
#include "legit_peer.hpp"
#include "report.hpp"

namespace weft::bench::attacks {

namespace {

constexpr std::size_t kLimitBytes = 168;  // the update
constexpr int kRounds = 50;               // each costs ~0.3 s once the host holds the bomb

struct Outcome {
  std::string answer;
  double ms = 0;
  std::size_t text = 0;
  HostUsage usage;
};

Outcome apply_to_fresh(const Bytes& update) {
  Doc doc(ReplicaId{1});
  Outcome o;
  const UsageMeter meter;
  const auto start = std::chrono::steady_clock::now();
  auto r = doc.apply_update(update);
  o.ms = ms_between(start, std::chrono::steady_clock::now());
  o.usage = meter.stop();
  o.answer = r ? "accepted" : "refused: " + r.error().message();
  o.text = doc.text("t").size();
  return o;
}

// The longest run of 'a' whose deflated update (level 9) fits in `limit` bytes.
std::uint64_t longest_run_within(std::size_t limit) {
  std::uint64_t lo = 512;  // below 512 bytes a deflated payload is non_canonical
  std::uint64_t hi = 1 << 24;
  while (lo + 1 < hi) {
    const std::uint64_t mid = (lo + hi) / 2;
    (deflated_update(text_insert_payload(9, mid), 9).size() <= limit ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

void decompression_bomb(const Scale& scale) {
  std::printf("\n## Item 3: deflate bombs in a doc update (nested sections are gone)\n");
  const std::uint64_t run = longest_run_within(kLimitBytes);
  const std::uint64_t big = (scale.full ? std::uint64_t{256} : 64) << 20;
  const Bytes small_payload = text_insert_payload(9, run);
  struct Case {
    std::string what;
    Bytes update;
  };
  const Case cases[] = {
      {"the most text in <= 168 bytes (" + std::to_string(run) + " chars)",
       deflated_update(small_payload, 9)},
      {"that update stating 64 MiB of output", deflated_update(small_payload, 9, 64 << 20)},
      {"that update stating 1 byte more than it inflates to",
       deflated_update(small_payload, 9, small_payload.size() + 1)},
      {std::to_string(big >> 20) + " MiB of one character, deflated",
       deflated_update(text_insert_payload(9, big), 9)},
      {"1 GiB + 1 stated (over max_output)",
       deflated_update(text_insert_payload(9, 2 << 20), 9, (std::uint64_t{1} << 30) + 1)},
  };
  std::printf(
      "\n| update | bytes | answer | time ms | text chars | ratio | %s |\n"
      "|---|--:|---|--:|--:|--:|%s|\n",
      kUsageHeader, kUsageAlign);
  for (const Case& c : cases) {
    const Outcome o = apply_to_fresh(c.update);
    std::printf("| %s | %zu | %s | %.3f | %zu | %.0f:1 | %s |\n", c.what.c_str(), c.update.size(),
                o.answer.c_str(), o.ms, o.text,
                static_cast<double>(o.text) / static_cast<double>(c.update.size()),
                usage_cells(o.usage).c_str());
  }

  // A legitimate peer of a host that accepts the large bomb.
  Doc host(ReplicaId{1});
  LegitPeer legit(host);
  std::printf("\n| legitimate peer (%d rounds each) | p50 ms | p99 ms | %s |\n|---|--:|--:|%s|\n",
              kRounds, kUsageHeader, kUsageAlign);
  {
    const UsageMeter meter;
    const Latencies base = legit.rounds(kRounds);
    std::printf("| baseline | %s | %s |\n", latency_cells(base).c_str(),
                usage_cells(meter.stop()).c_str());
  }
  const Delivery bomb = send_as_peer(host, cases[3].update);
  std::printf("(the %s bomb through a session: %s in %.1f ms)\n", cases[3].what.c_str(),
              bomb.refused ? ("refused: " + bomb.error).c_str() : "accepted", bomb.host_ms);
  legit.settle();  // the peer receives the text, as a host's relay would send it
  {
    const UsageMeter meter;
    const Latencies after = legit.rounds(kRounds);
    std::printf("| after the bomb, both holding %zu chars | %s | %s |\n",
                legit.doc().text("t").size(), latency_cells(after).c_str(),
                usage_cells(meter.stop()).c_str());
  }
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t digest = host.digest();
  std::printf("(host digest() alone: %.1f ms, %016llx)\n",
              ms_between(start, std::chrono::steady_clock::now()),
              static_cast<unsigned long long>(digest));
}

}  // namespace weft::bench::attacks
