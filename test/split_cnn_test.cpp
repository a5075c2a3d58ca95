// Split proving of a committed CNN: filters are parts, a part proof of the first convolution covers
// a few slices of the public batch (its patches baked in, summed over the AvgPool after it), a
// later convolution's slice proofs multiply private activations by private filters, values are
// rescaled before each ReLU and max pooled after it; the bundle proves what the reference computes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <random>

#include "model/window.hpp"
#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/crypto/parts.hpp"
#include "zokml/split/folder.hpp"
#include "zokml/split/prover.hpp"
#include "zokml/toolchain/public_values.hpp"

using namespace zokml;
using Catch::Contains;

namespace {

// conv 3x3 (pad 1) 1 -> 2 channels, avgpool 2x2 stride 2, ReLU, maxpool 2x2, conv 2x2 (pad top and
// left) 2 -> 3, ReLU, maxpool 2x2, flatten, dense 3 -> 3, argmax: both paddings, strides, both
// poolings in a part proof and in a slice proof, and a convolution past the first layer.
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
    Layer pool{.kind = Layer::Kind::AvgPool};
    pool.pool = {{2, 6, 6}, {2, 2, 2, 2}};
    Layer max1{.kind = Layer::Kind::MaxPool};
    max1.pool = {{2, 3, 3}, {2, 2, 1, 1}};
    Layer second{.kind = Layer::Kind::Conv2D};
    second.conv = {{2, 2, 2}, 3, {2, 2, 1, 1, 1, 1, 0, 0}, values(24), values(3)};
    Layer max2{.kind = Layer::Kind::MaxPool};
    max2.pool = {{3, 2, 2}, {2, 2, 1, 1}};
    Layer dense{.kind = Layer::Kind::Dense};
    dense.dense = {3, 3, values(9), values(3)};
    const Layer relu{.kind = Layer::Kind::ReLU};
    m.layers = {first, pool, relu, max1, second, relu, max2, Layer{.kind = Layer::Kind::Flatten}, dense, Layer{.kind = Layer::Kind::Argmax}};
    check_model(m);
    return m;
}

// Values before each ReLU rescaled to 12 bits.
constexpr QuantizationOptions kQuantization{.input_bits = 8, .weight_bits = 8, .activation_bits = 12};
QuantizedModel tiny_quantized() { return quantize(tiny_cnn(), kQuantization); }

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

// One filter a part; a part proof computes at most 8 values of its filter: one slice of 2 images
// (2 x 4 after the poolings), so the first convolution's proofs cover one slice each.
const SplitOptions kOptions{.neurons_per_part = 1, .inputs_per_slice = 2, .group_size = 4, .part_proof_values = 8};

struct Fixture {
    test::TempDir dir;
    ArtifactStore store{dir / "cache"};
    QuantizedModel model = tiny_quantized();
    LabeledBatch batch = batch_of(model);
    SplitPlan plan = plan_split(model, batch, kOptions);
    SplitPrograms programs = build_split_programs(test::real_toolchain(), store, plan, batch);
    FieldElement salt = random_salt();  // the model owner's
    FieldElement commitment = commit_model_v2(model, kOptions.neurons_per_part, salt);
    SplitWitnessData data = split_witness_data(plan, model, batch, salt);
    ProofBundle bundle = prove_split(test::real_toolchain(), programs, plan, model, batch, data, 3, 2);

    BundleVerdict verify(const ProofBundle& b) const { return verify_bundle(test::real_toolchain(), programs, plan, b, batch, commitment); }
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
    CHECK(plan.layers[0].positions == 4);  // 6x6, averaged to 3x3, max pooled to 2x2
    CHECK(plan.layers[0].parts.size() == 2);
    CHECK(plan.layers[0].rescale_bits > 0);
    CHECK(plan.layers[1].inputs == 8);
    CHECK(plan.layers[1].parts.size() == 3);
    CHECK(plan.layers[1].outputs() == 3);
    CHECK(plan.layers[1].rescale_bits > 0);
    CHECK(plan.layers[2].inputs == 3);
    CHECK(plan.layers[0].output_max < 2048);  // the rescaled ReLU values: 11 bits
    CHECK(plan.slices_per_part_proof(1) == 1);
    const auto subs = sub_proofs(plan);
    CHECK(subs.size() == 2 * 2 + 3 * 2 + 2 + 1);
    CHECK(subs[1].program.name() == "part-n1-s1-2");
    // The whole batch in one part proof when its values allow.
    CHECK(plan_split(model, batch_of(model), {.neurons_per_part = 1, .inputs_per_slice = 2}).slices_per_part_proof(1) == 2);
    // The commitment binds the filters' geometry, pooling and rescale, not only their weights.
    for (const auto& change : std::vector<std::function<void(PartRange&)>>{[](PartRange& p) { p.window.stride_height = 2; },
                                                                          [](PartRange& p) { p.pool.stride_width = 1; },
                                                                          [](PartRange& p) { p.max_pool.stride_width = 2; },
                                                                          [](PartRange& p) { p.rescale_bits += 1; }}) {
        auto parts = model_parts(model, 1);
        change(parts[0]);
        CHECK(model_commitment_seed(parts) != model_commitment_seed(model_parts(model, 1)));
    }
}

