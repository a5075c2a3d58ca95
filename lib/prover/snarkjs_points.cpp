#include "prover/snarkjs_points.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

#include <openssl/crypto.h>

namespace zokml::prover {

using bn254::Fq;
using bn254::Fq2;
using bn254::Limbs;

namespace {

Fq fq(const Limbs& canonical) { return Fq::from_canonical(canonical); }

void write_big_endian(const Fq& value, std::uint8_t* out) {
    const Limbs limbs = value.to_canonical();
    for (int i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(limbs[3 - i / 8] >> (8 * (7 - i % 8)));
}
void write_big_endian(const Fq2& value, std::uint8_t* out) {
    write_big_endian(value.c1, out);
    write_big_endian(value.c0, out + 32);
}

// q - 1 over 2: an element is "negative" above it.
constexpr Limbs kHalfQ{0x9e10460b6c3e7ea3, 0xcbc0b548b438e546, 0xdc2822db40c0ac2e, 0x183227397098d014};

bool negative(const Fq& value) { return bn254::less_than(kHalfQ, value.to_canonical()); }
bool negative(const Fq2& value) { return value.c1.is_zero() ? negative(value.c0) : negative(value.c1); }

template <class Point>
bool at_infinity(const Point& p) {
    return p == Point{};
}

Fq2 pow(const Fq2& base, const Limbs& exponent) {
    Fq2 result = Fq2::one();
    for (int bit = 255; bit >= 0; --bit) {
        result = result.squared();
        if ((exponent[bit / 64] >> (bit % 64)) & 1) result *= base;
    }
    return result;
}

Limbs shifted_right(Limbs value, unsigned bits) {  // bits < 64
    for (int i = 0; i < 4; ++i) value[i] = value[i] >> bits | (i < 3 && bits ? value[i + 1] << (64 - bits) : 0);
    return value;
}

// A square root in F_q2 (q = 3 mod 4) by Adj and Rodriguez-Henriquez's algorithm 9 (eprint
// 2012/685), or nothing when a is not a square. Which of the two roots does not matter here: the
// caller picks the sign.
std::optional<Fq2> square_root(const Fq2& a) {
    const Limbs q = Fq::kModulus;
    const Fq2 a1 = pow(a, shifted_right(q, 2));  // a^((q - 3) / 4): q >> 2 = (q - 3) / 4
    const Fq2 alpha = a1.squared() * a;
    const Fq2 x0 = a1 * a;
    const Fq2 minus_one{-Fq::one(), Fq{}};
    Fq2 root;
    if (alpha == minus_one) {
        root = Fq2{-x0.c1, x0.c0};  // i x0
    } else {
        const Fq2 b = pow(alpha + Fq2::one(), shifted_right(q, 1));  // (q - 1) / 2
        root = b * x0;
    }
    if (root.squared() != a) return std::nullopt;
    return root;
}

// G2's cofactor (the twist's order over r).
constexpr Limbs kG2Cofactor{0x345f2299c0f9fa8d, 0x06ceecda572a2489, 0xb85045b68181585e, 0x30644e72e131a029};

// ffjavascript's F.fromRng: 254 random bits, redrawn until below q, used as a Montgomery form.
Fq fq_from_rng(ChaCha& rng) {
    for (;;) {
        Limbs v{};
        for (auto& limb : v) limb = rng.next_u64();
        v[3] &= (std::uint64_t{1} << 62) - 1;
        if (bn254::less_than(v, Fq::kModulus)) return std::bit_cast<Fq>(v);
    }
}

void quarter_round(std::array<std::uint32_t, 16>& s, int a, int b, int c, int d) {
    s[a] += s[b]; s[d] = std::rotl(s[d] ^ s[a], 16);
    s[c] += s[d]; s[b] = std::rotl(s[b] ^ s[c], 12);
    s[a] += s[b]; s[d] = std::rotl(s[d] ^ s[a], 8);
    s[c] += s[d]; s[b] = std::rotl(s[b] ^ s[c], 7);
}

}  // namespace

bn254::G1Affine g1_generator() { return {Fq::from_u64(1), Fq::from_u64(2)}; }

bn254::G2Affine g2_generator() {
    return {{fq({0x46debd5cd992f6ed, 0x674322d4f75edadd, 0x426a00665e5c4479, 0x1800deef121f1e76}),
             fq({0x97e485b7aef312c2, 0xf1aa493335a9e712, 0x7260bfb731fb5d25, 0x198e9393920d483a})},
            {fq({0x4ce6cc0166fa7daa, 0xe3d1e7690c43d37b, 0x4aab71808dcb408f, 0x12c85ea5db8c6deb}),
             fq({0x55acdadcd122975b, 0xbc4b313370b38ef3, 0xec9e99ad690c3395, 0x090689d0585ff075})}};
}

void write_uncompressed(const bn254::G1Affine& p, std::span<std::uint8_t, 64> out) {
    write_big_endian(p.x, out.data());
    write_big_endian(p.y, out.data() + 32);
}
void write_uncompressed(const bn254::G2Affine& p, std::span<std::uint8_t, 128> out) {
    write_big_endian(p.x, out.data());
    write_big_endian(p.y, out.data() + 64);
}

namespace {

// x big-endian, the top bit set for the larger y; the point at infinity is 0x40 then zeros.
template <class Point>
void compress(const Point& p, std::span<std::uint8_t> out) {
    if (at_infinity(p)) {
        std::fill(out.begin(), out.end(), 0);
        out[0] = 0x40;
        return;
    }
    write_big_endian(p.x, out.data());
    if (negative(p.y)) out[0] |= 0x80;
}

}  // namespace

void write_compressed(const bn254::G1Affine& p, std::span<std::uint8_t, 32> out) { compress(p, out); }
void write_compressed(const bn254::G2Affine& p, std::span<std::uint8_t, 64> out) { compress(p, out); }

ChaCha::ChaCha(const std::array<std::uint32_t, 8>& seed)
    : state_{0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, seed[0], seed[1], seed[2], seed[3],
             seed[4],    seed[5],    seed[6],    seed[7],    0,       0,       0,       0} {}

ChaCha::~ChaCha() {
    OPENSSL_cleanse(state_.data(), sizeof state_);
    OPENSSL_cleanse(block_.data(), sizeof block_);
}

std::uint32_t ChaCha::next_u32() {
    if (used_ == 16) {
        block_ = state_;
        for (int i = 0; i < 10; ++i) {
            quarter_round(block_, 0, 4, 8, 12);
            quarter_round(block_, 1, 5, 9, 13);
            quarter_round(block_, 2, 6, 10, 14);
            quarter_round(block_, 3, 7, 11, 15);
            quarter_round(block_, 0, 5, 10, 15);
            quarter_round(block_, 1, 6, 11, 12);
            quarter_round(block_, 2, 7, 8, 13);
            quarter_round(block_, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; ++i) block_[i] += state_[i];
        for (int i = 12; i < 16 && ++state_[i] == 0; ++i) {}  // the 128-bit counter
        used_ = 0;
    }
    return block_[used_++];
}

bn254::G2Affine hash_to_g2(std::span<const std::uint8_t, 64> hash) {
    std::array<std::uint32_t, 8> seed{};
    for (int i = 0; i < 8; ++i)
        seed[i] = std::uint32_t{hash[4 * i]} << 24 | std::uint32_t{hash[4 * i + 1]} << 16 | std::uint32_t{hash[4 * i + 2]} << 8 | hash[4 * i + 3];
    ChaCha rng(seed);
    for (;;) {
        Fq2 x;
        x.c0 = fq_from_rng(rng);
        x.c1 = fq_from_rng(rng);
        const bool greatest = rng.next_u32() & 1;
        const auto y = square_root(x.squared() * x + bn254::G2Curve::b);
        if (!y) continue;
        const bn254::G2Affine point{x, negative(*y) == greatest ? *y : -*y};
        const auto cleared = bn254::multiply(point, kG2Cofactor).to_affine();
        if (!cleared) throw std::logic_error("hash_to_g2: a point of the cofactor's order");  // probability ~2^-254
        return *cleared;
    }
}

}  // namespace zokml::prover
