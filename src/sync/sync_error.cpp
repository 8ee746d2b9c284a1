#include <string>

#include "weft/sync/sync_error.hpp"

namespace weft {
namespace {

class SyncCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "weft.sync"; }
  std::string message(int value) const override {
    switch (static_cast<sync_errc>(value)) {
      case sync_errc::unknown_message:
        return "unknown sync message kind";
      case sync_errc::message_too_large:
        return "sync message exceeds the maximum size";
      case sync_errc::too_many_pending:
        return "peer left too many operations pending";
      case sync_errc::peer_error:
        return "peer reported an error";
      case sync_errc::session_closed:
        return "sync session is closed";
      case sync_errc::update_too_large:
        return "update exceeds the maximum message size";
      case sync_errc::access_denied:
        return "no access to this document";
      case sync_errc::read_only:
        return "read-only access: changes to this document are refused";
      case sync_errc::presence_too_large:
        return "presence state exceeds the maximum size";
      case sync_errc::rate_limited:
        return "peer exceeds its message or byte rate";
    }
    return "unknown sync error";
  }
};

}  // namespace

const boost::system::error_category& sync_category() noexcept {
  static const SyncCategory category;
  return category;
}

}  // namespace weft
