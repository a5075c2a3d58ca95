// What each toolchain step produces, as plain values with JSON round trips.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/abi.hpp"

namespace zokml {

enum class Scheme { G16, GM17, Marlin };
std::string to_string(Scheme scheme);   // "g16", "gm17", "marlin"
Scheme scheme_from_string(const std::string& name);

// Who runs the setup and the prover (zokml/toolchain/proving_backend.hpp): ZoKrates (zokrates-js'
// ark prover, single-threaded; ZoKrates' key format), snarkjs (WebAssembly; a powers-of-tau file
// and a phase-2 ceremony, its .zkey) or zokml's native Groth16 prover and setup (on every core;
// snarkjs' formats). ZoKrates compiles and computes witnesses for all. docs/toolchain.md#backends
enum class Backend { Zokrates, Snarkjs, Native };
std::string to_string(Backend backend);  // "zokrates", "snarkjs", "native"
Backend backend_from_string(const std::string& name);  // throws std::invalid_argument naming them

struct CompiledProgram {
    std::filesystem::path program;   // the compiled program ("out")
    std::filesystem::path abi_file;  // abi.json
    std::filesystem::path r1cs;      // out.r1cs when the compile was asked for it, else empty
    std::size_t constraints = 0;
    Abi abi;
    // Set when the files are an artifact store's entry: while any copy lives, `zokml cache prune`
    // keeps the entry (ArtifactStore::Entry::in_use).
    std::shared_ptr<const void> in_use;
};

// A verification key as ZoKrates writes it: scheme, curve and the scheme's named points,
// kept as JSON because each scheme names different points.
struct VerificationKey {
    std::string scheme;
    std::string curve;
    nlohmann::json points;  // every member but "scheme" and "curve"

    static VerificationKey from_json(const nlohmann::json& json);
    nlohmann::json to_json() const;
    bool operator==(const VerificationKey&) const = default;
};

// Every backend writes the verification key in ZoKrates' JSON format; snarkjs' and the native
// proving key is a .zkey.
struct Keypair {
    Scheme scheme = Scheme::G16;
    Backend backend = Backend::Zokrates;
    std::filesystem::path proving_key;
    std::filesystem::path verification_key_file;
    VerificationKey verification_key;
    std::shared_ptr<const void> in_use;  // as CompiledProgram::in_use
};

// A keypair for verifying and exporting only: the verification key file, read and checked.
// Throws InputError naming the file when it is not a verification key.
Keypair verification_keypair(const std::filesystem::path& verification_key);

struct Witness {
    std::filesystem::path file;
    Value output;  // main's return value, decoded against the ABI
};

// A proof as in proof.json: the scheme's points (hex coordinates) and the public inputs.
struct Proof {
    std::string scheme;
    std::string curve;
    nlohmann::json points;               // e.g. {"a": [x, y], "b": [[..],[..]], "c": [x, y]}
    std::vector<FieldElement> inputs;    // public inputs, then main's outputs

    static Proof from_json(const nlohmann::json& json);
    nlohmann::json to_json() const;
    bool operator==(const Proof&) const = default;
};

// The number of public inputs a proof for the key carries: g16's gamma_abc and gm17's query hold
// one point more. Throws std::invalid_argument for other schemes or a key without that list.
std::size_t public_input_count(const VerificationKey& key);

// Checks that the proof is one the key's verifiers can take, in its only form, before any of them
// sees it (zokrates-js, snarkjs, the calldata of the Solidity verifier and the sCrypt one): a g16
// or gm17 proof on bn128, the key's scheme; "proof" holds exactly the points a, b (G2) and c, each
// coordinate "0x" and 64 hex digits of a value below q (BN254's base field), a and c on the curve
// y^2 = x^3 + 3, b on the twist y^2 = x^3 + 3/(9+u) and in its subgroup of order r; the point at
// infinity, which no honest proof holds, is refused; and exactly public_input_count(key) public
// inputs (each below p, as Proof holds them). Throws InputError naming `file` (where the proof was
// read) and the field, e.g. "proof.b[1][0]", or "inputs" for their number. docs/security.md
void check_canonical(const Proof& proof, const VerificationKey& key, const std::filesystem::path& file);
// What check_canonical checks without a key: a g16 or gm17 proof on bn128, its points as above
// (not the number of its public inputs, nor which key's scheme). `zokml calldata` without a key.
void check_canonical_points(const Proof& proof, const std::filesystem::path& file);

}  // namespace zokml
