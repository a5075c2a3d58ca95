#include "zokml/project/model_prover.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "zokml/core/errors.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/project/circuit_folder.hpp"

namespace zokml {

using nlohmann::json;

namespace {

template <typename... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

bool committed(Variant variant) { return variant != Variant::PrivateInput; }

// Refuses what the variant does not take and asks for what it needs, naming the field.
void check_takes(Variant variant, const ProvenModel& model, const ProofInputs& inputs) {
    const auto refuse = [&](bool given, const char* what) {
        if (given) throw InputError("", what, fmt::format("is not an input of {} circuits", to_string(variant)));
    };
    refuse(!committed(variant) && model.salt.has_value(), "salt");
    if (committed(variant) && !model.salt)
        throw InputError("", "salt", fmt::format("{} circuits prove about a committed model: give the salt of its commitment "
                                                 "(zokml commit --salt FILE)", to_string(variant)));
    refuse(variant != Variant::PrivateModel && model.batch.has_value(), "batch");
    if (variant == Variant::PrivateModel && !model.batch)
        throw InputError("", "batch", "private-model circuits prove about a public labelled batch: give one");
    refuse(variant == Variant::PrivateModel && inputs.input.has_value(), "input");
    if (variant != Variant::PrivateModel && !inputs.input)
        throw InputError("", "input", fmt::format("{} circuits prove about a private input: give one", to_string(variant)));
    refuse(variant != Variant::PrivateInput && inputs.claimed_class.has_value(), "claimed_class");
    refuse(variant != Variant::PrivateModel && inputs.threshold.has_value(), "threshold");
}

void check_model(Variant variant, const ProvenModel& model) {
    ProofInputs inputs;  // what the variant needs of them, to check the model alone
    if (variant != Variant::PrivateModel) inputs.input.emplace();
    check_takes(variant, model, inputs);
}

std::int64_t threshold_of(const ProvenModel& model, const ProofInputs& inputs) {
    return inputs.threshold.value_or(static_cast<std::int64_t>(count_correct(model.model, *model.batch)));
}

Circuit generate(const CircuitSettings& settings, const ProvenModel& model, double& generate_s) {
    check_model(settings.variant, model);
    return timed(generate_s, [&] { return generate_circuit(settings, model.model, model.batch ? &*model.batch : nullptr); });
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

PublicOutput decode_public_output(Variant variant, const Abi& abi, const std::vector<FieldElement>& public_inputs) {
    switch (variant) {
        case Variant::PrivateInput: return decode_private_input_public(abi, public_inputs);
        case Variant::PrivateModel: return decode_private_model_public(abi, public_inputs);
        case Variant::BothPrivate: return decode_both_private_public(abi, public_inputs);
    }
    throw std::logic_error("unknown variant");
}

std::string describe(const PublicOutput& output) {
    return std::visit(
        Overloaded{[](const PrivateInputPublic& p) { return fmt::format("class {}", p.predicted_class); },
                   [](const PrivateModelPublic& p) { return fmt::format("{} correct >= threshold {}", p.correct, p.threshold); },
                   [](const BothPrivatePublic& p) { return fmt::format("class {}", p.predicted_class); }},
        output);
}

namespace {

// expected_public_output for inputs check_takes accepted, with the model's commitment (committed
// variants), which a prover computes once.
PublicOutput expected_of(const CircuitSettings& settings, const ProvenModel& model, const ProofInputs& inputs,
                         const std::optional<FieldElement>& commitment) {
    switch (settings.variant) {
        case Variant::PrivateInput: {
            const PrivateInputOptions& options = settings.private_input;
            const ReferenceTrace trace = run_reference(model.model, *inputs.input);  // InputError for a value out of range
            if (inputs.claimed_class.has_value() != options.claimed_class)
                throw InputError("", "claimed_class", options.claimed_class ? "this circuit takes a claimed class"
                                                                            : "this circuit takes no claimed class");
            if (inputs.claimed_class && *inputs.claimed_class != trace.predicted_class)
                throw InputError("", "claimed_class",
                                 fmt::format("the model predicts class {} for this input, not {}: no proof exists",
                                             trace.predicted_class, *inputs.claimed_class));
            PrivateInputPublic expected;
            expected.predicted_class = trace.predicted_class;
            expected.claimed_class = inputs.claimed_class;
            if (options.hash_input) expected.input_hash = hash_input(model.model, *inputs.input);
            if (options.expose_logits) expected.logits = trace.logits;
            return expected;
        }
        case Variant::PrivateModel: {
            const LabeledBatch& batch = *model.batch;
            const auto correct = static_cast<std::int64_t>(count_correct(model.model, batch));
            const std::int64_t threshold = inputs.threshold.value_or(correct);
            if (threshold < 0 || threshold > correct)
                throw InputError("", "threshold",
                                 fmt::format("the model classifies {} of the {} batch inputs correctly: no proof of at least {} exists",
                                             correct, batch.inputs.size(), threshold));
            return PrivateModelPublic{*commitment, threshold, correct};
        }
        case Variant::BothPrivate:
            return BothPrivatePublic{*commitment, run_reference(model.model, *inputs.input).predicted_class};
    }
    throw std::logic_error("unknown variant");
}

}  // namespace

PublicOutput expected_public_output(const CircuitSettings& settings, const ProvenModel& model, const ProofInputs& inputs) {
    check_takes(settings.variant, model, inputs);
    std::optional<FieldElement> commitment;
    if (model.salt) commitment = commit_model(model.model, *model.salt);
    return expected_of(settings, model, inputs, commitment);
}

ModelProver::ModelProver(const Toolchain& toolchain, CircuitSettings settings, ProvenModel model,
                         const std::filesystem::path& work_dir, Scheme scheme)
    : settings_(std::move(settings)), model_(std::move(model)), prover_([&] {
          double generate_s = 0;
          Circuit circuit = generate(settings_, model_, generate_s);
          return CircuitProver(toolchain, std::move(circuit), work_dir, scheme, settings_.backend, generate_s);
      }()) {
    if (model_.salt) commitment_ = commit_model(model_.model, *model_.salt);
}

ModelProver::ModelProver(const Toolchain& toolchain, CircuitSettings settings, ProvenModel model, const ArtifactStore& store,
                         const std::filesystem::path& work_dir, Scheme scheme)
    : settings_(std::move(settings)), model_(std::move(model)), prover_([&] {
          double generate_s = 0;
          Circuit circuit = generate(settings_, model_, generate_s);
          return CircuitProver(toolchain, std::move(circuit), store, work_dir, scheme, settings_.backend, generate_s);
      }()) {
    if (model_.salt) commitment_ = commit_model(model_.model, *model_.salt);
}

ModelProver::ModelProver(CircuitSettings settings, ProvenModel model, CircuitProver prover)
    : settings_(std::move(settings)), model_(std::move(model)), prover_(std::move(prover)) {
    check_model(settings_.variant, model_);
    if (model_.salt) commitment_ = commit_model(model_.model, *model_.salt);
}

ModelProver ModelProver::another() const {
    return ModelProver(settings_, model_, CircuitProver(prover_.toolchain(), prover_.program(), prover_.keypair()));
}

PublicOutput ModelProver::expected(const ProofInputs& inputs) const {
    check_takes(settings_.variant, model_, inputs);
    return expected_of(settings_, model_, inputs, commitment_);
}

std::vector<Value> ModelProver::arguments(const ProofInputs& inputs) const {
    const QuantizedModel& model = model_.model;
    switch (settings_.variant) {
        case Variant::PrivateInput: {
            std::optional<FieldElement> input_hash;
            if (settings_.private_input.hash_input) input_hash = hash_input(model, *inputs.input);
            return private_input_arguments(model, settings_.private_input, *inputs.input, inputs.claimed_class, input_hash);
        }
        case Variant::PrivateModel: return private_model_arguments(model, *model_.salt, *commitment_, threshold_of(model_, inputs));
        case Variant::BothPrivate: return both_private_arguments(model, *inputs.input, *model_.salt, *commitment_);
    }
    throw std::logic_error("unknown variant");
}

PublicOutput ModelProver::decode(const std::vector<FieldElement>& public_inputs) const {
    return decode_public_output(settings_.variant, prover_.program().abi, public_inputs);
}

PublicOutput ModelProver::evaluate(const ProofInputs& inputs) const {
    check_takes(settings_.variant, model_, inputs);
    return decode(prover_.evaluate_public(arguments(inputs)));
}

ModelProof ModelProver::prove(const ProofInputs& inputs) {
    const PublicOutput expected = this->expected(inputs);
    ProofInputs settled = inputs;  // private-model: the threshold the reference settled (by default the correct count)
    if (const auto* accuracy = std::get_if<PrivateModelPublic>(&expected)) settled.threshold = accuracy->threshold;
    ModelProof result;
    result.proof = prover_.prove(arguments(settled));
    result.public_output = decode(result.proof.inputs);
    // A public output that differs from the reference's prediction is a bug in zokml, not in the
    // input: the circuit and the reference must agree bit for bit.
    if (!(result.public_output == expected)) throw std::logic_error("the proof's public output differs from the reference's");
    return result;
}

}  // namespace zokml
