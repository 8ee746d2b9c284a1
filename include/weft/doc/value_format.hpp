#pragma once
// Opt-in printing of weft::Value with {fmt}: fmt::format("{}", value).
//
// null, true/false, integers and doubles as themselves, strings quoted,
// bytes as their length and hex, object references as kind@replica:counter.
// The library never prints; include this where an application or a test wants
// to.
#include <fmt/format.h>

#include <string_view>
#include <variant>

#include "weft/doc/value.hpp"

template <>
struct fmt::formatter<weft::Value> {
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }

  template <class Context>
  auto format(const weft::Value& value, Context& ctx) const -> decltype(ctx.out()) {
    return std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::monostate>) {
            return fmt::format_to(ctx.out(), "null");
          } else if constexpr (std::is_same_v<V, std::string>) {
            return fmt::format_to(ctx.out(), "\"{}\"", v);
          } else if constexpr (std::is_same_v<V, weft::Bytes>) {
            auto out = fmt::format_to(ctx.out(), "bytes[{}]:", v.size());
            for (auto b : v) out = fmt::format_to(out, "{:02x}", b);
            return out;
          } else if constexpr (std::is_same_v<V, weft::ObjectRef>) {
            static constexpr std::string_view kinds[] = {
                "map", "list", "text", "counter", "lww_register", "mv_register", "set"};
            return fmt::format_to(ctx.out(), "{}@{}:{}", kinds[static_cast<int>(v.kind)],
                                  v.id.replica.value(), v.id.counter);
          } else {
            return fmt::format_to(ctx.out(), "{}", v);
          }
        },
        value.variant());
  }
};
