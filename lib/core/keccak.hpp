// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not SHA3-256's 0x06):
// function selectors, addresses, event topics. OpenSSL 3.0 has SHA3-256 only.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace zokml::detail {

std::array<std::uint8_t, 32> keccak256(std::string_view data);

}  // namespace zokml::detail
