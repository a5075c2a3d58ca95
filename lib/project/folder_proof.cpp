#include "zokml/project/folder_proof.hpp"

#include <fmt/format.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/provers.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

template <typename... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

// The model the request proves with: the spec's (when a lock is given, unchanged since it was
// generated), or (private-model, both-private) a private one whose circuit is the same.
QuantizedModel request_model(const CircuitSpec& spec, const CircuitLock* lock, const ProofRequest& request,
                             const LabeledBatch* batch) {
    const CircuitSettings& settings = spec.settings;
    if (!request.model) {
        QuantizedModel model = quantize(spec.float_model(), settings.quantization);
        if (lock && model.fingerprint() != lock->model_fingerprint)
            throw InputError(spec.model, "(file)", "changed since the circuit was generated: run zokml generate again");
        return model;
    }
    if (settings.variant == Variant::PrivateInput)
        throw InputError("", "model", "a private-input circuit's model is public and fixed: it takes no other model");
    QuantizedModel model = quantize(load_model(*request.model, settings.input_range), settings.quantization);
    const std::string circuit = generate_circuit(settings, model, batch).fingerprint();
    const std::string expected =
        lock ? lock->circuit_fingerprint
             : generate_circuit(settings, quantize(spec.float_model(), settings.quantization), batch).fingerprint();
    if (circuit != expected)
        throw InputError(*request.model, "(file)", "its architecture or parameter widths differ from the circuit's");
    return model;
}

// Refuses what the variant does not take, naming it.
void check_request(Variant variant, const ProofRequest& request) {
    const auto refuse = [&](bool given, const char* what) {
        if (given) throw InputError("", what, fmt::format("is not an input of {} circuits", to_string(variant)));
    };
    const bool input = request.input || request.float_inputs;
    refuse(variant == Variant::PrivateModel && (input || request.digit), "input");
    if (input && request.digit) throw InputError("", "input", "give the private input or a digit, not both");
    refuse(variant != Variant::PrivateInput && request.claimed_class.has_value(), "claimed_class");
    refuse(variant != Variant::PrivateModel && request.threshold.has_value(), "threshold");
    if (variant != Variant::PrivateModel && !input && !request.digit)
        throw InputError("", "input", fmt::format("{} circuits prove about a private input: give one", to_string(variant)));
}

// The private input: the request's, range checked against the model, or a held-out digit's.
std::vector<std::int64_t> private_input(const ProofRequest& request, const QuantizedModel& model) {
    if (request.digit) {
        const auto& digits = held_out_digits();
        if (*request.digit >= digits.size())
            throw InputError("", "digit", fmt::format("expected a held-out digit from 0 to {}", digits.size() - 1));
        if (model.input_size != digits[0].pixels.size())
            throw InputError("", "digit", fmt::format("the model takes {} inputs, not an MNIST digit", model.input_size));
        return digit_input(model, digits[*request.digit]);
    }
    if (request.float_inputs) {
        const FloatBatch& inputs = *request.float_inputs;
        if (request.input_index >= inputs.inputs.size())
            throw InputError(request.input_name, "inputs", fmt::format("holds {} inputs: there is no input {}", inputs.inputs.size(), request.input_index));
        // Every input of the file is checked against the model's range, so a file with one bad row fails early.
        return quantize_batch(model, {inputs.inputs, {}}, 0, request.input_name).inputs[request.input_index];
    }
    try {
        run_reference(model, *request.input);
    } catch (const InputError& e) {
        throw InputError(request.input_name, e.field(), e.reason());
    }
    return *request.input;
}

// What a proof of the request takes, checked: the model, the batch (private-model), the private
// input (private-input, both-private), and what the proof will make public (InputError when no
// proof exists).
struct Prepared {
    QuantizedModel model;
    std::optional<LabeledBatch> batch;
    std::vector<std::int64_t> input;
    PublicOutput expected;
};

