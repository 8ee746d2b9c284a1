// weft-bench-sync-limits: the cost of idle and hostile peers to a sync host, in one run.
//
//  1. hello bytes against replicas seen (the full vector, `state`, for comparison: it is
//     what a hello carried before);
//  2. one idle anti-entropy round (both sides tick, everything answered) against hosted
//     documents: messages, bytes and CPU time, next to what per-document hellos with
//     full vectors would have sent;
//  3. the answer to a repair from a peer that lacks one operation, against the snapshot;
//  4. a legitimate peer's update-to-ack latency (p50/p99) on a host that a read-only peer
//     floods with requests for the whole 2.6 MB document, with the default PeerLimits
//     and with limits off, against no flood; and how long until the flooder is closed.
// Sessions are driven in process (no sockets), with a simulated clock for the limits;
// latencies are wall time on this machine. Prints a Markdown table per part.
// Usage: weft-bench-sync-limits [hello] [idle] [repair] [flood]   (none: all)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include "common/measure.hpp"
#include "common/sync_pump.hpp"
#include "sync/op_set_document.hpp"
#include "weft/sync/sync_session.hpp"

namespace {

using weft::Bytes;
using weft::ReplicaId;
using weft::SyncMessage;
using weft::SyncMessageKind;
using weft::SyncSession;
using weft::test::OpSetDocument;
using Clock = std::chrono::steady_clock;
using weft::bench::percentile;
using weft::bench::pump;
using weft::bench::Traffic;

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

Bytes state_message(const std::string& doc, const weft::VersionVector& vv) {
  SyncMessage m;
  m.kind = SyncMessageKind::state;
  m.doc = doc;
  m.state_vector = vv;
  return weft::encode_sync_message(m);
}

void hello_size() {
  std::printf("\n| replicas seen | hello bytes | full vector (`state`) bytes |\n|--:|--:|--:|\n");
  for (std::size_t replicas : {1u, 1'000u, 10'000u, 100'000u}) {
    OpSetDocument doc(ReplicaId{1});
    for (std::size_t r = 0; r < replicas; ++r) {
      OpSetDocument other(ReplicaId{1000 + r});
      (void)doc.apply_update(other.add("x"));
    }
    SyncSession s;
    s.add_document("doc", doc);
    s.start(0);
    const auto hello = s.take_outgoing();
    std::printf("| %zu | %zu | %zu |\n", replicas, hello.at(0).size(),
                state_message("doc", doc.state_vector()).size());
  }
}

void idle_tick() {
  std::printf(
      "\n| hosted documents | idle round: messages | bytes | CPU ms | per-document hellos "
      "(before): messages | bytes |\n|--:|--:|--:|--:|--:|--:|\n");
  for (int docs : {100, 1'000, 10'000, 100'000}) {
    std::vector<OpSetDocument> a_docs;
    std::vector<OpSetDocument> b_docs;
    a_docs.reserve(docs);
    b_docs.reserve(docs);
    // The first sync of every document at once is far over the default per-peer message
    // budget from 20k documents on (three messages each), so setup runs without limits.
    weft::SyncOptions unlimited;
    unlimited.limits.messages_per_second = std::numeric_limits<double>::infinity();
    unlimited.limits.bytes_per_second = std::numeric_limits<double>::infinity();
    SyncSession a(unlimited);
    SyncSession b(unlimited);
    std::size_t before_bytes = 0;
    for (int i = 0; i < docs; ++i) {
      a_docs.emplace_back(ReplicaId{1});
      b_docs.emplace_back(ReplicaId{2});
      (void)a_docs.back().add("x");
      (void)b_docs.back().add("y");
      const std::string name = "doc/" + std::to_string(i);
      a.add_document(name, a_docs.back());
      b.add_document(name, b_docs.back());
    }
    a.start(0);
    b.start(0);
    (void)pump(a, b);
    for (int i = 0; i < docs; ++i) {
      before_bytes += state_message("doc/" + std::to_string(i), a_docs[i].state_vector()).size();
    }
    // One round first: it drops the greetings answered since start (once, O(documents)).
    a.tick(1000);
    b.tick(1000);
    (void)pump(a, b);
    constexpr int kRounds = 5;
    Traffic total;
    const double cpu0 = cpu_ms();
    for (int r = 2; r <= kRounds + 1; ++r) {
      a.tick(1000u * r);
      b.tick(1000u * r);
      const Traffic t = pump(a, b);
      total.messages += t.messages;
      total.bytes += t.bytes;
    }
    const double cpu = (cpu_ms() - cpu0) / kRounds;
    // Before, each side sent one hello per document per tick, and each was answered by
    // a digest check at least; the hellos alone are counted.
    std::printf("| %d | %zu | %zu | %.3f | %d | %zu |\n", docs, total.messages / kRounds,
                total.bytes / kRounds, cpu, 2 * docs, 2 * before_bytes);
  }
}

void repair_answer() {
  OpSetDocument ours(ReplicaId{1});
  OpSetDocument theirs(ReplicaId{2});
  for (int i = 0; i < 26'000; ++i) (void)theirs.apply_update(ours.add(std::string(100, 'q')));
  (void)ours.add("the one they lack");
  SyncSession host;
  host.add_document("doc", ours, weft::Access::read);
  host.start(0);
  (void)host.take_outgoing();
  SyncMessage repair;
  repair.kind = SyncMessageKind::repair;
  repair.doc = "doc";
  repair.state_vector = theirs.state_vector();
  const Bytes request = weft::encode_sync_message(repair);
  (void)host.receive(request);
  std::size_t answer = 0;
  for (const auto& m : host.take_outgoing()) answer += m.size();
  std::printf(
      "\n| repair request bytes | answer bytes (reject + what is lacking) | snapshot bytes |\n"
      "|--:|--:|--:|\n| %zu | %zu | %zu |\n",
      request.size(), answer, ours.encode_snapshot().size());
}

struct FloodResult {
  std::vector<double> latencies_ms;
  double host_cpu_ms = 0;
  std::size_t host_bytes_out = 0;
  std::uint64_t closed_at_ms = 0;  // 0: never
};

// kFloodRounds rounds of 10 simulated ms: each round the flooder's requests arrive first, then
// one legitimate update, whose wall time until its ack is the latency.
constexpr std::uint64_t kFloodRounds = 500;

FloodResult flood(int requests_per_round, bool limits) {
  OpSetDocument host_doc(ReplicaId{1});
  for (int i = 0; i < 26'000; ++i) (void)host_doc.add(std::string(100, 'd'));  // 2.6 MB
  OpSetDocument legit_doc(ReplicaId{2});
  weft::SyncOptions options;
  if (!limits) {
    options.limits.messages_per_second = std::numeric_limits<double>::infinity();
    options.limits.bytes_per_second = std::numeric_limits<double>::infinity();
  }
  SyncSession host_for_legit(options);
  SyncSession host_for_flooder(options);
  SyncSession legit;
  host_for_legit.add_document("doc", host_doc);
  host_for_flooder.add_document("doc", host_doc, weft::Access::read);
  legit.add_document("doc", legit_doc);
  host_for_legit.start(0);
  host_for_flooder.start(0);
  legit.start(0);
  (void)pump(host_for_legit, legit);
  (void)host_for_flooder.take_outgoing();
  const Bytes ask = state_message("doc", {});  // "I have nothing: send everything"

  FloodResult result;
  const double cpu0 = cpu_ms();
  for (std::uint64_t round = 1; round <= kFloodRounds; ++round) {
    const std::uint64_t now = round * 10;
    host_for_legit.tick(now);
    host_for_flooder.tick(now);
    legit.tick(now);
    legit.broadcast("doc", legit_doc.add("k"));
    const auto update = legit.take_outgoing();
    const auto start = Clock::now();
    for (int i = 0; i < requests_per_round && !host_for_flooder.is_closed(); ++i) {
      (void)host_for_flooder.receive(ask);
      for (auto& m : host_for_flooder.take_outgoing()) result.host_bytes_out += m.size();
    }
    if (host_for_flooder.is_closed() && result.closed_at_ms == 0) result.closed_at_ms = now;
    for (const auto& m : update) (void)host_for_legit.receive(m);
    const auto acks = host_for_legit.take_outgoing();
    result.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    for (const auto& m : acks) (void)legit.receive(m);
    (void)pump(host_for_legit, legit);
  }
  result.host_cpu_ms = cpu_ms() - cpu0;
  std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
  return result;
}

void flooding() {
  std::printf(
      "\n| flood (requests / 10 ms) | limits | legit p50 ms | legit p99 ms | host CPU ms "
      "(5 s simulated) | host bytes sent to flooder | flooder closed at |\n"
      "|--:|---|--:|--:|--:|--:|--:|\n");
  struct Case {
    int requests;
    bool limits;
  };
  for (const Case c : {Case{0, true}, Case{5, true}, Case{5, false}, Case{500, true}}) {
    const FloodResult r = flood(c.requests, c.limits);
    std::printf("| %d | %s | %.3f | %.3f | %.0f | %zu | %s |\n", c.requests,
                c.limits ? "default" : "off", percentile(r.latencies_ms, 0.5),
                percentile(r.latencies_ms, 0.99), r.host_cpu_ms, r.host_bytes_out,
                r.closed_at_ms ? (std::to_string(r.closed_at_ms) + " ms").c_str() : "never");
  }
}

}  // namespace

// No argument: every part. Else the parts named: hello, idle, repair, flood.
int main(int argc, char** argv) {
  const std::vector<std::string> parts(argv + 1, argv + argc);
  auto wanted = [&](const char* part) {
    return parts.empty() || std::find(parts.begin(), parts.end(), part) != parts.end();
  };
  if (wanted("hello")) hello_size();
  if (wanted("idle")) idle_tick();
  if (wanted("repair")) repair_answer();
  if (wanted("flood")) flooding();
  return 0;
}
