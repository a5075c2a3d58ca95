#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"
#include "zokml/data/train.hpp"

using namespace zokml;

namespace {

const MnistSplit& mnist() {
    static const MnistSplit split = split_mnist(load_mnist());
    return split;
}

// Every eighth training digit: ~1000 digits of all labels, enough to learn from in a blink.
std::vector<Digit> small_training_set() {
    std::vector<Digit> out;
    for (std::size_t i = 0; i < mnist().train.size(); i += 8) out.push_back(mnist().train[i]);
    return out;
}

TrainingOptions tiny_options(std::uint64_t seed) {
    TrainingOptions options;
    options.hidden_sizes = {8};
    options.epochs = 2;
    options.seed = seed;
    return options;
}

}  // namespace

TEST_CASE("training is deterministic for a seed", "[train]") {
    const auto digits = small_training_set();
    CHECK(model_to_json(train_mlp(digits, tiny_options(7))) == model_to_json(train_mlp(digits, tiny_options(7))));
}

TEST_CASE("another seed trains another model", "[train]") {
    const auto digits = small_training_set();
    CHECK(model_to_json(train_mlp(digits, tiny_options(7))) != model_to_json(train_mlp(digits, tiny_options(8))));
}

TEST_CASE("a tiny model trained briefly classifies held-out digits far better than chance", "[train]") {
    TrainingOptions options = tiny_options(1);
    options.epochs = 4;
    const Model model = train_mlp(small_training_set(), options);
    CHECK(float_accuracy(model, mnist().test) > 0.6);  // chance is 0.1; seeds 1..5 give 0.73..0.80
}

TEST_CASE("a trained model is dense and relu layers under an argmax, named for its sizes", "[train]") {
    TrainingOptions options = tiny_options(1);
    options.hidden_sizes = {6, 4};
    options.epochs = 1;
    const Model model = train_mlp(small_training_set(), options);
    using Kind = Layer::Kind;
    std::vector<Kind> kinds;
    for (const auto& layer : model.layers) kinds.push_back(layer.kind);
    CHECK(kinds == std::vector<Kind>{Kind::Dense, Kind::ReLU, Kind::Dense, Kind::ReLU, Kind::Dense, Kind::Argmax});
    CHECK(model.layer_output_sizes() == std::vector<std::size_t>{6, 6, 4, 4, 10, 1});
    CHECK(model.name == "mnist-784-6-4-10");
    CHECK(model.input_size == 784);
    CHECK(model.input_min == 0.0);
    CHECK(model.input_max == 1.0);
}

TEST_CASE("trained weights are kept to float precision, 9 significant digits at most", "[train]") {
    const Model model = train_mlp(small_training_set(), tiny_options(1));
    for (const auto& layer : model.layers)
        for (const double w : layer.dense.weights) REQUIRE(std::stod(fmt::format("{:.9g}", w)) == w);
}

TEST_CASE("training without digits is refused", "[train]") {
    CHECK_THROWS_AS(train_mlp({}, tiny_options(1)), std::invalid_argument);
}

TEST_CASE("the shipped 784-16-10 model classifies at least 90% of the held-out digits", "[train]") {
    const Model model = load_model(zokml::test::example_model("mnist-784-16-10.json"));
    CHECK(model.name == "mnist-784-16-10");
    CHECK(float_accuracy(model, mnist().test) >= 0.90);
}
