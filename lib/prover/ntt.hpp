// Radix-2 number-theoretic transforms over F_r on the subgroup of 2^k-th roots of unity, with the
// roots snarkjs (ffjavascript) uses, so that evaluations line up with its keys' Lagrange bases:
// w_28 = 5^((r - 1) / 2^28), w_k = w_28^(2^(28 - k)).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "crypto/bn254/fr.hpp"

namespace zokml::prover {

inline constexpr unsigned kTwoAdicity = 28;  // 2^28 divides r - 1

// A primitive 2^log_size-th root of unity (log_size <= 28).
bn254::Fr root_of_unity(unsigned log_size);

class Domain {
public:
    explicit Domain(unsigned log_size);  // log_size <= 28

    std::size_t size() const { return std::size_t{1} << log_size_; }
    const bn254::Fr& generator() const { return generator_; }

    // Coefficients c_j to evaluations sum_j c_j w^(ij), in place (values.size() == size()).
    void forward(std::span<bn254::Fr> values, unsigned threads = 0) const;
    // Evaluations at w^i to coefficients: forward's inverse.
    void inverse(std::span<bn254::Fr> values, unsigned threads = 0) const;

private:
    void transform(std::span<bn254::Fr> values, const std::vector<bn254::Fr>& roots, unsigned threads) const;

    unsigned log_size_;
    bn254::Fr generator_;
    std::vector<bn254::Fr> roots_, inverse_roots_;  // w^i and w^-i for i < size / 2
};

}  // namespace zokml::prover
