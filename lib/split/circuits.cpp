// The generated sources of a split plan's programs: the part, slice and aggregate programs.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <functional>
#include <map>
#include <stdexcept>

#include "circuit/batch_neuron.hpp"
#include "circuit/committed_parameters.hpp"
#include "circuit/zok_code.hpp"
#include "core/templates.hpp"
#include "layer_reads.hpp"
#include "model/window.hpp"
#include "quantize/value_limit.hpp"
#include "zokml/split/programs.hpp"

namespace zokml {
namespace {

using detail::conv_plane;
using detail::for_each_output;
using detail::import_line;
using detail::patches;
using detail::pool_size;
using detail::render_template;

std::string parameter_summary(const SplitLayer& l, std::size_t neurons) {
    const std::string rows = l.convolution() ? fmt::format("{} filters of {}x{}x{}", neurons, l.image.channels, l.window.kernel_height,
                                                           l.window.kernel_width)
                                             : fmt::format("{} x {}", neurons, l.patch);
    return fmt::format("{} weights in [{}, {}], {} biases in [{}, {}]", rows, l.weights.lo, l.weights.hi, neurons, l.biases.lo,
                       l.biases.hi);
}

const char* units_name(const SplitLayer& l) { return l.convolution() ? "filters" : "neurons"; }

// The plane of a filter's ReLU values (after any AvgPool), which a MaxPool slides over.
Shape3 relu_plane(const SplitLayer& l) {
    return l.pool.kernel_height ? window_output(conv_plane(l), l.pool, 1) : conv_plane(l);
}
std::size_t relu_positions(const SplitLayer& l) { return l.convolution() ? relu_plane(l).size() : 1; }

// The largest of `values`, each in [0, max]: max::<N>(a, b) calls paired as a balanced tree, N
// the width of a difference's sign test.
std::string max_of(std::vector<std::string> values, std::int64_t max) {
    const unsigned n = sign_test_bits({-max, max});
    while (values.size() > 1) {
        std::vector<std::string> next;
        for (std::size_t i = 0; i + 1 < values.size(); i += 2) next.push_back(fmt::format("max::<{}>({}, {})", n, values[i], values[i + 1]));
        if (values.size() % 2) next.push_back(values.back());
        values = std::move(next);
    }
    return values.front();
}

// The part's outputs of one filter from its ReLU values relu(p) (p a position of relu_plane): the
// values themselves, or the maxima of the MaxPool's windows.
std::vector<std::string> filter_outputs(const SplitLayer& l, const std::function<std::string(std::size_t)>& relu) {
    std::vector<std::string> out;
    if (l.max_pool.kernel_height == 0) {
        for (std::size_t p = 0; p < relu_positions(l); ++p) out.push_back(relu(p));
        return out;
    }
    detail::for_each_pool_output(relu_plane(l), l.max_pool, [&](auto&& taps) {
        std::vector<std::string> window;
        taps([&](std::size_t p) { window.push_back(relu(p)); });
        out.push_back(max_of(window, l.output_max));
    });
    return out;
}

// The ReLU of a value v whose exact bounds are `exact`, after the layer's rescale if any.
std::string activation(const SplitLayer& l, Interval exact, const std::string& v) {
    return detail::relu_rescale_expression(exact, l.rescale_bits, v);
}

// A part's parameters and salt as main's private parameters, and the statements committing to them.
struct PartParameters {
    std::string parameters;  // "private field[784] w0, ..., private field[4] b, private field part_salt"
    std::string commitment;  // "    field mut state = ...; state = absorb(part_salt)...; state = absorb...;"
    std::vector<std::string> weight_names;
};

PartParameters part_parameters(const SplitLayer& l, std::size_t neurons, Circuit& circuit, std::string& imports) {
    PartRange shape = l.parts.front();
    shape.first = 0;
    shape.count = neurons;
    const auto tensors = part_layout(shape);  // every part of this size: the same layout
    PartParameters p;
    std::vector<std::string> parameters;
    p.commitment = fmt::format("    field mut state = {};\n", part_seed(shape).to_decimal());
    p.commitment += detail::salt_statement("part_salt");  // hiding: the part's own salt first (part_salts)
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        const bool bias = t + 1 == tensors.size();
        const std::string name = bias ? "b" : fmt::format("w{}", t);
        if (!bias) p.weight_names.push_back(name);
        parameters.push_back(fmt::format("private field[{}] {}", tensors[t].values.size(), name));
        const std::string pack = detail::pack_module_name(tensors[t].bits, true);
        if (!circuit.files.count(pack + ".zok")) {
            circuit.files[pack + ".zok"] = detail::pack_module(tensors[t].bits, true);
            imports += import_line("./" + pack, pack);
        }
        p.commitment += detail::absorb_statement(tensors[t], name);
    }
    parameters.push_back("private field part_salt");
    p.parameters = fmt::format("{}", fmt::join(parameters, ", "));
    return p;
}

void add_helpers(Circuit& circuit, std::string& imports, std::initializer_list<const char*> helpers) {
    for (const char* helper : helpers) {
        circuit.files[std::string(helper) + ".zok"] = render_template(std::string(helper) + ".zok", {});
        imports += import_line(std::string("./") + helper, helper);
    }
}

Circuit part_circuit(const SplitPlan& plan, const SplitProgram& program, const LabeledBatch& batch) {
    const SplitLayer& l = plan.layers.at(0);
    const std::size_t neurons = program.neurons, last_slice = program.first_slice + program.slices - 1;
    const std::size_t begin = plan.slice_begin(program.first_slice), end = plan.slice_begin(last_slice) + plan.slice_size(last_slice);
    // The layer is one neuron (filter) over a batch of what each reads: the inputs, or their patches.
    LabeledBatch reads;
    for (std::size_t i = begin; i < end; ++i)
        for (auto& patch : patches(l, batch.inputs.at(i))) reads.inputs.push_back(std::move(patch));
    Circuit circuit;
    std::string imports;
    add_helpers(circuit, imports, {"absorb"});
    const PartParameters p = part_parameters(l, neurons, circuit, imports);
    // A pooled output sums its window's outputs: its bias counts that many times.
    const auto pooled = static_cast<std::int64_t>(pool_size(l));
    detail::write_batch_neuron(circuit, reads, plan.options.chunk_size, plan.options.group_size, l.weights,
                               {l.biases.lo * pooled, l.biases.hi * pooled}, l.rescale_bits);
    circuit.files["is_nonnegative.zok"] = render_template("is_nonnegative.zok", {});  // the batch neuron's ReLU
    imports += import_line("./hidden", "hidden");
    const std::string pack = detail::bounded_pack_module_name(l.activation_bits);
    circuit.files[pack + ".zok"] = detail::bounded_pack_module(l.activation_bits);
    imports += import_line("./" + pack, pack);

    std::string calls;
    for (std::size_t j = 0; j < neurons; ++j)
        calls += fmt::format("    field[{}] h{} = hidden(w{}, b[{}]{});\n", reads.inputs.size(), j, j, j,
                             pooled > 1 ? fmt::format(" * {}", pooled) : "");
    std::string slices;
    std::vector<std::string> names;
    if (l.max_pool.kernel_height) add_helpers(circuit, imports, {"max"});
    const std::size_t per_input = relu_positions(l);
    for (std::size_t s = program.first_slice; s <= last_slice; ++s) {
        std::vector<std::string> values;
        for (std::size_t i = plan.slice_begin(s); i < plan.slice_begin(s) + plan.slice_size(s); ++i)
            for (std::size_t j = 0; j < neurons; ++j) {
                const auto outputs = filter_outputs(l, [&](std::size_t p) { return fmt::format("h{}[{}]", j, (i - begin) * per_input + p); });
                values.insert(values.end(), outputs.begin(), outputs.end());
            }
        const std::size_t k = s - program.first_slice;
        names.push_back(fmt::format("a{}", k));
        slices += fmt::format("    field a{} = {};\n", k,
                              detail::absorb_call(fmt::format("salt[{}]", k), pack, values.size(), l.activation_bits,
                                                  fmt::format("[{}]", fmt::join(values, ", "))));
    }
    circuit.files[circuit.main_file] = render_template(
        "split_part_main.zok", {{"neurons", std::to_string(neurons)},
                                {"units", units_name(l)},
                                {"units_one", l.convolution() ? "filter" : "neuron"},
                                {"model_name", detail::comment_text(plan.model_name)},
                                {"batch_size", std::to_string(batch.inputs.size())},
                                {"batch_fingerprint", batch.fingerprint()},
                                {"covered", fmt::format("inputs {}..{}, slices {}..{}", begin, end - 1, program.first_slice, last_slice)},
                                {"slices", std::to_string(program.slices)},
                                {"activation_bits", std::to_string(l.activation_bits)},
                                {"parameter_summary", parameter_summary(l, neurons)},
                                {"imports", imports},
                                {"parameters", p.parameters},
                                {"commitment", p.commitment},
                                {"neuron_calls", calls},
                                {"output_max", std::to_string(l.output_max)},
                                {"slices_code", slices},
                                {"slice_commitments", fmt::format("{}", fmt::join(names, ", "))}});
    return circuit;
}

// The module computing the layer for one input: split_neurons.zok (hidden) or split_classify.zok
// (last: 1 when the class is the label, or the class itself).
std::string layer_module(const SplitLayer& l, std::size_t neurons, bool labelled, const std::string& description,
                         std::map<std::string, std::string>& helper_files) {
    std::vector<std::string> parameters{fmt::format("field[{}] x", l.inputs)};
    for (std::size_t j = 0; j < neurons; ++j) parameters.push_back(fmt::format("field[{}] w{}", l.patch, j));
    parameters.push_back(fmt::format("field[{}] b", neurons));
    std::string statements;
    std::vector<std::string> value_names;
    if (l.convolution()) {
        // Each output of each filter: its patch's products (over the pooling window's positions
        // when an AvgPool follows), in sums of a few terms each.
        std::vector<std::vector<detail::Term>> products;  // per filter and convolution output
        detail::for_each_conv_output(l.image, l.window, neurons, [&](std::size_t j, auto&& taps) {
            auto& terms = products.emplace_back();
            taps([&](std::size_t i, std::size_t k) { terms.push_back({false, fmt::format("x[{}] * w{}[{}]", i, j, k - j * l.patch)}); });
        });
        const std::size_t plane = conv_plane(l).size();
        const std::string bias = pool_size(l) > 1 ? fmt::format(" * {}", pool_size(l)) : "";
        for (std::size_t j = 0; j < neurons; ++j)
            for_each_output(l, [&](auto&& positions) {
                std::vector<detail::Term> terms;
                positions([&](std::size_t p) {
                    const auto& more = products[j * plane + p];
                    terms.insert(terms.end(), more.begin(), more.end());
                });
                const std::size_t v = value_names.size();
                const auto sum = detail::split_sum(terms, [&](std::size_t k) { return fmt::format("s{}_{}", v, k); });
                statements += fmt::format("{}\n    field v{} = {}{}b[{}]{};\n", sum.statements, v, fmt::join(sum.names, " + "),
                                          sum.names.empty() ? "" : " + ", j, bias);
                value_names.push_back(fmt::format("v{}", v));
            });
    } else {
        for (std::size_t j = 0; j < neurons; ++j) {
            statements += fmt::format("    field {}{} = dot::<{}>(x, w{}) + b[{}];\n", l.last ? "y" : "v", j, l.inputs, j, j);
            value_names.push_back(fmt::format("v{}", j));
        }
    }
    const std::map<std::string, std::string> common = {{"description", description},
                                                       {"lo", std::to_string(l.values.lo)},
                                                       {"hi", std::to_string(l.values.hi)},
                                                       {"parameters", fmt::format("{}", fmt::join(parameters, ", "))}};
    auto values = common;
    if (l.last) {
        values["statements"] = statements + detail::argmax_statements(std::vector<Interval>(neurons, l.values));
        values["head_note"] = labelled ? "; the input counts 1 when its class is its public label" : "; the class is public";
        values["label_parameter"] = labelled ? ", field label" : "";
        values["result"] = labelled ? "class == label ? 1 : 0" : "class";
        return render_template("split_classify.zok", values);
    }
    std::vector<std::string> results;
    for (const auto& v : value_names) results.push_back(activation(l, l.values, v));
    std::string helper_imports = detail::rescale_imports(fmt::format("{}", fmt::join(results, ", ")), helper_files);
    if (l.max_pool.kernel_height) {
        // The ReLU values as variables, then the maxima of the MaxPool's windows.
        for (std::size_t v = 0; v < results.size(); ++v) statements += fmt::format("    field r{} = {};\n", v, results[v]);
        results.clear();
        for (std::size_t j = 0; j < neurons; ++j) {
            const auto outputs = filter_outputs(l, [&](std::size_t p) { return fmt::format("r{}", j * relu_positions(l) + p); });
            results.insert(results.end(), outputs.begin(), outputs.end());
        }
        helper_files["max.zok"] = render_template("max.zok", {});
        helper_imports += detail::appended_import("max");
    }
    values["rescale_imports"] = helper_imports;
    values["statements"] = statements;
    values["neurons"] = std::to_string(results.size());
    values["results"] = fmt::format("{}", fmt::join(results, ", "));
    return render_template("split_neurons.zok", values);
}

Circuit slice_circuit(const SplitPlan& plan, const SplitProgram& program) {
    const SplitLayer& l = plan.layers.at(program.layer);
    const std::size_t n = program.neurons, s = program.slice_size;
    const bool labelled = plan.options.variant == SplitVariant::PrivateModel;
    // What the slice reads, one array per producer, input by input then value by value: the
    // previous layer's parts, or (the first layer) the inputs themselves.
    const bool first = program.layer == 0;
    std::vector<std::size_t> producers;  // values per input of each producer
    if (first) producers.push_back(l.inputs);
    else
        for (const auto& part : plan.layers.at(program.layer - 1).parts) producers.push_back(part.count * part.positions());
    const unsigned in_bits = first ? plan.options.input_bits : plan.layers.at(program.layer - 1).activation_bits;
    Circuit circuit;
    std::string imports;
    add_helpers(circuit, imports, {"absorb"});
    const PartParameters p = part_parameters(l, n, circuit, imports);
    const std::string pack = detail::pack_module_name(in_bits, false);
    circuit.files[pack + ".zok"] = detail::pack_module(in_bits, false);
    imports += import_line("./" + pack, pack);

    std::vector<std::string> parameters, in_names;
    std::string inputs_code;
    for (std::size_t k = 0; k < producers.size(); ++k) {
        const std::size_t count = producers[k] * s;
        parameters.push_back(fmt::format("private field[{}] a{}", count, k));
        in_names.push_back(fmt::format("in{}", k));
        inputs_code += fmt::format("    field in{} = {};\n", k,
                                   detail::absorb_call(fmt::format("salt_in[{}]", k), pack, count, in_bits, fmt::format("a{}", k)));
    }
    parameters.push_back(fmt::format("private field[{}] salt_in", producers.size()));
    parameters.push_back(p.parameters);
    if (!l.last || labelled) parameters.push_back("private field salt_out");
    if (l.last && labelled) parameters.push_back(fmt::format("field[{}] labels", s));

    const std::string module = l.last ? "classify" : "neurons";
    circuit.files[module + ".zok"] = layer_module(
        l, n, labelled, fmt::format("layer {} ({} -> {}), {} {}, for one input", l.layer, l.inputs, l.outputs(), n, units_name(l)),
        circuit.files);
    add_helpers(circuit, imports, {"is_nonnegative", "dot"});
    imports += import_line("./" + module, module);

    std::string layer_code;
    std::vector<std::string> outputs;
    for (std::size_t i = 0; i < s; ++i) {
        std::vector<std::string> x;
        if (first) {
            x.push_back(fmt::format("...a0[{}..{}]", i * l.inputs, (i + 1) * l.inputs));
        } else {
            for (std::size_t k = 0; k < producers.size(); ++k)
                for (std::size_t j = 0; j < producers[k]; ++j) x.push_back(fmt::format("a{}[{}]", k, i * producers[k] + j));
        }
        layer_code += fmt::format("    field[{}] x{} = [{}];\n", l.inputs, i, fmt::join(x, ", "));
        const std::string weights = fmt::format("{}", fmt::join(p.weight_names, ", "));
        if (l.last) {
            layer_code += fmt::format("    field ok{} = classify(x{}, {}, b{});\n", i, i, weights, labelled ? fmt::format(", labels[{}]", i) : "");
            outputs.push_back(fmt::format("ok{}", i));
        } else {
            layer_code += fmt::format("    field[{}] h{} = neurons(x{}, {}, b);\n", n * l.positions, i, i, weights);
            for (std::size_t j = 0; j < n * l.positions; ++j) outputs.push_back(fmt::format("h{}[{}]", i, j));
        }
    }
    std::string public_summary, returned;
    const std::string in_list = fmt::format("[{}]", fmt::join(in_names, ", "));
    std::string return_last = "field";
    if (l.last && !labelled) {
        public_summary = "out: the part's commitment, the commitments read, and the class of every input of the slice";
        returned = fmt::format("(state, {}, [{}])", in_list, fmt::join(outputs, ", "));
        return_last = fmt::format("field[{}]", s);
    } else if (l.last) {
        layer_code += fmt::format("    field count = {};\n", fmt::join(outputs, " + "));
        layer_code += "    field count_commitment = absorb::<5, 1>(salt_out, [count, 0, 0, 0, 0]);\n";
        public_summary = "the slice's labels; out: the part's commitment, the commitments read, and a salted commitment to\n"
                         "//              how many inputs of the slice the model classifies as labelled";
        returned = fmt::format("(state, {}, count_commitment)", in_list);
    } else {
        const std::string out_pack = detail::bounded_pack_module_name(l.activation_bits);
        circuit.files[out_pack + ".zok"] = detail::bounded_pack_module(l.activation_bits);
        imports += import_line("./" + out_pack, out_pack);
        layer_code += fmt::format("    // ReLU values lie in [0, {}]: they pack into {} bits unchecked.\n", l.output_max,
                                  l.activation_bits);
        layer_code += fmt::format("    field out = {};\n",
                                  detail::absorb_call("salt_out", out_pack, outputs.size(), l.activation_bits,
                                                      fmt::format("[{}]", fmt::join(outputs, ", "))));
        public_summary = "out: the part's commitment, the commitments read, and a salted commitment to the part's\n"
                         "//              ReLU values on the slice";
        returned = fmt::format("(state, {}, out)", in_list);
    }
    circuit.files[circuit.main_file] = render_template(
        "split_slice_main.zok",
        {{"description", fmt::format("layer {} ({} -> {}), a part of {} {}, a slice of {} inputs", l.layer, l.inputs,
                                     l.outputs(), n, units_name(l), s)},
         {"model_name", detail::comment_text(plan.model_name)},
         {"reads", first ? fmt::format("the slice's {} inputs (private)", s) : "the previous layer's ReLU values on the slice"},
         // One program for public and private inputs: the verifier recomputes a public input's
         // commitment (salt 0) and checks that a private input's is the same in every proof.
         {"read_commitments", first ? "their commitment (salted for private inputs; salt 0 for public ones)"
                                    : "the salted commitments their producers made"},
         {"input_max", std::to_string(l.input_max)},
         {"input_bits", std::to_string(in_bits)},
         {"public_summary", public_summary},
         {"parameter_summary", parameter_summary(l, n)},
         {"imports", imports},
         {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
         {"return_type", fmt::format("(field, field[{}], {})", producers.size(), return_last)},
         {"commitment", p.commitment},
         {"inputs_code", inputs_code},
         {"layer_code", layer_code},
         {"returned", returned}});
    return circuit;
}

Circuit chain_circuit(const SplitPlan& plan) {
    Circuit circuit;
    std::string imports;
    add_helpers(circuit, imports, {"absorb"});
    const std::size_t parts = plan.parts().size(), padded = (parts + 4) / 5 * 5;
    circuit.files[circuit.main_file] =
        render_template("split_chain_main.zok", {{"model_name", detail::comment_text(plan.model_name)},
                                                 {"parts", std::to_string(parts)},
                                                 {"parts_padded", std::to_string(padded)},
                                                 {"parts_groups", std::to_string(padded / 5)},
                                                 {"model_seed", model_commitment_seed(plan.parts()).to_decimal()},
                                                 {"parts_padding", padded == parts ? "" : fmt::format(", ...[0; {}]", padded - parts)}});
    return circuit;
}

Circuit aggregate_circuit(const SplitPlan& plan) {
    if (plan.options.variant != SplitVariant::PrivateModel) return chain_circuit(plan);
    Circuit circuit;
    std::string imports;
    add_helpers(circuit, imports, {"is_nonnegative", "absorb"});
    const std::size_t slices = plan.slices(), parts = plan.parts().size();
    std::string count_commitments;
    std::vector<std::string> names, counts;
    for (std::size_t s = 0; s < slices; ++s) {
        count_commitments += fmt::format("    field c{} = absorb::<5, 1>(salt[{}], [count[{}], 0, 0, 0, 0]);\n", s, s, s);
        names.push_back(fmt::format("c{}", s));
        counts.push_back(fmt::format("count[{}]", s));
    }
    const std::size_t padded = (parts + 4) / 5 * 5;
    const auto n = static_cast<std::int64_t>(plan.batch_size);
    const auto threshold_bits = static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(n)));
    const Interval compare{-((std::int64_t(1) << threshold_bits) - 1), n};
    circuit.files[circuit.main_file] = render_template(
        "split_aggregate_main.zok",
        {{"slices", std::to_string(slices)},
         {"model_name", detail::comment_text(plan.model_name)},
         {"parts", std::to_string(parts)},
         {"count_commitments", count_commitments},
         {"correct_sum", fmt::format("{}", fmt::join(counts, " + "))},
         {"parts_padded", std::to_string(padded)},
         {"parts_groups", std::to_string(padded / 5)},
         {"model_seed", model_commitment_seed(plan.parts()).to_decimal()},
         {"parts_padding", padded == parts ? "" : fmt::format(", ...[0; {}]", padded - parts)},
         {"threshold_bits", std::to_string(threshold_bits)},
         {"threshold_sum", detail::bits_sum(threshold_bits, "threshold_bits")},
         {"compare_bits", std::to_string(sign_test_bits(compare))},
         {"count_names", fmt::format("{}", fmt::join(names, ", "))}});
    return circuit;
}

}  // namespace

Circuit generate_split_circuit(const SplitPlan& plan, const SplitProgram& program, const LabeledBatch& batch) {
    switch (program.kind) {
        case SplitProgram::Kind::Part: return part_circuit(plan, program, batch);
        case SplitProgram::Kind::Slice: return slice_circuit(plan, program);
        case SplitProgram::Kind::Aggregate: return aggregate_circuit(plan);
    }
    throw std::logic_error("unknown split program");
}

}  // namespace zokml
