#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>

#include "core/templates.hpp"
#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;
using Catch::Contains;
using K = Layer::Kind;

namespace {

Layer of_kind(K kind) {
    Layer layer;
    layer.kind = kind;
    return layer;
}

Layer conv(Shape3 input, std::size_t filters, Window2D window, std::vector<double> weights, std::vector<double> biases) {
    Layer layer = of_kind(K::Conv2D);
    layer.conv = {input, filters, window, std::move(weights), std::move(biases)};
    return layer;
}

Layer pool(K kind, Shape3 input, Window2D window) {
    Layer layer = of_kind(kind);
    layer.pool = {input, window};
    return layer;
}

Layer dense(std::size_t inputs, std::size_t outputs, std::vector<double> weights, std::vector<double> biases) {
    Layer layer = of_kind(K::Dense);
    layer.dense = {inputs, outputs, std::move(weights), std::move(biases)};
    return layer;
}

std::vector<double> uniform(std::mt19937& random, std::size_t n) {
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    std::vector<double> out(n);
    for (auto& v : out) v = value(random);
    return out;
}

// Every kind of layer the small shipped CNN does not have, over MNIST digits, random weights:
// AvgPool on the pixels -> ReLU (a rescale without ReLU: the sums are >= 0) -> Conv 3x3x4, padding
// 1 -> AvgPool (computed with the convolution as one) -> MaxPool 2x2, stride 1 -> ReLU -> Flatten
// -> Dense 144 -> 10 -> Argmax.
Model pooling_model() {
    std::mt19937 random(7);
    Model m{"pooling", 784, 0.0, 1.0, {}};
    m.layers.push_back(pool(K::AvgPool, {1, 28, 28}, {2, 2, 2, 2}));
    m.layers.push_back(of_kind(K::ReLU));
    m.layers.push_back(conv({1, 14, 14}, 4, {3, 3, 1, 1, 1, 1, 1, 1}, uniform(random, 36), uniform(random, 4)));
    m.layers.push_back(pool(K::AvgPool, {4, 14, 14}, {2, 2, 2, 2}));
    m.layers.push_back(pool(K::MaxPool, {4, 7, 7}, {2, 2, 1, 1}));
    m.layers.push_back(of_kind(K::ReLU));
    m.layers.push_back(of_kind(K::Flatten));
    m.layers.push_back(dense(144, 10, uniform(random, 1440), uniform(random, 10)));
    m.layers.push_back(of_kind(K::Argmax));
    return m;
}

// The pooling model with its AvgPool reading the convolution's 4 x 14 x 14 output as 4 x 7 x 28 (the
// same values, another shape): no fusion. The fused step read out of bounds (found by fuzzing).
Model reshaped_pooling_model() {
    std::mt19937 random(9);
    Model m = pooling_model();
    m.name = "reshaped";
    m.layers[3] = pool(K::AvgPool, {4, 7, 28}, {2, 2, 2, 2});  // -> 4 x 3 x 14
    m.layers.erase(m.layers.begin() + 4);                     // the MaxPool
    m.layers[6] = dense(168, 10, uniform(random, 1680), uniform(random, 10));
    return m;
}

constexpr QuantizationOptions kRescaled{8, 10, 8};  // activations to 8 bits: every rescale path is taken

const Model& small_cnn() {
    static const Model model = load_onnx(test::example_model("mnist-cnn-small.onnx"));
    return model;
}
const QuantizedModel& small_cnn_quantized() {
    static const QuantizedModel model = quantize(small_cnn(), {8, 10, 16});
    return model;
}
const QuantizedModel& pooling_quantized() {
    static const QuantizedModel model = quantize(pooling_model(), kRescaled);
    return model;
}

// 1 x 2 x 2 input -> one 2x2 filter [[1, -1], [0.5, 0]] with padding 1 all round -> 1 x 3 x 3.
Model padded_conv() {
    return Model{"padded", 4, 0.0, 1.0, {conv({1, 2, 2}, 1, {2, 2, 1, 1, 1, 1, 1, 1}, {1, -1, 0.5, 0}, {0.25})}};
}

}  // namespace

