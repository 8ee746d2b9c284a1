// Text anchors against a reference model: random concurrent editing on three
// replicas (multi-byte text, all three position units), anchors made at random
// boundaries with random bias, checked after every step on every replica.
//
// The model is the reference FugueMax sequence (reference_fugue.hpp): a flat
// vector of (dot, value, deleted) elements in document order. An anchor on
// element d resolves to the width of the visible elements before d, plus d's
// own width when d is visible and the bias is left; start is 0 and end the
// visible width. A replica whose model lacks d must report errc::unknown_dot.
#include <random>
#include <string>
#include <vector>

#include "reference_fugue.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/types/text.hpp"

namespace {

using weft::Anchor;
using weft::Bias;
using weft::Dot;
using weft::PositionUnit;
using weft::ReplicaId;
using weft::Text;
using weft::VersionVector;
using Ref = weft::test::ReferenceSequence<char32_t>;
using RefInsert = weft::test::RefInsert<char32_t>;

constexpr auto kPolicy = weft::test::OriginPolicy::visible_right;
constexpr char32_t kAlphabet[] = {U'a', U'b', U'z', U' ', U'é', U'中', U'€', U'😀', U'𝄞'};
constexpr PositionUnit kUnits[] = {PositionUnit::code_point, PositionUnit::utf16,
                                   PositionUnit::utf8};

std::size_t width(char32_t c, PositionUnit unit) {
  if (unit == PositionUnit::code_point) return 1;
  if (unit == PositionUnit::utf16) return c > 0xFFFF ? 2 : 1;
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

std::size_t span_in(const std::vector<char32_t>& cps, std::size_t to, PositionUnit unit) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < to; ++i) n += width(cps[i], unit);
  return n;
}

struct Group {
  ReplicaId replica;
  std::uint64_t last = 0;
  std::vector<RefInsert> inserts;
  std::vector<Dot> deletes;
};

// What the model says `a` resolves to, or nullopt-like `known = false`.
struct Expected {
  bool known = false;
  std::size_t at = 0;
};
Expected model_resolve(const Ref& ref, const Anchor& a, PositionUnit unit) {
  const auto elems = ref.raw_elements();
  std::size_t before = 0;
  if (a.kind == Anchor::Kind::start) return {true, 0};
  for (const auto& e : elems) {
    if (a.kind == Anchor::Kind::element && e.id == a.dot) {
      if (!e.deleted && a.bias == Bias::left) before += width(e.value, unit);
      return {true, before};
    }
    if (!e.deleted) before += width(e.value, unit);
  }
  if (a.kind == Anchor::Kind::end) return {true, before};
  return {false, 0};
}

class World {
 public:
  World(std::uint64_t seed, std::size_t n) : rng_(seed) {
    for (std::size_t i = 0; i < n; ++i) {
      ids_.push_back(ReplicaId{(rng_() >> 1) | 1});
      engines_.emplace_back(ids_.back());
      shadows_.emplace_back(kPolicy);
    }
  }

  void step() {
    const std::size_t s = rng_() % engines_.size();
    const auto kind = rng_() % 20;
    if (kind < 8) {
      edit(s);
    } else if (kind < 13) {
      sync(s, rng_() % engines_.size());
    } else if (kind < 19) {
      make_anchor(s);
    } else {
      engines_[s].gc();
    }
    check_all();
  }

