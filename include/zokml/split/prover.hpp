// Split proving of a private model, end to end (docs/split-proving.md): the programs of a plan
// compiled and set up once, every sub-proof proven (several at a time), and the proofs gathered
// in a bundle that a verifier checks with verify_bundle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/split/plan.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

// The programs of a plan, compiled and set up through the artifact store, by SplitProgram::name().
struct SplitPrograms {
    std::map<std::string, CompiledProgram> compiled;
    std::map<std::string, Keypair> keys;
    double compile_s = 0;      // the compile phase's wall time (0 when every program was in the store)
    double compile_sum_s = 0;  // the compiles' times summed (those found in the store count 0)
    double setup_s = 0;
};
// Compiles the plan's distinct programs, `jobs` at a time, then sets them up.
SplitPrograms build_split_programs(const Toolchain& toolchain, const ArtifactStore& store, const SplitPlan& plan,
                                   const LabeledBatch& batch, Scheme scheme = Scheme::G16, std::size_t jobs = 1);

// A bundle's proof member that is not a proof: kept as it came (the bundle's JSON writes it back)
// with the reason, for verify_bundle to list among the bundle's problems.
struct UnreadableProof {
    nlohmann::json json;
    std::string reason;
};

// One proof of a bundle and the sub-proof it is.
struct BundleProof {
    std::string program;  // SplitProgram::name()
    std::size_t part = 0;
    std::size_t slice = 0;
    Proof proof;
    std::optional<UnreadableProof> unreadable;  // set when the member could not be read as a proof
};

// Every proof of a split statement, in one JSON file (format: docs/split-proving.md).
struct ProofBundle {
    std::string model_name;
    std::vector<PartRange> parts;  // the public layout the model commitment binds
    SplitOptions options;
    std::string batch_fingerprint;
    FieldElement model_commitment;
    std::int64_t threshold = 0;  // PrivateModel
    std::int64_t correct = 0;    // PrivateModel
    std::vector<int> classes;    // Inference, BothPrivate: the class of every input
    std::vector<FieldElement> input_commitments;  // BothPrivate: each slice's salted input commitment
    std::map<std::string, std::string> verification_keys;  // program -> SHA-256 of its verification key
    std::vector<BundleProof> proofs;

    nlohmann::json to_json() const;
    // Throws InputError naming the file and member; a proof member that is not a proof is kept
    // as BundleProof::unreadable (one bad sub-proof is a problem of the bundle, not of the file).
    static ProofBundle from_json(const nlohmann::json& json, const std::filesystem::path& file);
    // What the bundle proves: the commitment with the threshold and count, or with the classes
    // (and a both-private bundle's input commitments).
    nlohmann::json statement() const;
};

// The options as bundles and split folders record them (the variant is recorded beside them).
nlohmann::json split_options_json(const SplitOptions& options);
SplitOptions split_options_from_json(const nlohmann::json& options, SplitVariant variant, const std::filesystem::path& file,
                                     const std::string& field);  // InputError

// The SHA-256 of a verification key, as a bundle records it.
std::string verification_key_digest(const VerificationKey& key);

struct SplitProgress {
    std::size_t done = 0;
    std::size_t total = 0;
    std::string running;      // the sub-proof that just started, e.g. "part 3 slice 7"
    double elapsed_s = 0;
    double remaining_s = 0;   // estimated from the sub-proofs done so far, per program; 0 before the first
};

struct SplitProveTimes {
    double reference_s = 0;  // the native reference, salts and commitments
    double witness_s = 0;    // summed over the sub-proofs
    double prove_s = 0;      // summed over the sub-proofs
    double wall_s = 0;       // of all sub-proofs, `jobs` at a time
};

// Proves that the model (the one the plan was made of) classifies at least `threshold` inputs of
// the batch correctly: runs the reference, derives the part salts from the owner's `salt` and
// draws the others, then every sub-proof, `jobs` at a time, each in a private scratch folder under
// the system's temporary folder; checks that every proof makes public what the reference predicts.
// Throws InputError when no proof exists (a threshold above the reference's count).
ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const FieldElement& salt, std::int64_t threshold,
                        std::size_t jobs = 1,
                        const std::function<void(const SplitProgress&)>& progress = {}, SplitProveTimes* times = nullptr);
// The same with the reference's data computed already (split_witness_data: its salts).
ProofBundle prove_split(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                        const QuantizedModel& model, const LabeledBatch& batch, const SplitWitnessData& data,
                        std::int64_t threshold, std::size_t jobs = 1,
                        const std::function<void(const SplitProgress&)>& progress = {}, SplitProveTimes* times = nullptr);

// The pieces of prove_split, for sub-proofs run elsewhere (one command each, zokml split-prove
// --plan): sub-proof `index` of sub_proofs(plan), in a private scratch folder; and the bundle of
// every proof, in the order of sub_proofs(plan), checked before it is returned.
Proof prove_sub_proof(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const QuantizedModel& model,
                      const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold, std::size_t index,
                      StepTimes* times = nullptr);
ProofBundle assemble_bundle(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan,
                            const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold,
                            std::vector<Proof> proofs);

// The reference's data as JSON, for sub-proofs run by separate commands. It holds private values
// (the activations and the salts): write it only to a private file, and remove it after use.
nlohmann::json witness_data_to_json(const SplitWitnessData& data);
SplitWitnessData witness_data_from_json(const nlohmann::json& json, const std::filesystem::path& file);  // InputError

// What verify_bundle found: verified when every proof verifies and every link holds.
struct BundleVerdict {
    bool verified = false;
    std::vector<std::string> problems;  // each names the proof and the link that failed
};

// Checks a bundle against what the verifier knows, and only that: its own plan (the statement
// its folder was set up for: the parts, the options, the number of inputs, and so the sub-proofs
// and their programs), the published model commitment, the public batch (private-model: the
// labelled batch the plan was made of; inference: the verifier's inputs; both-private: none), and
// its programs' keys. What the bundle says of the statement (variant, parts, options, model name,
// classes and input commitments per input and slice) is compared with the plan, each difference a
// problem. Every sub-proof of the plan appears exactly once, and no other; each verifies under its
// program's key; every commitment a proof reads is the one its producer made; every part's
// commitment is the same in all its proofs and is the one the aggregate chains into the published
// model commitment; the slice proofs' labels are the batch's; the threshold and count are the
// bundle's. A sub-proof that is not a proof, or that the toolchain refuses (InputError, or a
// ToolchainError of a run that failed, panicked or printed no verdict), is a problem naming it;
// the others are still checked. A toolchain that cannot run (not found, killed, timed out) throws.
// `verifies` checks one proof of a program (by default with the toolchain and the program's key;
// e.g. an exported Solidity verifier run in an EVM instead): the links are checked the same way.
using ProofCheck = std::function<bool(const std::string& program, const Proof& proof)>;
BundleVerdict verify_bundle(const Toolchain& toolchain, const SplitPrograms& programs, const SplitPlan& plan, const ProofBundle& bundle,
                            const LabeledBatch& batch, const FieldElement& published_commitment, const ProofCheck& verifies = {});

}  // namespace zokml
