// Proving and verifying with a split folder: the folder's statement (its plan and batch), the
// model checked against its layout, whole proofs, planned sub-proofs run by separate commands, and
// the verification of a bundle.
#include "zokml/split/folder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <variant>
#include <vector>

#include "part_json.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/split/verify.hpp"
#include "zokml/split/witness.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The folder's split statement for a model: its batch and plan, the model checked against the layout.
struct Statement {
    SplitFolder split;
    LabeledBatch batch;
    SplitPlan plan;
};

// The batch: the folder's own (private-model), else `inputs`, which must be as many as the folder's
// programs take.
Statement statement_of(const fs::path& folder, bool proving, const LabeledBatch& inputs = {}) {
    Statement s{read_split_folder(folder, proving), {}, {}};
    if (s.split.options.variant == SplitVariant::PrivateModel) {
        s.batch = s.split.batch;
        s.plan = plan_split(s.split.layout.parts, s.batch, s.split.options, s.split.layout.model_name);
        return s;
    }
    s.batch = inputs;
    s.plan = plan_split(s.split.layout.parts, s.split.batch_size, s.split.options, s.split.layout.model_name);
    return s;
}

// The model's input quantization and parts must be the layout's: else the first field that
// differs is named, with both values (a model quantized with other settings, or another model).
void check_layout(const fs::path& folder, const Statement& s, const QuantizedModel& model) {
    const PublishedLayout& layout = s.split.layout;
    const auto differs = [&](const std::string& field, const auto& recorded, const auto& given) {
        if (recorded == given) return;
        throw InputError(split_file(folder), "layout." + field,
                         fmt::format("is {}, the model {} gives {}: another model, or quantized with other settings than the layout "
                                     "records", recorded, model.name, given));
    };
    differs("input.size", layout.input_size, model.input_size);
    differs("input.bits", layout.input_bits, model.input_bits);
    differs("input.min", layout.input_min_float, model.input_min_float);
    differs("input.scale", layout.input_scale, model.input_scale);
    const std::vector<PartRange> parts = model_parts(model, s.split.options.neurons_per_part);
    differs("parts", fmt::format("{} parts", layout.parts.size()), fmt::format("{} parts", parts.size()));
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const PartRange &recorded = layout.parts[i], &given = parts[i];
        const std::string part = fmt::format("parts[{}].", i);
        differs(part + "weight_bits", recorded.weight_bits, given.weight_bits);
        differs(part + "bias_bits", recorded.bias_bits, given.bias_bits);
        differs(part + "rescale_bits", recorded.rescale_bits, given.rescale_bits);
        if (!(recorded == given)) differs(fmt::format("parts[{}]", i), detail::part_json(recorded).dump(), detail::part_json(given).dump());
    }
}

// The model with these part salts (or those of the owner's salt) must give the layout's published commitment.
void check_commitment(const fs::path& folder, const Statement& s, const QuantizedModel& model,
                      const std::vector<FieldElement>& part_salts) {
    check_layout(folder, s, model);
    const std::size_t neurons = s.split.options.neurons_per_part;
    if (part_salts.size() != model_parts(model, neurons).size() || commit_model_v2(model, neurons, part_salts) != s.split.layout.commitment)
        throw InputError(model.name, "(model)",
                         "its commitment with this salt is not the one the folder's layout publishes (another model, or another salt)");
}
void check_commitment(const fs::path& folder, const Statement& s, const QuantizedModel& model, const FieldElement& salt) {
    check_commitment(folder, s, model, part_salts(salt, model, model_parts(model, s.split.options.neurons_per_part).size()));
}

void check_inputs(const SplitFolder& split, const LabeledBatch& inputs) {
    if (inputs.inputs.size() != split.batch_size)
        throw InputError("", "inputs", fmt::format("the folder's programs take {} inputs, not {}", split.batch_size, inputs.inputs.size()));
}

json read_plan(const fs::path& plan) {
    const json document = read_json_file(plan / "plan.json");
    if (!document.is_object() || document.value("format", json()) != "zokml-split-plan") throw InputError(plan / "plan.json", "format", "not a split plan");
    return document;
}

}  // namespace

