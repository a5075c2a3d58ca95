// The private-input proof end to end: generate, compile, set up once; then prove inputs.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "zokml/circuit.hpp"
#include "zokml/quantize.hpp"
#include "zokml/toolchain.hpp"

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

struct PrivateInputProof {
    Proof proof;
    PrivateInputOutput output;  // what the proof makes public
};

class PrivateInputProver {
public:
    // Generates the circuit into work_dir/circuit, compiles it into work_dir/build and runs the
    // setup into work_dir/keys (work_dir is created with mode 0700).
    PrivateInputProver(const Toolchain& toolchain, QuantizedModel model, const std::filesystem::path& work_dir,
                       PrivateInputOptions options = {}, Scheme scheme = Scheme::G16);

    // The public output for a private input, from the witness alone (no proof).
    PrivateInputOutput evaluate(const std::vector<std::int64_t>& input, std::optional<int> claimed_class = {}) const;
    // A proof for the private input (witness and proof files under work_dir/proofs).
    PrivateInputProof prove(const std::vector<std::int64_t>& input, std::optional<int> claimed_class = {});
    bool verify(const Proof& proof) const;

    const QuantizedModel& model() const { return model_; }
    const Circuit& circuit() const { return circuit_; }
    const CompiledProgram& program() const { return program_; }
    const Keypair& keypair() const { return keypair_; }
    const PrivateInputOptions& options() const { return options_; }
    // Times of the last run of each step (generate/compile/setup from construction).
    const StepTimes& times() const { return times_; }

private:
    const Toolchain& toolchain_;
    QuantizedModel model_;
    std::filesystem::path work_dir_;
    PrivateInputOptions options_;
    Circuit circuit_;
    CompiledProgram program_;
    Keypair keypair_;
    mutable StepTimes times_;
};

}  // namespace zokml
