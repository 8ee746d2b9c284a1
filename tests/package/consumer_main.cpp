// A downstream program: uses weft through its public headers only and fails
// (non-zero exit) if the library does not behave.
#include <weft/net/net_transport.hpp>
#include <weft/weft.hpp>

#include <cstdio>

int main() {
  weft::VersionVector a;
  a.advance(weft::ReplicaId{1}, 3);
  weft::Writer w;
  weft::encode_value(w, a);
  weft::Reader r(w.view());
  auto back = weft::decode_value<weft::VersionVector>(r);
  if (!back || !(*back == a)) {
    std::puts("version vector did not round-trip");
    return 1;
  }
  // weft::net links too (OpenSSL and threads come with it).
  auto url = weft::net::parse_endpoint("wss://127.0.0.1:9443/doc");
  if (!url || !url->tls || url->port != 9443) {
    std::puts("weft::net did not parse an endpoint");
    return 1;
  }
  std::puts("weft consumer ok");
  return 0;
}
