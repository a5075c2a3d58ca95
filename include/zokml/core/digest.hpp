// SHA-256 fingerprints (OpenSSL) of models, circuits and batches.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace zokml {

std::array<std::uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits

}  // namespace zokml
