#include <string>

#include "weft/transport/transport.hpp"

namespace weft {
namespace {

class TransportCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "weft.transport"; }
  std::string message(int value) const override {
    switch (static_cast<transport_errc>(value)) {
      case transport_errc::not_connected:
        return "peer is not connected";
      case transport_errc::message_too_large:
        return "message exceeds the maximum size";
      case transport_errc::queue_full:
        return "send queue is full";
      case transport_errc::closed:
        return "transport is closed";
    }
    return "unknown transport error";
  }
};

}  // namespace

const boost::system::error_category& transport_category() noexcept {
  static const TransportCategory category;
  return category;
}

}  // namespace weft
