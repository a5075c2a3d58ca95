// Split proving's witness: what the model owner computes natively (the activations, the salts,
// every commitment a sub-proof makes public) and the arguments of each sub-proof.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/core/field.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/plan.hpp"
#include "zokml/split/programs.hpp"
#include "zokml/toolchain/abi.hpp"

namespace zokml {

// What the prover knows after running the reference: the activations of every hidden layer, the
// salts, and every commitment the sub-proofs make public.
struct SplitWitnessData {
    std::vector<FieldElement> part_salts;                        // per part (part_salts: from the owner's salt)
    std::vector<FieldElement> part_commitments;                  // per part, salted
    // activations[l][p][s]: layer l's hidden part p on slice s, inputs then neurons
    std::vector<std::vector<std::vector<std::vector<std::int64_t>>>> activations;
    std::vector<std::vector<std::vector<FieldElement>>> activation_salts;        // [l][p][s]
    std::vector<std::vector<std::vector<FieldElement>>> activation_commitments;  // [l][p][s]
    std::vector<FieldElement> input_salts;        // Inference (zero) and BothPrivate: per slice
    std::vector<FieldElement> input_commitments;  // commit_salted of the slice's inputs
    std::vector<int> classes;          // the predicted class of every input
    std::vector<std::int64_t> counts;  // PrivateModel: correct per slice
    std::vector<FieldElement> count_salts;
    std::vector<FieldElement> count_commitments;
    FieldElement model_commitment;
    std::int64_t correct = 0;
};
// `salt`: the model owner's secret salt (the one of the published commitment, commit_model_v2).
SplitWitnessData split_witness_data(const SplitPlan& plan, const QuantizedModel& model, const LabeledBatch& batch,
                                    const FieldElement& salt);

// The inputs of one slice of the batch, input by input: what the first layer's commitment packs.
std::vector<std::int64_t> slice_inputs(const SplitPlan& plan, const LabeledBatch& batch, std::size_t slice);

// The arguments of one sub-proof.
std::vector<Value> split_arguments(const SplitPlan& plan, const SubProof& proof, const QuantizedModel& model,
                                   const LabeledBatch& batch, const SplitWitnessData& data, std::int64_t threshold);

// The reference's data as JSON, for sub-proofs run by separate commands. It holds private values
// (the activations and the salts): write it only to a private file, and remove it after use.
nlohmann::json witness_data_to_json(const SplitWitnessData& data);
SplitWitnessData witness_data_from_json(const nlohmann::json& json, const std::filesystem::path& file);  // InputError

}  // namespace zokml
