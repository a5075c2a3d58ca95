#include <catch2/catch.hpp>

#include <random>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

Layer kind_layer(Layer::Kind kind) {
    Layer layer;
    layer.kind = kind;
    return layer;
}

// Integer weights [[2, -1], [4, 0]], biases [102, -204] (4-bit weights, scale 1020), then `head`.
QuantizedModel two_by_two(std::vector<Layer::Kind> head) {
    Model model{"two-by-two", 2, 0.0, 1.0, {}};
    model.layers.push_back(Layer{Layer::Kind::Dense, {2, 2, {0.5, -0.25, 1.0, 0.0}, {0.1, -0.2}}});
    for (const auto kind : head) model.layers.push_back(kind_layer(kind));
    return quantize(model, {8, 4});
}

// The identity over `size` inputs with weights 1 (256 after quantization), under an argmax.
QuantizedModel identity_argmax(std::size_t size) {
    DenseLayer d{size, size, std::vector<double>(size * size, 0.0), std::vector<double>(size, 0.0)};
    for (std::size_t i = 0; i < size; ++i) d.weights[i * size + i] = 1.0;
    return quantize(Model{"identity", size, 0.0, 1.0, {Layer{Layer::Kind::Dense, d}, kind_layer(Layer::Kind::Argmax)}});
}

const QuantizedModel& shipped_model() {
    static const QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")));
    return model;
}

// Every value of every layer of `trace` lies within the layer's static bounds.
void check_within_bounds(const QuantizedModel& model, const ReferenceTrace& trace) {
    REQUIRE(trace.layer_outputs.size() == model.layers.size());
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const auto& values = trace.layer_outputs[l];
        const auto& bounds = model.layers[l].bounds;
        REQUIRE(values.size() == bounds.size());
        for (std::size_t o = 0; o < values.size(); ++o) {
            INFO("layer " << l << " value " << o << " = " << values[o] << " bounds [" << bounds[o].lo << ", " << bounds[o].hi << "]");
            CHECK(values[o] >= bounds[o].lo);
            CHECK(values[o] <= bounds[o].hi);
        }
    }
}

Digit digit(int label, std::initializer_list<std::pair<std::size_t, std::uint8_t>> ink) {
    Digit d;
    d.label = label;
    for (const auto& [pixel, value] : ink) d.pixels[pixel] = value;
    return d;
}

}  // namespace

TEST_CASE("a Dense layer computes W x + b exactly in integers", "[reference]") {
    // [2 * 10 - 1 * 20 + 102, 4 * 10 + 0 * 20 - 204]
    const ReferenceTrace trace = run_reference(two_by_two({}), {10, 20});
    CHECK(trace.layer_outputs == std::vector<std::vector<std::int64_t>>{{102, -164}});
}

TEST_CASE("without an argmax head the logits are the last layer's values and no class is predicted", "[reference]") {
    const ReferenceTrace trace = run_reference(two_by_two({}), {10, 20});
    CHECK(trace.logits == std::vector<std::int64_t>{102, -164});
    CHECK(trace.predicted_class == -1);
}

TEST_CASE("ReLU replaces negative values by zero and keeps the others", "[reference]") {
    const ReferenceTrace trace = run_reference(two_by_two({Layer::Kind::ReLU}), {10, 20});
    CHECK(trace.layer_outputs.back() == std::vector<std::int64_t>{102, 0});
}

TEST_CASE("argmax predicts the index of the largest logit", "[reference]") {
    // [2 * 255 - 0 + 102, 4 * 255 - 204] = [612, 816]
    const ReferenceTrace trace = run_reference(two_by_two({Layer::Kind::ReLU, Layer::Kind::Argmax}), {255, 0});
    CHECK(trace.logits == std::vector<std::int64_t>{612, 816});
    CHECK(trace.predicted_class == 1);
    CHECK(trace.layer_outputs.back() == std::vector<std::int64_t>{1});
}

TEST_CASE("the integer argmax picks the first of equal maxima", "[reference]") {
    CHECK(run_reference(identity_argmax(3), {5, 9, 9}).predicted_class == 1);
    CHECK(run_reference(identity_argmax(3), {7, 7, 7}).predicted_class == 0);
    CHECK(run_reference(identity_argmax(3), {0, 1, 9}).predicted_class == 2);
}

