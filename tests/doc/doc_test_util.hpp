#pragma once
// Helpers shared by the Doc tests.
#include <sstream>
#include <string>

#include "weft/doc/doc.hpp"

namespace weft::test {

inline ObjectId root_map(const char* n = "m") {
  return ObjectId::named(n, ObjectKind::map);
}
inline ObjectId root_text(const char* n = "t") {
  return ObjectId::named(n, ObjectKind::text);
}
inline ObjectId root_list(const char* n = "l") {
  return ObjectId::named(n, ObjectKind::list);
}
inline ObjectId root_counter(const char* n = "c") {
  return ObjectId::named(n, ObjectKind::counter);
}
inline ObjectId root_lww(const char* n = "r") {
  return ObjectId::named(n, ObjectKind::lww_register);
}
inline ObjectId root_mv(const char* n = "v") {
  return ObjectId::named(n, ObjectKind::mv_register);
}
inline ObjectId root_set(const char* n = "s") {
  return ObjectId::named(n, ObjectKind::set);
}

inline void print_value(std::ostream& os, const Doc& d, const Value& v, int depth);

// A readable dump of everything reachable from an object (for comparisons).
inline void print_object(std::ostream& os, const Doc& d, const ObjectId& id, int depth) {
  if (depth > 16) {
    os << "...";
    return;
  }
  switch (id.kind) {
    case ObjectKind::map:
      os << "{";
      for (const auto& [k, v] : d.map(id).entries()) {
        os << k << ":";
        for (const Value& all : d.map(id).get_all(k)) print_value(os, d, all, depth + 1), os << "|";
        os << ",";
      }
      os << "}";
      break;
    case ObjectKind::list:
      os << "[";
      for (const Value& v : d.list(id).values()) print_value(os, d, v, depth + 1), os << ",";
      os << "]";
      break;
    case ObjectKind::text:
      os << '"' << d.text(id).to_string() << '"';
      break;
    case ObjectKind::counter:
      os << d.counter(id).value();
      break;
    case ObjectKind::lww_register:
    case ObjectKind::mv_register:
      os << "<";
      for (const Value& v : d.register_at(id).values()) print_value(os, d, v, depth + 1), os << "|";
      os << ">";
      break;
    case ObjectKind::set:
      os << "#{";
      for (const Value& v : d.set(id).values()) print_value(os, d, v, depth + 1), os << ",";
      os << "}";
      break;
  }
}

inline void print_value(std::ostream& os, const Doc& d, const Value& v, int depth) {
  if (v.is_null())
    os << "null";
  else if (v.is<bool>())
    os << (v.as<bool>() ? "true" : "false");
  else if (v.is<std::int64_t>())
    os << v.as<std::int64_t>();
  else if (v.is<double>())
    os << v.as<double>();
  else if (v.is<std::string>())
    os << "'" << v.as<std::string>() << "'";
  else if (v.is<Bytes>())
    os << "bytes" << v.as<Bytes>().size();
  else
    print_object(os, d, ObjectId::nested(v.as<ObjectRef>()), depth);
}

inline std::string dump(const Doc& d, const std::vector<ObjectId>& roots) {
  std::ostringstream os;
  for (const auto& r : roots) {
    os << r.root << "=";
    print_object(os, d, r, 0);
    os << ";";
  }
  return os.str();
}

}  // namespace weft::test
