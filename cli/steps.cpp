#include "steps.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "zokml/core/files.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml::cli {

namespace fs = std::filesystem;
using nlohmann::json;

std::string StepResult::line() const {
    return fmt::format("{:<10} {:7.2f} s{}", step, seconds, note.empty() ? "" : "  (" + note + ")");
}

json StepResult::to_json() const {
    json j = details;
    j["seconds"] = seconds;
    return j;
}

void StepResult::print(const Output& out, const std::string& file_key) const {
    out.result(to_json());
    out.text(line());
    if (!file_key.empty()) {
        std::string label = file_key;
        std::replace(label.begin(), label.end(), '_', ' ');
        out.text(label + ": " + details.at(file_key).get<std::string>());
    }
}

namespace {

// The store entry's file, linked (or copied, across file systems) to `to`.
void link_or_copy(const fs::path& from, const fs::path& to) {
    fs::remove(to);
    std::error_code error;
    fs::create_hard_link(from, to, error);
    if (error) fs::copy_file(from, to);
}

Keypair folder_keypair(const fs::path& folder, Scheme scheme) {
    Keypair keypair = verification_keypair(keys_folder(folder) / "verification.key");
    keypair.scheme = scheme;
    keypair.proving_key = keys_folder(folder) / "proving.key";
    if (!fs::is_regular_file(keypair.proving_key))
        throw InputError(keypair.proving_key, "(file)", "missing: run zokml setup again");
    return keypair;
}

QuantizedModel load_quantized(const fs::path& file, const QuantizationOptions& options) {
    return quantize(load_model(file), options);
}

// The private input of a private-input proof, range checked against the model.
std::vector<std::int64_t> private_input(const ProveRequest& request, const QuantizedModel& model) {
    if (request.digit) {
        const auto& digits = held_out_digits();
        if (*request.digit >= digits.size())
            throw UsageError(fmt::format("--digit: expected a held-out digit from 0 to {}", digits.size() - 1));
        if (model.input_size != digits[0].pixels.size())
            throw InputError("", "--digit", fmt::format("the model takes {} inputs, not an MNIST digit", model.input_size));
        return digit_input(model, digits[*request.digit]);
    }
    if (!request.input) throw UsageError("give the private input: --input FILE (- reads stdin) or --digit N");
    const fs::path name = *request.input == "-" ? fs::path("<stdin>") : *request.input;
    const json values = read_json(*request.input);
    if (!values.is_array() || values.size() != model.input_size)
        throw InputError(name, "(file)", fmt::format("expected a JSON array of {} integers", model.input_size));
    std::vector<std::int64_t> input;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const json& v = values[i];
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > model.input_max)
            throw InputError(name, fmt::format("[{}]", i),
                             fmt::format("expected an integer from 0 to {}, got {}", model.input_max, v.dump()));
        input.push_back(v.get<std::int64_t>());
    }
    return input;
}

std::string decimal_or_signed(const FieldElement& value) {
    const auto small = value.to_signed();
    return small ? std::to_string(*small) : value.to_decimal();
}

// What a proof of the lock's circuit makes public; empty when the proof has another shape.
json public_values(const CircuitLock& lock, const Proof& proof) {
    try {
        if (lock.spec.variant == Variant::PrivateInput) {
            const PrivateInputOutput output = decode_private_input_output(lock.spec.private_input, proof);
            json j = {{"class", output.predicted_class}};
            if (lock.spec.private_input.expose_logits) j["logits"] = output.logits;
            if (lock.spec.private_input.claimed_class) j["claimed_class"] = decimal_or_signed(proof.inputs.at(0));
            return j;
        }
        if (proof.inputs.size() != 3) return json::object();
        return {{"commitment", proof.inputs[0].to_decimal()},
                {"threshold", proof.inputs[1].to_signed().value_or(-1)},
                {"correct", proof.inputs[2].to_signed().value_or(-1)}};
    } catch (const std::exception&) {
        return json::object();
    }
}

