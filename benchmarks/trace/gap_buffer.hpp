#pragma once
// GapBuffer: a plain text buffer of code points with a movable gap, no CRDT.
//
// It replays a trace's patches as fast as a real editor buffer can, which makes
// it the floor that CRDT replay times are quoted against. Inserting or deleting
// at the gap is O(length of the edit); moving the gap costs the distance moved.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "weft/encoding/utf8.hpp"

namespace weft::bench {

class GapBuffer {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return buf_.size() - (gap_end_ - gap_begin_); }

  // Splice: at `pos` delete `del` code points, then insert UTF-8 `ins`.
  // Throws std::out_of_range when the patch does not fit the text.
  void splice(std::size_t pos, std::size_t del, std::string_view ins) {
    if (pos > size() || del > size() - pos) throw std::out_of_range("patch past the end");
    move_gap(pos);
    gap_end_ += del;
    reserve_gap(ins.size());  // code points <= bytes
    std::size_t i = 0;
    while (i < ins.size()) {
      const auto b = static_cast<unsigned char>(ins[i]);
      const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
      for (std::size_t k = 1; k < len && i + k < ins.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(ins[i + k]) & 0x3F);
      }
      buf_[gap_begin_++] = cp;
      i += len;
    }
  }

  [[nodiscard]] std::string to_utf8() const {
    std::string out;
    out.reserve(size());
    for (std::size_t i = 0; i < gap_begin_; ++i) weft::append_utf8(out, buf_[i]);
    for (std::size_t i = gap_end_; i < buf_.size(); ++i) weft::append_utf8(out, buf_[i]);
    return out;
  }

 private:
  void move_gap(std::size_t pos) {
    if (pos < gap_begin_) {
      const std::size_t n = gap_begin_ - pos;
      std::memmove(&buf_[gap_end_ - n], &buf_[pos], n * sizeof(char32_t));
      gap_begin_ -= n;
      gap_end_ -= n;
    } else if (pos > gap_begin_) {
      const std::size_t n = pos - gap_begin_;
      std::memmove(&buf_[gap_begin_], &buf_[gap_end_], n * sizeof(char32_t));
      gap_begin_ += n;
      gap_end_ += n;
    }
  }
  void reserve_gap(std::size_t need) {
    if (gap_end_ - gap_begin_ >= need) return;
    const std::size_t tail = buf_.size() - gap_end_;
    const std::size_t grown = std::max(buf_.size() * 2, buf_.size() + need + 64);
    std::vector<char32_t> next(grown);
    std::copy_n(buf_.begin(), gap_begin_, next.begin());
    std::copy_n(buf_.begin() + static_cast<std::ptrdiff_t>(gap_end_), tail,
                next.end() - static_cast<std::ptrdiff_t>(tail));
    gap_end_ = grown - tail;
    buf_ = std::move(next);
  }

  std::vector<char32_t> buf_;
  std::size_t gap_begin_ = 0;
  std::size_t gap_end_ = 0;
};

}  // namespace weft::bench
