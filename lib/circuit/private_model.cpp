// The private-model circuit: private committed weights, a public labelled batch, public accuracy.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>

#include "quantize/value_limit.hpp"
#include "templates.hpp"
#include "zok_code.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml {
namespace {

using detail::Chunking;
using detail::render_template;

Interval signed_range(unsigned bits) {
    const std::int64_t half = std::int64_t(1) << (bits - 1);
    return {-half, half - 1};
}

std::int64_t checked(detail::int128 v) { return detail::within_value_limit(v, "", "bounds"); }

// The shape this circuit takes: Dense (n -> h), ReLU, Dense (h -> c), Argmax.
struct Shape {
    std::size_t inputs, hidden, classes;
};

Shape shape_of(const QuantizedModel& model) {
    using K = Layer::Kind;
    const auto& l = model.layers;
    if (l.size() != 4 || l[0].kind != K::Dense || l[1].kind != K::ReLU || l[2].kind != K::Dense || l[3].kind != K::Argmax)
        throw InputError(model.name, "layers", "the private-model circuit takes Dense, ReLU, Dense, Argmax");
    return {l[0].dense.inputs, l[0].dense.outputs, l[2].dense.outputs};
}

// The parameters' names in main, in commitment order (model_parameters).
std::vector<std::string> parameter_names(const Shape& s) {
    std::vector<std::string> names;
    for (std::size_t o = 0; o < s.hidden; ++o) names.push_back(fmt::format("w0_{}", o));
    names.push_back("b0");
    for (std::size_t o = 0; o < s.classes; ++o) names.push_back(fmt::format("w1_{}", o));
    names.push_back("b1");
    return names;
}

// Main's private parameters in commitment order, the modules and statements that commit to
// them, and the ranges their widths allow: layer 0 weights and biases, layer 1 weights and biases.
struct CommittedParameters {
    std::string imports;       // pack modules, absorb, sign, dot
    std::string parameters;    // "private field[784] w0_0, ..."
    std::string commitment;    // "    field mut state = seed; state = absorb...; assert(state == commitment);"
    std::string summary;       // header comment lines
    std::array<Interval, 4> ranges;
};

CommittedParameters committed_parameters(const QuantizedModel& model, const Shape& s, Circuit& circuit) {
    const auto tensors = model_parameters(model);
    const auto names = parameter_names(s);
    circuit.files["sign.zok"] = render_template("sign.zok", {});
    circuit.files["absorb.zok"] = render_template("absorb.zok", {});
    circuit.files["dot.zok"] = render_template("dot.zok", {});
    CommittedParameters p;
    p.imports = "import \"./sign\" as is_nonnegative;\nimport \"./absorb\" as absorb;\nimport \"./dot\" as dot;\n";
    p.commitment = fmt::format("    field mut state = {};\n", commitment_seed("zokml-model-v1", tensors).to_decimal());
    std::vector<std::string> parameters;
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        const std::string pack = detail::pack_module_name(tensors[t].bits, true);
        if (!circuit.files.count(pack + ".zok")) {
            circuit.files[pack + ".zok"] = detail::pack_module(tensors[t].bits, true);
            p.imports += fmt::format("import \"./{}\" as {};\n", pack, pack);
        }
        parameters.push_back(fmt::format("private field[{}] {}", tensors[t].values.size(), names[t]));
        p.commitment += detail::absorb_statement(tensors[t], names[t]);
    }
    p.commitment += "    assert(state == commitment);\n";
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
    const detail::int128 h = relu_hi;
    return {checked(h * weights.lo * detail::int128(hidden) + biases.lo),
            checked(h * weights.hi * detail::int128(hidden) + biases.hi)};
}

