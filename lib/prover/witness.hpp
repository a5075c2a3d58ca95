// The witness as the prover reads it: canonical values (not Montgomery forms), as snarkjs' .wtns
// holds them and as the multi-scalar multiplications take them.
#pragma once

#include <filesystem>
#include <vector>

#include "crypto/bn254/montgomery.hpp"
#include "zokml/prover/groth16.hpp"

namespace zokml::prover {

struct Groth16Witness::Data {
    ~Data();  // wipes the values: they are private
    std::filesystem::path file;
    std::vector<bn254::Limbs> values;  // each below r
};

}  // namespace zokml::prover
