#include "zokml/data/train.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace zokml {
namespace {

constexpr std::size_t kInputs = 784;
constexpr std::size_t kClasses = 10;

// Draws derived from mt19937_64's raw 64-bit outputs, which the standard fixes (its
// distributions are implementation-defined): a seed gives the same model with any library.
class Random {
public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}

    double uniform(double low, double high) { return low + (high - low) * ((engine_() >> 11) * 0x1.0p-53); }

    // Uniform in 0..n-1: draws below 2^64 mod n are rejected so that every residue is equally likely.
    std::size_t below(std::size_t n) {
        const std::uint64_t threshold = (0 - static_cast<std::uint64_t>(n)) % n;
        for (;;)
            if (const std::uint64_t x = engine_(); x >= threshold) return x % n;
    }

    template <typename T>
    void shuffle(std::vector<T>& items) {  // Fisher-Yates
        for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
    }

private:
    std::mt19937_64 engine_;
};

// A digit as the network sees it, with its ink pixels listed: about four in five pixels are
// background (0), and skipping them makes the first layer, most of the work, ~5x cheaper.
struct Example {
    std::vector<double> x;
    std::vector<std::size_t> ink;
    int label = 0;
};

Example to_example(const Digit& digit) {
    Example e{digit.as_floats(), {}, digit.label};
    for (std::size_t i = 0; i < e.x.size(); ++i)
        if (e.x[i] != 0.0) e.ink.push_back(i);
    return e;
}

// The double nearest the shortest decimal that identifies the float nearest v: float precision,
// and a model file holds it in at most 9 significant digits.
double round_to_float_precision(double v) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, static_cast<float>(v)).ptr;
    double rounded = 0;
    std::from_chars(text, end, rounded);
    return rounded;
}

// Dense layers with ReLU between them and softmax cross-entropy on the last one's outputs.
class Mlp {
public:
    Mlp(const std::vector<std::size_t>& sizes, Random& random) {
        for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
            DenseLayer d{sizes[l], sizes[l + 1], std::vector<double>(sizes[l] * sizes[l + 1]),
                         std::vector<double>(sizes[l + 1], 0.0)};
            const bool last = l + 2 == sizes.size();
            // He init keeps ReLU activations' variance steady; Glorot suits the linear logits.
            const double limit = last ? std::sqrt(6.0 / double(d.inputs + d.outputs)) : std::sqrt(6.0 / double(d.inputs));
            for (double& w : d.weights) w = random.uniform(-limit, limit);
            layers_.push_back(std::move(d));
            values_.emplace_back(sizes[l + 1]);
            deltas_.emplace_back(sizes[l + 1]);
        }
    }

    // One SGD step on one example.
    void step(const Example& e, double learning_rate) {
        forward(e);
        std::vector<double>& delta = deltas_.back();
        softmax(values_.back(), delta);
        delta[e.label] -= 1.0;  // d(cross-entropy)/d(logits) = softmax - one-hot
        for (std::size_t l = layers_.size(); l-- > 0;) {
            DenseLayer& d = layers_[l];
            const std::vector<double>& in = l == 0 ? e.x : values_[l - 1];
            if (l > 0) {  // the gradient at this layer's inputs, before the weights move
                std::vector<double>& below = deltas_[l - 1];
                std::fill(below.begin(), below.end(), 0.0);
                for (std::size_t o = 0; o < d.outputs; ++o)
                    for (std::size_t i = 0; i < d.inputs; ++i) below[i] += d.weights[o * d.inputs + i] * deltas_[l][o];
                for (std::size_t i = 0; i < d.inputs; ++i)
                    if (in[i] <= 0.0) below[i] = 0.0;  // ReLU passes no gradient where it was off
            }
            for (std::size_t o = 0; o < d.outputs; ++o) {
                const double g = learning_rate * deltas_[l][o];
                double* row = &d.weights[o * d.inputs];
                if (l == 0)
                    for (const std::size_t i : e.ink) row[i] -= g * in[i];
                else
                    for (std::size_t i = 0; i < d.inputs; ++i) row[i] -= g * in[i];
                d.biases[o] -= g;
            }
        }
    }

    Model to_model(const std::string& name) const {
        Model model{name, layers_.front().inputs, 0.0, 1.0, {}};
        for (const auto& d : layers_) {
            if (!model.layers.empty()) model.layers.push_back({Layer::Kind::ReLU, {}});
            Layer layer{Layer::Kind::Dense, d};
            for (double& w : layer.dense.weights) w = round_to_float_precision(w);
            for (double& b : layer.dense.biases) b = round_to_float_precision(b);
            model.layers.push_back(std::move(layer));
        }
        model.layers.push_back({Layer::Kind::Argmax, {}});
        return model;
    }

private:
    void forward(const Example& e) {
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            const DenseLayer& d = layers_[l];
            std::vector<double>& out = values_[l];
            for (std::size_t o = 0; o < d.outputs; ++o) {
                const double* row = &d.weights[o * d.inputs];
                double sum = d.biases[o];
                if (l == 0)
                    for (const std::size_t i : e.ink) sum += row[i] * e.x[i];
                else
                    for (std::size_t i = 0; i < d.inputs; ++i) sum += row[i] * values_[l - 1][i];
                out[o] = l + 1 < layers_.size() ? std::max(sum, 0.0) : sum;
            }
        }
    }

    static void softmax(const std::vector<double>& logits, std::vector<double>& out) {
        const double top = *std::max_element(logits.begin(), logits.end());  // keeps exp() finite
        double total = 0;
        for (std::size_t k = 0; k < logits.size(); ++k) total += out[k] = std::exp(logits[k] - top);
        for (double& p : out) p /= total;
    }

    std::vector<DenseLayer> layers_;
    std::vector<std::vector<double>> values_;  // each layer's output (after ReLU for hidden layers)
    std::vector<std::vector<double>> deltas_;  // the loss gradient at each layer's pre-activation
};

}  // namespace

Model train_mlp(const std::vector<Digit>& digits, const TrainingOptions& options) {
    if (digits.empty()) throw std::invalid_argument("train_mlp: no digits to train on");
    std::vector<std::size_t> sizes{kInputs};
    for (const std::size_t h : options.hidden_sizes) {
        if (h == 0) throw std::invalid_argument("train_mlp: a hidden layer needs at least one unit");
        sizes.push_back(h);
    }
    sizes.push_back(kClasses);

    Random random(options.seed);
    Mlp mlp(sizes, random);
    std::vector<Example> examples;
    examples.reserve(digits.size());
    for (const auto& d : digits) examples.push_back(to_example(d));
    std::vector<std::size_t> order(examples.size());
    double learning_rate = options.learning_rate;
    for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
        std::iota(order.begin(), order.end(), 0);  // each epoch's order depends only on the seed
        random.shuffle(order);
        for (const std::size_t i : order) mlp.step(examples[i], learning_rate);
        learning_rate *= options.learning_rate_decay;
    }
    return mlp.to_model(fmt::format("mnist-{}", fmt::join(sizes, "-")));
}

double float_accuracy(const Model& model, const std::vector<Digit>& digits) {
    if (digits.empty()) return 0.0;
    std::size_t correct = 0;
    for (const auto& d : digits) {
        const auto out = run_float(model, d.as_floats());
        const auto predicted = model.has_argmax()
                                   ? static_cast<std::size_t>(out[0])
                                   : static_cast<std::size_t>(std::max_element(out.begin(), out.end()) - out.begin());
        correct += predicted == static_cast<std::size_t>(d.label);
    }
    return static_cast<double>(correct) / static_cast<double>(digits.size());
}

}  // namespace zokml
