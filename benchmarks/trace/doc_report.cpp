#include "doc_report.hpp"

#include <cstdio>

#include "median.hpp"

namespace weft::bench {
namespace {

double ratio(double a, double b) {
  return b > 0 ? a / b : 0.0;
}

}  // namespace

DocSummary summarize_doc(const std::vector<DocFigures>& doc, const std::vector<RunFigures>& text,
                         bool observe) {
  DocSummary s;
  s.observe = observe;
  auto col = [&](auto member) {
    std::vector<std::decay_t<decltype(doc[0].*member)>> v;
    for (const auto& r : doc) v.push_back(r.*member);
    return median(v);
  };
  s.median.replay_ms = col(&DocFigures::replay_ms);
  s.median.remote_ms = col(&DocFigures::remote_ms);
  s.median.load_ms = col(&DocFigures::load_ms);
  s.median.update_avg_bytes = col(&DocFigures::update_avg_bytes);
  s.median.snapshot_bytes = col(&DocFigures::snapshot_bytes);
  if (doc[0].memory_bytes) {
    std::vector<std::size_t> v;
    for (const auto& r : doc) v.push_back(*r.memory_bytes);
    s.median.memory_bytes = median(v);
  }
  std::vector<double> replay;
  std::vector<double> remote;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    replay.push_back(ratio(doc[i].replay_ms, text[i].replay_cpu_ms));
    remote.push_back(ratio(doc[i].remote_ms, text[i].replay_cpu_ms));
  }
  s.replay_ratio = median(replay);
  s.remote_ratio = median(remote);
  s.median.final_ok = true;
  for (const auto& r : doc) {
    if (!r.final_ok && s.median.final_ok) {
      s.median.final_ok = false;
      s.median.failure = r.failure;
    }
  }
  return s;
}

void add_doc_json(boost::json::object& out, const DocSummary& s) {
  const auto& m = s.median;
  out["observe"] = s.observe;
  out["doc_replay_ms"] = m.replay_ms;
  out["doc_remote_ms"] = m.remote_ms;
  out["doc_load_ms"] = m.load_ms;
  out["doc_update_avg_bytes"] = m.update_avg_bytes;
  out["doc_snapshot_bytes"] = m.snapshot_bytes;
  if (m.memory_bytes) {
    out["doc_memory_bytes"] = *m.memory_bytes;
  } else {
    out["doc_memory_bytes"] = nullptr;
  }
  out["doc_replay_ratio"] = s.replay_ratio;
  out["doc_remote_ratio"] = s.remote_ratio;
}

void print_doc_table(const DocSummary& s) {
  const auto& m = s.median;
  std::printf("  weft::Doc, observers %s (CPU ms; ratios to the Text replay's CPU, same run)\n",
              s.observe ? "on" : "off");
  std::printf("  doc replay     %12.3f ms   %8.1fx Text replay\n", m.replay_ms, s.replay_ratio);
  std::printf("  doc remote     %12.3f ms   %8.1fx Text replay\n", m.remote_ms, s.remote_ratio);
  std::printf("  doc load       %12.3f ms\n", m.load_ms);
  std::printf("  doc update avg %12.1f bytes\n", m.update_avg_bytes);
  std::printf("  doc snapshot   %12zu bytes\n", m.snapshot_bytes);
  if (m.memory_bytes) {
    std::printf("  doc memory     %12zu bytes (heap the Doc releases when destroyed)\n",
                *m.memory_bytes);
  }
}

}  // namespace weft::bench
