#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <regex>
#include <set>

#include "core/templates.hpp"
#include "support.hpp"
#include "zokml/circuit/private_input.hpp"

using namespace zokml;
using Catch::Contains;

namespace {

Layer head(Layer::Kind kind) {
    Layer layer;
    layer.kind = kind;
    return layer;
}

// inputs -> Dense(weights, biases) [-> ReLU] -> Argmax, inputs in [0, 1] as 8-bit integers.
QuantizedModel one_layer(std::size_t inputs, std::vector<double> weights, std::vector<double> biases, bool relu) {
    const std::size_t outputs = biases.size();
    Model model{"one-layer", inputs, 0.0, 1.0, {Layer{Layer::Kind::Dense, {inputs, outputs, std::move(weights), std::move(biases)}}}};
    if (relu) model.layers.push_back(head(Layer::Kind::ReLU));
    model.layers.push_back(head(Layer::Kind::Argmax));
    return quantize(model);
}

// 3 inputs -> Dense(2) -> ReLU -> Dense(2) -> Argmax.
QuantizedModel tiny() {
    const Model model{"tiny", 3, 0.0, 1.0,
                      {Layer{Layer::Kind::Dense, {3, 2, {1, -2, 0.5, 0.25, 0.5, -1}, {0.1, -0.1}}}, head(Layer::Kind::ReLU),
                       Layer{Layer::Kind::Dense, {2, 2, {1, 0.5, -0.5, 1}, {0, 0}}}, head(Layer::Kind::Argmax)}};
    return quantize(model);
}

const Circuit& shipped_circuit() {
    static const Circuit circuit = generate_private_input_circuit(quantize(load_model(test::example_model("mnist-784-16-10.json"))));
    return circuit;
}

std::set<std::string> file_names(const Circuit& circuit) {
    std::set<std::string> names;
    for (const auto& [name, text] : circuit.files) names.insert(name);
    return names;
}

// The number of terms of each `field sN = ...` statement of a chunk module.
std::vector<std::size_t> statement_terms(const std::string& chunk) {
    std::vector<std::size_t> terms;
    const std::regex statement(R"(field s\d+ = ([^;]*);)");
    for (std::sregex_iterator it(chunk.begin(), chunk.end(), statement), end; it != end; ++it) {
        const std::string sum = (*it)[1];
        std::size_t count = 0;
        for (std::size_t pos = sum.find("x["); pos != std::string::npos; pos = sum.find("x[", pos + 1)) ++count;
        terms.push_back(count);
    }
    return terms;
}

std::string activation(const std::string& neuron) {
    const auto begin = neuron.find("return ");
    return neuron.substr(begin + 7, neuron.find(';', begin) - begin - 7);
}

}  // namespace

TEST_CASE("a circuit has main, sign, one module per neuron and one per neuron and non-zero chunk", "[generator]") {
    // Chunks of 2: the 3 inputs make chunks {0, 1} and {2}; the 2 hidden values make one chunk.
    const Circuit circuit = generate_private_input_circuit(tiny(), {.chunk_size = 2});
    CHECK(file_names(circuit) == std::set<std::string>{"main.zok", "is_nonnegative.zok", "input_bits_check.zok", "l0/n0.zok", "l0/n0_c0.zok", "l0/n0_c1.zok",
                                                       "l0/n1.zok", "l0/n1_c0.zok", "l0/n1_c1.zok", "l1/n0.zok",
                                                       "l1/n0_c0.zok", "l1/n1.zok", "l1/n1_c0.zok"});
    CHECK(circuit.main_file == "main.zok");
}

TEST_CASE("main splits the input into chunk arrays and calls each neuron with them", "[generator]") {
    const std::string main = generate_private_input_circuit(tiny(), {.chunk_size = 2}).files.at("main.zok");
    CHECK_THAT(main, Contains("    field[2] x_c0 = x[0..2];\n    field[1] x_c1 = x[2..3];\n"));
    CHECK_THAT(main, Contains("    field a0_0 = l0_n0(x_c0, x_c1);\n"));
    CHECK_THAT(main, Contains("    field[2] a0_c0 = [a0_0, a0_1];\n"));
    CHECK_THAT(main, Contains("    field y1 = l1_n1(a0_c0);\n"));
    CHECK_THAT(main, Contains("import \"./l1/n1\" as l1_n1;\n"));
}

