#include "weft/doc/event_path.hpp"

#include <algorithm>

namespace weft {

EventPath::Node::~Node() {
  // Take over each parent this node alone keeps alive, so that destroying a
  // path of a million steps uses constant stack.
  std::shared_ptr<Node> p = std::move(parent);
  while (p && p.use_count() == 1) p = std::move(p->parent);
}

EventPath EventPath::child(const EventPath& parent, PathStep step) {
  EventPath out;
  out.last_ = std::make_shared<Node>(parent.last_, std::move(step), parent.size() + 1);
  return out;
}

std::vector<PathStep> EventPath::steps() const {
  std::vector<PathStep> out;
  out.reserve(size());
  for (const Node* n = last_.get(); n != nullptr; n = n->parent.get()) out.push_back(n->step);
  std::reverse(out.begin(), out.end());
  return out;
}

bool operator==(const EventPath& a, const EventPath& b) {
  if (a.size() != b.size()) return false;
  const EventPath::Node* x = a.last_.get();
  const EventPath::Node* y = b.last_.get();
  for (; x != y; x = x->parent.get(), y = y->parent.get()) {
    if (!(x->step == y->step)) return false;
  }
  return true;
}

}  // namespace weft
