// Split proofs of a committed private model's classes: of public inputs (the same model for
// everyone: the verifier recomputes the inputs' commitments) and of private inputs (bound by
// salted commitments that every proof of the first layer shares).
#include <catch2/catch.hpp>

#include <algorithm>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/train.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/split/prover.hpp"
#include "zokml/split/verify.hpp"

using namespace zokml;

namespace {

QuantizedModel small_model() {
    TrainingOptions options;
    options.hidden_sizes = {4, 2};
    options.epochs = 2;
    return quantize(train_mlp(split_mnist(load_mnist()).train, options), {8, 8});
}

// Four held-out digits (without their labels: nobody needs them).
LabeledBatch inputs_of(const QuantizedModel& model, std::size_t offset) {
    std::vector<Digit> digits;
    for (std::size_t i = 0; i < 4; ++i) digits.push_back(held_out_digits()[offset + i * 97]);
    return {labeled_batch(model, digits).inputs, {}};
}

SplitOptions options_for(SplitVariant variant) {
    return {.neurons_per_part = 2, .inputs_per_slice = 2, .group_size = 3, .variant = variant};
}

// The programs serve both variants: one compile and one setup each.
struct Fixture {
    test::TempDir dir;
    ArtifactStore store{dir / "cache"};
    QuantizedModel model = small_model();
    LabeledBatch inputs = inputs_of(model, 0);
    SplitPlan plan = plan_split(model, inputs, options_for(SplitVariant::Inference));
    SplitPlan private_plan = plan_split(model, inputs, options_for(SplitVariant::BothPrivate));
    SplitPrograms programs = build_split_programs(test::real_toolchain(), store, plan, {});
    FieldElement salt = random_salt();  // the model owner's
    FieldElement commitment = commit_model_v2(model, 2, salt);
    SplitWitnessData data = split_witness_data(plan, model, inputs, salt);
    ProofBundle bundle = prove_split(test::real_toolchain(), programs, plan, model, inputs, data, 0, 2);
    SplitWitnessData private_data = split_witness_data(private_plan, model, inputs, salt);
    ProofBundle private_bundle = prove_split(test::real_toolchain(), programs, private_plan, model, inputs, private_data, 0, 2);