TEST_CASE("main range checks every input with its high bits, each bit and the rest asserted 0 or 1, chunk by chunk",
          "[generator]") {
    const Circuit circuit = generate_private_input_circuit(tiny());
    const std::string main = circuit.files.at("main.zok");
    CHECK_THAT(main, Contains("def main(private field[3] x, private field[3][7] x_bits) -> field {"));
    CHECK_THAT(main, Contains("assert(input_bits_check(x[0..3], x_bits[0..3]));"));
    const std::string check = circuit.files.at("input_bits_check.zok");
    CHECK_THAT(check, Contains("def check(field x, field[7] b) -> bool {"));
    CHECK_THAT(check, Contains("for u32 i in 0..N {\n        assert(check(x[i], b[i]));\n    }"));
    for (int j = 0; j < 7; ++j) CHECK_THAT(check, Contains(fmt::format("assert(b[{0}] * (b[{0}] - 1) == 0);", j)));
    CHECK_THAT(check, Contains("field low = x - (b[0] * 128 + b[1] * 64 + b[2] * 32 + b[3] * 16 + b[4] * 8 + b[5] * 4 + "
                               "b[6] * 2);\n    assert(low * (low - 1) == 0);"));
    const std::string shipped = shipped_circuit().files.at("main.zok");
    CHECK_THAT(shipped, Contains("assert(input_bits_check(x[0..56], x_bits[0..56]));") &&
                            Contains("assert(input_bits_check(x[728..784], x_bits[728..784]));"));
    // 1-bit inputs are their own bit.
    QuantizedModel one_bit = tiny();
    one_bit.input_bits = 1;
    one_bit.input_max = 1;
    CHECK_THAT(generate_private_input_circuit(one_bit).files.at("main.zok"),
               Contains("def main(private field[3] x) -> field {") && Contains("assert(x[i] * (x[i] - 1) == 0);"));
}

TEST_CASE("a chunk of 56 non-zero weights is written as two statements of 28 terms", "[generator]") {
    const Circuit circuit = generate_private_input_circuit(one_layer(56, std::vector<double>(56, 0.5), {0.0}, false));
    CHECK(statement_terms(circuit.files.at("l0/n0_c0.zok")) == std::vector<std::size_t>{28, 28});
    CHECK_THAT(circuit.files.at("l0/n0_c0.zok"), Contains("    return s0 + s1;\n"));
}

TEST_CASE("a larger chunk is split into statements of at most 28 terms", "[generator]") {
    const Circuit circuit = generate_private_input_circuit(one_layer(100, std::vector<double>(100, 0.5), {0.0}, false),
                                                           {.chunk_size = 100});
    CHECK(statement_terms(circuit.files.at("l0/n0_c0.zok")) == std::vector<std::size_t>{28, 28, 28, 16});
    CHECK_THAT(circuit.files.at("l0/n0_c0.zok"), Contains("    return s0 + s1 + s2 + s3;\n"));
}

TEST_CASE("no chunk statement of the shipped model has more than 28 terms", "[generator]") {
    std::size_t chunks = 0;
    for (const auto& [name, text] : shipped_circuit().files) {
        if (name.find("/n") == std::string::npos || name.find("_c") == std::string::npos) continue;  // l{n}/n{o}_c{k}.zok
        ++chunks;
        const auto terms = statement_terms(text);
        INFO(name);
        REQUIRE(!terms.empty());
        for (const auto t : terms) CHECK(t <= 28);
    }
    CHECK(chunks == 16 * 14 + 10);  // 784 inputs in 14 chunks of 56; 16 hidden values in one
}

TEST_CASE("zero weights are left out of a chunk's sum", "[generator]") {
    const Circuit circuit = generate_private_input_circuit(one_layer(3, {1.0, 0.0, -0.5}, {0.0}, false));
    CHECK_THAT(circuit.files.at("l0/n0_c0.zok"), Contains("    field s0 = x[0] * 256 - x[2] * 128;\n"));
}

TEST_CASE("a chunk whose weights are all zero has no module and is not summed", "[generator]") {
    // Chunks of 2: inputs {0, 1} have zero weights, input 2 has weight 1.
    const Circuit circuit = generate_private_input_circuit(one_layer(3, {0.0, 0.0, 1.0}, {0.0}, false), {.chunk_size = 2});
    CHECK(circuit.files.count("l0/n0_c0.zok") == 0);
    REQUIRE(circuit.files.count("l0/n0_c1.zok") == 1);
    const std::string& neuron = circuit.files.at("l0/n0.zok");
    CHECK_THAT(neuron, Contains("def main(field[2] c0, field[1] c1) -> field {"));
    CHECK_THAT(neuron, Contains("    field v = dot1(c1);\n"));
    CHECK(neuron.find("dot0") == std::string::npos);
}

