#pragma once
// EntryList<E>: a vector of dot-keyed entries that stores a single entry
// inline. Nearly every element of a set or map has exactly one live dot, so
// this saves an allocation and ~16 bytes per element over a small_vector.
// E must have a `dot` member; a nil dot marks the inline slot as unused.
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace weft::detail {

template <class E>
class EntryList {
 public:
  EntryList() = default;
  EntryList(const EntryList& other)
      : one_(other.one_),
        many_(other.many_ ? std::make_unique<std::vector<E>>(*other.many_) : nullptr) {}
  EntryList(EntryList&& other) noexcept
      : one_(std::move(other.one_)), many_(std::move(other.many_)) {
    other.one_ = E{};
  }
  EntryList& operator=(const EntryList& other) {
    if (this != &other) *this = EntryList(other);
    return *this;
  }
  EntryList& operator=(EntryList&& other) noexcept {
    one_ = std::move(other.one_);
    many_ = std::move(other.many_);
    other.one_ = E{};
    return *this;
  }
  ~EntryList() = default;

  [[nodiscard]] std::size_t size() const noexcept {
    return many_ ? many_->size() : (one_.dot.is_nil() ? 0 : 1);
  }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] const E* begin() const noexcept { return many_ ? many_->data() : &one_; }
  [[nodiscard]] const E* end() const noexcept { return begin() + size(); }
  [[nodiscard]] const E& back() const noexcept { return *(end() - 1); }
  [[nodiscard]] E* begin() noexcept { return many_ ? many_->data() : &one_; }
  [[nodiscard]] E* end() noexcept { return begin() + size(); }

  void push_back(E entry) {
    if (many_) {
      many_->push_back(std::move(entry));
    } else if (one_.dot.is_nil()) {
      one_ = std::move(entry);
    } else {
      many_ = std::make_unique<std::vector<E>>();
      many_->push_back(std::move(one_));
      many_->push_back(std::move(entry));
      one_ = E{};
    }
  }
  // Inserts `entry` before `pos` (a position in this list; end() appends).
  void insert(const E* pos, E entry) {
    if (many_) {
      many_->insert(many_->begin() + (pos - many_->data()), std::move(entry));
    } else if (one_.dot.is_nil()) {
      one_ = std::move(entry);
    } else {
      const bool before = pos == &one_;
      many_ = std::make_unique<std::vector<E>>();
      many_->reserve(2);
      if (before) many_->push_back(std::move(entry));
      many_->push_back(std::move(one_));
      if (!before) many_->push_back(std::move(entry));
      one_ = E{};
    }
  }
  // Erases the entry at `pos` (a position in this list).
  void erase(const E* pos) {
    if (!many_) {
      one_ = E{};
      return;
    }
    many_->erase(many_->begin() + (pos - many_->data()));
    collapse();
  }
  template <class Pred>
  void erase_if(Pred pred) {
    if (!many_) {
      if (!one_.dot.is_nil() && pred(std::as_const(one_))) one_ = E{};
      return;
    }
    std::erase_if(*many_, pred);
    collapse();
  }

  friend bool operator==(const EntryList& a, const EntryList& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  // Back to the inline form once at most one entry is left.
  void collapse() {
    if (many_->size() > 1) return;
    if (many_->size() == 1) one_ = std::move(many_->front());
    many_.reset();
  }

  E one_{};
  std::unique_ptr<std::vector<E>> many_;  // set only while there are >= 2 entries
};

}  // namespace weft::detail
