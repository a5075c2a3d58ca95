// Residual additions, Conv1d and no-op layers: the model format, quantization, the reference and
// the private-input circuit (docs/model-format.md, docs/onnx.md).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/folder.hpp"
#include "zokml/split/plan.hpp"
#include "zokml/split/prover.hpp"
#include "toolchain/subprocess.hpp"

using namespace zokml;
using Catch::Contains;
using K = Layer::Kind;
using nlohmann::json;

namespace {

Layer of_kind(K kind) {
    Layer layer;
    layer.kind = kind;
    return layer;
}

Layer dense(std::size_t inputs, std::size_t outputs, std::vector<double> weights, std::vector<double> biases) {
    Layer layer = of_kind(K::Dense);
    layer.dense = {inputs, outputs, std::move(weights), std::move(biases)};
    return layer;
}

Layer add(std::optional<std::size_t> from) {
    Layer layer = of_kind(K::Add);
    layer.add.from = from;
    return layer;
}

// 4 inputs -> dense 4x3 -> ReLU -> dense 3x3 -> add layer 1's values -> ReLU -> dense 3x2 -> argmax.
Model residual_mlp() {
    Model m{"residual", 4, 0.0, 1.0, {}};
    m.layers.push_back(dense(4, 3, {0.5, -0.25, 0.75, 0.1, -0.6, 0.3, 0.2, 0.9, 0.4, 0.4, -0.5, -0.2}, {0.1, 0.05, -0.1}));
    m.layers.push_back(of_kind(K::ReLU));
    m.layers.push_back(dense(3, 3, {0.3, -0.8, 0.5, -0.4, 0.6, 0.2, 0.7, 0.1, -0.9}, {-0.05, 0.2, 0.0}));
    m.layers.push_back(add(1));
    m.layers.push_back(of_kind(K::ReLU));
    m.layers.push_back(dense(3, 2, {1.0, -0.5, 0.25, -0.75, 0.5, 1.0}, {0.0, 0.1}));
    m.layers.push_back(of_kind(K::Argmax));
    return m;
}

InputError refusal(const json& document) {
    try {
        model_from_json(document, "model.json");
    } catch (const InputError& e) {
        return e;
    }
    throw std::runtime_error("the model was accepted");
}

}  // namespace

// ---- the model format -----------------------------------------------------------------------

TEST_CASE("an add layer saves and loads back equal, naming an earlier layer or the input", "[layers]") {
    test::TempDir dir;
    Model model = residual_mlp();
    save_model(model, dir / "residual.json");
    const json saved = json::parse(read_file(dir / "residual.json"));
    CHECK(saved["layers"][3] == json{{"type", "add"}, {"from", 1}});
    const Model loaded = load_model(dir / "residual.json");
    REQUIRE(loaded.layers.size() == model.layers.size());
    CHECK(loaded.layers[3].kind == K::Add);
    CHECK(loaded.layers[3].add.from == std::optional<std::size_t>(1));

    model.layers.insert(model.layers.begin() + 3, add(std::nullopt));  // dense 3 outputs: not the input's 4
    CHECK_THROWS_WITH(check_model(model), Contains("layers[3].from") && Contains("the input outputs 4 values") &&
                                              Contains("3 values enter"));
    json document = model_to_json(residual_mlp());
    document["input"]["size"] = 3;
    document["layers"][0]["inputs"] = 3;
    document["layers"][0]["weights"] = json::array({{0.5, 0.1, 0.2}, {0.3, 0.4, 0.5}, {0.6, 0.7, 0.8}});
    document["layers"][3]["from"] = "input";
    const Model from_input = model_from_json(document);
    CHECK(!from_input.layers[3].add.from);
    CHECK(model_to_json(from_input)["layers"][3]["from"] == "input");
}

TEST_CASE("an add naming itself, a later layer or something other than a layer index is refused", "[layers]") {
    json document = model_to_json(residual_mlp());
    document["layers"][3]["from"] = 3;
    CHECK_THAT(refusal(document).what(), Contains("layers[3].from") && Contains("not an earlier layer"));
    document["layers"][3]["from"] = 5;
    CHECK_THAT(refusal(document).what(), Contains("layers[3].from") && Contains("not an earlier layer"));
    document["layers"][3]["from"] = "relu";
    CHECK_THAT(refusal(document).what(), Contains("layers[3].from") && Contains("earlier layer or \"input\""));
    document["layers"][3]["from"] = -1;
    CHECK_THAT(refusal(document).what(), Contains("layers[3].from"));
    document["layers"][3].erase("from");
    CHECK_THAT(refusal(document).what(), Contains("layers[3].from") && Contains("missing"));
}