 private:
  void edit(std::size_t s) {
    Text& t = engines_[s];
    Ref& shadow = shadows_[s];
    const auto unit = kUnits[rng_() % 3];
    const std::vector<char32_t> cps = shadow.values();
    const ReplicaId id = ids_[s];
    const std::uint64_t next = t.version().get(id) + 1;
    Group g{id, 0, {}, {}};
    if (cps.empty() || rng_() % 3 != 0) {
      const std::size_t pos = rng_() % (cps.size() + 1);
      const std::size_t len = 1 + rng_() % 3;
      std::string text;
      for (std::size_t i = 0; i < len; ++i) {
        const char32_t c = kAlphabet[rng_() % std::size(kAlphabet)];
        weft::append_utf8(text, c);
        g.inserts.push_back(shadow.local_insert(pos + i, c, Dot{id, next + i}));
      }
      t.insert(span_in(cps, pos, unit), text, unit);
    } else {
      const std::size_t pos = rng_() % cps.size();
      const std::size_t len = std::min<std::size_t>(cps.size() - pos, 1 + rng_() % 3);
      const std::size_t from = span_in(cps, pos, unit);
      t.erase(from, span_in(cps, pos + len, unit) - from, unit);
      for (std::size_t i = 0; i < len; ++i) g.deletes.push_back(shadow.local_erase(pos));
    }
    g.last = t.version().get(id);
    REQUIRE(g.last == next + g.inserts.size() + g.deletes.size() - 1);
    groups_.push_back(std::move(g));
  }

  // to catches up with everything `from` has (a catch-up delta); the model
  // integrates, in generation order, the edits `from` covers and `to` did not.
  void sync(std::size_t to, std::size_t from) {
    if (to == from) return;
    const VersionVector old = engines_[to].version();
    REQUIRE(engines_[to].apply_update(engines_[from].encode_update_since(old)));
    const VersionVector& src = engines_[from].version();
    for (const Group& g : groups_) {
      if (g.last <= src.get(g.replica) && g.last > old.get(g.replica)) {
        for (const auto& op : g.inserts) shadows_[to].integrate(op);
        for (const auto& d : g.deletes) shadows_[to].integrate_delete(d);
      }
    }
  }

  void make_anchor(std::size_t s) {
    const auto unit = kUnits[rng_() % 3];
    const Bias bias = rng_() % 2 == 0 ? Bias::left : Bias::right;
    const auto ids = shadows_[s].visible_ids();
    const std::vector<char32_t> cps = shadows_[s].values();
    const std::size_t pos = rng_() % (cps.size() + 1);
    const Anchor a = engines_[s].anchor_at(span_in(cps, pos, unit), unit, bias);
    // The neighbour on the bias side, by the model.
    if (bias == Bias::right) {
      CHECK(a == (pos == cps.size() ? Anchor::end() : Anchor::element(ids[pos], bias)));
    } else {
      CHECK(a == (pos == 0 ? Anchor::start() : Anchor::element(ids[pos - 1], bias)));
    }
    anchors_.push_back(a);
    if (anchors_.size() > 24) anchors_.erase(anchors_.begin());
  }

  void check_all() {
    for (std::size_t r = 0; r < engines_.size(); ++r) {
      INFO("replica " << r);
      REQUIRE(engines_[r].to_string() == [&] {
        std::string s;
        for (const char32_t c : shadows_[r].values()) weft::append_utf8(s, c);
        return s;
      }());
      for (const Anchor& a : anchors_) {
        for (const PositionUnit u : kUnits) {
          INFO("anchor kind " << static_cast<int>(a.kind) << " dot " << a.dot.replica.value() << ":"
                              << a.dot.counter << " bias " << static_cast<int>(a.bias) << " unit "
                              << static_cast<int>(u));
          const Expected want = model_resolve(shadows_[r], a, u);
          const auto got = engines_[r].resolve(a, u);
          if (want.known) {
            REQUIRE(got.has_value());
            CHECK(*got == want.at);
          } else {
            REQUIRE(!got.has_value());
            CHECK(got.error() == weft::errc::unknown_dot);
          }
        }
      }
    }
  }

  std::mt19937_64 rng_;
  std::vector<ReplicaId> ids_;
  std::vector<Text> engines_;
  std::vector<Ref> shadows_;
  std::vector<Group> groups_;
  std::vector<Anchor> anchors_;
};

}  // namespace

TEST_CASE("Text anchors resolve as the reference model says, under concurrent edits") {
  for (const auto seed : weft::test::seeds(20)) {
    INFO("seed " << seed << " (rerun with WEFT_TEST_SEED=" << seed << ")");
    World world(seed, 3);
    for (int i = 0; i < 300; ++i) world.step();
  }
}
