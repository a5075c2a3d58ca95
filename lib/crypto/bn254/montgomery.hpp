// Arithmetic modulo a prime below 2^254 in Montgomery form on four 64-bit limbs: no allocation,
// no branch on values. BN254's two fields are instances (fr.hpp: the scalar field of Poseidon and
// the circuits; fq.hpp: the base field of the curve's coordinates). Addition and multiplication
// are inline: called across files they would not be inlined, which cost Poseidon a third of its
// time. Tested against GMP (test/bn254_test.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

#include "crypto/bn254/montgomery_adx.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace zokml::bn254 {

// An integer below 2^256 as little-endian 64-bit words.
using Limbs = std::array<std::uint64_t, 4>;

constexpr bool less_than(const Limbs& a, const Limbs& b) {
    for (int i = 3; i >= 0; --i)
        if (a[i] != b[i]) return a[i] < b[i];
    return false;
}

namespace montgomery {

__extension__ using u128 = unsigned __int128;

// a - b and the borrow out (1 when a < b).
constexpr Limbs subtract(const Limbs& a, const Limbs& b, std::uint64_t& borrow) {
    Limbs difference{};
#if defined(__x86_64__)
    if (!std::is_constant_evaluated()) {  // one sbb chain: the 128-bit form spills to the stack
        unsigned long long d0, d1, d2, d3;
        unsigned char c = _subborrow_u64(0, a[0], b[0], &d0);
        c = _subborrow_u64(c, a[1], b[1], &d1);
        c = _subborrow_u64(c, a[2], b[2], &d2);
        c = _subborrow_u64(c, a[3], b[3], &d3);
        borrow = c;
        return {d0, d1, d2, d3};
    }
#endif
    borrow = 0;
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
        const u128 d = static_cast<u128>(a[i]) - b[i] - borrow;
        difference[i] = static_cast<std::uint64_t>(d);
        borrow = static_cast<std::uint64_t>(d >> 64) & 1;
    }
    return difference;
}

// a when mask is zero, b when it is all ones.
constexpr Limbs select(std::uint64_t mask, const Limbs& a, const Limbs& b) {
    Limbs out{};
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) out[i] = (a[i] & ~mask) | (b[i] & mask);
    return out;
}

// a + b mod 2^256.
constexpr Limbs add(const Limbs& a, const Limbs& b) {
    Limbs sum{};
#if defined(__x86_64__)
    if (!std::is_constant_evaluated()) {  // one adc chain
        unsigned long long s0, s1, s2, s3;
        unsigned char c = _addcarry_u64(0, a[0], b[0], &s0);
        c = _addcarry_u64(c, a[1], b[1], &s1);
        c = _addcarry_u64(c, a[2], b[2], &s2);
        _addcarry_u64(c, a[3], b[3], &s3);
        return {s0, s1, s2, s3};
    }
#endif
    std::uint64_t carry = 0;
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
        const u128 s = static_cast<u128>(a[i]) + b[i] + carry;
        sum[i] = static_cast<std::uint64_t>(s);
        carry = static_cast<std::uint64_t>(s >> 64);
    }
    return sum;
}

// -m^-1 mod 2^64, by Newton's iteration x <- x (2 - m x), which doubles the correct low bits.
constexpr std::uint64_t negated_inverse(std::uint64_t m) {
    std::uint64_t x = 1;
    for (int i = 0; i < 6; ++i) x *= 2 - m * x;
    return 0 - x;
}

// r - m when r >= m, else r; r must be below 2m. Branch-free: a comparison would mispredict
// half the time on field elements.
template <const Limbs& m>
constexpr Limbs reduce_once(const Limbs& r) {
    std::uint64_t borrow = 0;
    const Limbs difference = subtract(r, m, borrow);
    return select(0 - borrow, difference, r);  // r itself when r < m
}

// a * b / 2^256 mod m for a, b < m < 2^254: the 512-bit product, then Montgomery reduction word
// by word. (GCC compiles this separated form to less than half the instructions of the fused one.)
// Portable, and what constant expressions evaluate; multiply() below picks the fastest.
template <const Limbs& m>
constexpr Limbs multiply_portable(const Limbs& a, const Limbs& b) {
    constexpr std::uint64_t inv = negated_inverse(m[0]);
    static_assert(m[0] * inv == 0 - std::uint64_t{1});
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
        const std::uint64_t k = t[i] * inv;  // makes word i zero
        std::uint64_t carry = 0;
#pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) {
            const u128 s = static_cast<u128>(k) * m[j] + t[i + j] + carry;
            t[i + j] = static_cast<std::uint64_t>(s);
            carry = static_cast<std::uint64_t>(s >> 64);
        }
        const u128 s = static_cast<u128>(t[i + 4]) + carry + overflow;
        t[i + 4] = static_cast<std::uint64_t>(s);
        overflow = static_cast<std::uint64_t>(s >> 64);
    }
    return reduce_once<m>({t[4], t[5], t[6], t[7]});  // (a b + k m) / 2^256 < 2m since a, b < m < 2^254
}

