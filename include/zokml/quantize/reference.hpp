// Exact integer inference: every value the circuit computes, predicted in C++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zokml/quantize/quantize.hpp"

namespace zokml {

struct ReferenceTrace {
    std::vector<std::vector<std::int64_t>> layer_outputs;  // one vector per layer, in order
    std::vector<std::int64_t> logits;  // the values the Argmax head compares (the last layer's without one)
    int predicted_class = -1;          // the first index of the largest logit; -1 without Argmax
};

// Throws InputError for a wrong input size or a value outside [0, input_max].
ReferenceTrace run_reference(const QuantizedModel& model, const std::vector<std::int64_t>& input);

// Public labelled inputs (integers as the model takes them), e.g. a private-model proof's batch.
struct LabeledBatch {
    std::vector<std::vector<std::int64_t>> inputs;
    std::vector<int> labels;
    std::string fingerprint() const;  // SHA-256 of every input and label (inputs without labels: "-")
};

// How many inputs of the batch the integer reference classifies as labelled.
std::size_t count_correct(const QuantizedModel& model, const LabeledBatch& batch);

}  // namespace zokml
