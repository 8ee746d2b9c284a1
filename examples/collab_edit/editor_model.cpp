#include "editor_model.hpp"

#include <algorithm>

#include "weft/encoding/utf8.hpp"

namespace weft::collab {
namespace {

// One screen row: `length` characters of the text from `start`.
struct VisualRow {
  std::size_t start = 0;
  std::size_t length = 0;
};

// Soft-wrapped rows. A line of L characters takes L / width + 1 rows, so the
// position just past a full row has a cell of its own for the cursor.
std::vector<VisualRow> layout(std::u32string_view text, std::size_t width) {
  std::vector<VisualRow> rows;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != U'\n') continue;
    const std::size_t length = i - line_start;
    for (std::size_t offset = 0;; offset += width) {
      rows.push_back({line_start + offset, std::min(width, length - offset)});
      if (length - offset < width) break;
    }
    line_start = i + 1;
  }
  return rows;
}

// The visual (row, col) of `pos`: the last row starting at or before it.
LineCol visual_of(const std::vector<VisualRow>& rows, std::size_t pos) {
  auto it = std::upper_bound(rows.begin(), rows.end(), pos,
                             [](std::size_t p, const VisualRow& r) { return p < r.start; });
  const std::size_t row = it == rows.begin() ? 0 : static_cast<std::size_t>(it - rows.begin()) - 1;
  return {row, pos - rows[row].start};
}

std::string cell(char32_t c) {
  if (c < 0x20 || c == 0x7F) return " ";  // tabs and control characters: one blank cell
  std::string out;
  append_utf8(out, c);
  return out;
}

std::string colour_on(std::uint8_t colour) {
  // Background red..cyan (41..46): black and white would hide the cursor.
  return "\x1b[30;" + std::to_string(41 + colour % 6) + "m";
}

std::string colour_text(std::uint8_t colour) {
  return "\x1b[" + std::to_string(31 + colour % 6) + "m";
}

}  // namespace

std::u32string to_utf32(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::size_t n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > utf8.size()) {
      out += U'\uFFFD';
      ++i;
      continue;
    }
    char32_t c = n == 1 ? lead : lead & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k)
      c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    out += c;
    i += n;
  }
  return out;
}

LineCol line_col(std::u32string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  LineCol at;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == U'\n') {
      ++at.line;
      at.col = 0;
    } else {
      ++at.col;
    }
  }
  return at;
}

std::size_t position_of(std::u32string_view text, LineCol where) {
  std::size_t start = 0;
  for (std::size_t line = 0; line < where.line; ++line) {
    const auto newline = text.find(U'\n', start);
    if (newline == std::u32string_view::npos) break;
    start = newline + 1;
  }
  const auto end = std::min(text.find(U'\n', start), text.size());
  return start + std::min(where.col, end - start);
}

std::size_t transform_position(std::size_t pos, std::span<const SequenceDelta> delta) {
  std::size_t src = 0;  // position in the old text
  std::size_t dst = 0;  // the same place in the new text
  for (const auto& step : delta) {
    const auto length = static_cast<std::size_t>(step.length);
    switch (step.kind) {
      case SequenceDelta::Kind::retain:
        if (pos < src + length) return dst + (pos - src);
        src += length;
        dst += length;
        break;
      case SequenceDelta::Kind::insert:
        if (pos == src) return dst;  // inserted at the cursor: lands after it
        dst += length;
        break;
      case SequenceDelta::Kind::erase:
        if (pos < src + length) return dst;
        src += length;
        break;
    }
  }
  return dst + (pos - src);
}

void EditorModel::set_cursor(std::size_t pos, std::size_t text_size) {
  cursor_ = std::min(pos, text_size);
  goal_col_.reset();
}

