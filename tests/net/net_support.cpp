#include "net/net_support.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace weft::test::net {
namespace asio = boost::asio;

bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    io.restart();
    io.run_for(2ms);
  }
  return true;
}

void run_for(asio::io_context& io, std::chrono::milliseconds span) {
  const auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(2ms);
  }
}

weft::net::NetOptions fast_options(std::uint64_t seed) {
  weft::net::NetOptions o;
  o.max_frame_size = std::size_t{1} << 20;
  o.max_queued_bytes = std::size_t{4} << 20;
  o.handshake_timeout_ms = 2'000;
  o.idle_timeout_ms = 3'000;
  o.heartbeat_interval_ms = 200;
  o.reconnect.initial_delay_ms = 5;
  o.reconnect.max_delay_ms = 50;
  o.seed = seed;
  return o;
}

// ---- random edits ----

Bytes random_transaction(Doc& doc, std::mt19937_64& rng) {
  static constexpr std::string_view kKeys[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
  auto tx = doc.transact("net-test");
  const int n = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i) {
    switch (rng() % 6) {
      case 0:
      case 1: {
        auto t = tx.text("t");
        const std::string piece(1 + rng() % 4, static_cast<char>('a' + rng() % 26));
        t.insert(rng() % (t.size() + 1), piece);
        break;
      }
      case 2: {
        auto t = tx.text("t");
        if (const std::size_t size = t.size(); size > 0) {
          const std::size_t at = rng() % size;
          t.erase(at, 1 + rng() % std::min<std::size_t>(3, size - at));
        }
        break;
      }
      case 3:
        tx.map("m").set(kKeys[rng() % std::size(kKeys)], static_cast<std::int64_t>(rng() % 1000));
        break;
      case 4:
        tx.counter("c").add(static_cast<std::int64_t>(rng() % 7) - 3);
        break;
      default: {
        auto l = tx.list("l");
        if (l.size() > 0 && rng() % 3 == 0) {
          l.erase(rng() % l.size());
        } else {
          l.insert(rng() % (l.size() + 1), Value(static_cast<std::int64_t>(rng() % 100)));
        }
        break;
      }
    }
  }
  return tx.commit();
}

// ---- RawClient ----

void RawClient::connect(std::uint16_t port) {
  const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  socket_.async_connect(ep, [this, alive = alive_](boost::system::error_code ec) {
    if (!*alive) return;
    if (ec) {
      closed_ = true;
      return;
    }
    connected_ = true;
    pump();
  });
}

void RawClient::write(Bytes bytes) {
  out_.push_back(std::move(bytes));
  if (connected_) pump();
}

void RawClient::pump() {
  if (writing_ || out_.empty() || closed_) return;
  writing_ = true;
  auto data = std::make_shared<Bytes>(std::move(out_.front()));
  out_.pop_front();
  asio::async_write(socket_, asio::buffer(*data),
                    [this, data, alive = alive_](boost::system::error_code ec, std::size_t) {
                      if (!*alive) return;
                      writing_ = false;
                      if (ec) {
                        out_.clear();
                        return;
                      }
                      pump();
                    });
}

void RawClient::start_reading() {
  socket_.async_read_some(asio::buffer(buf_), [this, alive = alive_](boost::system::error_code ec,
                                                                     std::size_t n) {
    if (!*alive) return;
    if (ec) {
      closed_ = true;
      return;
    }
    received_.insert(received_.end(), buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
    start_reading();
  });
}

void RawClient::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  closed_ = true;
}

Bytes RawClient::frame(std::span<const std::uint8_t> body) {
  // Sized up front: gcc 12 warns (falsely) about insert() after an init list.
  const auto n = static_cast<std::uint32_t>(body.size());
  Bytes out(4 + body.size());
  out[0] = static_cast<std::uint8_t>(n >> 24);
  out[1] = static_cast<std::uint8_t>(n >> 16);
  out[2] = static_cast<std::uint8_t>(n >> 8);
  out[3] = static_cast<std::uint8_t>(n);
  std::copy(body.begin(), body.end(), out.begin() + 4);
  return out;
}

