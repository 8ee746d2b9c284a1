#pragma once
// The state of a text or list object (internal): the sequence engine, named by
// the document's dots. Local edits return the ops they made; remote ops are
// validated (can_apply) before anything changes, then integrated; while
// capturing, the engine reports every change with its exact position (Steps).
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "fnv.hpp"
#include "ops.hpp"
#include "weft/core/dot_set.hpp"
#include "weft/encoding/utf8.hpp"
#include "weft/types/sequence/detail/engine.hpp"

namespace weft::detail::doc {

template <class Store>
class SequenceState final : private seq::ChangeSink<Store> {
  static constexpr bool kText = std::is_same_v<Store, seq::TextStore>;
  using Insert = std::conditional_t<kText, TextInsert, ListInsert>;

 public:
  // One change of the visible content, in every unit (widths: code points,
  // UTF-16 units, UTF-8 bytes; a list counts elements in all three).
  struct Step {
    bool insert = false;
    seq::Widths before;
    seq::Widths size;
    std::string text;           // text insert
    std::vector<Value> values;  // list insert
  };

  explicit SequenceState(ReplicaId local) : engine_(local) {}
  // The engine may hold a pointer to this object while capturing.
  SequenceState(const SequenceState&) = delete;
  SequenceState& operator=(const SequenceState&) = delete;
  ~SequenceState() = default;

  // --- local edits (throw std::out_of_range / std::invalid_argument and change
  // nothing on a caller mistake); `counter` is the first dot they take.
  Insert insert_local(std::uint64_t pos, std::span<const Value> values,
                      std::uint64_t counter) requires(!kText) {
    if (values.size() > 0x7FFFFFFFu) throw std::length_error("weft::Doc: too many values");
    const auto n = static_cast<std::uint32_t>(values.size());
    engine_.set_next_counter(counter);
    engine_.insert(0, pos, values.data(), n, n, n);
    const auto [left, right] = engine_.local_origins(counter);
    return ListInsert{left, right, std::vector<Value>(values.begin(), values.end())};
  }
  Insert insert_local(std::uint64_t pos, std::string_view utf8, PositionUnit unit,
                      std::uint64_t counter) requires kText {
    if (!is_valid_utf8(utf8)) throw std::invalid_argument("weft::Doc: invalid UTF-8");
    if (utf8.size() > 0x7FFFFFFFu) throw std::length_error("weft::Doc: text too long");
    const Utf8Size n = measure_utf8(utf8);
    const auto len = static_cast<std::uint32_t>(n.code_points);
    engine_.set_next_counter(counter);
    engine_.insert(static_cast<unsigned>(unit), pos, utf8.data(),
                   static_cast<std::uint32_t>(utf8.size()), len,
                   static_cast<std::uint32_t>(n.utf16));
    const auto [left, right] = engine_.local_origins(counter);
    return TextInsert{left, right, std::string(utf8), len};
  }
  // Erases `count` units at `pos`; hands `each` one delete op per run of targets.
  template <class Each>
  void erase_local(std::uint64_t pos, std::uint64_t count, unsigned unit, std::uint64_t counter,
                   Each&& each) {
    engine_.set_next_counter(counter);
    const OpRange r = engine_.erase(unit, pos, count);
    if (r.count == 0) return;
    engine_.for_each_local_delete_since(
        counter, [&](const Dot& target, std::uint64_t len, bool backward) {
          each(SeqDelete{target, static_cast<std::uint32_t>(len), backward});
        });
  }

