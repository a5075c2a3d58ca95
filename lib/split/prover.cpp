#include "zokml/split/prover.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "project/json_fields.hpp"
#include "part_json.hpp"
#include "time_left.hpp"
#include "zokml/backend/backends.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/jobs.hpp"
#include "zokml/core/timing.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/toolchain/public_values.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kBundleFormat = "zokml-bundle";
constexpr int kBundleVersion = 2;  // 2: salted part commitments

// The distinct programs of a plan, by name.
std::map<std::string, SplitProgram> programs_of(const SplitPlan& plan) {
    std::map<std::string, SplitProgram> programs;
    for (const auto& proof : sub_proofs(plan)) programs.emplace(proof.program.name(), proof.program);
    return programs;
}

// What of the batch a verifier knows: everything, the inputs only, or nothing (private inputs).
LabeledBatch public_batch(SplitVariant variant, const LabeledBatch& batch) {
    switch (variant) {
        case SplitVariant::PrivateModel: return batch;
        case SplitVariant::Inference: return {batch.inputs, {}};
        case SplitVariant::BothPrivate: return {};
    }
    return {};
}

json fields_json(const std::vector<FieldElement>& elements) {
    json out = json::array();
    for (const auto& e : elements) out.push_back(e.to_decimal());
    return out;
}

std::vector<FieldElement> fields_from(const json& j, const std::string& where) {
    if (!j.is_array()) throw std::invalid_argument(where + ": expected an array");
    std::vector<FieldElement> out;
    for (const auto& e : j) out.push_back(FieldElement::from_decimal(e.get<std::string>()));
    return out;
}

// What a bundle shows besides the model commitment: the threshold and count, or the classes (and
// a both-private bundle's input commitments).
json outcome(const ProofBundle& b) {
    if (b.options.variant == SplitVariant::PrivateModel) return {{"threshold", b.threshold}, {"correct", b.correct}};
    json j = {{"classes", b.classes}};
    if (b.options.variant == SplitVariant::BothPrivate) j["input_commitments"] = fields_json(b.input_commitments);
    return j;
}


}  // namespace

std::string verification_key_digest(const VerificationKey& key) { return sha256_hex(key.to_json().dump()); }

SplitPrograms build_split_programs(const Toolchain& toolchain, const ArtifactStore& store, const SplitPlan& plan,
                                   const LabeledBatch& batch, Scheme scheme, std::size_t jobs) {
    SplitPrograms programs;
    const auto named = programs_of(plan);
    const std::vector<std::pair<std::string, SplitProgram>> list(named.begin(), named.end());
    // Each compile is one single-threaded zokrates process: `jobs` of them side by side.
    std::vector<std::optional<ArtifactStore::CachedProgram>> compiled(list.size());
    std::vector<double> seconds(list.size());
    timed(programs.compile_s, [&] {
        for_each_job(list.size(), jobs, [&](std::size_t i) {
            compiled[i] = timed(seconds[i], [&] { return store.compile(toolchain, generate_split_circuit(plan, list[i].second, batch)); });
        });
        return 0;
    });
    std::vector<CompiledProgram> to_set_up;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (compiled[i]->outcome != ArtifactStore::Outcome::Hit) programs.compile_sum_s += seconds[i];
        to_set_up.push_back(compiled[i]->program);
    }
    // Set up together: the native setup makes one powers of tau for programs of one size.
    const auto backend = make_backend(default_setup_backend(scheme), toolchain);
    const auto keys = timed(programs.setup_s, [&] { return store.setup(*backend, to_set_up, scheme); });
    bool all_found = true;
    for (std::size_t i = 0; i < list.size(); ++i) {
        all_found = all_found && keys[i].outcome == ArtifactStore::Outcome::Hit;
        programs.compiled.emplace(list[i].first, to_set_up[i]);
        programs.keys.emplace(list[i].first, keys[i].keypair);
    }
    if (all_found) programs.setup_s = 0;
    if (programs.compile_sum_s == 0) programs.compile_s = 0;  // every program came from the store
    return programs;
}

