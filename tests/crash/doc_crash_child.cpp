// Child process of the Doc crash test: edits a PersistentDoc forever and
// acknowledges each edit on stdout (8 bytes, the edit's index) after commit()
// returned success. The parent kills it with SIGKILL at random moments.
//
//   weft_doc_crash_child <file_log|sqlite> <location> <durable|relaxed>
//
// Exit codes: 2 the store did not open, 3 the stored document did not load,
// 4 a write failed.
#include <unistd.h>

#include <cstring>
#include <string>

#include "crash/doc_workload.hpp"
#include "storage/backends.hpp"
#include "weft/storage/persistent_doc.hpp"

using namespace weft;
using namespace weft::storage;

int main(int argc, char** argv) {
  if (argc != 4) return 1;
  const std::string backend = argv[1];
  StorageOptions options;
  options.durability =
      std::strcmp(argv[3], "relaxed") == 0 ? Durability::relaxed : Durability::durable;
  options.compactor = PersistentDoc::compactor();
  options.compact_threshold_bytes = 4096;  // frequent compactions: kills land inside them
  auto opened = test::open_backend(backend, argv[2], options);
  if (!opened) return 2;
  std::unique_ptr<Storage> store = std::move(*opened);
  auto pdoc = PersistentDoc::open(*store, "doc", {.replica = ReplicaId(42), .counter_lease = 16});
  if (!pdoc) return 3;
  for (std::uint64_t i = test::edits_in((*pdoc)->doc());; ++i) {
    auto tx = (*pdoc)->transact();
    test::crash_edit(tx, (*pdoc)->doc(), i);
    if (!(*pdoc)->commit(tx)) return 4;
    if (::write(STDOUT_FILENO, &i, sizeof i) != static_cast<ssize_t>(sizeof i)) return 4;
  }
}
