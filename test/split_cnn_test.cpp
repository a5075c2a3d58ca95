// Split proving of a committed CNN: filters are parts, a part proof of the first convolution covers
// a few slices of the public batch (its patches baked in), a later convolution's slice proofs
// multiply private activations by private filters; the bundle proves what the reference computes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "model/window.hpp"
#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/project/split_prover.hpp"
#include "zokml/toolchain/public_values.hpp"

using namespace zokml;
using Catch::Contains;

namespace {

// conv 3x3 (pad 1) 1 -> 2 channels, ReLU, conv 3x3 stride 2 (pad top and left only) 2 -> 2, ReLU,
// flatten, dense 18 -> 3, argmax: both paddings, a stride, and a convolution past the first layer.
Model tiny_cnn() {
    std::mt19937 random(7);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    const auto values = [&](std::size_t n) {
        std::vector<double> v(n);
        for (auto& x : v) x = uniform(random);
        return v;
    };
    Model m;
    m.name = "tiny-cnn";
    m.input_size = 36;
    Layer first{.kind = Layer::Kind::Conv2D};
    first.conv = {{1, 6, 6}, 2, {3, 3, 1, 1, 1, 1, 1, 1}, values(18), values(2)};
    Layer second{.kind = Layer::Kind::Conv2D};
    second.conv = {{2, 6, 6}, 2, {3, 3, 2, 2, 1, 1, 0, 0}, values(36), values(2)};
    Layer dense{.kind = Layer::Kind::Dense};
    dense.dense = {18, 3, values(54), values(3)};
    m.layers = {first, Layer{.kind = Layer::Kind::ReLU}, second, Layer{.kind = Layer::Kind::ReLU},
                Layer{.kind = Layer::Kind::Flatten}, dense, Layer{.kind = Layer::Kind::Argmax}};
    check_model(m);
    return m;
}

QuantizedModel tiny_quantized() { return quantize(tiny_cnn(), {8, 8}); }

// Four random images, labelled by the reference but for the second one (3 correct).
LabeledBatch batch_of(const QuantizedModel& model) {
    std::mt19937 random(11);
    std::uniform_int_distribution<std::int64_t> pixel(0, 255);
    LabeledBatch batch;
    for (std::size_t i = 0; i < 4; ++i) {
        auto& x = batch.inputs.emplace_back(36);
        for (auto& v : x) v = pixel(random);
        batch.labels.push_back(run_reference(model, x).predicted_class);
    }
    batch.labels[1] = (batch.labels[1] + 1) % 3;
    return batch;
}

// One filter a part; a part proof computes at most 100 values of its filter: one slice of 2 images
// (2 x 36), so the first convolution's proofs cover one slice each.
const SplitOptions kOptions{.neurons_per_part = 1, .inputs_per_slice = 2, .group_size = 4, .part_proof_values = 100};

struct Fixture {
    test::TempDir dir;
    ArtifactStore store{dir / "cache"};
    QuantizedModel model = tiny_quantized();
    LabeledBatch batch = batch_of(model);
    SplitPlan plan = plan_split(model, batch, kOptions);
    SplitPrograms programs = build_split_programs(test::real_toolchain(), store, plan, batch);
    FieldElement commitment = commit_model_v2(model, kOptions.neurons_per_part);
    SplitWitnessData data = split_witness_data(plan, model, batch);
    ProofBundle bundle = prove_split(test::real_toolchain(), programs, plan, model, batch, data, 3, 2);

