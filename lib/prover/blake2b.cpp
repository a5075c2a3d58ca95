#include "prover/blake2b.hpp"

#include <bit>
#include <cstring>

#include <openssl/crypto.h>

namespace zokml::prover {

namespace {

constexpr std::array<std::uint64_t, 8> kIv{0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
                                           0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};

constexpr std::uint8_t kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static_assert(std::endian::native == std::endian::little);

}  // namespace

Blake2b::Blake2b() : h_(kIv) { h_[0] ^= 0x01010000 ^ 64; }  // depth 1, fanout 1, no key, 64-byte digest

Blake2b::~Blake2b() {
    OPENSSL_cleanse(h_.data(), sizeof h_);
    OPENSSL_cleanse(block_.data(), block_.size());
}

void Blake2b::compress(bool last) {
    std::uint64_t m[16];
    std::memcpy(m, block_.data(), sizeof m);
    std::uint64_t v[16];
    for (int i = 0; i < 8; ++i) v[i] = h_[i], v[i + 8] = kIv[i];
    v[12] ^= compressed_;  // the byte counter's low word (its high word stays zero below 2^64 bytes)
    if (last) v[14] = ~v[14];
    const auto g = [&v](int a, int b, int c, int d, std::uint64_t x, std::uint64_t y) {
        v[a] = v[a] + v[b] + x;
        v[d] = std::rotr(v[d] ^ v[a], 32);
        v[c] = v[c] + v[d];
        v[b] = std::rotr(v[b] ^ v[c], 24);
        v[a] = v[a] + v[b] + y;
        v[d] = std::rotr(v[d] ^ v[a], 16);
        v[c] = v[c] + v[d];
        v[b] = std::rotr(v[b] ^ v[c], 63);
    };
    for (const auto& s : kSigma) {
        g(0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
}

Blake2b& Blake2b::update(std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
        if (in_block_ == block_.size()) {  // a full block and more to come: it is not the last
            compressed_ += block_.size();
            compress(false);
            in_block_ = 0;
        }
        const std::size_t take = std::min(block_.size() - in_block_, bytes.size());
        std::memcpy(block_.data() + in_block_, bytes.data(), take);
        in_block_ += take;
        bytes = bytes.subspan(take);
    }
    return *this;
}

Blake2b::Digest Blake2b::digest() const {
    Blake2b last = *this;
    std::memset(last.block_.data() + last.in_block_, 0, last.block_.size() - last.in_block_);
    last.compressed_ += last.in_block_;
    last.compress(true);
    Digest out;
    std::memcpy(out.data(), last.h_.data(), out.size());
    return out;
}

Blake2b::PartialState Blake2b::partial_state() const {
    PartialState out{};
    std::memcpy(out.data(), block_.data(), block_.size());  // past in_block_: an earlier block's bytes, unused (as in snarkjs)
    std::memcpy(out.data() + 128, h_.data(), sizeof h_);
    const std::uint32_t counts[2] = {static_cast<std::uint32_t>(compressed_), static_cast<std::uint32_t>(in_block_)};
    std::memcpy(out.data() + 192, &counts[0], 4);
    std::memcpy(out.data() + 200, &counts[1], 4);
    return out;
}

Blake2b::Digest blake2b(std::span<const std::uint8_t> bytes) { return Blake2b().update(bytes).digest(); }

}  // namespace zokml::prover
