// weft-peer's pure parts: the stdin command language, escaping, the digest
// line, command-line options and the presence state codec.
#include <random>

#include <boost/asio/io_context.hpp>

#include "peer_commands.hpp"
#include "peer_node.hpp"
#include "peer_options.hpp"
#include "presence_state.hpp"
#include "support/catch.hpp"
#include "support/seeds.hpp"

using namespace weft::peer;

TEST_CASE("weft-peer commands parse, and bad input is an error, never a crash", "[examples]") {
  auto insert = std::get<cmd::Insert>(parse_command("insert 3 hello world"));
  CHECK(insert.pos == 3);
  CHECK(insert.text == "hello world");
  CHECK(std::get<cmd::Insert>(parse_command("insert 0  lead")).text == " lead");
  CHECK(std::get<cmd::Insert>(parse_command("insert 0 a\\nb\\\\c\\td\\s\\x41")).text ==
        "a\nb\\c\td A");
  CHECK(std::get<cmd::Append>(parse_command("append x\r")).text == "x");
  const auto del = std::get<cmd::Delete>(parse_command("delete 2 5"));
  CHECK((del.pos == 2 && del.count == 5));
  CHECK(std::get<cmd::WaitPeers>(parse_command("wait-peers 2")).timeout_ms == kDefaultWaitMs);
  CHECK(std::get<cmd::WaitPeers>(parse_command("wait-peers 2 50")).timeout_ms == 50);
  CHECK(std::get<cmd::Sleep>(parse_command("sleep 10")).ms == 10);
  CHECK(std::holds_alternative<cmd::Print>(parse_command("print")));
  CHECK(std::holds_alternative<cmd::Digest>(parse_command("digest")));
  CHECK(std::holds_alternative<cmd::Peers>(parse_command("peers")));
  CHECK(std::holds_alternative<cmd::PresenceList>(parse_command("presence")));
  CHECK(std::holds_alternative<cmd::Quit>(parse_command("quit")));
  CHECK(std::holds_alternative<cmd::Nothing>(parse_command("")));
  CHECK(std::holds_alternative<cmd::Nothing>(parse_command("# note")));
  for (const char* bad : {"insert",
                          "insert x y",
                          "insert -1 a",
                          "insert 99999999999999999999 a",
                          "insert 0 \\q",
                          "insert 0 \\x4",
                          "insert 0 \\xzz",
                          "insert 0 \\xff",
                          "insert 0 trailing\\",
                          "delete 1",
                          "delete 1 2 3",
                          "delete a b",
                          "append",
                          "print now",
                          "wait-peers",
                          "wait-peers 1 2 3",
                          "sleep",
                          "sleep 99999999999",
                          "quit now",
                          "frob",
                          "INSERT 0 a"}) {
    INFO(bad);
    CHECK(std::holds_alternative<cmd::Invalid>(parse_command(bad)));
  }
}

TEST_CASE("escape and unescape round-trip every byte string that is UTF-8", "[examples]") {
  for (const auto seed : weft::test::seeds(20)) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::string text;
    const char* pieces[] = {"a", " ", "\\", "\n", "\r", "\t", "\x01", "\x7f", "\xce\xbb", "x\\n"};
    for (int i = 0; i < 30; ++i) text += pieces[rng() % std::size(pieces)];
    const std::string escaped = escape(text);
    CHECK(escaped.find('\n') == std::string::npos);
    std::string back;
    REQUIRE(unescape(escaped, back));
    CHECK(back == text);
  }
}

TEST_CASE("digest line: FNV-1a 64 published vectors and code-point length", "[examples]") {
  CHECK(digest_line("") == "digest cbf29ce484222325 0");
  CHECK(digest_line("a") == "digest af63dc4c8601ec8c 1");
  CHECK(digest_line("hello") == "digest a430d84680aabd0b 5");
  CHECK(code_points("\xce\xbb\xe2\x82\xac!") == 3);
}