Prepared prepare(const CircuitSpec& spec, const CircuitLock* lock, const ProofRequest& request) {
    const CircuitSettings& settings = spec.settings;
    check_request(settings.variant, request);
    Prepared p;
    if (settings.variant == Variant::PrivateModel) {
        p.batch = spec.public_batch(quantize(spec.float_model(), settings.quantization));
        if (lock && p.batch->fingerprint() != lock->batch_fingerprint)
            throw InputError(lock_file(spec.output), "batch_fingerprint", "the public batch changed: run zokml generate again");
    }
    p.model = request_model(spec, lock, request, p.batch ? &*p.batch : nullptr);
    // The arguments are built for what this zokml generates: a folder generated otherwise (by an
    // older zokml) would take other ones.
    if (lock && !request.model &&
        generate_circuit(settings, p.model, p.batch ? &*p.batch : nullptr).fingerprint() != lock->circuit_fingerprint)
        throw InputError(lock_file(spec.output), "circuit_fingerprint",
                         "the folder's circuit is not what this zokml generates from its model and settings (made by "
                         "another version?): run zokml generate again");
    switch (settings.variant) {
        case Variant::PrivateInput:
            p.input = private_input(request, p.model);
            p.expected = expected_private_input_public(p.model, settings.private_input, p.input, request.claimed_class);
            break;
        case Variant::PrivateModel: {
            const auto correct = static_cast<std::int64_t>(count_correct(p.model, *p.batch));
            p.expected = expected_private_model_public(p.model, *p.batch, request.threshold.value_or(correct));
            break;
        }
        case Variant::BothPrivate:
            p.input = private_input(request, p.model);
            p.expected = expected_both_private_public(p.model, p.input);
            break;
    }
    return p;
}

}  // namespace

json to_json(const PublicOutput& output) {
    return std::visit(Overloaded{[](const PrivateInputPublic& p) {
                                     json j = {{"class", p.predicted_class}};
                                     if (p.claimed_class) j["claimed_class"] = *p.claimed_class;
                                     if (p.input_hash) j["input_hash"] = p.input_hash->to_decimal();
                                     if (!p.logits.empty()) j["logits"] = p.logits;
                                     return j;
                                 },
                                 [](const PrivateModelPublic& p) {
                                     return json{{"commitment", p.commitment.to_decimal()},
                                                 {"threshold", p.threshold},
                                                 {"correct", p.correct}};
                                 },
                                 [](const BothPrivatePublic& p) {
                                     return json{{"commitment", p.commitment.to_decimal()}, {"class", p.predicted_class}};
                                 }},
                      output);
}

std::string describe(const PublicOutput& output) {
    return std::visit(
        Overloaded{[](const PrivateInputPublic& p) { return fmt::format("class {}", p.predicted_class); },
                   [](const PrivateModelPublic& p) { return fmt::format("{} correct >= threshold {}", p.correct, p.threshold); },
                   [](const BothPrivatePublic& p) { return fmt::format("class {}", p.predicted_class); }},
        output);
}

void check_proof_request(const CircuitSpec& spec, const ProofRequest& request) { prepare(spec, nullptr, request); }

FolderProof prove_folder(const fs::path& folder, const ProofRequest& request, const Toolchain& toolchain,
                         const ArtifactStore& store) {
    const CircuitLock lock = read_lock(folder);
    CircuitSpec spec = lock.spec;
    spec.output = folder;
    Prepared p = prepare(spec, &lock, request);
    FolderArtifacts artifacts = folder_artifacts(folder, toolchain, store);
    // The witness holds the private values: a private folder outside the circuit folder (which may
    // be read-only, or committed), removed afterwards and on SIGINT or SIGTERM.
    const TempFolder scratch(fs::temp_directory_path(), "zokml-prove");
    CircuitProver prover(toolchain, std::move(artifacts.program), std::move(artifacts.keypair), scratch.path());
    switch (spec.settings.variant) {
        case Variant::PrivateInput: {
            PrivateInputProver variant(std::move(p.model), spec.settings.private_input, std::move(prover));
            auto proof = variant.prove(p.input, request.claimed_class);
            return {std::move(proof.proof), proof.public_output};
        }
        case Variant::PrivateModel: {
            PrivateModelProver variant(std::move(p.model), std::move(*p.batch), std::move(prover));
            auto proof = variant.prove(std::get<PrivateModelPublic>(p.expected).threshold);
            return {std::move(proof.proof), proof.public_output};
        }
        case Variant::BothPrivate: {
            BothPrivateProver variant(std::move(p.model), std::move(prover));
            auto proof = variant.prove(p.input);
            return {std::move(proof.proof), proof.public_output};
        }
    }
    throw std::logic_error("unknown variant");
}

