#pragma once
// Text: a replicated plain-text string (a sequence CRDT over Unicode code points).
//
// Semantics. Each replica edits its own copy; edits made concurrently anywhere
// merge without conflicts once every replica has applied every update. Every
// inserted or deleted character is one op named by a Dot (replica, counter), and
// version() tells which ops this replica has seen. Concurrent inserts at the same
// place are ordered by FugueMax (Weidner, Gentle, Kleppmann, "The Art of the
// Fugue", 2023): runs typed concurrently at one spot never interleave, typed
// forward or backward; ties go to the smaller replica id first. A delete removes
// exactly the characters it saw; deleting a character twice is harmless.
//
// Positions. Every position-taking call counts in `unit`: code points (default),
// UTF-16 code units (characters above U+FFFF count 2, as JavaScript editors
// count), or UTF-8 bytes. A position past the end, or one that falls inside a
// character in the chosen unit, throws std::out_of_range and changes nothing.
// Text that is not valid UTF-8 throws std::invalid_argument.
//
// Updates. Local edits return an OpRange (the dots they minted) and produce no
// bytes; encode_update_since(vv) produces exactly the ops a replica at `vv` lacks
// (deletes included), encode() the whole history. apply_update() accepts updates in any
// order and any number of times; ops whose dependencies (origins, deleted
// targets, earlier ops of the same replica) have not arrived wait in a pending
// buffer (at most 65,536 ops / 16,777,216 dots; beyond it apply fails with
// errc::limit_exceeded) and integrate as soon as they can. Malformed bytes
// return an error and leave the replica unchanged.
//
// Complexity. Storage is a B+tree of run-length items (a run of characters typed
// in one go is one item) indexed by visible length in all three units: a local
// edit is O(log n), and O(1) amortised when typing on at the previous position.
// A remote insert costs O(log n) plus the concurrent items it must order itself
// among. Memory: ~32 bytes per item, ~56 per insert run, plus the UTF-8 content
// of every insert (deleted content included until gc()).
//
// Sync: a Text is a SyncDocument (the vocabulary Doc and List share), so a
// SyncHost can host a bare Text; digest() hashes the visible text.
//
// Thread safety: none beyond the standard value-type guarantees.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "weft/core/version_vector.hpp"
#include "weft/encoding/error.hpp"
#include "weft/encoding/writer.hpp"
#include "weft/sync/sync_document.hpp"
#include "weft/types/sequence/detail/engine.hpp"
#include "weft/types/sequence/position.hpp"

namespace weft {

class Text final : public SyncDocument {
 public:
  // Throws std::invalid_argument for a nil replica id.
  explicit Text(ReplicaId replica);

  // Inserts `utf8` before position `pos`. O(log n).
  OpRange insert(std::size_t pos, std::string_view utf8,
                 PositionUnit unit = PositionUnit::code_point);
  // Deletes `count` units starting at `pos`. Both ends must fall on characters.
  OpRange erase(std::size_t pos, std::size_t count, PositionUnit unit = PositionUnit::code_point);

  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] std::size_t size(PositionUnit unit = PositionUnit::code_point) const;
  [[nodiscard]] bool empty() const { return size() == 0; }
  // The ops this replica has (state_vector() is a copy of it).
  [[nodiscard]] const VersionVector& version() const;
  [[nodiscard]] ReplicaId replica() const;

  // --- updates (SyncDocument) ---
  [[nodiscard]] VersionVector state_vector() const override;
  // The whole history; equal to encode_update_since({}) and encode_snapshot().
  [[nodiscard]] Bytes encode() const;
  // Exactly the ops a replica whose version is `since` lacks.
  [[nodiscard]] Bytes encode_update_since(const VersionVector& since) const override;
  // Integrates remote ops (see above), counted in dots. On error the replica is
  // unchanged.
  result<UpdateStatus> apply_update(std::span<const std::uint8_t> update) override;
  // Dots waiting in the pending buffer.
  [[nodiscard]] std::uint64_t pending_count() const override;
  // FNV-1a over the visible text: equal texts, equal digests.
  [[nodiscard]] std::uint64_t digest() const override;
  // A new replica `replica` holding the ops of `bytes` (an encode() or any update).
  [[nodiscard]] static result<Text> decode(std::span<const std::uint8_t> bytes, ReplicaId replica);

  // Anchors (stable positions for cursors and selections; see position.hpp).
  // anchor_at names the gap before `pos` (in `unit`) by its neighbour on the
  // `bias` side; resolve turns an anchor back into a position in `unit`, after
  // any number of local or remote edits. An anchor on a deleted character
  // resolves to where the character was. Errors: anchor_at throws
  // std::out_of_range for a position past the end or inside a character;
  // resolve returns errc::unknown_dot for a character this replica has not
  // received. O(log n) each, plus a forward scan over the leaves a run's pieces
  // moved to.
  [[nodiscard]] Anchor anchor_at(std::size_t pos, PositionUnit unit = PositionUnit::code_point,
                                 Bias bias = Bias::right) const;
  [[nodiscard]] result<std::size_t> resolve(const Anchor& anchor,
                                            PositionUnit unit = PositionUnit::code_point) const;

  // Drops the stored content of deleted characters (ids and lengths stay as
  // tombstones, so merging is unaffected). Updates encoded afterwards carry
  // those inserts without content. O(n log n).
  void gc();

  // Heap bytes held, found by walking the structures.
  [[nodiscard]] std::size_t memory_bytes() const;
  // Throws std::logic_error describing the first violated internal invariant.
  void check_invariants() const;

 private:
  detail::seq::Engine<detail::seq::TextStore> engine_;
};

}  // namespace weft
