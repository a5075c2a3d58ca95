// SHA-256 fingerprints (OpenSSL) of models, circuits and batches, and bytes as hex digits.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace zokml {

std::array<std::uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits

std::string to_hex(std::span<const std::uint8_t> bytes);  // two lowercase digits a byte, no "0x"

}  // namespace zokml