Edit EditorModel::on_key(const Key& key, std::u32string_view text) {
  cursor_ = std::min(cursor_, text.size());
  const bool vertical = key.kind == Key::Kind::up || key.kind == Key::Kind::down;
  if (!vertical) goal_col_.reset();
  Edit edit;
  switch (key.kind) {
    case Key::Kind::text:
      edit = {Edit::Kind::insert, cursor_, 1, key.text};
      ++cursor_;
      break;
    case Key::Kind::enter:
      edit = {Edit::Kind::insert, cursor_, 1, "\n"};
      ++cursor_;
      break;
    case Key::Kind::backspace:
      if (cursor_ > 0) {
        --cursor_;
        edit = {Edit::Kind::erase, cursor_, 1, {}};
      }
      break;
    case Key::Kind::del:
      if (cursor_ < text.size()) edit = {Edit::Kind::erase, cursor_, 1, {}};
      break;
    case Key::Kind::left:
      if (cursor_ > 0) --cursor_;
      break;
    case Key::Kind::right:
      if (cursor_ < text.size()) ++cursor_;
      break;
    case Key::Kind::up:
    case Key::Kind::down: {
      LineCol at = line_col(text, cursor_);
      if (!goal_col_) goal_col_ = at.col;
      if (key.kind == Key::Kind::up) {
        if (at.line == 0) break;
        --at.line;
      } else {
        if (at.line == line_col(text, text.size()).line) break;
        ++at.line;
      }
      cursor_ = position_of(text, {at.line, *goal_col_});
      break;
    }
    case Key::Kind::home:
      cursor_ = position_of(text, {line_col(text, cursor_).line, 0});
      break;
    case Key::Kind::end:
      cursor_ = position_of(text, {line_col(text, cursor_).line, text.size()});
      break;
    case Key::Kind::quit:
      quit_ = true;
      break;
  }
  return edit;
}

void EditorModel::on_remote_change(std::span<const SequenceDelta> delta, std::size_t text_size) {
  cursor_ = std::min(transform_position(cursor_, delta), text_size);
}

std::string plain(std::string_view row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\x1b' && i + 1 < row.size() && row[i + 1] == '[') {
      i += 2;
      while (i < row.size() && !(row[i] >= 0x40 && row[i] <= 0x7E)) ++i;
      continue;
    }
    out += row[i];
  }
  return out;
}

Frame Screen::render(const ScreenInput& input) {
  const std::size_t width = std::max<std::size_t>(input.width, 1);
  const std::size_t text_rows = input.height > 1 ? input.height - 1 : 1;
  const auto rows = layout(input.text, width);
  const LineCol cursor = visual_of(rows, std::min(input.cursor, input.text.size()));
  if (cursor.line < top_) top_ = cursor.line;
  if (cursor.line >= top_ + text_rows) top_ = cursor.line - text_rows + 1;
  top_ = std::min(top_, rows.size() - 1);

  // Remote cursors by visual row; the first one listed wins a shared cell.
  std::vector<std::pair<LineCol, std::uint8_t>> marks;
  for (const auto& remote : input.remotes) {
    if (!remote.pos) continue;
    marks.emplace_back(visual_of(rows, std::min(*remote.pos, input.text.size())), remote.colour);
  }

  Frame frame;
  for (std::size_t r = top_; r < top_ + text_rows; ++r) {
    std::string line;
    if (r < rows.size()) {
      const VisualRow& row = rows[r];
      for (std::size_t col = 0; col <= row.length && col < width; ++col) {
        const auto mark = std::find_if(marks.begin(), marks.end(), [&](const auto& m) {
          return m.first.line == r && m.first.col == col;
        });
        const bool past_end = col == row.length;
        if (mark == marks.end()) {
          if (!past_end) line += cell(input.text[row.start + col]);
          continue;
        }
        line += colour_on(mark->second);
        line += past_end ? std::string(" ") : cell(input.text[row.start + col]);
        line += "\x1b[0m";
      }
    }
    frame.rows.push_back(std::move(line));
  }
  frame.cursor_row = cursor.line - top_;
  frame.cursor_col = cursor.col;

  // Status line: inverse video, our name, the peer count, each remote name in its colour.
  std::string status = "\x1b[7m";
  std::size_t used = 0;
  auto add = [&](std::string_view text, const std::string& style) {
    if (used >= width) return;
    const std::string_view fits = text.substr(0, width - used);
    used += fits.size();
    if (!style.empty()) status += style;
    status += fits;
    if (!style.empty()) status += "\x1b[39m";
  };
  add(" " + (input.self_name.empty() ? std::string("(anonymous)") : input.self_name), {});
  add(" | " + std::to_string(input.peers) + (input.peers == 1 ? " peer" : " peers"), {});
  for (const auto& remote : input.remotes) {
    add(" | ", {});
    add(remote.name.empty() ? std::string("?") : remote.name, colour_text(remote.colour));
  }
  add(" | Ctrl-Q quits", {});
  if (used < width) status += std::string(width - used, ' ');
  status += "\x1b[0m";
  frame.rows.push_back(std::move(status));
  return frame;
}

}  // namespace weft::collab
