// One circuit compiled and set up, and its proofs (ModelProver in model_prover.hpp proves about a
// model with it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "zokml/core/files.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/proving_backend.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// Wall-clock seconds of each step.
struct StepTimes {
    double generate_s = 0;
    double compile_s = 0;
    double setup_s = 0;
    double witness_s = 0;
    double prove_s = 0;
    double verify_s = 0;
};

// One circuit, compiled and set up; witnesses and proofs go into work_dir (created, mode 0700).
// Proofs and verification go through the keypair's backend (proving_backend: the native prover
// for a .zkey, zokrates-js for ZoKrates' keys).
class CircuitProver {
public:
    // Writes the circuit into work_dir/circuit, compiles into work_dir/build, sets up into
    // work_dir/keys with `backend` (default_setup_backend(scheme) when none).
    CircuitProver(const Toolchain& toolchain, Circuit circuit, const std::filesystem::path& work_dir,
                  Scheme scheme = Scheme::G16, std::optional<Backend> backend = {}, double generate_s = 0);
    // The same with the compiled program and keypair reused from store (or built and added to it):
    // program() and keypair() then point at files inside its entries; cache() says which were reused.
    CircuitProver(const Toolchain& toolchain, Circuit circuit, const ArtifactStore& store,
                  const std::filesystem::path& work_dir, Scheme scheme = Scheme::G16, std::optional<Backend> backend = {},
                  double generate_s = 0);
    // A program and keypair that exist already (a circuit folder's); circuit() is then empty.
    CircuitProver(const Toolchain& toolchain, CompiledProgram program, Keypair keypair, const std::filesystem::path& work_dir);
    // The same with witnesses and proofs in a private temporary folder, removed with the prover
    // (and on SIGINT or SIGTERM): the witness holds the private values.
    CircuitProver(const Toolchain& toolchain, CompiledProgram program, Keypair keypair);
    ~CircuitProver();
    CircuitProver(CircuitProver&&) noexcept;

    Witness evaluate(const std::vector<Value>& arguments) const;  // the witness alone (work_dir/evaluate)
    // Witness and proof by the keypair's backend.
    Proof prove(const std::vector<Value>& arguments);
    // From now on prove() keeps one process (and the key) for every proof, started with the first
    // proof. zokrates-js: throws ToolchainError(NotFound) unless the toolchain is the bundled
    // zokrates-js command. (snarkjs and the native prover always do.)
    void use_session();
    // Proofs by another backend than the keypair's own (one that reads its keys: snarkjs for a .zkey).
    void prove_with(Backend backend);
    bool verify(const Proof& proof) const;  // by the keypair's backend's verifier

    // The public inputs a proof of `arguments` would carry, from the witness alone.
    std::vector<FieldElement> evaluate_public(const std::vector<Value>& arguments) const;

    const Circuit& circuit() const { return circuit_; }
    const CompiledProgram& program() const { return program_; }
    const Keypair& keypair() const { return keypair_; }
    const StepTimes& times() const { return times_; }  // of the last run of each step
    const Toolchain& toolchain() const { return toolchain_; }

    struct CacheOutcomes {
        ArtifactStore::Outcome compile = ArtifactStore::Outcome::Built;
        ArtifactStore::Outcome setup = ArtifactStore::Outcome::Built;
    };
    const std::optional<CacheOutcomes>& cache() const { return cache_; }  // with a store only

private:
    const Toolchain& toolchain_;
    std::unique_ptr<TempFolder> scratch_;  // work_dir_, when the prover made it (removed last)
    Circuit circuit_;
    std::filesystem::path work_dir_;
    CompiledProgram program_;
    Keypair keypair_;
    mutable StepTimes times_;
    std::optional<CacheOutcomes> cache_;
    std::unique_ptr<ProvingBackend> backend_;  // the keypair's
    bool session_ = false;
    std::unique_ptr<Prover> prover_;           // made with the first proof
};

}  // namespace zokml
