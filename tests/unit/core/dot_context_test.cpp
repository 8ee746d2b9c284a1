#include "support/catch.hpp"

#include "weft/core/dot_context.hpp"

using weft::Dot;
using weft::DotContext;
using weft::ReplicaId;

TEST_CASE("DotContext compacts out-of-order dots into the vector", "[core][dot_context]") {
  DotContext ctx;
  const ReplicaId r{3};
  ctx.insert(Dot{r, 3});
  ctx.insert(Dot{r, 2});
  CHECK(ctx.version().get(r) == 0);
  CHECK(ctx.cloud().size() == 2);
  CHECK(ctx.contains(Dot{r, 3}));
  CHECK_FALSE(ctx.contains(Dot{r, 1}));
  ctx.insert(Dot{r, 1});
  CHECK(ctx.version().get(r) == 3);
  CHECK(ctx.cloud().empty());
}

TEST_CASE("DotContext next_dot never reuses a dot", "[core][dot_context]") {
  DotContext ctx;
  const ReplicaId r{5};
  ctx.insert(Dot{r, 10});  // seen out of order, e.g. from our own earlier incarnation
  const Dot d = ctx.next_dot(r);
  CHECK(d.counter == 11);
  CHECK(ctx.contains(d));
}

TEST_CASE("DotContext join is commutative and canonical", "[core][dot_context]") {
  DotContext a;
  DotContext b;
  a.insert(Dot{ReplicaId{1}, 1});
  a.insert(Dot{ReplicaId{1}, 3});
  b.insert(Dot{ReplicaId{1}, 2});
  b.insert(Dot{ReplicaId{2}, 1});
  auto ab = a;
  ab.join(b);
  auto ba = b;
  ba.join(a);
  CHECK(ab == ba);
  CHECK(ab.version().get(ReplicaId{1}) == 3);
  CHECK(ab.cloud().empty());
}