// ---- model format and float inference ---------------------------------------------------------

TEST_CASE("a model with conv2d, pooling and flatten layers saves and loads back equal", "[conv]") {
    test::TempDir dir;
    const Model model = pooling_model();
    save_model(model, dir / "pooling.json");
    const Model loaded = load_model(dir / "pooling.json");
    CHECK(model_to_json(loaded) == model_to_json(model));
    CHECK(loaded.layers[2].conv.window == Window2D{3, 3, 1, 1, 1, 1, 1, 1});
    CHECK(loaded.layer_output_sizes() == std::vector<std::size_t>{196, 196, 784, 196, 144, 144, 144, 10, 1});
    const auto json = model_to_json(model)["layers"][2];
    CHECK(json["weights"].size() == 4);  // one row per filter
    CHECK(json["weights"][0].size() == 9);
    CHECK(json["padding"] == nlohmann::json{1, 1, 1, 1});
}

TEST_CASE("a conv2d layer whose input shape does not match the values entering it is refused", "[conv]") {
    nlohmann::json document = model_to_json(pooling_model());
    document["layers"][2]["input"] = {1, 14, 15};
    try {
        model_from_json(document, "pooling.json");
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.field() == "layers[2].input");
        CHECK_THAT(e.reason(), Contains("1 x 14 x 15 = 210 values, but 196 values enter this layer"));
    }
}

TEST_CASE("a window larger than the padded input is refused", "[conv]") {
    nlohmann::json document = model_to_json(pooling_model());
    document["layers"][4]["kernel"] = {8, 2};
    CHECK_THROWS_WITH(model_from_json(document, "pooling.json"),
                      Contains("layers[4].kernel") && Contains("larger than the input (7 x 7)"));
}

TEST_CASE("pooling layers take no padding member, and unknown members are refused", "[conv]") {
    nlohmann::json document = model_to_json(pooling_model());
    document["layers"][0]["padding"] = {0, 0, 0, 0};
    CHECK_THROWS_WITH(model_from_json(document), Contains("layers[0].padding") && Contains("unknown member"));
}

TEST_CASE("float convolution with padding, average and max pooling compute the hand-worked values", "[conv]") {
    // Input [[1, 2], [3, 4]] with zeros around it; output (y, x) is
    // P[y][x] - P[y][x+1] + 0.5 P[y+1][x] + 0.25 over the padded input P.
    CHECK(run_float(padded_conv(), {1, 2, 3, 4}) ==
          std::vector<double>{0.25, 0.75, 1.25, -0.75, 0.75, 4.25, -2.75, -0.75, 4.25});
    Model pools{"pools", 4, 0.0, 1.0, {pool(K::AvgPool, {1, 2, 2}, {2, 2, 1, 1})}};
    CHECK(run_float(pools, {1, 2, 3, 4}) == std::vector<double>{2.5});
    pools.layers[0].kind = K::MaxPool;
    CHECK(run_float(pools, {1, 2, 3, 4}) == std::vector<double>{4});
}

// ---- quantization and the integer reference ---------------------------------------------------

TEST_CASE("a Conv2D's bounds are per position, the padding contributing exactly zero", "[conv]") {
    // Weights x 2^8: [[256, -256], [128, 0]], bias 0.25 * 65280 = 16320; inputs in [0, 255].
    const QuantizedModel q = quantize(padded_conv());
    CHECK(q.layers[0].conv.weights == std::vector<std::int64_t>{256, -256, 128, 0});
    CHECK(q.layers[0].scale == 255.0 * 256);
    const auto& b = q.layers[0].bounds;
    CHECK(b[0] == Interval{16320, 16320});              // (0, 0): only the weight-0 tap sees input
    CHECK(b[1] == Interval{16320, 16320 + 128 * 255});  // (0, 1): the 128 tap sees input (0, 0)
    CHECK(b[3] == Interval{16320 - 256 * 255, 16320});  // (1, 0): the -256 tap sees input (0, 0)
    CHECK(b[4] == Interval{16320 - 256 * 255, 16320 + (256 + 128) * 255});  // (1, 1): every tap
}