TEST_CASE("an input outside [0, input_max] is rejected naming its index", "[reference]") {
    const QuantizedModel model = two_by_two({});
    CHECK_THROWS_WITH(run_reference(model, {10, 256}), Catch::Contains("input[1]") && Catch::Contains("256 is outside [0, 255]"));
    CHECK_THROWS_WITH(run_reference(model, {-1, 0}), Catch::Contains("input[0]"));
    CHECK_THROWS_AS(run_reference(model, {-1, 0}), InputError);
}

TEST_CASE("an input of the wrong size is rejected", "[reference]") {
    CHECK_THROWS_WITH(run_reference(two_by_two({}), {1, 2, 3}), Catch::Contains("expected 2 values, got 3"));
}

TEST_CASE("a digit's integer input is its pixels for 8-bit inputs over [0, 1]", "[reference]") {
    const Digit d = digit(3, {{0, 1}, {1, 127}, {2, 128}, {783, 255}});
    const auto input = digit_input(shipped_model(), d);
    REQUIRE(input.size() == 784);
    for (std::size_t i = 0; i < 784; ++i) CHECK(input[i] == d.pixels[i]);
}

TEST_CASE("fidelity counts float and integer accuracy and their agreement", "[reference]") {
    // Logit 0 = 0.95 * pixel 0 and logit 1 = 1.0 * pixel 1. With 4-bit weights both become 4, so two
    // full pixels tie in integers (class 0 wins) while the float model says 1.
    DenseLayer d{784, 2, std::vector<double>(784 * 2, 0.0), {0.0, 0.0}};
    d.weights[0] = 0.95;
    d.weights[784 + 1] = 1.0;
    const Model model{"two-pixels", 784, 0.0, 1.0, {Layer{Layer::Kind::Dense, d}, kind_layer(Layer::Kind::Argmax)}};
    const QuantizedModel quantized = quantize(model, {8, 4});
    const std::vector<Digit> digits{digit(0, {{0, 255}}), digit(1, {{1, 255}}), digit(1, {{0, 255}, {1, 255}})};

    const Fidelity f = measure_fidelity(model, quantized, digits);
    CHECK(f.inputs == 3);
    CHECK(f.float_accuracy == Approx(1.0));
    CHECK(f.quantized_accuracy == Approx(2.0 / 3));
    CHECK(f.agreement == Approx(2.0 / 3));
}

TEST_CASE("fidelity over no digits is all zeros", "[reference]") {
    const Model model = load_model(test::example_model("mnist-784-16-10.json"));
    const Fidelity f = measure_fidelity(model, shipped_model(), std::vector<Digit>{});
    CHECK(f.inputs == 0);
    CHECK(f.float_accuracy == 0);
    CHECK(f.agreement == 0);
}

TEST_CASE("every reference value of the shipped model lies within its static bounds", "[reference]") {
    const QuantizedModel& model = shipped_model();
    std::mt19937_64 random(20240611);
    std::uniform_int_distribution<std::int64_t> pixel(0, model.input_max);
    std::bernoulli_distribution extreme(0.5);
    for (int n = 0; n < 200; ++n) {
        // Half the inputs uniform, half only 0 and 255: the bounds are reached at the extremes.
        std::vector<std::int64_t> input(model.input_size);
        for (auto& v : input) v = n % 2 ? pixel(random) : (extreme(random) ? model.input_max : 0);
        INFO("random input " << n);
        check_within_bounds(model, run_reference(model, input));
    }
    check_within_bounds(model, run_reference(model, std::vector<std::int64_t>(model.input_size, 0)));
    check_within_bounds(model, run_reference(model, std::vector<std::int64_t>(model.input_size, model.input_max)));
}

TEST_CASE("the first layer's bounds are reached: they are tight, not just sound", "[reference]") {
    // Full ink where a neuron's weight is positive reaches its upper bound; where negative, its lower.
    const QuantizedModel& model = shipped_model();
    const QuantizedDense& d = model.layers[0].dense;
    for (std::size_t o = 0; o < d.outputs; ++o) {
        std::vector<std::int64_t> high(d.inputs), low(d.inputs);
        for (std::size_t i = 0; i < d.inputs; ++i) {
            const std::int64_t w = d.weights[o * d.inputs + i];
            high[i] = w > 0 ? model.input_max : 0;
            low[i] = w < 0 ? model.input_max : 0;
        }
        INFO("neuron " << o);
        CHECK(run_reference(model, high).layer_outputs[0][o] == model.layers[0].bounds[o].hi);
        CHECK(run_reference(model, low).layer_outputs[0][o] == model.layers[0].bounds[o].lo);
    }
}
