// Poseidon's round constants and MDS matrices for BN254, derived with the Grain LFSR as the
// Poseidon paper's reference script does (https://eprint.iacr.org/2019/458,
// generate_parameters_grain.sage) instead of stored tables. See docs/poseidon.md.
#pragma once

#include <vector>

#include "crypto/bn254/fr.hpp"

namespace zokml::detail {

using bn254::Fr;

struct PoseidonParameters {
    unsigned width = 0;  // t: the number of inputs plus one
    unsigned full_rounds = 0;
    unsigned partial_rounds = 0;
    std::vector<Fr> round_constants;  // (full + partial rounds) * width, round after round
    std::vector<Fr> mds;              // width x width, row-major: out[i] = sum_j mds[i][j] * in[j]
};

// circomlib's parameters for widths 2..7 (1..6 inputs), derived on first use and cached.
const PoseidonParameters& poseidon_parameters(unsigned width);

}  // namespace zokml::detail