std::vector<FolderProof> prove_folder_batch(const fs::path& folder, const FloatBatch& inputs, const fs::path& file,
                                            std::size_t jobs, const Toolchain& toolchain, const ArtifactStore& store,
                                            const BatchProofDone& done) {
    const CircuitLock lock = read_lock(folder);
    CircuitSpec spec = lock.spec;
    spec.output = folder;
    const Variant variant = spec.settings.variant;
    if (variant == Variant::PrivateModel) throw InputError("", "inputs", "a private-model circuit proves about no input");
    if (variant == Variant::PrivateInput && spec.settings.private_input.claimed_class)
        throw InputError("", "inputs", "a circuit with claimed_class takes a claim with each input: prove them one by one");
    ProofRequest request;
    request.float_inputs = inputs;
    request.input_name = file;
    const Prepared p = prepare(spec, &lock, request);  // the model checked, every input range checked
    const std::vector<std::vector<std::int64_t>> quantized = quantize_batch(p.model, {inputs.inputs, {}}, 0, file).inputs;
    const FolderArtifacts artifacts = folder_artifacts(folder, toolchain, store);
    const TempFolder scratch(fs::temp_directory_path(), "zokml-prove");

    std::vector<FolderProof> proofs(quantized.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::exception_ptr failure;
    const auto work = [&](std::size_t job) {
        try {
            CircuitProver prover(toolchain, artifacts.program, artifacts.keypair, scratch.path() / std::to_string(job));
            prover.use_session();
            std::optional<PrivateInputProver> private_input;
            std::optional<BothPrivateProver> both_private;
            if (variant == Variant::PrivateInput) private_input.emplace(p.model, spec.settings.private_input, std::move(prover));
            else both_private.emplace(p.model, std::move(prover));
            for (std::size_t k = next++; k < quantized.size() && !stop; k = next++) {
                double seconds = 0;
                FolderProof proof = timed(seconds, [&]() -> FolderProof {
                    if (private_input) {
                        auto r = private_input->prove(quantized[k]);
                        return {std::move(r.proof), r.public_output};
                    }
                    auto r = both_private->prove(quantized[k]);
                    return {std::move(r.proof), r.public_output};
                });
                const std::lock_guard lock(mutex);
                proofs[k] = std::move(proof);
                if (done) done(k, proofs[k], seconds);
            }
        } catch (...) {
            const std::lock_guard lock(mutex);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t job = 0; job < std::max<std::size_t>(1, std::min(jobs, quantized.size())); ++job) threads.emplace_back(work, job);
    for (auto& thread : threads) thread.join();
    if (failure) std::rethrow_exception(failure);
    return proofs;
}

std::optional<PublicOutput> decode_public_output(const fs::path& folder, const Proof& proof) {
    const std::optional<CircuitLock> lock = find_lock(folder);
    if (!lock || !fs::is_regular_file(abi_file(folder))) return std::nullopt;
    try {
        const Abi abi = Abi::from_json(read_json_file(abi_file(folder)));
        switch (lock->spec.settings.variant) {
            case Variant::PrivateInput: return decode_private_input_public(abi, proof.inputs);
            case Variant::PrivateModel: return decode_private_model_public(abi, proof.inputs);
            case Variant::BothPrivate: return decode_both_private_public(abi, proof.inputs);
        }
    } catch (const std::exception&) {  // another circuit's proof, or a damaged abi.json
    }
    return std::nullopt;
}

}  // namespace zokml
