#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/mnist.hpp"

using namespace zokml;
using Catch::Matchers::Contains;

namespace {

// Loaded once: every test here reads the same 21 MB.
const std::vector<Digit>& digits() {
    static const std::vector<Digit> all = load_mnist();
    return all;
}

// A folder of ten digit files with one blank digit each, `text` replacing the file of `label`.
void write_digit_files(const std::filesystem::path& dir, int label, const std::string& text) {
    std::string blank = "{\"data\": [0";
    for (int i = 1; i < 784; ++i) blank += ",0";
    blank += "]}";
    for (int l = 0; l < 10; ++l) std::ofstream(dir / (std::to_string(l) + ".json")) << (l == label ? text : blank);
}

InputError load_rejection(const std::filesystem::path& dir) {
    try {
        load_mnist(dir);
    } catch (const InputError& e) {
        return e;
    }
    throw std::runtime_error("the digits were accepted");
}

}  // namespace

TEST_CASE("the MNIST files load as 10,000 digits with the package's label counts", "[mnist]") {
    REQUIRE(digits().size() == 10000);
    std::array<std::size_t, 10> counts{};
    for (const auto& d : digits()) ++counts.at(d.label);
    CHECK(counts == std::array<std::size_t, 10>{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978});
}

TEST_CASE("digits come by label then position, with id label * 10000 + position", "[mnist]") {
    CHECK(digits()[0].id == 0);
    CHECK(digits()[1000].id == 1000);
    CHECK(digits()[1001].id == 10000);
    CHECK(digits()[1001].label == 1);
    CHECK(digits().back().id == 90977);
    CHECK(std::is_sorted(digits().begin(), digits().end(), [](const auto& a, const auto& b) { return a.id < b.id; }));
}

TEST_CASE("pixels span 0..255 and their floats are pixel / 255", "[mnist]") {
    bool has_0 = false, has_255 = false;
    for (const auto& d : digits()) {
        has_0 |= std::count(d.pixels.begin(), d.pixels.end(), 0) > 0;
        has_255 |= std::count(d.pixels.begin(), d.pixels.end(), 255) > 0;
    }
    CHECK(has_0);
    CHECK(has_255);
    const Digit& d = digits()[42];
    const auto floats = d.as_floats();
    REQUIRE(floats.size() == 784);
    for (std::size_t i = 0; i < 784; ++i) CHECK(floats[i] == d.pixels[i] / 255.0);
}

TEST_CASE("the split holds out every fifth digit of each label, disjoint from training", "[mnist]") {
    const MnistSplit split = split_mnist(digits());
    CHECK(split.train.size() == 8004);
    CHECK(split.test.size() == 1996);
    std::set<std::size_t> train_ids;
    for (const auto& d : split.train) train_ids.insert(d.id);
    for (const auto& d : split.test) {
        CHECK(d.id % 10000 % 5 == 4);
        CHECK(train_ids.count(d.id) == 0);
    }
    CHECK(train_ids.size() == split.train.size());
}

TEST_CASE("a missing MNIST folder is rejected pointing at scripts/setup.sh", "[mnist]") {
    test::TempDir dir;
    const InputError e = load_rejection(dir / "absent");
    CHECK(e.file() == dir / "absent");
    CHECK_THAT(e.reason(), Contains("scripts/setup.sh"));
}

TEST_CASE("a pixel value outside 0..1 is rejected naming the file and index", "[mnist]") {
    test::TempDir dir;
    std::string text = "{\"data\": [0";
    for (int i = 1; i < 2 * 784; ++i) text += i == 790 ? ",1.5" : ",0";
    write_digit_files(dir.path(), 3, text + "]}");
    const InputError e = load_rejection(dir.path());
    CHECK(e.file() == dir / "3.json");
    CHECK(e.field() == "data[790]");
    CHECK_THAT(e.reason(), Contains("is 1.5 (digit 1, pixel 6), outside 0..1"));
}

TEST_CASE("a digit file whose length is not a multiple of 784 is rejected", "[mnist]") {
    test::TempDir dir;
    write_digit_files(dir.path(), 0, "{\"data\": [0, 0.5, 1]}");
    const InputError e = load_rejection(dir.path());
    CHECK(e.file() == dir / "0.json");
    CHECK_THAT(e.reason(), Contains("has 3 values"));
}

TEST_CASE("a truncated digit file is rejected naming the file", "[mnist]") {
    test::TempDir dir;
    write_digit_files(dir.path(), 9, "{\"data\": [0, 0.5,");
    const InputError e = load_rejection(dir.path());
    CHECK(e.file() == dir / "9.json");
}

TEST_CASE("$ZOKML_MNIST_DIR chooses the MNIST folder", "[mnist]") {
    const char* before = std::getenv("ZOKML_MNIST_DIR");
    const std::string saved = before ? before : "";
    ::setenv("ZOKML_MNIST_DIR", "/somewhere/digits", 1);
    CHECK(default_mnist_dir() == "/somewhere/digits");
    before ? ::setenv("ZOKML_MNIST_DIR", saved.c_str(), 1) : ::unsetenv("ZOKML_MNIST_DIR");
}
