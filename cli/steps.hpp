// The steps on a circuit folder (generate, compile, setup, prove, verify): each subcommand runs
// one of them, `zokml run` all of them in order. The folder's layout is circuit_folder.hpp's: the lock
// file, circuit/, keys/, and proof.json.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/folder_proof.hpp"

namespace zokml::cli {

struct StepResult {
    explicit StepResult(std::string name) : step(std::move(name)) {}

    std::string step;
    double seconds = 0;
    std::string note;  // e.g. "7776 constraints, cache hit"
    nlohmann::json details = nlohmann::json::object();

    std::string line() const;        // "compile      5.58 s  (7776 constraints, cache hit)"
    nlohmann::json to_json() const;  // details and seconds
    // With --json its JSON, else its line and, given a key of details naming a file, "key: file".
    void print(const Output& out, const std::string& file_key = "") const;
};

// Writes spec.output's sources and lock file.
StepResult generate_step(const CircuitSpec& spec);
// Compiles the folder's sources through the store (details: constraints, cache, program).
StepResult compile_step(const std::filesystem::path& folder, const Toolchain& toolchain, const ArtifactStore& store);
// zokrates: a keypair from the store (or a new one), linked into folder/keys. snarkjs: a
// single-party ceremony on this machine (details: the transcript's contributions).
StepResult setup_step(const std::filesystem::path& folder, const SetupChoice& choice, const Toolchain& toolchain,
                      const ArtifactStore& store);
// A proof written to proof_file (a proof there before is kept aside: keep_previous, details
// "previous_proof"); details["public"] is what it reveals.
StepResult prove_step(const std::filesystem::path& folder, const ProofRequest& request,
                      const std::filesystem::path& proof_file, const Toolchain& toolchain, const ArtifactStore& store);
// details["verified"]: PASSED. With the circuit folder of the proof's circuit, details["public"]
// decodes the public values. The folder's own snarkjs key: its transcript is checked first, and
// snarkjs verifies unless `backend` says otherwise; any other key: `backend`, else ZoKrates.
StepResult verify_step(const std::filesystem::path& verification_key, const std::filesystem::path& proof,
                       const Toolchain& toolchain, const std::optional<std::filesystem::path>& folder,
                       std::optional<Backend> backend, const ArtifactStore& store);

}  // namespace zokml::cli
