#pragma once
// The editor's pure parts, apart from the terminal and the network so tests can
// drive them: what a key does to the text and the cursor, how a remote change
// moves the cursor, and what the screen shows.
//
// Positions count code points. The text is given as a UTF-32 string (the editor
// converts the document's UTF-8 once per change). Every character occupies one
// screen cell (wide East Asian characters are drawn one cell wide too: a known
// limitation of this example); tabs and control characters show as one cell.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "key_decoder.hpp"
#include "weft/doc/events.hpp"

namespace weft::collab {

// What a key asks of the document: nothing, insert `text` at `pos`, or erase
// `count` characters from `pos`.
struct Edit {
  enum class Kind : std::uint8_t { none, insert, erase };
  Kind kind = Kind::none;
  std::size_t pos = 0;
  std::size_t count = 0;
  std::string text;
  friend bool operator==(const Edit&, const Edit&) = default;
};

struct LineCol {
  std::size_t line = 0;
  std::size_t col = 0;
  friend bool operator==(const LineCol&, const LineCol&) = default;
};

// Decodes UTF-8 the document produced (valid by construction; an invalid byte
// would become U+FFFD).
[[nodiscard]] std::u32string to_utf32(std::string_view utf8);

// The line and column of `pos` (clamped to the text) in `text`.
[[nodiscard]] LineCol line_col(std::u32string_view text, std::size_t pos);
// The position of (line, col), col clamped to the line's length, line to the last.
[[nodiscard]] std::size_t position_of(std::u32string_view text, LineCol where);

// Where a position ends up after a remote change described by `delta` (retain /
// insert / erase steps in code points). Text inserted exactly at the position
// lands after it (the cursor does not jump over a peer's typing); a position
// inside an erased range moves to the range's start.
[[nodiscard]] std::size_t transform_position(std::size_t pos, std::span<const SequenceDelta> delta);

class EditorModel {
 public:
  [[nodiscard]] std::size_t cursor() const noexcept { return cursor_; }
  // Moves the cursor (clamped to `text_size`); forgets the up/down goal column.
  void set_cursor(std::size_t pos, std::size_t text_size);

  // Applies a key to the cursor given the current text; returns the document
  // edit to make (the cursor already accounts for it) and sets quit_requested().
  [[nodiscard]] Edit on_key(const Key& key, std::u32string_view text);
  [[nodiscard]] bool quit_requested() const noexcept { return quit_; }

  // A remote change arrived: keep the cursor on the same character.
  void on_remote_change(std::span<const SequenceDelta> delta, std::size_t text_size);

 private:
  std::size_t cursor_ = 0;
  std::optional<std::size_t> goal_col_;  // column kept while moving up and down
  bool quit_ = false;
};

// A peer's cursor, as presence tells it.
struct RemoteCursor {
  std::string name;
  std::uint8_t colour = 0;         // 0..7
  std::optional<std::size_t> pos;  // none: not placeable yet (only the name is shown)
};

struct ScreenInput {
  std::u32string_view text;
  std::size_t cursor = 0;
  std::vector<RemoteCursor> remotes;
  std::string self_name;
  std::size_t peers = 0;
  std::size_t width = 80;
  std::size_t height = 24;  // rows, including the status line
};

struct Frame {
  // Exactly `height` rows: the text rows, then the status line. Rows hold ANSI
  // colour escapes for remote cursors and the status line; plain() drops them.
  std::vector<std::string> rows;
  std::size_t cursor_row = 0;  // where the terminal's cursor goes (0-based)
  std::size_t cursor_col = 0;
};

// The row without its escape sequences (what a screen capture shows).
[[nodiscard]] std::string plain(std::string_view row);

// Lays out the text with soft wrapping at `width` and keeps the local cursor
// in view by scrolling (the scroll position is the only state).
class Screen {
 public:
  [[nodiscard]] Frame render(const ScreenInput& input);
  [[nodiscard]] std::size_t top() const noexcept { return top_; }

 private:
  std::size_t top_ = 0;  // first visual row shown
};

}  // namespace weft::collab
