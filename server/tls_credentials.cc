#include "server/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "lib/status_macros.h"

namespace attnsched::server {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

absl::StatusOr<std::string> ReadFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!(in && text << in.rdbuf())) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " ", path, ": cannot read it"));
  }
  return text.str();
}

std::unique_ptr<BIO, BioFree> Bio(const std::string& text) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// A passphrase callback that refuses, so an encrypted key fails instead of prompting.
int NoPassphrase(char*, int, int, void*) { return -1; }

absl::Status CheckPair(const std::string& cert_path, const std::string& chain,
                       const std::string& key_path, const std::string& key_text) {
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(Bio(chain).get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_cert ", cert_path, ": no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)"));
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls_cert ", cert_path, ": the certificate has expired; renew it"));
  }
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey(Bio(key_text).get(), nullptr, NoPassphrase, nullptr));
  if (!key) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_key ", key_path,
        ": no unencrypted PEM private key in it (expected -----BEGIN PRIVATE KEY-----; "
        "decrypt an encrypted key with openssl pkey)"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("--tls_key ", key_path,
                                                   " is not the key of the certificate in "
                                                   "--tls_cert ", cert_path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const std::string& cert_path, const std::string& key_path) {
  if (cert_path.empty() != key_path.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (cert_path.empty()) return grpc::InsecureServerCredentials();
  ASSIGN_OR_RETURN(const std::string chain, ReadFile("tls_cert", cert_path));
  ASSIGN_OR_RETURN(const std::string key, ReadFile("tls_key", key_path));
  RETURN_IF_ERROR(CheckPair(cert_path, chain, key_path, key));
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({key, chain});
  return grpc::SslServerCredentials(options);
}

}  // namespace attnsched::server