json split_options_json(const SplitOptions& options) {
    json j = {{"neurons_per_part", options.neurons_per_part},
              {"inputs_per_slice", options.inputs_per_slice},
              {"chunk_size", options.chunk_size},
              {"group_size", options.group_size}};
    if (options.variant != SplitVariant::PrivateModel) j["input_bits"] = options.input_bits;
    else j["part_proof_values"] = options.part_proof_values;
    return j;
}

SplitOptions split_options_from_json(const json& options, SplitVariant variant, const fs::path& file, const std::string& field) {
    const detail::Fields o(options, file, field);
    const bool inputs = variant != SplitVariant::PrivateModel;
    o.only(inputs ? std::vector<std::string>{"neurons_per_part", "inputs_per_slice", "chunk_size", "group_size", "input_bits"}
                  : std::vector<std::string>{"neurons_per_part", "inputs_per_slice", "chunk_size", "group_size", "part_proof_values"});
    SplitOptions read{o.count("neurons_per_part", 0), o.count("inputs_per_slice", 0), o.count("chunk_size", 0),
                      o.count("group_size", 0), variant, 8};
    if (inputs) read.input_bits = static_cast<unsigned>(o.count("input_bits", 0, 1, 32));
    else read.part_proof_values = o.count("part_proof_values", SplitOptions{}.part_proof_values, 1, kMaxCount);
    return read;
}

json ProofBundle::to_json() const {
    json parts_json = json::array();
    for (const auto& p : parts) parts_json.push_back(detail::part_json(p));
    json proofs_json = json::array();
    for (const auto& p : proofs)
        proofs_json.push_back({{"program", p.program},
                               {"part", p.part},
                               {"slice", p.slice},
                               {"proof", p.unreadable ? p.unreadable->json : p.proof.to_json()}});
    json j = {{"format", kBundleFormat},
              {"version", kBundleVersion},
              {"variant", to_string(options.variant)},
              {"model_name", model_name},
              {"parts", parts_json},
              {"options", split_options_json(options)},
              {"batch_fingerprint", batch_fingerprint},
              {"model_commitment", model_commitment.to_decimal()}};
    j.update(outcome(*this));
    j["verification_keys"] = verification_keys;
    j["proofs"] = proofs_json;
    return j;
}

json ProofBundle::statement() const {
    json j = {{"variant", to_string(options.variant)}, {"commitment", model_commitment.to_decimal()}};
    j.update(outcome(*this));
    return j;
}

