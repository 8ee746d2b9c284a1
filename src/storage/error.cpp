#include "weft/storage/error.hpp"

#include <string>

namespace weft::storage {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "weft.storage"; }
  std::string message(int value) const override {
    switch (static_cast<storage_errc>(value)) {
      case storage_errc::io_error:
        return "storage I/O error";
      case storage_errc::corrupted:
        return "stored data is corrupted";
      case storage_errc::locked:
        return "the store is locked by another user";
      case storage_errc::closed_after_failure:
        return "the store refuses work after an earlier I/O failure; reopen it";
      case storage_errc::unsupported_version:
        return "unsupported storage format version";
      case storage_errc::compactor_failed:
        return "the compactor failed";
      case storage_errc::not_found:
        return "the store does not exist";
    }
    return "unknown storage error";
  }
};

}  // namespace

const boost::system::error_category& storage_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace weft::storage