QuantizedModel committed_model(const fs::path& folder, const fs::path& model_file, const GivenSettings& given) {
    const PublishedLayout layout = read_split_folder(folder, false).layout;
    const auto check = [&](const std::string& field, const std::string& name, auto recorded, auto value) {
        const std::string source = given.source ? given.source(name) : "";
        if (source.empty() || recorded == value) return;
        throw InputError(split_file(folder), "layout." + field,
                         fmt::format("records {}, {} gives {}: split-prove quantizes the model as the layout records, leave it out",
                                     recorded, source, value));
    };
    const CircuitSettings& s = given.settings;
    check("input.bits", "input-bits", layout.input_bits, s.quantization.input_bits);
    check("quantization.weight_bits", "weight-bits", layout.weight_bits, s.quantization.weight_bits);
    check("quantization.activation_bits", "activation-bits", layout.activation_bits, s.quantization.activation_bits);
    if (s.input_range) {
        check("input.min", "input-min", layout.input_min_float, s.input_range->min);
        check("input.max", "input-max", layout.input_max_float, s.input_range->max);
    }
    return quantize(load_model(model_file, layout.input_range()), layout.quantization());
}

SplitPlanFolder prepare_split_plan(const fs::path& folder, const QuantizedModel& model, const FieldElement& salt,
                                   std::optional<std::int64_t> threshold) {
    const Statement s = statement_of(folder, false);
    check_commitment(folder, s, model, salt);
    if (s.split.options.variant != SplitVariant::PrivateModel)
        throw InputError(split_file(folder), "variant", "planned sub-proofs serve private-model folders");
    const SplitWitnessData data = split_witness_data(s.plan, model, s.batch, salt);
    const std::int64_t t = threshold.value_or(data.correct);
    if (t < 0 || t > data.correct)
        throw InputError("", "threshold", fmt::format("the model classifies {} of the {} batch inputs correctly: no proof of at least {} exists",
                                                      data.correct, s.batch.inputs.size(), t));
    const std::string witness = dump_json(witness_data_to_json(data)) + "\n";
    SplitPlanFolder plan{folder / "plan" / sha256_hex(witness), sub_proofs(s.plan).size()};
    make_private_dir(plan.dir);
    write_file_atomically(plan.dir / "witness.json", witness);  // mode 0600: private values
    write_file_atomically(plan.dir / "plan.json",
                          json{{"format", "zokml-split-plan"}, {"threshold", t}, {"proofs", plan.proofs}}.dump(2) + "\n");
    return plan;
}

void prove_planned(const fs::path& folder, const QuantizedModel& model, const fs::path& plan, std::size_t index,
                   const Toolchain& toolchain) {
    const Statement s = statement_of(folder, true);
    const json document = read_plan(plan);
    if (index >= document.at("proofs").get<std::size_t>())
        throw InputError(plan / "plan.json", "proofs", fmt::format("has no sub-proof {}", index));
    const SplitWitnessData data = witness_data_from_json(read_json_file(plan / "witness.json"), plan / "witness.json");
    check_commitment(folder, s, model, data.part_salts);  // the plan holds the part salts: no salt file here
    const Proof proof = prove_sub_proof(toolchain, s.split.programs, s.plan, model, s.batch, data,
                                        document.at("threshold").get<std::int64_t>(), index);
    write_file_atomically(plan / fmt::format("proof-{}.json", index), proof.to_json().dump() + "\n");
}