TEST_CASE("a neuron whose weights are all zero is its bias constant", "[generator]") {
    const Circuit circuit = generate_private_input_circuit(one_layer(1, {0.0, 1.0, 0.0}, {0.5, 0.0, -0.5}, false));
    // Shift 8 for the largest weight 1.0 at 10 bits (2^9 = 512 > 511): scale 255 * 256 = 65280.
    CHECK_THAT(circuit.files.at("l0/n0.zok"), Contains("    field v = 32640;\n"));
    CHECK_THAT(circuit.files.at("l0/n2.zok"), Contains("    field v = 0 - 32640;\n"));
}

TEST_CASE("a negative bias is subtracted as \"- N\"", "[generator]") {
    const Circuit circuit = generate_private_input_circuit(one_layer(1, {1.0}, {-0.25}, false));
    CHECK_THAT(circuit.files.at("l0/n0.zok"), Contains("    field v = dot0(c0) - 16320;\n"));
}

TEST_CASE("a leading negative weight is written as a subtraction from 0", "[generator]") {
    const Circuit circuit = generate_private_input_circuit(one_layer(2, {-1.0, 0.5}, {0.0}, false));
    CHECK_THAT(circuit.files.at("l0/n0_c0.zok"), Contains("    field s0 = 0 - x[0] * 256 + x[1] * 128;\n"));
}

TEST_CASE("a ReLU neuron whose bounds are all >= 0 has no sign test", "[generator]") {
    const QuantizedModel model = one_layer(2, {1.0, 0.5, -1.0, 0.5}, {0.0, 0.0}, true);
    REQUIRE(model.layers[0].bounds[0].lo >= 0);
    const Circuit circuit = generate_private_input_circuit(model);
    CHECK(activation(circuit.files.at("l0/n0.zok")) == "v");
    CHECK(circuit.files.at("l0/n0.zok").find("is_nonnegative::<") == std::string::npos);
}

TEST_CASE("a ReLU neuron whose bounds are all <= 0 returns 0", "[generator]") {
    const QuantizedModel model = one_layer(2, {1.0, 0.5, -1.0, -0.5}, {0.0, 0.0}, true);
    REQUIRE(model.layers[0].bounds[1].hi <= 0);
    CHECK(activation(generate_private_input_circuit(model).files.at("l0/n1.zok")) == "0");
}

TEST_CASE("a neuron without ReLU returns its value whatever its bounds", "[generator]") {
    const Circuit circuit = generate_private_input_circuit(one_layer(2, {1.0, -0.5}, {0.0}, false));
    CHECK(activation(circuit.files.at("l0/n0.zok")) == "v");
    CHECK(circuit.files.at("l0/n0.zok").find("import \"../sign\"") == std::string::npos);
}

TEST_CASE("a ReLU neuron's sign test has the width of its bounds", "[generator]") {
    // Bounds 128 * [0, 255] - 256 * [0, 255] + 0 = [-65280, 32640]: 17 bits (2^16 = 65536).
    const QuantizedModel model = one_layer(2, {0.5, -1.0}, {0.0}, true);
    REQUIRE(model.layers[0].bounds[0] == Interval{-65280, 32640});
    const std::string& neuron = generate_private_input_circuit(model).files.at("l0/n0.zok");
    CHECK(activation(neuron) == "is_nonnegative::<17>(v) ? v : 0");
    CHECK_THAT(neuron, Contains("[-65280, 32640]"));
}

TEST_CASE("every sign test width of the shipped model's hidden layer is sign_test_bits of its bounds", "[generator]") {
    const QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")));
    const auto& bounds = model.layers[0].bounds;
    for (std::size_t o = 0; o < bounds.size(); ++o) {
        INFO("neuron " << o << " bounds [" << bounds[o].lo << ", " << bounds[o].hi << "]");
        REQUIRE(bounds[o].lo < 0);
        REQUIRE(bounds[o].hi > 0);
        CHECK(activation(shipped_circuit().files.at("l0/n" + std::to_string(o) + ".zok")) ==
              "is_nonnegative::<" + std::to_string(sign_test_bits(bounds[o])) + ">(v) ? v : 0");
    }
}

