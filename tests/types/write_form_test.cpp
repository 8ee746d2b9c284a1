// A weft::Doc op and a catalogue delta are two forms of one write: the Doc's
// states apply ops with apply_write/apply_remove (detail/write_context.hpp),
// the catalogue joins whole deltas. Under causal delivery (what the Doc
// guarantees) both must give the same store, so the Doc's registers and map
// keys follow LwwRegister's rule exactly.
#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "weft/types/crdts.hpp"
#include "weft/types/detail/write_context.hpp"

namespace {

using namespace weft;  // test file, not a header
using Register = LwwRegister<int>;
using Store = Register::Store;

const Store& store_of(const Register& r) {
  return detail::CausalAccess::state(r).store;
}

std::vector<Dot> dots_of(const Store& s) {
  std::vector<Dot> out;
  s.for_each_dot([&](const Dot& d) { out.push_back(d); });
  return out;
}

// One write as both forms: the catalogue delta and the Doc op's fields.
struct Sent {
  Delta<Register> delta;
  std::vector<Dot> observed;          // the op's `supersedes`
  std::optional<Store::Entry> write;  // nullopt: a remove (clear)
};

}  // namespace

TEST_CASE("a write in the Doc's op form joins like the catalogue's delta", "[unit][types]") {
  constexpr std::size_t kReplicas = 3;
  std::mt19937_64 rng(20261207);
  std::vector<Register> replicas(kReplicas);
  std::vector<Store> mirrors(kReplicas);  // the same replicas, fed the Doc's op form
  std::vector<LamportClock> clocks(kReplicas);
  std::vector<ReplicaId> ids{ReplicaId{7}, ReplicaId{0xB0B}, ReplicaId{0xA11CE}};

  std::size_t most_live = 0;
  int removes_survived = 0;
  for (int round = 0; round < 40; ++round) {
    // Each replica writes a few times without hearing from the others:
    // concurrent across replicas, causal within each replica.
    std::vector<std::vector<Sent>> outbox(kReplicas);
    for (std::size_t i = 0; i < kReplicas; ++i) {
      for (auto n = rng() % 3; n > 0; --n) {
        Sent sent{{}, dots_of(store_of(replicas[i])), std::nullopt};
        if (rng() % 5 == 0) {
          sent.delta = replicas[i].clear(ids[i]);
          detail::apply_remove(mirrors[i], sent.observed);
        } else {
          sent.delta = replicas[i].assign(ids[i], clocks[i], static_cast<int>(rng() % 100));
          const Store& written = store_of(sent.delta.state());
          REQUIRE(written.size() == 1);
          sent.write = *written.begin();
          detail::apply_write(mirrors[i], sent.observed, sent.write->dot, sent.write->value);
        }
        REQUIRE(mirrors[i] == store_of(replicas[i]));
        outbox[i].push_back(std::move(sent));
      }
    }
    // Every write reaches every other replica in its sender's order (causal
    // here, since senders saw only their own writes), senders interleaved.
    for (std::size_t to = 0; to < kReplicas; ++to) {
      std::vector<std::size_t> next(kReplicas, 0);
      for (;;) {
        std::vector<std::size_t> ready;
        for (std::size_t from = 0; from < kReplicas; ++from) {
          if (from != to && next[from] < outbox[from].size()) ready.push_back(from);
        }
        if (ready.empty()) break;
        const std::size_t from = ready[rng() % ready.size()];
        const Sent& sent = outbox[from][next[from]++];
        replicas[to].join(sent.delta);
        if (sent.write) {
          detail::apply_write(mirrors[to], sent.observed, sent.write->dot, sent.write->value);
        } else {
          detail::apply_remove(mirrors[to], sent.observed);
        }
        INFO("round " << round << ", to " << to << ", from " << from);
        REQUIRE(mirrors[to] == store_of(replicas[to]));
        most_live = std::max(most_live, replicas[to].concurrent_writes());
        if (!sent.write && replicas[to].has_value()) ++removes_survived;
      }
    }
    for (std::size_t i = 1; i < kReplicas; ++i) REQUIRE(replicas[i] == replicas[0]);
    const auto* w = detail::last_writer(mirrors[0]);
    REQUIRE(replicas[0].value() == (w ? std::optional<int>(w->value.value) : std::nullopt));
  }
  // The case this test is about did occur: live concurrent writes, and
  // removes that left a concurrent write standing.
  CHECK(most_live > 1);
  CHECK(removes_survived > 0);
}
