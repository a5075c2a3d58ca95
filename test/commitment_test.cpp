#include <catch2/catch.hpp>

#include "support.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/poseidon.hpp"

using namespace zokml;

TEST_CASE("signed values pack offset by 2^(bits-1), little-endian, values_per_element to an element", "[commitment]") {
    CHECK(values_per_element(8) == 31);
    CHECK(values_per_element(10) == 25);
    const CommittedTensor t{"t", {-128, 127, 0}, 8, true};
    const auto packed = pack_tensor(t);
    REQUIRE(packed.size() == 1);
    CHECK(packed[0] == FieldElement::from_int(0 + 255 * 256 + 128 * 65536));
}

TEST_CASE("a tensor starts a new element after values_per_element values", "[commitment]") {
    const CommittedTensor t{"t", std::vector<std::int64_t>(32, 1), 8, false};
    const auto packed = pack_tensor(t);
    REQUIRE(packed.size() == 2);
    CHECK(packed[1] == FieldElement::from_int(1));
}

TEST_CASE("a value outside its width cannot be committed", "[commitment]") {
    CHECK_THROWS_WITH(pack_tensor({"layers[0].weights[2]", {0, 128}, 8, true}), Catch::Contains("layers[0].weights[2][1]"));
    CHECK_THROWS_AS(pack_tensor({"t", {-129}, 8, true}), InputError);
    CHECK_THROWS_AS(pack_tensor({"t", {-1}, 8, false}), InputError);
}

TEST_CASE("absorbing chains poseidon over groups of five, padding the last with zeros", "[commitment]") {
    const FieldElement s = FieldElement::from_int(7);
    const std::vector<FieldElement> e{FieldElement::from_int(1), FieldElement::from_int(2)};
    const FieldElement z{};
    CHECK(absorb(s, e) == poseidon({s, e[0], e[1], z, z, z}));
    CHECK(absorb(s, {}) == s);
}

TEST_CASE("the seed binds the layout: names, sizes, widths and signedness", "[commitment]") {
    const std::vector<CommittedTensor> a{{"w", {1, 2}, 8, true}};
    auto b = a;
    b[0].bits = 9;
    auto c = a;
    c[0].is_signed = false;
    CHECK(commitment_seed("d", a) != commitment_seed("d", b));
    CHECK(commitment_seed("d", a) != commitment_seed("d", c));
    CHECK(commitment_seed("d", a) != commitment_seed("e", a));
}

TEST_CASE("a model's commitment changes with any one parameter", "[commitment]") {
    const QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")));
    QuantizedModel changed = model;
    changed.layers[2].dense.weights[17] += 1;
    CHECK(commit_model(model) != commit_model(changed));
    CHECK(commit_model(model) == commit_model(model));
}
