// Proofs end to end: a circuit is generated, compiled and set up once; then inputs are proven.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/quantize/quantize.hpp"
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

// One circuit, compiled and set up: writes it into work_dir/circuit, compiles into
// work_dir/build, sets up into work_dir/keys (work_dir is created with mode 0700).
class CircuitProver {
public:
    CircuitProver(const Toolchain& toolchain, Circuit circuit, const std::filesystem::path& work_dir,
                  Scheme scheme = Scheme::G16, double generate_s = 0);
    // The same with the compiled program and keypair reused from store (or built and added to it):
    // program() and keypair() then point at files inside its entries; cache() says which were reused.
    CircuitProver(const Toolchain& toolchain, Circuit circuit, const ArtifactStore& store,
                  const std::filesystem::path& work_dir, Scheme scheme = Scheme::G16, double generate_s = 0);

    Witness evaluate(const std::vector<Value>& arguments) const;  // the witness alone (work_dir/evaluate)
    Proof prove(const std::vector<Value>& arguments);             // witness and proof (work_dir/proof)
    bool verify(const Proof& proof) const;

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
};

struct PrivateInputProof {
    Proof proof;
    PrivateInputOutput output;  // what the proof makes public
};

// The private-input proof: a public model, a private input, a public class.
class PrivateInputProver {
public:
    PrivateInputProver(const Toolchain& toolchain, QuantizedModel model, const std::filesystem::path& work_dir,
                       PrivateInputOptions options = {}, Scheme scheme = Scheme::G16);

    // The public output for a private input, from the witness alone (no proof).
    PrivateInputOutput evaluate(const std::vector<std::int64_t>& input, std::optional<int> claimed_class = {}) const;
    PrivateInputProof prove(const std::vector<std::int64_t>& input, std::optional<int> claimed_class = {});
    bool verify(const Proof& proof) const { return prover_.verify(proof); }

    const QuantizedModel& model() const { return model_; }
    const PrivateInputOptions& options() const { return options_; }
    const Circuit& circuit() const { return prover_.circuit(); }
    const CompiledProgram& program() const { return prover_.program(); }
    const Keypair& keypair() const { return prover_.keypair(); }
    const StepTimes& times() const { return prover_.times(); }

private:
    std::vector<Value> arguments(const std::vector<std::int64_t>& input, std::optional<int> claimed_class) const;

    QuantizedModel model_;
    PrivateInputOptions options_;
    CircuitProver prover_;
};

}  // namespace zokml
