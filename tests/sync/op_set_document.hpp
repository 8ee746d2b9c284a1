#pragma once
// A small but real replicated document for protocol tests: a grow-only set of
// strings where each addition is an operation named by a Dot. Operations of one
// replica integrate in counter order; later ones wait as pending until the gap
// fills. Updates are all-or-nothing: a malformed update changes nothing.
#include <map>
#include <string>

#include "weft/encoding/codec.hpp"
#include "weft/sync/sync_document.hpp"

namespace weft::test {

class OpSetDocument final : public SyncDocument {
 public:
  explicit OpSetDocument(ReplicaId id) : id_(id) {}

  // Adds `value` locally; returns the update carrying it.
  Bytes add(const std::string& value) {
    const Dot dot{id_, sv_.get(id_) + 1};
    ops_[dot] = value;
    sv_.advance(dot);
    return encode({{dot, value}});
  }

  [[nodiscard]] VersionVector state_vector() const override { return sv_; }
  [[nodiscard]] Bytes encode_update_since(const VersionVector& since) const override {
    std::map<Dot, std::string> missing;
    for (const auto& [dot, value] : ops_) {
      if (!since.contains(dot)) missing.emplace(dot, value);
    }
    return encode(missing);
  }
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update) override {
    auto ops = decode(update);
    if (!ops) return ops.error();
    const std::uint64_t before = ops_.size();
    for (auto& [dot, value] : *ops) {
      if (!sv_.contains(dot)) pending_.emplace(dot, value);
    }
    // Integrate every pending operation whose predecessor is present.
    for (bool progress = true; progress;) {
      progress = false;
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (sv_.contains(it->first)) {
          it = pending_.erase(it);
        } else if (it->first.counter == sv_.get(it->first.replica) + 1) {
          ops_.insert(*it);
          sv_.advance(it->first);
          it = pending_.erase(it);
          progress = true;
        } else {
          ++it;
        }
      }
    }
    return UpdateStatus{ops_.size() - before, pending_.size()};
  }
  [[nodiscard]] std::uint64_t pending_count() const override { return pending_.size(); }
  [[nodiscard]] std::uint64_t digest() const override {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a over (dot, value) in dot order
    auto mix = [&](std::uint64_t v) {
      for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xFF)) * 1099511628211ull;
    };
    for (const auto& [dot, value] : ops_) {
      mix(dot.replica.value());
      mix(dot.counter);
      for (unsigned char c : value) mix(c);
    }
    return h;
  }
  result<void> adopt_snapshot(std::span<const std::uint8_t> snapshot) override {
    auto ops = decode(snapshot);
    if (!ops) return ops.error();
    ops_ = std::move(*ops);
    sv_ = {};
    for (const auto& [dot, value] : ops_) sv_.advance(dot);
    pending_.clear();
    return {};
  }

  [[nodiscard]] const std::map<Dot, std::string>& ops() const { return ops_; }

 private:
  static Bytes encode(const std::map<Dot, std::string>& ops) {
    Writer w;
    w.varint(ops.size());
    for (const auto& [dot, value] : ops) {
      encode_value(w, dot);
      encode_value(w, value);
    }
    return std::move(w).take();
  }
  static result<std::map<Dot, std::string>> decode(std::span<const std::uint8_t> bytes) {
    Reader r(bytes);
    auto n = r.count(3);
    if (!n) return n.error();
    std::map<Dot, std::string> ops;
    for (std::size_t i = 0; i < *n; ++i) {
      auto dot = decode_value<Dot>(r);
      if (!dot) return dot.error();
      auto value = decode_value<std::string>(r);
      if (!value) return value.error();
      ops[*dot] = std::move(*value);
    }
    if (auto end = r.expect_end(); !end) return end.error();
    return ops;
  }

  ReplicaId id_;
  std::map<Dot, std::string> ops_;
  std::map<Dot, std::string> pending_;
  VersionVector sv_;
};

}  // namespace weft::test
