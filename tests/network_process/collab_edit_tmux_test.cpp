// Two collab_edit instances in a private tmux server: keystrokes go to each
// with send-keys, and capture-pane of both must show the same text (and each
// other's names in the status line, through presence). Skipped, with a
// message, when tmux is not installed.
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "network_process/process.hpp"
#include "support/catch.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using weft::test::Millis;

// Runs a shell command; returns its stdout (and sets `status`).
std::string run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int rc = ::pclose(pipe);
  if (status) *status = rc;
  return out;
}

// Single-quotes for the shell.
std::string quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A tmux server of its own (-L), killed when the test ends, whatever happens.
class Tmux {
 public:
  Tmux() : socket_("weft-collab-test-" + std::to_string(::getpid())) {}
  ~Tmux() { (void)tmux("kill-server 2>/dev/null"); }
  std::string tmux(const std::string& args, int* status = nullptr) const {
    return run("tmux -L " + socket_ + " -f /dev/null " + args, status);
  }
  void start(const std::string& session, const std::string& command) const {
    int status = 0;
    (void)tmux("new-session -d -s " + session + " -x 80 -y 24 " + quote(command), &status);
    REQUIRE(status == 0);
  }
  void keys(const std::string& session, const std::string& literal) const {
    (void)tmux("send-keys -t " + session + " -l " + quote(literal));
  }
  void key(const std::string& session, const std::string& name) const {
    (void)tmux("send-keys -t " + session + " " + name);
  }
  // The pane's lines (without colours); the last one is the status line.
  std::vector<std::string> capture(const std::string& session) const {
    const std::string out = tmux("capture-pane -p -t " + session + " 2>/dev/null");
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < out.size()) {
      auto end = out.find('\n', start);
      if (end == std::string::npos) end = out.size();
      std::string line = out.substr(start, end - start);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      lines.push_back(line);
      start = end + 1;
    }
    return lines;
  }
  bool alive(const std::string& session) const {
    int status = 0;
    (void)tmux("has-session -t " + session + " 2>/dev/null", &status);
    return status == 0;
  }

 private:
  std::string socket_;
};

std::string text_rows(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {  // all but the status line
    out += lines[i];
    out += '\n';
  }
  while (out.size() >= 2 && out.ends_with("\n\n")) out.pop_back();
  return out;
}

std::string status_row(const std::vector<std::string>& lines) {
  return lines.empty() ? std::string() : lines.back();
}

// A private directory for the editors' --port-file, removed when the test ends.
class PortFiles {
 public:
  PortFiles() {
    std::string pattern = "/tmp/weft-collab-ports-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
  }
  ~PortFiles() { (void)run("rm -rf " + quote(dir_)); }
  [[nodiscard]] std::string path(const std::string& name) const { return dir_ + "/" + name; }
  // The first URL in `name`'s port file, once the editor has written it ("" after 15 s).
  [[nodiscard]] std::string wait_for(const std::string& name) const {
    std::string url;
    const auto deadline = Clock::now() + Millis(15'000);
    while (url.empty() && Clock::now() < deadline) {
      std::ifstream in(path(name));
      if (!std::getline(in, url)) std::this_thread::sleep_for(Millis(50));
    }
    return url;
  }

 private:
  std::string dir_;
};

template <typename F>
bool eventually(F&& condition, Millis timeout = Millis(15'000)) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(100));
  }
  return true;
}

}  // namespace

TEST_CASE("two collab_edit instances in tmux show the same text", "[network][tmux]") {
  int status = 0;
  (void)run("command -v tmux >/dev/null 2>&1", &status);
  if (status != 0) {
    WARN("SKIPPED: tmux is not installed, the collab_edit terminal test did not run");
    return;
  }
  const char* binary = std::getenv("WEFT_COLLAB_EDIT_BINARY");
  REQUIRE(binary != nullptr);
  // Both listen on port 0 and write the URL they got to a --port-file: a port
  // picked here and bound later by the editor could be taken in between by any
  // outgoing connection under ctest -j. Bob dials alice; one connection serves both.
  PortFiles files;
  auto command = [&](const char* name, const std::string& connect) {
    return std::string(binary) + " --listen tcp://127.0.0.1:0 --port-file " +
           quote(files.path(name)) + (connect.empty() ? "" : " --connect " + connect) + " --name " +
           name + " --reconnect-max-ms 300 --anti-entropy-ms 300";
  };
  Tmux tmux;
  tmux.start("a", command("alice", ""));
  const std::string alice = files.wait_for("alice");
  INFO("alice listens at " << alice);
  REQUIRE(alice.rfind("tcp://127.0.0.1:", 0) == 0);
  tmux.start("b", command("bob", alice));
  REQUIRE(files.wait_for("bob").rfind("tcp://127.0.0.1:", 0) == 0);

  // Both connected, and each shows the other's name (presence) in its status line.
  INFO("a: " << text_rows(tmux.capture("a")) << status_row(tmux.capture("a")));
  REQUIRE(eventually([&] {
    const auto a = status_row(tmux.capture("a"));
    const auto b = status_row(tmux.capture("b"));
    return a.find("1 peer") != std::string::npos && a.find("bob") != std::string::npos &&
           b.find("1 peer") != std::string::npos && b.find("alice") != std::string::npos;
  }));

  tmux.keys("a", "hello from alice");
  tmux.key("a", "Enter");
  tmux.keys("a", "second line");
  REQUIRE(eventually(
      [&] { return text_rows(tmux.capture("b")) == "hello from alice\nsecond line\n"; }));

  // Bob edits the same text: to the end of the first line, a word, and a typo fixed.
  tmux.key("b", "Down");
  tmux.key("b", "Up");
  tmux.key("b", "End");
  tmux.keys("b", " and bobx");
  tmux.key("b", "BSpace");
  tmux.key("a", "Home");
  tmux.keys("a", ">> ");
  const std::string expected = "hello from alice and bob\n>> second line\n";
  std::string seen_a;
  std::string seen_b;
  const bool same = eventually([&] {
    seen_a = text_rows(tmux.capture("a"));
    seen_b = text_rows(tmux.capture("b"));
    return seen_a == expected && seen_b == expected;
  });
  INFO("alice sees:\n" << seen_a << "bob sees:\n" << seen_b);
  REQUIRE(same);

  // Ctrl-Q quits each editor (its tmux session ends with it).
  tmux.key("a", "C-q");
  tmux.key("b", "C-q");
  CHECK(eventually([&] { return !tmux.alive("a") && !tmux.alive("b"); }, Millis(5'000)));
}
