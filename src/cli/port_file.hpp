#pragma once
// --port-file: where a program (weft-peer, collab_edit, weft-server) that listens on port 0 tells
// another process (a test, a script) which ports it got, when its stdout is not readable (the
// terminal of collab_edit) or is inconvenient. Picking a "free" port first and
// binding it later races with every other process that opens connections.
#include <string>
#include <vector>

namespace weft::cli {

// Writes `urls` (the bound --listen URLs, real ports), one per line, to `path`.
// The file appears complete or not at all (written beside it, then renamed), so a
// reader that polls for it never sees half a line. False, with `error` set, on
// failure.
[[nodiscard]] bool write_port_file(const std::string& path, const std::vector<std::string>& urls,
                                   std::string& error);

}  // namespace weft::cli
