#include "doc_replay.hpp"

#include <memory>
#include <string>
#include <vector>

#include "clock.hpp"
#include "heap_counter.hpp"
#include "shadow_text.hpp"
#include "weft/doc/doc.hpp"

namespace weft::bench {
namespace {

constexpr std::string_view kTextName = "text";

void fail(DocFigures& f, std::string why) {
  if (f.failure.empty()) f.failure = std::move(why);
}

void expect_text(DocFigures& f, const std::string& got, const std::string& want, const char* who) {
  if (got != want) fail(f, std::string(who) + " differs from the expected text");
}

void expect_shadow(DocFigures& f, const ShadowText& shadow, const std::string& doc_text,
                   const char* who) {
  if (!shadow.failure().empty()) {
    fail(f, std::string(who) + ": " + shadow.failure());
  } else if (shadow.to_utf8() != doc_text) {
    fail(f, std::string(who) + " differs from its Doc's text");
  }
}

Subscription observe_into(Doc& doc, const ObjectId& id, ShadowText& shadow) {
  return doc.observe(id, [&shadow](std::span<const ChangeEvent> events) { shadow.apply(events); });
}

}  // namespace

DocFigures run_doc(const Trace& trace, bool observe) {
  DocFigures f;
  const ObjectId id = ObjectId::named(std::string(kTextName), ObjectKind::text);
  std::vector<Bytes> updates;
  updates.reserve(trace.txns.size());
  Bytes snapshot;
  ShadowText typed_view(id);
  {
    // In a scope of its own so that its destruction measures what it holds.
    auto doc = std::make_unique<Doc>(ReplicaId{1});
    Subscription sub;
    if (observe) sub = observe_into(*doc, id, typed_view);
    const double cpu = cpu_now_ms();
    for (const Txn& txn : trace.txns) {
      auto tx = doc->transact();
      TextRef text = tx.text(kTextName);
      for (const Patch& p : txn.patches) {
        if (p.del > 0) text.erase(p.pos, p.del);
        if (!p.ins.empty()) text.insert(p.pos, p.ins);
      }
      updates.push_back(tx.commit());
    }
    f.replay_ms = cpu_now_ms() - cpu;
    const std::string final_text = doc->text(id).to_string();
    expect_text(f, final_text, trace.end_content, "typed Doc");
    if (observe) expect_shadow(f, typed_view, final_text, "typed Doc's observer");
    snapshot = doc->encode_snapshot();

    // The subscription first: it holds the observer registry's control block.
    sub.reset();
    const std::size_t held = live_heap_bytes();
    doc.reset();
    if (heap_counting_enabled()) f.memory_bytes = held - live_heap_bytes();
  }
  std::size_t update_bytes = 0;
  for (const Bytes& u : updates) update_bytes += u.size();
  f.update_avg_bytes =
      updates.empty() ? 0.0
                      : static_cast<double>(update_bytes) / static_cast<double>(updates.size());
  f.snapshot_bytes = snapshot.size();

  {
    Doc remote(ReplicaId{2});
    ShadowText remote_view(id);
    Subscription sub;
    if (observe) sub = observe_into(remote, id, remote_view);
    const double cpu = cpu_now_ms();
    for (const Bytes& u : updates) {
      if (u.empty()) continue;  // a txn that changed nothing has nothing to send
      auto r = remote.apply_update(u);
      if (!r) {
        fail(f, "remote Doc: apply_update failed: " + r.error().message());
        break;
      }
      if (r->pending != 0) {
        fail(f, "remote Doc: an update was left pending");
        break;
      }
    }
    f.remote_ms = cpu_now_ms() - cpu;
    const std::string final_text = remote.text(id).to_string();
    expect_text(f, final_text, trace.end_content, "remote Doc");
    if (observe) expect_shadow(f, remote_view, final_text, "remote Doc's observer");
  }

  const double cpu = cpu_now_ms();
  auto loaded = Doc::load(snapshot, ReplicaId{3});
  f.load_ms = cpu_now_ms() - cpu;
  if (!loaded) {
    fail(f, "Doc::load of the snapshot failed: " + loaded.error().message());
  } else {
    expect_text(f, loaded->text(id).to_string(), trace.end_content, "loaded Doc");
  }
  f.final_ok = f.failure.empty();
  return f;
}

}  // namespace weft::bench
