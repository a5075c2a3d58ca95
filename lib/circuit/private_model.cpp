// The private-model circuit: private committed weights, a public labelled batch, public accuracy.
#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "batch_neuron.hpp"
#include "committed_parameters.hpp"
#include "core/templates.hpp"
#include "zok_code.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/toolchain/public_values.hpp"

namespace zokml {
namespace {

using detail::Chunking;
using detail::checked_bound;
using detail::render_template;

// Layer 1, argmax and the label comparison for one group of inputs.
std::string classify_module(const LabeledBatch& batch, std::size_t first, std::size_t size, const detail::TwoLayerShape& s,
                            const std::vector<Interval>& relu_bounds, Interval weights, Interval biases) {
    std::vector<std::string> parameters, oks;
    for (std::size_t j = 0; j < s.hidden; ++j) parameters.push_back(fmt::format("field[{}] h{}", size, j));
    for (std::size_t o = 0; o < s.classes; ++o) parameters.push_back(fmt::format("field[{}] w{}", s.hidden, o));
    parameters.push_back(fmt::format("field[{}] b", s.classes));
    std::string statements;
    for (std::size_t i = 0; i < size; ++i) {
        std::vector<std::string> column;
        for (std::size_t j = 0; j < s.hidden; ++j) column.push_back(fmt::format("h{}[{}]", j, i));
        statements += fmt::format("    // Input {} of the batch, labelled {}.\n    field[{}] x{} = [{}];\n", first + i,
                                  batch.labels[first + i], s.hidden, i, fmt::join(column, ", "));
        const Interval y = detail::logit_bounds(relu_bounds[first + i].hi, s.hidden, weights, biases);
        for (std::size_t o = 0; o < s.classes; ++o)
            statements += fmt::format("    field y{}_{} = dot::<{}>(x{}, w{}) + b[{}];\n", i, o, s.hidden, i, o, o);
        statements += detail::argmax_statements(std::vector<Interval>(s.classes, y), fmt::format("y{}_", i),
                                                fmt::format("class{}", i));
        statements += fmt::format("    field ok{} = class{} == {} ? 1 : 0;\n", i, i, batch.labels[first + i]);
        oks.push_back(fmt::format("ok{}", i));
    }
    return render_template("private_model_classify.zok",
                           {{"description", fmt::format("layer 1, argmax and labels for inputs {}..{} of the batch", first,
                                                        first + size - 1)},
                            {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
                            {"statements", statements},
                            {"count", fmt::format("{}", fmt::join(oks, " + "))}});
}

}  // namespace

Circuit generate_private_model_circuit(const QuantizedModel& model, const LabeledBatch& batch,
                                       const PrivateModelOptions& options) {
    const detail::TwoLayerShape s = detail::two_layer_shape(model, "private-model");
    if (batch.inputs.empty() || batch.inputs.size() != batch.labels.size())
        throw InputError("", "batch", "needs as many labels as inputs, and at least one");
    for (std::size_t i = 0; i < batch.inputs.size(); ++i) {
        if (batch.inputs[i].size() != s.inputs) throw InputError("", fmt::format("batch.inputs[{}]", i), "wrong size");
        for (const auto v : batch.inputs[i])
            if (v < 0 || v > model.input_max) throw InputError("", fmt::format("batch.inputs[{}]", i), "value out of range");
    }
    if (options.group_size == 0 || options.chunk_size == 0) throw InputError("", "options", "sizes must be positive");

    Circuit circuit;
    const detail::CommittedParameters p = detail::committed_parameters(model, s, circuit);
    std::string imports;
    const Interval w0 = p.ranges[0], b0 = p.ranges[1], w1 = p.ranges[2], b1 = p.ranges[3];

    // Layer 0: one shared module per group of inputs, called for every hidden neuron.
    const std::vector<Interval> relu_bounds =
        detail::write_batch_neuron(circuit, batch, options.chunk_size, options.group_size, w0, b0);
    const Chunking groups{batch.inputs.size(), options.group_size};
    std::string hidden;
    for (std::size_t o = 0; o < s.hidden; ++o)
        hidden += fmt::format("    field[{}] h{} = hidden(w0_{}, b0[{}]);\n", batch.inputs.size(), o, o, o);

    // Layer 1 per group of inputs.
    std::vector<std::string> classify_calls;
    for (std::size_t g = 0; g < groups.count(); ++g) {
        circuit.files[fmt::format("classify{}.zok", g)] =
            classify_module(batch, groups.begin(g), groups.length(g), s, relu_bounds, w1, b1);
        imports += detail::import_line(fmt::format("./classify{}", g), fmt::format("classify{}", g));
        std::vector<std::string> arguments;
        for (std::size_t j = 0; j < s.hidden; ++j)
            arguments.push_back(fmt::format("h{}[{}..{}]", j, groups.begin(g), groups.begin(g) + groups.length(g)));
        for (std::size_t o = 0; o < s.classes; ++o) arguments.push_back(fmt::format("w1_{}", o));
        arguments.push_back("b1");
        classify_calls.push_back(fmt::format("classify{}({})", g, fmt::join(arguments, ", ")));
    }

    const auto n = static_cast<std::int64_t>(batch.inputs.size());
    const unsigned threshold_bits = static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(n)));
    const Interval compare{-((std::int64_t(1) << threshold_bits) - 1), n};
    circuit.files[circuit.main_file] = render_template(
        "private_model_main.zok",
        {{"model_name", detail::comment_text(model.name)},
         {"batch_size", std::to_string(batch.inputs.size())},
         {"batch_fingerprint", batch.fingerprint()},
         {"parameter_summary", p.summary},
         {"imports", p.imports + imports},
         {"parameters", p.parameters},
         {"commitment", p.commitment},
         {"hidden", hidden},
         {"correct_sum", fmt::format("{}", fmt::join(classify_calls, "\n        + "))},
         {"threshold_bits", std::to_string(threshold_bits)},
         {"threshold_sum", detail::bits_sum(threshold_bits, "threshold_bits")},
         {"compare_bits", std::to_string(sign_test_bits(compare))}});
    return circuit;
}

std::vector<Value> private_model_arguments(const QuantizedModel& model, const FieldElement& salt, const FieldElement& commitment,
                                           std::int64_t threshold) {
    std::vector<Value> arguments;
    for (const auto& tensor : model_parameters(model)) arguments.push_back(Value::fields(tensor.values));
    arguments.push_back(Value::of_field(salt));
    arguments.push_back(Value::of_field(commitment));
    arguments.push_back(Value::of_field(threshold));
    return arguments;
}

PrivateModelPublic decode_private_model_public(const Abi& abi, const std::vector<FieldElement>& public_inputs) {
    const PublicValues values(abi, public_inputs, {"correct"});
    return {values.field("commitment"), values.integer("threshold"), values.integer("correct")};
}

}  // namespace zokml
