// Proofs end to end, one prover per circuit variant: a circuit is generated, compiled and set up
// once; then inputs are proven, and each proof comes back with what it makes public, typed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "zokml/circuit/both_private.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
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

// What a proof would make public, from the integer reference alone, or InputError when no proof
// exists: an input out of range, a claimed class that is not the prediction (or one given or
// missing against the options), a threshold above the model's correct count. The provers check
// this before proving, and that the proof shows exactly it after.
PrivateInputPublic expected_private_input_public(const QuantizedModel& model, const PrivateInputOptions& options,
                                                 const std::vector<std::int64_t>& input, std::optional<int> claimed_class);
// `salt`: the model owner's secret salt of the commitment (commit_model).
PrivateModelPublic expected_private_model_public(const QuantizedModel& model, const FieldElement& salt, const LabeledBatch& batch,
                                                 std::int64_t threshold);
BothPrivatePublic expected_both_private_public(const QuantizedModel& model, const FieldElement& salt,
                                               const std::vector<std::int64_t>& input);

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

    struct CacheOutcomes {
        ArtifactStore::Outcome compile = ArtifactStore::Outcome::Built;
        ArtifactStore::Outcome setup = ArtifactStore::Outcome::Built;
    };
    const std::optional<CacheOutcomes>& cache() const { return cache_; }  // with a store only

private:
    const Toolchain& toolchain_;
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

struct PrivateInputProof {
    Proof proof;
    PrivateInputPublic public_output;  // what the proof makes public
};

// A public model, a private input, a public class (optionally a claimed class, the logits, the
// input's hash: PrivateInputOptions).
class PrivateInputProver {
public:
    // Generates the circuit, compiles and sets it up in work_dir.
    PrivateInputProver(const Toolchain& toolchain, QuantizedModel model, const std::filesystem::path& work_dir,
                       PrivateInputOptions options = {}, Scheme scheme = Scheme::G16);
    // With the program and keys of this model's circuit for these options.
    PrivateInputProver(QuantizedModel model, PrivateInputOptions options, CircuitProver prover);

    // What a proof would make public, from the witness alone.
    PrivateInputPublic evaluate(const std::vector<std::int64_t>& input, std::optional<int> claimed_class = {}) const;
    // Throws InputError when no proof exists: an input out of range, a claimed class that is not
    // the prediction, or a claimed class missing or given when the options say otherwise.
    PrivateInputProof prove(const std::vector<std::int64_t>& input, std::optional<int> claimed_class = {});
    bool verify(const Proof& proof) const { return prover_.verify(proof); }

    const QuantizedModel& model() const { return model_; }
    const PrivateInputOptions& options() const { return options_; }
    const CircuitProver& circuit_prover() const { return prover_; }

private:
    std::vector<Value> arguments(const std::vector<std::int64_t>& input, std::optional<int> claimed_class) const;

    QuantizedModel model_;
    PrivateInputOptions options_;
    CircuitProver prover_;
};

struct PrivateModelProof {
    Proof proof;
    PrivateModelPublic public_output;
};

// A private model bound to its public commitment reaches a public threshold of correct
// classifications on a public labelled batch. `salt` is the model owner's secret salt
// (random_salt; zokml commit keeps it in a private file): the commitment is commit_model(model, salt).
class PrivateModelProver {
public:
    PrivateModelProver(const Toolchain& toolchain, QuantizedModel model, const FieldElement& salt, LabeledBatch batch,
                       const std::filesystem::path& work_dir, PrivateModelOptions options = {}, Scheme scheme = Scheme::G16);
    PrivateModelProver(QuantizedModel model, const FieldElement& salt, LabeledBatch batch, CircuitProver prover);

    const FieldElement& commitment() const { return commitment_; }  // commit_model: what the owner publishes
    std::size_t correct() const { return correct_; }                 // the reference's count on the batch
    // Throws InputError when no proof exists: a threshold above correct() or below 0.
    PrivateModelProof prove(std::int64_t threshold);
    bool verify(const Proof& proof) const { return prover_.verify(proof); }

    const QuantizedModel& model() const { return model_; }
    const LabeledBatch& batch() const { return batch_; }
    const CircuitProver& circuit_prover() const { return prover_; }

private:
    QuantizedModel model_;
    LabeledBatch batch_;
    FieldElement salt_;
    FieldElement commitment_;
    std::size_t correct_;
    CircuitProver prover_;
};

struct BothPrivateProof {
    Proof proof;
    BothPrivatePublic public_output;
};

// A private input through a private model bound to its public commitment (commit_model(model,
// salt), as for PrivateModelProver): a public class.
class BothPrivateProver {
public:
    BothPrivateProver(const Toolchain& toolchain, QuantizedModel model, const FieldElement& salt,
                      const std::filesystem::path& work_dir, BothPrivateOptions options = {}, Scheme scheme = Scheme::G16);
    BothPrivateProver(QuantizedModel model, const FieldElement& salt, CircuitProver prover);

    const FieldElement& commitment() const { return commitment_; }
    // Throws InputError for an input out of range.
    BothPrivateProof prove(const std::vector<std::int64_t>& input);
    bool verify(const Proof& proof) const { return prover_.verify(proof); }

    const QuantizedModel& model() const { return model_; }
    const CircuitProver& circuit_prover() const { return prover_; }

private:
    QuantizedModel model_;
    FieldElement salt_;
    FieldElement commitment_;
    CircuitProver prover_;
};

}  // namespace zokml