TEST_CASE("float inference of an add layer adds the named layer's output to the values entering it", "[layers]") {
    const auto outputs = run_float_layers(residual_mlp(), {0.2, 0.9, 0.4, 0.7});
    for (std::size_t i = 0; i < 3; ++i) CHECK(outputs[3][i] == outputs[2][i] + outputs[1][i]);
}

// ---- quantization and the reference ---------------------------------------------------------

TEST_CASE("an add brings operands a power of two apart in scale to the larger scale exactly", "[layers]") {
    const QuantizedModel q = quantize(residual_mlp());
    const QuantizedLayer& a = q.layers[3];
    // The skip (after one dense) has scale 255 * 2^s0, the other operand 255 * 2^(s0 + s1).
    CHECK(a.add.multiplier == 1);
    CHECK(a.add.skip_multiplier == std::int64_t(1) << q.layers[2].dense.weight_shift);
    CHECK(a.scale == q.layers[2].scale);
    CHECK(a.add.bias == 0);
    CHECK_THAT(q.canonical_text(), Contains("add from 1 x 1 skip x"));
}

TEST_CASE("an add of the input in [-1, 1] adds the input's minimum back at the output's scale", "[layers]") {
    Model m{"from-input", 2, -1.0, 1.0, {dense(2, 2, {0.5, 0.25, -0.5, 1.0}, {0.0, 0.0}), add(std::nullopt)}};
    const QuantizedModel q = quantize(m);
    const QuantizedLayer& a = q.layers[1];
    CHECK(a.add.bias == std::llround(-1.0 * a.scale));
    for (const std::vector<double> x : {std::vector<double>{-1.0, 1.0}, {0.5, -0.25}, {0.0, 0.0}}) {
        const auto floats = run_float(m, x);
        const auto integers = run_reference(q, quantize_input(q, x)).logits;
        for (std::size_t i = 0; i < 2; ++i) CHECK(std::abs(floats[i] - integers[i] / a.scale) < 0.02);
    }
}

TEST_CASE("operands whose scales are not a power of two apart get multipliers within the weight bits", "[layers]") {
    // An average of 3 values (the sum: 3 times the scale) added to the input: the ratio 3 is exact.
    Model m{"avg", 6, 0.0, 1.0, {}};
    Layer avg = of_kind(K::AvgPool);
    avg.pool = {{2, 1, 3}, {1, 3, 1, 3}};  // 2 x 1 x 3 -> 2 x 1 x 1
    m.layers = {dense(6, 2, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, -0.1, -0.2, -0.3, -0.4, -0.5, -0.6}, {0, 0}), of_kind(K::ReLU),
                dense(2, 6, {1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1}, {0, 0, 0, 0, 0, 0}), avg};
    m.layers.push_back(add(1));
    const QuantizedModel q = quantize(m);
    const QuantizedAdd& a = q.layers[4].add;
    // scales: layer 1 at s, the pool at s * 2^k * 3: the ratio 3 * 2^k is an integer.
    CHECK(a.multiplier == 1);
    CHECK(a.skip_multiplier == 3 * (std::int64_t(1) << q.layers[2].dense.weight_shift));
}

TEST_CASE("the reference's values of a residual MLP lie within their static bounds and follow the float model",
          "[layers]") {
    const Model m = residual_mlp();
    const QuantizedModel q = quantize(m, {8, 10, 8});  // rescaled before each ReLU, the add's too
    CHECK(q.layers[3].rescale_bits > 0);
    for (int k = 0; k < 50; ++k) {
        const std::vector<double> x{(k % 7) / 6.0, (k % 5) / 4.0, (k % 3) / 2.0, (k % 11) / 10.0};
        const ReferenceTrace trace = run_reference(q, quantize_input(q, x));
        for (std::size_t l = 0; l + 1 < q.layers.size(); ++l)
            for (std::size_t i = 0; i < trace.layer_outputs[l].size(); ++i) {
                CHECK(trace.layer_outputs[l][i] >= q.layers[l].bounds[i].lo);
                CHECK(trace.layer_outputs[l][i] <= q.layers[l].bounds[i].hi);
            }
        const auto floats = run_float_layers(m, x);
        for (std::size_t i = 0; i < 3; ++i) CHECK(std::abs(floats[4][i] - trace.layer_outputs[4][i] / q.layers[4].scale) < 0.1);
    }
}

