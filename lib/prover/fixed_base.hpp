// Multiples of one point, scalar * P for many scalars: the setup's only group arithmetic. A table
// of d 2^(w k) P for every w-bit digit d and window k makes each multiple ceil(254 / w) mixed
// additions and no doubling; the results are converted to affine coordinates in batches that
// share one field inversion (Montgomery's trick).
#pragma once

#include <span>
#include <vector>

#include "crypto/bn254/curve.hpp"

namespace zokml::prover {

// points[i] to affine coordinates, the point at infinity as (0, 0) (as snarkjs' files write it),
// with one inversion for all of them.
template <class Curve>
void batch_to_affine(std::span<const bn254::JacobianPoint<Curve>> points, std::span<bn254::AffinePoint<Curve>> out);

template <class Curve>
class FixedBase {
public:
    // window_bits in 1..16; threads: 0 for every core.
    FixedBase(const bn254::AffinePoint<Curve>& base, unsigned window_bits, unsigned threads = 0);

    bn254::JacobianPoint<Curve> multiple(const bn254::Fr& scalar) const;
    // out[i] = scalars[i] * base for every i (out.size() == scalars.size()), on `threads` threads.
    void multiples(std::span<const bn254::Fr> scalars, std::span<bn254::AffinePoint<Curve>> out, unsigned threads = 0) const;

private:
    unsigned window_bits_, windows_;
    std::vector<bn254::AffinePoint<Curve>> table_;  // window k's digit d at k (2^w - 1) + d - 1
};

extern template class FixedBase<bn254::G1Curve>;
extern template class FixedBase<bn254::G2Curve>;

}  // namespace zokml::prover
