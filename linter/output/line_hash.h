#pragma once
// `partialFingerprints.primaryLocationLineHash` exactly as GitHub's upload-sarif action
// computes it (codeql-action src/fingerprints.ts), so that the value we write agrees
// with the one GitHub would compute and findings are matched across uploads.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace torchlint {

// The hash of every line of `text` (UTF-8 bytes of a file as on disk), index 0 = line 1.
// Each value is "<hex>:<n>", n counting earlier lines of the file with the same hex.
// Lines are counted as the action counts them (CR, LF and CRLF end a line).
std::vector<std::string> github_line_hashes(std::string_view text);

// UTF-8 -> UTF-16 code units as Node's 'utf8' decoder gives them (WHATWG: each maximal
// invalid subsequence becomes U+FFFD; a BOM is kept as U+FEFF).
std::vector<std::uint16_t> utf8_to_utf16(std::string_view text);

}  // namespace torchlint
