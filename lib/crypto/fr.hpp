// Fast arithmetic in BN254's scalar field for hot loops (Poseidon): four 64-bit limbs in
// Montgomery form, no allocation. FieldElement stays the public type; convert at the edges.
// Addition and multiplication are inline: called across files they would not be inlined,
// which cost Poseidon a third of its time.
#pragma once

#include <array>
#include <cstdint>

#include "zokml/core/field.hpp"

namespace zokml::detail {

// An integer below 2^256 as little-endian 64-bit words.
using Limbs = std::array<std::uint64_t, 4>;

// p, the order of BN254's scalar field (FieldElement::modulus_decimal()).
inline constexpr Limbs kFrModulus{0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029};

constexpr bool less_than(const Limbs& a, const Limbs& b) {
    for (int i = 3; i >= 0; --i)
        if (a[i] != b[i]) return a[i] < b[i];
    return false;
}

namespace fr_impl {

__extension__ using u128 = unsigned __int128;

// -p^-1 mod 2^64, by Newton's iteration x <- x (2 - p x), which doubles the correct low bits.
constexpr std::uint64_t montgomery_inverse() {
    std::uint64_t x = 1;
    for (int i = 0; i < 6; ++i) x *= 2 - kFrModulus[0] * x;
    return 0 - x;
}
inline constexpr std::uint64_t kInv = montgomery_inverse();
static_assert(kFrModulus[0] * kInv == 0 - std::uint64_t{1});

// r - p when r >= p, else r; r must be below 2p. Branch-free: a comparison would
// mispredict half the time on field elements.
constexpr Limbs reduce_once(const Limbs& r) {
    Limbs difference{};
    std::uint64_t borrow = 0;
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
        const u128 d = static_cast<u128>(r[i]) - kFrModulus[i] - borrow;
        difference[i] = static_cast<std::uint64_t>(d);
        borrow = static_cast<std::uint64_t>(d >> 64) & 1;
    }
    const std::uint64_t keep_r = 0 - borrow;  // all ones when r < p
    Limbs out{};
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) out[i] = (r[i] & keep_r) | (difference[i] & ~keep_r);
    return out;
}

// a * b / 2^256 mod p: the 512-bit product, then Montgomery reduction word by word. (GCC
// compiles this separated form to less than half the instructions of the fused one.)
constexpr Limbs montgomery_multiply(const Limbs& a, const Limbs& b) {
    std::uint64_t t[8] = {};
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
        std::uint64_t carry = 0;
#pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) {
            const u128 s = static_cast<u128>(a[j]) * b[i] + t[i + j] + carry;
            t[i + j] = static_cast<std::uint64_t>(s);
            carry = static_cast<std::uint64_t>(s >> 64);
        }
        t[i + 4] = carry;
    }
    std::uint64_t overflow = 0;  // the carry out of word i + 4, added into word i + 5
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t m = t[i] * kInv;  // makes word i zero
        std::uint64_t carry = 0;
#pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) {
            const u128 s = static_cast<u128>(m) * kFrModulus[j] + t[i + j] + carry;
            t[i + j] = static_cast<std::uint64_t>(s);
            carry = static_cast<std::uint64_t>(s >> 64);
        }
        const u128 s = static_cast<u128>(t[i + 4]) + carry + overflow;
        t[i + 4] = static_cast<std::uint64_t>(s);
        overflow = static_cast<std::uint64_t>(s >> 64);
    }
    return reduce_once({t[4], t[5], t[6], t[7]});  // (a b + m p) / 2^256 < 2p since a, b < p < 2^254
}

}  // namespace fr_impl

class Fr {
public:
    constexpr Fr() = default;  // zero
    // value must be < p (checked: throws std::invalid_argument).
    static Fr from_canonical(const Limbs& value);
    // value mod p for value < 2p, which covers every 254-bit integer.
    static Fr from_less_than_2p(const Limbs& value) { return from_canonical(fr_impl::reduce_once(value)); }
    static Fr from_u64(std::uint64_t value) { return from_canonical({value, 0, 0, 0}); }
    static Fr from_field(const FieldElement& value);

    Limbs to_canonical() const { return fr_impl::montgomery_multiply(montgomery_, {1, 0, 0, 0}); }
    FieldElement to_field() const;

    Fr operator+(const Fr& other) const {
        Fr r;
        std::uint64_t carry = 0;
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) {
            const fr_impl::u128 s = static_cast<fr_impl::u128>(montgomery_[i]) + other.montgomery_[i] + carry;
            r.montgomery_[i] = static_cast<std::uint64_t>(s);
            carry = static_cast<std::uint64_t>(s >> 64);
        }
        r.montgomery_ = fr_impl::reduce_once(r.montgomery_);  // the sum is below 2p < 2^255: no carry out
        return r;
    }
    Fr operator*(const Fr& other) const {
        Fr r;
        r.montgomery_ = fr_impl::montgomery_multiply(montgomery_, other.montgomery_);
        return r;
    }
    Fr& operator+=(const Fr& other) { return *this = *this + other; }
    Fr pow5() const {
        const Fr square = *this * *this;
        return square * square * *this;
    }
    Fr inverse() const;  // of a non-zero element (zero maps to zero)

    bool is_zero() const { return montgomery_ == Limbs{}; }
    bool operator==(const Fr&) const = default;

private:
    Limbs montgomery_{};  // value * 2^256 mod p
};

}  // namespace zokml::detail
