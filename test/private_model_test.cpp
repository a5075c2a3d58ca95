#include <catch2/catch.hpp>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/circuit/private_model.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/data/train.hpp"

using namespace zokml;

namespace {

// A small real model (784-4-10, trained here in a fraction of a second) and 8 held-out digits
// of different labels: small enough to compile in the default test run.
const QuantizedModel& small_model() {
    static const QuantizedModel model = [] {
        const MnistSplit split = split_mnist(load_mnist());
        TrainingOptions options;
        options.hidden_sizes = {4};
        options.epochs = 3;
        return quantize(train_mlp(split.train, options), {8, 8});
    }();
    return model;
}

LabeledBatch small_batch(const QuantizedModel& model) {
    const auto& held_out = held_out_digits();
    std::vector<Digit> digits;
    for (std::size_t i = 0; i < 8; ++i) digits.push_back(held_out[i * 249]);
    return labeled_batch(model, digits);
}

CircuitSettings settings_of(Variant variant) {
    CircuitSettings settings;
    settings.variant = variant;
    return settings;
}

struct Fixture {
    test::TempDir dir;
    FieldElement salt = random_salt();  // the model owner's
    ModelProver prover{test::real_toolchain(), settings_of(Variant::PrivateModel), {small_model(), salt, small_batch(small_model())},
                       dir / "private-model"};
    const QuantizedModel& model = prover.model().model;
    const LabeledBatch& batch = *prover.model().batch;
    const FieldElement& commitment = *prover.commitment();
    const std::size_t correct = count_correct(model, batch);
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

std::vector<Value> arguments(const QuantizedModel& model, const FieldElement& commitment, std::int64_t threshold) {
    return private_model_arguments(model, fixture().salt, commitment, threshold);
}

bool witness_fails(const std::vector<Value>& args) {
    return test::witness_fails(fixture().prover.circuit_prover().program(), args);
}

}  // namespace

TEST_CASE("the committed model's correct count equals the reference count", "[private-model][slow]") {
    auto& f = fixture();
    const auto public_inputs = f.prover.circuit_prover().evaluate_public(arguments(f.model, f.commitment, 0));
    const PrivateModelPublic out = decode_private_model_public(f.prover.circuit_prover().program().abi, public_inputs);
    CHECK(out.correct == static_cast<std::int64_t>(f.correct));
    CHECK(f.correct > 0);
    CHECK(f.correct < f.batch.inputs.size());  // the comparison with the labels really counts
}

TEST_CASE("a proof at the true count verifies; it shows the commitment, threshold and count", "[private-model][slow]") {
    auto& f = fixture();
    const auto threshold = static_cast<std::int64_t>(f.correct);
    const ModelProof proven = f.prover.prove({.threshold = threshold});
    CHECK(proven.public_output == PublicOutput{PrivateModelPublic{f.commitment, threshold, threshold}});
    const Proof& proof = proven.proof;
    REQUIRE(proof.inputs.size() == 3);
    CHECK(f.prover.verify(proof));

    Proof other_commitment = proof;
    other_commitment.inputs[0] = f.commitment + FieldElement::from_int(1);
    CHECK_FALSE(f.prover.verify(other_commitment));
    Proof other_threshold = proof;
    other_threshold.inputs[1] = FieldElement::from_int(threshold + 1);
    CHECK_FALSE(f.prover.verify(other_threshold));
}

TEST_CASE("a threshold one above the true count is rejected", "[private-model][slow]") {
    auto& f = fixture();
    CHECK_THROWS_AS(f.prover.prove({.threshold = static_cast<std::int64_t>(f.correct) + 1}), InputError);
    CHECK_FALSE(witness_fails(arguments(f.model, f.commitment, static_cast<std::int64_t>(f.correct))));
    CHECK(witness_fails(arguments(f.model, f.commitment, static_cast<std::int64_t>(f.correct) + 1)));
}

TEST_CASE("a threshold outside its range is rejected, not wrapped around the field", "[private-model][slow]") {
    auto& f = fixture();
    CHECK(witness_fails(arguments(f.model, f.commitment, -1)));  // p - 1
}

TEST_CASE("weights that differ from the committed ones in one parameter are rejected", "[private-model][slow]") {
    auto& f = fixture();
    QuantizedModel changed = f.model;
    changed.layers[0].dense.weights[400] += 1;
    CHECK(witness_fails(arguments(changed, f.commitment, 0)));
    QuantizedModel changed_bias = f.model;
    changed_bias.layers[2].dense.biases[3] -= 1;
    CHECK(witness_fails(arguments(changed_bias, f.commitment, 0)));
}

TEST_CASE("a wrong commitment is rejected", "[private-model][slow]") {
    auto& f = fixture();
    CHECK(witness_fails(arguments(f.model, f.commitment + FieldElement::from_int(1), 0)));
}

TEST_CASE("the circuit's commitment is the native salted one, and another salt makes the witness fail", "[private-model][slow]") {
    auto& f = fixture();
    CHECK(f.commitment == commit_model(f.model, f.salt));
    CHECK_FALSE(witness_fails(private_model_arguments(f.model, f.salt, f.commitment, 0)));
    // The salt feeds the commitment the circuit asserts: ZoKrates cannot drop it as unused.
    CHECK(witness_fails(private_model_arguments(f.model, f.salt + FieldElement::from_int(1), f.commitment, 0)));
}

TEST_CASE("an out-of-range weight is rejected even when it packs to the committed value", "[private-model][slow]") {
    // Weight i + 2^bits and weight i+1 - 1 give the same packed element: only the range check
    // stops this second model from passing as the committed one.
    auto& f = fixture();
    const auto tensors = model_parameters(f.model);
    QuantizedModel forged = f.model;
    auto& w = forged.layers[0].dense.weights;
    w[0] += std::int64_t(1) << tensors[0].bits;
    w[1] -= 1;
    CHECK(witness_fails(arguments(forged, f.commitment, 0)));
}

TEST_CASE("a changed label gives a different circuit and batch fingerprint", "[private-model]") {
    const QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")), {8, 8});
    const auto& held_out = held_out_digits();
    LabeledBatch batch = labeled_batch(model, {held_out[0], held_out[500]});
    const Circuit before = generate_private_model_circuit(model, batch);
    const std::string fingerprint = batch.fingerprint();
    batch.labels[1] = (batch.labels[1] + 1) % 10;
    CHECK(batch.fingerprint() != fingerprint);
    CHECK(generate_private_model_circuit(model, batch).fingerprint() != before.fingerprint());
    CHECK(before.files.at("main.zok").find(fingerprint) != std::string::npos);
}

TEST_CASE("the circuit carries the model's architecture and widths, never its weights", "[private-model]") {
    QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")), {8, 8});
    const auto& held_out = held_out_digits();
    const LabeledBatch batch = labeled_batch(model, {held_out[0]});
    const Circuit before = generate_private_model_circuit(model, batch);
    model.layers[0].dense.weights[300] = model.layers[0].dense.weights[300] == 5 ? 6 : 5;  // same widths
    CHECK(generate_private_model_circuit(model, batch).files == before.files);
}

TEST_CASE("a model of another shape cannot become a private-model circuit", "[private-model]") {
    QuantizedModel model = quantize(load_model(test::example_model("mnist-784-16-10.json")));
    model.layers.pop_back();
    CHECK_THROWS_WITH(generate_private_model_circuit(model, {{std::vector<std::int64_t>(784, 0)}, {0}}),
                      Catch::Contains("Dense, ReLU, Dense, Argmax"));
}

namespace {

// The same model with a private input too: public commitment, public class.
struct BothPrivate {
    test::TempDir dir;
    FieldElement salt = random_salt();  // the model owner's
    ModelProver prover{test::real_toolchain(), settings_of(Variant::BothPrivate), {small_model(), salt}, dir / "both-private"};
    const FieldElement& commitment = *prover.commitment();
};

BothPrivate& both_private() {
    static BothPrivate b;
    return b;
}

std::vector<std::int64_t> held_out_input(std::size_t i) { return digit_input(small_model(), held_out_digits()[i]); }

bool both_private_fails(const std::vector<Value>& args) {
    return test::witness_fails(both_private().prover.circuit_prover().program(), args);
}

}  // namespace

TEST_CASE("both private: the class equals the reference on real held-out digits", "[private-model][slow]") {
    auto& b = both_private();
    for (std::size_t i : {0, 400, 800, 1200, 1600}) {
        const auto x = held_out_input(i);
        const CircuitProver& circuit = b.prover.circuit_prover();
        const auto public_inputs = circuit.evaluate_public(both_private_arguments(small_model(), x, b.salt, b.commitment));
        CHECK(decode_both_private_public(circuit.program().abi, public_inputs).predicted_class ==
              run_reference(small_model(), x).predicted_class);
    }
}

TEST_CASE("both private: a proof shows the commitment and class, and fails with another commitment", "[private-model][slow]") {
    auto& b = both_private();
    const auto x = held_out_input(900);
    const ModelProof proven = b.prover.prove({.input = x});
    CHECK(proven.public_output == PublicOutput{BothPrivatePublic{b.commitment, run_reference(small_model(), x).predicted_class}});
    const Proof& proof = proven.proof;
    REQUIRE(proof.inputs.size() == 2);
    CHECK(b.prover.verify(proof));
    Proof other = proof;
    other.inputs[0] = b.commitment + FieldElement::from_int(1);
    CHECK_FALSE(b.prover.verify(other));
}

TEST_CASE("both private: other weights, a wrong commitment or salt, or an out-of-range pixel are rejected", "[private-model][slow]") {
    auto& b = both_private();
    const auto x = held_out_input(1000);
    CHECK(b.commitment == commit_model(small_model(), b.salt));
    CHECK(both_private_fails(both_private_arguments(small_model(), x, b.salt + FieldElement::from_int(1), b.commitment)));
    CHECK_FALSE(both_private_fails(both_private_arguments(small_model(), x, b.salt, b.commitment)));
    QuantizedModel changed = small_model();
    changed.layers[2].dense.weights[5] += 1;
    CHECK(both_private_fails(both_private_arguments(changed, x, b.salt, b.commitment)));
    CHECK(both_private_fails(both_private_arguments(small_model(), x, b.salt, b.commitment + FieldElement::from_int(1))));
    auto bad = x;
    bad[0] = 256;
    CHECK(both_private_fails(both_private_arguments(small_model(), bad, b.salt, b.commitment)));
    // A pixel of 4 given with a high "bit" of 2 (2 x 2 = 4): the bits are checked, not only their sum.
    std::vector<Value> arguments = both_private_arguments(small_model(), x, b.salt, b.commitment);
    arguments[0].elements[0] = Value::of_field(4);
    arguments[1].elements[0] = Value::fields({0, 0, 0, 0, 0, 0, 2});
    CHECK(both_private_fails(arguments));
    arguments[1].elements[0] = Value::fields({0, 0, 0, 0, 0, 1, 0});
    CHECK_FALSE(both_private_fails(arguments));  // the same pixel with its real bits
}
