// Secrets from OpenSSL's CSPRNG: salts, blinding factors, setup entropy (never a weaker generator).
#pragma once

#include <cstdint>
#include <span>

namespace zokml {

// Fills bytes from RAND_bytes; throws std::runtime_error when the generator cannot give them.
void fill_random(std::span<std::uint8_t> bytes);

}  // namespace zokml