// ---- circuits -------------------------------------------------------------------------------

TEST_CASE("an add becomes a module over the two operands, with the ReLU after it", "[layers]") {
    const Circuit circuit = generate_private_input_circuit(quantize(residual_mlp()));
    const std::string& main = circuit.files.at("main.zok");
    CHECK_THAT(main, Contains("// Layer 2: add 3 of layer 1's values with ReLU."));
    // The skip operand is the first step's output (dense + ReLU), the other the second dense's.
    CHECK_THAT(main, Contains("field[3] i2 = [a1_0, a1_1, a1_2];") && Contains("field[3] s2 = [a0_0, a0_1, a0_2];") &&
                         Contains("field[3] a2 = l2(i2, s2);"));
    CHECK_THAT(circuit.files.at("l2/layer.zok"), Contains("def main(field[3] x, field[3] s) -> field[3]"));
}

TEST_CASE("an add of a Dense layer's values before the ReLU that follows it cannot become a private-input circuit",
          "[layers]") {
    Model m = residual_mlp();
    m.layers[3].add.from = 0;
    CHECK_THROWS_WITH(generate_private_input_circuit(quantize(m)),
                      Contains("layers[3].from") && Contains("layers[0] (dense)") && Contains("together with the layer after it"));
}

TEST_CASE("split proofs refuse an add layer, naming it", "[layers]") {
    const QuantizedModel q = quantize(residual_mlp());
    LabeledBatch batch{{{1, 2, 3, 4}}, {0}};
    CHECK_THROWS_WITH(plan_split(q, batch), Contains("layers[3]") && Contains("no add layer"));
}

// ---- models trained and exported by PyTorch, through the real toolchain ----------------------

namespace {

namespace fs = std::filesystem;

// The folder examples/pytorch/train_layers.py writes (trained once per process).
const fs::path& torch_models() {
    static const test::TempDir dir;
    static const bool trained = [] {
        const auto r = detail::run_process("/usr/bin/python3",
                                           {(fs::path(ZOKML_EXAMPLES_DIR) / "pytorch" / "train_layers.py").string(), "--out",
                                            dir.path().string()},
                                           dir.path(), "", std::chrono::minutes(5));
        if (r.exit_code != 0) throw std::runtime_error("train_layers.py failed: " + r.out + r.err);
        return true;
    }();
    (void)trained;
    return dir.path();
}

struct Trained {
    Model model;
    QuantizedModel quantized;
    FloatBatch held_out;
};

Trained trained(const std::string& name, InputRange range, unsigned activation_bits) {
    Trained t;
    t.model = load_model(torch_models() / (name + ".onnx"), range);
    t.quantized = quantize(t.model, {8, 10, activation_bits});
    t.held_out = read_batch_file(torch_models() / (name + "-held-out.npy"), Labels::Required,
                                 torch_models() / (name + "-held-out-labels.npy"));
    return t;
}

// On every held-out record the integer reference gives the float model's class but for under 1%.
void check_agreement(const Trained& t) {
    std::size_t agree = 0;
    for (const auto& x : t.held_out.inputs)
        agree += run_reference(t.quantized, quantize_input(t.quantized, x)).predicted_class == static_cast<int>(run_float(t.model, x)[0]);
    INFO(agree << " of " << t.held_out.inputs.size());
    CHECK(agree >= 0.99 * static_cast<double>(t.held_out.inputs.size()));
}

const PrivateInputOptions kClaimed{.expose_logits = true, .claimed_class = true};

// The circuit's class and logits equal the reference's on `count` held-out records; a wrong
// claimed class makes the witness fail.
void check_circuit(const Trained& t, const test::CompiledCircuit& compiled, std::size_t count) {
    std::set<int> classes;
    for (std::size_t r = 0; r < count; ++r) {
        const std::size_t record = r * (t.held_out.inputs.size() / count);
        const auto input = quantize_input(t.quantized, t.held_out.inputs[record]);
        INFO("held-out record " << record);
        const ReferenceTrace expected = test::check_equals_reference(compiled, t.quantized, kClaimed, input);
        classes.insert(expected.predicted_class);
        if (r < 2) CHECK(compiled.fails(private_input_arguments(t.quantized, kClaimed, input, (expected.predicted_class + 1) % 2)));
    }
    CHECK(classes.size() >= 2);  // the argmax really moves
}

}  // namespace

