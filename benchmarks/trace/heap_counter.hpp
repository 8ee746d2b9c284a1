#pragma once
// Live heap bytes of the whole process, counted by weft-trace's replacement of
// the global operator new/delete (heap_counter.cpp). It cross-checks what
// Text::memory_bytes() claims. Counting is not thread-safe: weft-trace is
// single-threaded. Under sanitizers the replacement is compiled out (the
// sanitizer owns operator new) and `heap_counting_enabled()` is false.
#include <cstddef>

namespace weft::bench {

[[nodiscard]] bool heap_counting_enabled() noexcept;
// Bytes currently allocated through operator new (usable sizes, as malloc reports them).
[[nodiscard]] std::size_t live_heap_bytes() noexcept;

}  // namespace weft::bench