// Written from docs/network.md, independently of src/net/wire.cpp.
Bytes RawClient::hello(std::string_view token) {
  const std::uint8_t head[] = {0x10,
                               'W',
                               'E',
                               'F',
                               'T',
                               1,
                               static_cast<std::uint8_t>(token.size() >> 8),
                               static_cast<std::uint8_t>(token.size() & 0xff)};
  Bytes out(sizeof head + token.size());
  std::copy(std::begin(head), std::end(head), out.begin());
  std::copy(token.begin(), token.end(), out.begin() + sizeof head);
  return out;
}

Bytes RawClient::accept_reply() {
  const Bytes body{0x11, 'W', 'E', 'F', 'T', 1};
  return frame(body);
}

// ---- PKI ----
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

Key new_key() {
  Key k(EVP_EC_gen("P-256"));
  check(k != nullptr, "EVP_EC_gen");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `key` named CN=`cn`; self-signed when issuer is null.
Cert issue(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
           long serial) {
  Cert c(X509_new());
  check(c != nullptr, "X509_new");
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), 86400);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("weft tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : c.get();
  X509_set_issuer_name(c.get(), X509_get_subject_name(signer));
  add_ext(c.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_ext(c.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
    add_ext(c.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    add_ext(c.get(), signer, NID_authority_key_identifier, "keyid:always");
  }
  check(X509_sign(c.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
        "X509_sign");
  return c;
}

void write_cert(const std::string& path, X509* c) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "fopen");
  const bool ok = PEM_write_X509(f, c) == 1;
  std::fclose(f);
  check(ok, "PEM_write_X509");
}

void write_key(const std::string& path, EVP_PKEY* k) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "fopen");
  const bool ok = PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  check(ok, "PEM_write_PrivateKey");
}

TestPki make_pki() {
  TestPki p;
  std::string templ = "/tmp/weft-net-pki-XXXXXX";
  check(mkdtemp(templ.data()) != nullptr, "mkdtemp");
  p.dir = templ;
  const Key ca_key = new_key();
  const Cert ca = issue(ca_key.get(), "weft test CA", nullptr, nullptr, true, 1);
  const Key server_key = new_key();
  const Cert server = issue(server_key.get(), "weft-server", ca.get(), ca_key.get(), false, 2);
  const Key client_key = new_key();
  const Cert client = issue(client_key.get(), "weft-client", ca.get(), ca_key.get(), false, 3);
  const Key rogue_key = new_key();
  const Cert rogue = issue(rogue_key.get(), "weft test CA", nullptr, nullptr, true, 1);
  const Key rogue_server_key = new_key();
  const Cert rogue_server =
      issue(rogue_server_key.get(), "weft-server", rogue.get(), rogue_key.get(), false, 2);
  p.ca_cert = p.dir + "/ca.pem";
  p.server_cert = p.dir + "/server.pem";
  p.server_key = p.dir + "/server.key";
  p.client_cert = p.dir + "/client.pem";
  p.client_key = p.dir + "/client.key";
  p.rogue_ca_cert = p.dir + "/rogue-ca.pem";
  p.rogue_server_cert = p.dir + "/rogue-server.pem";
  p.rogue_server_key = p.dir + "/rogue-server.key";
  write_cert(p.ca_cert, ca.get());
  write_cert(p.server_cert, server.get());
  write_key(p.server_key, server_key.get());
  write_cert(p.client_cert, client.get());
  write_key(p.client_key, client_key.get());
  write_cert(p.rogue_ca_cert, rogue.get());
  write_cert(p.rogue_server_cert, rogue_server.get());
  write_key(p.rogue_server_key, rogue_server_key.get());
  return p;
}

}  // namespace

const TestPki& test_pki() {
  // Removes the private keys when the test process ends.
  struct Holder {
    TestPki pki = make_pki();
    ~Holder() {
      std::error_code ignored;
      std::filesystem::remove_all(pki.dir, ignored);
    }
  };
  static const Holder holder;
  return holder.pki;
}

}  // namespace weft::test::net
