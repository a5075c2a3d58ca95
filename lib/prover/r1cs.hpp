// A snarkjs .r1cs (iden3's format, what `zokrates compile --r1cs` writes) as the setup reads it:
// header (field, wire counts, constraint count) and the constraints' three linear combinations.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "crypto/bn254/fr.hpp"
#include "zokml/prover/setup.hpp"

namespace zokml::prover {

struct R1csTerm {
    std::uint32_t constraint, signal;
    bn254::Fr value;
};

struct R1cs {
    R1csSize size;
    std::vector<R1csTerm> a, b, c;  // in the file's order: by constraint, then as listed
};

// Throws InputError naming the file and the section (as read_r1cs_size documents).
R1cs read_r1cs(const std::filesystem::path& file);

}  // namespace zokml::prover
