// Child process of the crash test: appends updates to a store forever and
// acknowledges each one on stdout (8 bytes, the update id) after append()
// returned success. The parent kills it with SIGKILL at random moments.
//
//   weft_storage_crash_child <file_log|sqlite> <location> <durable|relaxed>
//
// Exit codes: 2 the store did not open, 3 the stored document was already
// inconsistent, 4 a write failed.
#include <unistd.h>

#include <cstring>
#include <string>

#include "storage/backends.hpp"
#include "storage/id_set.hpp"

using namespace weft;
using namespace weft::storage;

int main(int argc, char** argv) {
  if (argc != 4) return 1;
  const std::string backend = argv[1];
  StorageOptions options;
  options.durability =
      std::strcmp(argv[3], "relaxed") == 0 ? Durability::relaxed : Durability::durable;
  options.compactor = test::id_set_compactor();
  options.compact_threshold_bytes = 1200;  // compaction every ~30 updates: kills land inside it
  auto opened = test::open_backend(backend, argv[2], options);
  if (!opened) return 2;
  std::unique_ptr<Storage> store = std::move(*opened);
  auto data = store->load("doc");
  if (!data) return 3;
  auto doc = test::decode_doc(*data);
  if (!doc || !test::is_prefix_set(doc->ids)) return 3;
  std::uint64_t high_water = data->meta ? data->meta->counter_high_water : 0;
  for (std::uint64_t id = doc->ids.size(); id < doc->ids.size() + 1'000'000; ++id) {
    // Update `id` uses counter id + 1: lease counters ahead so none is reused after a crash.
    if (id + 1 > high_water) {
      high_water = id + 1 + 16;
      if (!store->put_meta("doc", DocMeta{ReplicaId(42), high_water})) return 4;
    }
    if (!store->append("doc", test::make_update(id))) return 4;
    if (::write(STDOUT_FILENO, &id, sizeof id) != static_cast<ssize_t>(sizeof id)) return 4;
  }
  return 0;
}
