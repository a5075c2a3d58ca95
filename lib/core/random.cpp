#include "zokml/core/random.hpp"

#include <openssl/rand.h>

#include <climits>
#include <stdexcept>

namespace zokml {

void fill_random(std::span<std::uint8_t> bytes) {
    if (bytes.size() > INT_MAX || RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("no random bytes from OpenSSL's generator");
}

}  // namespace zokml