    // As the verifier of an inference folder (its plan, the public inputs) or of a both-private one.
    BundleVerdict verify(const ProofBundle& b, const LabeledBatch& public_inputs) const {
        return verify_bundle(test::real_toolchain(), programs, plan, b, public_inputs, commitment);
    }
    BundleVerdict verify_private(const ProofBundle& b) const {
        return verify_bundle(test::real_toolchain(), programs, private_plan, b, {}, commitment);
    }
    Proof reprove(const SplitPlan& p, const SplitWitnessData& d, const SubProof& sub,
                  const std::function<void(std::vector<Value>&)>& change) const {
        auto arguments = split_arguments(p, sub, model, inputs, d, 0);
        change(arguments);
        return test::prove_with(programs.compiled.at(sub.program.name()), programs.keys.at(sub.program.name()), arguments);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

bool rejected_for(const BundleVerdict& verdict, const std::string& problem) {
    return !verdict.verified && std::any_of(verdict.problems.begin(), verdict.problems.end(),
                                            [&](const std::string& p) { return p.find(problem) != std::string::npos; });
}

std::vector<int> reference_classes(const QuantizedModel& model, const LabeledBatch& batch) {
    std::vector<int> classes;
    for (const auto& x : batch.inputs) classes.push_back(run_reference(model, x).predicted_class);
    return classes;
}

}  // namespace

TEST_CASE("an inference plan proves every layer in slices and has no batch baked in", "[split]") {
    const QuantizedModel model = small_model();
    const SplitPlan plan = plan_split(model, inputs_of(model, 0), options_for(SplitVariant::Inference));
    const auto proofs = sub_proofs(plan);
    CHECK(proofs.size() == 2 * 2 + 1 * 2 + 1 * 2 + 1);  // 2 parts x 2 slices, then 1 x 2 twice, the aggregate
    CHECK(std::none_of(proofs.begin(), proofs.end(), [](const SubProof& p) { return p.program.kind == SplitProgram::Kind::Part; }));
    // The first layer's bounds follow the input width, not the batch: any inputs of that width fit.
    CHECK(plan.layers[0].input_max == 255);
    CHECK(plan.layers[0].values.hi == 255 * 784 * 127 + plan.layers[0].biases.hi);
    const Circuit a = generate_split_circuit(plan, proofs[0].program, inputs_of(model, 0));
    const Circuit b = generate_split_circuit(plan, proofs[0].program, inputs_of(model, 500));
    CHECK(a.files == b.files);
    CHECK_THROWS_AS(plan_split(model_parts(model, 2), 4, options_for(SplitVariant::PrivateModel), "m"), InputError);
}

TEST_CASE("a committed model's classes of public inputs: the bundle verifies against the inputs and shows the reference's classes",
          "[split][slow]") {
    auto& f = fixture();
    CHECK(f.bundle.classes == reference_classes(f.model, f.inputs));
    CHECK(f.bundle.model_commitment == f.commitment);
    CHECK(f.verify(f.bundle, f.inputs).verified);
    CHECK(f.verify(ProofBundle::from_json(f.bundle.to_json(), "b.json"), f.inputs).verified);
    CHECK(f.bundle.to_json()["variant"] == "inference");
}

TEST_CASE("an inference bundle is rejected for other inputs, other classes, or inputs committed with a salt", "[split][slow]") {
    auto& f = fixture();
    // Other public inputs: their commitments are not the ones the proofs read.
    const BundleVerdict other = f.verify(f.bundle, inputs_of(f.model, 1));
    CHECK(rejected_for(other, "inputs of slice 0 differs"));
    CHECK(rejected_for(other, "another batch"));
    // A class claimed other than the proofs show.
    ProofBundle claimed = f.bundle;
    claimed.classes[3] = (claimed.classes[3] + 1) % 10;
    CHECK(rejected_for(f.verify(claimed, f.inputs), "the class of input 3 is not the bundle's"));
    // A first-layer proof of the right inputs under a salt: valid on its own, but its commitment
    // is not the one the verifier computes from the public inputs.
    ProofBundle salted = f.bundle;
    const SubProof first = sub_proofs(f.plan)[0];
    for (auto& p : salted.proofs)
        if (p.program == first.program.name() && p.part == first.part && p.slice == first.slice)
            p.proof = f.reprove(f.plan, f.data, first, [](std::vector<Value>& a) { a[1] = Value::array({Value::of_field(7)}); });
    CHECK(rejected_for(f.verify(salted, f.inputs), "inputs of slice 0 differs"));
    CHECK(rejected_for(verify_bundle(test::real_toolchain(), f.programs, f.plan, f.bundle, f.inputs, f.commitment + FieldElement::from_int(1)),
                       "not the published one"));
}

TEST_CASE("a committed model's classes of private inputs: the bundle shows classes and salted input commitments only",
          "[split][slow]") {
    auto& f = fixture();
    CHECK(f.private_bundle.classes == reference_classes(f.model, f.inputs));
    CHECK(f.verify_private(f.private_bundle).verified);  // the verifier knows no input
    CHECK(f.verify_private(ProofBundle::from_json(f.private_bundle.to_json(), "b.json")).verified);
    REQUIRE(f.private_bundle.input_commitments.size() == 2);
    // Salted: not the commitment anyone could compute from a guessed input.
    CHECK(f.private_bundle.input_commitments[0] != commit_salted(FieldElement(), slice_inputs(f.plan, f.inputs, 0), 8));
    // No input value is public: every public input of every proof is a commitment, a class or a
    // part commitment (never a pixel).
    const std::string text = f.private_bundle.to_json().dump();
    CHECK(text.find(LabeledBatch{f.inputs.inputs, {}}.fingerprint()) == std::string::npos);
}

TEST_CASE("private inputs: proofs of two bundles cannot be mixed, and an input beyond its width has no witness", "[split][slow]") {
    auto& f = fixture();
    // The same statement proven again: other salts, so the first layer's proofs disagree.
    const SplitWitnessData again = split_witness_data(f.private_plan, f.model, f.inputs, f.salt);
    ProofBundle mixed = f.private_bundle;
    const SubProof first = sub_proofs(f.private_plan)[0];
    mixed.proofs[0].proof = f.reprove(f.private_plan, again, first, [](std::vector<Value>&) {});
    CHECK(rejected_for(f.verify_private(mixed), "differs"));
    // A pixel of 256 (8-bit inputs): the packing's range check fails the witness.
    auto arguments = split_arguments(f.private_plan, first, f.model, f.inputs, f.private_data, 0);
    arguments[0].elements[5] = Value::of_field(256);
    CHECK(test::witness_fails(f.programs.compiled.at(first.program.name()), arguments));
    // The same pixel moved into the next one's bits (v + 256 * w packs the same): refused too.
    auto aliased = split_arguments(f.private_plan, first, f.model, f.inputs, f.private_data, 0);
    const auto next = aliased[0].elements[6].field;
    aliased[0].elements[5] = Value::of_field(aliased[0].elements[5].field + FieldElement::from_int(256));
    aliased[0].elements[6] = Value::of_field(next - FieldElement::from_int(1));
    CHECK(test::witness_fails(f.programs.compiled.at(first.program.name()), aliased));
}


TEST_CASE("an inference bundle of fewer inputs than the folder's statement is rejected", "[split][slow]") {
    auto& f = fixture();
    ProofBundle dropped = f.bundle;  // the classes of the first slice only, proven by the folder's programs
    std::erase_if(dropped.proofs, [](const BundleProof& p) { return p.program != "aggregate" && p.slice == 1; });
    dropped.classes.resize(2);
    const LabeledBatch first{{f.inputs.inputs.begin(), f.inputs.inputs.begin() + 2}, {}};
    dropped.batch_fingerprint = first.fingerprint();
    CHECK(rejected_for(f.verify(dropped, first), "2 public inputs for the folder's statement of 4"));
    CHECK(rejected_for(f.verify(dropped, f.inputs), "the bundle gives 2 classes, the folder's statement has 4 inputs"));
}

TEST_CASE("a both-private bundle of fewer or more inputs than the folder's statement is rejected", "[split][slow]") {
    auto& f = fixture();
    const auto in_slice = [](std::size_t s) { return [s](const BundleProof& p) { return p.program != "aggregate" && p.slice == s; }; };
    ProofBundle dropped = f.private_bundle;  // slice 1 left out, with its classes and its inputs' commitment
    std::erase_if(dropped.proofs, in_slice(1));
    dropped.classes.resize(2);
    dropped.input_commitments.resize(1);
    const BundleVerdict fewer = f.verify_private(dropped);
    CHECK(rejected_for(fewer, "the bundle gives 2 classes, the folder's statement has 4 inputs"));
    CHECK(rejected_for(fewer, "the bundle gives 1 input commitments, the folder's statement has 2 slices"));
    ProofBundle repeated = f.private_bundle;  // slice 0 again as a third slice
    for (const auto& p : f.private_bundle.proofs)
        if (in_slice(0)(p)) repeated.proofs.push_back({p.program, p.part, 2, p.proof, {}});
    repeated.classes.insert(repeated.classes.end(), {repeated.classes[0], repeated.classes[1]});
    repeated.input_commitments.push_back(repeated.input_commitments[0]);
    const BundleVerdict more = f.verify_private(repeated);
    CHECK(rejected_for(more, "the bundle gives 6 classes, the folder's statement has 4 inputs"));
    CHECK(rejected_for(more, "slice 2 is not a sub-proof of the folder's statement"));
}

TEST_CASE("a both-private bundle's slices reordered together state the classes of the same committed slices; reordered apart, rejected",
          "[split][slow]") {
    auto& f = fixture();
    // The order of private inputs is the prover's, as the order of an input file's lines is: the
    // slices' commitments, proofs and classes swapped together are the same statement.
    ProofBundle together = f.private_bundle;
    for (auto& p : together.proofs)
        if (p.program != "aggregate") p.slice = 1 - p.slice;
    std::rotate(together.classes.begin(), together.classes.begin() + 2, together.classes.end());
    std::swap(together.input_commitments[0], together.input_commitments[1]);
    CHECK(f.verify_private(together).verified);
    ProofBundle apart = f.private_bundle;  // the commitments swapped, not the proofs that read them
    std::swap(apart.input_commitments[0], apart.input_commitments[1]);
    CHECK(rejected_for(f.verify_private(apart), "inputs of slice 0 differs"));
}
