// zokml's native Groth16 setup for BN254 (docs/toolchain.md "The native setup"): the keys of a
// circuit that ZoKrates compiled (`compile --r1cs`), in snarkjs' file formats, without Node.js.
//
// It is a SINGLE-PARTY setup: this process draws every secret (tau, alpha, beta of the powers of
// tau, delta of phase 2) from OpenSSL's CSPRNG, uses them, and wipes them. Whoever runs it could
// have kept them and forge proofs, so a verifier trusts whoever ran it (docs/security.md, "The
// setup"); a multi-party ceremony (zokml ceremony) removes that trust. Its files are exactly those
// that `snarkjs powersoftau new` + `contribute` + `prepare phase2` and `snarkjs zkey new` +
// `zkey contribute` make, with one contribution each, so that snarkjs' own verifiers check them:
// `snarkjs powersoftau verify ptau` and `snarkjs zkey verify r1cs ptau zkey`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zokml::prover {

// What a snarkjs .r1cs holds, once the whole file was read and checked (every wire below the
// count, every coefficient below r, BN254's field).
struct R1csSize {
    std::size_t constraints = 0;
    std::size_t variables = 0;       // wires, the constant 1 included
    std::size_t public_signals = 0;  // outputs and public inputs: the proof's statement
    // The powers of tau it needs, snarkjs' rule: 2^power >= constraints + public signals + 1.
    unsigned power = 0;
};

// Reads the .r1cs. Throws InputError naming the file and the section when it is not a BN254 .r1cs,
// a count does not match its bytes, or the circuit needs more than 2^27 points.
R1csSize read_r1cs_size(const std::filesystem::path& r1cs);

struct SetupRecord {
    unsigned power = 0;                // of the powers of tau written
    std::string circuit_hash;          // snarkjs' "circuit hash" of the zkey (128 hex digits)
    std::string contribution_hash;     // the zkey's one contribution's hash, as snarkjs' zkey verify prints it
    std::string ptau_response_hash;    // the powers of tau's contribution (its response hash)
};

// The single-party setup of the circuit in `r1cs`: writes `ptau_out` (powers of tau of the
// smallest power the circuit needs, one contribution, prepared for phase 2) and `zkey_out` (the
// circuit's final .zkey, one phase-2 contribution), each to a temporary file renamed over it
// (mode 0600). threads: 0 for every core. Throws InputError for a bad r1cs (as read_r1cs_size),
// std::runtime_error when the CSPRNG or a write fails; nothing is left half-written.
SetupRecord setup_groth16(const std::filesystem::path& r1cs, const std::filesystem::path& ptau_out,
                          const std::filesystem::path& zkey_out, unsigned threads = 0);

// The same for several circuits of one power at once: one powers of tau (one tau, alpha, beta)
// written to `ptau_out`, then each circuit's .zkey from it with a delta of its own, as snarkjs
// sets up circuits on one shared .ptau; the powers of tau, most of a setup's work, are made once.
// std::invalid_argument when `circuits` is empty or their powers differ.
struct SetupTarget {
    std::filesystem::path r1cs;
    std::filesystem::path zkey_out;
};
std::vector<SetupRecord> setup_groth16(std::span<const SetupTarget> circuits, const std::filesystem::path& ptau_out,
                                       unsigned threads = 0);

// The .zkey's verification key in ZoKrates' g16 JSON ({"scheme": "g16", "curve": "bn128",
// "alpha", "beta", "gamma", "delta", "gamma_abc"}, coordinates as "0x" and 64 hex digits): what
// `snarkjs zkey export verificationkey` gives, converted as tools/snarkjs.mjs does. Throws
// InputError as Groth16ProvingKey's reader does.
nlohmann::json verification_key_json(const std::filesystem::path& zkey);

}  // namespace zokml::prover
