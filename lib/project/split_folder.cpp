#include "zokml/project/split_folder.hpp"

#include <fmt/format.h>

#include <system_error>

#include "json_fields.hpp"
#include "part_json.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSplitFormat = "zokml-split";
constexpr int kSplitVersion = 3;   // 3: the part programs take the part's salt (hiding commitments)
constexpr int kLayoutVersion = 3;  // 2: the commitment is salted; 3: the quantization settings are recorded

fs::path program_folder(const fs::path& folder, const std::string& name) { return folder / "programs" / name; }
fs::path build_folder(const fs::path& folder, const std::string& name) { return folder / "build" / name; }
fs::path abi_path(const fs::path& folder, const std::string& name) { return folder / "abi" / (name + ".json"); }
fs::path key_folder(const fs::path& folder, const std::string& name) { return folder / "keys" / name; }


double number(const detail::Fields& f, const std::string& key) {
    const json& v = f.required(key);
    if (!v.is_number() || !std::isfinite(v.get<double>())) f.fail(key, "expected a finite number");
    return v.get<double>();
}

}  // namespace

json PublishedLayout::to_json() const {
    json parts_json = json::array();
    for (const auto& p : parts) parts_json.push_back(detail::part_json(p));
    return {{"format", "zokml-layout"},
            {"version", kLayoutVersion},
            {"model_name", model_name},
            {"commitment", commitment.to_decimal()},
            {"input", {{"size", input_size}, {"bits", input_bits}, {"min", input_min_float}, {"max", input_max_float}, {"scale", input_scale}}},
            {"quantization", {{"weight_bits", weight_bits}, {"activation_bits", activation_bits}}},
            {"parts", parts_json}};
}

PublishedLayout PublishedLayout::from_json(const json& document, const fs::path& file) {
    const detail::Fields f(document, file, "");
    f.only({"format", "version", "model_name", "commitment", "input", "quantization", "parts"});
    if (document.value("format", json()) != "zokml-layout") f.fail("format", "expected \"zokml-layout\"");
    if (document.value("version", json()) == 1)
        f.fail("version", "a version 1 layout publishes an unsalted commitment (an earlier zokml's): it is not hiding and no "
                          "proof takes it; commit again (zokml commit --split --salt FILE) and publish the new layout");
    if (document.value("version", json()) == 2)
        f.fail("version", "a version 2 layout (an earlier zokml's) does not record the quantization settings that split-prove takes "
                          "from it: publish it again (zokml commit --split --layout FILE with the same model, settings and salt gives "
                          "the same commitment) and set the split folder up again");
    if (document.value("version", json()) != kLayoutVersion) f.fail("version", fmt::format("expected version {}", kLayoutVersion));
    PublishedLayout layout;
    layout.model_name = f.text("model_name");
    layout.commitment = f.parsed("commitment", [](const std::string& v) { return FieldElement::from_decimal(v); });
    const detail::Fields input(f.required("input"), file, "input");
    input.only({"size", "bits", "min", "max", "scale"});
    layout.input_size = input.count("size", 0, 1, kMaxCount);
    const auto bits = QuantizationOptions::kInputBits;
    layout.input_bits = static_cast<unsigned>(input.count("bits", 0, bits.lo, bits.hi));
    layout.input_min_float = number(input, "min");
    layout.input_max_float = number(input, "max");
    if (!(layout.input_min_float < layout.input_max_float)) input.fail("max", "must be above input.min");
    layout.input_scale = number(input, "scale");
    if (!(layout.input_scale > 0)) input.fail("scale", "must be positive");
    const detail::Fields quantization(f.required("quantization"), file, "quantization");
    quantization.only({"weight_bits", "activation_bits"});
    for (const char* key : {"weight_bits", "activation_bits"}) quantization.required(key);  // no defaults
    const auto weight_bits = QuantizationOptions::kWeightBits, activation_bits = QuantizationOptions::kActivationBits;
    layout.weight_bits = static_cast<unsigned>(quantization.count("weight_bits", 0, weight_bits.lo, weight_bits.hi));
    layout.activation_bits = static_cast<unsigned>(quantization.count("activation_bits", 0, activation_bits.lo, activation_bits.hi));
    const json& parts = f.required("parts");
    if (!parts.is_array()) f.fail("parts", "expected an array");
    for (std::size_t i = 0; i < parts.size(); ++i) layout.parts.push_back(detail::part_from(detail::Fields(parts[i], file, fmt::format("parts[{}]", i))));
    return layout;
}