    BundleVerdict verify(const ProofBundle& b) const { return verify_bundle(test::real_toolchain(), programs, b, batch, commitment); }
    std::vector<Value> arguments(const SubProof& sub) const { return split_arguments(plan, sub, model, batch, data, 3); }
    Proof reprove(const SubProof& sub, const std::function<void(std::vector<Value>&)>& change) const {
        auto a = arguments(sub);
        change(a);
        return test::prove_with(programs.compiled.at(sub.program.name()), programs.keys.at(sub.program.name()), a);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

const SubProof& find_sub(const std::vector<SubProof>& subs, SplitProgram::Kind kind, std::size_t layer) {
    const auto it = std::find_if(subs.begin(), subs.end(), [&](const SubProof& s) { return s.program.kind == kind && s.program.layer == layer; });
    REQUIRE(it != subs.end());
    return *it;
}

BundleProof& proof_of(ProofBundle& bundle, const SubProof& sub) {
    for (auto& p : bundle.proofs)
        if (p.program == sub.program.name() && p.part == sub.part && p.slice == sub.slice) return p;
    throw std::runtime_error("no such proof");
}

bool rejected_for(const BundleVerdict& verdict, const std::string& problem) {
    return !verdict.verified && std::any_of(verdict.problems.begin(), verdict.problems.end(),
                                            [&](const std::string& p) { return p.find(problem) != std::string::npos; });
}

Value plus_one(const Value& v) { return Value::of_field(v.field + FieldElement::from_int(1)); }

}  // namespace

TEST_CASE("a CNN's split plan: filters are parts, the first convolution's proofs cover slices of the batch", "[split]") {
    const QuantizedModel model = tiny_quantized();
    const SplitPlan plan = plan_split(model, batch_of(model), kOptions);
    REQUIRE(plan.layers.size() == 3);
    CHECK(plan.layers[0].convolution());
    CHECK(plan.layers[0].positions == 36);
    CHECK(plan.layers[0].parts.size() == 2);
    CHECK(plan.layers[1].inputs == 72);
    CHECK(plan.layers[1].outputs() == 18);
    CHECK(plan.layers[2].inputs == 18);
    CHECK(plan.slices_per_part_proof(1) == 1);
    const auto subs = sub_proofs(plan);
    CHECK(subs.size() == 2 * 2 + 2 * 2 + 2 + 1);
    CHECK(subs[1].program.name() == "part-n1-s1-2");
    // The whole batch in one part proof when its values allow.
    CHECK(plan_split(model, batch_of(model), {.neurons_per_part = 1, .inputs_per_slice = 2}).slices_per_part_proof(1) == 2);
    // The commitment binds the filters' geometry, not only their weights.
    auto parts = model_parts(model, 1);
    parts[0].window.stride_height = 2;
    CHECK(model_commitment_seed(parts) != model_commitment_seed(model_parts(model, 1)));
}

TEST_CASE("a split CNN takes what it proves: no pooling, no rescaling, no convolution last", "[split]") {
    Model pooled = tiny_cnn();
    Layer pool{.kind = Layer::Kind::MaxPool};
    pool.pool = {{2, 6, 6}, {2, 2, 2, 2}};
    pooled.layers.insert(pooled.layers.begin() + 2, pool);
    pooled.layers[3].conv.input = {2, 3, 3};
    pooled.layers[3].conv.window = {3, 3, 1, 1, 0, 0, 0, 0};
    pooled.layers[6].dense = {2, 3, std::vector<double>(6, 0.5), {0, 0, 0}};
    check_model(pooled);
    const QuantizedModel q = quantize(pooled, {8, 8});
    CHECK_THROWS_WITH(plan_split(q, batch_of(q), kOptions), Contains("layers[2]") && Contains("pooling"));
    const QuantizedModel rescaled = quantize(tiny_cnn(), {.input_bits = 8, .weight_bits = 8, .activation_bits = 12});
    CHECK_THROWS_WITH(plan_split(rescaled, batch_of(rescaled), kOptions), Contains("rescaling"));
}

TEST_CASE("a committed CNN's split proof verifies and counts what the reference counts", "[split][slow]") {
    const auto& f = fixture();
    CHECK(count_correct(f.model, f.batch) == 3);
    CHECK(f.bundle.correct == 3);
    CHECK(f.bundle.model_commitment == f.commitment);
    const auto verdict = f.verify(f.bundle);
    INFO((verdict.problems.empty() ? "" : verdict.problems.front()));
    CHECK(verdict.verified);
    // The circuits' activation commitments are the reference's, bit for bit: the bundle's links
    // hold the commitments the proofs made public, which verify_bundle compared with each other,
    // and here with those of the reference's activations.
    const auto subs = sub_proofs(f.plan);
    const SubProof& part = find_sub(subs, SplitProgram::Kind::Part, 0);
    const PublicValues values(f.programs.compiled.at(part.program.name()).abi, proof_of(const_cast<ProofBundle&>(f.bundle), part).proof.inputs,
                              split_output_names(f.plan, part.program));
    CHECK(values.at("activation_commitments").at(0) == f.data.activation_commitments[0][part.part][part.slice]);
}

TEST_CASE("a CNN's split proofs: another filter, a changed activation, or values beyond their widths are rejected", "[split][slow]") {
    auto& f = fixture();
    const auto subs = sub_proofs(f.plan);
    const SubProof& part = find_sub(subs, SplitProgram::Kind::Part, 0);
    const SubProof& conv = find_sub(subs, SplitProgram::Kind::Slice, 1);  // the second convolution, part 2, slice 0
    // A filter weight changed in one part proof: it proves another part commitment.
    ProofBundle refiltered = f.bundle;
    proof_of(refiltered, part).proof = f.reprove(part, [](std::vector<Value>& a) { a[0].elements[4] = plus_one(a[0].elements[4]); });
    CHECK(rejected_for(f.verify(refiltered), "part 0 commitment"));
    // One activation the second convolution reads changed: valid alone, but not what its producer committed to.
    ProofBundle changed = f.bundle;
    proof_of(changed, conv).proof = f.reprove(conv, [](std::vector<Value>& a) { a[0].elements[7] = plus_one(a[0].elements[7]); });
    CHECK(rejected_for(f.verify(changed), "differs"));
    // Beyond their widths: a filter weight, an activation read.
    auto weight = f.arguments(part);
    weight[0].elements[0] = Value::of_field(std::int64_t(1) << f.plan.layers[0].parts[0].weight_bits);
    CHECK(test::witness_fails(f.programs.compiled.at(part.program.name()), weight));
    auto activation = f.arguments(conv);
    activation[0].elements[0] = Value::of_field(std::int64_t(1) << f.plan.layers[0].activation_bits);
    CHECK(test::witness_fails(f.programs.compiled.at(conv.program.name()), activation));
}

TEST_CASE("a later convolution's slice program keeps its products, range checks and sign tests in the R1CS", "[split][slow]") {
    const auto& f = fixture();
    const SplitLayer& l = f.plan.layers[1];
    const SubProof& conv = find_sub(sub_proofs(f.plan), SplitProgram::Kind::Slice, 1);
    std::size_t products = 0;  // of one filter on one input: its patches' positions inside the image
    detail::for_each_conv_output(l.image, l.window, 1, [&](std::size_t, auto&& taps) { taps([&](std::size_t, std::size_t) { ++products; }); });
    const std::size_t inputs = conv.program.slice_size, filters = conv.program.neurons;
    const std::size_t expected = inputs * filters * products                                    // private x private
                                 + inputs * l.inputs * f.plan.layers[0].activation_bits          // every value read, bit by bit
                                 + inputs * filters * l.positions * sign_test_bits(l.values);   // each ReLU's sign test
    CHECK(f.programs.compiled.at(conv.program.name()).constraints >= expected);
}

TEST_CASE("a committed CNN's classes of public inputs: its first convolution in slice proofs", "[split][slow]") {
    test::TempDir dir;
    ArtifactStore store{dir / "cache"};
    const QuantizedModel model = tiny_quantized();
    LabeledBatch inputs = batch_of(model);
    inputs.labels.clear();
    const SplitOptions options{.neurons_per_part = 2, .inputs_per_slice = 2, .variant = SplitVariant::Inference};
    const SplitPlan plan = plan_split(model, inputs, options);
    const SplitPrograms programs = build_split_programs(test::real_toolchain(), store, plan, {});
    const SplitWitnessData data = split_witness_data(plan, model, inputs);
    const ProofBundle bundle = prove_split(test::real_toolchain(), programs, plan, model, inputs, data, 0, 2);
    std::vector<int> classes;
    for (const auto& x : inputs.inputs) classes.push_back(run_reference(model, x).predicted_class);
    CHECK(bundle.classes == classes);
    CHECK(verify_bundle(test::real_toolchain(), programs, bundle, inputs, commit_model_v2(model, 2)).verified);
    LabeledBatch other = inputs;
    other.inputs[3][20] = other.inputs[3][20] == 0 ? 1 : 0;
    CHECK_FALSE(verify_bundle(test::real_toolchain(), programs, bundle, other, commit_model_v2(model, 2)).verified);
}
