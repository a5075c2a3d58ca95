// A Groth16 proof in snarkjs' files (what `snarkjs groth16 prove` writes), read into zokml's
// Proof (ZoKrates' JSON), each value checked as check_canonical checks ZoKrates' (docs/security.md).
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/core/field.hpp"
#include "zokml/toolchain/artifacts.hpp"

namespace zokml {

// snarkjs' proof.json: exactly {"pi_a": [x, y, "1"], "pi_b": [[x0, x1], [y0, y1], ["1", "0"]],
// "pi_c": [x, y, "1"], "protocol": "groth16", "curve": "bn128"}, each coordinate a decimal string
// below q without leading zeros; the projective z must be exactly 1 (snarkjs writes affine points
// so); pi_a and pi_c in G1, pi_b in G2 (on the twist and of order r). Returns ZoKrates' points
// {"a", "b", "c"} in hex. Throws InputError naming `file` and the field, e.g. "pi_b[2]".
nlohmann::json snarkjs_proof_points(const nlohmann::json& proof, const std::filesystem::path& file);

// snarkjs' public.json: an array of decimal strings, each below p without leading zeros. Throws
// InputError naming `file` and the element, e.g. "[3]".
std::vector<FieldElement> snarkjs_public_signals(const nlohmann::json& signals, const std::filesystem::path& file);

// Both files, read and checked, as one g16 proof on bn128 (its number of public inputs is checked
// against a key by check_canonical).
Proof read_snarkjs_proof(const std::filesystem::path& proof, const std::filesystem::path& public_signals);

}  // namespace zokml
