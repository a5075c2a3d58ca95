#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;

namespace {

Layer dense(std::size_t inputs, std::size_t outputs, std::vector<double> weights, std::vector<double> biases) {
    Layer layer;
    layer.dense = {inputs, outputs, std::move(weights), std::move(biases)};
    return layer;
}

Layer of_kind(Layer::Kind kind) {
    Layer layer;
    layer.kind = kind;
    return layer;
}

// 2 inputs in [0, 1] -> dense 2x2: neuron 0 = 0.5 a - 0.25 b + 0.1, neuron 1 = 1.0 a + 0.0 b - 0.2.
Model two_by_two(std::vector<Layer> after = {}) {
    Model model{"two-by-two", 2, 0.0, 1.0, {dense(2, 2, {0.5, -0.25, 1.0, 0.0}, {0.1, -0.2})}};
    for (auto& layer : after) model.layers.push_back(std::move(layer));
    return model;
}

constexpr QuantizationOptions kFourBitWeights{8, 4};

auto names_field(const std::string& field) {
    return Catch::Predicate<InputError>([field](const InputError& e) { return e.field() == field; }, "names " + field);
}

}  // namespace

TEST_CASE("the weight shift is the largest that keeps the largest weight within weight_bits", "[quantize]") {
    // |1.0| * 2^2 = 4 fits 4 signed bits (at most 7); 2^3 = 8 would not.
    const QuantizedModel q = quantize(two_by_two(), kFourBitWeights);
    CHECK(q.layers[0].dense.weight_shift == 2);
    CHECK(q.layers[0].dense.weights == std::vector<std::int64_t>{2, -1, 4, 0});
}

TEST_CASE("weights too large for weight_bits get a negative shift", "[quantize]") {
    // 1000 / 2^8 = 3.9 rounds to 4 <= 7; 1000 / 2^7 = 7.8 rounds to 8 > 7.
    const QuantizedModel q = quantize(Model{"big", 1, 0.0, 1.0, {dense(1, 1, {1000.0}, {0.0})}}, kFourBitWeights);
    CHECK(q.layers[0].dense.weight_shift == -8);
    CHECK(q.layers[0].dense.weights == std::vector<std::int64_t>{4});
}

TEST_CASE("a layer whose weights are all zero keeps shift 0", "[quantize]") {
    const QuantizedModel q = quantize(Model{"zero", 2, 0.0, 1.0, {dense(2, 1, {0.0, 0.0}, {0.5})}});
    CHECK(q.layers[0].dense.weight_shift == 0);
    CHECK(q.layers[0].dense.biases == std::vector<std::int64_t>{128});  // 0.5 * 255, rounded half away from zero
}

TEST_CASE("a Dense layer's scale is its input scale times 2^shift", "[quantize]") {
    const QuantizedModel q = quantize(two_by_two(), kFourBitWeights);
    CHECK(q.input_scale == 255.0);
    CHECK(q.layers[0].scale == 255.0 * 4);
}

TEST_CASE("biases are rounded at the layer's output scale", "[quantize]") {
    // 0.1 * 1020 = 102, -0.2 * 1020 = -204.
    CHECK(quantize(two_by_two(), kFourBitWeights).layers[0].dense.biases == std::vector<std::int64_t>{102, -204});
}

TEST_CASE("a second Dense layer multiplies the scales: no rescaling between layers", "[quantize]") {
    const QuantizedModel q = quantize(
        two_by_two({of_kind(Layer::Kind::ReLU), dense(2, 1, {1.0, 0.5}, {0.25}), of_kind(Layer::Kind::Argmax)}),
        kFourBitWeights);
    CHECK(q.layers[1].scale == 1020.0);  // ReLU keeps its input's scale
    CHECK(q.layers[2].dense.weight_shift == 2);
    CHECK(q.layers[2].scale == 1020.0 * 4);
    CHECK(q.layers[2].dense.biases == std::vector<std::int64_t>{1020});  // 0.25 * 4080
    CHECK(q.layers[3].scale == 1.0);                                      // a class index
}

TEST_CASE("dense bounds add each weight times its input's range to the bias", "[quantize]") {
    // Neuron 0: 102 + 2 * [0, 255] - 1 * [0, 255] = [-153, 612]; neuron 1: -204 + 4 * [0, 255].
    const QuantizedModel q = quantize(two_by_two(), kFourBitWeights);
    CHECK(q.layers[0].bounds == std::vector<Interval>{{-153, 612}, {-204, 816}});
}

