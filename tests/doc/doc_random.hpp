#pragma once
// Random edits over every object kind, nested objects included, and the
// reference check of sequences, for the Doc convergence tests.
#include <random>
#include <string>
#include <vector>

#include "../../src/doc/record.hpp"  // white-box: the reference check reads records
#include "doc/doc_test_util.hpp"
#include "sequence_reference/reference_fugue.hpp"
#include "weft/types/list.hpp"
#include "weft/types/text.hpp"

namespace weft::test {

inline std::vector<ObjectId> all_roots() {
  return {root_map(), root_list(), root_text(), root_counter(), root_lww(), root_mv(), root_set()};
}

// Every object reachable from the roots (breadth first, bounded).
inline std::vector<ObjectId> reachable(const Doc& d) {
  std::vector<ObjectId> out = all_roots();
  auto visit = [&](const Value& v) {
    if (!v.is<ObjectRef>() || out.size() > 200) return;
    const ObjectId id = ObjectId::nested(v.as<ObjectRef>());
    if (d.contains(id) && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    const ObjectId id = out[i];
    switch (id.kind) {
      case ObjectKind::map:
        for (const auto& [k, v] : d.map(id).entries()) {
          for (const Value& all : d.map(id).get_all(k)) visit(all);
        }
        break;
      case ObjectKind::list:
        for (const Value& v : d.list(id).values()) visit(v);
        break;
      case ObjectKind::lww_register:
      case ObjectKind::mv_register:
        for (const Value& v : d.register_at(id).values()) visit(v);
        break;
      default:
        break;
    }
  }
  return out;
}

inline Value random_scalar(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return Value();
    case 1:
      return Value(rng() % 2 == 0);
    case 2:
      return Value(static_cast<std::int64_t>(rng() % 7) - 3);
    case 3:
      return Value(static_cast<double>(rng() % 5) / 4);
    case 4:
      return Value(std::string(1, static_cast<char>('p' + rng() % 4)));
    default:
      return Value(Bytes{static_cast<std::uint8_t>(rng() % 3)});
  }
}

inline const char* random_text(std::mt19937_64& rng) {
  static const char* const pieces[] = {"a", "bc", "d", "\xC3\xA9", "\xF0\x9F\x98\x80", "xyz", " "};
  return pieces[rng() % std::size(pieces)];
}

inline ObjectKind random_kind(std::mt19937_64& rng) {
  return static_cast<ObjectKind>(rng() % kObjectKindCount);
}

// One random edit inside `tx` on a random reachable object.
inline void random_edit(Transaction& tx, std::mt19937_64& rng) {
  static const char* const keys[] = {"a", "b", "c", "d"};
  const auto objects = reachable(tx.doc());
  const ObjectId id = objects[rng() % objects.size()];
  const unsigned pick = static_cast<unsigned>(rng() % 10);
  switch (id.kind) {
    case ObjectKind::map: {
      auto m = tx.map(id);
      const char* key = keys[rng() % 4];
      if (pick < 5)
        m.set(key, random_scalar(rng));
      else if (pick < 7)
        (void)m.set_new(key, random_kind(rng));
      else
        m.remove(key);
      break;
    }
    case ObjectKind::list: {
      auto l = tx.list(id);
      const std::size_t n = l.size();
      const std::size_t at = rng() % (n + 1);  // drawn first: argument order is unspecified
      if (n == 0 || pick < 5)
        l.insert(at, random_scalar(rng));
      else if (pick < 6)
        (void)l.insert_new(at, random_kind(rng));
      else {
        const std::size_t pos = rng() % n;
        l.erase(pos, 1 + rng() % std::min<std::size_t>(n - pos, 2));
      }
      break;
    }
    case ObjectKind::text: {
      auto t = tx.text(id);
      const std::size_t n = t.size();
      if (n == 0 || pick < 6) {
        const std::size_t at = rng() % (n + 1);
        t.insert(at, random_text(rng));
      } else {
        const std::size_t pos = rng() % n;
        t.erase(pos, 1 + rng() % std::min<std::size_t>(n - pos, 3));
      }
      break;
    }
    case ObjectKind::counter:
      tx.counter(id).add(static_cast<std::int64_t>(rng() % 11) - 5);
      break;
    case ObjectKind::lww_register:
    case ObjectKind::mv_register:
      if (pick < 8)
        tx.register_at(id).set(random_scalar(rng));
      else
        (void)tx.register_at(id).set_new(random_kind(rng));
      break;
    case ObjectKind::set: {
      auto s = tx.set(id);
      const Value v(std::string(1, static_cast<char>('p' + rng() % 4)));
      if (pick < 6)
        s.add(v);
      else
        s.remove(v);
      break;
    }
  }
}

// A transaction of 1-3 random edits; returns its update.
inline Bytes random_transaction(Doc& d, std::mt19937_64& rng) {
  auto tx = d.transact("random");
  const int n = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i) random_edit(tx, rng);
  return tx.commit();
}

