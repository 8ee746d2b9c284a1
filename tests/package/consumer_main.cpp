// A downstream program: uses weft through its public headers only and fails
// (non-zero exit) if the library does not behave.
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
  std::puts("weft consumer ok");
  return 0;
}
