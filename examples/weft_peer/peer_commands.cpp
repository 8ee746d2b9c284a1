#include "peer_commands.hpp"

#include <charconv>
#include <cstdio>

#include "weft/encoding/utf8.hpp"

namespace weft::peer {
namespace {

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

// Splits off the next space-separated word; `rest` keeps what follows the single
// separating space (so TEXT arguments keep their own leading spaces).
std::string_view next_word(std::string_view& rest) {
  const auto space = rest.find(' ');
  std::string_view word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  return word;
}

cmd::Invalid invalid(std::string reason) {
  return cmd::Invalid{std::move(reason)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Command parse_command(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.front() == '#') return cmd::Nothing{};
  std::string_view rest = line;
  const std::string_view verb = next_word(rest);
  const bool has_rest = verb.size() < line.size();
  auto no_args = [&](Command c) -> Command {
    if (!rest.empty()) return invalid(std::string(verb) + " takes no arguments");
    return c;
  };
  if (verb == "insert") {
    std::uint64_t pos = 0;
    if (!parse_u64(next_word(rest), pos)) return invalid("usage: insert POS TEXT");
    cmd::Insert c{pos, {}};
    if (!unescape(rest, c.text)) return invalid("bad escape or invalid UTF-8 in TEXT");
    return c;
  }
  if (verb == "append") {
    if (!has_rest) return invalid("usage: append TEXT");
    cmd::Append c;
    if (!unescape(rest, c.text)) return invalid("bad escape or invalid UTF-8 in TEXT");
    return c;
  }
  if (verb == "delete") {
    cmd::Delete c;
    if (!parse_u64(next_word(rest), c.pos) || !parse_u64(next_word(rest), c.count) ||
        !rest.empty()) {
      return invalid("usage: delete POS COUNT");
    }
    return c;
  }
  if (verb == "wait-peers") {
    cmd::WaitPeers c;
    if (!parse_u64(next_word(rest), c.count)) return invalid("usage: wait-peers N [TIMEOUT_MS]");
    if (!rest.empty() && (!parse_u64(next_word(rest), c.timeout_ms) || !rest.empty())) {
      return invalid("usage: wait-peers N [TIMEOUT_MS]");
    }
    if (c.timeout_ms > kMaxWaitMs) return invalid("timeout too large");
    return c;
  }
  if (verb == "sleep") {
    cmd::Sleep c;
    if (!parse_u64(next_word(rest), c.ms) || !rest.empty()) return invalid("usage: sleep MS");
    if (c.ms > kMaxWaitMs) return invalid("sleep too long");
    return c;
  }
  if (verb == "print") return no_args(cmd::Print{});
  if (verb == "digest") return no_args(cmd::Digest{});
  if (verb == "peers") return no_args(cmd::Peers{});
  if (verb == "presence") return no_args(cmd::PresenceList{});
  if (verb == "quit") return no_args(cmd::Quit{});
  return invalid("unknown command '" + escape(verb) + "'");
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

bool unescape(std::string_view escaped, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == escaped.size()) return false;
    switch (escaped[i]) {
      case '\\':
        out += '\\';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 's':
        out += ' ';
        break;
      case 'x': {
        if (i + 2 >= escaped.size()) return false;
        const int hi = hex_value(escaped[i + 1]);
        const int lo = hex_value(escaped[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        return false;
    }
  }
  return is_valid_utf8(out);
}

std::uint64_t text_digest(std::string_view text) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::size_t code_points(std::string_view text) noexcept {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string digest_line(std::string_view text) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "digest %016llx %zu",
                static_cast<unsigned long long>(text_digest(text)), code_points(text));
  return buf;
}

}  // namespace weft::peer