TEST_CASE("a ResNet-style MLP from PyTorch has its skip connection, and its circuit equals the reference", "[layers][slow]") {
    const Trained t = trained("resnet-mlp", {-1, 1}, 16);
    std::vector<K> kinds;
    for (const auto& layer : t.model.layers) kinds.push_back(layer.kind);
    // Dropout at inference is no operator; the skip adds the first ReLU's output.
    CHECK(kinds == std::vector<K>{K::Dense, K::ReLU, K::Dense, K::ReLU, K::Dense, K::Add, K::ReLU, K::Dense, K::Argmax});
    CHECK(t.model.layers[5].add.from == std::optional<std::size_t>(1));
    check_agreement(t);

    const test::CompiledCircuit compiled(generate_private_input_circuit(t.quantized, kClaimed));
    check_circuit(t, compiled, 8);
    // The add is not dropped: without it the program compiles to another count and the reference
    // (whose logits the circuit gave above) to other logits.
    Model without = t.model;
    without.layers.erase(without.layers.begin() + 5);
    const QuantizedModel q_without = quantize(without, {8, 10, 16});
    const test::CompiledCircuit compiled_without(generate_private_input_circuit(q_without, kClaimed));
    CHECK(compiled.program.constraints != compiled_without.program.constraints);
    const auto input = quantize_input(t.quantized, t.held_out.inputs[0]);
    CHECK(run_reference(t.quantized, input).logits != run_reference(q_without, input).logits);
}

TEST_CASE("a 1-D CNN from PyTorch reads as convolutions of height 1, and its circuit equals the reference", "[layers][slow]") {
    const Trained t = trained("cnn1d", {0, 1}, 16);
    REQUIRE(t.model.layers[0].kind == K::Conv2D);
    CHECK(t.model.layers[0].conv.input == Shape3{1, 1, 64});
    CHECK(t.model.layers[0].conv.window == Window2D{1, 5, 1, 2, 0, 2, 0, 2});
    check_agreement(t);
    const test::CompiledCircuit compiled(generate_private_input_circuit(t.quantized, kClaimed));
    check_circuit(t, compiled, 8);
}

TEST_CASE("a model exported by PyTorch in training mode is refused at its Dropout with the model.eval() hint",
          "[layers][slow]") {
    try {
        load_model(torch_models() / "resnet-mlp-train.onnx");
        FAIL("the training-mode export was accepted");
    } catch (const InputError& e) {
        CHECK_THAT(e.field(), Contains("Dropout"));
        CHECK_THAT(e.reason(), Contains("model.eval()"));
    }
}

namespace {

Layer conv(Shape3 input, std::size_t filters, Window2D window, std::mt19937& random) {
    Layer layer = of_kind(K::Conv2D);
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    layer.conv = {input, filters, window, {}, {}};
    for (std::size_t i = 0; i < filters * layer.conv.weights_per_filter(); ++i) layer.conv.weights.push_back(value(random));
    for (std::size_t i = 0; i < filters; ++i) layer.conv.biases.push_back(value(random) / 4);
    return layer;
}

// The circuit's class and logits equal the reference's on random inputs.
void check_random_inputs(const QuantizedModel& q, std::size_t count) {
    const PrivateInputOptions options{.expose_logits = true};
    const test::CompiledCircuit compiled(generate_private_input_circuit(q, options));
    std::mt19937 random(3);
    std::uniform_int_distribution<std::int64_t> pixel(0, q.input_max);
    for (std::size_t r = 0; r < count; ++r) {
        std::vector<std::int64_t> input(q.input_size);
        for (auto& v : input) v = pixel(random);
        test::check_equals_reference(compiled, q, options, input);
    }
}

}  // namespace

TEST_CASE("an add over convolutions' outputs, read by a convolution, equals the reference in the circuit", "[layers][slow]") {
    // 1x4x4 -> conv 3x3x2 (padding 1), ReLU -> conv 3x3x2 (padding 1) -> add layer 1's values,
    // ReLU -> conv 2x2x2 (stride 2), ReLU -> flatten -> dense 8 -> 3 -> argmax.
    std::mt19937 random(5);
    const Window2D same{3, 3, 1, 1, 1, 1, 1, 1};
    Model m{"residual-cnn", 16, 0.0, 1.0, {}};
    m.layers = {conv({1, 4, 4}, 2, same, random), of_kind(K::ReLU), conv({2, 4, 4}, 2, same, random), add(1),
                of_kind(K::ReLU), conv({2, 4, 4}, 2, {2, 2, 2, 2}, random), of_kind(K::ReLU), of_kind(K::Flatten)};
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    std::vector<double> weights(24);
    for (auto& w : weights) w = value(random);
    m.layers.push_back(dense(8, 3, weights, {0.1, -0.1, 0.0}));
    m.layers.push_back(of_kind(K::Argmax));
    check_model(m);
    check_random_inputs(quantize(m, {8, 10, 12}), 6);
}

