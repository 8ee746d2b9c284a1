#pragma once
// FNV-1a, the hash behind Doc::digest() (internal): the one shared with Text
// and List, found from weft::detail::doc as Fnv.
#include "weft/core/detail/fnv.hpp"
