// Activation layers besides ReLU: Sigmoid, Tanh, SiLU, GELU through a piecewise-linear
// approximation of a chosen maximum error; HardSigmoid and Clip (Hardtanh, ReLU6) exactly.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <random>
#include <nlohmann/json.hpp>

#include "circuit/layer_code.hpp"
#include "circuit/zok_code.hpp"
#include "core/templates.hpp"
#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/plan.hpp"

using namespace zokml;
using Catch::Contains;
using F = ActivationLayer::Function;
namespace fs = std::filesystem;

namespace {

Layer dense(std::size_t inputs, std::size_t outputs, std::vector<double> weights, std::vector<double> biases) {
    Layer layer;
    layer.kind = Layer::Kind::Dense;
    layer.dense = {inputs, outputs, std::move(weights), std::move(biases)};
    return layer;
}

Layer activation(ActivationLayer a) {
    Layer layer;
    layer.kind = Layer::Kind::Activation;
    layer.activation = a;
    return layer;
}

Layer activation(F function) {
    ActivationLayer a;
    a.function = function;
    return activation(a);
}

// One input in [-8, 8] passed through a Dense of weight 1, then the activation: every integer
// input of the activation's range is one of the model's inputs.
Model single(Layer act) {
    Model m;
    m.name = "single";
    m.input_size = 1;
    m.input_min = -8;
    m.input_max = 8;
    m.layers = {dense(1, 1, {1.0}, {0.0}), std::move(act)};
    return m;
}

// The largest |output / scale - f(input / scale)| over every input of the single model.
double worst_error(const Model& m, const QuantizedModel& q) {
    double worst = 0;
    for (std::int64_t x = 0; x <= q.input_max; ++x) {
        const ReferenceTrace t = run_reference(q, {x});
        const double in = static_cast<double>(t.layer_outputs[0][0]) / q.layers[0].scale;
        const double out = static_cast<double>(t.layer_outputs[1][0]) / q.layers[1].scale;
        worst = std::max(worst, std::abs(out - activation_function(m.layers[1].activation, in)));
    }
    return worst;
}

fs::path exported_dir();

struct Exported {
    fs::path file;  // the .onnx
    Model model;
    FloatBatch batch;
    std::vector<std::vector<double>> torch_outputs;
};

// The PyTorch models of test/data/export_activations.py, exported once per test process.
const Exported& exported(const std::string& name) {
    static std::map<std::string, Exported> models;
    const fs::path dir = exported_dir();
    if (models.empty()) {
        for (const char* n : {"sigmoid-tanh", "hard", "silu-gelu"}) {
            Exported e;
            e.file = dir / (std::string(n) + ".onnx");
            e.model = load_model(e.file, InputRange{-1, 1});
            const auto j = nlohmann::json::parse(read_file(dir / (std::string(n) + ".json")));
            e.batch.inputs = j["inputs"].get<std::vector<std::vector<double>>>();
            e.batch.labels = j["labels"].get<std::vector<int>>();
            e.torch_outputs = j["outputs"].get<std::vector<std::vector<double>>>();
            models[n] = std::move(e);
        }
    }
    return models.at(name);
}

// The folder test/data/export_activations.py wrote, once per test process.
fs::path exported_dir() {
    static test::TempDir dir;
    static bool written = false;
    if (!written) {
        const auto r = detail::run_process("/usr/bin/python3", {test::data_path("export_activations.py").string(), dir.path().string()},
                                           dir.path(), "", std::chrono::minutes(5));
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        written = true;
    }
    return dir.path();
}

std::vector<F> functions(const Model& m) {
    std::vector<F> out;
    for (const auto& l : m.layers)
        if (l.kind == Layer::Kind::Activation) out.push_back(l.activation.function);
    return out;
}

}  // namespace

TEST_CASE("a sigmoid, tanh, silu or gelu layer stays within its maximum error on every input of its range", "[activation]") {
    for (const F f : {F::Sigmoid, F::Tanh, F::SiLU, F::GELU})
        for (const double error : {0.05, 0.01, 0.002}) {
            INFO(activation_name(f) << " within " << error);
            const Model m = single(activation(f));
            QuantizationOptions options;
            options.input_bits = 12;
            options.activation_error = error;
            const QuantizedModel q = quantize(m, options);
            const double worst = worst_error(m, q);
            CHECK(worst <= q.layers[1].activation.max_error);
            CHECK(q.layers[1].activation.max_error <= error);
        }
}