std::string public_note(const json& values) {
    if (values.contains("class")) return fmt::format("class {}", values["class"].get<int>());
    if (values.contains("correct"))
        return fmt::format("{} correct >= threshold {}", values["correct"].get<std::int64_t>(), values["threshold"].get<std::int64_t>());
    return "";
}

// The circuit's arguments for the request; `expected` receives what the proof will make public.
std::vector<Value> arguments_for(const CircuitLock& lock, const ProveRequest& request, std::string& expected) {
    const CircuitSpec& spec = lock.spec;
    if (spec.variant == Variant::PrivateInput) {
        if (request.threshold || request.model)
            throw UsageError(std::string(request.model ? "--model" : "--threshold") + " is for private-model circuits");
        if (request.claim.has_value() != spec.private_input.claimed_class)
            throw UsageError(spec.private_input.claimed_class ? "this circuit takes a public claimed class: give --claim C"
                                                              : "--claim needs a circuit generated with --claimed-class");
        const QuantizedModel model = load_quantized(spec.model, spec.quantization);
        if (model.fingerprint() != lock.model_fingerprint)
            throw InputError(spec.model, "(file)", "changed since the circuit was generated: run zokml generate again");
        const auto input = private_input(request, model);
        const int predicted = run_reference(model, input).predicted_class;
        if (request.claim && *request.claim != predicted)
            throw InputError("", "--claim", fmt::format("the model predicts class {} for this input, not {}: no proof exists",
                                                        predicted, *request.claim));
        expected = fmt::format("class {}", predicted);
        return private_input_arguments(spec.private_input, input, request.claim);
    }
    if (request.input || request.digit || request.claim)
        throw UsageError("--input, --digit and --claim are for private-input circuits");
    const fs::path model_file = request.model.value_or(spec.model);
    const QuantizedModel model = load_quantized(model_file, spec.quantization);
    const LabeledBatch batch = labeled_batch(model, batch_digits(spec.batch_size));
    if (generate_private_model_circuit(model, batch, spec.private_model).fingerprint() != lock.circuit_fingerprint)
        throw InputError(model_file, "(file)", "its architecture or parameter widths differ from the circuit's");
    const auto correct = static_cast<std::int64_t>(count_correct(model, batch));
    const std::int64_t threshold = request.threshold.value_or(correct);
    if (threshold > correct)
        throw InputError("", "--threshold", fmt::format("the model classifies {} of the {} batch inputs correctly, fewer than {}",
                                                        correct, batch.inputs.size(), threshold));
    expected = fmt::format("{} correct >= threshold {}", correct, threshold);
    return private_model_arguments(model, commit_model(model), threshold);
}

}  // namespace

Keypair verification_keypair(const fs::path& verification_key) {
    const json key = read_json(verification_key);
    Keypair keypair;
    keypair.verification_key_file = verification_key;
    try {
        keypair.verification_key = VerificationKey::from_json(key);
        keypair.scheme = scheme_from_string(keypair.verification_key.scheme);
    } catch (const std::exception& e) {
        throw InputError(verification_key, "(file)", std::string("not a verification key: ") + e.what());
    }
    return keypair;
}

StepResult generate_step(const CircuitSpec& spec) {
    StepResult r("generate");
    const auto lock = timed(r.step, false, r.seconds, [&] { return write_generated(spec, generate_circuit(spec)); });
    const std::size_t modules = read_sources(spec.output, lock.main_file).files.size();
    r.note = fmt::format("{} modules", modules);
    r.details = {{"folder", spec.output.string()},
                 {"variant", to_string(spec.variant)},
                 {"modules", modules},
                 {"sources", sources_folder(spec.output).string()},
                 {"model_fingerprint", lock.model_fingerprint},
                 {"circuit_fingerprint", lock.circuit_fingerprint}};
    return r;
}

