// BLAKE2b-512 (RFC 7693), unkeyed: the hash of snarkjs' ceremony transcripts. Written here rather
// than taken from OpenSSL because a powers-of-tau contribution records the hash's state part-way
// (its "partial hash", in the layout of the JavaScript hash that snarkjs uses), which OpenSSL does
// not expose. Tested against OpenSSL's EVP_blake2b512 (test/native_setup_test.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace zokml::prover {

class Blake2b {
public:
    using Digest = std::array<std::uint8_t, 64>;
    // snarkjs' record of a state (@noble/hashes' internals, snarkjs' misc.toPartialHash): the
    // block not yet compressed (128 bytes), then as little-endian 32-bit words the chaining value
    // h[0..7] (low word first), the bytes compressed, the bytes in the block, and two zero words.
    using PartialState = std::array<std::uint8_t, 216>;

    Blake2b();
    ~Blake2b();  // wipes the state

    Blake2b& update(std::span<const std::uint8_t> bytes);
    Digest digest() const;
    PartialState partial_state() const;

private:
    void compress(bool last);

    std::array<std::uint64_t, 8> h_;
    std::array<std::uint8_t, 128> block_{};
    std::uint64_t compressed_ = 0;  // bytes compressed before the block
    std::size_t in_block_ = 0;      // the block is compressed only when more bytes follow it (the last one is special)
};

// The hash of one byte string.
Blake2b::Digest blake2b(std::span<const std::uint8_t> bytes);

}  // namespace zokml::prover
