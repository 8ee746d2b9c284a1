#pragma once
// weft-peer's stdin command language, parsed without touching any document so
// that every malformed line becomes an `error <reason>` answer instead of a crash.
//
//   insert POS TEXT      insert TEXT (escaped, see unescape) at code-point POS
//   delete POS COUNT     delete COUNT code points from POS
//   append TEXT          insert TEXT at the end
//   print                answer: text <escaped text>
//   digest               answer: digest <16 hex digits> <length in code points>
//   peers                answer: peers <connected peer count>
//   presence             answer: presence <count> [name...]  (remote users, sorted)
//   wait-peers N [MS]    answer ok once >= N peers are connected, or error timeout
//   sleep MS             answer ok after MS milliseconds
//   quit                 answer ok and exit 0
// Blank lines and lines starting with '#' are ignored (no answer).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace weft::peer {

inline constexpr std::uint64_t kDefaultWaitMs = 10'000;
inline constexpr std::uint64_t kMaxWaitMs = 3'600'000;

namespace cmd {
struct Insert {
  std::uint64_t pos = 0;
  std::string text;  // unescaped UTF-8
};
struct Delete {
  std::uint64_t pos = 0;
  std::uint64_t count = 0;
};
struct Append {
  std::string text;
};
struct Print {};
struct Digest {};
struct Peers {};
struct PresenceList {};
struct WaitPeers {
  std::uint64_t count = 0;
  std::uint64_t timeout_ms = kDefaultWaitMs;
};
struct Sleep {
  std::uint64_t ms = 0;
};
struct Quit {};
struct Nothing {};  // blank line or comment
struct Invalid {
  std::string reason;
};
}  // namespace cmd

using Command =
    std::variant<cmd::Nothing, cmd::Invalid, cmd::Insert, cmd::Delete, cmd::Append, cmd::Print,
                 cmd::Digest, cmd::Peers, cmd::PresenceList, cmd::WaitPeers, cmd::Sleep, cmd::Quit>;

// One line without its terminating newline (a trailing '\r' is dropped).
[[nodiscard]] Command parse_command(std::string_view line);

// Escapes text for one output line: backslash, \n, \r, \t, other control bytes
// as \xHH. Everything else (including non-ASCII UTF-8) passes unchanged.
[[nodiscard]] std::string escape(std::string_view text);
// The inverse of escape(); nullopt-like: returns false on a bad escape or on
// invalid UTF-8 in the result.
[[nodiscard]] bool unescape(std::string_view escaped, std::string& out);

// FNV-1a 64 of the text's UTF-8 bytes: equal texts print equal digests.
[[nodiscard]] std::uint64_t text_digest(std::string_view text) noexcept;
// "digest <16 lowercase hex digits> <code points>".
[[nodiscard]] std::string digest_line(std::string_view text);
// Number of code points of valid UTF-8.
[[nodiscard]] std::size_t code_points(std::string_view text) noexcept;

}  // namespace weft::peer
