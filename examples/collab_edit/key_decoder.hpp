#pragma once
// KeyDecoder: turns the bytes a terminal in raw mode sends into keys.
//
// Understands printable UTF-8 (assembled across reads), Enter (CR or LF),
// Backspace (DEL or ^H), Tab, Ctrl-Q, and the CSI/SS3 sequences xterm-like
// terminals send for the arrows, Home, End and Delete (ESC [ A, ESC O H,
// ESC [ 3 ~, ESC [ 1 ; 5 C with modifiers ignored, ...). Anything else
// (other control bytes, unknown sequences, invalid UTF-8) is dropped, never
// misread as text. An incomplete sequence at the end of a read waits for the
// next one; pending bytes are bounded (a runaway sequence is discarded).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::collab {

struct Key {
  enum class Kind : std::uint8_t {
    text,  // `text` holds one UTF-8 encoded character
    enter,
    backspace,
    del,
    left,
    right,
    up,
    down,
    home,
    end,
    quit,  // Ctrl-Q
  };
  Kind kind = Kind::text;
  std::string text;
  friend bool operator==(const Key&, const Key&) = default;
};

class KeyDecoder {
 public:
  // Decodes `bytes` (continuing any sequence left incomplete by the last call).
  [[nodiscard]] std::vector<Key> feed(std::string_view bytes);
  // True while a partial sequence waits for more bytes.
  [[nodiscard]] bool pending() const noexcept { return !pending_.empty(); }
  // Gives up on a partial sequence (e.g. a lone Escape key after a pause).
  void reset() noexcept { pending_.clear(); }

 private:
  std::string pending_;
};

}  // namespace weft::collab
