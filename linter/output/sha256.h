#pragma once
// SHA-256 (FIPS 180-4), for SARIF artifact hashes and GitLab fingerprints. Small and
// dependency-free: the linter links no crypto library for one digest.
#include <string>
#include <string_view>

namespace torchlint {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace torchlint