ProofBundle gather_split_plan(const fs::path& folder, const fs::path& plan, const Toolchain& toolchain) {
    const Statement s = statement_of(folder, false);
    const json document = read_plan(plan);
    const SplitWitnessData data = witness_data_from_json(read_json_file(plan / "witness.json"), plan / "witness.json");
    const auto threshold = document.at("threshold").get<std::int64_t>();
    std::vector<std::variant<Proof, UnreadableProof>> proofs;
    for (std::size_t i = 0; i < document.at("proofs").get<std::size_t>(); ++i) {
        const fs::path file = plan / fmt::format("proof-{}.json", i);
        if (!fs::exists(file)) {
            proofs.emplace_back(UnreadableProof{json(), fmt::format("no proof yet ({})", file.filename().string())});
            continue;
        }
        try {
            proofs.emplace_back(Proof::from_json(read_json_file(file)));
        } catch (const std::exception& e) {  // a file cut short, or not a proof
            proofs.emplace_back(UnreadableProof{json(), fmt::format("{}: {}", file.filename().string(), e.what())});
        }
    }
    ProofBundle bundle = unchecked_bundle(s.split.programs, s.plan, s.batch, data, threshold, std::move(proofs));
    // Sub-proofs run as separate jobs: some may have failed, been lost or written something else.
    // Name every one to run again (and keep the plan folder for it) rather than the first.
    const BundleVerdict verdict = verify_bundle(toolchain, s.split.programs, s.plan, bundle, s.batch, data.model_commitment);
    if (!verdict.verified) {
        const auto subs = sub_proofs(s.plan);
        std::vector<std::string> named;
        for (const std::size_t i : verdict.failed) named.push_back(fmt::format("{} ({})", i, subs[i].name()));
        throw InputError(plan, "proofs",
                         fmt::format("{} of {} sub-proofs are missing or failed: {}. {}. Run only these again (--plan-dir {} "
                                     "--sub-proof K; a Slurm job array: sbatch --array={}), then --gather again",
                                     verdict.failed.size(), subs.size(), fmt::join(named, ", "), fmt::join(verdict.problems, "; "),
                                     plan.string(), fmt::join(verdict.failed, ",")));
    }
    fs::remove_all(plan);  // the private values are no longer needed
    return bundle;
}

ProofBundle prove_split_folder(const fs::path& folder, const QuantizedModel& model, const FieldElement& salt,
                               std::optional<std::int64_t> threshold, const Toolchain& toolchain, std::size_t jobs,
                               const std::function<void(const Progress&)>& progress, SplitProveTimes* times) {
    const Statement s = statement_of(folder, true);
    check_commitment(folder, s, model, salt);
    if (s.split.options.variant != SplitVariant::PrivateModel)
        throw InputError(split_file(folder), "variant",
                         fmt::format("a {} folder proves the classes of inputs it is given (zokml split-prove --inputs FILE)",
                                     to_string(s.split.options.variant)));
    const auto correct = static_cast<std::int64_t>(count_correct(model, s.batch));
    return prove_split(toolchain, s.split.programs, s.plan, model, s.batch, salt, threshold.value_or(correct), jobs, progress, times);
}

ProofBundle prove_split_folder(const fs::path& folder, const QuantizedModel& model, const FieldElement& salt,
                               const LabeledBatch& inputs, const Toolchain& toolchain, std::size_t jobs,
                               const std::function<void(const Progress&)>& progress, SplitProveTimes* times) {
    const Statement s = statement_of(folder, true, inputs);
    check_commitment(folder, s, model, salt);
    if (s.split.options.variant == SplitVariant::PrivateModel)
        throw InputError(split_file(folder), "variant", "a private-model folder proves on its own batch, not on given inputs");
    check_inputs(s.split, inputs);
    return prove_split(toolchain, s.split.programs, s.plan, model, s.batch, salt, 0, jobs, progress, times);
}

BundleVerdict verify_split_folder(const fs::path& folder, const ProofBundle& bundle, const Toolchain& toolchain,
                                  const LabeledBatch& inputs) {
    // The statement is the folder's: its layout, options and number of inputs make the plan the
    // bundle is checked against, whatever the bundle says of them.
    const Statement s = statement_of(folder, false, inputs);
    if (s.split.options.variant == SplitVariant::Inference) check_inputs(s.split, inputs);
    return verify_bundle(toolchain, s.split.programs, s.plan, bundle, s.batch, s.split.layout.commitment);
}

}  // namespace zokml
