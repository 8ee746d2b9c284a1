// The collab_edit pieces that need no terminal: key decoding, editing, cursor
// transformation under remote changes, and the screen layout.
#include "editor_model.hpp"
#include "key_decoder.hpp"
#include "support/catch.hpp"

using weft::SequenceDelta;
using weft::collab::Edit;
using weft::collab::EditorModel;
using weft::collab::Key;
using weft::collab::KeyDecoder;
using Kind = Key::Kind;

namespace {

std::vector<Kind> kinds(const std::vector<Key>& keys) {
  std::vector<Kind> out;
  for (const auto& k : keys) out.push_back(k.kind);
  return out;
}

SequenceDelta step(SequenceDelta::Kind kind, std::uint64_t length, std::string text = {}) {
  SequenceDelta d;
  d.kind = kind;
  d.length = length;
  d.text = std::move(text);
  return d;
}

}  // namespace

TEST_CASE("key decoder: text, control keys and escape sequences", "[examples]") {
  KeyDecoder dec;
  CHECK(dec.feed("ab") == std::vector<Key>{{Kind::text, "a"}, {Kind::text, "b"}});
  CHECK(kinds(dec.feed("\r\x7f\x08\x11")) ==
        std::vector<Kind>{Kind::enter, Kind::backspace, Kind::backspace, Kind::quit});
  CHECK(kinds(dec.feed("\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1bOH\x1bOF\x1b[3~\x1b[1~\x1b[4~")) ==
        std::vector<Kind>{Kind::up, Kind::down, Kind::right, Kind::left, Kind::home, Kind::end,
                          Kind::home, Kind::end, Kind::del, Kind::home, Kind::end});
  // Modifiers are ignored: Ctrl-Right is still Right.
  CHECK(kinds(dec.feed("\x1b[1;5C")) == std::vector<Kind>{Kind::right});
  // CR LF is one Enter.
  CHECK(kinds(dec.feed("\r\n")) == std::vector<Kind>{Kind::enter});
}

TEST_CASE("key decoder: sequences and characters split across reads", "[examples]") {
  KeyDecoder dec;
  CHECK(dec.feed("\x1b").empty());
  CHECK(dec.pending());
  CHECK(dec.feed("[").empty());
  CHECK(kinds(dec.feed("D")) == std::vector<Kind>{Kind::left});
  CHECK(!dec.pending());
  // "λ" is CE BB; "€" E2 82 AC.
  CHECK(dec.feed("\xce").empty());
  CHECK(dec.feed("\xbb") == std::vector<Key>{{Kind::text, "\xce\xbb"}});
  CHECK(dec.feed("\xe2\x82").empty());
  CHECK(dec.feed("\xac!") == std::vector<Key>{{Kind::text, "\xe2\x82\xac"}, {Kind::text, "!"}});
}

TEST_CASE("key decoder: garbage is dropped, never typed", "[examples]") {
  KeyDecoder dec;
  // Invalid UTF-8 leads, a stray continuation, other control bytes, an unknown CSI.
  CHECK(dec.feed("\xff\x80\x01\x02\x1b[99zX") == std::vector<Key>{{Kind::text, "X"}});
  // A bad continuation after a lead: the lead is dropped, the next byte stands alone.
  CHECK(dec.feed("\xce"
                 "A") == std::vector<Key>{{Kind::text, "A"}});
  // A runaway sequence is discarded instead of buffered forever.
  std::string runaway = "\x1b[";
  runaway += std::string(100, '1');
  CHECK(dec.feed(runaway).empty());
  CHECK(!dec.pending());
  CHECK(dec.feed("y") == std::vector<Key>{{Kind::text, "y"}});
}

TEST_CASE("editor model: typing, deleting and moving", "[examples]") {
  EditorModel m;
  std::u32string text;
  auto press = [&](const Key& key) {
    const Edit e = m.on_key(key, text);
    if (e.kind == Edit::Kind::insert) {
      text.insert(e.pos, weft::collab::to_utf32(e.text));
    } else if (e.kind == Edit::Kind::erase) {
      text.erase(e.pos, e.count);
    }
    return e;
  };
  for (const char* c : {"a", "b", "c"}) press({Kind::text, c});
  CHECK(text == U"abc");
  CHECK(m.cursor() == 3);
  press({Kind::enter, {}});
  press({Kind::text, "x"});
  CHECK(text == U"abc\nx");
  press({Kind::up, {}});
  CHECK(m.cursor() == 1);  // column 1 of line 0
  press({Kind::end, {}});
  CHECK(m.cursor() == 3);
  CHECK(press({Kind::backspace, {}}) == Edit{Edit::Kind::erase, 2, 1, {}});
  CHECK(text == U"ab\nx");
  press({Kind::home, {}});
  CHECK(press({Kind::backspace, {}}).kind == Edit::Kind::none);  // nothing before the start
  CHECK(press({Kind::del, {}}) == Edit{Edit::Kind::erase, 0, 1, {}});
  CHECK(text == U"b\nx");
  press({Kind::down, {}});
  press({Kind::down, {}});  // already on the last line
  CHECK(m.cursor() == 2);
  press({Kind::right, {}});
  press({Kind::right, {}});
  press({Kind::right, {}});  // stops at the end
  CHECK(m.cursor() == 3);
  CHECK(press({Kind::del, {}}).kind == Edit::Kind::none);
  CHECK(!m.quit_requested());
  press({Kind::quit, {}});
  CHECK(m.quit_requested());
}

