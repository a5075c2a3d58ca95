// The both-private circuit: a private input through a committed private model, a public class.
#include "zokml/circuit/both_private.hpp"

#include <fmt/format.h>

#include "committed_parameters.hpp"
#include "core/templates.hpp"
#include "zok_code.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/toolchain/public_values.hpp"

namespace zokml {

using detail::checked_bound;
using detail::Chunking;
using detail::render_template;

Circuit generate_both_private_circuit(const QuantizedModel& model, const BothPrivateOptions& options) {
    const detail::TwoLayerShape s = detail::two_layer_shape(model, "both-private");
    if (options.chunk_size == 0) throw InputError(model.name, "chunk_size", "must be positive");
    Circuit circuit;
    const detail::CommittedParameters p = detail::committed_parameters(model, s, circuit);
    const Interval w0 = p.ranges[0], b0 = p.ranges[1], w1 = p.ranges[2], b1 = p.ranges[3];

    // Inputs lie in [0, input_max], so x * w spans [input_max * w.lo, input_max * w.hi] each.
    const detail::int128 x_sum = detail::int128(model.input_max) * detail::int128(s.inputs);
    const Interval v{checked_bound(x_sum * w0.lo + b0.lo), checked_bound(x_sum * w0.hi + b0.hi)};
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
    const Interval y = detail::logit_bounds(std::max<std::int64_t>(v.hi, 0), s.hidden, w1, b1);

    const detail::PrivateInputCode input = detail::private_input_code(s.inputs, model.input_bits, options.chunk_size);
    input.add_files(circuit);
    circuit.files[circuit.main_file] = render_template(
        "both_private_main.zok", {{"model_name", detail::comment_text(model.name)},
                                  {"input_size", std::to_string(s.inputs)},
                                  {"input_max", std::to_string(model.input_max)},
                                  {"input_bits", std::to_string(model.input_bits)},
                                  {"parameter_summary", p.summary},
                                  {"imports", input.imports + p.imports},
                                  {"input_parameters", input.parameters},
                                  {"parameters", p.parameters},
                                  {"input_checks", input.checks},
                                  {"commitment", p.commitment},
                                  {"hidden", hidden},
                                  {"logits", logits},
                                  {"argmax", detail::argmax_statements(std::vector<Interval>(s.classes, y))}});
    return circuit;
}

std::vector<Value> both_private_arguments(const QuantizedModel& model, const std::vector<std::int64_t>& input,
                                          const FieldElement& salt, const FieldElement& commitment) {
    std::vector<Value> arguments = detail::private_input_values(input, model.input_bits);
    for (const auto& tensor : model_parameters(model)) arguments.push_back(Value::fields(tensor.values));
    arguments.push_back(Value::of_field(salt));
    arguments.push_back(Value::of_field(commitment));
    return arguments;
}

BothPrivatePublic decode_both_private_public(const Abi& abi, const std::vector<FieldElement>& public_inputs) {
    const PublicValues values(abi, public_inputs, {"class"});
    return {values.field("commitment"), static_cast<int>(values.integer("class"))};
}

}  // namespace zokml
