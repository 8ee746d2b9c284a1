#include "heap_counter.hpp"

#include <malloc.h>

#include <cstdlib>
#include <new>

#if !defined(WEFT_SANITIZED)
namespace {
// Plain counter: weft-trace runs on one thread, and an atomic would tax every
// allocation of the code being measured.
std::size_t g_live = 0;
}  // namespace
#endif

namespace weft::bench {

#if defined(WEFT_SANITIZED)
bool heap_counting_enabled() noexcept {
  return false;
}
std::size_t live_heap_bytes() noexcept {
  return 0;
}
#else
bool heap_counting_enabled() noexcept {
  return true;
}
std::size_t live_heap_bytes() noexcept {
  return g_live;
}
#endif

}  // namespace weft::bench

#if !defined(WEFT_SANITIZED)
namespace {

void* counted_alloc(std::size_t size, std::size_t align) noexcept {
  if (size == 0) size = 1;
  void* p = nullptr;
  if (align <= alignof(std::max_align_t)) {
    p = std::malloc(size);
  } else if (posix_memalign(&p, align, size) != 0) {
    p = nullptr;
  }
  if (p != nullptr) g_live += malloc_usable_size(p);
  return p;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  g_live -= malloc_usable_size(p);
  std::free(p);
}

void* counted_alloc_or_throw(std::size_t size, std::size_t align) {
  void* p = counted_alloc(size, align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

constexpr std::size_t kPlain = alignof(std::max_align_t);

}  // namespace

void* operator new(std::size_t n) {
  return counted_alloc_or_throw(n, kPlain);
}
void* operator new[](std::size_t n) {
  return counted_alloc_or_throw(n, kPlain);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n, kPlain);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n, kPlain);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return counted_alloc_or_throw(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return counted_alloc_or_throw(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  counted_free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  counted_free(p);
}
#endif
