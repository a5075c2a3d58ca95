// Multi-scalar multiplication, sum_i scalars[i] points[i], by Pippenger's bucket method: the
// scalars cut into windows of c bits in signed digits (c chosen from the count), each window's
// points added into 2^(c-1) buckets by their digit's magnitude (negated for a negative digit), the
// buckets summed by a running sum, the windows combined by c doublings each. Many points go into
// affine buckets in batches that share one inversion; few into Jacobian ones by mixed additions.
// The threads take the windows one at a time. Only the windows below the largest scalar's top bit
// are computed: small scalars cost few windows.
#pragma once

#include <span>

#include "crypto/bn254/curve.hpp"

namespace zokml::prover {

struct MsmPlan {
    unsigned window_bits;
    bool affine_buckets;  // batches of affine additions rather than mixed Jacobian ones
};
// The window width and bucket method that minimise the field multiplications for `count` points
// whose scalars have at most scalar_bits bits.
MsmPlan msm_plan(std::size_t count, unsigned scalar_bits = 256);

// points and scalars of the same length; a point (0, 0), which is not on the curve, stands for the
// point at infinity (snarkjs' files write it so); scalars are canonical integers below 2^256.
// threads: 0 for every core.
template <class Curve>
bn254::JacobianPoint<Curve> multi_scalar_multiply(std::span<const bn254::AffinePoint<Curve>> points,
                                                  std::span<const bn254::Limbs> scalars, unsigned threads = 0);

extern template bn254::G1 multi_scalar_multiply<bn254::G1Curve>(std::span<const bn254::G1Affine>, std::span<const bn254::Limbs>, unsigned);
extern template bn254::G2 multi_scalar_multiply<bn254::G2Curve>(std::span<const bn254::G2Affine>, std::span<const bn254::Limbs>, unsigned);

}  // namespace zokml::prover
