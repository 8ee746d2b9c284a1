#include "key_decoder.hpp"

#include "weft/encoding/utf8.hpp"

namespace weft::collab {
namespace {

constexpr std::size_t kMaxSequence = 32;

// Length of the UTF-8 sequence a lead byte starts, or 0 for an invalid lead.
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

Key key(Key::Kind kind) {
  return Key{kind, {}};
}

// The key a finished CSI sequence ("ESC [" params final) names, if any.
bool csi_key(std::string_view params, char final, Key& out) {
  switch (final) {
    case 'A':
      out = key(Key::Kind::up);
      return true;
    case 'B':
      out = key(Key::Kind::down);
      return true;
    case 'C':
      out = key(Key::Kind::right);
      return true;
    case 'D':
      out = key(Key::Kind::left);
      return true;
    case 'H':
      out = key(Key::Kind::home);
      return true;
    case 'F':
      out = key(Key::Kind::end);
      return true;
    case '~': {
      // "1", "3;5" ...: the first number names the key, modifiers follow.
      const std::string_view code = params.substr(0, params.find(';'));
      if (code == "1" || code == "7") {
        out = key(Key::Kind::home);
      } else if (code == "4" || code == "8") {
        out = key(Key::Kind::end);
      } else if (code == "3") {
        out = key(Key::Kind::del);
      } else {
        return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

std::vector<Key> KeyDecoder::feed(std::string_view bytes) {
  std::string input = std::move(pending_);
  pending_.clear();
  input.append(bytes);
  std::vector<Key> keys;
  std::size_t i = 0;
  while (i < input.size()) {
    const auto c = static_cast<unsigned char>(input[i]);
    if (c == 0x1B) {
      if (i + 1 >= input.size()) break;  // wait for the rest
      const char kind = input[i + 1];
      if (kind != '[' && kind != 'O') {
        ++i;  // a lone Escape (or Alt+key): drop the Escape
        continue;
      }
      // Parameters are digits and ';', then one final byte in 0x40..0x7E.
      std::size_t j = i + 2;
      while (j < input.size() && ((input[j] >= '0' && input[j] <= '9') || input[j] == ';')) ++j;
      if (j >= input.size()) break;  // incomplete
      const char final = input[j];
      Key k;
      const std::string_view params(input.data() + i + 2, j - i - 2);
      if (kind == 'O') {
        if (csi_key({}, final, k) && params.empty()) keys.push_back(k);
      } else if (csi_key(params, final, k)) {
        keys.push_back(k);
      }
      i = j + 1;
      continue;
    }
    if (c == '\r' || c == '\n') {
      keys.push_back(key(Key::Kind::enter));
      // CR LF from a pasted line is one Enter.
      if (c == '\r' && i + 1 < input.size() && input[i + 1] == '\n') ++i;
      ++i;
      continue;
    }
    if (c == 0x7F || c == 0x08) {
      keys.push_back(key(Key::Kind::backspace));
      ++i;
      continue;
    }
    if (c == 0x11) {
      keys.push_back(key(Key::Kind::quit));
      ++i;
      continue;
    }
    if (c == '\t') {
      keys.push_back(Key{Key::Kind::text, "\t"});
      ++i;
      continue;
    }
    if (c < 0x20 || (c >= 0x80 && c < 0xC2) || c > 0xF4) {
      ++i;  // other control bytes and invalid UTF-8 leads: ignored
      continue;
    }
    const std::size_t n = c < 0x80 ? 1 : utf8_length(c);
    if (i + n > input.size()) break;  // a character split across reads
    const std::string_view ch(input.data() + i, n);
    if (is_valid_utf8(ch)) {
      keys.push_back(Key{Key::Kind::text, std::string(ch)});
      i += n;
    } else {
      ++i;
    }
  }
  pending_ = input.substr(i);
  if (pending_.size() > kMaxSequence) pending_.clear();
  return keys;
}

}  // namespace weft::collab