TEST_CASE("argmax skips a logit that can never win and decides one that always wins", "[generator]") {
    // Scale 65280 (weight 1.0 -> 256): y0 = 32640, y1 = -32640, y2 in [0, 65280], y3 = 130560.
    const QuantizedModel model = one_layer(1, {0.0, 0.0, 1.0, 0.0}, {0.5, -0.5, 0.0, 2.0}, false);
    REQUIRE(model.layers[0].bounds == std::vector<Interval>{{32640, 32640}, {-32640, -32640}, {0, 65280}, {130560, 130560}});
    const std::string main = generate_private_input_circuit(model).files.at("main.zok");
    CHECK(main.find("y1 - ") == std::string::npos);  // y1 < y0 always: never compared
    // y2 - best - 1 with best = y0 lies in [-32641, 32639]: 16 bits.
    CHECK(std::regex_search(main, std::regex(R"(bool \w*g2 = is_nonnegative::<16>\(y2 - \w*best - 1\);)")));
    CHECK(std::regex_search(main, std::regex(R"(bool \w*g3 = true;)")));  // above every earlier logit's bound
    CHECK(std::regex_search(main, std::regex(R"(class = \w*g3 \? 3 : class;)")));
}

TEST_CASE("argmax replaces the best only for a strictly greater logit: the first maximum wins", "[generator]") {
    const std::string main = generate_private_input_circuit(tiny()).files.at("main.zok");
    // best starts at y0 with class 0; y1 takes over only when y1 - best - 1 >= 0, i.e. y1 > best.
    CHECK(std::regex_search(main, std::regex(R"(field mut (\w*best) = y0;\n    field mut class = 0;\n)"
                                             R"(    bool (\w*g1) = is_nonnegative::<\d+>\(y1 - \1 - 1\);\n)"
                                             R"(    \1 = \2 \? y1 : \1;\n    class = \2 \? 1 : class;\n)")));
}

TEST_CASE("a ReLU that does not follow a Dense layer is not expressed", "[generator]") {
    QuantizedModel model = tiny();
    model.layers.insert(model.layers.begin(), model.layers[1]);  // ReLU first
    CHECK_THROWS_WITH(generate_private_input_circuit(model), Contains("layers[0]") && Contains("must follow a Dense layer"));
}

TEST_CASE("a chunk size of zero is rejected", "[generator]") {
    CHECK_THROWS_WITH(generate_private_input_circuit(tiny(), {.chunk_size = 0}), Contains("chunk_size"));
}

TEST_CASE("render_template fills every placeholder", "[generator]") {
    const std::string text = detail::render_template(
        "dense_chunk.zok", {{"description", "d"}, {"size", "2"}, {"statements", "    field s0 = x[0];"}, {"result", "s0"}});
    CHECK(text == "// zokml: d\n"
                  "// A partial dot product with constant weights: a linear combination, no constraint.\n"
                  "def main(field[2] x) -> field {\n"
                  "    field s0 = x[0];\n"
                  "    return s0;\n"
                  "}\n");
}

TEST_CASE("render_template rejects a placeholder without a value", "[generator]") {
    CHECK_THROWS_WITH(detail::render_template("dense_chunk.zok", {{"description", "d"}, {"size", "2"}, {"statements", ""}}),
                      Contains("no value for {{result}}"));
}

TEST_CASE("render_template rejects a value without a placeholder", "[generator]") {
    CHECK_THROWS_WITH(detail::render_template("is_nonnegative.zok", {{"unknown", "x"}}), Contains("{{unknown}} does not appear"));
}

TEST_CASE("render_template rejects an unknown template", "[generator]") {
    CHECK_THROWS_AS(detail::render_template("missing.zok", {}), std::logic_error);
    CHECK_THROWS_WITH(detail::render_template("missing.zok", {}), Contains("no embedded template missing.zok"));
}

TEST_CASE("an argmax right after a ReLU compares the values after the ReLU", "[generator]") {
    // Both pre-activations are negative, so both logits are 0 after the ReLU and class 0 wins:
    // the comparison must not be decided from the pre-activation bounds.
    const auto main = generate_private_input_circuit(one_layer(1, {-1.0, 0.0}, {-0.5, -0.1}, true)).files.at("main.zok");
    CHECK_THAT(main, !Contains("= true;"));
}

// Counts the bundled toolchain compiled (zokml compile; docs/circuit-layout.md, docs/benchmarks.md).
TEST_CASE("the constraint estimate is the compiled count of the shipped MLPs and CNNs", "[generator]") {
    const auto estimate = [](const std::string& file, unsigned activation_bits) {
        return estimate_private_input_constraints(quantize(load_model(test::example_model(file)), {8, 10, activation_bits}));
    };
    CHECK(estimate("mnist-784-56-10.json", 0) == 8023);
    CHECK(estimate("mnist-784-16-10.json", 0) == 6992);
    CHECK(estimate("mnist-cnn-small.onnx", 16) == 19383);
    CHECK(estimate("mnist-cnn.onnx", 16) == 34952);
    CHECK(estimate("mnist-cnn-99.onnx", 16) == 37341);
}
