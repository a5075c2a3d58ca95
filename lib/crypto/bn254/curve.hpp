// BN254's groups: G1 = E(F_q), y^2 = x^3 + 3, of prime order r (cofactor 1), and G2, the order-r
// subgroup of the twist E'(F_q2), y^2 = x^3 + 3 / (9 + u), whose other points (the cofactor is
// about q) no pairing check may see. Points in affine coordinates (as files write them) and in
// Jacobian ones (X, Y, Z) = (X / Z^2, Y / Z^3) for sums without inversions. Formulas for a = 0
// from the Explicit-Formulas Database (hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html).
#pragma once

#include <optional>

#include "crypto/bn254/fq.hpp"
#include "crypto/bn254/fr.hpp"

namespace zokml::bn254 {

struct G1Curve {
    using Field = Fq;
    static constexpr Fq b = Fq::from_u64(3);
};
struct G2Curve {
    using Field = Fq2;
    static constexpr Fq2 b = Fq2{Fq::from_u64(3), Fq{}} * Fq2{Fq::from_u64(9), Fq::one()}.inverse();
};

// A point other than the point at infinity, which has no affine coordinates.
template <class Curve>
struct AffinePoint {
    typename Curve::Field x, y;

    constexpr bool on_curve() const { return y.squared() == x.squared() * x + Curve::b; }
    constexpr AffinePoint operator-() const { return {x, -y}; }
    constexpr bool operator==(const AffinePoint&) const = default;
};

template <class Curve>
class JacobianPoint {
public:
    using F = typename Curve::Field;
    using Affine = AffinePoint<Curve>;

    constexpr JacobianPoint() = default;  // the point at infinity (Z = 0)
    constexpr JacobianPoint(const Affine& p) : x_(p.x), y_(p.y), z_(F::one()) {}  // NOLINT: a point is a point

    constexpr bool is_infinity() const { return z_.is_zero(); }

    // dbl-2009-l: 2M + 5S.
    constexpr JacobianPoint doubled() const {
        if (is_infinity()) return *this;
        const F a = x_.squared(), b = y_.squared(), c = b.squared();
        const F d = ((x_ + b).squared() - a - c).doubled();
        const F e = a.doubled() + a;
        const F x3 = e.squared() - d.doubled();
        return JacobianPoint(x3, e * (d - x3) - c.doubled().doubled().doubled(), (y_ * z_).doubled());
    }

    // add-2007-bl: 11M + 5S.
    constexpr JacobianPoint operator+(const JacobianPoint& o) const {
        if (is_infinity()) return o;
        if (o.is_infinity()) return *this;
        const F z1z1 = z_.squared(), z2z2 = o.z_.squared();
        const F u1 = x_ * z2z2, u2 = o.x_ * z1z1;
        const F s1 = y_ * o.z_ * z2z2, s2 = o.y_ * z_ * z1z1;
        const F h = u2 - u1, r = (s2 - s1).doubled();
        if (h.is_zero()) return r.is_zero() ? doubled() : JacobianPoint();  // the same point, or its negation
        const F i = h.doubled().squared(), j = h * i, v = u1 * i;
        const F x3 = r.squared() - j - v.doubled();
        return JacobianPoint(x3, r * (v - x3) - (s1 * j).doubled(), ((z_ + o.z_).squared() - z1z1 - z2z2) * h);
    }

    // madd-2007-bl, a Jacobian point plus an affine one: 7M + 4S.
    constexpr JacobianPoint operator+(const Affine& o) const {
        if (is_infinity()) return JacobianPoint(o);
        const F z1z1 = z_.squared();
        const F u2 = o.x * z1z1, s2 = o.y * z_ * z1z1;
        const F h = u2 - x_, r = (s2 - y_).doubled();
        if (h.is_zero()) return r.is_zero() ? doubled() : JacobianPoint();
        const F hh = h.squared(), i = hh.doubled().doubled(), j = h * i, v = x_ * i;
        const F x3 = r.squared() - j - v.doubled();
        return JacobianPoint(x3, r * (v - x3) - (y_ * j).doubled(), (z_ + h).squared() - z1z1 - hh);
    }

    constexpr JacobianPoint operator-() const { return JacobianPoint(x_, -y_, z_); }

    // The same point: X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3, or both at infinity.
    constexpr bool operator==(const JacobianPoint& o) const {
        if (is_infinity() || o.is_infinity()) return is_infinity() && o.is_infinity();
        const F z1z1 = z_.squared(), z2z2 = o.z_.squared();
        return x_ * z2z2 == o.x_ * z1z1 && y_ * o.z_ * z2z2 == o.y_ * z_ * z1z1;
    }

    // (X / Z^2, Y / Z^3); nothing for the point at infinity.
    constexpr std::optional<Affine> to_affine() const {
        if (is_infinity()) return std::nullopt;
        return to_affine(z_.inverse());
    }
    // The same given 1 / Z, for conversions of many points that share one inversion (Montgomery's trick).
    constexpr const F& z() const { return z_; }
    constexpr Affine to_affine(const F& z_inverse) const {
        const F z_inverse_squared = z_inverse.squared();
        return Affine{x_ * z_inverse_squared, y_ * z_inverse_squared * z_inverse};
    }

private:
    constexpr JacobianPoint(const F& x, const F& y, const F& z) : x_(x), y_(y), z_(z) {}

    F x_{}, y_{}, z_{};
};

using G1Affine = AffinePoint<G1Curve>;
using G1 = JacobianPoint<G1Curve>;
using G2Affine = AffinePoint<G2Curve>;
using G2 = JacobianPoint<G2Curve>;

// scalar * p by double and add from the top bit of the scalar (not constant time: for public
// points and scalars only, such as a subgroup check).
template <class Curve>
constexpr JacobianPoint<Curve> multiply(const AffinePoint<Curve>& p, const Limbs& scalar) {
    JacobianPoint<Curve> sum;
    for (int bit = 255; bit >= 0; --bit) {
        sum = sum.doubled();
        if ((scalar[bit / 64] >> (bit % 64)) & 1) sum = sum + p;
    }
    return sum;
}

// Whether r p is the point at infinity: p is in the group of order r, G1 or G2 (every point of
// E(F_q) is; most of E'(F_q2) is not).
template <class Curve>
constexpr bool in_prime_order_subgroup(const AffinePoint<Curve>& p) {
    return multiply(p, FrParams::modulus).is_infinity();
}

}  // namespace zokml::bn254
