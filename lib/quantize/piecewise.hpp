// The integers of an Activation layer: a piecewise-linear approximation of a smooth function
// (Sigmoid, Tanh, SiLU, GELU) within a maximum error, or the exact HardSigmoid and Clip
// (docs/quantization.md "Activations").
#pragma once

#include <string>
#include <vector>

#include "zokml/quantize/quantize.hpp"

namespace zokml::detail {

// For inputs within `inputs` at the scale in_scale: the function's integers within max_error (the
// smooth functions), and their output scale in out_scale. Throws InputError(model, field) when the
// integers leave the value limit.
QuantizedActivation quantize_activation(const ActivationLayer& function, Interval inputs, double in_scale,
                                        double max_error, double& out_scale, const std::string& model,
                                        const std::string& field);

// The interval of the outputs for inputs within `in` (each segment is monotone: its ends decide).
Interval activation_bounds(const QuantizedActivation& activation, Interval in);

}  // namespace zokml::detail
