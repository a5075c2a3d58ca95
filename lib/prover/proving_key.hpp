// The Groth16 proving key as the prover reads it: snarkjs' .zkey in flat arrays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/bn254/curve.hpp"
#include "zokml/prover/groth16.hpp"

namespace zokml::prover {

// One non-zero entry of the QAP's A or B matrix: the coefficient of a signal in a constraint.
struct Coefficient {
    std::uint32_t constraint;
    std::uint32_t signal;
    bn254::Fr value;
};

class BinaryFile;

// The .zkey's Groth16 header (section 2), points as the file holds them (see Data below).
struct Groth16Header {
    std::uint32_t variables = 0, public_inputs = 0, domain_size = 0;
    unsigned log_domain_size = 0;
    bn254::G1Affine alpha1, beta1, delta1;
    bn254::G2Affine beta2, gamma2, delta2;
};
// Checks that the file is a BN254 Groth16 .zkey (sections 1 and 2) and reads its header; InputError
// naming the file and the section otherwise.
Groth16Header read_groth16_header(const BinaryFile& file);
// Section `type`, exactly `count` points with canonical coordinates; InputError naming `name` otherwise.
template <class Point>
std::vector<Point> read_points(const BinaryFile& file, std::uint32_t type, const std::string& name, std::uint64_t count);

// Points as the .zkey holds them: affine, in Montgomery form; (0, 0), which is not on the curve,
// stands for the point at infinity (snarkjs writes it so).
struct Groth16ProvingKey::Data : Groth16Header {
    std::vector<Coefficient> a_coefficients, b_coefficients;  // A's and B's; C's evaluations are A's times B's
    std::vector<bn254::G1Affine> a, b1;                       // one per variable
    std::vector<bn254::G2Affine> b2;                          // one per variable
    std::vector<bn254::G1Affine> c;                           // one per private variable (after 1 and the public ones)
    std::vector<bn254::G1Affine> h;                           // one per point of the odd coset of the domain
};

}  // namespace zokml::prover
