#pragma once
// The shortest edit script between two sequences (Myers, "An O(ND) Difference
// Algorithm and Its Variations", 1986), used to describe a text or list change
// precisely when one batch made several separate edits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace weft::detail::doc {

struct DiffStep {
  enum class Kind : std::uint8_t { keep, insert, erase };
  Kind kind = Kind::keep;
  std::size_t count = 0;
};

// Between two keeps, all erases first, then all inserts: "delete, then insert".
inline std::vector<DiffStep> group_edits(const std::vector<DiffStep>& steps) {
  std::vector<DiffStep> out;
  std::size_t erased = 0;
  std::size_t inserted = 0;
  auto flush = [&] {
    if (erased != 0) out.push_back({DiffStep::Kind::erase, erased});
    if (inserted != 0) out.push_back({DiffStep::Kind::insert, inserted});
    erased = inserted = 0;
  };
  for (const DiffStep& step : steps) {
    if (step.kind == DiffStep::Kind::keep) {
      flush();
      out.push_back(step);
    } else {
      (step.kind == DiffStep::Kind::erase ? erased : inserted) += step.count;
    }
  }
  flush();
  return out;
}

// A minimal script may keep a letter or two that two words share ("lazy" ->
// "sleepy" keeps the "l"). A keep no longer than the edits on both sides of it
// is turned into erase + insert of the same elements, so a replaced word reads
// as one replacement, the way a person made it.
inline void absorb_short_keeps(std::vector<DiffStep>& steps) {
  auto edits_around = [&](std::size_t i, int dir) {
    std::size_t ins = 0;
    std::size_t del = 0;
    for (std::ptrdiff_t k = static_cast<std::ptrdiff_t>(i) + dir;
         k >= 0 && k < static_cast<std::ptrdiff_t>(steps.size()); k += dir) {
      const DiffStep& s = steps[static_cast<std::size_t>(k)];
      if (s.kind == DiffStep::Kind::keep) break;
      (s.kind == DiffStep::Kind::insert ? ins : del) += s.count;
    }
    return std::max(ins, del);
  };
  for (std::size_t i = 1; i + 1 < steps.size(); ++i) {
    if (steps[i].kind != DiffStep::Kind::keep) continue;
    if (steps[i].count <= edits_around(i, -1) && steps[i].count <= edits_around(i, +1)) {
      const std::size_t n = steps[i].count;
      steps[i] = {DiffStep::Kind::erase, n};
      steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(i) + 1, {DiffStep::Kind::insert, n});
    }
  }
}

// Steps turning a[0, n) into b[0, m), runs merged, erases before inserts at
// one place; `same(i, j)` compares a[i] with b[j]. Returns nullopt when more
// than `max_edits` insertions plus deletions are needed (time O((n + m) *
// max_edits), memory O(max_edits^2)); callers then fall back to a coarser delta.
template <class Same>
std::optional<std::vector<DiffStep>> shortest_edit(std::size_t n, std::size_t m, Same same,
                                                   std::size_t max_edits) {
  using Index = std::ptrdiff_t;
  const Index N = static_cast<Index>(n);
  const Index M = static_cast<Index>(m);
  const Index max_d = static_cast<Index>(std::min<std::size_t>(max_edits, n + m));
  const Index offset = max_d + 1;
  std::vector<Index> v(static_cast<std::size_t>(2 * max_d + 3), 0);
  std::vector<std::vector<Index>> trace;  // v before each round d
  Index found = -1;
  for (Index d = 0; d <= max_d && found < 0; ++d) {
    trace.push_back(v);
    for (Index k = -d; k <= d; k += 2) {
      const auto at = [&](Index kk) -> Index& { return v[static_cast<std::size_t>(kk + offset)]; };
      Index x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      Index y = x - k;
      while (x < N && y < M && same(static_cast<std::size_t>(x), static_cast<std::size_t>(y))) {
        ++x, ++y;
      }
      at(k) = x;
      if (x >= N && y >= M) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return std::nullopt;

  // Walk back from (N, M) through the saved rounds, collecting steps in reverse.
  std::vector<DiffStep> reversed;
  auto push = [&](DiffStep::Kind kind, Index count) {
    if (count <= 0) return;
    if (!reversed.empty() && reversed.back().kind == kind) {
      reversed.back().count += static_cast<std::size_t>(count);
    } else {
      reversed.push_back({kind, static_cast<std::size_t>(count)});
    }
  };
  Index x = N;
  Index y = M;
  for (Index d = found; d > 0; --d) {
    const auto& pv = trace[static_cast<std::size_t>(d)];
    const auto at = [&](Index kk) { return pv[static_cast<std::size_t>(kk + offset)]; };
    const Index k = x - y;
    const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
    const Index prev_k = down ? k + 1 : k - 1;
    const Index prev_x = at(prev_k);
    const Index prev_y = prev_x - prev_k;
    const Index snake_x = down ? prev_x : prev_x + 1;
    push(DiffStep::Kind::keep, x - snake_x);
    push(down ? DiffStep::Kind::insert : DiffStep::Kind::erase, 1);
    x = prev_x;
    y = prev_y;
  }
  push(DiffStep::Kind::keep, x);
  std::vector<DiffStep> steps(reversed.rbegin(), reversed.rend());
  absorb_short_keeps(steps);
  return group_edits(steps);
}

}  // namespace weft::detail::doc