TEST_CASE("a split CNN takes what it proves: a MaxPool after a ReLU, an AvgPool after a Conv2D", "[split]") {
    Model early = tiny_cnn();
    std::swap(early.layers[5], early.layers[6]);  // conv, MaxPool, ReLU
    check_model(early);
    const QuantizedModel q = quantize(early, {8, 8});
    CHECK_THROWS_WITH(plan_split(q, batch_of(q), kOptions), Contains("layers[5]") && Contains("MaxPool only after"));
    Model late = tiny_cnn();
    std::swap(late.layers[1], late.layers[2]);  // conv, ReLU, AvgPool
    check_model(late);
    const QuantizedModel r = quantize(late, {8, 8});
    CHECK_THROWS_WITH(plan_split(r, batch_of(r), kOptions), Contains("layers[2]") && Contains("AvgPool only"));
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
    const std::size_t relus = window_output(l.image, l.window, 1).size();  // per filter, before the MaxPool
    const std::size_t expected = inputs * filters * products                                // private x private
                                 + inputs * l.inputs * f.plan.layers[0].activation_bits      // every value read, bit by bit
                                 + inputs * filters * relus * (sign_test_bits(l.values) - 1)  // each rescale's decomposition
                                 + inputs * filters * 3 * l.activation_bits;                 // the MaxPool's comparisons
    CHECK(f.programs.compiled.at(conv.program.name()).constraints >= expected);
}

TEST_CASE("a committed CNN's classes of public inputs: its first convolution in slice proofs", "[split][slow]") {
    test::TempDir dir;
    ArtifactStore store{dir / "cache"};
    const QuantizedModel model = tiny_quantized();
    LabeledBatch inputs = batch_of(model);  // two of them, in one slice; every layer one part
    inputs.inputs.resize(2);
    inputs.labels.clear();
    const SplitOptions options{.neurons_per_part = 3, .inputs_per_slice = 2, .variant = SplitVariant::Inference};
    const SplitPlan plan = plan_split(model, inputs, options);
    const SplitPrograms programs = build_split_programs(test::real_toolchain(), store, plan, {});
    const FieldElement salt = random_salt();
    const SplitWitnessData data = split_witness_data(plan, model, inputs, salt);
    const ProofBundle bundle = prove_split(test::real_toolchain(), programs, plan, model, inputs, data, 0, 2);
    std::vector<int> classes;
    for (const auto& x : inputs.inputs) classes.push_back(run_reference(model, x).predicted_class);
    CHECK(bundle.classes == classes);
    CHECK(verify_bundle(test::real_toolchain(), programs, plan, bundle, inputs, commit_model_v2(model, 3, salt)).verified);
    LabeledBatch other = inputs;
    other.inputs[1][20] = other.inputs[1][20] == 0 ? 1 : 0;
    CHECK_FALSE(verify_bundle(test::real_toolchain(), programs, plan, bundle, other, commit_model_v2(model, 3, salt)).verified);
}

TEST_CASE("a hostile layout of filters is refused before anything is generated", "[split][hostile]") {
    const QuantizedModel model = tiny_quantized();
    const nlohmann::json layout = publish_layout(tiny_cnn(), kQuantization, 1, random_salt()).to_json();
    REQUIRE(layout.at("parts")[0].contains("image"));
    const auto refused = [&](const std::function<void(nlohmann::json&)>& change, const std::string& why) {
        nlohmann::json hostile = layout;
        change(hostile.at("parts")[0]);
        CHECK_THROWS_WITH(PublishedLayout::from_json(hostile, "layout.json"), Contains("layout.json") && Contains(why));
    };
    refused([](nlohmann::json& p) { p["image"] = {1 << 24, 1 << 24, 1 << 24}; }, "parts[0].image");          // 2^72 values
    refused([](nlohmann::json& p) { p["window"]["kernel"] = {1 << 24, 1 << 24}; }, "parts[0].inputs");   // 2^48 weights
    refused([](nlohmann::json& p) { p["window"]["kernel"] = {7, 7}; }, "parts[0].inputs");               // not its weights
    refused([](nlohmann::json& p) { p["max_pool"] = {{"kernel", {9, 9}}, {"stride", {1, 1}}}; }, "parts[0].window");  // does not fit
    // Sound on its own, but a program of it would be enormous.
    auto parts = publish_layout(tiny_cnn(), kQuantization, 1, random_salt()).parts;
    parts[0].count = 1 << 20;
    CHECK_THROWS_WITH(plan_split(parts, batch_of(model), kOptions, "hostile"), Contains("more than zokml generates"));
}
