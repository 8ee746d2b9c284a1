#pragma once
// weft's error codes, their boost::system category, and result<T>.
//
// Everything that reads untrusted bytes returns result<T>; it never throws or
// asserts on input. Compare a failure with `r.error() == weft::errc::truncated`.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <type_traits>

namespace weft {

enum class errc {
  truncated = 1,        // input ended inside a value
  varint_overflow,      // a varint longer than 64 bits, or not minimally encoded
  length_too_large,     // a declared count or length exceeds the remaining input
  bad_magic,            // not a weft encoding (wrong leading bytes)
  unsupported_version,  // a format version this build does not read
  wrong_type,           // an encoding of another type than the one requested
  checksum_mismatch,    // bytes altered after encoding
  trailing_bytes,       // bytes left over after a complete value
  invalid_value,        // a field holds a value its type forbids
  invalid_utf8,         // a string that is not valid UTF-8
  non_canonical,        // a valid value in a form the encoder never produces
  causality_violation,  // content contradicts causal order (e.g. a dot reused)
  limit_exceeded,       // a configured bound (size, pending count) was hit
  unknown_dot,          // names an event (Dot) this replica has not seen
  clock_overflow,       // a counter or Lamport clock too close to its maximum to go on
};

[[nodiscard]] const boost::system::error_category& error_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace weft

template <>
struct boost::system::is_error_code_enum<weft::errc> : std::true_type {};