TEST_CASE("ReLU bounds clamp the Dense bounds at zero", "[quantize]") {
    Model model = two_by_two({of_kind(Layer::Kind::ReLU)});
    model.layers[0].dense.biases = {0.1, -2.0};  // neuron 1: -2040 + 4 * [0, 255] = [-2040, -1020]
    const QuantizedModel q = quantize(model, kFourBitWeights);
    REQUIRE(q.layers[0].bounds == std::vector<Interval>{{-153, 612}, {-2040, -1020}});
    CHECK(q.layers[1].bounds == std::vector<Interval>{{0, 612}, {0, 0}});
}

TEST_CASE("argmax bounds are the range of class indices", "[quantize]") {
    const QuantizedModel q = quantize(two_by_two({of_kind(Layer::Kind::Argmax)}), kFourBitWeights);
    CHECK(q.layers[1].bounds == std::vector<Interval>{{0, 1}});
}

TEST_CASE("sign_test_bits covers the worked example [-153, 612] with 11 bits", "[quantize]") {
    CHECK(sign_test_bits({-153, 612}) == 11);  // 612 < 2^10, and 2^9 = 512 is too small
}

TEST_CASE("sign_test_bits is 1 for [-1, 0] and [0, 0]", "[quantize]") {
    CHECK(sign_test_bits({-1, 0}) == 1);
    CHECK(sign_test_bits({0, 0}) == 1);
}

TEST_CASE("sign_test_bits grows by one bit past either end of [-1, 0]", "[quantize]") {
    CHECK(sign_test_bits({-2, 1}) == 2);
    CHECK(sign_test_bits({0, 1}) == 2);
    CHECK(sign_test_bits({-2, 0}) == 2);
    CHECK(sign_test_bits({-3, 0}) == 3);
    CHECK(sign_test_bits({0, 2}) == 3);
}

TEST_CASE("sign_test_bits of [-2^k, 2^k - 1] is k + 1 and one more past either end", "[quantize]") {
    for (unsigned k = 1; k <= 61; ++k) {
        const std::int64_t p = std::int64_t(1) << k;
        INFO("k = " << k);
        CHECK(sign_test_bits({-p, p - 1}) == k + 1);
        CHECK(sign_test_bits({-p - 1, 0}) == k + 2);
        CHECK(sign_test_bits({0, p}) == k + 2);
    }
}

TEST_CASE("a non-zero input minimum folds W * min into the bias", "[quantize]") {
    // Inputs in [-1, 1]: integer q = (x + 1) * 127.5, so W x + b = W q / 127.5 + (b - W 1).
    const Model model{"centred", 2, -1.0, 1.0, {dense(2, 1, {0.5, -0.25}, {0.3001})}};
    const QuantizedModel q = quantize(model);
    REQUIRE(q.layers[0].dense.weight_shift == 9);
    REQUIRE(q.layers[0].scale == 127.5 * 512);
    CHECK(q.layers[0].dense.biases == std::vector<std::int64_t>{3271});  // (0.3001 - 0.5 + 0.25) * 65280 = 3270.53

    for (const std::int64_t a : {0, 1, 77, 128, 254, 255})
        for (const std::int64_t b : {0, 3, 128, 200, 255}) {
            const std::vector<double> x{-1.0 + a / 127.5, -1.0 + b / 127.5};
            REQUIRE(quantize_input(q, x) == std::vector<std::int64_t>{a, b});
            const double expected = q.layers[0].scale * run_float(model, x)[0];
            const std::int64_t actual = run_reference(q, {a, b}).logits[0];
            INFO("inputs " << a << ", " << b);
            CHECK(std::abs(static_cast<double>(actual) - expected) <= 0.5 + 1e-6);  // the bias rounding only
        }
}

TEST_CASE("quantize_input rounds to the nearest integer and clamps to [0, input_max]", "[quantize]") {
    const QuantizedModel q = quantize(Model{"five", 5, 0.0, 1.0, {dense(5, 1, {1, 1, 1, 1, 1}, {0})}});
    // 0.5 * 255 = 127.5 rounds away from zero; 0.002 * 255 = 0.51.
    CHECK(quantize_input(q, {0.5, 0.002, 1.2, -0.3, 1.0}) == std::vector<std::int64_t>{128, 1, 255, 0, 255});
}

TEST_CASE("quantize_input measures inputs from the model's input minimum", "[quantize]") {
    const QuantizedModel q = quantize(Model{"centred", 3, -1.0, 1.0, {dense(3, 1, {1, 1, 1}, {0})}});
    CHECK(quantize_input(q, {-1.0, 0.0, 1.0}) == std::vector<std::int64_t>{0, 128, 255});
}

