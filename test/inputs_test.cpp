// Input files as zokml prove --input reads them: one integer input or float inputs, by content.
#include <catch2/catch.hpp>

#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <variant>

#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/inputs.hpp"

using namespace zokml;
using Catch::Matchers::Contains;

namespace {

std::variant<IntegerInput, FloatInput> read(const test::TempDir& dir, const std::string& name, const std::string& text,
                                            std::optional<std::size_t> index = std::nullopt) {
    write_file_atomically(dir / name, text);
    return read_proof_input(dir / name, index);
}

// std::cin reads `text` while it lives.
class Stdin {
public:
    explicit Stdin(const std::string& text) : text_(text), previous_(std::cin.rdbuf(text_.rdbuf())) {}
    ~Stdin() { std::cin.rdbuf(previous_); }

private:
    std::istringstream text_;
    std::streambuf* previous_;
};

}  // namespace

TEST_CASE("an input file that starts with '[' after white space is one integer input", "[inputs]") {
    const test::TempDir dir;
    const auto input = read(dir, "pixels.json", "\n  [0, 255, 7]\n");
    REQUIRE(std::holds_alternative<IntegerInput>(input));
    CHECK(std::get<IntegerInput>(input).values == std::vector<std::int64_t>{0, 255, 7});
    CHECK(std::get<IntegerInput>(input).file == dir / "pixels.json");
}

TEST_CASE("an integer input file with a value that is not an integer is refused naming its index", "[inputs][hostile]") {
    const test::TempDir dir;
    CHECK_THROWS_WITH(read(dir, "pixels.json", "[1, 2.5]"), Contains("pixels.json: [1]: expected an integer, got 2.5"));
}

TEST_CASE("a JSON batch file (an object) is float inputs, of which the index picks one", "[inputs]") {
    const test::TempDir dir;
    const auto input = read(dir, "inputs.json", R"({"format": "zokml-batch", "version": 1, "inputs": [[0.5, 1], [0, 0.25]]})", 1);
    REQUIRE(std::holds_alternative<FloatInput>(input));
    const FloatInput& floats = std::get<FloatInput>(input);
    CHECK(floats.batch.inputs == std::vector<std::vector<double>>{{0.5, 1}, {0, 0.25}});
    CHECK(floats.batch.labels.empty());
    CHECK(floats.index == 1);
    CHECK(floats.file == dir / "inputs.json");
}

TEST_CASE("a batch file of one input needs no index", "[inputs]") {
    const test::TempDir dir;
    const auto input = read(dir, "input.csv", "0.5,1\n");
    REQUIRE(std::holds_alternative<FloatInput>(input));
    CHECK(std::get<FloatInput>(input).index == 0);
}

TEST_CASE("a batch file of several inputs without an index is refused: which one is not guessed", "[inputs]") {
    const test::TempDir dir;
    CHECK_THROWS_AS(read(dir, "inputs.csv", "0.5,1\n0,0.25\n"), std::invalid_argument);
    CHECK_THROWS_WITH(read(dir, "inputs.csv", "0.5,1\n0,0.25\n"), Contains("inputs.csv holds 2 inputs: choose one by its index"));
}

TEST_CASE("an index of an integer input is refused", "[inputs]") {
    const test::TempDir dir;
    CHECK_THROWS_AS(read(dir, "pixels.json", "[1, 2]", 0), std::invalid_argument);
}

TEST_CASE("a CSV file is float inputs, one a line", "[inputs]") {
    const test::TempDir dir;
    const auto input = read(dir, "inputs.csv", "0.5,1\n0,0.25\n", 0);
    REQUIRE(std::holds_alternative<FloatInput>(input));
    CHECK(std::get<FloatInput>(input).batch.inputs == std::vector<std::vector<double>>{{0.5, 1}, {0, 0.25}});
}

TEST_CASE("a .npy file is float inputs, told apart by content whatever its name", "[inputs][npy]") {
    const test::TempDir dir;
    xt::dump_npy((dir / "inputs.data").string(), xt::xarray<float>{{0.5f, 1.0f}, {0.0f, 0.25f}});
    const auto input = read_proof_input(dir / "inputs.data", 0);
    REQUIRE(std::holds_alternative<FloatInput>(input));
    CHECK(std::get<FloatInput>(input).batch.inputs == std::vector<std::vector<double>>{{0.5, 1}, {0, 0.25}});
}

TEST_CASE("\"-\" reads one integer input from stdin, named <stdin> in errors", "[inputs]") {
    {
        const Stdin in(" [3, 4]");
        const auto input = read_proof_input("-");
        REQUIRE(std::holds_alternative<IntegerInput>(input));
        CHECK(std::get<IntegerInput>(input).values == std::vector<std::int64_t>{3, 4});
        CHECK(std::get<IntegerInput>(input).file == "<stdin>");
    }
    const Stdin in(R"({"inputs": [[1]]})");
    CHECK_THROWS_WITH(read_proof_input("-"), Contains("<stdin>: (file): expected a JSON array of integers, got object"));
}
