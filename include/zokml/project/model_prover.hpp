// Proofs about a model, one prover for every single-circuit statement: what is private, public or
// hashed is in the CircuitSettings (the variant and its options), not in the prover's type. The
// circuit is generated from the settings, compiled and set up once; then inputs are proven, and
// each proof comes back with what it makes public.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/circuit/both_private.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml {

// What a proof makes public: one type per variant.
using PublicOutput = std::variant<PrivateInputPublic, PrivateModelPublic, BothPrivatePublic>;
nlohmann::json to_json(const PublicOutput& output);  // {"class": 3, ...}, numbers as numbers
std::string describe(const PublicOutput& output);    // "class 3", "92 correct >= threshold 90"
// What a proof's public inputs make public, read with the circuit's ABI for the variant's outputs.
PublicOutput decode_public_output(Variant variant, const Abi& abi, const std::vector<FieldElement>& public_inputs);

// The model a prover proves about, and what its variant adds to it: the model owner's secret salt
// of its commitment (private-model, both-private: the commitment is commit_model(model, salt)) and
// the public labelled batch (private-model).
struct ProvenModel {
    QuantizedModel model;
    std::optional<FieldElement> salt = {};
    std::optional<LabeledBatch> batch = {};
};

// What one proof is of, beyond the circuit: each variant takes some of these and refuses the others.
struct ProofInputs {
    std::optional<std::vector<std::int64_t>> input = {};  // private-input, both-private: the private (quantized) input
    std::optional<int> claimed_class = {};                // private-input with the claimed_class option
    std::optional<std::int64_t> threshold = {};           // private-model; default: the model's correct count
};

struct ModelProof {
    Proof proof;
    PublicOutput public_output;  // what the proof makes public
};

// What a proof would make public, from the integer reference alone. Throws InputError naming the
// field when no proof exists: a salt or batch the variant needs and was not given (or does not
// take), an input, claim or threshold it does not take or needs, an input out of range, a claimed
// class that is not the prediction, a threshold above the model's correct count.
PublicOutput expected_public_output(const CircuitSettings& settings, const ProvenModel& model, const ProofInputs& inputs);

class ModelProver {
public:
    // Generates the settings' circuit for the model (the settings' quantization is not read: the
    // model comes quantized), compiles and sets it up in work_dir (created, mode 0700) by the
    // settings' backend. Throws InputError when the model lacks what the variant needs (a salt, a
    // batch) or has what it does not take.
    ModelProver(const Toolchain& toolchain, CircuitSettings settings, ProvenModel model, const std::filesystem::path& work_dir,
                Scheme scheme = Scheme::G16);
    // The same with the compiled program and keypair reused from store (or built and added to it).
    ModelProver(const Toolchain& toolchain, CircuitSettings settings, ProvenModel model, const ArtifactStore& store,
                const std::filesystem::path& work_dir, Scheme scheme = Scheme::G16);
    // With the program and keys of this model's circuit for these settings (e.g. a circuit folder's:
    // open_prover in folder_proof.hpp).
    ModelProver(CircuitSettings settings, ProvenModel model, CircuitProver prover);

    // What a proof of `inputs` would make public (expected_public_output); InputError when none exists.
    PublicOutput expected(const ProofInputs& inputs) const;
    // Checks the inputs (InputError as expected() does), proves, and checks that the proof makes
    // public what the reference predicts (std::logic_error otherwise: a bug in zokml).
    ModelProof prove(const ProofInputs& inputs);
    // What a proof would make public, from the witness alone (no proof, no check).
    PublicOutput evaluate(const ProofInputs& inputs) const;
    bool verify(const Proof& proof) const { return prover_.verify(proof); }
    // From now on prove() keeps one process (and the key) for every proof (CircuitProver::use_session).
    void use_session() { prover_.use_session(); }
    // Another prover of the same circuit, model and keys, with a private temporary folder and a
    // process of its own: for proofs side by side.
    ModelProver another() const;

    // commit_model(model, salt), what the model owner publishes: private-model, both-private only.
    const std::optional<FieldElement>& commitment() const { return commitment_; }
    const CircuitSettings& settings() const { return settings_; }
    const ProvenModel& model() const { return model_; }
    const CircuitProver& circuit_prover() const { return prover_; }

private:
    std::vector<Value> arguments(const ProofInputs& inputs) const;
    PublicOutput decode(const std::vector<FieldElement>& public_inputs) const;

    CircuitSettings settings_;
    ProvenModel model_;
    std::optional<FieldElement> commitment_;
    CircuitProver prover_;
};

}  // namespace zokml