// Layer 0 for one group of inputs: a module taking one neuron's weight chunks and bias.
std::string group_module(const LabeledBatch& batch, std::size_t first, std::size_t size, const Chunking& chunks,
                         Interval weights, Interval biases, std::vector<Interval>& relu_bounds) {
    std::vector<std::string> parameters, results;
    for (std::size_t k = 0; k < chunks.count(); ++k) parameters.push_back(fmt::format("field[{}] c{}", chunks.length(k), k));
    std::string statements;
    for (std::size_t i = 0; i < size; ++i) {
        const auto& x = batch.inputs[first + i];
        std::vector<std::pair<std::int64_t, std::string>> terms;
        detail::int128 sum = 0;
        for (std::size_t j = 0; j < x.size(); ++j) {
            const std::size_t k = j / chunks.chunk;
            terms.emplace_back(x[j], fmt::format("c{}[{}]", k, j - chunks.begin(k)));
            sum += x[j];
        }
        // Inputs are >= 0, so w * x spans [w.lo * x, w.hi * x].
        const Interval v{checked(sum * weights.lo + biases.lo), checked(sum * weights.hi + biases.hi)};
        relu_bounds.push_back({std::max<std::int64_t>(v.lo, 0), std::max<std::int64_t>(v.hi, 0)});
        const auto code = detail::linear_combination(terms, fmt::format("s{}_", i));
        statements += fmt::format("    // Input {} of the batch: values in [{}, {}].\n{}{}    field v{} = {} + b;\n", first + i,
                                  v.lo, v.hi, code.statements, code.statements.empty() ? "" : "\n", i, code.result);
        results.push_back(detail::relu_expression(v, fmt::format("v{}", i)));
    }
    return render_template("private_model_group.zok",
                           {{"description", fmt::format("layer 0 of one hidden neuron for inputs {}..{} of the batch",
                                                        first, first + size - 1)},
                            {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
                            {"size", std::to_string(size)},
                            {"statements", statements},
                            {"results", fmt::format("{}", fmt::join(results, ", "))}});
}

// Layer 1, argmax and the label comparison for one group of inputs.
std::string classify_module(const LabeledBatch& batch, std::size_t first, std::size_t size, const Shape& s,
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
        const Interval y = logit_bounds(relu_bounds[first + i].hi, s.hidden, weights, biases);
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
    const Shape s = shape_of(model);
    if (batch.inputs.empty() || batch.inputs.size() != batch.labels.size())
        throw InputError("", "batch", "needs as many labels as inputs, and at least one");
    for (std::size_t i = 0; i < batch.inputs.size(); ++i) {
        if (batch.inputs[i].size() != s.inputs) throw InputError("", fmt::format("batch.inputs[{}]", i), "wrong size");
        for (const auto v : batch.inputs[i])
            if (v < 0 || v > model.input_max) throw InputError("", fmt::format("batch.inputs[{}]", i), "value out of range");
    }
    if (options.group_size == 0 || options.chunk_size == 0) throw InputError("", "options", "sizes must be positive");

    Circuit circuit;
    const CommittedParameters p = committed_parameters(model, s, circuit);
    std::string imports;
    const Interval w0 = p.ranges[0], b0 = p.ranges[1], w1 = p.ranges[2], b1 = p.ranges[3];

    // Layer 0: one shared module per group of inputs, called for every hidden neuron.
    const Chunking chunks{s.inputs, options.chunk_size};
    const Chunking groups{batch.inputs.size(), options.group_size};
    std::vector<Interval> relu_bounds;
    std::string hidden_imports, hidden_chunks, hidden_groups_list;
    std::vector<std::string> chunk_names, group_calls;
    for (std::size_t k = 0; k < chunks.count(); ++k) {
        hidden_chunks += fmt::format("    field[{}] c{} = w[{}..{}];\n", chunks.length(k), k, chunks.begin(k),
                                     chunks.begin(k) + chunks.length(k));
        chunk_names.push_back(fmt::format("c{}", k));
    }
    for (std::size_t g = 0; g < groups.count(); ++g) {
        circuit.files[fmt::format("group{}.zok", g)] =
            group_module(batch, groups.begin(g), groups.length(g), chunks, w0, b0, relu_bounds);
        hidden_imports += fmt::format("import \"./group{}\" as group{};\n", g, g);
        group_calls.push_back(fmt::format("...group{}({}, b)", g, fmt::join(chunk_names, ", ")));
    }
    circuit.files["hidden.zok"] = render_template("private_model_hidden.zok",
                                                  {{"imports", hidden_imports},
                                                   {"inputs", std::to_string(s.inputs)},
                                                   {"batch_size", std::to_string(batch.inputs.size())},
                                                   {"chunks", hidden_chunks},
                                                   {"groups", fmt::format("{}", fmt::join(group_calls, ", "))}});
    std::string hidden;
    for (std::size_t o = 0; o < s.hidden; ++o)
        hidden += fmt::format("    field[{}] h{} = hidden(w0_{}, b0[{}]);\n", batch.inputs.size(), o, o, o);

    // Layer 1 per group of inputs.
    std::vector<std::string> classify_calls;
    for (std::size_t g = 0; g < groups.count(); ++g) {
        circuit.files[fmt::format("classify{}.zok", g)] =
            classify_module(batch, groups.begin(g), groups.length(g), s, relu_bounds, w1, b1);
        imports += fmt::format("import \"./classify{}\" as classify{};\n", g, g);
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
        {{"model_name", model.name},
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

Circuit generate_both_private_circuit(const QuantizedModel& model, const PrivateModelOptions& options) {
    const Shape s = shape_of(model);
    if (options.chunk_size == 0) throw InputError("", "options", "sizes must be positive");
    Circuit circuit;
    const CommittedParameters p = committed_parameters(model, s, circuit);
    const Interval w0 = p.ranges[0], b0 = p.ranges[1], w1 = p.ranges[2], b1 = p.ranges[3];

    // Inputs lie in [0, input_max], so x * w spans [input_max * w.lo, input_max * w.hi] each.
    const detail::int128 x_sum = detail::int128(model.input_max) * detail::int128(s.inputs);
    const Interval v{checked(x_sum * w0.lo + b0.lo), checked(x_sum * w0.hi + b0.hi)};
    const Chunking chunks{s.inputs, options.chunk_size};
    std::string chunk_code;
    std::vector<std::string> dots;
    for (std::size_t k = 0; k < chunks.count(); ++k) {
        const std::size_t b = chunks.begin(k), e = b + chunks.length(k);
        chunk_code += fmt::format("    field d{} = dot::<{}>(x[{}..{}], w[{}..{}]);\n", k, chunks.length(k), b, e, b, e);
        dots.push_back(fmt::format("d{}", k));
    }
    circuit.files["neuron.zok"] = render_template("both_private_neuron.zok",
                                                  {{"lo", std::to_string(v.lo)},
                                                   {"hi", std::to_string(v.hi)},
                                                   {"inputs", std::to_string(s.inputs)},
                                                   {"chunks", chunk_code},
                                                   {"sum", fmt::format("{}", fmt::join(dots, " + "))},
                                                   {"activation", detail::relu_expression(v, "v")}});

    std::string hidden, logits;
    std::vector<std::string> h;
    for (std::size_t o = 0; o < s.hidden; ++o) {
        hidden += fmt::format("    field h{} = neuron(x, w0_{}, b0[{}]);\n", o, o, o);
        h.push_back(fmt::format("h{}", o));
    }
    hidden += fmt::format("    field[{}] h = [{}];\n", s.hidden, fmt::join(h, ", "));
    for (std::size_t o = 0; o < s.classes; ++o)
        logits += fmt::format("    field y{} = dot::<{}>(h, w1_{}) + b1[{}];\n", o, s.hidden, o, o);
    const Interval y = logit_bounds(std::max<std::int64_t>(v.hi, 0), s.hidden, w1, b1);

    circuit.files[circuit.main_file] = render_template(
        "both_private_main.zok", {{"model_name", model.name},
                                  {"input_size", std::to_string(s.inputs)},
                                  {"input_max", std::to_string(model.input_max)},
                                  {"input_bits", std::to_string(model.input_bits)},
                                  {"parameter_summary", p.summary},
                                  {"imports", p.imports},
                                  {"parameters", p.parameters},
                                  {"input_checks", detail::input_range_checks(s.inputs, model.input_bits)},
                                  {"commitment", p.commitment},
                                  {"hidden", hidden},
                                  {"logits", logits},
                                  {"argmax", detail::argmax_statements(std::vector<Interval>(s.classes, y))}});
    return circuit;
}

std::vector<Value> both_private_arguments(const QuantizedModel& model, const std::vector<std::int64_t>& input,
                                          const FieldElement& commitment) {
    std::vector<Value> arguments{Value::fields(input)};
    for (const auto& tensor : model_parameters(model)) arguments.push_back(Value::fields(tensor.values));
    arguments.push_back(Value::of_field(commitment));
    return arguments;
}

std::vector<Value> private_model_arguments(const QuantizedModel& model, const FieldElement& commitment,
                                           std::int64_t threshold) {
    std::vector<Value> arguments;
    for (const auto& tensor : model_parameters(model)) arguments.push_back(Value::fields(tensor.values));
    arguments.push_back(Value::of_field(commitment));
    arguments.push_back(Value::of_field(threshold));
    return arguments;
}

}  // namespace zokml