TEST_CASE("a smaller maximum error takes more segments", "[activation]") {
    for (const F f : {F::Sigmoid, F::Tanh, F::SiLU, F::GELU}) {
        INFO(activation_name(f));
        std::size_t previous = 0;
        for (const double error : {0.1, 0.01, 0.001}) {
            QuantizationOptions options;
            options.input_bits = 12;
            options.activation_error = error;
            const std::size_t segments = quantize(single(activation(f)), options).layers[1].activation.slopes.size();
            CHECK(segments > previous);
            previous = segments;
        }
    }
}

TEST_CASE("hardsigmoid and clip are exact: the integer output is the function of the integer input", "[activation]") {
    ActivationLayer hard;
    hard.function = F::HardSigmoid;
    hard.alpha = 0.25;  // y = clamp(v / 4 + 0.5, 0, 1)
    ActivationLayer clip;
    clip.function = F::Clip;
    clip.min = -2;
    clip.max = 6;  // ReLU6 moved down by 2
    for (const auto& a : {hard, clip}) {
        INFO(activation_name(a.function));
        const Model m = single(activation(a));
        QuantizationOptions options;
        options.input_bits = 8;  // scale 255 / 16: the constants are not integers at it
        const QuantizedModel q = quantize(m, options);
        const auto& qa = q.layers[1].activation;
        CHECK(qa.shift == 0);
        for (std::int64_t x = 0; x <= q.input_max; ++x) {
            const ReferenceTrace t = run_reference(q, {x});
            const double in = static_cast<double>(t.layer_outputs[0][0]) / q.layers[0].scale;
            const double expected = activation_function(a, in) * q.layers[1].scale;
            // Exact up to rounding the function's constants to the output's integers.
            CHECK(std::abs(static_cast<double>(t.layer_outputs[1][0]) - expected) <= qa.max_error * q.layers[1].scale + 1e-9);
        }
        CHECK(qa.max_error <= 0.5 / q.layers[1].scale);
    }
    // At a scale where the constants are integers there is no error at all.
    clip.min = 0;
    clip.max = 1;
    Model m = single(activation(clip));
    m.input_min = -4;
    m.input_max = 4;  // 8 bits: scale 255 / 8
    QuantizationOptions options;
    options.input_bits = 8;
    m.layers[0].dense.weights = {8.0};  // scale 255 at the clip: 0 and 1 are integers
    const QuantizedModel q = quantize(m, options);
    CHECK(q.layers[1].activation.max_error == 0.0);
}

TEST_CASE("activation layers save and load back equal, with their parameters", "[activation]") {
    Model m = single(activation(F::Sigmoid));
    ActivationLayer hard{F::HardSigmoid, 1.0 / 6, 0.5};
    ActivationLayer clip;
    clip.function = F::Clip;
    clip.min = 0;
    clip.max = 6;
    for (const auto& a : {ActivationLayer{F::Tanh}, ActivationLayer{F::SiLU}, ActivationLayer{F::GELU}, hard, clip})
        m.layers.push_back(activation(a));
    const test::TempDir dir;
    save_model(m, dir / "m.json");
    const Model back = load_model(dir / "m.json");
    REQUIRE(back.layers.size() == m.layers.size());
    for (std::size_t l = 1; l < m.layers.size(); ++l) CHECK(back.layers[l].activation == m.layers[l].activation);
    const std::string text = read_file(dir / "m.json");
    CHECK_THAT(text, Contains(R"("type": "hardsigmoid", "alpha": 0.16666666666666666, "beta": 0.5)"));
    CHECK_THAT(text, Contains(R"("type": "clip", "min": 0.0, "max": 6.0)"));
}