TEST_CASE("AvgPool outputs window sums at n times the scale, MaxPool the largest value at the same scale", "[conv]") {
    Model m{"pools", 16, 0.0, 1.0, {pool(K::AvgPool, {1, 4, 4}, {2, 2, 2, 2}), pool(K::MaxPool, {1, 2, 2}, {2, 2, 1, 1})}};
    const QuantizedModel q = quantize(m);
    CHECK(q.layers[0].scale == 255.0 * 4);
    CHECK(q.layers[0].bounds == std::vector<Interval>(4, Interval{0, 1020}));
    CHECK(q.layers[1].scale == 255.0 * 4);
    const auto trace = run_reference(q, {1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 9, 9, 0, 0, 9, 9});
    CHECK(trace.layer_outputs[0] == std::vector<std::int64_t>{10, 0, 0, 36});
    CHECK(trace.layer_outputs[1] == std::vector<std::int64_t>{36});
}

TEST_CASE("rescale_value is v / 2^k rounded half up, for negative values too", "[conv]") {
    CHECK(rescale_value(5, 1) == 3);    // 2.5
    CHECK(rescale_value(-5, 1) == -2);  // -2.5
    CHECK(rescale_value(-6, 2) == -1);  // -1.5
    CHECK(rescale_value(7, 2) == 2);    // 1.75
    CHECK(rescale_value(-7, 2) == -2);  // -1.75
    CHECK(rescale_value(-7, 0) == -7);
}

TEST_CASE("with activation_bits a layer before a ReLU is rescaled to fit them, and only such a layer", "[conv]") {
    const QuantizedModel q = pooling_quantized();
    // AvgPool of pixels: [0, 1020] needs 11 sign bits, 3 more than 8; but (1020 + 4) / 2^3 = 128
    // needs 9, so the rescale is by 2^4: (1020 + 8) / 16 = 64.
    CHECK(q.layers[0].rescale_bits == 4);
    CHECK(q.layers[0].exact_bounds[0] == Interval{0, 1020});
    CHECK(q.layers[0].bounds[0] == Interval{0, 64});
    CHECK(q.layers[0].scale == 255.0 * 4 / 16);
    CHECK(sign_test_bits(hull(q.layers[0].bounds)) <= 8);
    CHECK(q.layers[2].rescale_bits == 0);  // the convolution feeds an AvgPool, not a ReLU
    CHECK(q.layers[3].rescale_bits == 0);  // the AvgPool feeds a MaxPool
    CHECK(q.layers[7].rescale_bits == 0);  // the logits
    const QuantizedModel plain = quantize(pooling_model());
    for (const auto& layer : plain.layers) CHECK(layer.rescale_bits == 0);
    CHECK(plain.fingerprint() != q.fingerprint());
}

TEST_CASE("the reference's values of every new layer lie within their static bounds on real digits", "[conv]") {
    for (const QuantizedModel* model : {&pooling_quantized(), &small_cnn_quantized()}) {
        for (std::size_t d = 0; d < 40; ++d) {
            const auto trace = run_reference(*model, digit_input(*model, held_out_digits()[d * 41]));
            for (std::size_t l = 0; l < model->layers.size(); ++l)
                for (std::size_t i = 0; i < trace.layer_outputs[l].size(); ++i) {
                    const Interval b = model->layers[l].bounds[i];
                    INFO(model->name << " layer " << l << " value " << i);
                    REQUIRE(trace.layer_outputs[l][i] >= b.lo);
                    REQUIRE(trace.layer_outputs[l][i] <= b.hi);
                }
        }
    }
}

TEST_CASE("the fidelity report follows every layer of the shipped CNN within its rounding", "[conv]") {
    const Model model = load_onnx(test::example_model("mnist-cnn.onnx"));
    const QuantizedModel q = quantize(model, {8, 10, 16});
    const std::vector<Digit> digits(held_out_digits().begin(), held_out_digits().begin() + 100);
    const FidelityReport report = fidelity_report(model, q, digits);
    REQUIRE(report.layers.size() == model.layers.size() - 1);  // every layer but the Argmax
    CHECK(report.fidelity.inputs == 100);
    CHECK(report.circuit_digits == 0);
    for (const auto& layer : report.layers) {
        INFO("layer " << layer.layer);
        CHECK(layer.max_abs_error < 0.02 * layer.max_abs_float);
        if (layer.kind == K::Conv2D || layer.kind == K::Dense) CHECK(layer.weight_bits == 10);
        if (layer.rescale_bits > 0) CHECK(layer.value_bits <= 16);
    }
    CHECK(report.layers[1].rescale_bits > 0);  // the pooled values before the first ReLU
}