  // --- remote ops. can_apply: every element the op names is here or in
  // `overlay` (elements inserted by ops validated before it, not yet applied).
  [[nodiscard]] bool can_apply(const Insert& op, const DotSet& overlay, ReplicaId author) const {
    std::uint64_t units = 0;
    if constexpr (kText) {
      units = op.text.size();
    } else {
      units = op.values.size();
    }
    return element(op.left, overlay) && element(op.right, overlay) &&
           engine_.room_for(author, units);
  }
  [[nodiscard]] bool can_apply(const SeqDelete& op, const DotSet& overlay) const {
    const std::uint64_t lo = op.backward ? op.target.counter - (op.len - 1) : op.target.counter;
    return elements(op.target.replica, lo, lo + op.len - 1, overlay);
  }
  void apply(const Insert& op, const Dot& first) {
    seq::WireOp w;
    w.replica = first.replica;
    w.counter = first.counter;
    w.kind = seq::kInsert;
    w.left = op.left;
    w.right = op.right;
    if constexpr (kText) {
      w.len = op.len;
      w.units = op.text.size();
      engine_.integrate_hosted(w, op.text);
    } else {
      w.len = w.units = op.values.size();
      engine_.integrate_hosted(w, op.values);
    }
  }
  void apply(const SeqDelete& op, const Dot& first) {
    seq::WireOp w;
    w.replica = first.replica;
    w.counter = first.counter;
    w.kind = seq::kDelete;
    w.len = op.len;
    w.target = op.target;
    w.dir = op.backward ? -1 : 1;
    engine_.integrate_hosted(w, typename Store::Batch{});
  }

  // --- reads
  [[nodiscard]] const seq::Engine<Store>& engine() const noexcept { return engine_; }
  [[nodiscard]] std::uint64_t size(unsigned unit) const noexcept { return engine_.size(unit); }
  [[nodiscard]] std::string text() const requires kText {
    std::string out;
    out.reserve(engine_.size(2));
    engine_.for_each_visible([&](const std::vector<char>& arena, std::uint32_t off,
                                 std::uint32_t units) { out.append(arena.data() + off, units); });
    return out;
  }
  [[nodiscard]] std::vector<Value> values() const requires(!kText) {
    std::vector<Value> out;
    out.reserve(engine_.size(0));
    engine_.for_each_visible(
        [&](const std::vector<Value>& arena, std::uint32_t off, std::uint32_t n) {
          out.insert(out.end(), arena.begin() + off, arena.begin() + off + n);
        });
    return out;
  }
  [[nodiscard]] bool empty() const noexcept { return engine_.size(0) == 0; }
  void digest(Fnv& f) const {
    if constexpr (kText) {
      f.str(text());
    } else {
      for (const Value& v : values()) f.str(v.encoded());
    }
  }

  // --- change capture
  void set_capture(bool on) {
    engine_.set_change_sink(on ? this : nullptr);
    if (!on) steps_.clear();
  }
  // This batch's steps; set_capture(false) forgets them (keeping the buffer).
  [[nodiscard]] const std::vector<Step>& steps() const noexcept { return steps_; }

 private:
  [[nodiscard]] bool element(const Dot& d, const DotSet& overlay) const {
    return d.is_nil() || elements(d.replica, d.counter, d.counter, overlay);
  }
  [[nodiscard]] bool elements(ReplicaId r, std::uint64_t lo, std::uint64_t hi,
                              const DotSet& overlay) const {
    while (lo <= hi) {
      lo = engine_.first_missing(r, lo, hi);
      if (lo > hi) return true;
      const auto ranges = overlay.ranges(r);
      auto it =
          std::upper_bound(ranges.begin(), ranges.end(), lo,
                           [](std::uint64_t c, const DotSet::Range& x) { return c < x.first; });
      if (it == ranges.begin() || std::prev(it)->last < lo) return false;
      lo = std::prev(it)->last + 1;
    }
    return true;
  }

  void inserted(const seq::Widths& before, const seq::Widths& size,
                const typename Store::Arena& arena, std::uint32_t offset,
                std::uint32_t units) override {
    Step s{true, before, size, {}, {}};
    if constexpr (kText) {
      s.text.assign(arena.data() + offset, units);
    } else {
      s.values.assign(arena.begin() + offset, arena.begin() + offset + units);
    }
    steps_.push_back(std::move(s));
  }
  void erased(const seq::Widths& before, const seq::Widths& size) override {
    steps_.push_back({false, before, size, {}, {}});
  }

  seq::Engine<Store> engine_;
  std::vector<Step> steps_;
};

using TextState = SequenceState<seq::TextStore>;
using ListState = SequenceState<seq::ListStore<Value>>;

}  // namespace weft::detail::doc