StepResult compile_step(const fs::path& folder, const Toolchain& toolchain, const ArtifactStore& store) {
    StepResult r("compile");
    const auto compiled = timed(r.step, true, r.seconds, [&] { return compile_folder(folder, toolchain, store); });
    r.note = fmt::format("{} constraints, cache {}", compiled.program.constraints, to_string(compiled.outcome));
    r.details = {{"constraints", compiled.program.constraints},
                 {"cache", to_string(compiled.outcome)},
                 {"key", compiled.key},
                 {"program", compiled.program.program.string()}};
    return r;
}

StepResult setup_step(const fs::path& folder, Scheme scheme, const Toolchain& toolchain, const ArtifactStore& store) {
    StepResult r("setup");
    const auto keys = timed(r.step, true, r.seconds, [&] {
        const auto compiled = compile_folder(folder, toolchain, store);
        auto cached = store.setup(toolchain, compiled.program, scheme);
        make_private_dir(keys_folder(folder));
        link_or_copy(cached.keypair.proving_key, keys_folder(folder) / "proving.key");
        link_or_copy(cached.keypair.verification_key_file, keys_folder(folder) / "verification.key");
        CircuitLock lock = read_lock(folder);
        lock.keys = CircuitLock::Keys{cached.key, compiled.key, scheme};
        write_lock(folder, lock);
        return cached;
    });
    r.note = fmt::format("{}, cache {}", to_string(scheme), to_string(keys.outcome));
    r.details = {{"scheme", to_string(scheme)},
                 {"cache", to_string(keys.outcome)},
                 {"key", keys.key},
                 {"proving_key", (keys_folder(folder) / "proving.key").string()},
                 {"verification_key", (keys_folder(folder) / "verification.key").string()}};
    return r;
}

StepResult prove_step(const fs::path& folder, const ProveRequest& request, const Toolchain& toolchain,
                      const ArtifactStore& store) {
    StepResult r("prove");
    const CircuitLock lock = read_lock(folder);
    std::string expected;
    const std::vector<Value> arguments = arguments_for(lock, request, expected);  // checks the input first
    if (!lock.keys) throw InputError(lock_file(folder), "keys", "no keys yet: run zokml setup first");
    const fs::path proof_file = request.proof.value_or(folder / "proof.json");
    const Proof proof = timed(r.step, true, r.seconds, [&] {
        const auto compiled = compile_folder(folder, toolchain, store);
        if (compiled.key != lock.keys->program_key)
            throw InputError(lock_file(folder), "keys", "set up for another compilation of the circuit: run zokml setup again");
        const Keypair keypair = folder_keypair(folder, lock.keys->scheme);
        const ScratchFolder scratch(folder);  // the witness holds the private values: deleted at the end
        const Witness witness = toolchain.compute_witness(compiled.program, arguments, scratch.path());
        return toolchain.generate_proof(compiled.program, witness, keypair, scratch.path());
    });
    write_text(proof_file, proof.to_json().dump(2) + "\n");
    const json values = public_values(lock, proof);
    r.note = public_note(values);
    if (r.note != expected) throw std::runtime_error("the proof reveals " + r.note + ", the reference predicts " + expected);
    r.details = {{"proof", proof_file.string()}, {"public", values}};
    return r;
}

StepResult verify_step(const fs::path& verification_key, const fs::path& proof_file, const Toolchain& toolchain,
                       const std::optional<CircuitLock>& lock) {
    StepResult r("verify");
    const Keypair keypair = verification_keypair(verification_key);
    Proof proof;
    try {
        proof = Proof::from_json(read_json(proof_file));
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(proof_file, "(file)", std::string("not a proof: ") + e.what());
    }
    const ScratchFolder scratch(fs::temp_directory_path());
    const bool verified = timed(r.step, false, r.seconds, [&] { return toolchain.verify(keypair, proof, scratch.path()); });
    r.note = verified ? "PASSED" : "FAILED";
    json inputs = json::array();
    for (const auto& input : proof.inputs) inputs.push_back(input.to_decimal());
    r.details = {{"verified", verified},
                 {"proof", proof_file.string()},
                 {"verification_key", verification_key.string()},
                 {"public_inputs", inputs}};
    if (lock) r.details["public"] = public_values(*lock, proof);
    return r;
}

}  // namespace zokml::cli
