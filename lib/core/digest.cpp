#include "zokml/core/digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace zokml {

std::array<std::uint8_t, 32> sha256(std::string_view data) {
    std::array<std::uint8_t, 32> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != 32)
        throw std::runtime_error("SHA-256 failed");
    return digest;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * bytes.size());
    for (const auto byte : bytes) hex += {kDigits[byte >> 4], kDigits[byte & 15]};
    return hex;
}

}  // namespace zokml
