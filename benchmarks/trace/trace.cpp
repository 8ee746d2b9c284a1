// The one translation unit that compiles Boost.JSON (header-only mode).
#include "trace.hpp"

#include <zlib.h>

#include <boost/json/src.hpp>
#include <string_view>

#include "weft/encoding/utf8.hpp"

namespace weft::bench {

std::size_t Trace::patch_count() const noexcept {
  std::size_t n = 0;
  for (const auto& t : txns) n += t.patches.size();
  return n;
}

std::size_t count_code_points(std::string_view text) noexcept {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

namespace {

bool read_file(const std::string& path, std::string& out, std::string& error) {
  // gzread passes uncompressed files through unchanged.
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = "cannot open " + path;
    return false;
  }
  char buf[1 << 16];
  for (;;) {
    int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      error = path + ": " + gzerror(f, &code);
      gzclose(f);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(f);
  return true;
}

bool as_size(const boost::json::value& v, std::size_t& out) {
  if (v.is_uint64()) {
    out = static_cast<std::size_t>(v.get_uint64());
    return true;
  }
  if (v.is_int64() && v.get_int64() >= 0) {
    out = static_cast<std::size_t>(v.get_int64());
    return true;
  }
  return false;
}

bool as_utf8(const boost::json::value& v, std::string& out) {
  if (!v.is_string()) return false;
  out.assign(v.get_string().data(), v.get_string().size());
  return is_valid_utf8(out);
}

bool read_patches(const boost::json::value& v, Txn& txn) {
  if (!v.is_array()) return false;
  for (const auto& p : v.get_array()) {
    if (!p.is_array() || p.get_array().size() != 3) return false;
    const auto& a = p.get_array();
    Patch patch;
    if (!as_size(a[0], patch.pos) || !as_size(a[1], patch.del) || !as_utf8(a[2], patch.ins)) {
      return false;
    }
    txn.patches.push_back(std::move(patch));
  }
  return true;
}

std::string base_name(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  for (std::string_view ext : {".gz", ".json"}) {
    if (name.size() > ext.size() && name.ends_with(ext)) name.resize(name.size() - ext.size());
  }
  return name;
}

}  // namespace

bool load_trace(const std::string& path, Trace& out, std::string& error) {
  std::string text;
  if (!read_file(path, text, error)) return false;
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text, ec);
  if (ec) {
    error = path + ": not JSON: " + ec.message();
    return false;
  }
  auto fail = [&](const std::string& what) {
    error = path + ": " + what;
    return false;
  };
  if (!root.is_object()) return fail("top level is not an object");
  const auto& obj = root.get_object();
  Trace trace;
  trace.name = base_name(path);
  if (const auto* kind = obj.if_contains("kind")) {
    trace.concurrent = kind->is_string() && kind->get_string() == "concurrent";
  }
  if (const auto* start = obj.if_contains("startContent")) {
    if (!as_utf8(*start, trace.start_content)) return fail("bad startContent");
  }
  const auto* end = obj.if_contains("endContent");
  if (end == nullptr || !as_utf8(*end, trace.end_content)) return fail("bad endContent");
  if (trace.concurrent) {
    const auto* agents = obj.if_contains("numAgents");
    if (agents == nullptr || !as_size(*agents, trace.num_agents)) return fail("bad numAgents");
  }
  const auto* txns = obj.if_contains("txns");
  if (txns == nullptr || !txns->is_array()) return fail("missing txns");
  trace.txns.reserve(txns->get_array().size());
  for (const auto& tv : txns->get_array()) {
    const std::size_t index = trace.txns.size();
    if (!tv.is_object()) return fail("txn " + std::to_string(index) + " is not an object");
    const auto& t = tv.get_object();
    Txn txn;
    const auto* patches = t.if_contains("patches");
    if (patches == nullptr || !read_patches(*patches, txn)) {
      return fail("txn " + std::to_string(index) + ": bad patches");
    }
    if (trace.concurrent) {
      const auto* parents = t.if_contains("parents");
      const auto* agent = t.if_contains("agent");
      if (parents == nullptr || !parents->is_array() || agent == nullptr ||
          !as_size(*agent, txn.agent) || txn.agent >= trace.num_agents) {
        return fail("txn " + std::to_string(index) + ": bad parents or agent");
      }
      for (const auto& p : parents->get_array()) {
        std::size_t parent = 0;
        if (!as_size(p, parent) || parent >= index) {
          return fail("txn " + std::to_string(index) + ": parent does not precede it");
        }
        txn.parents.push_back(parent);
      }
    }
    trace.txns.push_back(std::move(txn));
  }
  out = std::move(trace);
  return true;
}

}  // namespace weft::bench
