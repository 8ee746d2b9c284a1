#pragma once
// Where a change event happened: the steps from a root down to the changed
// object, shared between the events of one batch.
//
// Each event's path is its own last step plus its parent object's path, held
// by reference: the events of a batch that changed a chain d objects deep hold
// d steps in all, not d(d+1)/2 copies of them (a deep observer of a chain built
// in one update stays linear). A path is immutable, and it stays valid after
// the callback returns (copy events freely).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace weft {

// One step from an object down to an object nested in it.
struct PathStep {
  enum class Kind : std::uint8_t {
    key,    // a map's entry: `key`
    index,  // a list's element: `index` (its position now, in elements)
    value,  // a register's value
  };
  Kind kind = Kind::key;
  std::string key;
  std::uint64_t index = 0;
  friend bool operator==(const PathStep&, const PathStep&) = default;
};

class EventPath {
 public:
  EventPath() = default;  // the empty path: a root

  // `parent` followed by `step`.
  [[nodiscard]] static EventPath child(const EventPath& parent, PathStep step);

  // The steps, root first: O(size()).
  [[nodiscard]] std::vector<PathStep> steps() const;
  // The last step (the one into the changed object); size() > 0.
  [[nodiscard]] const PathStep& back() const noexcept { return last_->step; }
  [[nodiscard]] std::size_t size() const noexcept { return last_ ? last_->depth : 0; }
  [[nodiscard]] bool empty() const noexcept { return last_ == nullptr; }

  friend bool operator==(const EventPath& a, const EventPath& b);
  friend bool operator==(const EventPath& a, const std::vector<PathStep>& b) {
    return a.steps() == b;
  }

 private:
  struct Node {
    Node(std::shared_ptr<Node> p, PathStep s, std::size_t d)
        : parent(std::move(p)), step(std::move(s)), depth(d) {}
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    // Releases a long chain iteratively: the default would recurse once per step.
    ~Node();
    std::shared_ptr<Node> parent;
    PathStep step;
    std::size_t depth;  // steps from the root, this one included
  };
  std::shared_ptr<Node> last_;
};

}  // namespace weft
