// The private-input circuit: constant weights, private input, public class.
#include <fmt/format.h>

#include <algorithm>

#include "templates.hpp"
#include "zok_code.hpp"
#include "zokml/circuit.hpp"
#include "zokml/commitment.hpp"
#include "zokml/errors.hpp"

namespace zokml {
namespace {

using detail::Chunking;
using detail::render_template;

// One module computing sum_i w[i] * x[i] over one chunk; nullopt when every weight is zero.
std::optional<std::string> chunk_module(const QuantizedDense& d, std::size_t neuron, const Chunking& chunks,
                                        std::size_t k, const std::string& description) {
    std::vector<std::pair<std::int64_t, std::string>> terms;
    for (std::size_t i = 0; i < chunks.length(k); ++i)
        terms.emplace_back(d.weights[neuron * d.inputs + chunks.begin(k) + i], fmt::format("x[{}]", i));
    const auto code = detail::linear_combination(terms);
    if (code.statements.empty()) return std::nullopt;
    return render_template("dense_chunk.zok", {{"description", description},
                                               {"size", std::to_string(chunks.length(k))},
                                               {"statements", code.statements},
                                               {"result", code.result}});
}

struct DenseStep {
    const QuantizedLayer* dense;
    bool relu;
    const std::vector<Interval>* bounds;  // of the Dense layer's outputs, before any ReLU
    const std::vector<Interval>* output_bounds;  // after the ReLU, when there is one
};

// Writes the modules of one Dense (+ ReLU) layer: "l{n}/n{o}.zok" per neuron, which sums its
// "l{n}/n{o}_c{k}.zok" chunk modules. Returns main's import lines.
std::string emit_dense_modules(Circuit& circuit, const DenseStep& step, std::size_t n, std::size_t chunk_size) {
    const QuantizedDense& d = step.dense->dense;
    const Chunking chunks{d.inputs, chunk_size};
    std::string main_imports;
    for (std::size_t o = 0; o < d.outputs; ++o) {
        std::string imports = step.relu ? "import \"../sign\" as is_nonnegative;\n" : "";
        std::vector<std::string> parameters, terms;
        for (std::size_t k = 0; k < chunks.count(); ++k) {
            parameters.push_back(fmt::format("field[{}] c{}", chunks.length(k), k));
            const auto module = chunk_module(d, o, chunks, k,
                                             fmt::format("layer {} neuron {}, inputs {}..{}", n, o, chunks.begin(k),
                                                         chunks.begin(k) + chunks.length(k) - 1));
            if (!module) continue;
            circuit.files[fmt::format("l{}/n{}_c{}.zok", n, o, k)] = *module;
            imports += fmt::format("import \"./n{}_c{}\" as dot{};\n", o, k, k);
            terms.push_back(fmt::format("dot{}(c{})", k, k));
        }
        const Interval bounds = (*step.bounds)[o];
        circuit.files[fmt::format("l{}/n{}.zok", n, o)] = render_template(
            "neuron.zok", {{"description", fmt::format("layer {} neuron {}: dense over {} inputs{}", n, o, d.inputs,
                                                       step.relu ? ", then ReLU" : "")},
                           {"lo", std::to_string(bounds.lo)},
                           {"hi", std::to_string(bounds.hi)},
                           {"imports", imports},
                           {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
                           {"sum", detail::with_constant(fmt::format("{}", fmt::join(terms, " + ")), d.biases[o])},
                           {"activation", step.relu ? detail::relu_expression(bounds, "v") : "v"}});
        main_imports += fmt::format("import \"./l{}/n{}\" as l{}_n{};\n", n, o, n, o);
    }
    return main_imports;
}

// "field[len] x_c{k} = x[b..b+len];" lines: the input array in chunks.
std::string input_chunk_arrays(const Chunking& chunks) {
    std::string body;
    for (std::size_t k = 0; k < chunks.count(); ++k)
        body += fmt::format("    field[{}] x_c{} = x[{}..{}];\n", chunks.length(k), k, chunks.begin(k),
                            chunks.begin(k) + chunks.length(k));
    return body;
}

std::string layer_summary(const QuantizedModel& model) {
    std::string text;
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const auto& layer = model.layers[l];
        Interval all{0, 0};
        if (!layer.bounds.empty()) {
            all = layer.bounds[0];
            for (const auto& b : layer.bounds) all = {std::min(all.lo, b.lo), std::max(all.hi, b.hi)};
        }
        switch (layer.kind) {
            case Layer::Kind::Dense:
                text += fmt::format("//   {}: dense {} -> {}, weights x 2^{}, scale {:.6g}, values in [{}, {}] ({} sign bits)\n",
                                    l, layer.dense.inputs, layer.dense.outputs, layer.dense.weight_shift, layer.scale,
                                    all.lo, all.hi, sign_test_bits(all));
                break;
            case Layer::Kind::ReLU: text += fmt::format("//   {}: relu\n", l); break;
            case Layer::Kind::Argmax: text += fmt::format("//   {}: argmax (first maximum wins)\n", l); break;
        }
    }
    return text;
}

std::vector<DenseStep> dense_steps(const QuantizedModel& model) {
    std::vector<DenseStep> steps;
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const auto& layer = model.layers[l];
        const std::string field = fmt::format("layers[{}]", l);
        if (layer.kind == Layer::Kind::Dense) {
            const bool relu = l + 1 < model.layers.size() && model.layers[l + 1].kind == Layer::Kind::ReLU;
            steps.push_back({&layer, relu, &layer.bounds, relu ? &model.layers[l + 1].bounds : &layer.bounds});
            if (relu) ++l;
        } else if (layer.kind == Layer::Kind::ReLU) {
            throw InputError(model.name, field, "a ReLU must follow a Dense layer");
        }
    }
    if (!model.layers.empty() && model.layers.back().kind != Layer::Kind::Argmax)
        throw InputError(model.name, "layers", "the private-input circuit needs an argmax head");
    if (steps.empty()) throw InputError(model.name, "layers", "the model has no Dense layer");
    return steps;
}

}  // namespace

