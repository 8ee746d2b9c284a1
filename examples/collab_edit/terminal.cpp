#include "terminal.hpp"

#include <cerrno>
#include <stdexcept>

#include <sys/ioctl.h>
#include <unistd.h>

namespace weft::collab {

Terminal::Terminal(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {
  if (!::isatty(in_fd) || ::tcgetattr(in_fd, &saved_) != 0) {
    throw std::runtime_error("stdin is not a terminal");
  }
  termios raw = saved_;
  // Raw input: bytes as typed, no echo, no line editing, no Ctrl-S/Ctrl-Q flow
  // control (Ctrl-Q is our quit key). ISIG stays on so Ctrl-C still interrupts.
  raw.c_iflag &= ~static_cast<tcflag_t>(IXON | ICRNL | BRKINT | INPCK | ISTRIP);
  raw.c_oflag &= ~static_cast<tcflag_t>(OPOST);
  raw.c_cflag |= CS8;
  raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  ::tcsetattr(in_fd, TCSAFLUSH, &raw);
  write_all("\x1b[?1049h\x1b[H\x1b[2J");  // alternate screen, cleared
}

Terminal::~Terminal() {
  write_all("\x1b[0m\x1b[?25h\x1b[?1049l");
  ::tcsetattr(in_fd_, TCSAFLUSH, &saved_);
}

std::pair<std::size_t, std::size_t> Terminal::size() const {
  winsize ws{};
  if (::ioctl(out_fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    return {ws.ws_col, ws.ws_row};
  }
  return {80, 24};
}

void Terminal::draw(const Frame& frame) {
  std::string out = "\x1b[?25l\x1b[H";  // hide the cursor while drawing, start at the top
  for (std::size_t i = 0; i < frame.rows.size(); ++i) {
    out += frame.rows[i];
    out += "\x1b[K";  // clear what an older, longer row left
    if (i + 1 < frame.rows.size()) out += "\r\n";
  }
  out += "\x1b[" + std::to_string(frame.cursor_row + 1) + ";" +
         std::to_string(frame.cursor_col + 1) + "H\x1b[?25h";
  write_all(out);
}

void Terminal::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(out_fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the terminal is gone; nothing useful left to do
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace weft::collab
