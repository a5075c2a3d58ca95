// The private-input circuit: constant weights, private input, public class.
#include <fmt/format.h>

#include <algorithm>
#include <list>

#include "layer_code.hpp"
#include "core/templates.hpp"
#include "zok_code.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/toolchain/public_values.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/core/errors.hpp"

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

// One group of modules: a Dense, Conv2D or pooling layer with the ReLU that follows it (possibly
// after Flatten layers, which change nothing on flat values).
// A Conv2D directly followed by an AvgPool of its output's shape is one step (detail::fuse_conv_avgpool).
struct Step {
    const QuantizedLayer* layer;
    bool relu;
    const std::vector<Interval>* input_bounds;   // of the values entering the layer
    const std::vector<Interval>* output_bounds;  // after the ReLU, when there is one
    std::string what;                            // "conv2d 1x28x28 -> ..." for comments
    std::size_t last = 0;                        // the model layer whose values the step outputs
    std::optional<std::size_t> skip;             // Add: the step whose values it adds (none: the input)
    bool dense() const { return layer->kind == Layer::Kind::Dense; }
};

// Writes the modules of one Dense (+ ReLU) layer: "l{n}/n{o}.zok" per neuron, which sums its
// "l{n}/n{o}_c{k}.zok" chunk modules. Returns main's import lines.
std::string emit_dense_modules(Circuit& circuit, const Step& step, std::size_t n, std::size_t chunk_size,
                               detail::Helpers& used) {
    const QuantizedLayer& layer = *step.layer;
    const QuantizedDense& d = layer.dense;
    const unsigned k = layer.rescale_bits;
    const Chunking chunks{d.inputs, chunk_size};
    std::string main_imports;
    for (std::size_t o = 0; o < d.outputs; ++o) {
        detail::Helpers helpers;
        const std::string activation = detail::activation(layer, step.relu, o, "v", helpers);
        if (step.relu && k == 0) helpers.names.insert("is_nonnegative");  // imported whether or not the bounds decide it
        std::string imports = helpers.imports(1);
        used.names.insert(helpers.names.begin(), helpers.names.end());
        std::vector<std::string> parameters, terms;
        for (std::size_t c = 0; c < chunks.count(); ++c) {
            parameters.push_back(fmt::format("field[{}] c{}", chunks.length(c), c));
            const auto module = chunk_module(d, o, chunks, c,
                                             fmt::format("layer {} neuron {}, inputs {}..{}", n, o, chunks.begin(c),
                                                         chunks.begin(c) + chunks.length(c) - 1));
            if (!module) continue;
            circuit.files[fmt::format("l{}/n{}_c{}.zok", n, o, c)] = *module;
            imports += detail::import_line(fmt::format("./n{}_c{}", o, c), fmt::format("dot{}", c));
            terms.push_back(fmt::format("dot{}(c{})", c, c));
        }
        const Interval bounds = (k ? layer.exact_bounds : layer.bounds)[o];
        const std::string after = k ? fmt::format(", then v / 2^{} rounded (v includes 2^{}){}", k, k - 1,
                                                  step.relu ? " and ReLU" : "")
                                    : step.relu ? ", then ReLU" : "";
        circuit.files[fmt::format("l{}/n{}.zok", n, o)] = render_template(
            "neuron.zok",
            {{"description", fmt::format("layer {} neuron {}: dense over {} inputs{}", n, o, d.inputs, after)},
             {"lo", std::to_string(bounds.lo)},
             {"hi", std::to_string(bounds.hi)},
             {"imports", imports},
             {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
             {"sum", detail::with_constant(fmt::format("{}", fmt::join(terms, " + ")), d.biases[o] + detail::rounding_offset(layer))},
             {"activation", activation}});
        main_imports += detail::import_line(fmt::format("./l{}/n{}", n, o), fmt::format("l{}_n{}", n, o));
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

// How main holds the values flowing from one step to the next: the input array x, scalars
// ({prefix}{i}: a Dense layer's outputs), a tensor (field[C][H][W] {prefix}: a Conv2D or
// pooling layer's outputs) or an array (field[N] {prefix}: an Add layer's outputs).
struct Values {
    enum class Form { Input, Scalars, Tensor, Array };
    Form form = Form::Input;
    std::string prefix;
    Shape3 shape;  // Tensor only
    std::size_t size = 0;

    std::string element(std::size_t i) const {
        if (form == Form::Input) return fmt::format("x[{}]", i);
        if (form == Form::Array) return fmt::format("{}[{}]", prefix, i);
        if (form == Form::Scalars) return fmt::format("{}{}", prefix, i);
        return fmt::format("{}[{}][{}][{}]", prefix, i / shape.width / shape.height, i / shape.width % shape.height,
                           i % shape.width);
    }
};

std::string tensor_type(const Shape3& s) { return fmt::format("field[{}][{}][{}]", s.channels, s.height, s.width); }

// Declares the chunk arrays a Dense step takes ("{base}_c{k}", as the MLP layout always had).
std::string chunk_view(const Values& values, const Chunking& chunks, std::vector<std::string>& names) {
    std::string base = values.form == Values::Form::Input ? "x" : values.prefix;
    if (base.ends_with('_')) base.pop_back();  // "a0_c3", not "a0__c3"
    for (std::size_t k = 0; k < chunks.count(); ++k) names.push_back(fmt::format("{}_c{}", base, k));
    if (values.form == Values::Form::Input) return input_chunk_arrays(chunks);
    if (values.form == Values::Form::Scalars) return detail::chunk_arrays(values.prefix, chunks, base);
    std::string body;
    for (std::size_t k = 0; k < chunks.count(); ++k) {
        std::vector<std::string> elements;
        for (std::size_t i = chunks.begin(k); i < chunks.begin(k) + chunks.length(k); ++i) elements.push_back(values.element(i));
        body += fmt::format("    field[{}] {} = [{}];\n", chunks.length(k), names[k], fmt::join(elements, ", "));
    }
    return body;
}

// The tensor a Conv2D or pooling step of input `shape` takes: the producer's own when it has that
// shape, else declared here as `name` (rows sliced from x, or arrays of the values).
Values tensor_view(const Values& values, const Shape3& shape, const std::string& name, std::string& body) {
    if (values.form == Values::Form::Tensor && values.shape == shape) return values;
    std::vector<std::string> channels;
    for (std::size_t c = 0; c < shape.channels; ++c) {
        std::vector<std::string> rows;
        for (std::size_t y = 0; y < shape.height; ++y) {
            const std::size_t begin = (c * shape.height + y) * shape.width;
            if (values.form == Values::Form::Input) {
                rows.push_back(fmt::format("x[{}..{}]", begin, begin + shape.width));
                continue;
            }
            std::vector<std::string> elements;
            for (std::size_t i = begin; i < begin + shape.width; ++i) elements.push_back(values.element(i));
            rows.push_back(fmt::format("[{}]", fmt::join(elements, ", ")));
        }
        channels.push_back(fmt::format("[{}]", fmt::join(rows, ", ")));
    }
    body += fmt::format("    {} {} = [{}];\n", tensor_type(shape), name, fmt::join(channels, ", "));
    return {Values::Form::Tensor, name, shape, shape.size()};
}

// The values as one flat array: x or an Add's output as they are, others declared here as `name`.
std::string flat_array(const Values& values, const std::string& name, std::string& body) {
    if (values.form == Values::Form::Input || values.form == Values::Form::Array) return values.prefix;
    std::vector<std::string> elements;
    for (std::size_t i = 0; i < values.size; ++i) elements.push_back(values.element(i));
    body += fmt::format("    field[{}] {} = [{}];\n", values.size, name, fmt::join(elements, ", "));
    return name;
}

// Terms in one module at most: rows with more are assembled from block modules.
constexpr std::size_t kTermsPerModule = 150;

// Writes a Conv2D or pooling step: "l{n}/layer.zok" (tensor in, tensor out) calls one module per
// output channel and row, "l{n}/f{o}_r{y}.zok" (filter o) or "l{n}/c{c}_r{y}.zok" (channel c); a
// row of more than kTermsPerModule terms is assembled from block modules "..._x{column}.zok".
// Returns main's import line.
std::string emit_tensor_layer(Circuit& circuit, const Step& step, std::size_t n, detail::Helpers& used) {
    const QuantizedLayer& layer = *step.layer;
    const bool conv = layer.kind == Layer::Kind::Conv2D;
    const Shape3 in = conv ? layer.conv.input : layer.pool.input;
    const Shape3 out = conv ? layer.conv.output() : layer.pool.output();
    const std::string step_name = fmt::format("layer {} ({})", n, step.what);
    const std::size_t per_block = std::max<std::size_t>(1, kTermsPerModule / detail::terms_per_output(layer));
    const auto row_module = [&](std::size_t c, std::size_t y, detail::Columns columns) {
        detail::Helpers helpers;
        auto module = conv ? detail::conv_row_module(layer, step.relu, c, y, columns, step_name, helpers)
                           : detail::pool_row_module(layer, *step.input_bounds, step.relu, c, y, columns, step_name, helpers);
        used.names.insert(helpers.names.begin(), helpers.names.end());
        return module;
    };
    std::string imports, statements;
    std::vector<std::string> channels;
    for (std::size_t c = 0; c < out.channels; ++c) {
        std::vector<std::string> rows;
        for (std::size_t y = 0; y < out.height; ++y) {
            const std::string name = fmt::format("{}{}_r{}", conv ? "f" : "c", c, y);
            detail::RowModule row;
            if (out.width <= per_block) {
                row = row_module(c, y, {0, out.width});
            } else {
                std::vector<detail::Block> blocks;
                for (std::size_t x = 0; x < out.width; x += per_block) {
                    const detail::RowModule block = row_module(c, y, {x, std::min(x + per_block, out.width)});
                    blocks.push_back({fmt::format("{}_x{}", name, x)});
                    circuit.files[fmt::format("l{}/{}.zok", n, blocks.back().file)] = block.text;
                    row.input_rows = block.input_rows;
                }
                row = detail::blocks_row_module(
                    row.input_rows, in.width, out.width,
                    fmt::format("{}: {} {}, output row {}", step_name, conv ? "filter" : "channel", c, y),
                    blocks);
            }
            circuit.files[fmt::format("l{}/{}.zok", n, name)] = row.text;
            imports += detail::import_line("./" + name, name);
            std::vector<std::string> arguments;
            for (const auto& [ic, iy] : row.input_rows) arguments.push_back(fmt::format("x[{}][{}]", ic, iy));
            statements += fmt::format("    field[{}] y{}_{} = {}({});\n", out.width, c, y, name, fmt::join(arguments, ", "));
            rows.push_back(fmt::format("y{}_{}", c, y));
        }
        channels.push_back(fmt::format("[{}]", fmt::join(rows, ", ")));
    }
    circuit.files[fmt::format("l{}/layer.zok", n)] = render_template(
        "layer_module.zok", {{"description", fmt::format("{}{}", step_name, step.relu ? ", then ReLU" : "")},
                             {"imports", imports},
                             {"input_type", tensor_type(in)},
                             {"output_type", tensor_type(out)},
                             {"statements", statements},
                             {"result", fmt::format("[{}]", fmt::join(channels, ", "))}});
    return detail::import_line(fmt::format("./l{}/layer", n), fmt::format("l{}", n));
}

std::string rescale_note(const QuantizedLayer& layer) {
    if (!layer.rescale_bits) return "";
    const Interval all = hull(layer.bounds);
    return fmt::format(", rescaled by 2^-{} to [{}, {}]", layer.rescale_bits, all.lo, all.hi);
}

std::string layer_summary(const QuantizedModel& model) {
    std::string text;
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const auto& layer = model.layers[l];
        const Interval all = hull(layer.rescale_bits ? layer.exact_bounds : layer.bounds);
        switch (layer.kind) {
            case Layer::Kind::Dense:
                text += fmt::format("//   {}: dense {} -> {}, weights x 2^{}, scale {:.6g}, values in [{}, {}] ({} sign bits){}\n",
                                    l, layer.dense.inputs, layer.dense.outputs, layer.dense.weight_shift, layer.scale,
                                    all.lo, all.hi, sign_test_bits(all), rescale_note(layer));
                break;
            case Layer::Kind::Conv2D:
                text += fmt::format("//   {}: {}, weights x 2^{}, scale {:.6g}, values in [{}, {}] ({} sign bits){}\n", l,
                                    detail::layer_shape_text(layer), layer.conv.weight_shift, layer.scale, all.lo,
                                    all.hi, sign_test_bits(all), rescale_note(layer));
                break;
            case Layer::Kind::MaxPool:
            case Layer::Kind::AvgPool:
                text += fmt::format("//   {}: {}{}, scale {:.6g}, values in [{}, {}]{}\n", l, detail::layer_shape_text(layer),
                                    layer.kind == Layer::Kind::AvgPool ? " as window sums" : "", layer.scale, all.lo,
                                    all.hi, rescale_note(layer));
                break;
            case Layer::Kind::ReLU: text += fmt::format("//   {}: relu\n", l); break;
            case Layer::Kind::Flatten: text += fmt::format("//   {}: flatten\n", l); break;
            case Layer::Kind::Add:
                text += fmt::format("//   {}: {}, x {} and x {}, scale {:.6g}, values in [{}, {}]{}\n", l,
                                    detail::layer_shape_text(layer), layer.add.multiplier, layer.add.skip_multiplier,
                                    layer.scale, all.lo, all.hi, rescale_note(layer));
                break;
            case Layer::Kind::Argmax: text += fmt::format("//   {}: argmax (first maximum wins)\n", l); break;
            case Layer::Kind::Activation:
                text += fmt::format("//   {}: {} over {} segments (max error {:.3g}), scale {:.6g}, values in [{}, {}]\n", l,
                                    activation_name(layer.activation.function.function), layer.activation.slopes.size(),
                                    layer.activation.max_error, layer.scale, all.lo, all.hi);
                break;
        }
    }
    return text;
}

// The step that outputs the values the Add layer `l` adds (Flatten layers change nothing); none for
// the input. A value inside a step (a Dense layer's before the ReLU that follows it) is refused.
std::optional<std::size_t> skip_step(const QuantizedModel& model, const std::vector<Step>& steps, std::size_t l) {
    const auto from = model.layers[l].add.from;
    if (!from) return std::nullopt;
    std::size_t source = *from;
    while (source > 0 && model.layers[source].kind == Layer::Kind::Flatten) --source;
    if (model.layers[source].kind == Layer::Kind::Flatten) return std::nullopt;  // flattens of the input
    for (std::size_t n = 0; n < steps.size(); ++n)
        if (steps[n].last == source) return n;
    throw InputError(model.name, fmt::format("layers[{}].from", l),
                     fmt::format("adds the values of layers[{}] ({}), which the circuit computes only together with the "
                                 "layer after it (a ReLU or a pooling): add the output of that layer instead",
                                 source, layer_type_name(model.layers[source].kind)));
}

// The steps of the model; fused layers live in `fused` (pointers into it stay valid).
std::vector<Step> steps_of(const QuantizedModel& model, const std::vector<Interval>& input_bounds,
                           std::list<QuantizedLayer>& fused) {
    std::vector<Step> steps;
    const std::vector<Interval>* bounds = &input_bounds;
    const auto after_flatten = [&](std::size_t next) {
        while (next < model.layers.size() && model.layers[next].kind == Layer::Kind::Flatten) ++next;
        return next;
    };
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const auto& layer = model.layers[l];
        const std::string field = fmt::format("layers[{}]", l);
        switch (layer.kind) {
            case Layer::Kind::Dense:
            case Layer::Kind::Conv2D:
            case Layer::Kind::MaxPool:
            case Layer::Kind::AvgPool:
            case Layer::Kind::Add: {
                if (layer.rescale_bits > 0 && layer.exact_bounds.size() != layer.bounds.size())
                    throw InputError(model.name, field, "a rescaled layer needs the bounds of its exact values");
                const QuantizedLayer* step_layer = &layer;
                std::string what = detail::layer_shape_text(layer);
                std::size_t next = after_flatten(l + 1);
                // Only when the pooling reads the convolution's output as it is shaped (a model may
                // reshape between them: the same values seen as another shape).
                if (layer.kind == Layer::Kind::Conv2D && layer.rescale_bits == 0 && next < model.layers.size() &&
                    model.layers[next].kind == Layer::Kind::AvgPool && model.layers[next].pool.input == layer.conv.output()) {
                    const QuantizedLayer& pool = model.layers[next];
                    step_layer = &fused.emplace_back(detail::fuse_conv_avgpool(layer, pool));
                    what += fmt::format(", then {}: one {}", detail::layer_shape_text(pool),
                                        detail::layer_shape_text(*step_layer));
                    l = next;
                    next = after_flatten(l + 1);
                }
                const bool relu = next < model.layers.size() && model.layers[next].kind == Layer::Kind::ReLU;
                const auto skip = layer.kind == Layer::Kind::Add ? skip_step(model, steps, l) : std::nullopt;
                steps.push_back({step_layer, relu, bounds, relu ? &model.layers[next].bounds : &model.layers[l].bounds, what,
                                 relu ? next : l, skip});
                bounds = steps.back().output_bounds;
                if (relu) l = next;
                break;
            }
            case Layer::Kind::Activation:
                steps.push_back({&layer, false, bounds, &layer.bounds, activation_name(layer.activation.function.function), l, std::nullopt});
                bounds = steps.back().output_bounds;
                break;
            case Layer::Kind::ReLU:
                throw InputError(model.name, field, "a ReLU must follow a Dense layer, a Conv2D or a pooling layer");
            case Layer::Kind::Flatten:
            case Layer::Kind::Argmax: break;
        }
    }
    if (!model.layers.empty() && model.layers.back().kind != Layer::Kind::Argmax)
        throw InputError(model.name, "layers", "the private-input circuit needs an argmax head");
    if (steps.empty()) throw InputError(model.name, "layers", "the model has no Dense, Conv2D or pooling layer");
    return steps;
}

}  // namespace

