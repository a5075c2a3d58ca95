// A split proof's bundle in JSON, and the options as bundles and split folders record them.
#include "zokml/split/bundle.hpp"

#include <fmt/format.h>

#include <exception>

#include "field_json.hpp"
#include "part_json.hpp"
#include "project/json_fields.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"

namespace zokml {

namespace fs = std::filesystem;
using detail::fields_json;
using nlohmann::json;

namespace {

constexpr const char* kBundleFormat = "zokml-bundle";
constexpr int kBundleVersion = 2;  // 2: salted part commitments

// What a bundle shows besides the model commitment: the threshold and count, or the classes (and
// a both-private bundle's input commitments).
json outcome(const ProofBundle& b) {
    if (b.options.variant == SplitVariant::PrivateModel) return {{"threshold", b.threshold}, {"correct", b.correct}};
    json j = {{"classes", b.classes}};
    if (b.options.variant == SplitVariant::BothPrivate) j["input_commitments"] = fields_json(b.input_commitments);
    return j;
}

}  // namespace

LabeledBatch public_batch(SplitVariant variant, const LabeledBatch& batch) {
    switch (variant) {
        case SplitVariant::PrivateModel: return batch;
        case SplitVariant::Inference: return {batch.inputs, {}};
        case SplitVariant::BothPrivate: return {};
    }
    return {};
}

std::string verification_key_digest(const VerificationKey& key) { return sha256_hex(key.to_json().dump()); }

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

}  // namespace zokml
