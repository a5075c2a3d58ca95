#include <catch2/catch.hpp>

#include <memory>
#include <set>

#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;
namespace fs = std::filesystem;

namespace {

const QuantizedModel& small_model() { return test::small_mnist_model(); }

// Circuits for the small model besides the default one (test::small_mnist_prover()), compiled and
// set up once per test process: one that also takes a claimed class and exposes the logits, and
// one that takes the input's hash.
CircuitSettings private_input(const PrivateInputOptions& options) {
    CircuitSettings settings;
    settings.private_input = options;
    return settings;
}

struct Provers {
    test::TempDir dir;
    ModelProver full{test::real_toolchain(), private_input({.expose_logits = true, .claimed_class = true}), {small_model()}, dir / "full"};
    ModelProver hashed{test::real_toolchain(), private_input({.hash_input = true}), {small_model()}, dir / "hashed"};
};

Provers& provers() {
    static Provers p;
    return p;
}

std::vector<std::int64_t> input_of(const Digit& digit) { return digit_input(small_model(), digit); }

bool witness_fails(const ModelProver& prover, const std::vector<std::int64_t>& input, std::optional<int> claim = {},
                   std::optional<FieldElement> hash = {}) {
    return test::witness_fails(prover.circuit_prover().program(),
                               private_input_arguments(prover.model().model, prover.settings().private_input, input, claim, hash));
}

// What a private-input proof makes public.
const PrivateInputPublic& shown(const ModelProof& proof) { return std::get<PrivateInputPublic>(proof.public_output); }

}  // namespace

TEST_CASE("the circuit's class and logits equal the integer reference on 20 real held-out digits", "[private-input][slow]") {
    auto& prover = provers().full;
    std::set<int> classes;
    for (std::size_t i = 0; i < 20; ++i) {
        const Digit& digit = held_out_digits()[i * 97];  // spread over the labels
        const auto input = input_of(digit);
        const ReferenceTrace expected = run_reference(small_model(), input);
        INFO("held-out digit " << i * 97 << " label " << digit.label);
        const auto out = std::get<PrivateInputPublic>(prover.evaluate({.input = input, .claimed_class = expected.predicted_class}));
        CHECK(out.predicted_class == expected.predicted_class);
        CHECK(out.logits == expected.logits);
        classes.insert(out.predicted_class);
    }
    CHECK(classes.size() >= 8);  // the argmax really moves
}

TEST_CASE("a proof of a real digit verifies and shows the reference class", "[private-input][slow]") {
    auto& prover = test::small_mnist_prover();
    const auto input = input_of(held_out_digits()[3]);
    const ModelProof proof = prover.prove({.input = input});
    CHECK(shown(proof).predicted_class == run_reference(small_model(), input).predicted_class);
    CHECK(proof.proof.inputs.size() == 1);  // only the class is public
    CHECK(prover.verify(proof.proof));
}

TEST_CASE("a tampered proof fails verification", "[private-input][slow]") {
    auto& prover = test::small_mnist_prover();
    ModelProof proof = prover.prove({.input = input_of(held_out_digits()[5])});
    std::swap(proof.proof.points["a"], proof.proof.points["c"]);
    CHECK_FALSE(prover.verify(proof.proof));
}

TEST_CASE("a proof presented with another class fails verification", "[private-input][slow]") {
    auto& prover = test::small_mnist_prover();
    ModelProof proof = prover.prove({.input = input_of(held_out_digits()[7])});
    proof.proof.inputs[0] = FieldElement::from_int((shown(proof).predicted_class + 1) % 10);
    CHECK_FALSE(prover.verify(proof.proof));
}

TEST_CASE("a false claimed class makes the witness fail", "[private-input][slow]") {
    const auto input = input_of(held_out_digits()[11]);
    const int truth = run_reference(small_model(), input).predicted_class;
    CHECK_FALSE(witness_fails(provers().full, input, truth));
    CHECK(witness_fails(provers().full, input, (truth + 1) % 10));
}

TEST_CASE("an out-of-range pixel makes the witness fail", "[private-input][slow]") {
    const auto& prover = test::small_mnist_prover();
    auto input = input_of(held_out_digits()[13]);
    // A border pixel: its weights are zero, so only the range check sees it.
    SECTION("256") { input[0] = 256; }
    SECTION("p - 1, that is -1") { input[0] = -1; }
    SECTION("an ink pixel at 300") { input[14 * 28 + 14] = 300; }
    CHECK(witness_fails(prover, input));
}

TEST_CASE("a pixel's high bits must each be 0 or 1 and leave 0 or 1 for its lowest bit", "[private-input][slow]") {
    // The range check takes the pixel and its 7 high bits from the prover: bits that are not
    // bits, or that do not add up to the pixel, are what a cheating prover would give.
    const auto& prover = test::small_mnist_prover();
    const auto input = input_of(held_out_digits()[13]);
    std::vector<Value> arguments = private_input_arguments(prover.model().model, prover.settings().private_input, input);
    const auto& program = prover.circuit_prover().program();
    REQUIRE_FALSE(test::witness_fails(program, arguments));
    const std::size_t pixel = 14 * 28 + 14;
    const auto with = [&](std::int64_t value, std::vector<std::int64_t> high_bits) {
        std::vector<Value> changed = arguments;
        changed[0].elements[pixel] = Value::of_field(value);
        changed[1].elements[pixel] = Value::fields(high_bits);
        return changed;
    };
    CHECK_FALSE(test::witness_fails(program, with(5, {0, 0, 0, 0, 0, 1, 0})));  // 4 + a lowest bit of 1
    CHECK(test::witness_fails(program, with(4, {0, 0, 0, 0, 0, 0, 2})));   // 2 x 2 = 4, lowest bit 0: a "bit" of 2
    CHECK(test::witness_fails(program, with(8, {0, 0, 0, 0, 0, 3, -2})));  // 3 x 4 - 2 x 2 = 8: "bits" 3 and -2
    CHECK(test::witness_fails(program, with(5, {0, 0, 0, 0, 0, 0, 0})));   // boolean bits that leave 5 for the lowest
    CHECK(test::witness_fails(program, with(256, {1, 1, 1, 1, 1, 1, 1})));  // 254 + 2
}

