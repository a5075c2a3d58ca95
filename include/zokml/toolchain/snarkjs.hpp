// Drives the snarkjs backend (the bundled tools/snarkjs command, snarkjs 0.7 under Node.js): the
// powers of tau, the phase-2 ceremony of a compiled program, its check, and verification. Proofs
// come from prover sessions (ProverSession). docs/toolchain.md#the-snarkjs-backend
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// One contribution to a phase-2 ceremony, as its transcript records it.
struct SetupContribution {
    std::size_t index = 0;  // 1 for the first
    std::string name;
    std::string hash;       // 128 hex digits: what the contributor publishes and checks
    std::string beacon;     // the beacon's hex value, empty unless this is the final beacon
    bool operator==(const SetupContribution&) const = default;

    nlohmann::json to_json() const;  // {"index", "name", "hash", "beacon" when there is one}
    static SetupContribution from_json(const nlohmann::json& json);  // throws nlohmann's exceptions
};

// The check of a final .zkey against the r1cs and the powers of tau: every contribution is
// proven to build on the one before, from the circuit's own start.
struct SetupTranscript {
    bool valid = false;
    std::string reason;  // why not, when not valid
    std::vector<SetupContribution> contributions;
};

// snarkjs' files list a program's public values outputs first (circom's order, which the r1cs
// that ZoKrates writes follows), ZoKrates' proofs and keys inputs first; zokml's are always in
// ZoKrates' order, which its ABI decodes. `outputs`: flattened_size of the ABI's output. Both
// move the first `outputs` values (gamma_abc's points after the first) to the end: a proof and a
// key moved alike verify as before. std::invalid_argument when there are fewer.
std::vector<FieldElement> public_values_in_zokrates_order(std::vector<FieldElement> values, std::size_t outputs);
VerificationKey key_in_zokrates_order(VerificationKey key, std::size_t outputs);

class Snarkjs {
public:
    // <the bundled zokrates' folder>/snarkjs; ToolchainError(NotFound) when it is not there.
    static std::filesystem::path bundled();

    explicit Snarkjs(std::chrono::milliseconds timeout = std::chrono::minutes(30));
    const std::filesystem::path& executable() const { return executable_; }

    // The powers of tau the r1cs needs: 2^power >= constraints + public signals + 1.
    unsigned required_power(const std::filesystem::path& r1cs) const;
    // A local powers-of-tau file with one contribution drawn here (single-party: docs/security.md).
    void make_ptau(unsigned power, const std::filesystem::path& out) const;
    // The ceremony's start: the circuit's initial .zkey, no contribution yet.
    void start_setup(const std::filesystem::path& r1cs, const std::filesystem::path& ptau,
                     const std::filesystem::path& out) const;
    // A contribution with entropy drawn inside the tool; returns its hash.
    std::string contribute(const std::filesystem::path& previous, const std::filesystem::path& out,
                           const std::string& name) const;
    // The final contribution from a public random beacon (hex), hashed 2^iterations times.
    std::string beacon(const std::filesystem::path& previous, const std::filesystem::path& out, const std::string& beacon_hex,
                       unsigned iterations) const;
    // snarkjs' check of a powers-of-tau file (`snarkjs powersoftau verify`): its contributions, its
    // points and hashes, its phase-2 sections. Contributions are not listed (empty).
    SetupTranscript verify_ptau(const std::filesystem::path& ptau) const;
    SetupTranscript verify_setup(const std::filesystem::path& r1cs, const std::filesystem::path& ptau,
                                 const std::filesystem::path& zkey) const;
    // The .zkey's verification key, written to out in ZoKrates' format and order (a program with
    // `outputs` output values: key_in_zokrates_order).
    VerificationKey export_verification_key(const std::filesystem::path& zkey, const std::filesystem::path& out,
                                            std::size_t outputs) const;
    // True when snarkjs accepts the proof under the keypair's verification key; InputError (without
    // a file name) when check_canonical refuses the proof.
    bool verify(const Keypair& keypair, const Proof& proof, const std::filesystem::path& work_dir) const;
    // A g16 proof and its verification key in snarkjs' files: out_dir/proof.json, public.json and
    // verification_key.json (what `snarkjs groth16 verify` takes).
    void to_snarkjs_files(const Proof& proof, const std::filesystem::path& verification_key, const std::filesystem::path& out_dir) const;

    // The witness of the arguments in snarkjs' .wtns (what the native prover reads), written to
    // out with mode 0600; the arguments go to the tool on stdin. Put out in a private folder and
    // remove it after proving. Returns main's return value.
    Value write_witness(const CompiledProgram& program, const std::vector<Value>& arguments,
                        const std::filesystem::path& out) const;

private:
    nlohmann::json run(Step step, const std::vector<std::string>& arguments, const std::string& stdin_data = "") const;

    std::filesystem::path executable_;
    std::chrono::milliseconds timeout_;
};

}  // namespace zokml
