// Replicas of one weft::Doc driven through a script of actions: local edits of
// text, list, map (with a nested text) and counter; delivery of any subset of
// the updates a replica holds, in any order and with duplicates; delta syncs,
// merged updates and SyncSession exchanges; restarts (snapshot + load under the
// same id), compactions (snapshot + pending) and adopted snapshots. Finally
// everyone syncs fully and must converge: no pending records, equal state
// vectors, digests, snapshots and contents, the counter equal to the sum of
// every add, and each replica's text equal to what its change events built.
// Anything else aborts, so libFuzzer reports it. Public Doc API only: the
// internals are free to change under it.
//
// Script: byte 0 picks 2-4 replicas, then each action is an opcode byte and
// its arguments (Script in fuzz_support.hpp), at most kMaxActions of them.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "weft/doc/doc.hpp"
#include "weft/sync/sync_session.hpp"

namespace {

using weft::Bytes;
using weft::Doc;
using weft::ObjectId;
using weft::ObjectKind;
using weft::Value;
using weft::fuzz::Script;

constexpr int kMaxActions = 48;
// Updates a replica remembers for forwarding; bounds the cost of long scripts.
constexpr std::size_t kMaxOutbox = 32;
// Code points of 1-4 UTF-8 bytes and 1-2 UTF-16 units, so that code-point
// positions and the byte-unit events below disagree.
constexpr const char* kPieces[] = {"a",   "bc", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                   "xy z"};
constexpr const char* kKeys[] = {"k0", "k1", "k2", "k3"};

const ObjectId kText = ObjectId::named("t", ObjectKind::text);
const ObjectId kList = ObjectId::named("l", ObjectKind::list);
const ObjectId kMap = ObjectId::named("m", ObjectKind::map);
const ObjectId kCounter = ObjectId::named("c", ObjectKind::counter);

void check(bool ok) {
  if (!ok) std::abort();
}

// Applies one text event's delta, counted in UTF-8 bytes, to a copy of the text.
void apply_delta(std::string& text, const weft::ChangeEvent& event) {
  check(event.object == kText);
  std::string out;
  std::size_t at = 0;
  for (const auto& step : event.delta) {
    if (step.kind == weft::SequenceDelta::Kind::insert) {
      check(step.text.size() == step.length);
      out += step.text;
      continue;
    }
    check(step.length <= text.size() - at);
    if (step.kind == weft::SequenceDelta::Kind::retain) out.append(text, at, step.length);
    at += step.length;
  }
  text = out + text.substr(at);
}

struct Replica {
  explicit Replica(weft::ReplicaId id) : doc(id) { watch(); }
  // (Re)starts following "t" through change events, from its current content.
  void watch() {
    shadow = doc.text(kText).to_string();
    events = doc.observe(
        kText,
        [this](std::span<const weft::ChangeEvent> batch) {
          for (const auto& e : batch) apply_delta(shadow, e);
        },
        weft::PositionUnit::utf8);
  }
  void remember(const Bytes& update) {
    if (update.empty()) return;
    if (outbox.size() == kMaxOutbox) outbox.erase(outbox.begin());
    outbox.push_back(update);
  }
  void apply(const Bytes& update) {
    check(doc.apply_update(update).has_value());  // honest updates are never refused
    remember(update);
  }
  void replace(Doc loaded) {
    events.reset();
    doc = std::move(loaded);
    watch();
  }

