// Behaviour of the Storage interface, identical for every backend.
#include <set>
#include <stdexcept>
#include <string>

#include "storage/backends.hpp"
#include "storage/id_set.hpp"
#include "storage/temp_dir.hpp"
#include "support/catch.hpp"

using namespace weft;
using namespace weft::storage;
using weft::test::make_update;

namespace {

Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

}  // namespace

TEST_CASE("append then load returns every update in order, also after reopening", "[storage]") {
  for (const auto& backend : test::backends()) {
    for (const auto mode : {Durability::durable, Durability::relaxed}) {
      INFO(backend.name << " mode " << static_cast<int>(mode));
      test::TempDir dir;
      const auto at = backend.location(dir.path());
      StorageOptions options;
      options.durability = mode;
      {
        auto store = backend.open(at, options);
        REQUIRE(store);
        for (std::uint64_t i = 0; i < 20; ++i) {
          auto r = (*store)->append("doc", make_update(i));
          REQUIRE(r);
          CHECK(r->seq == i);
          CHECK(r->log_records == i + 1);
        }
        REQUIRE((*store)->append("other", bytes_of("x")));
        REQUIRE((*store)->append("doc", Bytes{}));  // empty updates are valid
        auto loaded = (*store)->load("doc");
        REQUIRE(loaded);
        CHECK(loaded->updates.size() == 21);
        CHECK(loaded->updates.back().empty());
      }
      auto store = backend.open(at, options);
      REQUIRE(store);
      auto loaded = (*store)->load("doc");
      REQUIRE(loaded);
      CHECK_FALSE(loaded->snapshot);
      CHECK(loaded->snapshot_seq == 0);
      CHECK_FALSE(loaded->recovery.truncated());
      REQUIRE(loaded->updates.size() == 21);
      for (std::uint64_t i = 0; i < 20; ++i) CHECK(loaded->updates[i] == make_update(i));
      auto other = (*store)->load("other");
      REQUIRE(other);
      CHECK(other->updates == std::vector<Bytes>{bytes_of("x")});
      // Appending after a reopen continues the numbering.
      auto r = (*store)->append("doc", make_update(99));
      REQUIRE(r);
      CHECK(r->seq == 21);
    }
  }
}

TEST_CASE("unknown documents load empty and list_documents names every stored one", "[storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    const std::string binary("a\0/\xff", 4);
    {
      auto store = backend.open(at, {});
      REQUIRE(store);
      auto empty = (*store)->load("nothing");
      REQUIRE(empty);
      CHECK(empty->updates.empty());
      CHECK_FALSE(empty->snapshot);
      CHECK_FALSE(empty->meta);
      REQUIRE((*store)->append("zeta", bytes_of("1")));
      REQUIRE((*store)->append(binary, bytes_of("2")));
      REQUIRE((*store)->put_meta("alpha", DocMeta{ReplicaId(7), 100}));
      auto names = (*store)->list_documents();
      REQUIRE(names);
      CHECK(*names == std::vector<std::string>{binary, "alpha", "zeta"});
    }
    auto store = backend.open(at, {});
    REQUIRE(store);
    auto names = (*store)->list_documents();
    REQUIRE(names);
    CHECK(*names == std::vector<std::string>{binary, "alpha", "zeta"});
    auto doc = (*store)->load(binary);
    REQUIRE(doc);
    CHECK(doc->updates == std::vector<Bytes>{bytes_of("2")});
  }
}

TEST_CASE("replace_prefix swaps a log prefix for a snapshot and keeps the rest", "[storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    {
      auto store = backend.open(at, {});
      REQUIRE(store);
      for (std::uint64_t i = 0; i < 10; ++i) REQUIRE((*store)->append("d", make_update(i)));
      REQUIRE((*store)->put_meta("d", DocMeta{ReplicaId(5), 42}));
      REQUIRE((*store)->replace_prefix("d", 6, test::encode_ids({0, 1, 2, 3, 4, 5})));
      CHECK_THROWS_AS((void)(*store)->replace_prefix("d", 5, Bytes{}), std::out_of_range);
      CHECK_THROWS_AS((void)(*store)->replace_prefix("d", 11, Bytes{}), std::out_of_range);
      auto r = (*store)->append("d", make_update(10));
      REQUIRE(r);
      CHECK(r->seq == 10);
      CHECK(r->log_records == 5);
    }
    auto store = backend.open(at, {});
    REQUIRE(store);
    auto d = (*store)->load("d");
    REQUIRE(d);
    CHECK(d->snapshot_seq == 6);
    REQUIRE(d->snapshot);
    CHECK(*d->snapshot == test::encode_ids({0, 1, 2, 3, 4, 5}));
    REQUIRE(d->updates.size() == 5);
    for (std::uint64_t i = 0; i < 5; ++i) CHECK(d->updates[i] == make_update(6 + i));
    CHECK(d->meta == DocMeta{ReplicaId(5), 42});
    // Compacting everything leaves an empty log.
    REQUIRE(
        (*store)->replace_prefix("d", 11, test::encode_ids({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})));
    auto all = (*store)->load("d");
    REQUIRE(all);
    CHECK(all->updates.empty());
    CHECK(all->next_seq() == 11);
  }
}

