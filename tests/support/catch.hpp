#pragma once
// Catch2 plus the printers weft's tests need. Include this, not catch2 directly.
#include <catch2/catch.hpp>

#include <string>

#include "weft/encoding/error.hpp"

namespace Catch {
// Prints a result as "ok" or its error message, so CHECK(r) works for any T.
template <class T>
struct StringMaker<boost::system::result<T>> {
  static std::string convert(const boost::system::result<T>& r) {
    return r ? std::string("ok") : "error: " + r.error().message();
  }
};
}  // namespace Catch