Circuit generate_private_input_circuit(const QuantizedModel& model, const PrivateInputOptions& options) {
    if (options.chunk_size == 0) throw InputError(model.name, "chunk_size", "must be positive");
    const auto steps = dense_steps(model);
    Circuit circuit;
    circuit.files["sign.zok"] = render_template("sign.zok", {});

    const Chunking input_chunking{model.input_size, options.chunk_size};
    std::string imports, body = "    // The input in chunks.\n" + input_chunk_arrays(input_chunking);

    std::string previous = "x";
    std::size_t previous_size = model.input_size;
    for (std::size_t n = 0; n < steps.size(); ++n) {
        const auto& d = steps[n].dense->dense;
        const bool last = n + 1 == steps.size();
        const std::string prefix = last ? "y" : fmt::format("a{}_", n);
        imports += emit_dense_modules(circuit, steps[n], n, options.chunk_size);
        const Chunking chunks{previous_size, options.chunk_size};
        if (n > 0) body += detail::chunk_arrays(previous, chunks, previous);
        std::vector<std::string> arguments;
        for (std::size_t k = 0; k < chunks.count(); ++k) arguments.push_back(fmt::format("{}_c{}", previous, k));
        body += fmt::format("\n    // Layer {}: dense {} -> {}{}.\n", n, d.inputs, d.outputs, steps[n].relu ? " with ReLU" : "");
        for (std::size_t o = 0; o < d.outputs; ++o)
            body += fmt::format("    field {}{} = l{}_n{}({});\n", prefix, o, n, o, fmt::join(arguments, ", "));
        previous = prefix;
        previous_size = d.outputs;
    }
    body += "\n    // Argmax.\n" + detail::argmax_statements(*steps.back().output_bounds);

    std::string return_type = "field", returned = "class", public_parameters, public_summary = "the predicted class";
    std::string input_checks = detail::input_range_checks(model.input_size, model.input_bits), input_note;
    if (options.claimed_class) {
        public_parameters += ", field claimed_class";
        body += "    assert(class == claimed_class);\n";
        public_summary = "the claimed class (asserted equal to the prediction), " + public_summary;
    }
    if (options.hash_input) {
        // The packing range checks every value and feeds the hash: it replaces the checks loop.
        const CommittedTensor input{"input", std::vector<std::int64_t>(model.input_size), model.input_bits, false};
        const std::string pack = detail::pack_module_name(model.input_bits, false);
        circuit.files[pack + ".zok"] = detail::pack_module(model.input_bits, false);
        circuit.files["absorb.zok"] = render_template("absorb.zok", {});
        imports += fmt::format("import \"./{}\" as {};\nimport \"./absorb\" as absorb;\n", pack, pack);
        public_parameters += ", field input_hash";
        input_checks = fmt::format("    // The input's hash (docs/commitment.md); packing range checks every value.\n"
                                   "    field mut state = {};\n{}    assert(state == input_hash);\n",
                                   commitment_seed("zokml-input-v1", {input}).to_decimal(),
                                   detail::absorb_statement(input, "x"));
        input_note = "\n//              and hashed: the hash is a public input";
        public_summary = "the input's hash, " + public_summary;
    }
    if (options.expose_logits) {
        std::vector<std::string> logits;
        for (std::size_t o = 0; o < previous_size; ++o) logits.push_back(fmt::format("y{}", o));
        return_type = fmt::format("(field, field[{}])", previous_size);
        returned = fmt::format("(class, [{}])", fmt::join(logits, ", "));
        public_summary += " and the logits";
    }
    body += fmt::format("    return {};", returned);

    circuit.files[circuit.main_file] = render_template(
        "private_input_main.zok", {{"model_name", model.name},
                                   {"fingerprint", model.fingerprint()},
                                   {"input_size", std::to_string(model.input_size)},
                                   {"input_max", std::to_string(model.input_max)},
                                   {"input_bits", std::to_string(model.input_bits)},
                                   {"layer_summary", layer_summary(model)},
                                   {"public_summary", public_summary},
                                   {"imports", imports},
                                   {"public_parameters", public_parameters},
                                   {"input_checks", input_checks},
                                   {"input_note", input_note},
                                   {"return_type", return_type},
                                   {"body", body}});
    return circuit;
}

