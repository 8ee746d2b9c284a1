#pragma once
// List<T>: a replicated sequence of values, on the same engine as Text.
//
// Semantics are Text's (see text.hpp) with one element per value: every
// inserted or deleted element is one op named by a Dot; concurrent inserts at
// one place are ordered by FugueMax and never interleave; updates come from
// encode_update_since() and apply_update() in any order, any number of times,
// with missing dependencies buffered. Values are immutable once inserted
// (replace = erase + insert). T is encoded with Codec<T> (encoding/codec.hpp).
// A List is a SyncDocument, like Text and Doc; digest() hashes the encoded
// visible values.
//
// Errors: a position or index past the end throws std::out_of_range and changes
// nothing; malformed bytes make apply/decode return an error, replica unchanged.
// Complexity: O(log n) per local edit and per get(); values() is O(n).
// Thread safety: none beyond the standard value-type guarantees.
#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

#include "weft/core/detail/fnv.hpp"
#include "weft/encoding/codec.hpp"
#include "weft/sync/sync_document.hpp"
#include "weft/types/sequence/detail/engine.hpp"
#include "weft/types/sequence/position.hpp"

namespace weft {

template <class T>
class List final : public SyncDocument {
  using Engine = detail::seq::Engine<detail::seq::ListStore<T>>;

 public:
  // Throws std::invalid_argument for a nil replica id.
  explicit List(ReplicaId replica) : engine_(replica) {}

  // Inserts before index `pos` (pos == size() appends).
  OpRange insert(std::size_t pos, const T& value) {
    return insert(pos, std::span<const T>(&value, 1));
  }
  OpRange insert(std::size_t pos, std::span<const T> values) {
    if (values.size() > 0x7FFFFFFFu) throw std::length_error("weft::List::insert: too many values");
    const auto n = static_cast<std::uint32_t>(values.size());
    return engine_.insert(0, pos, values.data(), n, n, n);
  }
  // Removes `n` elements starting at index `pos`.
  OpRange erase(std::size_t pos, std::size_t n = 1) { return engine_.erase(0, pos, n); }

  // The element at index i; throws std::out_of_range past the end.
  [[nodiscard]] const T& get(std::size_t i) const {
    if (i >= size()) throw std::out_of_range("weft::List::get: index past the end");
    const auto [arena, off] = engine_.element(i);
    return (*arena)[off];
  }
  [[nodiscard]] std::vector<T> values() const {
    std::vector<T> out;
    out.reserve(size());
    engine_.for_each_visible([&](const std::vector<T>& arena, std::uint32_t off, std::uint32_t n) {
      out.insert(out.end(), arena.begin() + off, arena.begin() + off + n);
    });
    return out;
  }
  [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(engine_.size(0)); }
  [[nodiscard]] bool empty() const { return size() == 0; }
  // The ops this replica has (state_vector() is a copy of it).
  [[nodiscard]] const VersionVector& version() const { return engine_.version(); }
  [[nodiscard]] ReplicaId replica() const { return engine_.replica(); }

  // --- updates (SyncDocument) ---
  [[nodiscard]] VersionVector state_vector() const override { return engine_.version(); }
  [[nodiscard]] Bytes encode() const { return engine_.encode_since({}); }
  [[nodiscard]] Bytes encode_update_since(const VersionVector& since) const override {
    return engine_.encode_since(since);
  }
  // Counted in dots; on error the replica is unchanged.
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update) override {
    return engine_.apply_encoded(update);
  }
  // Dots waiting in the pending buffer.
  [[nodiscard]] std::uint64_t pending_count() const override { return engine_.pending_dots(); }
  // FNV-1a over the visible values' Codec<T> encodings, one after the other
  // (each encoding is self-delimiting).
  [[nodiscard]] std::uint64_t digest() const override {
    Writer w;
    engine_.for_each_visible([&](const std::vector<T>& arena, std::uint32_t off, std::uint32_t n) {
      for (std::uint32_t i = off; i < off + n; ++i) encode_value(w, arena[i]);
    });
    detail::Fnv f;
    f.str(std::move(w).take());
    return f.h;
  }
  [[nodiscard]] static result<List> decode(std::span<const std::uint8_t> bytes, ReplicaId replica) {
    if (replica.is_nil()) return errc::invalid_value;
    List l(replica);
    auto r = l.apply_update(bytes);
    if (!r) return r.error();
    return l;
  }

  // Anchors (stable positions; see position.hpp and Text::anchor_at): the gap
  // before index `pos`, named by its neighbour on the `bias` side. anchor_at
  // throws std::out_of_range past the end; resolve returns errc::unknown_dot for
  // an element this replica has not received. O(log n).
  [[nodiscard]] Anchor anchor_at(std::size_t pos, Bias bias = Bias::right) const {
    return engine_.anchor_at(0, pos, bias);
  }
  [[nodiscard]] result<std::size_t> resolve(const Anchor& anchor) const {
    auto r = engine_.resolve(anchor, 0);
    if (!r) return r.error();
    return static_cast<std::size_t>(*r);
  }

  // Drops deleted values (see Text::gc).
  void gc() { engine_.gc(); }
  [[nodiscard]] std::size_t memory_bytes() const { return engine_.memory_bytes(); }
  void check_invariants() const { engine_.check_invariants(); }

 private:
  Engine engine_;
};

}  // namespace weft
