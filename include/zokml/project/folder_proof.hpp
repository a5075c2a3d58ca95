// Proofs with a circuit folder's keys, and what they make public.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <variant>
#include <vector>

#include "zokml/data/batch.hpp"
#include "zokml/data/inputs.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/model_prover.hpp"

namespace zokml {

// A held-out MNIST digit (data/mnist.hpp) as the private input: for models of MNIST's 784 pixels.
struct HeldOutDigit {
    std::size_t index = 0;
};

// The private input as it was given: integers as the circuit takes them, an input of float
// inputs as the float model takes them (read_proof_input gives either from a file), or a held-out digit.
using GivenInput = std::variant<IntegerInput, FloatInput, HeldOutDigit>;

// What to prove with a folder. Private values come in here, never from a command line. What the
// variant takes of these: private-input the input (and the claim with claimed_class); private-model
// the salt, a threshold and a model; both-private the input, the salt and a model.
struct ProofRequest {
    std::optional<GivenInput> input;          // private-input, both-private
    std::optional<int> claimed_class;        // private-input with claimed_class
    std::optional<std::int64_t> threshold;   // private-model; default: the model's correct count
    // private-model, both-private: the private model (default: the one the circuit was generated from)
    std::optional<std::filesystem::path> model;
    // private-model, both-private: the model owner's secret salt of the commitment (read_salt_file)
    std::optional<FieldElement> salt;
};

// What the request asks a prover of the variant for (which checks what the variant takes): the
// private input from the request's integers, float inputs (quantized with the model's range,
// refused outside it) or held-out digit. Throws InputError naming the field.
ProofInputs request_inputs(const ProofRequest& request, Variant variant, const QuantizedModel& model);

// The prover of a circuit folder, opened once to prove many times (use_session() keeps it warm):
// its settings; its model (the folder's, unchanged since generation, or, private-model and
// both-private, the private `model` file of the circuit's architecture and widths); the owner's
// `salt` (private-model, both-private); its public batch (private-model, unchanged); its program
// and keys checked as folder_artifacts does, with the verification key when the folder has one
// (verify() needs it). Witnesses go to a private temporary folder outside the
// circuit folder (which may be read-only, or committed), removed with the prover and on SIGINT or
// SIGTERM. Throws InputError naming the file and field.
ModelProver open_prover(const std::filesystem::path& folder, const Toolchain& toolchain, const ArtifactStore& store,
                        const std::optional<FieldElement>& salt = {}, const std::optional<std::filesystem::path>& model = {});

// Checks the request (the model and salt as open_prover does; an input in range, a claim the
// reference agrees with, a threshold the model reaches) before the keys are read, then opens the
// folder's prover, proves once, and checks that what the proof reveals is what the reference predicts.
// Throws InputError for a request no proof can satisfy.
ModelProof prove_folder(const std::filesystem::path& folder, const ProofRequest& request, const Toolchain& toolchain,
                         const ArtifactStore& store);

// Proofs of many private inputs with the folder's keys (private-input without claimed_class, and
// both-private, which takes the owner's `salt`): `jobs` provers opened once (open_prover, then
// ModelProver::another) proving side by side in sessions (the program and key loaded once per
// session), each input checked and its proof's public output checked as prove_folder does.
// `inputs` hold float inputs as the model takes them, all quantized with its range first
// (InputError naming `file` and "inputs[k][i]"). `done` is called after each proof, one call at a
// time, from the provers' threads. The first failure stops the others and is thrown.
using BatchProofDone = std::function<void(std::size_t index, const ModelProof& proof, double seconds)>;
std::vector<ModelProof> prove_folder_batch(const std::filesystem::path& folder, const FloatBatch& inputs,
                                            const std::filesystem::path& file, const std::optional<FieldElement>& salt, std::size_t jobs,
                                            const Toolchain& toolchain, const ArtifactStore& store,
                                            const BatchProofDone& done = {});

// The pace of a batch of proofs: the median of each proof's seconds (the upper one of an even
// count) and the proofs a minute over the batch's wall-clock `seconds`.
struct BatchPace {
    double median_seconds = 0;
    double per_minute = 0;
};
BatchPace batch_pace(std::vector<double> seconds_each, double seconds);

// The same checks before anything is generated (zokml run checks every argument before it writes
// a file): the spec's model instead of a folder's. Throws InputError as prove_folder would.
void check_proof_request(const CircuitSpec& spec, const ProofRequest& request);

// What a proof of the folder's circuit makes public, decoded with its abi.json; nullopt when the
// folder has not been compiled or the proof has another shape.
std::optional<PublicOutput> decode_public_output(const std::filesystem::path& folder, const Proof& proof);

}  // namespace zokml
