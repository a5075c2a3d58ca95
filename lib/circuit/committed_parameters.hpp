// What the private-model and both-private circuits share: the model shape they take, and main's
// private parameters (and the owner's salt) committed to as commit_model does.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/int128.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/circuit.hpp"

namespace zokml::detail {

// Dense (inputs -> hidden), ReLU, Dense (hidden -> classes), Argmax.
struct TwoLayerShape {
    std::size_t inputs, hidden, classes;
};
// Throws InputError naming the model for any other shape, or layers rescaled (activation_bits).
TwoLayerShape two_layer_shape(const QuantizedModel& model, const std::string& circuit_name);

// Main's private parameters in commitment order, the modules and statements that commit to
// them, and the ranges their widths allow: layer 0 weights and biases, layer 1 weights and biases.
struct CommittedParameters {
    std::string imports;     // pack modules, absorb, is_nonnegative, dot
    std::string parameters;  // "private field[784] w0_0, ..., private field salt"
    std::string commitment;  // "    field mut state = seed; state = absorb(salt)...; assert(state == commitment);"
    std::string summary;     // header comment lines
    std::array<Interval, 4> ranges;
};
// Adds the modules it needs to `circuit`.
CommittedParameters committed_parameters(const QuantizedModel& model, const TwoLayerShape& s, Circuit& circuit);

// v as an int64 within the value limit (static bounds of a circuit).
std::int64_t checked_bound(int128 v);

// Logit bounds when hidden values lie in [0, relu_hi]: h * w spans [relu_hi * w.lo, relu_hi * w.hi].
Interval logit_bounds(std::int64_t relu_hi, std::size_t hidden, Interval weights, Interval biases);

}  // namespace zokml::detail
