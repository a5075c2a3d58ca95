// Many inversions for the price of one (Montgomery's trick): the running products of the values,
// one inversion of their product, and the way back down, three multiplications a value. The
// running products go in four interleaved chains (value k in chain k % 4): the multiplications
// of one chain wait for each other, those of four keep the multiplier busy.
#pragma once

#include <array>
#include <span>
#include <vector>

#include <openssl/crypto.h>

namespace zokml::prover {

// Each value replaced by its inverse; every value must be non-zero. prefix: scratch, reused
// between calls to save allocations (the caller wipes it where the values are secret, as the
// setup's are; the products and inverses held here are wiped on return).
template <class F>
void invert_all(std::span<F> values, std::vector<F>& prefix) {
    std::array<F, 4> product;
    product.fill(F::one());
    prefix.resize(values.size());
    for (std::size_t k = 0; k < values.size(); ++k) {
        prefix[k] = product[k % 4];
        product[k % 4] *= values[k];
    }
    // The four chains' inverses from one inversion: pair = {p0 p1, p2 p3, 1 / (p0 p1 p2 p3), scratch}.
    std::array<F, 4> pair{product[0] * product[1], product[2] * product[3]}, inverse;
    pair[2] = (pair[0] * pair[1]).inverse();
    pair[3] = pair[2] * pair[1];  // 1 / (p0 p1)
    inverse[0] = pair[3] * product[1], inverse[1] = pair[3] * product[0];
    pair[3] = pair[2] * pair[0];  // 1 / (p2 p3)
    inverse[2] = pair[3] * product[3], inverse[3] = pair[3] * product[2];
    for (std::size_t k = values.size(); k-- > 0;) {
        F& chain = inverse[k % 4];  // the inverse of the product of chain k % 4 up to value k
        const F value_inverse = chain * prefix[k];
        chain *= values[k];
        values[k] = value_inverse;
    }
    OPENSSL_cleanse(product.data(), sizeof product);
    OPENSSL_cleanse(pair.data(), sizeof pair);
    OPENSSL_cleanse(inverse.data(), sizeof inverse);
}

}  // namespace zokml::prover
