// A split proof's bundle: every sub-proof of a split statement and what they prove together, in
// one JSON file (format: docs/split-proving.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/core/field.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/plan.hpp"
#include "zokml/toolchain/artifacts.hpp"

namespace zokml {

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

// What of the batch a verifier knows, and so what a bundle's batch_fingerprint is the fingerprint
// of: the labelled batch (PrivateModel), its inputs (Inference) or nothing (BothPrivate).
LabeledBatch public_batch(SplitVariant variant, const LabeledBatch& batch);

}  // namespace zokml
