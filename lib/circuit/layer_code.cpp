#include "layer_code.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/int128.hpp"
#include "core/templates.hpp"
#include "model/window.hpp"
#include "zok_code.hpp"

namespace zokml::detail {
namespace {

// The alias each helper module is imported as.
std::string row_parameter(std::size_t channel, std::size_t row) { return fmt::format("r{}_{}", channel, row); }

std::string window_text(const Window2D& w) {
    std::string text = fmt::format("{}x{}, stride {}x{}", w.kernel_height, w.kernel_width, w.stride_height, w.stride_width);
    if (w.pad_top || w.pad_left || w.pad_bottom || w.pad_right)
        text += fmt::format(", padding {},{},{},{}", w.pad_top, w.pad_left, w.pad_bottom, w.pad_right);
    return text;
}

std::string columns_text(Columns columns, std::size_t width) {
    return columns.begin == 0 && columns.end == width ? "" : fmt::format(", columns {}..{}", columns.begin, columns.end - 1);
}

std::string shape_text(const Shape3& s) { return fmt::format("{}x{}x{}", s.channels, s.height, s.width); }

// What the module's comment says about its values and their activation.
std::string activation_note(const QuantizedLayer& layer, bool relu, std::size_t first, std::size_t count) {
    const bool rescaled = layer.rescale_bits > 0;
    const Interval values = hull(std::span(rescaled ? layer.exact_bounds : layer.bounds).subspan(first, count));
    std::string note = fmt::format("Values lie in [{}, {}] (static bounds)", values.lo, values.hi);
    if (rescaled)
        note += fmt::format("; each v includes the rounding offset 2^{} and is rescaled to floor(v / 2^{})",
                            layer.rescale_bits - 1, layer.rescale_bits);
    if (relu) note += rescaled ? ", then ReLU (one decomposition for both)" : ", then ReLU (a sign test)";
    return note + ".";
}

// "field v{x} = ...;" for a sum of plain terms, split in statements "field v{x}_{k} = ...;" when long.
std::string sum_statements(const std::vector<std::string>& names, std::int64_t constant, const std::string& v) {
    const auto plus = [](const std::vector<std::string>& terms) { return fmt::format("{}", fmt::join(terms, " + ")); };
    if (names.size() <= kTermsPerStatement) return fmt::format("    field {} = {};\n", v, with_constant(plus(names), constant));
    std::vector<Term> terms;
    for (const auto& name : names) terms.push_back({false, name});
    const SplitSum parts = split_sum(terms, [&](std::size_t k) { return fmt::format("{}_{}", v, k); });
    return parts.statements + fmt::format("\n    field {} = {};\n", v, with_constant(plus(parts.names), constant));
}

// The larger of the window's values as nested max::<N>(a, b) calls, paired as a balanced tree;
// a comparison the bounds decide is not written.
std::pair<std::string, Interval> max_tree(std::vector<std::pair<std::string, Interval>> values, Helpers& helpers) {
    while (values.size() > 1) {
        std::vector<std::pair<std::string, Interval>> next;
        for (std::size_t i = 0; i + 1 < values.size(); i += 2) {
            const auto& [a, ia] = values[i];
            const auto& [b, ib] = values[i + 1];
            const Interval both{std::max(ia.lo, ib.lo), std::max(ia.hi, ib.hi)};
            if (ia.lo >= ib.hi) next.emplace_back(a, both);
            else if (ib.lo >= ia.hi) next.emplace_back(b, both);
            else {
                helpers.names.insert("max");
                next.emplace_back(fmt::format("max::<{}>({}, {})", sign_test_bits({ia.lo - ib.hi, ia.hi - ib.lo}), a, b), both);
            }
        }
        if (values.size() % 2) next.push_back(values.back());
        values = std::move(next);
    }
    return values.front();
}

// The input rows (channel, row) that output row `row` reads: of every channel for a Conv2D, of its
// own channel for a pooling (channels[first, end)).
std::vector<std::pair<std::size_t, std::size_t>> window_rows(const Window2D& w, std::size_t height, std::size_t row,
                                                             std::size_t first_channel, std::size_t end_channel) {
    std::vector<std::pair<std::size_t, std::size_t>> rows;
    for (std::size_t c = first_channel; c < end_channel; ++c)
        for (std::size_t ky = 0; ky < w.kernel_height; ++ky) {
            const std::size_t iy = row * w.stride_height + ky;
            if (iy >= w.pad_top && iy - w.pad_top < height) rows.emplace_back(c, iy - w.pad_top);
        }
    return rows;
}

RowModule row_module(std::vector<std::pair<std::size_t, std::size_t>> rows, std::size_t width, std::size_t size,
                     const std::string& description, const std::string& explanation, const std::string& statements,
                     const std::vector<std::string>& results, const Helpers& helpers) {
    std::vector<std::string> parameters;
    for (const auto& [c, y] : rows) parameters.push_back(fmt::format("field[{}] {}", width, row_parameter(c, y)));
    return {render_template("row_module.zok", {{"description", description},
                                               {"explanation", explanation},
                                               {"imports", helpers.imports(1)},
                                               {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
                                               {"size", std::to_string(size)},
                                               {"statements", statements},
                                               {"results", fmt::format("{}", fmt::join(results, ", "))}}),
            std::move(rows)};
}

// The sign-test width of [lo, hi] for values beyond int64 (an activation's products).
unsigned wide_sign_bits(int128 lo, int128 hi) {
    unsigned n = 1;
    while (lo < -(int128(1) << (n - 1)) || hi >= (int128(1) << (n - 1))) ++n;
    return n;
}

// What an activation computes for inputs within `inputs`: the breakpoints its sign tests compare
// with, and the interval of slope * x + intercept + 2^(shift-1) that the rescale decomposes.
struct ActivationPlan {
    std::vector<std::int64_t> compared;  // breakpoints within (inputs.lo, inputs.hi]
    int128 lo = 0, hi = 0;               // of the rescale's value
    unsigned rescale_bits = 0;           // M of rescale::<M, K>, 0 without a rescale
    bool product = false;                // whether the slope varies (a constraint for slope * x)
};

ActivationPlan plan_activation(const QuantizedActivation& a, Interval inputs) {
    ActivationPlan plan;
    for (const auto b : a.breakpoints)
        if (b > inputs.lo && b <= inputs.hi) plan.compared.push_back(b);
    const int128 h = a.shift ? int128(1) << (a.shift - 1) : 0;
    bool first = true;
    std::int64_t first_slope = 0;
    for (std::size_t j = 0; j < a.slopes.size(); ++j) {
        const std::int64_t from = j == 0 ? inputs.lo : std::max(inputs.lo, a.breakpoints[j - 1]);
        const std::int64_t to = j == a.breakpoints.size() ? inputs.hi : std::min(inputs.hi, a.breakpoints[j] - 1);
        if (from > to) continue;
        if (first) first_slope = a.slopes[j];
        if (a.slopes[j] != first_slope) plan.product = true;
        for (const std::int64_t x : {from, to}) {
            const int128 t = int128(a.slopes[j]) * x + a.intercepts[j] + h;
            plan.lo = first ? t : std::min(plan.lo, t);
            plan.hi = first ? t : std::max(plan.hi, t);
            first = false;
        }
    }
    if (a.shift) plan.rescale_bits = std::max(wide_sign_bits(plan.lo, plan.hi), a.shift + 1);
    return plan;
}

// "(g3 ? 17 : 0)", subtracted for a negative difference: a constant when test g3 holds.
Term when(std::size_t test, int128 difference) {
    const int128 magnitude = difference < 0 ? -difference : difference;  // below 2^63: slopes and intercepts are below 2^62
    return {difference < 0, fmt::format("(g{} ? {} : 0)", test, static_cast<std::uint64_t>(magnitude))};
}

// The constant plus the terms, as one expression; long sums as statements of partial sums named
// {name}0, {name}1, ... added to `statements` (a longer expression overflows the compiler's stack).
std::string sum_of(const std::vector<Term>& terms, std::int64_t constant, const std::string& name, std::string& statements) {
    if (terms.empty()) return with_constant("", constant);
    if (terms.size() <= kTermsPerStatement) {
        std::string sum = with_constant("", constant);
        for (const auto& term : terms) sum += fmt::format(" {} {}", term.negative ? '-' : '+', term.expression);
        return sum;
    }
    const SplitSum parts = split_sum(terms, [&](std::size_t k) { return fmt::format("{}{}", name, k); });
    statements += parts.statements + "\n";
    return with_constant(fmt::format("{}", fmt::join(parts.names, " + ")), constant);
}

}  // namespace

std::string activation_module(const QuantizedLayer& layer, Interval inputs, const std::string& step, Helpers& helpers) {
    const QuantizedActivation& a = layer.activation;
    const ActivationPlan plan = plan_activation(a, inputs);
    std::string statements;
    // Segment j starts at breakpoints[j - 1]; the tests compare x with those inside the bounds, in order.
    std::size_t first = 0;  // the segment of inputs.lo
    while (first < a.breakpoints.size() && a.breakpoints[first] <= inputs.lo) ++first;
    std::vector<Term> slope, intercept;
    for (std::size_t t = 0; t < plan.compared.size(); ++t) {
        const std::size_t j = first + t + 1;  // the segment test t opens
        const std::int64_t b = plan.compared[t];
        helpers.names.insert("is_nonnegative");
        statements += fmt::format("    bool g{} = is_nonnegative::<{}>({}); // x >= {}\n", t,
                                  sign_test_bits({inputs.lo - b, inputs.hi - b}), with_constant("x", -b), b);
        if (a.slopes[j] != a.slopes[j - 1]) slope.push_back(when(t, int128(a.slopes[j]) - a.slopes[j - 1]));
        if (a.intercepts[j] != a.intercepts[j - 1]) intercept.push_back(when(t, int128(a.intercepts[j]) - a.intercepts[j - 1]));
    }
    std::string value;
    if (plan.product) {
        const std::string sum = sum_of(slope, a.slopes[first], "slope_", statements);
        statements += fmt::format("    field slope = {};\n", sum);
        value = "slope * x";
    } else {
        const std::int64_t s = a.slopes[first];
        value = s == 0 ? "" : s == 1 ? "x" : s > 0 ? fmt::format("{} * x", s) : fmt::format("(0 - {}) * x", -s);
    }
    const std::string sum = sum_of(intercept, a.intercepts[first], "intercept_", statements);
    const std::int64_t h = a.shift ? std::int64_t(1) << (a.shift - 1) : 0;
    std::string product = value.empty() ? sum : value + " + " + sum;
    if (h) product += fmt::format(" + {}", h);
    statements += fmt::format("    field t = {};", product);
    std::string result = "t";
    if (a.shift) {
        helpers.names.insert("rescale");
        result = fmt::format("rescale::<{}, {}>(t)", plan.rescale_bits, a.shift);
    }
    const std::size_t segments = plan.compared.size() + 1;
    return render_template(
        "activation.zok",
        {{"description", fmt::format("{}: {} over {} segment{}, max error {:.3g}", step, activation_name(a.function.function),
                                     segments, segments == 1 ? "" : "s", a.max_error)},
         {"explanation",
          fmt::format("Inputs lie in [{}, {}] (static bounds). Segment j holds from its breakpoint on; its output is\n"
                      "// floor((slope * x + intercept + 2^{}) / 2^{}) with the segment's slope and intercept.",
                      inputs.lo, inputs.hi, a.shift ? a.shift - 1 : 0, a.shift)},
         {"imports", helpers.imports(1)},
         {"statements", statements},
         {"result", result}});
}

std::size_t activation_module_constraints(const QuantizedLayer& layer, Interval inputs) {
    const ActivationPlan plan = plan_activation(layer.activation, inputs);
    std::size_t total = plan.product ? 1 : 0;
    for (const auto b : plan.compared) total += sign_test_bits({inputs.lo - b, inputs.hi - b}) + 1;
    if (plan.rescale_bits) total += plan.rescale_bits + 1;
    return total;
}

std::string Helpers::imports(std::size_t depth) const {
    std::string up;
    for (std::size_t i = 0; i < depth; ++i) up += "../";
    if (up.empty()) up = "./";
    std::string lines;
    for (const auto& name : names) lines += import_line(up + name, name);
    return lines;
}

std::int64_t rounding_offset(const QuantizedLayer& layer) {
    return layer.rescale_bits ? std::int64_t(1) << (layer.rescale_bits - 1) : 0;
}

std::string activation(const QuantizedLayer& layer, bool relu, std::size_t i, const std::string& v, Helpers& helpers) {
    const unsigned k = layer.rescale_bits;
    if (k == 0) {
        const std::string expression = relu ? relu_expression(layer.bounds[i], v) : v;
        if (expression.find("is_nonnegative") != std::string::npos) helpers.names.insert("is_nonnegative");
        return expression;
    }
    const Interval out = layer.bounds[i];  // after the rescale, before the ReLU
    if (out.lo == out.hi) return with_constant("", relu ? std::max<std::int64_t>(out.lo, 0) : out.lo);
    if (relu && out.hi <= 0) return "0";
    const Interval exact = layer.exact_bounds[i];
    const std::int64_t h = rounding_offset(layer);  // already in v
    const RescaleCall call = rescale_call({exact.lo + h, exact.hi + h}, k, relu, v);
    helpers.names.insert(call.helper);
    return call.code;
}

RowModule conv_row_module(const QuantizedLayer& layer, bool relu, std::size_t filter, std::size_t row, Columns columns,
                          const std::string& step, Helpers& helpers) {
    const QuantizedConv2D& c = layer.conv;
    const Shape3 out = c.output();
    const std::size_t per_channel = c.window.kernel_height * c.window.kernel_width;
    std::string statements;
    std::vector<std::string> results;
    for (std::size_t x = columns.begin; x < columns.end; ++x) {
        std::vector<std::pair<std::int64_t, std::string>> terms;
        for (std::size_t ch = 0; ch < c.input.channels; ++ch)
            for_window(c.input, c.window, ch, row, x, [&](std::size_t i, std::size_t k) {
                terms.emplace_back(c.weights[(filter * c.input.channels + ch) * per_channel + k],
                                   fmt::format("{}[{}]", row_parameter(ch, i / c.input.width % c.input.height),
                                               i % c.input.width));
            });
        const std::string v = fmt::format("v{}", x);
        const LinearCode code = linear_combination(terms, v + "_");
        if (!code.statements.empty()) statements += code.statements + "\n";
        statements += fmt::format("    field {} = {};\n", v, with_constant(code.result, c.biases[filter] + rounding_offset(layer)));
        results.push_back(activation(layer, relu, (filter * out.height + row) * out.width + x, v, helpers));
    }
    return row_module(window_rows(c.window, c.input.height, row, 0, c.input.channels), c.input.width, columns.end - columns.begin,
                      fmt::format("{}: filter {}, output row {}{}", step, filter, row,
                                  columns_text(columns, out.width)),
                      "Each output is a dot product with constant weights (no constraint). " +
                          activation_note(layer, relu, (filter * out.height + row) * out.width + columns.begin,
                                          columns.end - columns.begin),
                      statements, results, helpers);
}

RowModule pool_row_module(const QuantizedLayer& layer, const std::vector<Interval>& input_bounds, bool relu,
                          std::size_t channel, std::size_t row, Columns columns, const std::string& step,
                          Helpers& helpers) {
    const Pool2DLayer& p = layer.pool;
    const Shape3 out = p.output();
    const bool max = layer.kind == Layer::Kind::MaxPool;
    std::string statements;
    std::vector<std::string> results;
    for (std::size_t x = columns.begin; x < columns.end; ++x) {
        std::vector<std::pair<std::string, Interval>> window;
        for_window(p.input, p.window, channel, row, x, [&](std::size_t i, std::size_t) {
            window.emplace_back(fmt::format("{}[{}]", row_parameter(channel, i / p.input.width % p.input.height),
                                            i % p.input.width),
                                input_bounds[i]);
        });
        const std::string v = fmt::format("v{}", x);
        if (max) {
            statements += fmt::format("    field {} = {};\n", v, max_tree(window, helpers).first);
        } else {
            std::vector<std::string> names;
            for (const auto& [name, bounds] : window) names.push_back(name);
            statements += sum_statements(names, rounding_offset(layer), v);
        }
        results.push_back(activation(layer, relu, (channel * out.height + row) * out.width + x, v, helpers));
    }
    const std::string explanation =
        max ? "Each output is the largest value of its window (pairwise, a sign test per comparison). "
            : "Each output is the sum of its window (no constraint): the mean at n times the scale. ";
    return row_module(window_rows(p.window, p.input.height, row, channel, channel + 1), p.input.width, columns.end - columns.begin,
                      fmt::format("{}: channel {}, output row {}{}", step, channel, row,
                                  columns_text(columns, out.width)),
                      explanation + activation_note(layer, relu, (channel * out.height + row) * out.width + columns.begin,
                                                    columns.end - columns.begin),
                      statements, results, helpers);
}

RowModule blocks_row_module(const std::vector<std::pair<std::size_t, std::size_t>>& rows, std::size_t width,
                            std::size_t size, const std::string& description, const std::vector<Block>& blocks) {
    std::vector<std::string> arguments, results;
    for (const auto& [c, y] : rows) arguments.push_back(row_parameter(c, y));
    std::string imports;
    for (const auto& block : blocks) {
        imports += import_line("./" + block.file, block.file);
        results.push_back(fmt::format("...{}({})", block.file, fmt::join(arguments, ", ")));
    }
    std::vector<std::string> parameters;
    for (const auto& [c, y] : rows) parameters.push_back(fmt::format("field[{}] {}", width, row_parameter(c, y)));
    return {render_template("row_module.zok",
                            {{"description", description},
                             {"explanation", "The row in blocks of outputs, one module each: small modules compile fast."},
                             {"imports", imports},
                             {"parameters", fmt::format("{}", fmt::join(parameters, ", "))},
                             {"size", std::to_string(size)},
                             {"statements", ""},
                             {"results", fmt::format("{}", fmt::join(results, ", "))}}),
            rows};
}

std::size_t terms_per_output(const QuantizedLayer& layer) {
    if (layer.kind == Layer::Kind::Conv2D) return layer.conv.weights_per_filter();
    return layer.pool.window.kernel_height * layer.pool.window.kernel_width;
}

QuantizedLayer fuse_conv_avgpool(const QuantizedLayer& conv, const QuantizedLayer& pool) {
    const QuantizedConv2D& c = conv.conv;
    const Window2D& cw = c.window;
    const Window2D& pw = pool.pool.window;
    QuantizedLayer fused = pool;  // the pool's scale, bounds and rescale
    fused.kind = Layer::Kind::Conv2D;
    QuantizedConv2D& f = fused.conv;
    f = c;
    f.window.kernel_height = (pw.kernel_height - 1) * cw.stride_height + cw.kernel_height;
    f.window.kernel_width = (pw.kernel_width - 1) * cw.stride_width + cw.kernel_width;
    f.window.stride_height = pw.stride_height * cw.stride_height;
    f.window.stride_width = pw.stride_width * cw.stride_width;
    const std::size_t kh = cw.kernel_height, kw = cw.kernel_width, fh = f.window.kernel_height, fw = f.window.kernel_width;
    f.weights.assign(c.filters * c.input.channels * fh * fw, 0);
    // W'[o][ch][py * sh + ky][px * sw + kx] sums W[o][ch][ky][kx] over the pool's offsets (py, px).
    for (std::size_t oc = 0; oc < c.filters * c.input.channels; ++oc)
        for (std::size_t py = 0; py < pw.kernel_height; ++py)
            for (std::size_t px = 0; px < pw.kernel_width; ++px)
                for (std::size_t ky = 0; ky < kh; ++ky)
                    for (std::size_t kx = 0; kx < kw; ++kx)
                        f.weights[(oc * fh + py * cw.stride_height + ky) * fw + px * cw.stride_width + kx] +=
                            c.weights[(oc * kh + ky) * kw + kx];
    const auto n = static_cast<std::int64_t>(pw.kernel_height * pw.kernel_width);
    for (auto& b : f.biases) b *= n;
    return fused;
}

std::string add_module(const QuantizedLayer& layer, bool relu, const std::string& step, Helpers& helpers) {
    const QuantizedAdd& a = layer.add;
    const auto times = [](std::int64_t m, const std::string& v) { return m == 1 ? v : fmt::format("{} * {}", m, v); };
    const std::size_t size = layer.bounds.size();
    std::string statements;
    std::vector<std::string> results;
    for (std::size_t i = 0; i < size; ++i) {
        const std::string v = fmt::format("v{}", i);
        statements += fmt::format("    field {} = {};\n", v,
                                  with_constant(times(a.multiplier, fmt::format("x[{}]", i)) + " + " +
                                                    times(a.skip_multiplier, fmt::format("s[{}]", i)),
                                                a.bias + rounding_offset(layer)));
        results.push_back(activation(layer, relu, i, v, helpers));
    }
    return render_template("row_module.zok",
                           {{"description", step},
                            {"explanation", fmt::format("Each output is {} * x[i] + {} * s[i] + {} (no constraint): both operands at the "
                                                        "output's scale. ",
                                                        a.multiplier, a.skip_multiplier, a.bias) +
                                                activation_note(layer, relu, 0, size)},
                            {"imports", helpers.imports(1)},
                            {"parameters", fmt::format("field[{}] x, field[{}] s", size, size)},
                            {"size", std::to_string(size)},
                            {"statements", statements},
                            {"results", fmt::format("{}", fmt::join(results, ", "))}});
}

std::string layer_shape_text(const QuantizedLayer& layer) {
    switch (layer.kind) {
        case Layer::Kind::Conv2D:
            return fmt::format("conv2d {} -> {} ({})", shape_text(layer.conv.input), shape_text(layer.conv.output()),
                               window_text(layer.conv.window));
        case Layer::Kind::MaxPool:
        case Layer::Kind::AvgPool:
            return fmt::format("{} {} -> {} ({})", layer_type_name(layer.kind), shape_text(layer.pool.input),
                               shape_text(layer.pool.output()), window_text(layer.pool.window));
        case Layer::Kind::Dense: return fmt::format("dense {} -> {}", layer.dense.inputs, layer.dense.outputs);
        case Layer::Kind::Add:
            return fmt::format("add {} of {}", layer.bounds.size(),
                               layer.add.from ? fmt::format("layer {}'s values", *layer.add.from) : std::string("the input"));
        default: return layer_type_name(layer.kind);
    }
}

}  // namespace zokml::detail