ProofBundle ProofBundle::from_json(const json& document, const fs::path& file) {
    const detail::Fields fields(document, file, "");
    if (document.value("format", json()) != kBundleFormat) fields.fail("format", "expected \"zokml-bundle\"");
    if (document.value("version", json()) == 1)
        fields.fail("version", "a version 1 bundle shows unsalted part commitments (an earlier zokml's): prove again");
    if (document.value("version", json()) != kBundleVersion) fields.fail("version", fmt::format("expected version {}", kBundleVersion));
    const SplitVariant variant = fields.parsed("variant", split_variant_from);
    const std::vector<std::string> common{"format", "version", "variant", "model_name", "parts", "options", "batch_fingerprint",
                                          "model_commitment", "verification_keys", "proofs"};
    std::vector<std::string> known = common;
    if (variant == SplitVariant::PrivateModel) known.insert(known.end(), {"threshold", "correct"});
    else known.push_back("classes");
    if (variant == SplitVariant::BothPrivate) known.push_back("input_commitments");
    fields.only(known);
    ProofBundle bundle;
    bundle.model_name = fields.text("model_name");
    const json& parts = fields.required("parts");
    if (!parts.is_array()) fields.fail("parts", "expected an array");
    for (std::size_t i = 0; i < parts.size(); ++i)
        bundle.parts.push_back(detail::part_from(detail::Fields(parts[i], file, fmt::format("parts[{}]", i))));
    bundle.options = split_options_from_json(fields.required("options"), variant, file, "options");
    if (variant != SplitVariant::PrivateModel) {
        const json& classes = fields.required("classes");
        if (!classes.is_array()) fields.fail("classes", "expected an array of classes");
        for (std::size_t i = 0; i < classes.size(); ++i) {
            if (!classes[i].is_number_integer() || classes[i].get<std::int64_t>() < 0 || classes[i].get<std::int64_t>() > std::int64_t(kMaxCount))
                fields.fail(fmt::format("classes[{}]", i), "expected a class, got " + classes[i].dump());
            bundle.classes.push_back(classes[i].get<int>());
        }
    }
    if (variant == SplitVariant::BothPrivate) {
        const json& commitments = fields.required("input_commitments");
        if (!commitments.is_array()) fields.fail("input_commitments", "expected an array of field elements");
        for (std::size_t i = 0; i < commitments.size(); ++i) {
            try {
                bundle.input_commitments.push_back(FieldElement::from_decimal(commitments[i].get<std::string>()));
            } catch (const std::exception& e) {
                fields.fail(fmt::format("input_commitments[{}]", i), e.what());
            }
        }
    }
    bundle.batch_fingerprint = fields.text("batch_fingerprint");
    bundle.model_commitment = fields.parsed("model_commitment", [](const std::string& v) { return FieldElement::from_decimal(v); });
    if (variant == SplitVariant::PrivateModel) {
        bundle.threshold = static_cast<std::int64_t>(fields.count("threshold", 0, 0, kMaxCount));
        bundle.correct = static_cast<std::int64_t>(fields.count("correct", 0, 0, kMaxCount));
    }
    const json& keys = fields.required("verification_keys");
    if (!keys.is_object()) fields.fail("verification_keys", "expected an object");
    for (const auto& [name, digest] : keys.items()) {
        if (!digest.is_string()) fields.fail("verification_keys." + name, "expected a SHA-256 in hex");
        bundle.verification_keys[name] = digest.get<std::string>();
    }
    const json& proofs = fields.required("proofs");
    if (!proofs.is_array()) fields.fail("proofs", "expected an array");
    for (std::size_t i = 0; i < proofs.size(); ++i) {
        const detail::Fields p(proofs[i], file, fmt::format("proofs[{}]", i));
        p.only({"program", "part", "slice", "proof"});
        BundleProof proof{p.text("program"), p.count("part", 0, 0, kMaxCount), p.count("slice", 0, 0, kMaxCount), {}, {}};
        const json& member = p.required("proof");
        try {
            proof.proof = Proof::from_json(member);
        } catch (const std::exception& e) {
            proof.unreadable = UnreadableProof{member, e.what()};
        }
        bundle.proofs.push_back(std::move(proof));
    }
    return bundle;
}

ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const FieldElement& salt, std::int64_t threshold,
                        std::size_t jobs, const std::function<void(const SplitProgress&)>& progress, SplitProveTimes* times) {
    double reference_s = 0;
    const SplitWitnessData data = timed(reference_s, [&] { return split_witness_data(plan, model, batch, salt); });
    ProofBundle bundle = prove_split(toolchain, programs, plan, model, batch, data, threshold, jobs, progress, times);
    if (times) times->reference_s = reference_s;
    return bundle;
}

ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const SplitWitnessData& data,
                        std::int64_t threshold, std::size_t jobs, const std::function<void(const SplitProgress&)>& progress,
                        SplitProveTimes* times) {
    SplitProveTimes local;
    SplitProveTimes& t = times ? *times : local;
    if (plan.options.variant == SplitVariant::PrivateModel && (threshold < 0 || threshold > data.correct))
        throw InputError("", "threshold",
                         fmt::format("the model classifies {} of the {} batch inputs correctly: no proof of at least {} exists",
                                     data.correct, batch.inputs.size(), threshold));
    const auto proofs = sub_proofs(plan);
    std::vector<std::optional<Proof>> results(proofs.size());
    std::atomic<std::size_t> next = 0;
    std::mutex mutex;  // guards the progress, the times and the first error
    std::size_t done = 0;
    std::vector<TimeLeft::Task> tasks;
    for (const SubProof& proof : proofs) tasks.push_back({proof.program.name(), programs.compiled.at(proof.program.name()).constraints});
    TimeLeft time_left(tasks, jobs);
    std::exception_ptr error;
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    const auto worker = [&] {
        // One prover, and so one witness process and one key read, for a run of sub-proofs of one
        // program (a layer's slices); the witnesses stay in a private folder of this worker.
        const TempFolder scratch(fs::temp_directory_path(), "zokml-prove");
        std::string program;
        std::optional<CircuitProver> prover;
        for (std::size_t i = next++; i < proofs.size(); i = next++) {
            {
                const std::lock_guard lock(mutex);
                if (error) return;
                if (progress) progress({done, proofs.size(), proofs[i].name(), elapsed(), time_left.remaining()});
            }
            try {
                const auto begun = std::chrono::steady_clock::now();
                if (!prover || program != proofs[i].program.name()) {
                    program = proofs[i].program.name();
                    prover.reset();  // its process ends before the next one starts
                    prover.emplace(toolchain, programs.compiled.at(program), programs.keys.at(program), scratch.path());
                    // zokrates-js keys keep a process per step (a native zokrates has no sessions)
                    if (proving_backend(prover->keypair()) != Backend::Zokrates) prover->use_session();
                }
                results[i] = prover->prove(split_arguments(plan, proofs[i], model, batch, data, threshold));
                const std::lock_guard lock(mutex);
                t.witness_s += prover->times().witness_s;
                t.prove_s += prover->times().prove_s;
                time_left.done(program, std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count());
                ++done;
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!error) error = std::current_exception();
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t j = 1; j < std::max<std::size_t>(jobs, 1); ++j) threads.emplace_back(worker);
    worker();
    for (auto& thread : threads) thread.join();
    t.wall_s = elapsed();
    if (error) std::rethrow_exception(error);
    if (progress) progress({done, proofs.size(), "", t.wall_s, 0});

    std::vector<Proof> proven;
    for (auto& result : results) proven.push_back(std::move(*result));
    return assemble_bundle(toolchain, programs, plan, batch, data, threshold, std::move(proven));
}

Proof prove_sub_proof(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const QuantizedModel& model,
                      const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold, std::size_t index,
                      StepTimes* times) {
    const SubProof sub = sub_proofs(plan).at(index);
    const std::string name = sub.program.name();
    const TempFolder scratch(fs::temp_directory_path(), "zokml-prove");  // the witness holds private values
    CircuitProver prover(toolchain, programs.compiled.at(name), programs.keys.at(name), scratch.path());
    Proof proof = prover.prove(split_arguments(plan, sub, model, batch, data, threshold));
    if (times) *times = prover.times();
    return proof;
}

ProofBundle assemble_bundle(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                            const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold,
                            std::vector<Proof> proofs) {
    const auto subs = sub_proofs(plan);
    if (proofs.size() != subs.size()) throw std::invalid_argument(fmt::format("{} proofs for {} sub-proofs", proofs.size(), subs.size()));
    ProofBundle bundle;
    bundle.model_name = plan.model_name;
    bundle.parts = plan.parts();
    bundle.options = plan.options;
    bundle.batch_fingerprint = public_batch(plan.options.variant, batch).fingerprint();
    bundle.model_commitment = data.model_commitment;
    if (plan.options.variant == SplitVariant::PrivateModel) {
        bundle.threshold = threshold;
        bundle.correct = data.correct;
    } else {
        bundle.classes = data.classes;
    }
    if (plan.options.variant == SplitVariant::BothPrivate) bundle.input_commitments = data.input_commitments;
    for (const auto& [name, keypair] : programs.keys) bundle.verification_keys[name] = verification_key_digest(keypair.verification_key);
    for (std::size_t i = 0; i < subs.size(); ++i)
        bundle.proofs.push_back({subs[i].program.name(), subs[i].part, subs[i].slice, std::move(proofs[i]), {}});
    // The circuits and the reference agree bit for bit, or zokml has a bug: check before handing out.
    const BundleVerdict own = verify_bundle(toolchain, programs, plan, bundle, batch, data.model_commitment);
    if (!own.verified) throw std::logic_error("the split proof does not check out: " + own.problems.front());
    return bundle;
}

json witness_data_to_json(const SplitWitnessData& d) {
    json salts = json::array(), commitments = json::array();
    for (std::size_t l = 0; l < d.activation_salts.size(); ++l) {
        salts.push_back(json::array());
        commitments.push_back(json::array());
        for (std::size_t p = 0; p < d.activation_salts[l].size(); ++p) {
            salts[l].push_back(fields_json(d.activation_salts[l][p]));
            commitments[l].push_back(fields_json(d.activation_commitments[l][p]));
        }
    }
    return {{"format", "zokml-split-witness"},
            {"version", 2},
            {"part_salts", fields_json(d.part_salts)},
            {"part_commitments", fields_json(d.part_commitments)},
            {"activations", d.activations},
            {"activation_salts", salts},
            {"activation_commitments", commitments},
            {"input_salts", fields_json(d.input_salts)},
            {"input_commitments", fields_json(d.input_commitments)},
            {"classes", d.classes},
            {"counts", d.counts},
            {"count_salts", fields_json(d.count_salts)},
            {"count_commitments", fields_json(d.count_commitments)},
            {"model_commitment", d.model_commitment.to_decimal()},
            {"correct", d.correct}};
}

SplitWitnessData witness_data_from_json(const json& j, const fs::path& file) {
    try {
        if (j.at("format") != "zokml-split-witness" || j.at("version") != 2) throw std::invalid_argument("not a split witness file");
        SplitWitnessData d;
        d.part_salts = fields_from(j.at("part_salts"), "part_salts");
        d.part_commitments = fields_from(j.at("part_commitments"), "part_commitments");
        d.activations = j.at("activations").get<decltype(d.activations)>();
        for (const auto& layer : j.at("activation_salts")) {
            auto& out = d.activation_salts.emplace_back();
            for (const auto& part : layer) out.push_back(fields_from(part, "activation_salts"));
        }
        for (const auto& layer : j.at("activation_commitments")) {
            auto& out = d.activation_commitments.emplace_back();
            for (const auto& part : layer) out.push_back(fields_from(part, "activation_commitments"));
        }
        d.input_salts = fields_from(j.at("input_salts"), "input_salts");
        d.input_commitments = fields_from(j.at("input_commitments"), "input_commitments");
        d.classes = j.at("classes").get<std::vector<int>>();
        d.counts = j.at("counts").get<std::vector<std::int64_t>>();
        d.count_salts = fields_from(j.at("count_salts"), "count_salts");
        d.count_commitments = fields_from(j.at("count_commitments"), "count_commitments");
        d.model_commitment = FieldElement::from_decimal(j.at("model_commitment").get<std::string>());
        d.correct = j.at("correct").get<std::int64_t>();
        return d;
    } catch (const std::exception& e) {
        throw InputError(file, "(file)", std::string("not a split witness file: ") + e.what());
    }
}

namespace {

// Collects a bundle's problems, and the values links are checked against.
class LinkChecker {
public:
    std::vector<std::string> problems;

    // Records `value` under key, or reports a difference from what was recorded first.
    void expect(const std::string& key, const FieldElement& value, const std::string& where) {
        const auto [it, inserted] = seen_.emplace(key, value);
        if (!inserted && it->second != value) problems.push_back(fmt::format("{}: {} differs from {}", where, key, it->second.to_decimal()));
    }
    void require(bool holds, const std::string& problem) {
        if (!holds) problems.push_back(problem);
    }

private:
    std::map<std::string, FieldElement> seen_;
};

// What the bundle says of the statement against the verifier's plan: the variant, model name,
// parts and options, and as many classes (and both-private input commitments) as the plan has
// inputs (and slices). The plan, not the bundle, decides what is checked next.
void check_statement(const SplitPlan& plan, const ProofBundle& bundle, const LabeledBatch& batch, LinkChecker& check) {
    const SplitVariant variant = plan.options.variant;
    check.require(bundle.options.variant == variant,
                  fmt::format("the bundle proves {}, the folder {}", to_string(bundle.options.variant), to_string(variant)));
    check.require(bundle.model_name == plan.model_name,
                  fmt::format("the bundle's model name is \"{}\", the folder's \"{}\"", bundle.model_name, plan.model_name));
    const auto parts = plan.parts();
    check.require(bundle.parts.size() == parts.size(),
                  fmt::format("the bundle has {} parts, the folder's layout {}", bundle.parts.size(), parts.size()));
    for (std::size_t p = 0; p < std::min(parts.size(), bundle.parts.size()); ++p)
        check.require(detail::part_json(bundle.parts[p]) == detail::part_json(parts[p]),
                      fmt::format("the bundle's parts[{}] is {}, the folder's {}", p, detail::part_json(bundle.parts[p]).dump(),
                                  detail::part_json(parts[p]).dump()));
    const json options = split_options_json(plan.options), claimed = split_options_json(bundle.options);
    for (const auto& [key, value] : options.items())
        check.require(claimed.value(key, json()) == value,
                      fmt::format("the bundle's options.{} is {}, the folder's {}", key, claimed.value(key, json()).dump(), value.dump()));
    check.require(bundle.batch_fingerprint == public_batch(variant, batch).fingerprint(), "the bundle is for another batch");
    if (variant == SplitVariant::Inference)
        check.require(batch.inputs.size() == plan.batch_size,
                      fmt::format("{} public inputs for the folder's statement of {}", batch.inputs.size(), plan.batch_size));
    if (variant != SplitVariant::PrivateModel)
        check.require(bundle.classes.size() == plan.batch_size,
                      fmt::format("the bundle gives {} classes, the folder's statement has {} inputs", bundle.classes.size(), plan.batch_size));
    if (variant == SplitVariant::BothPrivate)
        check.require(bundle.input_commitments.size() == plan.slices(),
                      fmt::format("the bundle gives {} input commitments, the folder's statement has {} slices",
                                  bundle.input_commitments.size(), plan.slices()));
}

// One sub-proof checked, and its public values recorded for the links. Throws InputError for a
// proof that is not one, ToolchainError when the toolchain does not say PASSED or FAILED.
class SubProofChecker {
public:
    SubProofChecker(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const ProofBundle& bundle,
                    const LabeledBatch& batch, const FieldElement& published_commitment, const ProofCheck& verifies, LinkChecker& check)
        : toolchain_(toolchain), programs_(programs), plan_(plan), bundle_(bundle), batch_(batch),
          published_(published_commitment), verifies_(verifies), check_(check) {}

    void check(const SubProof& sub, const BundleProof& found) {
        const std::string name = sub.program.name();
        if (found.unreadable) throw InputError("", "proof", "not a proof: " + found.unreadable->reason);
        const Proof& proof = found.proof;
        const auto key = programs_.keys.find(name);
        if (key == programs_.keys.end()) {
            check_.require(false, "no verification key for program " + name);
            return;
        }
        check_canonical(proof, key->second.verification_key, "");  // whichever verifier comes next
        const auto declared = bundle_.verification_keys.find(name);
        check_.require(declared != bundle_.verification_keys.end() &&
                           declared->second == verification_key_digest(key->second.verification_key),
                       sub.name() + ": the bundle names another verification key for " + name);
        if (!(verifies_ ? verifies_(name, proof) : toolchain_.verify(key->second, proof, scratch_.path()))) {
            check_.require(false, sub.name() + ": the proof does not verify");
            return;
        }
        std::optional<PublicValues> values;
        try {
            values.emplace(programs_.compiled.at(name).abi, proof.inputs, split_output_names(plan_, sub.program));
        } catch (const std::invalid_argument& e) {
            check_.require(false, sub.name() + ": " + e.what());
            return;
        }
        switch (sub.program.kind) {
            case SplitProgram::Kind::Part: part(sub, *values); break;
            case SplitProgram::Kind::Slice: slice(sub, *values); break;
            case SplitProgram::Kind::Aggregate: aggregate(*values); break;
        }
    }

private:
    void part(const SubProof& sub, const PublicValues& values) {
        check_.expect(fmt::format("part {} commitment", sub.part), values.field("part_commitment"), sub.name());
        const auto& a = values.at("activation_commitments");
        for (std::size_t s = 0; s < a.size(); ++s)
            check_.expect(fmt::format("activations of part {} slice {}", sub.part, sub.program.first_slice + s), a[s], sub.name());
    }

    void slice(const SubProof& sub, const PublicValues& values) {
        const std::size_t l = sub.program.layer, s = sub.slice;
        check_.expect(fmt::format("part {} commitment", sub.part), values.field("part_commitment"), sub.name());
        const auto& in = values.at("input_commitments");
        if (l == 0) {
            check_.expect(fmt::format("inputs of slice {}", s), in.at(0), sub.name());
        } else {
            const std::size_t first = plan_.first_part(l - 1);
            for (std::size_t k = 0; k < in.size(); ++k)
                check_.expect(fmt::format("activations of part {} slice {}", first + k, s), in[k], sub.name());
        }
        if (plan_.layers[l].last && plan_.options.variant != SplitVariant::PrivateModel) {
            const auto& classes = values.at("classes");
            for (std::size_t i = 0; i < classes.size(); ++i) {
                const std::size_t input = plan_.slice_begin(s) + i;
                check_.require(input < bundle_.classes.size() && classes[i] == FieldElement::from_int(bundle_.classes[input]),
                               fmt::format("{}: the class of input {} is not the bundle's", sub.name(), input));
            }
        } else if (plan_.layers[l].last) {
            check_.expect(fmt::format("count of slice {}", s), values.field("count_commitment"), sub.name());
            const auto& labels = values.at("labels");
            for (std::size_t i = 0; i < labels.size(); ++i)
                check_.require(labels[i] == FieldElement::from_int(batch_.labels.at(plan_.slice_begin(s) + i)),
                               fmt::format("{}: label {} is not the batch's", sub.name(), i));
        } else {
            check_.expect(fmt::format("activations of part {} slice {}", sub.part, s), values.field("activation_commitment"), sub.name());
        }
    }

    void aggregate(const PublicValues& values) {
        const auto& parts = values.at("part_commitments");
        for (std::size_t p = 0; p < parts.size(); ++p) check_.expect(fmt::format("part {} commitment", p), parts[p], "aggregate");
        check_.require(values.field("model_commitment") == published_, "aggregate: the model commitment is not the published one");
        if (plan_.options.variant != SplitVariant::PrivateModel) return;
        const auto& counts = values.at("count_commitments");
        for (std::size_t s = 0; s < counts.size(); ++s) check_.expect(fmt::format("count of slice {}", s), counts[s], "aggregate");
        check_.require(values.field("threshold") == FieldElement::from_int(bundle_.threshold), "aggregate: the threshold is not the bundle's");
        check_.require(values.field("correct") == FieldElement::from_int(bundle_.correct), "aggregate: the count is not the bundle's");
    }

    const Toolchain& toolchain_;
    const SplitPrograms& programs_;
    const SplitPlan& plan_;
    const ProofBundle& bundle_;
    const LabeledBatch& batch_;
    const FieldElement& published_;
    const ProofCheck& verifies_;
    LinkChecker& check_;
    const TempFolder scratch_{fs::temp_directory_path(), "zokml-verify"};
};

// A toolchain run that refused the proof (an error, a panic, no verdict), rather than one that
// could not run.
bool refused(const ToolchainError& e) {
    return e.kind() == ToolchainError::Kind::Failed || e.kind() == ToolchainError::Kind::Panicked ||
           e.kind() == ToolchainError::Kind::BadOutput;
}

}  // namespace

BundleVerdict verify_bundle(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const ProofBundle& bundle,
                            const LabeledBatch& batch, const FieldElement& published_commitment, const ProofCheck& verifies) {
    LinkChecker check;
    check_statement(plan, bundle, batch, check);
    check.require(bundle.model_commitment == published_commitment, "the bundle's model commitment is not the published one");
    // The inputs the first layer's proofs read: the commitments of the verifier's public inputs,
    // computed here, or the private inputs' commitments the bundle publishes (each the same in
    // every proof of the slice).
    if (plan.options.variant == SplitVariant::Inference && batch.inputs.size() == plan.batch_size)
        for (std::size_t s = 0; s < plan.slices(); ++s)
            check.expect(fmt::format("inputs of slice {}", s),
                         commit_salted(FieldElement(), slice_inputs(plan, batch, s), plan.options.input_bits), "the public inputs");
    if (plan.options.variant == SplitVariant::BothPrivate)
        for (std::size_t s = 0; s < std::min(plan.slices(), bundle.input_commitments.size()); ++s)
            check.expect(fmt::format("inputs of slice {}", s), bundle.input_commitments[s], "the bundle");

    // Every sub-proof of the plan exactly once, and no other.
    const auto expected = sub_proofs(plan);
    std::set<std::tuple<std::string, std::size_t, std::size_t>> planned;
    for (const auto& sub : expected) planned.emplace(sub.program.name(), sub.part, sub.slice);
    std::map<std::tuple<std::string, std::size_t, std::size_t>, const BundleProof*> by_position;
    for (const auto& p : bundle.proofs) {
        const std::tuple position{p.program, p.part, p.slice};
        if (!planned.contains(position))
            check.require(false, fmt::format("{} part {} slice {} is not a sub-proof of the folder's statement", p.program, p.part, p.slice));
        else if (!by_position.emplace(position, &p).second)
            check.require(false, fmt::format("{} part {} slice {} appears twice", p.program, p.part, p.slice));
    }

    SubProofChecker sub_proof(toolchain, programs, plan, bundle, batch, published_commitment, verifies, check);
    for (const auto& sub : expected) {
        const auto found = by_position.find({sub.program.name(), sub.part, sub.slice});
        if (found == by_position.end()) {
            check.require(false, sub.name() + " is missing");
            continue;
        }
        // A bad sub-proof is one of the bundle's problems: the others are still checked.
        const std::string which = fmt::format("{} ({})", sub.name(), sub.program.name());
        try {
            sub_proof.check(sub, *found->second);
        } catch (const InputError& e) {
            check.require(false, fmt::format("{}: {}: {}", which, e.field(), e.reason()));
        } catch (const ToolchainError& e) {
            if (!refused(e)) throw;
            check.require(false, fmt::format("{}: the toolchain refused it: {}", which, e.what()));
        }
    }
    return {check.problems.empty(), std::move(check.problems)};
}

}  // namespace zokml
