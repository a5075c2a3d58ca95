// Trains a ReLU MLP on the MNIST training split and saves it as a zokml model file.
//   train_mnist --hidden 56 [--hidden 32 ...] [--epochs N] [--seed S] --out FILE [--mnist DIR]
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>

#include "zokml/data/mnist.hpp"
#include "zokml/data/train.hpp"
#include "example_main.hpp"

namespace {

constexpr const char* kUsage =
    "usage: train_mnist --hidden N [--hidden N ...] [--epochs N] [--seed S] --out FILE [--mnist DIR]\n";

struct Arguments {
    zokml::TrainingOptions options;
    std::string out;
    std::string mnist_dir;
};

Arguments parse_arguments(int argc, char** argv) {
    Arguments args;
    args.options.hidden_sizes.clear();
    args.mnist_dir = zokml::default_mnist_dir().string();
    zokml::examples::parse_flags(argc, argv, kUsage,
                                 {{"--hidden", [&](const std::string& v) { args.options.hidden_sizes.push_back(zokml::examples::count(v)); }},
                                  {"--epochs", [&](const std::string& v) { args.options.epochs = zokml::examples::count(v); }},
                                  {"--seed", [&](const std::string& v) { args.options.seed = zokml::examples::count(v); }},
                                  {"--out", [&](const std::string& v) { args.out = v; }},
                                  {"--mnist", [&](const std::string& v) { args.mnist_dir = v; }}});
    if (args.options.hidden_sizes.empty()) throw std::invalid_argument("give at least one --hidden size");
    if (args.out.empty()) throw std::invalid_argument("give the model file to write with --out");
    return args;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    Arguments args;
    try {
        args = parse_arguments(argc, argv);
    } catch (const std::exception& e) {
        fmt::print(stderr, "train_mnist: {}\n{}", e.what(), kUsage);
        return 2;
    }
    try {
        auto start = std::chrono::steady_clock::now();
        const auto split = zokml::split_mnist(zokml::load_mnist(args.mnist_dir));
        fmt::print("loaded {} training and {} held-out digits in {:.2f} s\n", split.train.size(), split.test.size(),
                   seconds_since(start));

        start = std::chrono::steady_clock::now();
        const zokml::Model model = zokml::train_mlp(split.train, args.options);
        fmt::print("trained {} ({} parameters, {} epochs, seed {}) in {:.2f} s\n", model.name,
                   model.parameter_count(), args.options.epochs, args.options.seed, seconds_since(start));
        fmt::print("accuracy: train {:.2f}%, held-out {:.2f}%\n", 100 * zokml::float_accuracy(model, split.train),
                   100 * zokml::float_accuracy(model, split.test));

        zokml::save_model(model, args.out);
        fmt::print("saved {}\n", args.out);
    } catch (const std::exception& e) {
        fmt::print(stderr, "train_mnist: {}\n", e.what());
        return 1;
    }
    return 0;
}
