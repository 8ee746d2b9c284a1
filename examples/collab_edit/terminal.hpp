#pragma once
// Terminal: raw mode and drawing with plain termios and ANSI escapes (no
// ncurses). Construction switches the terminal to raw mode on the alternate
// screen; destruction restores it exactly as it was, also after an exception.
#include <cstddef>
#include <string>

#include <termios.h>

#include "editor_model.hpp"

namespace weft::collab {

class Terminal {
 public:
  // Throws std::runtime_error when `fd` is not a terminal.
  explicit Terminal(int in_fd, int out_fd);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Columns and rows (80x24 when the size is unknown).
  [[nodiscard]] std::pair<std::size_t, std::size_t> size() const;
  // Redraws every row and places the cursor.
  void draw(const Frame& frame);

 private:
  void write_all(const std::string& bytes);

  int in_fd_;
  int out_fd_;
  termios saved_{};
};

}  // namespace weft::collab
