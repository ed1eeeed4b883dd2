// The server's TLS credentials from --tls_cert and --tls_key, checked at start-up so
// that a bad pair is named there instead of failing every handshake later: the
// certificate chain must hold a PEM certificate that has not expired, the key an
// unencrypted PEM private key, and the key must be the certificate's. Checked with
// OpenSSL (PEM_read_bio_X509, PEM_read_bio_PrivateKey, X509_check_private_key).
#ifndef ATTNSCHED_SERVER_TLS_CREDENTIALS_H_
#define ATTNSCHED_SERVER_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace attnsched::server {

// Insecure credentials when both paths are empty, TLS ones when both are given.
// Errors: InvalidArgumentError naming the flag, the file and what is wrong with it
// (unreadable, no certificate, expired, no key, encrypted, not the certificate's key,
// only one of the two flags).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const std::string& cert_path, const std::string& key_path);

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_TLS_CREDENTIALS_H_
