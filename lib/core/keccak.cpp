#include "keccak.hpp"

#include <bit>
#include <cstddef>

namespace zokml::detail {
namespace {

// Keccak-f[1600] on 25 lanes indexed x + 5 y, as in the Keccak reference (FIPS 202, 3.2).
constexpr std::array<std::uint64_t, 24> kRoundConstants{
    0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000, 0x000000000000808b,
    0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008a, 0x0000000000000088,
    0x0000000080008009, 0x000000008000000a, 0x000000008000808b, 0x800000000000008b, 0x8000000000008089,
    0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008};

// Rotation offsets r[x + 5 y] of the rho step.
constexpr std::array<int, 25> kRotations{0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                         25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

void keccak_f(std::array<std::uint64_t, 25>& a) {
    for (const std::uint64_t round_constant : kRoundConstants) {
        // theta: each lane absorbs the parities of two neighbouring columns.
        std::array<std::uint64_t, 5> parity{};
        for (int x = 0; x < 5; ++x) parity[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; ++x) {
            const std::uint64_t d = parity[(x + 4) % 5] ^ std::rotl(parity[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[x + y] ^= d;
        }
        // rho and pi: rotate each lane, move (x, y) to (y, 2x + 3y).
        std::array<std::uint64_t, 25> b{};
        for (int x = 0; x < 5; ++x)
            for (int y = 0; y < 5; ++y) b[y + 5 * ((2 * x + 3 * y) % 5)] = std::rotl(a[x + 5 * y], kRotations[x + 5 * y]);
        // chi: the only non-linear step, along rows.
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; ++x) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        // iota
        a[0] ^= round_constant;
    }
}

}  // namespace

std::array<std::uint8_t, 32> keccak256(std::string_view data) {
    constexpr std::size_t kRate = 136;  // bytes: 1600 bits - 2 * 256 bits of capacity
    std::array<std::uint64_t, 25> state{};
    const auto absorb = [&state](const std::uint8_t* block) {
        for (std::size_t i = 0; i < kRate / 8; ++i) {
            std::uint64_t lane = 0;
            for (int j = 7; j >= 0; --j) lane = (lane << 8) | block[8 * i + j];  // lanes are little-endian
            state[i] ^= lane;
        }
        keccak_f(state);
    };
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
    std::size_t size = data.size();
    for (; size >= kRate; bytes += kRate, size -= kRate) absorb(bytes);
    // The last block, padded 0x01 0x00 ... 0x80 (one byte 0x81 when only one byte is left).
    std::array<std::uint8_t, kRate> last{};
    std::copy(bytes, bytes + size, last.begin());
    last[size] ^= 0x01;
    last[kRate - 1] ^= 0x80;
    absorb(last.data());

    std::array<std::uint8_t, 32> digest{};
    for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(state[i / 8] >> (8 * (i % 8)));
    return digest;
}

}  // namespace zokml::detail
