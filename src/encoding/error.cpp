#include "weft/encoding/error.hpp"

#include <string>

namespace weft {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "weft"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::truncated:
        return "input ended inside a value";
      case errc::varint_overflow:
        return "varint longer than 64 bits";
      case errc::length_too_large:
        return "declared length exceeds the remaining input";
      case errc::bad_magic:
        return "not a weft encoding";
      case errc::unsupported_version:
        return "unsupported format version";
      case errc::wrong_type:
        return "encoding of a different type";
      case errc::checksum_mismatch:
        return "checksum mismatch: the bytes were altered";
      case errc::trailing_bytes:
        return "unexpected bytes after the end of the value";
      case errc::invalid_value:
        return "a field holds a value its type forbids";
      case errc::invalid_utf8:
        return "string is not valid UTF-8";
      case errc::non_canonical:
        return "value is not in canonical form";
      case errc::causality_violation:
        return "content contradicts causal order";
      case errc::limit_exceeded:
        return "a configured limit was exceeded";
      case errc::unknown_dot:
        return "names an event this replica has not seen";
      case errc::clock_overflow:
        return "a counter or Lamport clock too close to its maximum to allow further edits";
    }
    return "unknown weft error";
  }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace weft