// a * b / 2^256 mod m for a, b < m < 2^254.
template <const Limbs& m>
constexpr Limbs multiply(const Limbs& a, const Limbs& b) {
#if defined(__x86_64__)
    if (!std::is_constant_evaluated() && kHasMulxAdx) return reduce_once<m>(multiply_mulx_adx_unreduced<m, negated_inverse(m[0])>(a, b));
#endif
    return multiply_portable<m>(a, b);
}

// 2^bits mod m, by doubling 1 modulo m (m < 2^254: doubling never carries out).
template <const Limbs& m>
constexpr Limbs power_of_two(int bits) {
    Limbs r{1, 0, 0, 0};
    for (int n = 0; n < bits; ++n) r = reduce_once<m>(add(r, r));
    return r;
}

}  // namespace montgomery

// The field of integers modulo Params::modulus (a prime below 2^254, so that sums of two
// elements never carry out of four limbs). Params: struct { static constexpr Limbs modulus; }.
template <class Params>
class MontgomeryField {
public:
    static constexpr const Limbs& kModulus = Params::modulus;
    static_assert(kModulus[3] >> 62 == 0, "the modulus must be below 2^254");
    static_assert(kModulus[0] & 1, "the modulus must be odd");

    constexpr MontgomeryField() = default;  // zero
    static constexpr MontgomeryField one() { return from_montgomery(kR); }
    // value must be < the modulus (checked: throws std::invalid_argument).
    static constexpr MontgomeryField from_canonical(const Limbs& value) {
        if (!less_than(value, kModulus)) throw std::invalid_argument("not a canonical field element (>= the modulus)");
        return from_montgomery(montgomery::multiply<kModulus>(value, kRSquared));
    }
    // value mod the modulus for value below twice the modulus, which covers every 254-bit integer.
    static constexpr MontgomeryField from_less_than_2p(const Limbs& value) { return from_canonical(montgomery::reduce_once<kModulus>(value)); }
    static constexpr MontgomeryField from_u64(std::uint64_t value) { return from_canonical({value, 0, 0, 0}); }

    constexpr Limbs to_canonical() const { return montgomery::multiply<kModulus>(montgomery_, {1, 0, 0, 0}); }

    constexpr MontgomeryField operator+(const MontgomeryField& other) const {
        return from_montgomery(montgomery::reduce_once<kModulus>(montgomery::add(montgomery_, other.montgomery_)));
    }
    constexpr MontgomeryField operator-(const MontgomeryField& other) const {
        std::uint64_t borrow = 0;
        const Limbs difference = montgomery::subtract(montgomery_, other.montgomery_, borrow);
        // Below zero: add the modulus back (branch-free).
        return from_montgomery(montgomery::add(difference, montgomery::select(0 - borrow, Limbs{}, kModulus)));
    }
    constexpr MontgomeryField operator-() const { return MontgomeryField{} - *this; }
    constexpr MontgomeryField operator*(const MontgomeryField& other) const {
        return from_montgomery(montgomery::multiply<kModulus>(montgomery_, other.montgomery_));
    }
    constexpr MontgomeryField& operator+=(const MontgomeryField& other) { return *this = *this + other; }
    constexpr MontgomeryField& operator-=(const MontgomeryField& other) { return *this = *this - other; }
    constexpr MontgomeryField& operator*=(const MontgomeryField& other) { return *this = *this * other; }
    constexpr MontgomeryField squared() const { return *this * *this; }
    constexpr MontgomeryField doubled() const { return *this + *this; }

    // this^exponent, square and multiply from the top bit.
    constexpr MontgomeryField pow(const Limbs& exponent) const {
        MontgomeryField result = one();
        for (int bit = 255; bit >= 0; --bit) {
            result = result.squared();
            if ((exponent[bit / 64] >> (bit % 64)) & 1) result *= *this;
        }
        return result;
    }
    // The inverse of a non-zero element (zero maps to zero): this^(p - 2).
    constexpr MontgomeryField inverse() const {
        Limbs exponent = kModulus;
        exponent[0] -= 2;  // the modulus is odd and above 2: no borrow
        return pow(exponent);
    }

    constexpr bool is_zero() const { return (montgomery_[0] | montgomery_[1] | montgomery_[2] | montgomery_[3]) == 0; }  // no memcmp call
    constexpr bool operator==(const MontgomeryField& o) const {  // no memcmp call
        std::uint64_t difference = 0;
        for (int i = 0; i < 4; ++i) difference |= montgomery_[i] ^ o.montgomery_[i];
        return difference == 0;
    }

private:
    static constexpr Limbs kR = montgomery::power_of_two<kModulus>(256);         // one, in Montgomery form
    static constexpr Limbs kRSquared = montgomery::power_of_two<kModulus>(512);  // a value times it, reduced: its Montgomery form

    static constexpr MontgomeryField from_montgomery(const Limbs& limbs) {
        MontgomeryField f;
        f.montgomery_ = limbs;
        return f;
    }

    Limbs montgomery_{};  // value * 2^256 mod m
};

}  // namespace zokml::bn254
