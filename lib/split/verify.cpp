// Checking a split proof's bundle: the statement against the verifier's plan, every sub-proof
// against its program's key, and every link between them.
#include "zokml/split/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

#include "part_json.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/split/witness.hpp"
#include "zokml/toolchain/public_values.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Collects a bundle's problems, the values links are checked against, and the sub-proofs to blame:
// the one being checked when a problem is found, and for a link that differs also the one that
// recorded the value first (either may be the wrong one).
class LinkChecker {
public:
    std::vector<std::string> problems;
    std::set<std::size_t> blamed;         // indices in sub_proofs(plan)
    std::optional<std::size_t> checking;  // the sub-proof being checked, if any

    // Records `value` under key, or reports a difference from what was recorded first.
    void expect(const std::string& key, const FieldElement& value, const std::string& where) {
        const auto [it, inserted] = seen_.emplace(key, Recorded{value, checking});
        if (inserted || it->second.value == value) return;
        problems.push_back(fmt::format("{}: {} differs from {}", where, key, it->second.value.to_decimal()));
        blame();
        if (it->second.by) blamed.insert(*it->second.by);
    }
    void require(bool holds, const std::string& problem) {
        if (holds) return;
        problems.push_back(problem);
        blame();
    }

private:
    struct Recorded {
        FieldElement value;
        std::optional<std::size_t> by;
    };
    void blame() {
        if (checking) blamed.insert(*checking);
    }
    std::map<std::string, Recorded> seen_;
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
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const SubProof& sub = expected[i];
        check.checking = i;
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
    return {check.problems.empty(), std::move(check.problems), {check.blamed.begin(), check.blamed.end()}};
}

}  // namespace zokml