// Replays every sequence op recorded in `snapshot` (in its canonical, causal
// order) on the simple reference FugueMax model, and returns the visible
// content of each text and list object it saw, rendered as strings.
inline std::map<ObjectId, std::string> reference_sequences(std::span<const std::uint8_t> snapshot) {
  using namespace detail::doc;
  std::map<ObjectId, test::ReferenceSequence<std::string>> refs;
  Bytes inflated;
  auto records = decode_update(snapshot, inflated);
  if (!records) throw std::runtime_error("snapshot does not decode");
  auto render = [](const Value& v) {
    std::ostringstream os;
    os << v.encoded().size() << ":";
    for (auto b : v.encoded()) os << static_cast<int>(b) << ".";
    return os.str();
  };
  for (const auto& received : *records) {
    const TxRecord& rec = received.record;
    std::uint64_t counter = rec.first;
    for (const auto& op : rec.ops) {
      const std::uint64_t first = counter;
      counter += op.width();
      std::vector<std::string> elems;  // an insert's elements, rendered
      Dot left;
      Dot right;
      if (const auto* t = std::get_if<TextInsert>(&op.body)) {
        for (std::size_t at = 0; at < t->text.size();) {
          const auto c = static_cast<unsigned char>(t->text[at]);
          const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
          elems.push_back(t->text.substr(at, len));
          at += len;
        }
        left = t->left, right = t->right;
      } else if (const auto* l = std::get_if<ListInsert>(&op.body)) {
        for (const Value& v : l->values) elems.push_back(render(v));
        left = l->left, right = l->right;
      } else if (const auto* d = std::get_if<SeqDelete>(&op.body)) {
        auto& ref = refs[op.target];
        for (std::uint64_t k = 0; k < d->len; ++k) {
          ref.integrate_delete(
              Dot{d->target.replica, d->backward ? d->target.counter - k : d->target.counter + k});
        }
        continue;
      } else {
        continue;
      }
      auto& ref = refs[op.target];
      for (std::uint64_t k = 0; k < elems.size(); ++k) {
        const Dot id{rec.replica, first + k};
        ref.integrate(test::RefInsert<std::string>{
            id, k == 0 ? left : Dot{rec.replica, first + k - 1}, right, elems[k]});
      }
    }
  }
  std::map<ObjectId, std::string> out;
  for (const auto& [id, ref] : refs) {
    std::string s;
    for (const auto& v : ref.values()) s += id.kind == ObjectKind::text ? v : v + ",";
    out[id] = s;
  }
  return out;
}

// The same rendering of a Doc's text or list object.
inline std::string rendered(const Doc& d, const ObjectId& id) {
  if (id.kind == ObjectKind::text) return d.text(id).to_string();
  std::string s;
  for (const Value& v : d.list(id).values()) {
    std::ostringstream os;
    os << v.encoded().size() << ":";
    for (auto b : v.encoded()) os << static_cast<int>(b) << ".";
    s += os.str() + ",";
  }
  return s;
}

}  // namespace weft::test
