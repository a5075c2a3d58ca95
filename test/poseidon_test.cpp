#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "crypto/bn254/fr.hpp"
#include "support.hpp"
#include "zokml/crypto/poseidon.hpp"

using namespace zokml;
using zokml::test::TempDir;

namespace {

std::vector<FieldElement> ints(std::initializer_list<std::int64_t> values) {
    std::vector<FieldElement> elements;
    for (const auto v : values) elements.push_back(FieldElement::from_int(v));
    return elements;
}

// Uniform-looking field elements (256 random bits reduced mod p) from a fixed seed.
class RandomElements {
public:
    explicit RandomElements(std::uint64_t seed) : engine_(seed) {}
    FieldElement next() {
        std::array<std::uint8_t, 32> bytes{};
        for (auto& byte : bytes) byte = static_cast<std::uint8_t>(engine_());
        return FieldElement::from_bytes(bytes);
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace

TEST_CASE("poseidon of 1 and 2 is circomlib's test vector", "[poseidon]") {
    CHECK(poseidon(ints({1, 2})).to_decimal() ==
          "7853200120776062878684798364095072458815029376092732009249414926327459813530");
}

TEST_CASE("poseidon of 1..N matches the values ZoKrates computed for every width", "[poseidon]") {
    // From ZoKrates 0.8.8 running test/data/poseidon/all_widths.zok (stdlib hashes/poseidon/poseidon).
    CHECK(poseidon(ints({1})).to_decimal() ==
          "18586133768512220936620570745912940619677854269274689475585506675881198879027");
    CHECK(poseidon(ints({1, 2, 3})).to_decimal() ==
          "6542985608222806190361240322586112750744169038454362455181422643027100751666");
    CHECK(poseidon(ints({1, 2, 3, 4})).to_decimal() ==
          "18821383157269793795438455681495246036402687001665670618754263018637548127333");
    CHECK(poseidon(ints({1, 2, 3, 4, 5})).to_decimal() ==
          "6183221330272524995739186171720101788151706631170188140075976616310159254464");
    CHECK(poseidon(ints({1, 2, 3, 4, 5, 6})).to_decimal() ==
          "20400040500897583745843009878988256314335038853985262692600694741116813247201");
}

TEST_CASE("poseidon of no inputs or of more than six is rejected", "[poseidon]") {
    CHECK_THROWS_AS(poseidon({}), std::invalid_argument);
    CHECK_THROWS_AS(poseidon(ints({1, 2, 3, 4, 5, 6, 7})), std::invalid_argument);
}

TEST_CASE("the Montgomery arithmetic behind poseidon agrees with FieldElement", "[poseidon]") {
    using bn254::to_field;
    using bn254::to_fr;
    RandomElements random(7);
    std::vector<FieldElement> values = {FieldElement{}, FieldElement::from_int(1), FieldElement::from_int(-1),
                                        FieldElement::from_int(-2)};
    for (int i = 0; i < 60; ++i) values.push_back(random.next());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& a = values[i];
        const auto& b = values[(i * 7 + 3) % values.size()];
        CAPTURE(a.to_decimal(), b.to_decimal());
        CHECK(to_field(to_fr(a)) == a);
        CHECK(to_field(to_fr(a) + to_fr(b)) == a + b);
        CHECK(to_field(to_fr(a) * to_fr(b)) == a * b);
        CHECK(to_field(to_fr(a).pow({5, 0, 0, 0})) == a.pow(5));
        if (a != FieldElement{})
            CHECK(to_field(to_fr(a).inverse() * to_fr(a)) == FieldElement::from_int(1));
    }
}

TEST_CASE("poseidon equals ZoKrates' stdlib poseidon at every width on edge and random inputs", "[poseidon][slow]") {
    // One program hashes 21 inputs as runs of 1, 2, ..., 6 elements: each witness checks every width.
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    const auto program = zokrates.compile(test::data_path("poseidon/all_widths.zok"), dir / "build");

    const auto p_minus_1 = FieldElement::from_int(-1);
    RandomElements random(2024);
    std::vector<std::vector<FieldElement>> cases = {
        std::vector<FieldElement>(21, FieldElement{}),
        std::vector<FieldElement>(21, FieldElement::from_int(1)),
        std::vector<FieldElement>(21, p_minus_1),
    };
    std::vector<FieldElement> mixed;
    for (int i = 0; i < 21; ++i) mixed.push_back(i % 3 == 0 ? FieldElement{} : i % 3 == 1 ? p_minus_1 : random.next());
    cases.push_back(mixed);
    for (int c = 0; c < 3; ++c) {
        std::vector<FieldElement> inputs;
        for (int i = 0; i < 21; ++i) inputs.push_back(random.next());
        cases.push_back(inputs);
    }

    for (std::size_t c = 0; c < cases.size(); ++c) {
        const auto& inputs = cases[c];
        std::vector<Value> arguments;
        for (const auto& input : inputs) arguments.push_back(Value::of_field(input));
        const auto run_dir = dir / ("run" + std::to_string(c));
        const auto witness = zokrates.compute_witness(program, {Value::array(arguments)}, run_dir);
        REQUIRE(witness.output.elements.size() == 6);
        std::size_t start = 0;
        for (std::size_t width = 1; width <= 6; start += width, ++width) {
            const std::vector<FieldElement> run(inputs.begin() + start, inputs.begin() + start + width);
            CAPTURE(c, width);
            CHECK(Value::of_field(poseidon(run)) == witness.output.elements[width - 1]);
        }
    }
}
