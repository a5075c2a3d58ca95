#include "committed_parameters.hpp"

#include <fmt/format.h>

#include <vector>

#include "quantize/value_limit.hpp"
#include "core/templates.hpp"
#include "zok_code.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/commitment.hpp"

namespace zokml::detail {
namespace {

Interval signed_range(unsigned bits) {
    const std::int64_t half = std::int64_t(1) << (bits - 1);
    return {-half, half - 1};
}

}  // namespace

std::int64_t checked_bound(int128 v) { return within_value_limit(v, "", "bounds"); }

TwoLayerShape two_layer_shape(const QuantizedModel& model, const std::string& circuit_name) {
    using K = Layer::Kind;
    const auto& l = model.layers;
    if (l.size() != 4 || l[0].kind != K::Dense || l[1].kind != K::ReLU || l[2].kind != K::Dense || l[3].kind != K::Argmax)
        throw InputError(model.name, "layers", "the " + circuit_name + " circuit takes Dense, ReLU, Dense, Argmax");
    for (std::size_t i = 0; i < l.size(); ++i)
        if (l[i].rescale_bits > 0)
            throw InputError(model.name, fmt::format("layers[{}]", i),
                             "the " + circuit_name + " circuit takes no rescaling (quantize with activation_bits 0)");
    return {l[0].dense.inputs, l[0].dense.outputs, l[2].dense.outputs};
}

namespace {

// The parameters' names in main, in commitment order (model_parameters).
std::vector<std::string> parameter_names(const TwoLayerShape& s) {
    std::vector<std::string> names;
    for (std::size_t o = 0; o < s.hidden; ++o) names.push_back(fmt::format("w0_{}", o));
    names.push_back("b0");
    for (std::size_t o = 0; o < s.classes; ++o) names.push_back(fmt::format("w1_{}", o));
    names.push_back("b1");
    return names;
}

}  // namespace

CommittedParameters committed_parameters(const QuantizedModel& model, const TwoLayerShape& s, Circuit& circuit) {
    const auto tensors = model_parameters(model);
    const auto names = parameter_names(s);
    CommittedParameters p;
    for (const char* helper : {"is_nonnegative", "absorb", "dot"}) {
        circuit.files[std::string(helper) + ".zok"] = render_template(std::string(helper) + ".zok", {});
        p.imports += import_line(std::string("./") + helper, helper);
    }
    p.commitment = fmt::format("    field mut state = {};\n", commitment_seed("zokml-model-v1", tensors).to_decimal());
    p.commitment += salt_statement("salt");
    std::vector<std::string> parameters;
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        const std::string pack = pack_module_name(tensors[t].bits, true);
        if (!circuit.files.count(pack + ".zok")) {
            circuit.files[pack + ".zok"] = pack_module(tensors[t].bits, true);
            p.imports += import_line("./" + pack, pack);
        }
        parameters.push_back(fmt::format("private field[{}] {}", tensors[t].values.size(), names[t]));
        p.commitment += absorb_statement(tensors[t], names[t]);
    }
    p.commitment += "    assert(state == commitment);\n";
    parameters.push_back("private field salt");
    p.parameters = fmt::format("{}", fmt::join(parameters, ", "));
    const CommittedTensor& w0 = tensors[0];
    const CommittedTensor& b0 = tensors[s.hidden];
    const CommittedTensor& w1 = tensors[s.hidden + 1];
    const CommittedTensor& b1 = tensors.back();
    p.ranges = {signed_range(w0.bits), signed_range(b0.bits), signed_range(w1.bits), signed_range(b1.bits)};
    p.summary = fmt::format("//   layer 0: {} x {} weights of {} bits, {} biases of {} bits\n"
                            "//   layer 1: {} x {} weights of {} bits, {} biases of {} bits\n",
                            s.hidden, s.inputs, w0.bits, s.hidden, b0.bits, s.classes, s.hidden, w1.bits, s.classes, b1.bits);
    return p;
}

// Logit bounds when hidden values lie in [0, relu_hi]: h * w spans [relu_hi * w.lo, relu_hi * w.hi].
Interval logit_bounds(std::int64_t relu_hi, std::size_t hidden, Interval weights, Interval biases) {
    const int128 h = relu_hi;
    return {checked_bound(h * weights.lo * int128(hidden) + biases.lo),
            checked_bound(h * weights.hi * int128(hidden) + biases.hi)};
}

}  // namespace zokml::detail
