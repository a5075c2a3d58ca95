// The private-input circuit: constant weights, private input, public class.
#include <fmt/format.h>

#include <algorithm>

#include "templates.hpp"
#include "zokml/circuit.hpp"
#include "zokml/errors.hpp"

namespace zokml {
namespace {

using detail::render_template;

constexpr std::size_t kTermsPerStatement = 28;  // long expressions overflow the WebAssembly stack

// " + x[3] * 17", or " - x[3] * 17" for a negative weight; the first term has no leading "+".
std::string term(std::int64_t weight, const std::string& variable, bool first) {
    const std::uint64_t magnitude = weight < 0 ? 0 - static_cast<std::uint64_t>(weight) : static_cast<std::uint64_t>(weight);
    if (weight < 0) return fmt::format("{}- {} * {}", first ? "0 " : " ", variable, magnitude);
    return fmt::format("{}{} * {}", first ? "" : " + ", variable, magnitude);
}

// "sum + c" or "sum - |c|"; just c for an empty sum.
std::string with_constant(const std::string& sum, std::int64_t c) {
    const std::uint64_t magnitude = c < 0 ? 0 - static_cast<std::uint64_t>(c) : static_cast<std::uint64_t>(c);
    if (sum.empty()) return c < 0 ? fmt::format("0 - {}", magnitude) : std::to_string(c);
    if (c == 0) return sum;
    return fmt::format("{} {} {}", sum, c < 0 ? '-' : '+', magnitude);
}

struct Chunking {
    std::size_t size;   // values in all
    std::size_t chunk;  // values per chunk
    std::size_t count() const { return (size + chunk - 1) / chunk; }
    std::size_t begin(std::size_t k) const { return k * chunk; }
    std::size_t length(std::size_t k) const { return std::min(chunk, size - k * chunk); }
};

// One module computing sum_i w[i] * x[i] over one chunk; nullopt when every weight is zero.
std::optional<std::string> chunk_module(const QuantizedDense& d, std::size_t neuron, const Chunking& chunks,
                                        std::size_t k, const std::string& description) {
    std::string statements, result;
    std::size_t terms = 0, statement = 0;
    for (std::size_t i = 0; i < chunks.length(k); ++i) {
        const std::int64_t w = d.weights[neuron * d.inputs + chunks.begin(k) + i];
        if (w == 0) continue;
        if (terms % kTermsPerStatement == 0) {
            if (terms) statements += ";\n";
            statements += fmt::format("    field s{} = ", statement);
            result += fmt::format("{}s{}", statement ? " + " : "", statement);
            ++statement;
        }
        statements += term(w, fmt::format("x[{}]", i), terms % kTermsPerStatement == 0);
        ++terms;
    }
    if (terms == 0) return std::nullopt;
    return render_template("dense_chunk.zok", {{"description", description},
                                               {"size", std::to_string(chunks.length(k))},
                                               {"statements", statements + ";"},
                                               {"result", result}});
}

// The sign test of v, or a constant when the bounds already decide it.
std::string relu_expression(Interval bounds) {
    if (bounds.lo >= 0) return "v";
    if (bounds.hi <= 0) return "0";
    return fmt::format("is_nonnegative::<{}>(v) ? v : 0", sign_test_bits(bounds));
}

struct DenseStep {
    const QuantizedLayer* dense;
    bool relu;
    const std::vector<Interval>* bounds;  // of the Dense layer's outputs, before any ReLU
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
                           {"sum", with_constant(fmt::format("{}", fmt::join(terms, " + ")), d.biases[o])},
                           {"activation", step.relu ? relu_expression(bounds) : "v"}});
        main_imports += fmt::format("import \"./l{}/n{}\" as l{}_n{};\n", n, o, n, o);
    }
    return main_imports;
}

// Main's statements that split `values` (named prefix0..prefixN-1, or x[...] for the input)
// into chunk arrays named {prefix}_c{k}.
std::string chunk_arrays(const std::string& prefix, const Chunking& chunks, bool from_input_array) {
    std::string body;
    for (std::size_t k = 0; k < chunks.count(); ++k) {
        const std::size_t b = chunks.begin(k), len = chunks.length(k);
        if (from_input_array) {
            body += fmt::format("    field[{}] {}_c{} = x[{}..{}];\n", len, prefix, k, b, b + len);
        } else {
            std::vector<std::string> names;
            for (std::size_t i = b; i < b + len; ++i) names.push_back(fmt::format("{}{}", prefix, i));
            body += fmt::format("    field[{}] {}_c{} = [{}];\n", len, prefix, k, fmt::join(names, ", "));
        }
    }
    return body;
}

