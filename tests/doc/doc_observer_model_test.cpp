// A model test of observer deltas: several replicas make random multi-edit
// transactions on a text and a list and exchange them in random orders (so
// updates wait and integrate later, several at once). Every replica has a
// subscriber in each position unit; after every batch each subscriber's
// shadow, built only from its deltas, must equal the document.
#include <random>

#include "../../src/doc/record.hpp"  // white-box: a crafted record
#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

using namespace weft;
using weft::test::root_list;
using weft::test::root_text;

namespace {

// The text as a sequence of units of `unit`: code points, UTF-16 units or bytes.
std::vector<std::uint32_t> units_of(const std::string& s, PositionUnit unit) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len; ++k)
      cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (unit == PositionUnit::utf8) {
      for (std::size_t k = 0; k < len; ++k) out.push_back(static_cast<unsigned char>(s[i + k]));
    } else if (unit == PositionUnit::utf16 && cp >= 0x10000) {
      out.push_back(0xD800 + ((cp - 0x10000) >> 10));
      out.push_back(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      out.push_back(cp);
    }
    i += len;
  }
  return out;
}

// What one subscriber believes the text (or list) is.
struct Shadow {
  Shadow(PositionUnit u, bool is_list) : unit(u), list(is_list) {}
  PositionUnit unit;
  bool list = false;
  std::vector<std::uint32_t> text;
  std::vector<Value> values;
  std::size_t steps = 0;

  void apply(std::span<const ChangeEvent> events) {
    for (const ChangeEvent& e : events) {
      std::size_t at = 0;
      for (const SequenceDelta& d : e.delta) {
        ++steps;
        switch (d.kind) {
          case SequenceDelta::Kind::retain:
            at += d.length;
            break;
          case SequenceDelta::Kind::erase:
            REQUIRE(at + d.length <= size());
            if (list) {
              values.erase(values.begin() + static_cast<std::ptrdiff_t>(at),
                           values.begin() + static_cast<std::ptrdiff_t>(at + d.length));
            } else {
              text.erase(text.begin() + static_cast<std::ptrdiff_t>(at),
                         text.begin() + static_cast<std::ptrdiff_t>(at + d.length));
            }
            break;
          case SequenceDelta::Kind::insert:
            REQUIRE(at <= size());
            if (list) {
              REQUIRE(d.values.size() == d.length);
              values.insert(values.begin() + static_cast<std::ptrdiff_t>(at), d.values.begin(),
                            d.values.end());
            } else {
              const auto u = units_of(d.text, unit);
              REQUIRE(u.size() == d.length);
              text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), u.begin(), u.end());
            }
            at += d.length;
            break;
        }
      }
    }
  }
  [[nodiscard]] std::size_t size() const { return list ? values.size() : text.size(); }
};

struct Replica {
  std::unique_ptr<Doc> doc;
  std::vector<std::unique_ptr<Shadow>> shadows;
  std::vector<Subscription> subs;
  std::vector<Bytes> inbox;

  explicit Replica(ReplicaId id) : doc(std::make_unique<Doc>(id)) {
    for (auto unit : {PositionUnit::code_point, PositionUnit::utf16, PositionUnit::utf8}) {
      auto& s = shadows.emplace_back(std::make_unique<Shadow>(unit, false));
      subs.push_back(doc->observe(
          root_text(), [p = s.get()](auto ev) { p->apply(ev); }, unit));
    }
    auto& l = shadows.emplace_back(std::make_unique<Shadow>(PositionUnit::code_point, true));
    subs.push_back(doc->observe(root_list(), [p = l.get()](auto ev) { p->apply(ev); }));
  }
  void check() const {
    const std::string text = doc->text(root_text()).to_string();
    for (const auto& s : shadows) {
      if (s->list) {
        CHECK(s->values == doc->list(root_list()).values());
      } else {
        CHECK(s->text == units_of(text, s->unit));
      }
    }
  }
};

void random_edits(Transaction& tx, std::mt19937_64& rng) {
  static const std::array<std::string, 5> pieces{"a", "bc", "\xC3\xA9", "\xE2\x82\xAC",
                                                 "\xF0\x9F\x98\x80x"};
  const int edits = 1 + static_cast<int>(rng() % 5);
  for (int e = 0; e < edits; ++e) {
    if (rng() % 3 == 0) {
      const std::size_t n = tx.list("l").size();
      if (n > 0 && rng() % 2 == 0) {
        const std::size_t at = rng() % n;
        tx.list("l").erase(at, 1 + rng() % std::min<std::size_t>(n - at, 3));
      } else {
        tx.list("l").insert(rng() % (n + 1), Value(static_cast<std::int64_t>(rng() % 100)));
      }
      continue;
    }
    const std::size_t n = tx.text("t").size();
    if (n > 0 && rng() % 3 == 0) {
      const std::size_t at = rng() % n;
      tx.text("t").erase(at, 1 + rng() % std::min<std::size_t>(n - at, 4));
    } else {
      tx.text("t").insert(rng() % (n + 1), pieces[rng() % pieces.size()]);
    }
  }
}

}  // namespace

