// What follows loading a model, for the two model harnesses: a hostile model that loads must not
// crash or hang what comes next either. Quantization and the private-input generator document
// InputError only.
#pragma once

#include <optional>

#include "fuzz_support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/model/model.hpp"
#include "zokml/quantize/quantize.hpp"

namespace zokml::fuzz {

inline void quantize_and_generate(const Model& model) {
    std::optional<QuantizedModel> quantized;
    // Full precision first; models whose bounds pass 2^62 that way (CNNs, deep MLPs) are
    // quantized as the MNIST CNNs are, with 16-bit activations.
    if (!run_expecting(kInputError, [&] { quantized = quantize(model); })) {
        QuantizationOptions rescaled;
        rescaled.activation_bits = 16;
        run_expecting(kInputError, [&] { quantized = quantize(model, rescaled); });
    }
    if (!quantized) return;
    quantized->fingerprint();
    run_expecting(kInputError, [&] { generate_private_input_circuit(*quantized); });
}

}  // namespace zokml::fuzz
