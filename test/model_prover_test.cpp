// One prover for every single-circuit statement (zokml/project/model_prover.hpp): what each variant
// takes and refuses, and a circuit folder's prover opened once and proving many times.
#include <catch2/catch.hpp>

#include <filesystem>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/folder_proof.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/quantize/quantize.hpp"

using namespace zokml;
namespace fs = std::filesystem;

namespace {

CircuitSettings settings_of(Variant variant) {
    CircuitSettings settings;
    settings.variant = variant;
    return settings;
}

// The tiny model (3 inputs, 2 classes), quantized, and inputs of it.
const QuantizedModel& tiny() {
    static const test::TempDir dir;
    static const QuantizedModel model = quantize(load_model(test::tiny_model(dir / "tiny.json")));
    return model;
}
const std::vector<std::int64_t> kInput{200, 10, 30};
const std::vector<std::int64_t> kOtherInput{10, 200, 30};

// The field of the InputError that expected_public_output throws for these values.
std::string refused_field(Variant variant, const ProvenModel& model, const ProofInputs& inputs) {
    try {
        expected_public_output(settings_of(variant), model, inputs);
    } catch (const InputError& e) {
        return e.field();
    }
    return "(accepted)";
}

// The tiny model's private-input circuit folder, generated and set up once per test process.
struct TinyFolder {
    test::TempDir dir;
    fs::path folder = dir / "tiny";
    ArtifactStore store{dir / "store"};
    TinyFolder() {
        CircuitSpec spec;
        spec.name = "tiny";
        spec.model = test::tiny_model(dir / "tiny.json");
        spec.output = folder;
        write_generated(spec, generate_circuit(spec));
        setup_folder(folder, Scheme::G16, test::real_toolchain(), store);
    }
};

const TinyFolder& tiny_folder() {
    static const TinyFolder f;
    return f;
}

}  // namespace

TEST_CASE("a value the variant does not take is refused, naming it", "[model-prover]") {
    const FieldElement salt = random_salt();
    const LabeledBatch batch{{kInput}, {0}};
    CHECK(refused_field(Variant::PrivateInput, {tiny()}, {.input = kInput, .threshold = 1}) == "threshold");
    CHECK(refused_field(Variant::PrivateInput, {tiny(), salt}, {.input = kInput}) == "salt");
    CHECK(refused_field(Variant::PrivateInput, {tiny(), {}, batch}, {.input = kInput}) == "batch");
    CHECK(refused_field(Variant::PrivateModel, {tiny(), salt, batch}, {.input = kInput}) == "input");
    CHECK(refused_field(Variant::PrivateModel, {tiny(), salt, batch}, {.claimed_class = 0}) == "claimed_class");
    CHECK(refused_field(Variant::BothPrivate, {tiny(), salt}, {.input = kInput, .claimed_class = 0}) == "claimed_class");
    CHECK(refused_field(Variant::BothPrivate, {tiny(), salt}, {.input = kInput, .threshold = 1}) == "threshold");
    CHECK(refused_field(Variant::BothPrivate, {tiny(), salt, batch}, {.input = kInput}) == "batch");
    CHECK_THROWS_WITH(expected_public_output(settings_of(Variant::BothPrivate), {tiny(), salt}, {.input = kInput, .threshold = 1}),
                      Catch::Contains("is not an input of both-private circuits"));
}

TEST_CASE("a value the variant needs and was not given is asked for, naming it", "[model-prover]") {
    const FieldElement salt = random_salt();
    const LabeledBatch batch{{kInput}, {0}};
    CHECK(refused_field(Variant::PrivateInput, {tiny()}, {}) == "input");
    CHECK(refused_field(Variant::PrivateModel, {tiny(), {}, batch}, {}) == "salt");
    CHECK(refused_field(Variant::PrivateModel, {tiny(), salt}, {}) == "batch");
    CHECK(refused_field(Variant::BothPrivate, {tiny()}, {.input = kInput}) == "salt");
    CHECK(refused_field(Variant::BothPrivate, {tiny(), salt}, {}) == "input");
    CHECK(refused_field(Variant::PrivateModel, {tiny(), salt, batch}, {}) == "(accepted)");  // the threshold defaults
}

