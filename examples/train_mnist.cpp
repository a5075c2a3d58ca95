// Trains a ReLU MLP on the MNIST training split and saves it as a zokml model file.
//   train_mnist --hidden 56 [--hidden 32 ...] [--epochs N] [--seed S] --out FILE [--mnist DIR]
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>

#include "zokml/data/mnist.hpp"
#include "zokml/data/train.hpp"

namespace {

constexpr const char* kUsage =
    "usage: train_mnist --hidden N [--hidden N ...] [--epochs N] [--seed S] --out FILE [--mnist DIR]\n";

struct Arguments {
    zokml::TrainingOptions options;
    std::string out;
    std::string mnist_dir;
};

std::uint64_t parse_number(const std::string& flag, const std::string& text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw std::invalid_argument(flag + " takes a non-negative integer, got '" + text + "'");
    return value;
}

Arguments parse_arguments(int argc, char** argv) {
    Arguments args;
    args.options.hidden_sizes.clear();
    args.mnist_dir = zokml::default_mnist_dir().string();
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            fmt::print("{}", kUsage);
            std::exit(0);
        }
        if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
        const std::string value = argv[++i];
        if (flag == "--hidden") args.options.hidden_sizes.push_back(parse_number(flag, value));
        else if (flag == "--epochs") args.options.epochs = parse_number(flag, value);
        else if (flag == "--seed") args.options.seed = parse_number(flag, value);
        else if (flag == "--out") args.out = value;
        else if (flag == "--mnist") args.mnist_dir = value;
        else throw std::invalid_argument("unknown option " + flag);
    }
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
