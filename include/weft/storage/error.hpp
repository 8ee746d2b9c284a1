#pragma once
// Error codes of weft's storage layer, with their own boost::system category.
//
// Every storage operation returns result<T>; compare a failure with
// `r.error() == weft::storage::storage_errc::corrupted`. Errors from decoding
// stored bytes inside a backend are reported as `corrupted`, never as the
// lower-level weft::errc, so callers need to handle only this enum.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace weft::storage {

enum class storage_errc {
  io_error = 1,          // the operating system reported a failed read, write, sync, open, ...
  corrupted,             // stored bytes fail validation (checksum, header, sequence gap, ...)
  locked,                // another process (or another open Storage) holds the store
  closed_after_failure,  // an earlier write or sync failed; reopen the store to continue
  unsupported_version,   // the store was written by a newer, unknown format version
  compactor_failed,      // the user-supplied compactor returned an error
  not_found,             // the store or file does not exist and creation was not requested
};

[[nodiscard]] const boost::system::error_category& storage_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(storage_errc e) noexcept {
  return {static_cast<int>(e), storage_category()};
}

}  // namespace weft::storage

template <>
struct boost::system::is_error_code_enum<weft::storage::storage_errc> : std::true_type {};
