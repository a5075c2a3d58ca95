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

std::string sha256_hex(std::string_view data) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (const auto byte : sha256(data)) hex += {kHex[byte >> 4], kHex[byte & 15]};
    return hex;
}

}  // namespace zokml