PublishedLayout publish_layout(const Model& float_model, const QuantizationOptions& options, std::size_t neurons_per_part,
                               const FieldElement& salt) {
    const QuantizedModel model = quantize(float_model, options);
    PublishedLayout layout;
    layout.model_name = model.name;
    layout.parts = model_parts(model, neurons_per_part);
    layout.commitment = commit_model_v2(model, neurons_per_part, salt);
    layout.input_size = model.input_size;
    layout.input_bits = model.input_bits;
    layout.input_min_float = model.input_min_float;
    layout.input_scale = model.input_scale;
    layout.input_max_float = float_model.input_max;
    layout.weight_bits = options.weight_bits;
    layout.activation_bits = options.activation_bits;
    return layout;
}

namespace {

// The layout's input quantization as a QuantizedModel without layers (what quantize_input reads).
QuantizedModel input_quantization(const PublishedLayout& layout) {
    QuantizedModel inputs;
    inputs.name = layout.model_name;
    inputs.input_size = layout.input_size;
    inputs.input_bits = layout.input_bits;
    inputs.input_max = (std::int64_t(1) << layout.input_bits) - 1;
    inputs.input_min_float = layout.input_min_float;
    inputs.input_scale = layout.input_scale;
    return inputs;
}

fs::path batch_path(const fs::path& folder) { return folder / "batch.json"; }

}  // namespace

LabeledBatch split_batch(const PublishedLayout& layout, std::size_t batch_size) {
    return labeled_batch(input_quantization(layout), spread_digits(held_out_digits(), batch_size));
}

LabeledBatch split_batch(const PublishedLayout& layout, const fs::path& batch_file, Labels labels, const fs::path& labels_file) {
    return split_batch(layout, read_batch_file(batch_file, labels, labels_file), batch_file);
}

LabeledBatch split_batch(const PublishedLayout& layout, const FloatBatch& batch, const fs::path& source) {
    return quantize_batch(input_quantization(layout), batch, layout.parts.back().count, source);
}

fs::path split_file(const fs::path& folder) { return folder / "zokml.split.json"; }

namespace {

// Builds the plan's programs and writes the folder; `batch` is the public labelled batch of a
// private-model folder (kept in batch.json), empty otherwise.
SplitPrograms write_split_folder(const fs::path& folder, const PublishedLayout& layout, const SplitPlan& plan,
                                 const LabeledBatch& batch, const Toolchain& toolchain, const ArtifactStore& store, std::size_t jobs) {
    const SplitPrograms programs = build_split_programs(toolchain, store, plan, batch, Scheme::G16, jobs);
    json records = json::object();
    for (const auto& [name, compiled] : programs.compiled) {
        for (const auto& proof : sub_proofs(plan))
            if (proof.program.name() == name) generate_split_circuit(plan, proof.program, batch).write(program_folder(folder, name));
        link_or_copy(compiled.program, build_folder(folder, name) / "out");
        const Keypair& keys = programs.keys.at(name);
        link_or_copy(keys.proving_key, key_folder(folder, name) / "proving.key");
        link_or_copy(keys.verification_key_file, key_folder(folder, name) / "verification.key");
        make_private_dir(abi_path(folder, name).parent_path());
        write_file_atomically(abi_path(folder, name), compiled.abi.to_json().dump(2) + "\n");
        records[name] = {{"constraints", compiled.constraints},
                         {"scheme", to_string(keys.scheme)},
                         {"backend", to_string(keys.backend)},  // who made the keys, and so who proves with them
                         {"proving_key_sha256", sha256_hex(read_file(keys.proving_key))},
                         {"verification_key_sha256", verification_key_digest(keys.verification_key)}};
    }
    json document = {{"format", kSplitFormat},
                     {"version", kSplitVersion},
                     {"variant", to_string(plan.options.variant)},
                     {"layout", layout.to_json()},
                     {"batch_size", plan.batch_size},
                     {"options", split_options_json(plan.options)},
                     {"programs", records}};
    if (plan.options.variant == SplitVariant::PrivateModel) {
        document["batch_fingerprint"] = batch.fingerprint();
        write_file_atomically(batch_path(folder), labeled_batch_to_json(batch).dump() + "\n");
    }
    write_file_atomically(split_file(folder), dump_json(document, 2) + "\n");
    return programs;
}

}  // namespace

SplitPrograms setup_split_folder(const fs::path& folder, const PublishedLayout& layout, const LabeledBatch& batch,
                                 const SplitOptions& options, const Toolchain& toolchain, const ArtifactStore& store, std::size_t jobs) {
    if (options.variant != SplitVariant::PrivateModel) throw InputError("", "variant", "a labelled batch is for private-model folders");
    return write_split_folder(folder, layout, plan_split(layout.parts, batch, options, layout.model_name), batch, toolchain, store, jobs);
}

SplitPrograms setup_split_folder(const fs::path& folder, const PublishedLayout& layout, std::size_t inputs, SplitOptions options,
                                 const Toolchain& toolchain, const ArtifactStore& store, std::size_t jobs) {
    options.input_bits = layout.input_bits;
    return write_split_folder(folder, layout, plan_split(layout.parts, inputs, options, layout.model_name), {}, toolchain, store, jobs);
}

