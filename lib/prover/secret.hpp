// Secret scalars: drawn from OpenSSL's CSPRNG, multiplied into points without branching on their
// bits (the prover's r and s, the setup's toxic waste).
#pragma once

#include "crypto/bn254/curve.hpp"
#include "zokml/core/random.hpp"

namespace zokml::prover {

// A uniform element of F_r from OpenSSL's CSPRNG: 254 random bits, redrawn until below r.
inline bn254::Fr random_fr() {
    using bn254::Fr;
    using bn254::Limbs;
    for (;;) {
        Limbs limbs{};
        fill_random({reinterpret_cast<std::uint8_t*>(limbs.data()), sizeof limbs});
        limbs[3] &= (std::uint64_t{1} << 62) - 1;
        if (bn254::less_than(limbs, Fr::kModulus)) {
            const Fr value = Fr::from_canonical(limbs);
            limbs = {};
            return value;
        }
    }
}

// scalar * p with the same doublings and additions whatever the scalar's bits (r and s are secret).
template <class Curve>
inline bn254::JacobianPoint<Curve> secret_multiple(const bn254::JacobianPoint<Curve>& p, const bn254::Fr& scalar) {
    using bn254::Limbs;
    using Point = bn254::JacobianPoint<Curve>;
    const auto affine = p.to_affine();
    if (!affine) return Point{};
    const Limbs bits = scalar.to_canonical();
    Point sum = *affine;  // the top bit (254) is zero: start at 1 p and subtract it at the end
    for (int bit = 253; bit >= 0; --bit) {
        sum = sum.doubled();
        const Point added = sum + *affine;
        if ((bits[bit / 64] >> (bit % 64)) & 1) sum = added;
    }
    const Point top = bn254::multiply(*affine, Limbs{0, 0, 0, std::uint64_t{1} << 62});  // 2^254 p, public
    return sum + -top;
}

}  // namespace zokml::prover
