// weft-trace: replays a real editing trace into weft::Text (and, with --doc,
// through weft::Doc) and reports times, sizes and memory; exits 1 when the
// final text is wrong.
//
//   weft-trace [--runs N] [--json] [--repeat K] [--skip-missing]
//              [--doc [--observe]] <trace.json.gz>
//
// Exit codes: 0 ok, 1 wrong final text or unreadable trace, 2 bad usage
// (including --doc on a concurrent trace), 77 trace file absent and
// --skip-missing given (ctest's SKIP_RETURN_CODE).
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock.hpp"
#include "doc_report.hpp"
#include "heap_counter.hpp"
#include "median.hpp"
#include "replay.hpp"
#include "trace.hpp"

namespace {

constexpr int kExitSkip = 77;
// --doc's default: a run through the current Doc takes seconds, not milliseconds.
constexpr std::size_t kDocDefaultRuns = 3;
// A --doc run longer than this reports its progress on stderr.
constexpr double kProgressAfterMs = 1000;

const char* const kUsage =
    "usage: weft-trace [--runs N] [--json] [--repeat K] [--skip-missing]\n"
    "                  [--doc [--observe]] <trace.json.gz>\n"
    "  --runs N        measured runs; medians are reported (default 5; 3 with --doc)\n"
    "  --json          print exactly one JSON object on stdout\n"
    "  --repeat K      sequential traces: replay all patches K times into one document\n"
    "  --skip-missing  exit 77 (skipped) instead of 1 when the trace file is absent\n"
    "  --doc           sequential traces only, without --repeat: each run also types the\n"
    "                  trace through a weft::Doc (one transaction per txn, text \"text\"),\n"
    "                  a second Doc applies the committed updates one by one, and the\n"
    "                  snapshot is loaded; reports doc_* figures (CPU ms) and their ratios\n"
    "                  to the same run's Text replay (CPU ms). Concurrent traces: exit 2\n"
    "  --observe       with --doc: one observer per Doc rebuilds the text from its change\n"
    "                  events; it must end equal to the Doc's text\n"
    "Sequential traces: local replay, encode, decode, merge into an empty replica, and a\n"
    "gap-buffer floor. Concurrent traces: one replica per agent, each brought to its txn's\n"
    "parents' version by applying the missing ancestors' updates, then one replica merges\n"
    "every txn's update. Exit 1 when any final text differs from endContent.\n";

struct Options {
  std::size_t runs = 5;
  std::size_t repeat = 1;
  bool json = false;
  bool skip_missing = false;
  bool runs_given = false;
  bool doc = false;
  bool observe = false;
  std::string path;
};

bool parse_count(std::string_view s, std::size_t& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && out > 0;
}

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--json") {
      o.json = true;
    } else if (a == "--skip-missing") {
      o.skip_missing = true;
    } else if (a == "--doc") {
      o.doc = true;
    } else if (a == "--observe") {
      o.observe = true;
    } else if (a == "--runs" || a == "--repeat") {
      if (i + 1 >= argc || !parse_count(argv[i + 1], a == "--runs" ? o.runs : o.repeat)) {
        return false;
      }
      o.runs_given = o.runs_given || a == "--runs";
      ++i;
    } else if (a.starts_with("-") || !o.path.empty()) {
      return false;
    } else {
      o.path = a;
    }
  }
  if (o.observe && !o.doc) return false;
  if (o.doc && o.repeat != 1) return false;
  if (o.doc && !o.runs_given) o.runs = kDocDefaultRuns;
  return !o.path.empty();
}

using weft::bench::median;

struct Summary {
  weft::bench::RunFigures median;  // every field a median over runs
  bool final_ok = true;
  std::string failure;
};

