// Trains a ReLU MLP classifier with plain SGD on softmax cross-entropy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "zokml/data/mnist.hpp"
#include "zokml/model/model.hpp"

namespace zokml {

struct TrainingOptions {
    std::vector<std::size_t> hidden_sizes{56};  // 784-56-10
    std::size_t epochs = 15;
    double learning_rate = 0.05;
    double learning_rate_decay = 0.9;  // multiplied in after each epoch
    std::uint64_t seed = 1;            // weight init and shuffling: same seed, same model
};

// A Dense/ReLU/.../Dense/Argmax model trained on the digits. Deterministic for a seed.
Model train_mlp(const std::vector<Digit>& digits, const TrainingOptions& options);

// The fraction of digits the float model classifies correctly.
double float_accuracy(const Model& model, const std::vector<Digit>& digits);

}  // namespace zokml