TEST_CASE("editor model: up and down keep the goal column across short lines", "[examples]") {
  EditorModel m;
  const std::u32string text = U"long line\nab\nanother line";
  m.set_cursor(7, text.size());  // line 0, column 7
  (void)m.on_key({Kind::down, {}}, text);
  CHECK(weft::collab::line_col(text, m.cursor()) == weft::collab::LineCol{1, 2});
  (void)m.on_key({Kind::down, {}}, text);
  CHECK(weft::collab::line_col(text, m.cursor()) == weft::collab::LineCol{2, 7});
}

TEST_CASE("cursor follows remote changes", "[examples]") {
  using K = SequenceDelta::Kind;
  // "hello world": a peer inserts "big " at 6.
  const std::vector<SequenceDelta> insert{step(K::retain, 6), step(K::insert, 4, "big ")};
  CHECK(weft::collab::transform_position(3, insert) == 3);    // before: stays
  CHECK(weft::collab::transform_position(8, insert) == 12);   // after: shifts
  CHECK(weft::collab::transform_position(6, insert) == 6);    // at the insert: stays before it
  CHECK(weft::collab::transform_position(11, insert) == 15);  // at the end
  // A peer erases "lo w" (3..7).
  const std::vector<SequenceDelta> erase{step(K::retain, 3), step(K::erase, 4)};
  CHECK(weft::collab::transform_position(2, erase) == 2);
  CHECK(weft::collab::transform_position(5, erase) == 3);  // inside: to the start
  CHECK(weft::collab::transform_position(9, erase) == 5);
  EditorModel m;
  m.set_cursor(9, 11);
  m.on_remote_change(erase, 7);
  CHECK(m.cursor() == 5);
}

TEST_CASE("screen: wrapping, scrolling, remote cursors and status", "[examples]") {
  weft::collab::Screen screen;
  const std::u32string text = U"abcdefgh\nxy";
  weft::collab::ScreenInput in;
  in.text = text;
  in.cursor = 11;  // end of "xy"
  in.width = 5;
  in.height = 4;  // 3 text rows + status
  in.self_name = "me";
  in.peers = 1;
  in.remotes.push_back({"bob", 2, 1});
  auto frame = screen.render(in);
  REQUIRE(frame.rows.size() == 4);
  CHECK(weft::collab::plain(frame.rows[0]) == "abcde");
  CHECK(weft::collab::plain(frame.rows[1]) == "fgh");
  CHECK(weft::collab::plain(frame.rows[2]) == "xy");
  CHECK(frame.cursor_row == 2);
  CHECK(frame.cursor_col == 2);
  CHECK(frame.rows[0].find("\x1b[30;43m"
                           "b\x1b[0m") != std::string::npos);  // bob's colour on 'b'
  const std::string status = weft::collab::plain(frame.rows[3]);
  CHECK(status.size() == 5);  // cut to the width
  CHECK(status.substr(0, 4) == " me ");

  // A longer text scrolls so the cursor stays visible.
  const std::u32string tall = U"1\n2\n3\n4\n5\n6";
  in.text = tall;
  in.cursor = tall.size();
  in.remotes.clear();
  in.width = 40;
  frame = screen.render(in);
  CHECK(weft::collab::plain(frame.rows[0]) == "4");
  CHECK(weft::collab::plain(frame.rows[2]) == "6");
  CHECK(frame.cursor_row == 2);
  CHECK(weft::collab::plain(frame.rows[3]).find("1 peer |") != std::string::npos);
  in.cursor = 0;
  frame = screen.render(in);
  CHECK(weft::collab::plain(frame.rows[0]) == "1");
  CHECK(frame.cursor_row == 0);
}

TEST_CASE("screen: a remote user without a placeable cursor is only named", "[examples]") {
  weft::collab::Screen screen;
  const std::u32string text = U"ab";
  weft::collab::ScreenInput in;
  in.text = text;
  in.width = 40;
  in.height = 2;
  in.remotes.push_back({"zed", 1, std::nullopt});
  const auto frame = screen.render(in);
  CHECK(frame.rows[0] == "ab");  // no colour escape anywhere in the text
  CHECK(weft::collab::plain(frame.rows[1]).find("| zed |") != std::string::npos);
}

TEST_CASE("screen: a cursor past a full row gets a cell on the next row", "[examples]") {
  weft::collab::Screen screen;
  const std::u32string text = U"abcde";
  weft::collab::ScreenInput in;
  in.text = text;
  in.cursor = 5;
  in.width = 5;
  in.height = 3;
  in.remotes.push_back({"eve", 0, 5});
  const auto frame = screen.render(in);
  CHECK(frame.cursor_row == 1);
  CHECK(frame.cursor_col == 0);
  CHECK(weft::collab::plain(frame.rows[1]) == " ");  // eve's cursor cell
}