TEST_CASE("observer deltas rebuild the document exactly, local and remote, in every unit",
          "[doc]") {
  for (auto seed : weft::test::seeds(30)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    const std::size_t n = 3 + rng() % 3;
    std::vector<Replica> replicas;
    replicas.reserve(n);
    for (std::size_t i = 0; i < n; ++i) replicas.emplace_back(ReplicaId{100 + i});
    std::size_t steps = 0;
    for (int round = 0; round < 120; ++round) {
      Replica& r = replicas[rng() % n];
      if (rng() % 2 == 0 || r.inbox.empty()) {
        Bytes u;
        {
          auto tx = r.doc->transact();
          random_edits(tx, rng);
          u = tx.commit();
        }
        r.check();
        for (auto& other : replicas) {
          if (&other != &r) other.inbox.push_back(u);
        }
      } else {
        // Deliver some waiting updates in a random order: some wait for others.
        const std::size_t k = 1 + rng() % r.inbox.size();
        for (std::size_t j = 0; j < k; ++j) {
          const std::size_t pick = rng() % r.inbox.size();
          REQUIRE(r.doc->apply_update(r.inbox[pick]));
          r.inbox.erase(r.inbox.begin() + static_cast<std::ptrdiff_t>(pick));
          r.check();
        }
      }
    }
    for (auto& r : replicas) {
      for (const Bytes& u : r.inbox) REQUIRE(r.doc->apply_update(u));
      r.inbox.clear();
      r.check();
      CHECK(r.doc->pending_count() == 0);
      CHECK(r.doc->text(root_text()).to_string() == replicas[0].doc->text(root_text()).to_string());
      for (const auto& s : r.shadows) steps += s->steps;
    }
    CHECK(steps > 0);
  }
}

TEST_CASE("an update with one bad sequence op among good ones is refused whole", "[doc]") {
  Doc a(ReplicaId{1});
  Bytes base;
  {
    auto tx = a.transact();
    tx.text("t").insert(0, "hello");
    tx.list("l").insert(0, std::vector<Value>{1, 2, 3});
    base = tx.commit();
  }
  Doc b(ReplicaId{2});
  REQUIRE(b.apply_update(base));
  // A valid record of b's, then one whose text insert names as its origin an
  // element that does not exist (a dot of a's that is a list element, not a
  // text element): each record is well formed; the second cannot integrate.
  Bytes good;
  {
    auto tx = b.transact();
    tx.text("t").insert(5, " world");
    tx.list("l").erase(0, 1);
    good = tx.commit();
  }
  weft::detail::doc::TxRecord bad;
  bad.replica = ReplicaId{2};
  bad.first = b.state_vector().get(ReplicaId{2}) + 1;
  bad.lamport = 20;
  bad.deps.advance(ReplicaId{1}, a.state_vector().get(ReplicaId{1}));
  bad.ops.push_back({root_text(), weft::detail::doc::TextInsert{Dot{ReplicaId{2}, 1}, {}, "!", 1}});
  bad.ops.push_back({root_text(), weft::detail::doc::TextInsert{Dot{ReplicaId{1}, 7}, {}, "?", 1}});
  bad.width = 2;
  Writer w;
  weft::detail::doc::encode_record(w, bad);
  const auto good_records = [&] {
    Bytes inflated;
    auto r = weft::detail::doc::decode_update(good, inflated);
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    return Bytes(r->front().bytes.begin(), r->front().bytes.end());
  }();
  const std::array<std::span<const std::uint8_t>, 2> parts{
      std::span<const std::uint8_t>(good_records), w.view()};
  const Bytes update = weft::detail::doc::frame_update(parts);

  Doc c(ReplicaId{3});
  REQUIRE(c.apply_update(base));
  const Bytes before = c.encode_snapshot();
  const auto sv = c.state_vector();
  std::size_t events = 0;
  auto sub = c.observe(root_text(), [&](auto) { ++events; });
  auto r = c.apply_update(update);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::causality_violation);
  CHECK(c.encode_snapshot() == before);
  CHECK(c.state_vector() == sv);
  CHECK(c.pending_count() == 0);
  CHECK(c.text(root_text()).to_string() == "hello");
  CHECK(c.list(root_list()).values() == std::vector<Value>{1, 2, 3});
  CHECK(events == 0);
  // The good record alone is fine.
  REQUIRE(c.apply_update(good));
  CHECK(c.text(root_text()).to_string() == "hello world");
}