TEST_CASE("weft-peer options", "[examples]") {
  std::string error;
  auto o = parse_options({"--listen",
                          "tcp://127.0.0.1:0",
                          "--connect",
                          "ws://h:1/x",
                          "--connect",
                          "tls://h:2",
                          "--accept-token",
                          "a",
                          "--accept-token",
                          "b:ro",
                          "--accept-token",
                          "c:d:rw",
                          "--doc",
                          "notes",
                          "--replica-id",
                          "0x10",
                          "--name",
                          "ann",
                          "--exit-on-eof",
                          "--token",
                          "t",
                          "--port-file",
                          "/tmp/ports",
                          "--peer-messages-per-s",
                          "300",
                          "--peer-bytes-per-s",
                          "0x10000",
                          "--peer-snapshot-interval-ms",
                          "500"},
                         error);
  REQUIRE(o);
  CHECK(o->listen == std::vector<std::string>{"tcp://127.0.0.1:0"});
  CHECK(o->connect.size() == 2);
  REQUIRE(o->accept_tokens.size() == 3);
  CHECK((o->accept_tokens[0].token == "a" && !o->accept_tokens[0].read_only));
  CHECK((o->accept_tokens[1].token == "b" && o->accept_tokens[1].read_only));
  CHECK((o->accept_tokens[2].token == "c:d" && !o->accept_tokens[2].read_only));
  CHECK(o->doc == "notes");
  CHECK(o->replica_id == 16u);
  CHECK(o->name == "ann");
  CHECK(o->exit_on_eof);
  CHECK(o->token == "t");
  CHECK(o->port_file == "/tmp/ports");
  CHECK(o->peer_messages_per_s == 300u);
  CHECK(o->peer_bytes_per_s == 0x10000u);
  CHECK(o->peer_snapshot_interval == 500u);
  auto defaults = parse_options({}, error);
  REQUIRE(defaults);
  CHECK_FALSE(defaults->peer_messages_per_s);
  for (const std::vector<std::string_view>& bad : {std::vector<std::string_view>{"--listen"},
                                                   {"--replica-id", "0"},
                                                   {"--replica-id", "x"},
                                                   {"--accept-token", ":ro"},
                                                   {"--bogus"},
                                                   {"--doc", ""},
                                                   {"--port-file", ""},
                                                   {"--reconnect-max-ms", "-5"},
                                                   {"--peer-messages-per-s", "0"},
                                                   {"--peer-bytes-per-s", "lots"}}) {
    error.clear();
    CHECK(!parse_options(bad, error));
    CHECK(!error.empty());
  }
}

TEST_CASE("presence state codec round-trips and rejects malformed bytes", "[examples]") {
  PresenceState s{"ann", 3, 42, {}};
  auto back = decode_presence(encode_presence(s));
  REQUIRE(back);
  CHECK(*back == s);
  PresenceState anchor{"bo", 7, std::nullopt, {1, 2, 3}};
  back = decode_presence(encode_presence(anchor));
  REQUIRE(back);
  CHECK(*back == anchor);
  // Long names are cut at a character boundary.
  PresenceState long_name{std::string(63, 'x') + "\xce\xbb", 0, std::nullopt, {}};
  back = decode_presence(encode_presence(long_name));
  REQUIRE(back);
  CHECK(back->name == std::string(63, 'x'));
  // Every truncation of a valid state fails cleanly.
  const auto bytes = encode_presence(s);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CHECK(!decode_presence(std::span(bytes.data(), n)));
  }
  auto bad_colour = bytes;
  bad_colour[1 + 1 + 3] = 8;  // version, name length, "ann", colour
  CHECK(!decode_presence(bad_colour));
  auto bad_version = bytes;
  bad_version[0] = 9;
  CHECK(!decode_presence(bad_version));
}

TEST_CASE("cursor anchors follow their character through later edits", "[examples]") {
  boost::asio::io_context io;
  PeerOptions options;
  options.name = "ann";
  PeerNode node(io, options, nullptr);
  node.edit([](weft::TextRef& t) { t.insert(0, "hello"); });
  PresenceState state;
  state.cursor_anchor = node.cursor_anchor(3);  // after "hel"
  REQUIRE(node.resolve_cursor(state) == std::optional<std::size_t>(3));
  node.edit([](weft::TextRef& t) { t.insert(0, "XX"); });
  CHECK(node.resolve_cursor(state) == std::optional<std::size_t>(5));
  node.edit([](weft::TextRef& t) { t.insert(5, "__"); });              // typed right at the caret
  CHECK(node.resolve_cursor(state) == std::optional<std::size_t>(5));  // stays after 'l'
  node.edit([](weft::TextRef& t) { t.erase(0, 4); });
  CHECK(node.resolve_cursor(state) == std::optional<std::size_t>(1));
  // Plain positions are clamped; malformed or foreign anchors place nothing.
  PresenceState plain_pos;
  plain_pos.cursor = 1000;
  CHECK(node.resolve_cursor(plain_pos) == std::optional<std::size_t>(node.text().size()));
  CHECK(!node.resolve_cursor(PresenceState{}));
  PresenceState garbage;
  garbage.cursor_anchor = {0xFF, 0x01};
  CHECK(!node.resolve_cursor(garbage));
  boost::asio::io_context other_io;
  PeerNode other(other_io, options, nullptr);
  other.edit([](weft::TextRef& t) { t.insert(0, "zz"); });
  PresenceState foreign;
  foreign.cursor_anchor = other.cursor_anchor(1);  // names a character we never received
  CHECK(!node.resolve_cursor(foreign));
}