Circuit generate_private_input_circuit(const QuantizedModel& model, const PrivateInputOptions& options) {
    if (options.chunk_size == 0) throw InputError(model.name, "chunk_size", "must be positive");
    std::size_t total = model.input_size;
    for (const auto& layer : model.layers) total += layer.bounds.size();
    if (total > kMaxCircuitValues)
        throw InputError(model.name, "layers", fmt::format("the circuit would hold {} values (the input's and every layer's); "
                                                           "zokml generates circuits of at most {}", total, kMaxCircuitValues));
    const std::vector<Interval> input_bounds(model.input_size, Interval{0, model.input_max});
    std::list<QuantizedLayer> fused;
    const auto steps = steps_of(model, input_bounds, fused);
    Circuit circuit;
    circuit.files["is_nonnegative.zok"] = render_template("is_nonnegative.zok", {});
    detail::Helpers used;

    std::string imports, body;
    const Values input{Values::Form::Input, "x", {}, model.input_size};
    Values values = input;
    std::vector<Values> outputs;  // of each step
    for (std::size_t n = 0; n < steps.size(); ++n) {
        const Step& step = steps[n];
        const QuantizedLayer& layer = *step.layer;
        const bool last = n + 1 == steps.size();
        const std::string relu = step.relu ? " with ReLU" : "";
        if (layer.kind == Layer::Kind::Add) {
            const Values& added = step.skip ? outputs[*step.skip] : input;
            const std::string step_name = fmt::format("layer {} ({})", n, step.what);
            detail::Helpers helpers;
            circuit.files[fmt::format("l{}/layer.zok", n)] = detail::add_module(layer, step.relu, step_name + relu, helpers);
            used.names.insert(helpers.names.begin(), helpers.names.end());
            imports += detail::import_line(fmt::format("./l{}/layer", n), fmt::format("l{}", n));
            body += fmt::format("\n    // Layer {}: {}{}{}.\n", n, step.what,
                                layer.rescale_bits ? fmt::format(", rescaled by 2^-{}", layer.rescale_bits) : "", relu);
            const std::string operands = flat_array(values, fmt::format("i{}", n), body) + ", " +
                                         flat_array(added, fmt::format("s{}", n), body);
            values = {Values::Form::Array, fmt::format("a{}", n), {}, layer.bounds.size()};
            body += fmt::format("    field[{}] {} = l{}({});\n", values.size, values.prefix, n, operands);
            if (last) {  // the logits as scalars y0.. for the argmax
                for (std::size_t i = 0; i < values.size; ++i) body += fmt::format("    field y{} = {};\n", i, values.element(i));
                values = {Values::Form::Scalars, "y", {}, values.size};
            }
        } else if (step.dense()) {
            const auto& d = layer.dense;
            const Chunking chunks{values.size, options.chunk_size};
            std::vector<std::string> arguments;
            const std::string view = chunk_view(values, chunks, arguments);
            body += n == 0 ? "    // The input in chunks.\n" + view : view;
            imports += emit_dense_modules(circuit, step, n, options.chunk_size, used);
            body += fmt::format("\n    // Layer {}: dense {} -> {}{}{}.\n", n, d.inputs, d.outputs,
                                layer.rescale_bits ? fmt::format(", rescaled by 2^-{}", layer.rescale_bits) : "", relu);
            const std::string prefix = last ? "y" : fmt::format("a{}_", n);
            for (std::size_t o = 0; o < d.outputs; ++o)
                body += fmt::format("    field {}{} = l{}_n{}({});\n", prefix, o, n, o, fmt::join(arguments, ", "));
            values = {Values::Form::Scalars, prefix, {}, d.outputs};
        } else if (layer.kind == Layer::Kind::Activation) {
            detail::Helpers helpers;
            circuit.files[fmt::format("l{}/activation.zok", n)] =
                detail::activation_module(layer, hull(*step.input_bounds), fmt::format("layer {}", n), helpers);
            used.names.insert(helpers.names.begin(), helpers.names.end());
            imports += detail::import_line(fmt::format("./l{}/activation", n), fmt::format("l{}", n));
            body += fmt::format("\n    // Layer {}: {}, each value through l{}/activation.zok.\n", n, step.what, n);
            const std::string prefix = last ? "y" : fmt::format("a{}_", n);
            for (std::size_t i = 0; i < values.size; ++i)
                body += fmt::format("    field {}{} = l{}({});\n", prefix, i, n, values.element(i));
            values = {Values::Form::Scalars, prefix, {}, values.size};
        } else {
            const bool conv = layer.kind == Layer::Kind::Conv2D;
            const Shape3 in_shape = conv ? layer.conv.input : layer.pool.input;
            const Shape3 out_shape = conv ? layer.conv.output() : layer.pool.output();
            std::string view;
            const Values in = tensor_view(values, in_shape, values.form == Values::Form::Input ? "x_t" : fmt::format("i{}", n), view);
            body += n == 0 ? "    // The input as channels x rows x columns.\n" + view : view;
            imports += emit_tensor_layer(circuit, step, n, used);
            body += fmt::format("\n    // Layer {}: {}{}{}.\n", n, step.what,
                                layer.rescale_bits ? fmt::format(", rescaled by 2^-{}", layer.rescale_bits) : "", relu);
            values = {Values::Form::Tensor, fmt::format("a{}", n), out_shape, out_shape.size()};
            body += fmt::format("    {} {} = l{}({});\n", tensor_type(out_shape), values.prefix, n, in.prefix);
            if (last) {  // the logits as scalars y0.. for the argmax
                for (std::size_t i = 0; i < values.size; ++i) body += fmt::format("    field y{} = {};\n", i, values.element(i));
                values = {Values::Form::Scalars, "y", {}, values.size};
            }
        }
        outputs.push_back(values);
    }
    for (const auto& helper : used.names)
        if (helper != "is_nonnegative") circuit.files[helper + ".zok"] = render_template(helper + ".zok", {});
    body += "\n    // Argmax.\n" + detail::argmax_statements(*steps.back().output_bounds);
    const std::size_t previous_size = values.size;

    std::string return_type = "field", returned = "class", public_parameters, public_summary = "the predicted class";
    std::string input_parameter, input_checks, input_note;
    if (options.claimed_class) {
        public_parameters += ", field claimed_class";
        body += "    assert(class == claimed_class);\n";
        public_summary = "the claimed class (asserted equal to the prediction), " + public_summary;
    }
    if (options.hash_input) {
        // The input as integers: the packing range checks every value and feeds the hash.
        const CommittedTensor input{"input", std::vector<std::int64_t>(model.input_size), model.input_bits, false};
        const std::string pack = detail::pack_module_name(model.input_bits, false);
        circuit.files[pack + ".zok"] = detail::pack_module(model.input_bits, false);
        circuit.files["absorb.zok"] = render_template("absorb.zok", {});
        imports += detail::import_line("./" + pack, pack) + detail::import_line("./absorb", "absorb");
        public_parameters += ", field input_hash";
        input_parameter = fmt::format("private field[{}] x", model.input_size);
        input_checks = render_template("input_hash_check.zok",
                                       {{"seed", commitment_seed("zokml-input-v1", {input}).to_decimal()},
                                        {"absorb", detail::absorb_statement(input, "x")}});
        input_note = "\n//              and hashed: the hash is a public input";
        public_summary = "the input's hash, " + public_summary;
    } else {
        const detail::PrivateInputCode input = detail::private_input_code(model.input_size, model.input_bits, options.chunk_size);
        input_parameter = input.parameters;
        input_checks = input.checks;
        input.add_files(circuit);
        imports += input.imports;
        if (model.input_bits > 1) input_note = "\n//              with its high bits (x_bits, most significant first)";
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
        "private_input_main.zok", {{"model_name", detail::comment_text(model.name)},
                                   {"fingerprint", model.fingerprint()},
                                   {"input_size", std::to_string(model.input_size)},
                                   {"input_max", std::to_string(model.input_max)},
                                   {"input_bits", std::to_string(model.input_bits)},
                                   {"layer_summary", layer_summary(model)},
                                   {"public_summary", public_summary},
                                   {"imports", imports},
                                   {"input_parameter", input_parameter},
                                   {"public_parameters", public_parameters},
                                   {"input_checks", input_checks},
                                   {"input_note", input_note},
                                   {"return_type", return_type},
                                   {"body", body}});
    return circuit;
}