// ---- the generated circuit --------------------------------------------------------------------

TEST_CASE("a CNN circuit has a layer module per convolution or pooling and a module per output row", "[conv]") {
    const Circuit circuit = generate_private_input_circuit(small_cnn_quantized());
    CHECK(circuit.files.count("l0/layer.zok") == 1);
    CHECK(circuit.files.count("relu_rescale.zok") == 1);
    for (std::size_t f = 0; f < 4; ++f)
        for (std::size_t y = 0; y < 12; ++y) CHECK(circuit.files.count(fmt::format("l0/f{}_r{}.zok", f, y)) == 1);
    const std::string& main = circuit.files.at("main.zok");
    CHECK_THAT(main, Contains("    field[1][28][28] x_t = [[x[0..28], x[28..56],"));
    CHECK_THAT(main, Contains("    field[4][12][12] a0 = l0(x_t);\n"));
    CHECK_THAT(main, Contains("    field[56] a0_c0 = [a0[0][0][0], a0[0][0][1],"));
    CHECK_THAT(circuit.files.at("l0/f0_r0.zok"), Contains("def main(field[28] r0_0, field[28] r0_1, field[28] r0_2, "
                                                          "field[28] r0_3, field[28] r0_4) -> field[12] {"));
}

TEST_CASE("no statement of a CNN circuit has more than 28 terms", "[conv]") {
    // The second convolution of the shipped CNN has 6 x 6 x 6 = 216 terms per pooled output.
    const Circuit circuit = generate_private_input_circuit(quantize(load_onnx(test::example_model("mnist-cnn.onnx")), {8, 10, 16}));
    const std::regex statement(R"(field v\d+(_\d+)? = ([^;]*);)");
    std::size_t statements = 0;
    for (const auto& [name, text] : circuit.files) {
        for (std::sregex_iterator it(text.begin(), text.end(), statement), end; it != end; ++it) {
            const std::string sum = (*it)[2];
            const auto terms = std::count(sum.begin(), sum.end(), '[');  // one array element per term
            INFO(name << ": " << sum.substr(0, 80));
            CHECK(terms <= 28);
            ++statements;
        }
    }
    CHECK(statements > 1000);
}

TEST_CASE("a Conv2D followed by an AvgPool is computed as one convolution with the summed kernel", "[conv]") {
    const Circuit circuit = generate_private_input_circuit(pooling_quantized());
    const std::string& main = circuit.files.at("main.zok");
    CHECK_THAT(main, Contains("// Layer 1: conv2d 1x14x14 -> 4x14x14 (3x3, stride 1x1, padding 1,1,1,1), then avgpool 4x14x14 -> "
                              "4x7x7 (2x2, stride 2x2): one conv2d 1x14x14 -> 4x7x7 (4x4, stride 2x2, padding 1,1,1,1)."));
    CHECK_THAT(main, Contains("    field[4][7][7] a1 = l1(a0);\n"));
    // Every pooled output is one linear combination of at most 16 inputs.
    CHECK_THAT(circuit.files.at("l1/f0_r3.zok"), Contains("def main(field[14] r0_5, field[14] r0_6, field[14] r0_7, field[14] r0_8)"));
    CHECK(circuit.files.count("l2/layer.zok") == 1);  // the MaxPool
    CHECK(circuit.files.count("max.zok") == 1);
    CHECK(circuit.files.count("rescale.zok") == 1);  // the first ReLU of values >= 0 is a rescale only
}