// Main's argmax over logits y0..y{n-1}: the first index of the largest value, as the reference.
std::string argmax_statements(const std::vector<Interval>& bounds) {
    std::string body = "    field mut best = y0;\n    field mut class = 0;\n";
    Interval best = bounds[0];
    for (std::size_t i = 1; i < bounds.size(); ++i) {
        // y_i replaces the best so far when y_i - best - 1 >= 0 (strictly greater).
        const Interval diff{bounds[i].lo - best.hi - 1, bounds[i].hi - best.lo - 1};
        if (diff.hi < 0) continue;  // can never win
        const std::string greater = diff.lo >= 0 ? "true" : fmt::format("is_nonnegative::<{}>(y{} - best - 1)", sign_test_bits(diff), i);
        body += fmt::format("    bool g{} = {};\n    best = g{} ? y{} : best;\n    class = g{} ? {} : class;\n", i, greater, i, i, i, i);
        best = {std::min(best.lo, bounds[i].lo), std::max(best.hi, bounds[i].hi)};
    }
    return body;
}

// The value of big-endian bits[0..n) as a field expression.
std::string bits_sum(unsigned n) {
    std::vector<std::string> terms;
    for (unsigned j = 0; j < n; ++j) terms.push_back(fmt::format("(bits[{}] ? {} : 0)", j, std::uint64_t(1) << (n - 1 - j)));
    return fmt::format("{}", fmt::join(terms, " + "));
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
            steps.push_back({&layer, relu, &layer.bounds});
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

    const Chunking input_chunks{model.input_size, options.chunk_size};
    std::string imports, body = "    // The input in chunks.\n" + chunk_arrays("x", input_chunks, true);

    std::string previous = "x";
    std::size_t previous_size = model.input_size;
    for (std::size_t n = 0; n < steps.size(); ++n) {
        const auto& d = steps[n].dense->dense;
        const bool last = n + 1 == steps.size();
        const std::string prefix = last ? "y" : fmt::format("a{}_", n);
        imports += emit_dense_modules(circuit, steps[n], n, options.chunk_size);
        const Chunking chunks{previous_size, options.chunk_size};
        if (n > 0) body += chunk_arrays(previous, chunks, false);
        std::vector<std::string> arguments;
        for (std::size_t k = 0; k < chunks.count(); ++k) arguments.push_back(fmt::format("{}_c{}", previous, k));
        body += fmt::format("\n    // Layer {}: dense {} -> {}{}.\n", n, d.inputs, d.outputs, steps[n].relu ? " with ReLU" : "");
        for (std::size_t o = 0; o < d.outputs; ++o)
            body += fmt::format("    field {}{} = l{}_n{}({});\n", prefix, o, n, o, fmt::join(arguments, ", "));
        previous = prefix;
        previous_size = d.outputs;
    }
    body += "\n    // Argmax.\n" + argmax_statements(*steps.back().bounds);

    std::string return_type = "field", returned = "class", claimed, public_summary = "the predicted class";
    if (options.claimed_class) {
        claimed = ", field claimed_class";
        body += "    assert(class == claimed_class);\n";
        public_summary = "the claimed class (asserted equal to the prediction), then the predicted class";
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
                                   {"claimed_parameter", claimed},
                                   {"return_type", return_type},
                                   {"bits_sum", bits_sum(model.input_bits)},
                                   {"body", body}});
    return circuit;
}

std::vector<Value> private_input_arguments(const PrivateInputOptions& options, const std::vector<std::int64_t>& input,
                                           std::optional<int> claimed_class) {
    std::vector<Value> arguments{Value::fields(input)};
    if (options.claimed_class) {
        if (!claimed_class) throw std::invalid_argument("this circuit takes a claimed class");
        arguments.push_back(Value::of_field(*claimed_class));
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
    // Public inputs: the claimed class (when taken), then the outputs in order.
    const std::size_t first = options.claimed_class ? 1 : 0;
    if (proof.inputs.size() <= first) throw std::invalid_argument("the proof has no public outputs");
    PrivateInputOutput out;
    out.predicted_class = static_cast<int>(signed_value(proof.inputs[first]));
    if (options.expose_logits)
        for (std::size_t i = first + 1; i < proof.inputs.size(); ++i) out.logits.push_back(signed_value(proof.inputs[i]));
    return out;
}

}  // namespace zokml