TEST_CASE("quantize_input takes the model's input_bits", "[quantize]") {
    const QuantizedModel q = quantize(Model{"four", 2, 0.0, 1.0, {dense(2, 1, {1, 1}, {0})}}, {4, 10});
    CHECK(q.input_max == 15);
    CHECK(quantize_input(q, {0.5, 1.0}) == std::vector<std::int64_t>{8, 15});
}

TEST_CASE("a NaN or infinite input is rejected naming its index", "[quantize]") {
    const QuantizedModel q = quantize(two_by_two());
    CHECK_THROWS_MATCHES(quantize_input(q, {0.5, std::nan("")}), InputError, names_field("input[1]"));
    CHECK_THROWS_MATCHES(quantize_input(q, {std::numeric_limits<double>::infinity(), 0.5}), InputError,
                         names_field("input[0]"));
}

TEST_CASE("quantize_input rejects an input of the wrong size", "[quantize]") {
    CHECK_THROWS_WITH(quantize_input(quantize(two_by_two()), {0.5}), Catch::Contains("expected 2 values, got 1"));
}

TEST_CASE("bounds just below 2^62 are accepted", "[quantize]") {
    // 32-bit inputs and weights: 2^30 * (2^32 - 1) = 2^62 - 2^30.
    const QuantizedModel q = quantize(Model{"edge", 1, 0.0, 1.0, {dense(1, 1, {1.0}, {0.0})}}, {32, 32});
    CHECK(q.layers[0].bounds[0] == Interval{0, (std::int64_t(1) << 62) - (std::int64_t(1) << 30)});
}

TEST_CASE("bounds beyond 2^62 are rejected naming the layer", "[quantize]") {
    // The second layer sums two products of 2^62 - 2^30: about 2^63.
    const Model model{"huge", 2, 0.0, 1.0, {of_kind(Layer::Kind::ReLU), dense(2, 1, {1.0, 1.0}, {0.0})}};
    CHECK_THROWS_MATCHES(quantize(model, {32, 32}), InputError, names_field("layers[1]"));
    CHECK_THROWS_WITH(quantize(model, {32, 32}), Catch::Contains("2^62"));
}

TEST_CASE("a model without layers or with out-of-range bit widths is not quantized", "[quantize]") {
    CHECK_THROWS_MATCHES(quantize(Model{"empty", 2, 0.0, 1.0, {}}), InputError, names_field("layers"));
    CHECK_THROWS_AS(quantize(two_by_two(), {0, 10}), InputError);
    CHECK_THROWS_AS(quantize(two_by_two(), {8, 1}), InputError);
    CHECK_THROWS_AS(quantize(two_by_two(), {33, 10}), InputError);
}

TEST_CASE("each layer of the shipped model fills its weight_bits", "[quantize]") {
    // The largest |weight| uses the top bit of its 9 magnitude bits (256..511), and none exceeds them.
    const QuantizedModel q = quantize(load_model(test::example_model("mnist-784-16-10.json")));
    for (const auto& layer : q.layers) {
        if (layer.kind != Layer::Kind::Dense) continue;
        std::int64_t largest = 0;
        for (const auto w : layer.dense.weights) largest = std::max<std::int64_t>(largest, std::abs(w));
        CHECK(largest >= 256);
        CHECK(largest <= 511);
    }
}

TEST_CASE("the fingerprint is stable and changes with any integer", "[quantize]") {
    const QuantizedModel q = quantize(two_by_two(), kFourBitWeights);
    CHECK(q.fingerprint() == quantize(two_by_two(), kFourBitWeights).fingerprint());
    QuantizedModel changed = q;
    changed.layers[0].dense.biases[1] += 1;
    CHECK(changed.fingerprint() != q.fingerprint());
}

TEST_CASE("a sign test of values near -2^63 needs all 64 bits", "[quantize]") {
    CHECK(sign_test_bits({INT64_MIN, 0}) == 64);
    CHECK(sign_test_bits({-(std::int64_t(1) << 62) - 1, 0}) == 64);
    CHECK(sign_test_bits({0, INT64_MAX}) == 64);
}

TEST_CASE("the weight shift rises to the largest that fits when the logarithm underestimates it", "[quantize]") {
    // max |w| = 3.6 with 4-bit weights: round(3.6 * 2) = 7 fits in [-7, 7], so the shift is 1.
    Model model{"shift", 1, 0.0, 1.0, {dense(1, 1, {3.6}, {0.0})}};
    CHECK(quantize(model, kFourBitWeights).layers[0].dense.weight_shift == 1);
}
