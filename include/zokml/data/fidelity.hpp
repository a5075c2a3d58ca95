// How faithful a quantized model is to its float model on labelled data (MNIST digits or the
// user's own), and the digits as the integers a quantized model takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "zokml/data/batch.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml {

// The integer inputs of a digit for the model (its pixels 0..255 for 8-bit inputs over [0, 1]).
std::vector<std::int64_t> digit_input(const QuantizedModel& model, const Digit& digit);

// How faithful the quantized model is to the float one on a set of digits.
struct Fidelity {
    std::size_t inputs = 0;
    double float_accuracy = 0;      // fractions in [0, 1]
    double quantized_accuracy = 0;  // the integer reference's (bit-exact with the circuit)
    double agreement = 0;           // the float and integer predictions are the same class
};
Fidelity measure_fidelity(const Model& model, const QuantizedModel& quantized, const std::vector<Digit>& digits);
// The digits as labelled float inputs (pixels / 255), as a batch file would hold them.
FloatBatch digits_batch(const std::vector<Digit>& digits);
// The same on any labelled float inputs (the float model's inputs, within its input range:
// quantize_batch checks them first).
Fidelity measure_fidelity(const Model& model, const QuantizedModel& quantized, const FloatBatch& batch);

// How far one layer's integers, read back as floats (integer / scale), are from the float model's
// values, and the bit widths quantization chose for it.
struct LayerFidelity {
    std::size_t layer = 0;
    Layer::Kind kind = Layer::Kind::Dense;
    double scale = 1;
    int weight_shift = 0;       // Dense, Conv2D: weights are round(w * 2^weight_shift)
    unsigned weight_bits = 0;   // Dense, Conv2D: bits with sign of the largest integer weight
    unsigned rescale_bits = 0;  // values divided by 2^rescale_bits (rounded) after the layer
    unsigned value_bits = 0;    // sign_test_bits of the hull of the layer's static bounds
    double max_abs_error = 0;   // max over digits and values of |float - integer / scale|
    double max_abs_float = 0;   // the largest |float value|, to read the error against
};

// Float vs quantized vs circuit on a set of digits, and per layer errors and widths.
struct FidelityReport {
    Fidelity fidelity;                  // float vs integer reference, every digit
    std::vector<LayerFidelity> layers;  // every layer but an Argmax
    std::size_t circuit_digits = 0;     // the first digits, also run through the circuit
    std::size_t circuit_matches_reference = 0;
    std::size_t circuit_matches_float = 0;
    std::size_t circuit_correct = 0;
};

// The circuit's class for an integer input (a witness computation, e.g. ModelProver::evaluate).
using CircuitClassifier = std::function<int(const std::vector<std::int64_t>& input)>;
// Runs `circuit` on the first circuit_digits digits (none without a classifier).
FidelityReport fidelity_report(const Model& model, const QuantizedModel& quantized, const std::vector<Digit>& digits,
                               const CircuitClassifier& circuit = {}, std::size_t circuit_digits = 0);

// The digits as a labelled batch of the model's integer inputs.
LabeledBatch labeled_batch(const QuantizedModel& model, const std::vector<Digit>& digits);

}  // namespace zokml