TEST_CASE("a Conv2D followed by an AvgPool of another shape is not fused", "[conv][hostile]") {
    const Circuit circuit = generate_private_input_circuit(quantize(reshaped_pooling_model(), kRescaled));
    const std::string& main = circuit.files.at("main.zok");
    CHECK_THAT(main, !Contains("then avgpool"));
    CHECK_THAT(main, Contains("// Layer 2: avgpool 4x7x28 -> 4x3x14"));
}

TEST_CASE("a CNN circuit is generated deterministically", "[conv]") {
    const Circuit a = generate_private_input_circuit(pooling_quantized());
    const Circuit b = generate_private_input_circuit(quantize(pooling_model(), kRescaled));
    CHECK(a.files == b.files);
    CHECK(a.files.at("main.zok").find(pooling_quantized().fingerprint()) != std::string::npos);
}

TEST_CASE("a ReLU on the input itself cannot become a private-input circuit", "[conv]") {
    QuantizedModel model = pooling_quantized();
    model.layers.insert(model.layers.begin(), model.layers[1]);
    CHECK_THROWS_WITH(generate_private_input_circuit(model), Contains("layers[0]") && Contains("must follow a Dense layer"));
}

// ---- circuits through the real toolchain ------------------------------------------------------

namespace {

using Compiled = test::CompiledCircuit;

const PrivateInputOptions kWithLogits{.expose_logits = true};

const Compiled& small_cnn_circuit() {
    static const Compiled compiled(generate_private_input_circuit(small_cnn_quantized(), kWithLogits));
    return compiled;
}

// The class and logits of `model`'s circuit on held-out digits equal the integer reference's.
void check_against_reference(const QuantizedModel& model, const Compiled& compiled, std::size_t digits, std::size_t step,
                             std::size_t least_classes) {
    std::set<int> classes;
    for (std::size_t d = 0; d < digits; ++d) {
        const Digit& digit = held_out_digits()[d * step];
        const auto input = digit_input(model, digit);
        INFO(model.name << ": held-out digit " << d * step << ", label " << digit.label);
        classes.insert(test::check_equals_reference(compiled, model, kWithLogits, input).predicted_class);
    }
    CHECK(classes.size() >= least_classes);  // the argmax really moves
}

// A hand-written program over the helper modules, compiled once per text.
const Compiled& wrapper(const std::string& main) {
    static std::map<std::string, std::unique_ptr<Compiled>> compiled;
    auto& slot = compiled[main];
    if (!slot) {
        Circuit circuit;
        for (const char* helper : {"is_nonnegative", "rescale", "relu_rescale", "max"})
            circuit.files[std::string(helper) + ".zok"] = detail::render_template(std::string(helper) + ".zok", {});
        circuit.files["main.zok"] = main;
        slot = std::make_unique<Compiled>(circuit);
    }
    return *slot;
}

std::vector<Value> fields(std::initializer_list<std::int64_t> values) {
    std::vector<Value> out;
    for (const auto v : values) out.push_back(Value::of_field(v));
    return out;
}

// y and r as private inputs with v = y * 256 + r: the linear equation holds for any pair, so
// only the module's decomposition can tell an out-of-range remainder.
const std::string kRescaleByRemainder = R"(import "./rescale" as rescale;
def main(private field y, private field r) -> field {
    assert(rescale::<20, 8>(y * 256 + r) == y);
    return y;
}
)";
const std::string kReluRescaleByRemainder = R"(import "./relu_rescale" as relu_rescale;
def main(private field y, private field r) -> field {
    assert(relu_rescale::<20, 8>(y * 256 + r) == y);
    return y;
}
)";
const std::string kRescale = R"(import "./rescale" as rescale;
def main(private field v) -> field {
    return rescale::<20, 8>(v);
}
)";
const std::string kMax = R"(import "./max" as max;
def main(private field a, private field b) -> field {
    return max::<10>(a, b);
}
)";

}  // namespace

TEST_CASE("the small CNN's class and logits equal the integer reference on real held-out digits", "[cnn][slow]") {
    check_against_reference(small_cnn_quantized(), small_cnn_circuit(), 10, 191, 6);
}

TEST_CASE("pooling, rescaling and a convolution fused with its pooling equal the reference on real digits", "[cnn][slow]") {
    const Compiled compiled(generate_private_input_circuit(pooling_quantized(), kWithLogits));
    check_against_reference(pooling_quantized(), compiled, 8, 233, 2);
}

