#include "server/metered_document.hpp"

namespace weft::server {

result<UpdateStatus> MeteredDocument::apply_update(std::span<const std::uint8_t> update) {
  const auto start = std::chrono::steady_clock::now();
  auto status = inner_.apply_update(update);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (observer_) observer_(status, took.count());
  return status;
}

}  // namespace weft::server
