// BN254's base field F_q, where the curve's coordinates live, and its quadratic extension
// F_q2 = F_q[u] / (u^2 + 1), where those of G2 live.
#pragma once

#include "crypto/bn254/montgomery.hpp"

namespace zokml::bn254 {

struct FqParams {
    // q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
    static constexpr Limbs modulus{0x3c208c16d87cfd47, 0x97816a916871ca8d, 0xb85045b68181585d, 0x30644e72e131a029};
};
using Fq = MontgomeryField<FqParams>;

// c0 + c1 u with u^2 = -1. (ZoKrates and snarkjs write it [c0, c1]; the EVM's precompile [c1, c0].)
struct Fq2 {
    Fq c0, c1;

    static constexpr Fq2 one() { return {Fq::one(), Fq{}}; }

    constexpr Fq2 operator+(const Fq2& o) const { return {c0 + o.c0, c1 + o.c1}; }
    constexpr Fq2 operator-(const Fq2& o) const { return {c0 - o.c0, c1 - o.c1}; }
    constexpr Fq2 operator-() const { return {-c0, -c1}; }
    // Karatsuba: three multiplications in F_q instead of four.
    constexpr Fq2 operator*(const Fq2& o) const {
        const Fq v0 = c0 * o.c0, v1 = c1 * o.c1;
        return {v0 - v1, (c0 + c1) * (o.c0 + o.c1) - v0 - v1};
    }
    constexpr Fq2& operator+=(const Fq2& o) { return *this = *this + o; }
    constexpr Fq2& operator-=(const Fq2& o) { return *this = *this - o; }
    constexpr Fq2& operator*=(const Fq2& o) { return *this = *this * o; }
    // (c0 + c1 u)^2 = (c0 + c1)(c0 - c1) + 2 c0 c1 u: two multiplications.
    constexpr Fq2 squared() const { return {(c0 + c1) * (c0 - c1), (c0 * c1).doubled()}; }
    constexpr Fq2 doubled() const { return *this + *this; }
    // 1 / (c0 + c1 u) = (c0 - c1 u) / (c0^2 + c1^2); zero maps to zero.
    constexpr Fq2 inverse() const {
        const Fq norm_inverse = (c0.squared() + c1.squared()).inverse();
        return {c0 * norm_inverse, -(c1 * norm_inverse)};
    }

    constexpr bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
    constexpr bool operator==(const Fq2&) const = default;
};

}  // namespace zokml::bn254
