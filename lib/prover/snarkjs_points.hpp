// BN254 points as snarkjs' ceremony transcripts hash them (ffjavascript, wasmcurves): the
// generators, the big-endian uncompressed and compressed encodings, and the hash to G2 of its
// proofs of knowledge (a ChaCha20 stream seeded by a hash, then G2.fromRng). Everything here must
// agree with snarkjs bit for bit, or its verifiers refuse our files: tested against values
// snarkjs computes (test/native_setup_test.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/bn254/curve.hpp"

namespace zokml::prover {

bn254::G1Affine g1_generator();  // (1, 2)
bn254::G2Affine g2_generator();  // EIP-197's

// x then y, each big-endian (an F_q2 element as c1 then c0); the point at infinity ((0, 0) in our
// files) as zeros. 64 bytes for G1, 128 for G2.
void write_uncompressed(const bn254::G1Affine& p, std::span<std::uint8_t, 64> out);
void write_uncompressed(const bn254::G2Affine& p, std::span<std::uint8_t, 128> out);
// x big-endian, its top bit set when y is the "negative" root (above (q - 1) / 2; in F_q2 by c1,
// or by c0 when c1 is zero); the point at infinity as 0x40 then zeros. 32 bytes for G1, 64 for G2.
void write_compressed(const bn254::G1Affine& p, std::span<std::uint8_t, 32> out);
void write_compressed(const bn254::G2Affine& p, std::span<std::uint8_t, 64> out);

// ffjavascript's ChaCha20 generator: the constants, the seed's eight words, a 128-bit counter
// (from zero), ten double rounds per block of sixteen words, read in order.
class ChaCha {
public:
    explicit ChaCha(const std::array<std::uint32_t, 8>& seed);
    ~ChaCha();
    std::uint32_t next_u32();
    std::uint64_t next_u64() { const std::uint64_t high = next_u32(); return high << 32 | next_u32(); }

private:
    std::array<std::uint32_t, 16> state_, block_{};
    std::size_t used_ = 16;
};

// snarkjs' keypair.hashToG2: the ChaCha seeded with the hash's first eight big-endian words, then
// G2.fromRng: x drawn in F_q2 (each coordinate 254 bits of two next_u64, redrawn while not below
// q, taken as a Montgomery form) and a sign bit until x^3 + b is a square, y its root of that
// sign, times G2's cofactor.
bn254::G2Affine hash_to_g2(std::span<const std::uint8_t, 64> hash);

}  // namespace zokml::prover