TEST_CASE("the range checks survive compilation where no weight reads the pixels", "[private-input][slow]") {
    // With every weight zero the pixels feed nothing but their range checks, which the compiler
    // would delete were they computations whose results go unused.
    QuantizedModel blind = small_model();
    for (auto& w : blind.layers[0].dense.weights) w = 0;
    const test::TempDir dir;
    const ModelProver prover(test::real_toolchain(), {}, {blind}, dir / "blind");
    // Every neuron is then a constant the compiler folds: what remains is 8 constraints a pixel
    // (7 high bits and the lowest one) and the public output.
    CHECK(prover.circuit_prover().program().constraints == 784 * 8 + 1);
    const std::vector<std::int64_t> input(784, 0);
    CHECK_FALSE(witness_fails(prover, input));
    for (const std::size_t pixel : {0, 391, 783}) {
        auto out_of_range = input;
        out_of_range[pixel] = 256;
        INFO("pixel " << pixel);
        CHECK(witness_fails(prover, out_of_range));
    }
}

TEST_CASE("generation is deterministic: the same model gives the same bytes", "[private-input]") {
    const Circuit a = generate_private_input_circuit(small_model());
    const Circuit b = generate_private_input_circuit(quantize(load_model(test::example_model("mnist-784-16-10.json"))));
    CHECK(a.files == b.files);
    CHECK(a.fingerprint() == b.fingerprint());
    CHECK(a.files.at("main.zok").find(small_model().fingerprint()) != std::string::npos);
}

TEST_CASE("a changed weight changes the circuit and its fingerprint", "[private-input]") {
    QuantizedModel changed = small_model();
    changed.layers[0].dense.weights[300] += 1;
    CHECK(changed.fingerprint() != small_model().fingerprint());
    CHECK(generate_private_input_circuit(changed).fingerprint() != generate_private_input_circuit(small_model()).fingerprint());
}

TEST_CASE("circuit options shape the program's interface", "[private-input]") {
    const Circuit plain = generate_private_input_circuit(small_model());
    const Circuit full = generate_private_input_circuit(small_model(), {.expose_logits = true, .claimed_class = true});
    CHECK(plain.files.at("main.zok").find("def main(private field[784] x, private field[784][7] x_bits) -> field {") !=
          std::string::npos);
    CHECK(full.files.at("main.zok").find("def main(private field[784] x, private field[784][7] x_bits, field claimed_class) "
                                         "-> (field, field[10]) {") != std::string::npos);
}

TEST_CASE("a model without an argmax head cannot become a private-input circuit", "[private-input]") {
    QuantizedModel headless = small_model();
    headless.layers.pop_back();
    CHECK_THROWS_WITH(generate_private_input_circuit(headless), Catch::Contains("argmax"));
}

TEST_CASE("a hashed-input proof binds the proof to the input's public hash", "[private-input][slow]") {
    auto& prover = provers().hashed;
    const auto input = input_of(held_out_digits()[17]);
    const ModelProof proof = prover.prove({.input = input});
    REQUIRE(proof.proof.inputs.size() == 2);
    CHECK(shown(proof).input_hash == hash_input(small_model(), input));
    CHECK(shown(proof).predicted_class == run_reference(small_model(), input).predicted_class);
    CHECK(prover.verify(proof.proof));
    Proof other = proof.proof;
    other.inputs[0] = hash_input(small_model(), input_of(held_out_digits()[18]));
    CHECK_FALSE(prover.verify(other));
}

namespace {

bool hashed_witness_fails(const std::vector<std::int64_t>& input, const FieldElement& claimed_hash) {
    return witness_fails(provers().hashed, input, {}, claimed_hash);
}

}  // namespace

TEST_CASE("a hashed-input witness fails for another input's hash", "[private-input][slow]") {
    const auto input = input_of(held_out_digits()[19]);
    CHECK_FALSE(hashed_witness_fails(input, hash_input(small_model(), input)));
    CHECK(hashed_witness_fails(input, hash_input(small_model(), input_of(held_out_digits()[20]))));
}

TEST_CASE("a hashed-input witness fails for an out-of-range pixel that packs to the same hash", "[private-input][slow]") {
    // Pixel 0 + 256 and pixel 1 - 1 pack to the same element: only the range check refuses it.
    const auto input = input_of(held_out_digits()[21]);
    auto forged = input;
    forged[1] = 1;
    auto original = forged;
    original[0] = 0;
    forged[0] = 256;
    forged[1] = 0;
    CHECK(hashed_witness_fails(forged, hash_input(small_model(), original)));
}