  Doc doc;
  std::vector<Bytes> outbox;  // updates it made or received: what it can forward
  std::string shadow;         // "t" as rebuilt from change events
  weft::Subscription events;
};

using Replicas = std::vector<std::unique_ptr<Replica>>;  // stable: observers hold `this`

// The map's nested text (created by a set_new under "doc"), else the root text.
ObjectId text_target(weft::Transaction& tx, bool nested) {
  if (!nested) return kText;
  const auto v = tx.map(kMap).get("doc");
  if (!v || !v->is<weft::ObjectRef>() || v->as<weft::ObjectRef>().kind != ObjectKind::text) {
    return kText;
  }
  const ObjectId id = ObjectId::nested(v->as<weft::ObjectRef>());
  check(tx.doc().contains(id));  // a visible reference names an integrated object
  return id;
}

// One transaction of 1-4 edits, all in range: any exception is a library bug.
void edit(Replica& r, Script& in, std::uint64_t& counter_sum) {
  auto tx = r.doc.transact();
  const int edits = 1 + in.byte() % 4;
  for (int i = 0; i < edits; ++i) {
    const std::uint8_t op = in.byte();
    const std::string_view key = kKeys[in.byte() % std::size(kKeys)];
    switch (op % 8) {
      case 0:
      case 1: {
        auto t = tx.text(text_target(tx, op & 0x80));
        t.insert(in.below(t.size() + 1), kPieces[in.byte() % std::size(kPieces)]);
        break;
      }
      case 2: {
        auto t = tx.text(text_target(tx, op & 0x80));
        if (t.size() == 0) break;
        const std::size_t pos = in.below(t.size());
        t.erase(pos, 1 + in.below(std::min<std::size_t>(t.size() - pos, 4)));
        break;
      }
      case 3: {
        auto l = tx.list(kList);
        l.insert(in.below(l.size() + 1), op & 0x80 ? Value(key) : Value(std::int64_t{op}));
        break;
      }
      case 4: {
        auto l = tx.list(kList);
        if (l.size() == 0) break;
        const std::size_t pos = in.below(l.size());
        l.erase(pos, 1 + in.below(std::min<std::size_t>(l.size() - pos, 3)));
        break;
      }
      case 5:
        tx.map(kMap).set(key, op & 0x80 ? Value(key) : Value(std::int64_t{op}));
        break;
      case 6:
        if (op & 0x80) {
          (void)tx.map(kMap).set_new("doc", ObjectKind::text);
        } else {
          tx.map(kMap).remove(op & 0x40 ? std::string_view("doc") : key);
        }
        break;
      default: {
        const auto delta = static_cast<std::int8_t>(in.byte());
        tx.counter(kCounter).add(delta);
        counter_sum += static_cast<std::uint64_t>(std::int64_t{delta});  // wraps, as the counter
      }
    }
  }
  // Sometimes the destructor commits: that update is then reachable only
  // through encode_update_since.
  if (in.byte() % 4 != 0) r.remember(tx.commit());
}

// A SyncSession pair over an in-order link, pumped until quiet. Honest replicas
// never diverge, refuse or close; what a session applied becomes forwardable.
void session_sync(Replica& a, Replica& b) {
  weft::SyncSession sa, sb;
  sa.add_document("d", a.doc);
  sb.add_document("d", b.doc);
  sa.start();
  sb.start();
  for (int round = 0; round < 16; ++round) {
    const auto to_b = sa.take_outgoing();
    const auto to_a = sb.take_outgoing();
    if (to_a.empty() && to_b.empty()) break;
    for (const auto& m : to_b) check(sb.receive(m).has_value());
    for (const auto& m : to_a) check(sa.receive(m).has_value());
  }
  for (auto [session, replica] : {std::pair{&sa, &a}, std::pair{&sb, &b}}) {
    for (const auto& e : session->take_events()) {
      using K = weft::SyncEvent::Kind;
      check(e.kind == K::update_applied || e.kind == K::synced);
      replica->remember(e.update);
    }
  }
}

// Snapshot + load under the same id: the snapshot holds every op of its own
// replica, so the reloaded replica may keep editing. With `keep_pending` it is
// a storage compaction (snapshot + encode_pending()) and loses nothing; without,
// the pending records are dropped and must come back through later syncs.
void reload(Replica& r, bool keep_pending) {
  const Bytes snapshot = r.doc.encode_snapshot();
  const Bytes pending = r.doc.encode_pending();
  const auto sv = r.doc.state_vector();
  const auto digest = r.doc.digest();
  const auto waiting = r.doc.pending_count();
  auto loaded = Doc::load(snapshot, r.doc.replica());
  check(loaded.has_value());
  r.replace(std::move(*loaded));
  if (keep_pending && !pending.empty()) check(r.doc.apply_update(pending).has_value());
  check(r.doc.encode_snapshot() == snapshot && r.doc.state_vector() == sv &&
        r.doc.digest() == digest && r.doc.pending_count() == (keep_pending ? waiting : 0));
}

// adopt_snapshot succeeds exactly when the snapshot covers all of dst's own ops.
void adopt(Replica& dst, const Replica& src) {
  const Bytes before = dst.doc.encode_snapshot();
  const auto own = dst.doc.replica();
  const bool covers = src.doc.state_vector().get(own) >= dst.doc.state_vector().get(own);
  const bool adopted = dst.doc.adopt_snapshot(src.doc.encode_snapshot()).has_value();
  check(adopted == covers);
  if (adopted) {
    check(dst.doc.digest() == src.doc.digest() && dst.doc.pending_count() == 0);
    dst.shadow = dst.doc.text(kText).to_string();  // adoption replaces the state without events
  } else {
    check(dst.doc.encode_snapshot() == before);
  }
}

void act(Replicas& rs, Script& in, std::uint64_t& counter_sum) {
  const std::uint8_t op = in.byte();
  Replica& a = *rs[in.below(rs.size())];
  Replica& b = *rs[in.below(rs.size())];  // may be `a`: applying one's own updates is a no-op
  switch (op % 9) {
    case 0:
    case 1:
    case 2:
      edit(a, in, counter_sum);
      break;
    case 3: {  // some of a's updates, any order, duplicates; reapplying changes nothing
      if (a.outbox.empty()) break;
      for (int k = 1 + in.byte() % 4; k > 0; --k) {
        const Bytes u = a.outbox[in.below(a.outbox.size())];
        b.apply(u);
        const auto digest = b.doc.digest();
        const auto pending = b.doc.pending_count();
        const auto applied = b.doc.apply_update(u);
        check(applied && applied->applied == 0 && b.doc.digest() == digest &&
              b.doc.pending_count() == pending);
      }
      break;
    }
    case 4: {  // delta sync a -> b, from b's vector or from scratch
      const bool full = op & 0x80;
      b.apply(a.doc.encode_update_since(full ? weft::VersionVector{} : b.doc.state_vector()));
      check(a.doc.state_vector().dominated_by(b.doc.state_vector()));
      break;
    }
    case 5: {  // several of a's updates merged into one
      if (a.outbox.empty()) break;
      std::vector<Bytes> picked;
      for (int k = 1 + in.byte() % 4; k > 0; --k) {
        picked.push_back(a.outbox[in.below(a.outbox.size())]);
      }
      auto merged = weft::merge_updates(picked);
      check(merged.has_value());
      b.apply(*merged);
      break;
    }
    case 6:
      session_sync(a, b);
      break;
    case 7:
      reload(a, op & 0x80);
      break;
    default:
      adopt(a, b);
  }
  check(a.shadow == a.doc.text(kText).to_string() && b.shadow == b.doc.text(kText).to_string());
}

// Everyone syncs with everyone until nothing moves, then all must be equal.
void converge(Replicas& rs, std::uint64_t counter_sum) {
  for (int round = 0; round < 4; ++round) {
    bool moved = false;
    for (auto& from : rs) {
      for (auto& to : rs) {
        if (from == to) continue;
        const auto got =
            to->doc.apply_update(from->doc.encode_update_since(to->doc.state_vector()));
        check(got.has_value());
        moved |= got->applied != 0;
      }
    }
    if (!moved) break;
  }
  const Doc& first = rs.front()->doc;
  const Bytes snapshot = first.encode_snapshot();
  for (const auto& r : rs) {
    const Doc& d = r->doc;
    check(d.pending_count() == 0);
    check(d.state_vector() == first.state_vector() && d.digest() == first.digest());
    check(d.encode_snapshot() == snapshot);
    check(d.text(kText).to_string() == first.text(kText).to_string() &&
          d.list(kList).values() == first.list(kList).values());
    check(d.map(kMap).entries() == first.map(kMap).entries());
    check(static_cast<std::uint64_t>(d.counter(kCounter).value()) == counter_sum);
    check(r->shadow == d.text(kText).to_string());
  }
  auto reloaded = Doc::load(snapshot, weft::ReplicaId{99});
  check(reloaded && reloaded->digest() == first.digest());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Script in(std::span<const std::uint8_t>(data, size));
  Replicas rs;
  for (std::size_t i = 0, n = 2 + in.byte() % 3; i < n; ++i) {
    rs.push_back(std::make_unique<Replica>(weft::ReplicaId{i + 1}));
  }
  std::uint64_t counter_sum = 0;
  for (int i = 0; i < kMaxActions && !in.done(); ++i) act(rs, in, counter_sum);
  converge(rs, counter_sum);
  return 0;
}
