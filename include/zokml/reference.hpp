// Exact integer inference: every value the circuit computes, predicted in C++.
#pragma once

#include <cstdint>
#include <vector>

#include "zokml/mnist.hpp"
#include "zokml/quantize.hpp"

namespace zokml {

struct ReferenceTrace {
    std::vector<std::vector<std::int64_t>> layer_outputs;  // one vector per layer, in order
    std::vector<std::int64_t> logits;  // the values the Argmax head compares (the last layer's without one)
    int predicted_class = -1;          // the first index of the largest logit; -1 without Argmax
};

// Throws InputError for a wrong input size or a value outside [0, input_max].
ReferenceTrace run_reference(const QuantizedModel& model, const std::vector<std::int64_t>& input);

// The integer inputs of a digit for the model (its pixels 0..255 for 8-bit inputs over [0, 1]).
std::vector<std::int64_t> digit_input(const QuantizedModel& model, const Digit& digit);

// How faithful the quantized model is to the float one on a set of digits.
struct Fidelity {
    std::size_t digits = 0;
    double float_accuracy = 0;      // fractions in [0, 1]
    double quantized_accuracy = 0;  // the integer reference's (bit-exact with the circuit)
    double agreement = 0;           // the float and integer predictions are the same class
};
Fidelity measure_fidelity(const Model& model, const QuantizedModel& quantized, const std::vector<Digit>& digits);

}  // namespace zokml