TEST_CASE("a hardsigmoid without a positive slope and a clip without min below max are refused, naming the field", "[activation]") {
    Model m = single(activation(ActivationLayer{F::HardSigmoid, 0.0, 0.5}));
    auto json = model_to_json(m);
    REQUIRE_THROWS_AS(model_from_json(json, "m.json"), InputError);
    try {
        model_from_json(json, "m.json");
    } catch (const InputError& e) {
        CHECK(e.field() == "layers[1].alpha");
        CHECK_THAT(e.reason(), Contains("positive"));
    }
    json["layers"][1] = {{"type", "clip"}, {"min", 1.0}, {"max", 1.0}};
    try {
        model_from_json(json, "m.json");
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.field() == "layers[1].max");
    }
    json["layers"][1] = {{"type", "sigmoid"}, {"alpha", 1.0}};
    CHECK_THROWS_WITH(model_from_json(json, "m.json"), Contains("layers[1].alpha") && Contains("unknown member"));
}

TEST_CASE("a maximum error outside its range is refused", "[activation]") {
    QuantizationOptions options;
    options.activation_error = 0.0;
    CHECK_THROWS_WITH(quantize(single(activation(F::Sigmoid)), options), Contains("activation_error"));
    options.activation_error = std::nan("");
    CHECK_THROWS_AS(quantize(single(activation(F::Sigmoid)), options), InputError);
}

TEST_CASE("split proofs refuse an activation layer, naming it", "[activation]") {
    Model m = single(activation(F::Tanh));
    m.layers.push_back(dense(1, 2, {1, -1}, {0, 0}));
    m.layers.push_back(Layer{Layer::Kind::Argmax});
    const QuantizedModel q = quantize(m);
    LabeledBatch batch{{{3}}, {0}};
    try {
        plan_split(q, batch);
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.field() == "layers[1]");
        CHECK_THAT(e.reason(), Contains("tanh") && Contains("ReLU activations only"));
    }
    CHECK_THROWS_WITH(generate_private_model_circuit(q, batch, {}), Contains("Dense, ReLU, Dense, Argmax"));
}

TEST_CASE("PyTorch's Sigmoid, Tanh, Hardtanh, Hardsigmoid, ReLU6, SiLU and GELU load and run as PyTorch runs them",
          "[activation][onnx]") {
    const std::map<std::string, std::vector<F>> expected{{"sigmoid-tanh", {F::Sigmoid, F::Tanh}},
                                                         {"hard", {F::Clip, F::HardSigmoid, F::Clip}},
                                                         {"silu-gelu", {F::SiLU, F::GELU}}};
    for (const auto& [name, kinds] : expected) {
        INFO(name);
        const Exported& e = exported(name);
        CHECK(functions(e.model) == kinds);
        for (std::size_t i = 0; i < e.batch.inputs.size(); ++i) {
            const auto layers = run_float_layers(e.model, e.batch.inputs[i]);
            const auto& logits = layers[layers.size() - 2];
            for (std::size_t c = 0; c < logits.size(); ++c) CHECK(logits[c] == Approx(e.torch_outputs[i][c]).margin(1e-4));
        }
    }
    const Exported& hard = exported("hard");
    CHECK(hard.model.layers[1].activation.min == -1.0);
    CHECK(hard.model.layers[3].activation.alpha == Approx(1.0 / 6));
    CHECK(hard.model.layers[5].activation.max == 6.0);
}

TEST_CASE("PyTorch's LayerNorm is refused with a hint, in both of its ONNX forms", "[activation][onnx]") {
    for (const char* file : {"layernorm-13.onnx", "layernorm-17.onnx"}) {
        INFO(file);
        try {
            load_model(exported_dir() / file);
            FAIL("accepted");
        } catch (const InputError& e) {
            CHECK_THAT(e.field(), Contains("graph.node[1]"));
            CHECK_THAT(e.reason(), Contains("LayerNorm") && Contains("train without it"));
        }
    }
}

TEST_CASE("the quantized reference of the PyTorch models agrees with PyTorch's class", "[activation][onnx]") {
    for (const char* name : {"sigmoid-tanh", "hard", "silu-gelu"}) {
        INFO(name);
        const Exported& e = exported(name);
        const QuantizedModel q = quantize(e.model);
        std::size_t agree = 0;
        for (std::size_t i = 0; i < e.batch.inputs.size(); ++i) {
            const auto& torch = e.torch_outputs[i];
            const int torch_class = static_cast<int>(std::max_element(torch.begin(), torch.end()) - torch.begin());
            agree += run_reference(q, quantize_input(q, e.batch.inputs[i])).predicted_class == torch_class;
        }
        CHECK(agree >= e.batch.inputs.size() * 95 / 100);
    }
}