Summary summarize(const std::vector<weft::bench::RunFigures>& runs) {
  Summary s;
  auto col = [&](auto member) {
    std::vector<std::decay_t<decltype(runs[0].*member)>> v;
    for (const auto& r : runs) v.push_back(r.*member);
    return median(v);
  };
  using F = weft::bench::RunFigures;
  s.median.replay_ms = col(&F::replay_ms);
  s.median.merge_ms = col(&F::merge_ms);
  s.median.encode_ms = col(&F::encode_ms);
  s.median.decode_ms = col(&F::decode_ms);
  s.median.encoded_bytes = col(&F::encoded_bytes);
  s.median.memory_bytes = col(&F::memory_bytes);
  s.median.replay_cpu_ms = col(&F::replay_cpu_ms);
  s.median.merge_cpu_ms = col(&F::merge_cpu_ms);
  s.median.encode_cpu_ms = col(&F::encode_cpu_ms);
  s.median.decode_cpu_ms = col(&F::decode_cpu_ms);
  if (runs[0].floor_ms) {
    std::vector<double> v;
    std::vector<double> c;
    for (const auto& r : runs) {
      v.push_back(*r.floor_ms);
      c.push_back(*r.floor_cpu_ms);
    }
    s.median.floor_ms = median(v);
    s.median.floor_cpu_ms = median(c);
  }
  if (runs[0].heap_bytes) {
    std::vector<std::size_t> v;
    for (const auto& r : runs) v.push_back(*r.heap_bytes);
    s.median.heap_bytes = median(v);
  }
  for (const auto& r : runs) {
    if (!r.final_ok && s.final_ok) {
      s.final_ok = false;
      s.failure = r.failure;
    }
  }
  return s;
}

void print_json(const Options& o, const weft::bench::Trace& t, const Summary& s,
                const weft::bench::DocSummary* doc) {
  const auto& m = s.median;
  boost::json::object out;
  out["trace"] = t.name;
  out["kind"] = t.concurrent ? "concurrent" : "sequential";
  out["patches"] = t.patch_count() * o.repeat;
  out["txns"] = t.txns.size();
  out["final_ok"] = s.final_ok;
  if (!s.final_ok) out["failure"] = s.failure;
  out["replay_ms"] = m.replay_ms;
  out["merge_ms"] = m.merge_ms;
  out["encode_ms"] = m.encode_ms;
  out["decode_ms"] = m.decode_ms;
  out["encoded_bytes"] = m.encoded_bytes;
  out["memory_bytes"] = m.memory_bytes;
  if (m.heap_bytes) {
    out["heap_bytes"] = *m.heap_bytes;
  } else {
    out["heap_bytes"] = nullptr;
  }
  if (m.floor_ms) {
    out["floor_ms"] = *m.floor_ms;
    out["replay_over_floor"] = *m.floor_ms > 0 ? m.replay_ms / *m.floor_ms : 0.0;
  } else {
    out["floor_ms"] = nullptr;
  }
  out["replay_cpu_ms"] = m.replay_cpu_ms;
  out["merge_cpu_ms"] = m.merge_cpu_ms;
  out["encode_cpu_ms"] = m.encode_cpu_ms;
  out["decode_cpu_ms"] = m.decode_cpu_ms;
  if (m.floor_cpu_ms) {
    out["floor_cpu_ms"] = *m.floor_cpu_ms;
  } else {
    out["floor_cpu_ms"] = nullptr;
  }
  out["runs"] = o.runs;
  out["repeat"] = o.repeat;
  if (doc) weft::bench::add_doc_json(out, *doc);
  std::cout << boost::json::serialize(out) << '\n';
}

