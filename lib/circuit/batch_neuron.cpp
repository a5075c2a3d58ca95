#include "batch_neuron.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "committed_parameters.hpp"
#include "core/templates.hpp"
#include "zok_code.hpp"

namespace zokml::detail {
namespace {

// Layer 0 for one group of inputs: a module taking one neuron's weight chunks and bias.
std::string group_module(const LabeledBatch& batch, std::size_t first, std::size_t size, const Chunking& chunks,
                         Interval weights, Interval biases, unsigned rescale_bits, std::vector<Interval>& relu_bounds,
                         std::map<std::string, std::string>& files) {
    std::vector<std::string> parameters, results;
    for (std::size_t k = 0; k < chunks.count(); ++k) parameters.push_back(fmt::format("field[{}] c{}", chunks.length(k), k));
    std::string statements;
    for (std::size_t i = 0; i < size; ++i) {
        const auto& x = batch.inputs[first + i];
        std::vector<std::pair<std::int64_t, std::string>> terms;
        int128 sum = 0;
        for (std::size_t j = 0; j < x.size(); ++j) {
            const std::size_t k = j / chunks.chunk;
            terms.emplace_back(x[j], fmt::format("c{}[{}]", k, j - chunks.begin(k)));
            sum += x[j];
        }
        // Inputs are >= 0, so w * x spans [w.lo * x, w.hi * x].
        const Interval v{checked_bound(sum * weights.lo + biases.lo), checked_bound(sum * weights.hi + biases.hi)};
        relu_bounds.push_back({std::max<std::int64_t>(rescale_value(v.lo, rescale_bits), 0),
                               std::max<std::int64_t>(rescale_value(v.hi, rescale_bits), 0)});
        const auto code = linear_combination(terms, fmt::format("s{}_", i));
        statements += fmt::format("    // Input {} of the batch: values in [{}, {}].\n{}{}    field v{} = {} + b;\n", first + i,
                                  v.lo, v.hi, code.statements, code.statements.empty() ? "" : "\n", i, code.result);
        results.push_back(relu_rescale_expression(v, rescale_bits, fmt::format("v{}", i)));
    }
    const std::string result_list = fmt::format("{}", fmt::join(results, ", "));
    return render_template("private_model_group.zok",
                           {{"description", fmt::format("layer 0 of one hidden neuron for inputs {}..{} of the batch",
                                                        first, first + size - 1)},
                            {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
                            {"size", std::to_string(size)},
                            {"statements", statements},
                            {"rescale_imports", rescale_imports(result_list, files)},
                            {"results", result_list}});
}

}  // namespace

std::vector<Interval> write_batch_neuron(Circuit& circuit, const LabeledBatch& batch, std::size_t chunk_size,
                                         std::size_t group_size, Interval w0, Interval b0, unsigned rescale_bits) {
    const Chunking chunks{batch.inputs.at(0).size(), chunk_size};
    const Chunking groups{batch.inputs.size(), group_size};
    std::vector<Interval> relu_bounds;
    std::string hidden_imports, hidden_chunks;
    std::vector<std::string> chunk_names, group_calls;
    for (std::size_t k = 0; k < chunks.count(); ++k) {
        hidden_chunks += fmt::format("    field[{}] c{} = w[{}..{}];\n", chunks.length(k), k, chunks.begin(k),
                                     chunks.begin(k) + chunks.length(k));
        chunk_names.push_back(fmt::format("c{}", k));
    }
    for (std::size_t g = 0; g < groups.count(); ++g) {
        circuit.files[fmt::format("group{}.zok", g)] =
            group_module(batch, groups.begin(g), groups.length(g), chunks, w0, b0, rescale_bits, relu_bounds, circuit.files);
        hidden_imports += import_line(fmt::format("./group{}", g), fmt::format("group{}", g));
        group_calls.push_back(fmt::format("...group{}({}, b)", g, fmt::join(chunk_names, ", ")));
    }
    circuit.files["hidden.zok"] = render_template("private_model_hidden.zok",
                                                  {{"imports", hidden_imports},
                                                   {"inputs", std::to_string(chunks.size)},
                                                   {"batch_size", std::to_string(batch.inputs.size())},
                                                   {"chunks", hidden_chunks},
                                                   {"groups", fmt::format("{}", fmt::join(group_calls, ", "))}});
    return relu_bounds;
}

}  // namespace zokml::detail
