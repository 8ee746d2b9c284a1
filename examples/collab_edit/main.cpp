// collab_edit: a terminal text editor that several people use at once, each
// running it with the others' addresses; no server. Every keystroke is a weft
// transaction synced to the peers; remote cursors come through presence.
//
//   collab_edit --listen tcp://127.0.0.1:7001 --connect tcp://127.0.0.1:7002 --name alice
//   collab_edit --listen tcp://127.0.0.1:7002 --connect tcp://127.0.0.1:7001 --name bob
//
// Arrow keys, Home/End, typing, Backspace/Delete, Enter; Ctrl-Q quits.
#include <unistd.h>
#include <csignal>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "editor_model.hpp"
#include "key_decoder.hpp"
#include "peer_node.hpp"
#include "terminal.hpp"

namespace {

namespace asio = boost::asio;
using weft::collab::Edit;
using weft::collab::Key;

class Editor {
 public:
  Editor(asio::io_context& io, weft::peer::PeerNode& node, weft::collab::Terminal& terminal)
      : io_(io), node_(node), terminal_(terminal), input_(io), refresh_(io) {
    input_.assign(::dup(STDIN_FILENO));
    text_ = weft::collab::to_utf32(node_.text());
    node_.on_remote_change = [this](std::span<const weft::ChangeEvent> events) {
      text_ = weft::collab::to_utf32(node_.text());
      for (const auto& event : events) {
        if (event.object == node_.text_id()) model_.on_remote_change(event.delta, text_.size());
      }
      model_.set_cursor(model_.cursor(), text_.size());
      request_redraw();
    };
  }

  void start(std::function<void()> on_quit) {
    on_quit_ = std::move(on_quit);
    publish_cursor();
    redraw();
    read();
    tick();
  }

  void stop() {
    stopped_ = true;
    refresh_.cancel();
    boost::system::error_code ignored;
    input_.close(ignored);
  }

  void redraw() {
    redraw_pending_ = false;
    if (stopped_) return;
    weft::collab::ScreenInput in;
    in.text = text_;
    in.cursor = model_.cursor();
    for (const auto& [replica, state] : node_.remote_presence()) {
      in.remotes.push_back({state.name, state.colour, node_.resolve_cursor(state)});
    }
    in.self_name = node_.name();
    in.peers = node_.peer_count();
    std::tie(in.width, in.height) = terminal_.size();
    terminal_.draw(screen_.render(in));
  }

 private:
  void request_redraw() {
    if (redraw_pending_) return;
    redraw_pending_ = true;
    asio::post(io_, [this] { redraw(); });
  }

  void read() {
    input_.async_read_some(asio::buffer(chunk_),
                           [this](boost::system::error_code ec, std::size_t n) {
                             if (stopped_) return;
                             if (ec) {
                               on_quit_();  // the terminal went away
                               return;
                             }
                             for (const Key& key : decoder_.feed({chunk_.data(), n})) on_key(key);
                             if (model_.quit_requested()) {
                               on_quit_();
                               return;
                             }
                             request_redraw();
                             read();
                           });
  }

  void on_key(const Key& key) {
    const Edit edit = model_.on_key(key, text_);
    if (edit.kind == Edit::Kind::insert) {
      node_.edit([&](weft::TextRef& t) { t.insert(edit.pos, edit.text); });
    } else if (edit.kind == Edit::Kind::erase) {
      node_.edit([&](weft::TextRef& t) { t.erase(edit.pos, edit.count); });
    }
    if (edit.kind != Edit::Kind::none) text_ = weft::collab::to_utf32(node_.text());
    publish_cursor();
  }

  // The cursor travels as an anchor: peers place it on the same character
  // whatever edits reach them first, and remote edits never require a re-publish.
  void publish_cursor() {
    weft::peer::PresenceState state;
    state.name = node_.name();
    state.colour = weft::peer::colour_for(node_.doc().replica().value());
    state.cursor_anchor = node_.cursor_anchor(model_.cursor());
    if (last_published_ == state.cursor_anchor) return;
    last_published_ = state.cursor_anchor;
    node_.set_presence(state);
  }

  // Peer counts and presence expiry change without an event: refresh now and then.
  void tick() {
    refresh_.expires_after(std::chrono::milliseconds(500));
    refresh_.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped_) return;
      redraw();
      tick();
    });
  }

  asio::io_context& io_;
  weft::peer::PeerNode& node_;
  weft::collab::Terminal& terminal_;
  asio::posix::stream_descriptor input_;
  asio::steady_timer refresh_;
  std::array<char, 4096> chunk_{};
  weft::collab::KeyDecoder decoder_;
  weft::collab::EditorModel model_;
  weft::collab::Screen screen_;
  std::u32string text_;
  weft::Bytes last_published_;
  std::function<void()> on_quit_;
  bool redraw_pending_ = false;
  bool stopped_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string error;
  auto options = weft::peer::parse_options(args, error);
  if (!options) {
    std::cerr << "collab_edit: " << error << '\n';
    return 2;
  }
  if (options->help) {
    std::cout << "Usage: collab_edit [OPTIONS]\n"
                 "A terminal editor for one shared text; run one per person with the others'\n"
                 "addresses. Keys: arrows, Home/End, typing, Backspace/Delete, Enter; Ctrl-Q "
                 "quits.\n\n"
              << weft::peer::options_help();
    return 0;
  }
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) {
    std::cerr << "collab_edit: needs a terminal (for scripted use, see weft-peer)\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  if (options->name.empty()) {
    const char* user = std::getenv("USER");
    options->name = user ? user : "anonymous";
  }
  options->verbose = false;  // stderr is the screen

  asio::io_context io;
  std::unique_ptr<weft::peer::PeerNode> owned;
  try {
    owned = std::make_unique<weft::peer::PeerNode>(io, *options, nullptr);
  } catch (const std::exception& e) {  // --store could not be opened
    std::cerr << "collab_edit: " << e.what() << '\n';
    return 1;
  }
  weft::peer::PeerNode& node = *owned;
  auto started = node.start([](const std::string&) {}, error);
  if (!started) {
    std::cerr << "collab_edit: " << error << '\n';
    return 1;
  }
  int exit_code = 0;
  {
    weft::collab::Terminal terminal(STDIN_FILENO, STDOUT_FILENO);
    Editor editor(io, node, terminal);
    asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
    asio::signal_set resize(io, SIGWINCH);
    asio::steady_timer grace(io);
    bool quitting = false;
    auto quit = [&] {
      if (quitting) return;
      quitting = true;
      editor.stop();
      signals.cancel();
      resize.cancel();
      node.stop();
      grace.expires_after(std::chrono::milliseconds(300));
      grace.async_wait([&](boost::system::error_code) { io.stop(); });
    };
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (!ec) quit();
    });
    std::function<void()> on_resize = [&] {
      resize.async_wait([&](boost::system::error_code ec, int) {
        if (ec) return;
        editor.redraw();
        on_resize();
      });
    };
    on_resize();
    editor.start(quit);
    io.run();
  }
  return exit_code;
}
