// Split proving of a private model: the bundle of sub-proofs proves what the single private-model
// circuit proves, and every way of mixing, dropping, repeating or altering its proofs is rejected.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "split/time_left.hpp"
#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/train.hpp"
#include "zokml/project/provers.hpp"
#include "zokml/split/folder.hpp"
#include "zokml/split/prover.hpp"

using namespace zokml;
using Catch::Contains;

namespace {

// A small real model with two hidden layers (784-4-2-10), trained here.
QuantizedModel small_model(std::uint64_t seed) {
    TrainingOptions options;
    options.hidden_sizes = {4, 2};
    options.epochs = 2;
    options.seed = seed;
    return quantize(train_mlp(split_mnist(load_mnist()).train, options), {8, 8});
}

LabeledBatch batch_of(const QuantizedModel& model, std::size_t offset) {
    std::vector<Digit> digits;
    for (std::size_t i = 0; i < 8; ++i) digits.push_back(held_out_digits()[offset + i * 249]);
    return labeled_batch(model, digits);
}

const SplitOptions kOptions{.neurons_per_part = 2, .inputs_per_slice = 4, .group_size = 3};

// The model, its batch, the programs built once per test process, and one bundle.
struct Fixture {
    test::TempDir dir;
    ArtifactStore store{dir / "cache"};
    QuantizedModel model = small_model(1);
    LabeledBatch batch = batch_of(model, 0);
    SplitPlan plan = plan_split(model, batch, kOptions);
    SplitPrograms programs = build_split_programs(test::real_toolchain(), store, plan, batch);
    FieldElement salt = random_salt();  // the model owner's
    FieldElement commitment = commit_model_v2(model, kOptions.neurons_per_part, salt);
    std::size_t correct = count_correct(model, batch);
    SplitWitnessData data = split_witness_data(plan, model, batch, salt);
    ProofBundle bundle = prove_split(test::real_toolchain(), programs, plan, model, batch, data, static_cast<std::int64_t>(correct), 2);

