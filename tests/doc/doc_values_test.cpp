// Values of every integer type, printing, and state vectors on the wire.
#include <limits>

#include "doc/doc_test_util.hpp"
#include "support/catch.hpp"
#include "weft/doc/value_format.hpp"

using namespace weft;

TEST_CASE("Value takes every integer type and reads back into any that fits", "[doc]") {
  const std::size_t size = 42;
  const std::uint32_t u32 = 7;
  const long long ll = -5;
  const unsigned char byte = 200;
  CHECK(Value(size).as<std::int64_t>() == 42);
  CHECK(Value(u32).as<std::uint32_t>() == 7u);
  CHECK(Value(ll).as<int>() == -5);
  CHECK(Value(byte).as<unsigned>() == 200u);
  CHECK(Value(size) == Value(42));
  CHECK_THROWS_AS(Value(std::numeric_limits<std::uint64_t>::max()), std::out_of_range);
  CHECK_THROWS_AS(Value(std::int64_t{1} << 40).as<int>(), std::out_of_range);
  CHECK_THROWS_AS(Value(-1).as<std::size_t>(), std::out_of_range);
  CHECK_THROWS_AS(Value("x").as<int>(), std::bad_variant_access);
  CHECK(Value(true).as<bool>());
  const Value s("s");  // a named value: GCC 12 warns falsely on the temporary's string
  CHECK(s.as<std::string>().size() == 1);

  Doc d(ReplicaId{1});
  {
    auto tx = d.transact();
    tx.map("m").set("n", std::size_t{3});
  }
  CHECK(d.map(test::root_map()).get("n")->as<int>() == 3);
}

TEST_CASE("values print with fmt", "[doc]") {
  CHECK(fmt::format("{}", Value()) == "null");
  CHECK(fmt::format("{}", Value(false)) == "false");
  CHECK(fmt::format("{}", Value(-12)) == "-12");
  CHECK(fmt::format("{}", Value(2.5)) == "2.5");
  CHECK(fmt::format("{}", Value("hi")) == "\"hi\"");
  CHECK(fmt::format("{}", Value(Bytes{1, 0xAB})) == "bytes[2]:01ab");
  CHECK(fmt::format("{}", Value(ObjectRef{Dot{ReplicaId{9}, 4}, ObjectKind::list})) == "list@9:4");
}

TEST_CASE("state vectors encode and decode with one call each", "[doc]") {
  Doc a(ReplicaId{1});
  Doc b(ReplicaId{2});
  {
    auto tx = a.transact();
    tx.text("t").insert(0, "hello");
  }
  REQUIRE(b.apply_update(a.encode_snapshot()));
  {
    auto tx = b.transact();
    tx.text("t").insert(5, "!");
  }
  const Bytes wire = encode_state_vector(a.state_vector());
  auto sv = decode_state_vector(wire);
  REQUIRE(sv);
  CHECK(*sv == a.state_vector());
  REQUIRE(a.apply_update(b.encode_update_since(*sv)));
  CHECK(a.text(test::root_text()).to_string() == "hello!");
  // Damaged or truncated: an error, never a wrong vector.
  for (std::size_t n = 0; n < wire.size(); ++n) {
    CHECK_FALSE(decode_state_vector(std::span(wire).first(n)));
    Bytes flipped = wire;
    flipped[n] ^= 0x10;
    CHECK_FALSE(decode_state_vector(flipped));
  }
}