std::vector<Value> private_input_arguments(const PrivateInputOptions& options, const std::vector<std::int64_t>& input,
                                           std::optional<int> claimed_class, std::optional<FieldElement> input_hash) {
    std::vector<Value> arguments{Value::fields(input)};
    if (options.claimed_class) {
        if (!claimed_class) throw std::invalid_argument("this circuit takes a claimed class");
        arguments.push_back(Value::of_field(*claimed_class));
    }
    if (options.hash_input) {
        if (!input_hash) throw std::invalid_argument("this circuit takes the input's hash");
        arguments.push_back(Value::of_field(*input_hash));
    }
    return arguments;
}

namespace {

std::int64_t signed_value(const FieldElement& e) {
    const auto v = e.to_signed();
    if (!v) throw std::invalid_argument("circuit output " + e.to_decimal() + " is not a 64-bit signed integer");
    return *v;
}

}  // namespace

PrivateInputOutput decode_private_input_output(const PrivateInputOptions& options, const Value& witness_output) {
    PrivateInputOutput out;
    if (!options.expose_logits) {
        out.predicted_class = static_cast<int>(signed_value(witness_output.field));
        return out;
    }
    out.predicted_class = static_cast<int>(signed_value(witness_output.elements.at(0).field));
    for (const auto& logit : witness_output.elements.at(1).elements) out.logits.push_back(signed_value(logit.field));
    return out;
}

PrivateInputOutput decode_private_input_output(const PrivateInputOptions& options, const Proof& proof) {
    // Public inputs: the claimed class and the input hash (when taken), then the outputs in order.
    const std::size_t first = (options.claimed_class ? 1 : 0) + (options.hash_input ? 1 : 0);
    if (proof.inputs.size() <= first) throw std::invalid_argument("the proof has no public outputs");
    PrivateInputOutput out;
    out.predicted_class = static_cast<int>(signed_value(proof.inputs[first]));
    if (options.expose_logits)
        for (std::size_t i = first + 1; i < proof.inputs.size(); ++i) out.logits.push_back(signed_value(proof.inputs[i]));
    return out;
}

}  // namespace zokml