    BundleVerdict verify(const ProofBundle& b) const { return verify_bundle(test::real_toolchain(), programs, plan, b, batch, commitment); }
    // One sub-proof proven again, with the bundle's salts, its arguments changed by `change`.
    Proof reprove(const SubProof& sub, const std::function<void(std::vector<Value>&)>& change) const {
        auto arguments = split_arguments(plan, sub, model, batch, data, bundle.threshold);
        change(arguments);
        return test::prove_with(programs.compiled.at(sub.program.name()), programs.keys.at(sub.program.name()), arguments);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

BundleProof& proof_of(ProofBundle& bundle, const std::string& program_prefix, std::size_t part, std::size_t slice = 0) {
    for (auto& p : bundle.proofs)
        if (p.program.starts_with(program_prefix) && p.part == part && p.slice == slice) return p;
    throw std::runtime_error("no such proof");
}

bool rejected_for(const BundleVerdict& verdict, const std::string& problem) {
    return !verdict.verified && std::any_of(verdict.problems.begin(), verdict.problems.end(),
                                            [&](const std::string& p) { return p.find(problem) != std::string::npos; });
}

}  // namespace

TEST_CASE("the split plan follows the architecture: parts of the first layer, slices for the others", "[split]") {
    const QuantizedModel model = small_model(1);
    const SplitPlan plan = plan_split(model, batch_of(model, 0), kOptions);
    REQUIRE(plan.layers.size() == 3);
    CHECK(plan.layers[0].parts.size() == 2);  // 4 neurons, 2 a part
    CHECK(plan.layers[1].parts.size() == 1);  // 2 neurons
    CHECK(plan.layers[2].parts.size() == 1);  // the last layer is one part
    CHECK(plan.slices() == 2);                // 8 inputs, 4 a slice
    CHECK(plan.slice_size(1) == 4);
    const auto proofs = sub_proofs(plan);
    CHECK(proofs.size() == 2 + 1 * 2 + 1 * 2 + 1);
    CHECK(plan_split(model, batch_of(model, 0), {.inputs_per_slice = 3}).slice_size(2) == 2);  // the last slice is smaller
    CHECK(proofs.back().program.kind == SplitProgram::Kind::Aggregate);
}

TEST_CASE("a split variant's defaults: slices of 5 inputs with the inputs' commitment, of 20 otherwise; batches of 100 and 1",
          "[split]") {
    CHECK(SplitOptions::for_variant(SplitVariant::PrivateModel) == SplitOptions{});
    for (const auto variant : {SplitVariant::Inference, SplitVariant::BothPrivate}) {
        const SplitOptions options = SplitOptions::for_variant(variant);
        CHECK(options.variant == variant);
        CHECK(options.inputs_per_slice == 5);
        CHECK(default_batch_size(variant) == 1);
    }
    CHECK(SplitOptions{}.inputs_per_slice == 20);
    CHECK(default_batch_size(SplitVariant::PrivateModel) == 100);
}

TEST_CASE("the model commitment v2 chains the part commitments, bound to the layout", "[split]") {
    const QuantizedModel model = small_model(1);
    const FieldElement salt = random_salt();
    const auto parts = model_parts(model, 2);
    const auto salts = part_salts(salt, model, parts.size());
    std::vector<FieldElement> commitments;
    for (std::size_t p = 0; p < parts.size(); ++p) commitments.push_back(commit_part(model, parts[p], salts[p]));
    CHECK(commit_model_v2(model, 2, salt) == commit_model_parts(parts, commitments));
    CHECK(commit_model_v2(model, 2, salt) == commit_model_v2(model, 2, salts));
    CHECK(commit_model_v2(model, 2, salt) != commit_model_v2(model, 1, salt));  // another layout, another commitment
    std::swap(commitments[0], commitments[1]);
    CHECK(commit_model_parts(parts, commitments) != commit_model_v2(model, 2, salt));  // the order counts
    QuantizedModel changed = model;
    changed.layers[0].dense.weights[300] = changed.layers[0].dense.weights[300] == 3 ? 4 : 3;
    CHECK(commit_part(changed, parts[0], salts[0]) != commit_part(model, parts[0], salts[0]));
    CHECK(commit_part(changed, parts[1], salts[1]) == commit_part(model, parts[1], salts[1]));
}

TEST_CASE("part commitments are hiding: each part has its own salt, and two models sharing a part show two commitments",
          "[split]") {
    const QuantizedModel model = small_model(1);
    const auto parts = model_parts(model, 2);
    QuantizedModel tuned = model;  // fine-tuned: part 1's weights differ, part 0 is kept
    tuned.layers[0].dense.weights[2 * 784 + 300] += 1;
    const FieldElement salt = random_salt(), other_salt = random_salt();
    CHECK(commit_model_v2(model, 2, salt) != commit_model_v2(model, 2, other_salt));
    // Two owners' salts, or one owner's salt for both models: part 0 is committed to differently.
    CHECK(commit_part(model, parts[0], part_salts(salt, model, 1)[0]) != commit_part(tuned, parts[0], part_salts(other_salt, tuned, 1)[0]));
    CHECK(part_salts(salt, model, 1) != part_salts(salt, tuned, 1));
    // Two equal parts of one model get different salts.
    const auto salts = part_salts(salt, model, parts.size());
    CHECK(salts[0] != salts[1]);
    CHECK(salts == part_salts(salt, model, parts.size()));  // derived, not drawn: the owner keeps one salt
}

TEST_CASE("an unsalted layout or bundle of an earlier zokml is refused, saying what to do", "[split]") {
    const test::TempDir dir;
    nlohmann::json layout = publish_layout(load_model(test::tiny_model(dir / "tiny.json")), {}, 2, random_salt()).to_json();
    CHECK(layout["version"] == 3);
    CHECK_NOTHROW(PublishedLayout::from_json(layout, "layout.json"));
    layout["version"] = 1;
    CHECK_THROWS_WITH(PublishedLayout::from_json(layout, "layout.json"),
                      Contains("layout.json") && Contains("unsalted") && Contains("zokml commit --split --salt"));
    layout["version"] = 2;
    CHECK_THROWS_WITH(PublishedLayout::from_json(layout, "layout.json"),
                      Contains("layout.json") && Contains("quantization settings") && Contains("zokml commit --split --layout"));
    const nlohmann::json bundle = {{"format", "zokml-bundle"}, {"version", 1}};
    CHECK_THROWS_WITH(ProofBundle::from_json(bundle, "bundle.json"), Contains("bundle.json") && Contains("unsalted"));
}

TEST_CASE("a published layout records every setting the commitment was made with: widths and input range", "[split]") {
    const test::TempDir dir;
    const Model model = load_model(test::tiny_model(dir / "tiny.json"), InputRange{-1.5, 2.0});
    const QuantizationOptions options{.input_bits = 6, .weight_bits = 7, .activation_bits = 9};
    const PublishedLayout layout = PublishedLayout::from_json(publish_layout(model, options, 1, random_salt()).to_json(), "layout.json");
    CHECK(layout.quantization() == options);
    CHECK(layout.input_range() == InputRange{-1.5, 2.0});
    CHECK(quantize(load_model(dir / "tiny.json", layout.input_range()), layout.quantization()).fingerprint() ==
          quantize(model, options).fingerprint());
    const auto refused = [&](const std::function<void(nlohmann::json&)>& change, const std::string& field) {
        nlohmann::json hostile = layout.to_json();
        change(hostile);
        CHECK_THROWS_WITH(PublishedLayout::from_json(hostile, "layout.json"), Contains("layout.json") && Contains(field));
    };
    refused([](nlohmann::json& j) { j["quantization"].erase("weight_bits"); }, "quantization.weight_bits: missing");
    refused([](nlohmann::json& j) { j["quantization"]["activation_bits"] = 63; }, "quantization.activation_bits");
    refused([](nlohmann::json& j) { j["quantization"]["weight_bits"] = 1; }, "quantization.weight_bits");
    refused([](nlohmann::json& j) { j["input"]["max"] = -1.5; }, "input.max");
    refused([](nlohmann::json& j) { j.erase("quantization"); }, "quantization: missing");
}

TEST_CASE("a split proof verifies and shows the v2 commitment, the threshold and the count", "[split][slow]") {
    const auto& f = fixture();
    CHECK(f.bundle.model_commitment == f.commitment);
    CHECK(f.bundle.correct == static_cast<std::int64_t>(f.correct));
    CHECK(f.bundle.threshold == f.bundle.correct);
    const auto verdict = f.verify(f.bundle);
    INFO((verdict.problems.empty() ? "" : verdict.problems.front()));
    CHECK(verdict.verified);
    CHECK(f.programs.compiled.size() == 4);  // part-n2-s0-3, slice-l1-n2-s4, slice-l2-n10-s4, aggregate: shared by the proofs
}

TEST_CASE("a bundle survives its JSON round trip", "[split][slow]") {
    const auto& f = fixture();
    const ProofBundle read = ProofBundle::from_json(nlohmann::json::parse(f.bundle.to_json().dump()), "bundle.json");
    CHECK(read.to_json() == f.bundle.to_json());
    CHECK(f.verify(read).verified);
}

TEST_CASE("a split proof of a threshold above the count does not exist", "[split][slow]") {
    auto& f = fixture();
    CHECK_THROWS_AS(prove_split(test::real_toolchain(), f.programs, f.plan, f.model, f.batch, f.salt, f.bundle.correct + 1), InputError);
    const auto& data = f.data;
    const SubProof aggregate = sub_proofs(f.plan).back();
    auto arguments = split_arguments(f.plan, aggregate, f.model, f.batch, data, f.bundle.correct + 1);
    CHECK(test::witness_fails(f.programs.compiled.at("aggregate"), arguments));
    arguments = split_arguments(f.plan, aggregate, f.model, f.batch, data, -1);  // p - 1, not a small threshold
    CHECK(test::witness_fails(f.programs.compiled.at("aggregate"), arguments));
}

TEST_CASE("a part left out, or a proof used twice, is rejected", "[split][slow]") {
    const auto& f = fixture();
    ProofBundle missing = f.bundle;
    missing.proofs.erase(missing.proofs.begin() + 1);
    CHECK(rejected_for(f.verify(missing), "missing"));
    ProofBundle twice = f.bundle;
    twice.proofs.push_back(twice.proofs.front());
    CHECK(rejected_for(f.verify(twice), "appears twice"));
    ProofBundle moved = f.bundle;  // part 0's proof presented as part 1's
    proof_of(moved, "part", 1).proof = proof_of(moved, "part", 0).proof;
    CHECK_FALSE(f.verify(moved).verified);
}

TEST_CASE("proofs of two bundles of the same statement cannot be mixed", "[split][slow]") {
    auto& f = fixture();
    const ProofBundle other = prove_split(test::real_toolchain(), f.programs, f.plan, f.model, f.batch, f.salt, f.bundle.threshold);
    CHECK(f.verify(other).verified);
    ProofBundle mixed = f.bundle;  // the salts differ: the links break
    const auto& donor = other.proofs[3];
    for (auto& p : mixed.proofs)
        if (p.program == donor.program && p.part == donor.part && p.slice == donor.slice) p.proof = donor.proof;
    CHECK(rejected_for(f.verify(mixed), "differs"));
}

TEST_CASE("a sub-proof of another model's part, or for another batch, is rejected", "[split][slow]") {
    auto& f = fixture();
    QuantizedModel other_model = f.model;  // another model of the same widths: part 1's weights differ
    for (std::size_t i = 0; i < 784; ++i) {
        auto& w = other_model.layers[0].dense.weights[2 * 784 + i];
        w = w > 0 ? w - 1 : w + 1;
    }
    const SplitPlan other_plan = plan_split(other_model, f.batch, kOptions);
    REQUIRE(other_plan.parts() == f.plan.parts());  // the same widths: the same programs
    const FieldElement other_salt = random_salt();  // another owner's
    const ProofBundle other = prove_split(test::real_toolchain(), f.programs, other_plan, other_model, f.batch, other_salt,
                                          static_cast<std::int64_t>(count_correct(other_model, f.batch)));
    ProofBundle mixed = f.bundle;
    proof_of(mixed, "part", 1).proof = proof_of(const_cast<ProofBundle&>(other), "part", 1).proof;
    CHECK(rejected_for(f.verify(mixed), "part 1 commitment"));
    // The models share part 0 (and the second layers): no public value of one bundle shows a part commitment of the other.
    for (const auto& proof : other.proofs)
        for (const auto& value : proof.proof.inputs)
            CHECK(std::find(f.data.part_commitments.begin(), f.data.part_commitments.end(), value) == f.data.part_commitments.end());

    // A slice proof made for another batch (other labels) is refused by its labels, or its links.
    const LabeledBatch other_batch = batch_of(f.model, 7);
    const auto data = split_witness_data(f.plan, f.model, other_batch, f.salt);
    const SubProof last_slice = sub_proofs(f.plan)[sub_proofs(f.plan).size() - 2];
    auto arguments = split_arguments(f.plan, last_slice, f.model, other_batch, data, f.bundle.threshold);
    const test::TempDir work;
    CircuitProver prover(test::real_toolchain(), f.programs.compiled.at(last_slice.program.name()),
                         f.programs.keys.at(last_slice.program.name()), work.path());
    ProofBundle reused = f.bundle;
    proof_of(reused, "slice", last_slice.part, last_slice.slice).proof = prover.prove(arguments);
    CHECK_FALSE(f.verify(reused).verified);
}

TEST_CASE("a changed activation, salt or label in one proof only breaks its links", "[split][slow]") {
    auto& f = fixture();
    const auto subs = sub_proofs(f.plan);
    const SubProof& consumer = subs[2];  // layer 1's part (2), slice 0: reads the first layer's activations
    REQUIRE(consumer.program.kind == SplitProgram::Kind::Slice);
    ProofBundle same = f.bundle;  // the control: proven again unchanged, the bundle still holds
    proof_of(same, "slice", consumer.part, consumer.slice).proof = f.reprove(consumer, [](std::vector<Value>&) {});
    CHECK(f.verify(same).verified);
    ProofBundle changed = f.bundle;
    // A proof with one activation changed: valid on its own, but it reads other values than its producer made.
    proof_of(changed, "slice", consumer.part, consumer.slice).proof =
        f.reprove(consumer, [](std::vector<Value>& a) { a[0].elements[0] = Value::of_field(a[0].elements[0].field + FieldElement::from_int(1)); });
    CHECK(rejected_for(f.verify(changed), "differs"));
    // A label changed: the slice proof shows it, and it is not the batch's.
    const SubProof& last = subs[subs.size() - 2];
    ProofBundle relabelled = f.bundle;
    proof_of(relabelled, "slice", last.part, last.slice).proof = f.reprove(
        last, [](std::vector<Value>& a) { a.back().elements[0] = Value::of_field(a.back().elements[0].field + FieldElement::from_int(1)); });
    CHECK(rejected_for(f.verify(relabelled), "label 0 is not the batch's"));
}

TEST_CASE("a bundle whose options or parts are not the verifier's is rejected, naming them", "[split][slow]") {
    const auto& f = fixture();
    const auto with = [&](const std::function<void(ProofBundle&)>& change) {
        ProofBundle changed = f.bundle;
        change(changed);
        return f.verify(changed);
    };
    // The verifier's plan decides which sub-proofs are checked and how: what the bundle says of it
    // is compared, whether or not it would change the sub-proofs.
    CHECK(rejected_for(with([](ProofBundle& b) { b.options.neurons_per_part = 4; }), "options.neurons_per_part is 4, the folder's 2"));
    CHECK(rejected_for(with([](ProofBundle& b) { b.options.group_size = 5; }), "options.group_size is 5, the folder's 3"));
    CHECK(rejected_for(with([](ProofBundle& b) { b.options.inputs_per_slice = 8; }), "options.inputs_per_slice is 8, the folder's 4"));
    CHECK(rejected_for(with([](ProofBundle& b) { b.parts[0].weight_bits = 7; }), "the bundle's parts[0] is"));
    CHECK(rejected_for(with([](ProofBundle& b) { b.parts.pop_back(); }), "the bundle has 3 parts, the folder's layout 4"));
}

TEST_CASE("a sub-proof that is not a proof is one of the bundle's problems, and the others are still checked", "[split][slow]") {
    const auto& f = fixture();
    const auto subs = sub_proofs(f.plan);
    nlohmann::json document = f.bundle.to_json();
    document["proofs"][0]["proof"]["proof"]["a"][0] = "0xnot-hex";  // a point that is not a field element
    document["proofs"][1]["proof"]["proof"]["c"] = 5;               // a number where a point should be
    document["proofs"][2]["proof"] = 5;                             // a number where the proof should be
    ProofBundle bad = ProofBundle::from_json(document, "bundle.json");
    CHECK(ProofBundle::from_json(bad.to_json(), "bundle.json").to_json() == bad.to_json());  // kept as it came
    bad.proofs[3].proof.inputs[0] = bad.proofs[3].proof.inputs[0] + FieldElement::from_int(1);
    REQUIRE(bad.proofs.size() > 5);
    bad.proofs[4].proof.points["a"][1] = "0x" + std::string(63, '0') + "1";  // a field element, but off the curve
    const BundleVerdict verdict = f.verify(bad);
    const auto named = [&](std::size_t i) { return fmt::format("{} ({}): ", subs[i].name(), subs[i].program.name()); };
    CHECK(rejected_for(verdict, named(0)));
    CHECK(rejected_for(verdict, named(1)));
    CHECK(rejected_for(verdict, named(2) + "proof: not a proof"));
    CHECK(rejected_for(verdict, subs[3].name() + ": the proof does not verify"));
    CHECK(rejected_for(verdict, named(4) + "proof.a: not on the curve"));
    CHECK(verdict.problems.size() == 5);  // the aggregate and the other slices checked out
}

TEST_CASE("a bundle checked against another published commitment is rejected", "[split][slow]") {
    const auto& f = fixture();
    CHECK(rejected_for(verify_bundle(test::real_toolchain(), f.programs, f.plan, f.bundle, f.batch, f.commitment + FieldElement::from_int(1)),
                       "not the published one"));
    ProofBundle altered = f.bundle;
    altered.proofs.back().proof.inputs[0] = altered.proofs.back().proof.inputs[0] + FieldElement::from_int(1);
    CHECK(rejected_for(f.verify(altered), "does not verify"));
}

TEST_CASE("a part proven with another salt shows another part commitment: the bundle is rejected", "[split][slow]") {
    auto& f = fixture();
    const auto subs = sub_proofs(f.plan);
    // A part proof of the first layer (its salt after the weight rows and the biases), and a slice
    // proof of the second (after the two parts' values read, their salts, the weight rows and the biases).
    for (const auto& entry : {std::pair{subs[0], f.plan.parts()[subs[0].part].count + 1},
                              std::pair{subs[2], std::size_t(3) + f.plan.parts()[subs[2].part].count + 1}}) {
        const SubProof& sub = entry.first;
        const std::size_t salt_index = entry.second;
        INFO(sub.name());
        ProofBundle resalted = f.bundle;
        proof_of(resalted, sub.program.kind == SplitProgram::Kind::Part ? "part" : "slice", sub.part, sub.slice).proof =
            f.reprove(sub, [&](std::vector<Value>& a) {
                REQUIRE(a.at(salt_index).field == f.data.part_salts[sub.part]);
                a[salt_index] = Value::of_field(a[salt_index].field + FieldElement::from_int(1));
            });
        CHECK(rejected_for(f.verify(resalted), fmt::format("part {} commitment", sub.part)));
    }
}

TEST_CASE("an out-of-range weight or activation makes a sub-proof's witness fail", "[split][slow]") {
    auto& f = fixture();
    const auto& data = f.data;
    const auto subs = sub_proofs(f.plan);
    // A first-layer weight beyond its width (the part's commitment range checks it).
    auto part = split_arguments(f.plan, subs[0], f.model, f.batch, data, 0);
    part[0].elements[0] = Value::of_field(std::int64_t(1) << f.plan.layers[0].parts[0].weight_bits);
    CHECK(test::witness_fails(f.programs.compiled.at(subs[0].program.name()), part));
    // An activation read beyond its width (its packing range checks it).
    auto slice = split_arguments(f.plan, subs[2], f.model, f.batch, data, 0);
    slice[0].elements[0] = Value::of_field(std::int64_t(1) << f.plan.layers[0].activation_bits);
    CHECK(test::witness_fails(f.programs.compiled.at(subs[2].program.name()), slice));
}

TEST_CASE("a bundle checks out on chain: each proof by its program's exported Solidity verifier in the EVM, then the links",
          "[split][slow][evm]") {
    const auto& f = fixture();
    const test::TempDir dir;
    std::map<std::string, std::unique_ptr<test::EvmVerifier>> evms;
    for (const auto& [name, keys] : f.programs.keys) evms[name] = std::make_unique<test::EvmVerifier>(keys, dir / name);
    const ProofCheck on_chain = [&](const std::string& program, const Proof& proof) { return evms.at(program)->call(proof).verified; };
    CHECK(verify_bundle(test::real_toolchain(), f.programs, f.plan, f.bundle, f.batch, f.commitment, on_chain).verified);
    ProofBundle tampered = f.bundle;  // a public input the EVM verifier refuses
    tampered.proofs.front().proof.inputs[0] = tampered.proofs.front().proof.inputs[0] + FieldElement::from_int(1);
    CHECK(rejected_for(verify_bundle(test::real_toolchain(), f.programs, f.plan, tampered, f.batch, f.commitment, on_chain), "does not verify"));
}

TEST_CASE("the time left counts each program's own mean, and sizes the programs with none done yet", "[split]") {
    // Two slices of a 60,000-constraint program, one part of 20,000 constraints and an aggregate of 2,000.
    TimeLeft left({{"slice", 60000}, {"slice", 60000}, {"part", 20000}, {"aggregate", 2000}}, 1);
    CHECK(left.remaining() == 0);  // nothing done yet: no estimate
    left.done("part", 2.0);        // 1e-4 s a constraint
    CHECK(left.remaining() == Approx(6.0 + 6.0 + 0.2));
    left.done("slice", 9.0);  // slices measured: 9 s each, no longer sized from the part
    CHECK(left.remaining() == Approx(9.0 + 11.0 / 80000 * 2000));
    TimeLeft two_jobs({{"slice", 60000}, {"slice", 60000}, {"slice", 60000}}, 2);
    two_jobs.done("slice", 4.0);
    CHECK(two_jobs.remaining() == Approx(4.0));
}