namespace {

// What activation() writes for output i costs: a sign test (N + 2), a rescale (M + 1) or both in one
// decomposition (M + 2), or nothing when the bounds decide.
std::size_t activation_constraints(const QuantizedLayer& layer, bool relu, std::size_t i) {
    const unsigned k = layer.rescale_bits;
    const Interval out = layer.bounds[i];
    if (k == 0) return relu && out.lo < 0 && out.hi > 0 ? sign_test_bits(out) + 2 : 0;
    if (out.lo == out.hi || (relu && out.hi <= 0)) return 0;
    const std::int64_t h = detail::rounding_offset(layer);
    const Interval shifted{layer.exact_bounds[i].lo + h, layer.exact_bounds[i].hi + h};
    return std::max(sign_test_bits(shifted), k + 1) + (relu && shifted.lo < 0 ? 2 : 1);
}

}  // namespace

std::size_t estimate_private_input_constraints(const QuantizedModel& model) {
    const std::vector<Interval> input_bounds(model.input_size, Interval{0, model.input_max});
    std::list<QuantizedLayer> fused;
    const auto steps = steps_of(model, input_bounds, fused);
    std::size_t total = model.input_size * model.input_bits;  // each input bit's booleanity
    for (const Step& step : steps) {
        const QuantizedLayer& layer = *step.layer;
        if (layer.kind == Layer::Kind::Activation) {
            total += layer.bounds.size() * detail::activation_module_constraints(layer, hull(*step.input_bounds));
            continue;
        }
        for (std::size_t i = 0; i < layer.bounds.size(); ++i) total += activation_constraints(layer, step.relu, i);
        if (layer.kind == Layer::Kind::MaxPool) {
            const Interval in = hull(*step.input_bounds);
            const std::size_t comparisons = layer.pool.window.kernel_height * layer.pool.window.kernel_width - 1;
            total += layer.bounds.size() * comparisons * (sign_test_bits({in.lo - in.hi, in.hi - in.lo}) + 2);
        }
    }
    // The argmax: a sign test (N bits and their sum) per comparison the bounds leave open, and
    // three selects for every one after the first.
    const std::vector<Interval>& logits = *steps.back().output_bounds;
    Interval best = logits[0];
    std::size_t written = 0;
    for (std::size_t i = 1; i < logits.size(); ++i) {
        const Interval diff{logits[i].lo - best.hi - 1, logits[i].hi - best.lo - 1};
        if (diff.hi < 0) continue;
        if (diff.lo < 0) total += sign_test_bits(diff) + 1 + (written++ > 0 ? 3 : 0);
        best = {std::min(best.lo, logits[i].lo), std::max(best.hi, logits[i].hi)};
    }
    return total + 1;  // the public class
}

std::vector<Value> private_input_arguments(const QuantizedModel& model, const PrivateInputOptions& options,
                                           const std::vector<std::int64_t>& input, std::optional<int> claimed_class,
                                           std::optional<FieldElement> input_hash) {
    std::vector<Value> arguments =
        options.hash_input ? std::vector<Value>{Value::fields(input)} : detail::private_input_values(input, model.input_bits);
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

PrivateInputPublic decode_private_input_public(const Abi& abi, const std::vector<FieldElement>& public_inputs) {
    const bool logits = abi.output.kind == AbiType::Kind::Tuple;
    const PublicValues values(abi, public_inputs, logits ? std::vector<std::string>{"class", "logits"}
                                                         : std::vector<std::string>{"class"});
    PrivateInputPublic out;
    out.predicted_class = static_cast<int>(values.integer("class"));
    if (values.contains("claimed_class")) out.claimed_class = static_cast<int>(values.integer("claimed_class"));
    if (values.contains("input_hash")) out.input_hash = values.field("input_hash");
    if (logits) out.logits = values.integers("logits");
    return out;
}

}  // namespace zokml