SplitFolder read_split_folder(const fs::path& folder, bool proving) {
    const fs::path file = split_file(folder);
    if (!fs::exists(file)) throw InputError(file, "(file)", "no split folder here (run zokml split-setup first)");
    const json document = read_json_file(file);
    const detail::Fields f(document, file, "");
    if (document.value("format", json()) != kSplitFormat || document.value("version", json()) != kSplitVersion)
        f.fail("format", fmt::format("expected \"zokml-split\" version {} (set up again a folder of an earlier version: its "
                                     "programs take no salt)", kSplitVersion));
    const SplitVariant variant = f.parsed("variant", split_variant_from);
    const bool labelled = variant == SplitVariant::PrivateModel;
    f.only(labelled ? std::vector<std::string>{"format", "version", "variant", "layout", "batch_size", "batch_fingerprint", "options", "programs"}
                    : std::vector<std::string>{"format", "version", "variant", "layout", "batch_size", "options", "programs"});
    SplitFolder split;
    split.layout = PublishedLayout::from_json(f.required("layout"), file);
    split.batch_size = f.count("batch_size", 0, 1, kMaxCount);
    split.options = split_options_from_json(f.required("options"), variant, file, "options");
    if (labelled) {
        split.batch = labeled_batch_from_json(read_json_file(batch_path(folder)), batch_path(folder));
        if (split.batch.inputs.size() != split.batch_size || split.batch.fingerprint() != f.text("batch_fingerprint"))
            throw InputError(batch_path(folder), "(file)", "not the batch the folder was set up for (its fingerprint differs)");
    }
    const json& programs = f.required("programs");
    if (!programs.is_object()) f.fail("programs", "expected an object");
    for (const auto& [name, record] : programs.items()) {
        // Names become paths (programs/NAME, keys/NAME): plan names only, nothing that climbs out.
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
            f.fail("programs", "'" + name + "' is not a program name (lower-case letters, digits and -)");
        const detail::Fields r(record, file, "programs." + name);
        CompiledProgram program;
        program.program = build_folder(folder, name) / "out";
        program.abi_file = abi_path(folder, name);
        program.constraints = r.count("constraints", 0, 0, SIZE_MAX);
        try {
            program.abi = Abi::from_json(read_json_file(program.abi_file));
        } catch (const std::invalid_argument& e) {
            throw InputError(program.abi_file, "(file)", std::string("not an ABI: ") + e.what());
        }
        Keypair keys = verification_keypair(key_folder(folder, name) / "verification.key");
        if (r.find("backend")) keys.backend = r.parsed("backend", backend_from_string);
        if (verification_key_digest(keys.verification_key) != r.text("verification_key_sha256"))
            r.fail("verification_key_sha256", "the folder's verification key is not the one set up");
        if (proving) {
            keys.proving_key = key_folder(folder, name) / "proving.key";
            if (!is_file_inside(keys.proving_key, folder) || !is_file_inside(program.program, folder))
                throw InputError(keys.proving_key, "(file)", "missing, or a link out of the folder: a prover needs the proving key and the program");
            if (sha256_hex(read_file(keys.proving_key)) != r.text("proving_key_sha256"))
                throw InputError(keys.proving_key, "(file)", "damaged: its SHA-256 is not the one split-setup recorded");
        }
        split.programs.compiled.emplace(name, std::move(program));
        split.programs.keys.emplace(name, std::move(keys));
    }
    return split;
}

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
    std::vector<Proof> proofs;
    for (std::size_t i = 0; i < document.at("proofs").get<std::size_t>(); ++i) {
        const fs::path file = plan / fmt::format("proof-{}.json", i);
        if (!fs::exists(file)) throw InputError(file, "(file)", fmt::format("sub-proof {} has not been proven yet", i));
        try {
            proofs.push_back(Proof::from_json(read_json_file(file)));
        } catch (const std::invalid_argument& e) {
            throw InputError(file, "(file)", std::string("not a proof: ") + e.what());
        }
    }
    ProofBundle bundle =
        assemble_bundle(toolchain, s.split.programs, s.plan, s.batch, data, document.at("threshold").get<std::int64_t>(), std::move(proofs));
    fs::remove_all(plan);  // the private values are no longer needed
    return bundle;
}

ProofBundle prove_split_folder(const fs::path& folder, const QuantizedModel& model, const FieldElement& salt,
                               std::optional<std::int64_t> threshold, const Toolchain& toolchain, std::size_t jobs,
                               const std::function<void(const SplitProgress&)>& progress, SplitProveTimes* times) {
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
                               const std::function<void(const SplitProgress&)>& progress, SplitProveTimes* times) {
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