TEST_CASE("automatic compaction keeps the exact document and bounds the log", "[storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    StorageOptions options;
    options.compactor = test::id_set_compactor();
    options.compact_threshold_bytes = 500;
    std::uint64_t max_log_bytes = 0;
    {
      auto store = backend.open(at, options);
      REQUIRE(store);
      for (std::uint64_t i = 0; i < 300; ++i) {
        auto r = (*store)->append("d", make_update(i));
        REQUIRE(r);
        CHECK(r->seq == i);
        max_log_bytes = std::max(max_log_bytes, r->log_bytes);
        if (i % 50 == 0) REQUIRE((*store)->put_meta("d", DocMeta{ReplicaId(9), i + 50}));
      }
      CHECK_FALSE((*store)->last_compaction_error());
    }
    // The threshold plus one update (at most 8 + 61 bytes) bounds the log.
    CHECK(max_log_bytes < 500 + 70);
    auto store = backend.open(at, options);
    REQUIRE(store);
    auto d = (*store)->load("d");
    REQUIRE(d);
    CHECK(d->snapshot_seq > 0);
    CHECK(d->next_seq() == 300);
    auto doc = test::decode_doc(*d);
    REQUIRE(doc);
    CHECK(doc->ids.size() == 300);
    CHECK(test::is_prefix_set(doc->ids));
    CHECK(d->meta == DocMeta{ReplicaId(9), 300});
  }
}

TEST_CASE("a failing compactor never fails the append that triggered it", "[storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    StorageOptions options;
    int calls = 0;
    options.compactor = [&](const std::optional<Bytes>&, std::span<const Bytes>) -> result<Bytes> {
      ++calls;
      return errc::invalid_value;
    };
    options.compact_threshold_bytes = 100;
    auto store = backend.open(backend.location(dir.path()), options);
    REQUIRE(store);
    for (std::uint64_t i = 0; i < 40; ++i) REQUIRE((*store)->append("d", make_update(i)));
    REQUIRE((*store)->last_compaction_error());
    CHECK(*(*store)->last_compaction_error() == storage_errc::compactor_failed);
    // Retried only after the log grows by another threshold, not on every append.
    CHECK(calls >= 2);
    CHECK(calls < 30);
    auto d = (*store)->load("d");
    REQUIRE(d);
    CHECK(d->updates.size() == 40);
    CHECK_FALSE((*store)->failed());
  }
}

TEST_CASE("metadata survives reopening, and the last value wins", "[storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    StorageOptions options;
    options.durability = Durability::relaxed;
    {
      auto store = backend.open(at, options);
      REQUIRE(store);
      REQUIRE((*store)->put_meta("d", DocMeta{ReplicaId(0xfeedfacecafebeefull), 1000}));
      REQUIRE((*store)->append("d", make_update(1)));
      REQUIRE((*store)->put_meta("d", DocMeta{ReplicaId(0xfeedfacecafebeefull), 2000}));
    }
    auto store = backend.open(at, options);
    REQUIRE(store);
    auto d = (*store)->load("d");
    REQUIRE(d);
    CHECK(d->meta == DocMeta{ReplicaId(0xfeedfacecafebeefull), 2000});
    CHECK(d->updates.size() == 1);
  }
}

TEST_CASE("a second open of the same store is refused with locked", "[storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    const auto at = backend.location(dir.path());
    auto first = backend.open(at, {});
    REQUIRE(first);
    auto second = backend.open(at, {});
    REQUIRE_FALSE(second);
    CHECK(second.error() == storage_errc::locked);
    first->reset();
    auto third = backend.open(at, {});
    CHECK(third);
  }
}

TEST_CASE("caller mistakes throw", "[storage]") {
  for (const auto& backend : test::backends()) {
    INFO(backend.name);
    test::TempDir dir;
    StorageOptions options;
    options.max_record_bytes = 16;
    auto store = backend.open(backend.location(dir.path()), options);
    REQUIRE(store);
    CHECK_THROWS_AS((void)(*store)->append("", Bytes{1}), std::invalid_argument);
    CHECK_THROWS_AS((void)(*store)->append(std::string(kMaxDocNameBytes + 1, 'a'), Bytes{1}),
                    std::invalid_argument);
    CHECK_THROWS_AS((void)(*store)->append("d", Bytes(17, 0)), std::invalid_argument);
    CHECK((*store)->append(std::string(kMaxDocNameBytes, 'a'), Bytes(16, 0)));
  }
}