TEST_CASE("an add of the input in [-1, 1] as the last layer before the argmax equals the reference in the circuit",
          "[layers][slow]") {
    Model m{"from-input", 3, -1.0, 1.0, {}};
    m.layers = {dense(3, 3, {0.5, 0.25, -0.5, 1.0, -0.75, 0.1, 0.3, 0.3, -0.2}, {0.0, 0.1, -0.1}), add(std::nullopt),
                of_kind(K::Argmax)};
    check_random_inputs(quantize(m), 6);
}

TEST_CASE("a 1-D convolution (a conv2d of height 1) plans as split proofs as a 2-D one does", "[layers]") {
    std::mt19937 random(11);
    Model m{"conv1d", 8, 0.0, 1.0, {}};
    m.layers = {conv({1, 1, 8}, 2, {1, 3, 1, 1, 0, 1, 0, 1}, random), of_kind(K::ReLU), of_kind(K::Flatten)};
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    std::vector<double> weights(32);
    for (auto& w : weights) w = value(random);
    m.layers.push_back(dense(16, 2, weights, {0.0, 0.0}));
    m.layers.push_back(of_kind(K::Argmax));
    const QuantizedModel q = quantize(m, {8, 10, 16});
    const SplitPlan plan = plan_split(q, LabeledBatch{{std::vector<std::int64_t>(8, 7)}, {0}});
    REQUIRE(plan.layers.size() == 2);
    CHECK(plan.layers[0].convolution());
}

TEST_CASE("a committed 1-D CNN's split proof verifies and counts what the reference counts", "[layers][split][slow]") {
    // conv 1x3 (padding 1) 1 -> 2 channels over 12 values, ReLU, maxpool 1x2, flatten, dense 12 -> 3.
    std::mt19937 random(13);
    Model m{"split-conv1d", 12, 0.0, 1.0, {}};
    Layer max = of_kind(K::MaxPool);
    max.pool = {{2, 1, 12}, {1, 2, 1, 2}};
    m.layers = {conv({1, 1, 12}, 2, {1, 3, 1, 1, 0, 1, 0, 1}, random), of_kind(K::ReLU), max, of_kind(K::Flatten)};
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    std::vector<double> weights(36);
    for (auto& w : weights) w = value(random);
    m.layers.push_back(dense(12, 3, weights, {0.1, 0.0, -0.1}));
    m.layers.push_back(of_kind(K::Argmax));
    const QuantizedModel q = quantize(m, {8, 8, 12});
    std::uniform_int_distribution<std::int64_t> pixel(0, 255);
    LabeledBatch batch;
    for (std::size_t i = 0; i < 4; ++i) {
        auto& x = batch.inputs.emplace_back(12);
        for (auto& v : x) v = pixel(random);
        batch.labels.push_back(run_reference(q, x).predicted_class);
    }
    batch.labels[1] = (batch.labels[1] + 1) % 3;  // 3 correct

    const SplitOptions options{.neurons_per_part = 1, .inputs_per_slice = 2, .group_size = 4, .part_proof_values = 8};
    test::TempDir dir;
    ArtifactStore store{dir / "cache"};
    const SplitPlan plan = plan_split(q, batch, options);
    const SplitPrograms programs = build_split_programs(test::real_toolchain(), store, plan, batch);
    const FieldElement salt = random_salt();
    const FieldElement commitment = commit_model_v2(q, options.neurons_per_part, salt);
    const SplitWitnessData data = split_witness_data(plan, q, batch, salt);
    const ProofBundle bundle = prove_split(test::real_toolchain(), programs, plan, q, batch, data, 3, 2);
    CHECK(bundle.correct == 3);
    const BundleVerdict verdict = verify_bundle(test::real_toolchain(), programs, plan, bundle, batch, commitment);
    INFO((verdict.problems.empty() ? "" : verdict.problems.front()));
    CHECK(verdict.verified);
}