TEST_CASE("a convolution whose pooling reads its output as another shape equals the reference on real digits", "[cnn][slow]") {
    const QuantizedModel model = quantize(reshaped_pooling_model(), kRescaled);
    const Compiled compiled(generate_private_input_circuit(model, kWithLogits));
    check_against_reference(model, compiled, 6, 311, 2);
}

TEST_CASE("the LeNet-style CNN's witness equals the reference on real digits", "[cnn][slow]") {
    const QuantizedModel model = quantize(load_onnx(test::example_model("mnist-cnn.onnx")), {8, 10, 16});
    const Compiled compiled(generate_private_input_circuit(model, kWithLogits));
    check_against_reference(model, compiled, 3, 677, 3);
}

TEST_CASE("an out-of-range pixel makes the CNN witness fail", "[cnn][slow]") {
    auto input = digit_input(small_cnn_quantized(), held_out_digits()[5]);
    CHECK_FALSE(small_cnn_circuit().fails(private_input_arguments(small_cnn_quantized(), kWithLogits, input)));
    input[14 * 28 + 14] = 256;
    CHECK(small_cnn_circuit().fails(private_input_arguments(small_cnn_quantized(), kWithLogits, input)));
}

TEST_CASE("a proof of a real digit through the small CNN verifies", "[cnn][slow]") {
    test::TempDir dir;
    ModelProver prover(test::real_toolchain(), {}, {small_cnn_quantized()}, dir / "prover");
    const auto input = digit_input(small_cnn_quantized(), held_out_digits()[9]);
    const ModelProof proof = prover.prove({.input = input});
    CHECK(std::get<PrivateInputPublic>(proof.public_output).predicted_class == run_reference(small_cnn_quantized(), input).predicted_class);
    CHECK(prover.verify(proof.proof));
}

TEST_CASE("the rescale accepts no quotient whose remainder is outside [0, 2^k)", "[cnn][slow]") {
    // 1000 = 3 * 256 + 232 and -1000 = -4 * 256 + 24.
    for (const auto* program : {&kRescaleByRemainder, &kReluRescaleByRemainder}) {
        const Compiled& w = wrapper(*program);
        CHECK_FALSE(w.fails(fields({3, 232})));
        CHECK(w.fails(fields({2, 488})));   // remainder 2^8 + 232
        CHECK(w.fails(fields({4, -24})));   // remainder -24
    }
    const Compiled& w = wrapper(kRescaleByRemainder);
    CHECK_FALSE(w.fails(fields({-4, 24})));
    CHECK(w.fails(fields({-3, -232})));
}

TEST_CASE("a value outside the rescale's static range makes the witness fail", "[cnn][slow]") {
    const Compiled& w = wrapper(kRescale);
    const std::int64_t half = std::int64_t(1) << 19;  // M = 20: v in [-2^19, 2^19)
    CHECK(w.output(fields({-1000})).field == FieldElement::from_int(-4));
    CHECK(w.output(fields({half - 1})).field == FieldElement::from_int(2047));
    CHECK(w.output(fields({-half})).field == FieldElement::from_int(-2048));
    CHECK(w.fails(fields({half})));
    CHECK(w.fails(fields({-half - 1})));
}

TEST_CASE("every bit of the rescale's decomposition survives compilation, the remainder's too", "[cnn][slow]") {
    // 20 boolean constraints and the packing: without the 8 remainder bits there would be 13.
    CHECK(wrapper(kRescale).program.constraints >= 21);
}

TEST_CASE("a max comparison outside its static width makes the witness fail", "[cnn][slow]") {
    const Compiled& w = wrapper(kMax);  // N = 10: a - b in [-512, 512)
    CHECK(w.output(fields({5, 9})).field == FieldElement::from_int(9));
    CHECK(w.output(fields({-3, -7})).field == FieldElement::from_int(-3));
    CHECK(w.output(fields({0, 512})).field == FieldElement::from_int(512));
    CHECK(w.fails(fields({512, 0})));
    CHECK(w.fails(fields({0, 513})));
}