void print_table(const Options& o, const weft::bench::Trace& t, const Summary& s,
                 const weft::bench::DocSummary* doc) {
  const auto& m = s.median;
  std::printf("%s (%s): %zu txns, %zu patches, medians of %zu run(s)%s\n", t.name.c_str(),
              t.concurrent ? "concurrent" : "sequential", t.txns.size(), t.patch_count() * o.repeat,
              o.runs, o.repeat > 1 ? (", replayed " + std::to_string(o.repeat) + "x").c_str() : "");
  std::printf("  final text     %s%s%s\n", s.final_ok ? "OK" : "WRONG", s.final_ok ? "" : ": ",
              s.failure.c_str());
  std::printf("  replay         %12.3f ms   (cpu %.3f ms)\n", m.replay_ms, m.replay_cpu_ms);
  if (m.floor_ms) {
    std::printf("  floor (gap)    %12.3f ms   (cpu %.3f ms)   replay/floor %.1fx\n", *m.floor_ms,
                *m.floor_cpu_ms, *m.floor_ms > 0 ? m.replay_ms / *m.floor_ms : 0.0);
  }
  std::printf("  merge          %12.3f ms   (cpu %.3f ms)\n", m.merge_ms, m.merge_cpu_ms);
  std::printf("  encode         %12.3f ms   (cpu %.3f ms)\n", m.encode_ms, m.encode_cpu_ms);
  std::printf("  decode         %12.3f ms   (cpu %.3f ms)\n", m.decode_ms, m.decode_cpu_ms);
  std::printf("  encoded        %12zu bytes\n", m.encoded_bytes);
  std::printf("  memory_bytes   %12zu bytes (Text::memory_bytes)\n", m.memory_bytes);
  if (m.heap_bytes) {
    std::printf("  heap_bytes     %12zu bytes (counted operator new)\n", *m.heap_bytes);
  }
  if (doc) weft::bench::print_doc_table(*doc);
}

// --doc runs can take seconds each; only those report, so a fast run's stderr
// stays empty (and the Text-only mode's output is unchanged).
void report_progress(const Options& o, std::size_t run, double wall_ms,
                     const weft::bench::DocFigures& doc) {
  if (wall_ms < kProgressAfterMs) return;
  std::fprintf(stderr,
               "weft-trace: run %zu/%zu took %.1f s (Doc: replay %.1f s, remote %.1f s CPU)\n",
               run + 1, o.runs, wall_ms / 1e3, doc.replay_ms / 1e3, doc.remote_ms / 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    std::cerr << kUsage;
    return 2;
  }
  if (o.skip_missing && !std::filesystem::exists(o.path)) {
    std::cerr << "weft-trace: skipped: trace file " << o.path << " is absent\n";
    return kExitSkip;
  }
  weft::bench::Trace trace;
  std::string error;
  if (!weft::bench::load_trace(o.path, trace, error)) {
    std::cerr << "weft-trace: " << error << '\n';
    return 1;
  }
  if (trace.concurrent && o.repeat != 1) {
    std::cerr << "weft-trace: --repeat applies to sequential traces only\n" << kUsage;
    return 2;
  }
  if (trace.concurrent && o.doc) {
    // One typing Doc and one applying its updates is a sequential protocol;
    // concurrent traces would need a Doc per agent (run_concurrent's scheme).
    std::cerr << "weft-trace: --doc takes sequential traces only; " << o.path << " is concurrent\n";
    return 2;
  }
  if (trace.txns.empty()) {
    std::cerr << "weft-trace: " << o.path << " has no txns\n";
    return 1;
  }
  std::vector<weft::bench::RunFigures> runs;
  std::vector<weft::bench::DocFigures> doc_runs;
  try {
    for (std::size_t r = 0; r < o.runs; ++r) {
      const auto start = weft::bench::Clock::now();
      const bool verify_all = r == 0;
      runs.push_back(trace.concurrent ? weft::bench::run_concurrent(trace, verify_all)
                                      : weft::bench::run_sequential(trace, o.repeat, verify_all));
      if (o.doc) doc_runs.push_back(weft::bench::run_doc(trace, o.observe));
      if (o.doc) report_progress(o, r, weft::bench::ms_since(start), doc_runs.back());
    }
  } catch (const std::exception& e) {
    std::cerr << "weft-trace: " << o.path << ": " << e.what() << '\n';
    return 1;
  }
  Summary s = summarize(runs);
  std::optional<weft::bench::DocSummary> doc;
  if (o.doc) {
    doc = weft::bench::summarize_doc(doc_runs, runs, o.observe);
    if (!doc->median.final_ok && s.final_ok) {
      s.final_ok = false;
      s.failure = doc->median.failure;
    }
  }
  const weft::bench::DocSummary* d = doc ? &*doc : nullptr;
  if (o.json) {
    print_json(o, trace, s, d);
  } else {
    print_table(o, trace, s, d);
  }
  if (!s.final_ok) std::cerr << "weft-trace: final text wrong: " << s.failure << '\n';
  return s.final_ok ? 0 : 1;
}