TEST_CASE("inspect reports each activation's segments and maximum error, as --activation-error chose it", "[activation][cli]") {
    const Exported& e = exported("sigmoid-tanh");
    const test::Result r = test::zokml_cli({"inspect", "--model", e.file.string(), "--input-min", "-1", "--input-max", "1",
                                            "--activation-error", "0.002", "--json"});
    REQUIRE(r.exit_code == 0);
    const auto layers = r.parsed()["layers"];
    CHECK(layers[1]["kind"] == "sigmoid");
    CHECK(layers[3]["kind"] == "tanh");
    for (const int l : {1, 3}) {
        CHECK(layers[l]["max_error"].get<double>() <= 0.002);
        CHECK(layers[l]["segments"].get<int>() >= 10);
    }
    const test::Result text = test::zokml_cli({"inspect", "--model", e.file.string(), "--input-min", "-1", "--input-max", "1"});
    CHECK_THAT(text.out, Contains("segments, max error 0.00"));
    CHECK(test::zokml_cli({"inspect", "--model", e.file.string(), "--activation-error", "0"}).exit_code == 2);
}

TEST_CASE("calibrate measures the approximation and records the chosen maximum error in the settings", "[activation][cli]") {
    const Exported& e = exported("sigmoid-tanh");
    const test::TempDir dir;
    nlohmann::json batch = {{"format", "zokml-batch"}, {"version", 1}, {"inputs", e.batch.inputs}, {"labels", e.batch.labels}};
    write_file_atomically(dir / "batch.json", batch.dump());
    const test::Result r = test::zokml_cli({"calibrate", "--model", e.file.string(), "--input-min", "-1", "--input-max", "1",
                                            "--data", (dir / "batch.json").string(), "--activation-error", "0.05", "--goal",
                                            "accuracy", "--max-loss", "100", "--out", (dir / "settings.json").string(), "--json"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const CircuitSettings settings = read_settings_file(dir / "settings.json");
    CHECK(settings.quantization.activation_error == 0.05);
    // Its accuracy is the quantized reference's, with the approximation of that error.
    const QuantizedModel q = quantize(e.model, settings.quantization);
    const auto quantized = quantize_batch(q, e.batch, 3, dir / "batch.json");
    CHECK(r.parsed()["chosen"]["quantized_accuracy"].get<double>() ==
          Approx(static_cast<double>(count_correct(q, quantized)) / static_cast<double>(e.batch.inputs.size())));
}

namespace {

const PrivateInputOptions kWithLogits{.expose_logits = true};

void check_circuit_equals_reference(const QuantizedModel& q, const FloatBatch& batch, std::size_t count) {
    const test::CompiledCircuit compiled(generate_private_input_circuit(q, kWithLogits));
    // The estimate is of the default circuit; the exposed logits add one public output each.
    CHECK(compiled.program.constraints == estimate_private_input_constraints(q) + q.classes());
    for (std::size_t i = 0; i < count; ++i) {
        INFO("input " << i);
        test::check_equals_reference(compiled, q, kWithLogits, quantize_input(q, batch.inputs[i]));
    }
}

}  // namespace

TEST_CASE("the circuit of an MLP with sigmoid and tanh hidden layers equals the reference bit for bit", "[activation][slow]") {
    const Exported& e = exported("sigmoid-tanh");
    check_circuit_equals_reference(quantize(e.model), e.batch, 12);
}

TEST_CASE("the circuit of an MLP with hardtanh, hardsigmoid and relu6 equals the reference bit for bit", "[activation][slow]") {
    const Exported& e = exported("hard");
    check_circuit_equals_reference(quantize(e.model), e.batch, 12);
}

TEST_CASE("the circuit of an MLP with silu and gelu, rescaled before them, equals the reference bit for bit",
          "[activation][slow]") {
    const Exported& e = exported("silu-gelu");
    QuantizationOptions options;
    options.activation_bits = 12;
    const QuantizedModel q = quantize(e.model, options);
    CHECK(q.layers[0].rescale_bits > 0);  // the Dense before the SiLU
    check_circuit_equals_reference(q, e.batch, 12);
}

namespace {

// The activation module of a single sigmoid model behind a main that asserts its output is y.
struct ActivationWrapper {
    QuantizedModel model;
    Interval inputs;
    test::CompiledCircuit compiled;

    static Circuit circuit(const QuantizedModel& q) {
        Circuit c;
        detail::Helpers helpers;
        c.files["l/activation.zok"] = detail::activation_module(q.layers[1], q.layers[0].bounds[0], "test", helpers);
        for (const auto& name : helpers.names) c.files[name + ".zok"] = detail::render_template(name + ".zok", {});
        c.files[c.main_file] = "import \"./l/activation\" as activation;\n"
                               "def main(private field x, field y) -> field {\n"
                               "    assert(activation(x) == y);\n"
                               "    return y;\n"
                               "}\n";
        return c;
    }
    explicit ActivationWrapper(QuantizedModel q)
        : model(std::move(q)), inputs(model.layers[0].bounds[0]), compiled(circuit(model)) {}

    bool accepts(std::int64_t x, std::int64_t y) const { return !compiled.fails({Value::of_field(x), Value::of_field(y)}); }
};

const ActivationWrapper& sigmoid_wrapper() {
    static const ActivationWrapper w(quantize(single(activation(F::Sigmoid))));
    return w;
}

}  // namespace

TEST_CASE("an activation's witness takes the output of the input's segment and no other", "[activation][slow]") {
    const auto& w = sigmoid_wrapper();
    const QuantizedActivation& a = w.model.layers[1].activation;
    REQUIRE(a.breakpoints.size() >= 8);
    const auto line = [&](std::size_t j, std::int64_t x) {
        return rescale_value(static_cast<std::int64_t>(a.slopes[j] * x + a.intercepts[j]), a.shift);
    };
    // At each breakpoint and just below it: the output, and no other.
    for (const std::int64_t b : a.breakpoints)
        for (const std::int64_t x : {b - 1, b}) {
            INFO("x " << x);
            CHECK(w.accepts(x, a.value(x)));
            CHECK_FALSE(w.accepts(x, a.value(x) + 1));
            CHECK_FALSE(w.accepts(x, a.value(x) - 1));
        }
    // In the middle of each segment, the output the neighbouring segments' lines give there (the
    // chords meet at the breakpoints, so they differ inside).
    std::size_t wrong_tried = 0;
    for (std::size_t j = 1; j + 1 < a.slopes.size(); ++j) {
        const std::int64_t x = (a.breakpoints[j - 1] + a.breakpoints[j]) / 2;
        REQUIRE(a.segment(x) == j);
        for (const std::size_t other : {j - 1, j + 1}) {
            const std::int64_t wrong = line(other, x);
            if (wrong == a.value(x)) continue;
            INFO("x " << x << " in segment " << j << ", the output of segment " << other);
            CHECK_FALSE(w.accepts(x, wrong));
            ++wrong_tried;
        }
    }
    CHECK(wrong_tried >= a.slopes.size());
}

TEST_CASE("every comparison of an activation survives compilation", "[activation][slow]") {
    const auto& w = sigmoid_wrapper();
    // The module's comparisons, product and rescale, and the wrapper's assertion and public output.
    CHECK(w.compiled.program.constraints == detail::activation_module_constraints(w.model.layers[1], w.inputs) + 2);
}

TEST_CASE("a tight maximum error's many segments compile, in partial sums, to the reference's outputs", "[activation][slow]") {
    QuantizationOptions options;
    options.activation_error = 1e-4;
    const ActivationWrapper w(quantize(single(activation(F::Tanh)), options));
    const QuantizedActivation& a = w.model.layers[1].activation;
    REQUIRE(a.breakpoints.size() > 2 * detail::kTermsPerStatement);  // the slope and intercept sums are split
    for (std::size_t j = 0; j < a.breakpoints.size(); j += 7) {
        const std::int64_t x = a.breakpoints[j];
        INFO("x " << x);
        CHECK(w.accepts(x, a.value(x)));
        CHECK_FALSE(w.accepts(x, a.value(x) + 1));
    }
    CHECK(w.compiled.program.constraints == detail::activation_module_constraints(w.model.layers[1], w.inputs) + 2);
}

TEST_CASE("settings record a maximum error other than the default and refuse one out of range, naming the field",
          "[activation][settings]") {
    const test::TempDir dir;
    CircuitSettings settings;
    CHECK_FALSE(settings.to_json().contains("activation_error"));  // files written before stay as they were
    settings.quantization.activation_error = 0.002;
    write_settings_file(dir / "s.json", settings);
    CHECK(read_settings_file(dir / "s.json") == settings);
    auto j = nlohmann::json::parse(read_file(dir / "s.json"));
    CHECK(j["activation_error"] == 0.002);
    j["activation_error"] = 0.9;
    write_file_atomically(dir / "bad.json", j.dump());
    try {
        read_settings_file(dir / "bad.json");
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.field() == "activation_error");
        CHECK_THAT(e.reason(), Contains("is 0.9, expected 1e-06 to 0.5"));
    }
}

TEST_CASE("an activation after a convolution and before another equals the reference bit for bit", "[activation][slow]") {
    // 1x6x6 -> conv 3x3, 2 filters -> tanh -> conv 2x2, 2 filters -> hardsigmoid -> flatten -> dense 18 -> 3 -> argmax.
    std::mt19937 random(5);
    std::uniform_real_distribution<double> weight(-1.0, 1.0);
    const auto weights = [&](std::size_t n) {
        std::vector<double> out(n);
        for (auto& w : out) w = weight(random);
        return out;
    };
    Model m;
    m.name = "conv-activations";
    m.input_size = 36;
    Layer conv1;
    conv1.kind = Layer::Kind::Conv2D;
    conv1.conv = {{1, 6, 6}, 2, {3, 3, 1, 1}, weights(18), weights(2)};
    Layer conv2;
    conv2.kind = Layer::Kind::Conv2D;
    conv2.conv = {{2, 4, 4}, 2, {2, 2, 1, 1}, weights(16), weights(2)};
    m.layers = {conv1, activation(F::Tanh), conv2, activation(ActivationLayer{F::HardSigmoid, 1.0 / 6, 0.5}),
                Layer{Layer::Kind::Flatten}, dense(18, 3, weights(54), weights(3)), Layer{Layer::Kind::Argmax}};
    check_model(m);
    const QuantizedModel q = quantize(m);
    FloatBatch batch;
    std::uniform_real_distribution<double> pixel(0.0, 1.0);
    for (int i = 0; i < 6; ++i) {
        std::vector<double> input(36);
        for (auto& v : input) v = pixel(random);
        batch.inputs.push_back(input);
    }
    check_circuit_equals_reference(q, batch, batch.inputs.size());
}

TEST_CASE("zokml run proves a sigmoid and tanh model's class at the chosen maximum error, which the lock keeps for prove",
          "[activation][cli][slow]") {
    const Exported& e = exported("sigmoid-tanh");
    const test::TempDir dir;
    const nlohmann::json inputs = {{"format", "zokml-batch"}, {"version", 1},
                                   {"inputs", std::vector<std::vector<double>>(e.batch.inputs.begin(), e.batch.inputs.begin() + 3)}};
    write_file_atomically(dir / "inputs.json", inputs.dump());
    const std::string folder = (dir / "c").string(), cache = (dir / "cache").string();
    QuantizationOptions options;
    options.activation_error = 0.005;
    const QuantizedModel q = quantize(e.model, options);
    const auto expected = [&](std::size_t i) { return run_reference(q, quantize_input(q, e.batch.inputs[i])).predicted_class; };
    const test::Result run = test::zokml_cli({"run", "--model", e.file.string(), "--input-min", "-1", "--input-max", "1",
                                              "--activation-error", "0.005", "--input", (dir / "inputs.json").string(), "--index",
                                              "1", "--dir", folder, "--cache-dir", cache, "--json"});
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.parsed()["verified"] == true);
    CHECK(run.parsed()["public"]["class"] == expected(1));
    CHECK(nlohmann::json::parse(read_file(dir / "c" / "zokml.lock.json"))["spec"]["activation_error"] == 0.005);
    const test::Result prove = test::zokml_cli({"prove", "--dir", folder, "--input", (dir / "inputs.json").string(), "--index",
                                                "2", "--cache-dir", cache});
    CHECK(prove.exit_code == 0);
    const test::Result verify = test::zokml_cli({"verify", "--dir", folder, "--json"});
    CHECK(verify.exit_code == 0);
    CHECK(verify.parsed()["public"]["class"] == expected(2));
}