TEST_CASE("the expected public output is the reference's for each variant", "[model-prover]") {
    const FieldElement salt = random_salt();
    const int predicted = run_reference(tiny(), kInput).predicted_class;
    PrivateInputPublic shown;
    shown.predicted_class = predicted;
    CHECK(expected_public_output(settings_of(Variant::PrivateInput), {tiny()}, {.input = kInput}) == PublicOutput{shown});
    CHECK(expected_public_output(settings_of(Variant::BothPrivate), {tiny(), salt}, {.input = kInput}) ==
          PublicOutput{BothPrivatePublic{commit_model(tiny(), salt), predicted}});
    const LabeledBatch batch{{kInput, kOtherInput}, {predicted, predicted}};
    const auto correct = static_cast<std::int64_t>(count_correct(tiny(), batch));
    CHECK(expected_public_output(settings_of(Variant::PrivateModel), {tiny(), salt, batch}, {}) ==
          PublicOutput{PrivateModelPublic{commit_model(tiny(), salt), correct, correct}});
    CHECK_THROWS_AS(expected_public_output(settings_of(Variant::PrivateModel), {tiny(), salt, batch}, {.threshold = correct + 1}),
                    InputError);
}

TEST_CASE("a prover whose model lacks what its variant needs is refused before anything is generated", "[model-prover]") {
    const test::TempDir dir;
    CHECK_THROWS_AS(ModelProver(test::real_toolchain(), settings_of(Variant::BothPrivate), {tiny()}, dir / "both"), InputError);
    CHECK_THROWS_AS(ModelProver(test::real_toolchain(), settings_of(Variant::PrivateModel), {tiny(), random_salt()}, dir / "model"),
                    InputError);
    CHECK_THROWS_AS(ModelProver(test::real_toolchain(), {}, {tiny(), random_salt()}, dir / "input"), InputError);
    CHECK_FALSE(fs::exists(dir / "both"));
    CHECK_FALSE(fs::exists(dir / "model"));
    CHECK_FALSE(fs::exists(dir / "input"));
}

TEST_CASE("a proof given a value its variant does not take is refused before proving", "[model-prover][slow]") {
    const TinyFolder& f = tiny_folder();
    ModelProver prover = open_prover(f.folder, test::real_toolchain(), f.store);
    CHECK_THROWS_WITH(prover.prove({.input = kInput, .threshold = 1}),
                      Catch::Contains("threshold") && Catch::Contains("is not an input of private-input circuits"));
    CHECK_THROWS_WITH(prover.prove({.input = kInput, .claimed_class = 0}), Catch::Contains("takes no claimed class"));
}

TEST_CASE("a circuit folder's prover opened once proves twice warm, and both proofs verify", "[model-prover][slow]") {
    const TinyFolder& f = tiny_folder();
    ModelProver prover = open_prover(f.folder, test::real_toolchain(), f.store);
    prover.use_session();
    for (const auto& input : {kInput, kOtherInput}) {
        const ModelProof proven = prover.prove({.input = input});
        CHECK(proven.public_output == prover.expected({.input = input}));
        CHECK(prover.verify(proven.proof));
    }
}

TEST_CASE("another prover of an opened folder proves with the same keys in a folder of its own", "[model-prover][slow]") {
    const TinyFolder& f = tiny_folder();
    const ModelProver prover = open_prover(f.folder, test::real_toolchain(), f.store);
    ModelProver other = prover.another();
    CHECK(other.circuit_prover().keypair().proving_key == prover.circuit_prover().keypair().proving_key);
    const ModelProof proven = other.prove({.input = kInput});
    CHECK(prover.verify(proven.proof));
}

TEST_CASE("prove_folder's result is what the folder's prover proves", "[model-prover][slow]") {
    const TinyFolder& f = tiny_folder();
    ProofRequest request;
    request.input = IntegerInput{kInput, "input"};
    const ModelProof by_folder = prove_folder(f.folder, request, test::real_toolchain(), f.store);
    ModelProver prover = open_prover(f.folder, test::real_toolchain(), f.store);
    const ModelProof by_prover = prover.prove({.input = kInput});
    CHECK(by_folder.public_output == by_prover.public_output);
    CHECK(by_folder.proof.inputs == by_prover.proof.inputs);
    CHECK(prover.verify(by_folder.proof));
}
