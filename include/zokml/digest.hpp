// SHA-256 fingerprints (OpenSSL) of models, circuits and batches.
#pragma once

#include <string>
#include <string_view>

namespace zokml {

std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits

}  // namespace zokml
