#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>

#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;
using Catch::Contains;

namespace {

// ONNX fixtures written through the protobuf API: a graph with one float input, nodes added in
// order, float initializers.
class Onnx {
public:
    explicit Onnx(std::vector<std::int64_t> input_shape, const std::string& input = "x") {
        proto_.set_ir_version(8);
        auto* opset = proto_.add_opset_import();
        opset->set_version(13);
        auto* in = proto_.mutable_graph()->add_input();
        in->set_name(input);
        auto* tensor = in->mutable_type()->mutable_tensor_type();
        tensor->set_elem_type(onnx::TensorProto_DataType_FLOAT);
        for (const auto d : input_shape) tensor->mutable_shape()->add_dim()->set_dim_value(d);
        last_ = input;
    }

    onnx::GraphProto& graph() { return *proto_.mutable_graph(); }
    onnx::ModelProto& proto() { return proto_; }

    // A FLOAT initializer, its data as raw little-endian bytes (as torch writes) or float_data.
    std::string weights(const std::string& name, std::vector<std::int64_t> dims, const std::vector<float>& values,
                        bool raw = true) {
        auto* t = graph().add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto_DataType_FLOAT);
        for (const auto d : dims) t->add_dims(d);
        if (raw) t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
        else for (const float v : values) t->add_float_data(v);
        return name;
    }

    std::string shape(const std::string& name, const std::vector<std::int64_t>& values) {
        auto* t = graph().add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto_DataType_INT64);
        t->add_dims(static_cast<std::int64_t>(values.size()));
        for (const auto v : values) t->add_int64_data(v);
        return name;
    }

    // A node reading the previous node's output (and `constants`), writing a new value.
    onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& constants = {}) {
        auto* n = graph().add_node();
        n->set_op_type(op);
        n->set_name(fmt_name(op));
        n->add_input(last_);
        for (const auto& c : constants) n->add_input(c);
        last_ = n->name() + "_out";
        n->add_output(last_);
        return *n;
    }

    static void ints(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& values) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_INTS);
        for (const auto v : values) a->add_ints(v);
    }
    static void integer(onnx::NodeProto& n, const std::string& name, std::int64_t value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_INT);
        a->set_i(value);
    }
    static void real(onnx::NodeProto& n, const std::string& name, float value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
        a->set_f(value);
    }

    std::string bytes() {
        if (graph().output_size() == 0) graph().add_output()->set_name(last_);
        return proto_.SerializeAsString();
    }
    Model load(const OnnxOptions& options = {}) { return model_from_onnx(bytes(), "fixture.onnx", options); }

private:
    std::string fmt_name(const std::string& op) { return op + "_" + std::to_string(graph().node_size() - 1); }
    onnx::ModelProto proto_;
    std::string last_;
};

std::vector<float> floats(const std::vector<double>& values) { return {values.begin(), values.end()}; }

InputError rejection(Onnx& fixture) {
    try {
        fixture.load();
    } catch (const InputError& e) {
        return e;
    }
    throw std::runtime_error("the fixture was accepted");
}

std::vector<Layer::Kind> kinds(const Model& model) {
    std::vector<Layer::Kind> out;
    for (const auto& layer : model.layers) out.push_back(layer.kind);
    return out;
}

// The shipped JSON MLP written as ONNX: Gemm (transB = 1, as torch exports Linear), Relu, Gemm,
// with its weights as float32.
Onnx onnx_of_mlp(const Model& mlp) {
    Onnx fixture({1, static_cast<std::int64_t>(mlp.input_size)});
    int i = 0;
    for (const auto& layer : mlp.layers) {
        if (layer.kind == Layer::Kind::ReLU) fixture.node("Relu");
        if (layer.kind != Layer::Kind::Dense) continue;
        const auto& d = layer.dense;
        const auto w = fixture.weights("w" + std::to_string(i), {std::int64_t(d.outputs), std::int64_t(d.inputs)}, floats(d.weights));
        const auto b = fixture.weights("b" + std::to_string(i++), {std::int64_t(d.outputs)}, floats(d.biases));
        Onnx::integer(fixture.node("Gemm", {w, b}), "transB", 1);
    }
    return fixture;
}

const Model& json_mlp() {
    static const Model model = load_model(test::example_model("mnist-784-16-10.json"));
    return model;
}

Model json_mlp_float32() {
    Model model = json_mlp();
    for (auto& layer : model.layers) {
        for (auto& w : layer.dense.weights) w = static_cast<float>(w);
        for (auto& b : layer.dense.biases) b = static_cast<float>(b);
    }
    return model;
}

}  // namespace

TEST_CASE("the shipped ONNX MLP loads as Dense, ReLU, Dense and an Argmax head", "[onnx]") {
    const Model model = load_onnx(test::example_model("mnist-mlp.onnx"));
    CHECK(model.name == "mnist-mlp");
    CHECK(model.input_size == 784);
    CHECK(kinds(model) == std::vector<Layer::Kind>{Layer::Kind::Dense, Layer::Kind::ReLU, Layer::Kind::Dense, Layer::Kind::Argmax});
    CHECK(model.layers[0].dense.outputs == 56);
    CHECK(model.parameter_count() == 784 * 56 + 56 + 56 * 10 + 10);
}

TEST_CASE("the shipped ONNX CNN loads layer by layer, torch's zero Pad before each AveragePool read as nothing", "[onnx]") {
    using K = Layer::Kind;
    const Model model = load_onnx(test::example_model("mnist-cnn.onnx"));
    CHECK(kinds(model) == std::vector<K>{K::Conv2D, K::AvgPool, K::ReLU, K::Conv2D, K::AvgPool, K::ReLU, K::Flatten,
                                         K::Dense, K::ReLU, K::Dense, K::Argmax});
    const Conv2DLayer& conv = model.layers[3].conv;
    CHECK(conv.input == Shape3{6, 12, 12});
    CHECK(conv.filters == 12);
    CHECK(conv.output() == Shape3{12, 8, 8});
    CHECK(model.layers[4].pool.output() == Shape3{12, 4, 4});
    CHECK(model.layers[7].dense.inputs == 192);
}

TEST_CASE("float inference of the shipped ONNX models reaches PyTorch's held-out accuracy", "[onnx]") {
    // examples/train_onnx.py printed 97.90% (MLP) and 98.15% (CNN) for the same digits in float32.
    const Fidelity mlp = measure_fidelity(load_onnx(test::example_model("mnist-mlp.onnx")),
                                          quantize(load_onnx(test::example_model("mnist-mlp.onnx"))), held_out_digits());
    CHECK(mlp.float_accuracy == Approx(0.9790).margin(0.001));
    const Model cnn = load_onnx(test::example_model("mnist-cnn.onnx"));
    const Fidelity f = measure_fidelity(cnn, quantize(cnn, {8, 10, 16}), held_out_digits());
    CHECK(f.float_accuracy == Approx(0.9815).margin(0.001));
    CHECK(f.quantized_accuracy >= 0.97);
}

TEST_CASE("the JSON MLP with float32 numbers and its ONNX export give the same integers and the same circuit", "[onnx]") {
    // ONNX holds float32: the ONNX model is the JSON model with each number rounded to float32,
    // which moves some logit biases (about 1 at scale 4e6) by one integer unit.
    test::TempDir dir;
    save_model(json_mlp_float32(), dir / "float32.json");
    const QuantizedModel from_json = quantize(load_model(dir / "float32.json"));
    const QuantizedModel from_onnx = quantize(onnx_of_mlp(json_mlp()).load());
    CHECK(from_onnx.fingerprint() == from_json.fingerprint());
    auto circuit_a = generate_private_input_circuit(from_onnx).files, circuit_b = generate_private_input_circuit(from_json).files;
    circuit_a.erase("main.zok");  // its header names the model
    circuit_b.erase("main.zok");
    CHECK(circuit_a == circuit_b);
}

TEST_CASE("Gemm without transB, alpha and beta, and MatMul followed by Add all read as one Dense layer", "[onnx]") {
    // y = W x + b with W = [[1, 2, 3], [4, 5, 6]], b = [0.5, -0.5].
    const std::vector<double> expected_weights{1, 2, 3, 4, 5, 6}, expected_biases{0.5, -0.5};
    SECTION("Gemm, B as [inputs, outputs], alpha 2 and beta 0.5") {
        Onnx f({1, 3});
        auto& gemm = f.node("Gemm", {f.weights("B", {3, 2}, {0.5, 2, 1, 2.5, 1.5, 3}), f.weights("C", {2}, {1, -1}, false)});
        Onnx::real(gemm, "alpha", 2);
        Onnx::real(gemm, "beta", 0.5);
        const Model m = f.load();
        CHECK(m.layers[0].dense.weights == expected_weights);
        CHECK(m.layers[0].dense.biases == expected_biases);
    }
    SECTION("MatMul, then Add of a [1, 2] bias") {
        Onnx f({1, 3});
        f.node("MatMul", {f.weights("W", {3, 2}, {1, 4, 2, 5, 3, 6})});
        f.node("Add", {f.weights("b", {1, 2}, {0.5, -0.5})});
        const Model m = f.load();
        REQUIRE(m.layers.size() == 2);  // Dense, Argmax
        CHECK(m.layers[0].dense.weights == expected_weights);
        CHECK(m.layers[0].dense.biases == expected_biases);
    }
}

TEST_CASE("a strided, padded convolution over odd shapes and a max pooling compute what ONNX defines", "[onnx]") {
    // Input 2 x 3 x 4 (values c * 100 + y * 10 + x), one 2 x 3 filter, stride 2 x 3, pads top 1,
    // left 2, bottom 0, right 1: output 1 x 2 x 2. Then MaxPool 1 x 2.
    Onnx f({1, 2, 3, 4});
    std::vector<float> w(2 * 2 * 3);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 3 == 1 ? 1 : 0);  // the middle column
    auto& conv = f.node("Conv", {f.weights("w", {1, 2, 2, 3}, w), f.weights("b", {1}, {0.25})});
    Onnx::ints(conv, "strides", {2, 3});
    Onnx::ints(conv, "pads", {1, 2, 0, 1});
    auto& pool = f.node("MaxPool");
    Onnx::ints(pool, "kernel_shape", {1, 2});
    f.node("Flatten");
    const Model m = f.load({0.0, 1000.0, false, "odd"});
    REQUIRE(m.layers.size() == 3);
    CHECK(m.layers[0].conv.output() == Shape3{1, 2, 2});
    CHECK(m.layers[0].conv.window == Window2D{2, 3, 2, 3, 1, 2, 0, 1});
    std::vector<double> input;
    for (int c = 0; c < 2; ++c)
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 4; ++x) input.push_back(c * 100 + y * 10 + x);
    const auto layers = run_float_layers(m, input);
    // Output (0, 0): input rows -1 (padding) and 0; the middle column 0 * 3 + 1 - 2 = -1 is padding.
    // Output (0, 1): column 3 + 1 - 2 = 2 of row 0 in both channels: 2 + 102. Output (1, 1): rows 1
    // and 2, column 2: 12 + 22 + 112 + 122.
    CHECK(layers[0] == std::vector<double>{0.25, 104.25, 0.25, 12 + 22 + 112 + 122 + 0.25});
    CHECK(layers[1] == std::vector<double>{104.25, 268.25});
}

TEST_CASE("BatchNormalization after a Conv or a Gemm folds into it: the outputs of normalizing the layer's values", "[onnx]") {
    // Conv: 2 filters 1x1 over a 1x2x2 image, weights 2 and -1, biases 0.5 and 1; then per channel
    // gamma (3, 0.5), beta (0.1, -0.2), mean (1, 2), var (4, 0.25), epsilon 0 (as given).
    Onnx f({1, 1, 2, 2});
    f.node("Conv", {f.weights("w", {2, 1, 1, 1}, {2, -1}), f.weights("b", {2}, {0.5, 1})});
    auto& bn = f.node("BatchNormalization", {f.weights("gamma", {2}, {3, 0.5}), f.weights("beta", {2}, {0.1f, -0.2f}),
                                             f.weights("mean", {2}, {1, 2}), f.weights("var", {2}, {4, 0.25})});
    Onnx::real(bn, "epsilon", 0);
    f.node("Flatten");
    f.node("Gemm", {f.weights("W", {8, 1}, {1, 1, 1, 1, 1, 1, 1, 1}), f.weights("c", {1}, {0})});
    auto& bn2 = f.node("BatchNormalization", {f.weights("g2", {1}, {2}), f.weights("b2", {1}, {1}), f.weights("m2", {1}, {3}),
                                              f.weights("v2", {1}, {1})});
    Onnx::real(bn2, "epsilon", 0);
    const Model m = f.load({0.0, 10.0, false, "bn"});
    REQUIRE(kinds(m) == std::vector{Layer::Kind::Conv2D, Layer::Kind::Flatten, Layer::Kind::Dense});
    const std::vector<double> x{1, 2, 3, 4};
    const auto layers = run_float_layers(m, x);
    std::vector<double> expected;
    const double gamma[] = {3, 0.5}, beta[] = {0.1f, -0.2f}, mean[] = {1, 2}, var[] = {4, 0.25}, w[] = {2, -1}, b[] = {0.5, 1};
    for (int c = 0; c < 2; ++c)
        for (const double v : x) expected.push_back(gamma[c] * (w[c] * v + b[c] - mean[c]) / std::sqrt(var[c]) + beta[c]);
    REQUIRE(layers[0].size() == 8);
    for (std::size_t i = 0; i < 8; ++i) CHECK(layers[0][i] == Approx(expected[i]));
    double sum = 0;
    for (const double v : expected) sum += v;
    CHECK(layers[2][0] == Approx(2 * (sum - 3) / 1 + 1));
}

TEST_CASE("BatchNormalization that cannot fold is refused naming the node", "[onnx]") {
    const auto add_bn = [](Onnx& f, std::size_t channels) -> onnx::NodeProto& {
        const std::vector<float> ones(channels, 1.0f);
        const auto n = static_cast<std::int64_t>(channels);
        return f.node("BatchNormalization", {f.weights("s", {n}, ones), f.weights("b", {n}, ones), f.weights("m", {n}, ones),
                                             f.weights("v", {n}, ones)});
    };
    SECTION("after a ReLU") {
        Onnx f({1, 2});
        f.node("Gemm", {f.weights("W", {2, 2}, {1, 0, 0, 1})});
        f.node("Relu");
        add_bn(f, 2);
        CHECK_THAT(rejection(f).reason(), Contains("folds BatchNormalization into the layer before it"));
    }
    SECTION("in training mode") {
        Onnx f({1, 2});
        f.node("Gemm", {f.weights("W", {2, 2}, {1, 0, 0, 1})});
        Onnx::integer(add_bn(f, 2), "training_mode", 1);
        CHECK_THAT(rejection(f).reason(), Contains("training_mode"));
    }
    SECTION("with a statistic per another number of channels") {
        Onnx f({1, 2});
        f.node("Gemm", {f.weights("W", {2, 3}, {1, 0, 0, 1, 1, 1})});
        add_bn(f, 2);
        CHECK_THAT(rejection(f).reason(), Contains("expected [3], one per channel"));
    }
    SECTION("with a negative variance") {
        Onnx f({1, 1});
        f.node("Gemm", {f.weights("W", {1, 1}, {1})});
        f.node("BatchNormalization", {f.weights("s", {1}, {1}), f.weights("b", {1}, {0}), f.weights("m", {1}, {0}),
                                      f.weights("v", {1}, {-1})});
        CHECK_THAT(rejection(f).reason(), Contains("not a positive variance"));
    }
}

TEST_CASE("SAME_UPPER padding puts the odd padding at the end", "[onnx]") {
    Onnx f({1, 1, 5, 5});
    auto& conv = f.node("Conv", {f.weights("w", {2, 1, 2, 2}, std::vector<float>(8, 1.0f))});
    conv.add_attribute()->set_name("auto_pad");
    conv.mutable_attribute(0)->set_type(onnx::AttributeProto_AttributeType_STRING);
    conv.mutable_attribute(0)->set_s("SAME_UPPER");
    Onnx::ints(conv, "strides", {2, 2});
    const Model m = f.load();
    // out = ceil(5 / 2) = 3; total padding (3 - 1) * 2 + 2 - 5 = 1: none before, one after.
    CHECK(m.layers[0].conv.window == Window2D{2, 2, 2, 2, 0, 0, 1, 1});
    CHECK(m.layers[0].conv.output() == Shape3{2, 3, 3});
}

TEST_CASE("Reshape with a constant shape flattens or gives an image shape, and a symbolic batch is one input", "[onnx]") {
    Onnx f({1, 16});
    f.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param("N");
    f.node("Reshape", {f.shape("to_image", {-1, 1, 4, 4})});
    auto& pool = f.node("AveragePool");
    Onnx::ints(pool, "kernel_shape", {2, 2});
    Onnx::ints(pool, "strides", {2, 2});
    // The flat shape from a Constant node, as some exporters write it.
    auto& constant = *f.graph().add_node();
    constant.set_op_type("Constant");
    constant.add_output("flat");
    auto* value = constant.add_attribute();
    value->set_name("value");
    value->set_type(onnx::AttributeProto_AttributeType_TENSOR);
    value->mutable_t()->set_data_type(onnx::TensorProto_DataType_INT64);
    value->mutable_t()->add_dims(2);
    value->mutable_t()->add_int64_data(1);
    value->mutable_t()->add_int64_data(-1);
    f.node("Reshape", {"flat"});
    const Model m = f.load();
    CHECK(kinds(m) == std::vector<Layer::Kind>{Layer::Kind::AvgPool, Layer::Kind::Flatten, Layer::Kind::Argmax});
    CHECK(m.layers[0].pool.input == Shape3{1, 4, 4});
    CHECK(m.layer_output_sizes() == std::vector<std::size_t>{4, 4, 1});
}

TEST_CASE("an unsupported operator is refused naming the node, the operator, what is supported and a hint", "[onnx]") {
    Onnx f({1, 4});
    f.node("Relu");
    f.node("Softplus");
    const InputError e = rejection(f);
    CHECK(e.file() == "fixture.onnx");
    CHECK(e.field() == "graph.node[1] \"Softplus_1\" (Softplus)");
    CHECK_THAT(e.reason(), Contains("unsupported operator Softplus") && Contains("supported: Gemm, MatMul, Add, Relu, Sigmoid") &&
                               Contains("Sigmoid, Tanh, SiLU and GELU") && Contains("train with one of those"));
    Onnx layer_norm({1, 4});
    layer_norm.node("LayerNormalization");
    CHECK_THAT(rejection(layer_norm).reason(), Contains("unsupported operator LayerNormalization") &&
                                                   Contains("LayerNorm") && Contains("a division and a square root per value"));
}

TEST_CASE("a Softmax or LogSoftmax over the classes as the last node is left out: the argmax is the same", "[onnx]") {
    for (const std::string op : {"Softmax", "LogSoftmax"}) {
        INFO(op);
        Onnx f({1, 3});
        f.node("Gemm", {f.weights("W", {3, 2}, {1, 0, 0, 1, 0, 0}), f.weights("b", {2}, {0, 0})});
        auto& last = f.node(op);
        auto* axis = last.add_attribute();
        axis->set_name("axis");
        axis->set_type(onnx::AttributeProto_AttributeType_INT);
        axis->set_i(-1);
        const Model m = f.load();
        CHECK(kinds(m) == std::vector<Layer::Kind>{Layer::Kind::Dense, Layer::Kind::Argmax});
        CHECK(run_float(m, {0.2, 0.9, 0.5}) == std::vector<double>{1});
        axis->set_i(0);  // over the batch
        CHECK_THAT(rejection(f).reason(), Contains("not the classes"));
        axis->set_i(-1);
        f.node("Relu");  // no longer the last node
        CHECK_THAT(rejection(f).reason(), Contains("only as the graph's last node"));
    }
    Onnx no_argmax({1, 3});
    no_argmax.node("Softmax");
    CHECK_THROWS_AS(no_argmax.load({0.0, 1.0, false, "raw"}), InputError);  // without the Argmax it would change the output
}

TEST_CASE("a dynamic input shape is refused", "[onnx]") {
    Onnx f({1, 1, 28, 28});
    f.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(2)->set_dim_param("height");
    f.node("Relu");
    const InputError e = rejection(f);
    CHECK(e.field() == "graph.input \"x\"");
    CHECK_THAT(e.reason(), Contains("dynamic shape [1, 1, height, 28]"));
}

TEST_CASE("a batch of more than one input is refused", "[onnx]") {
    Onnx f({8, 4});
    f.node("Relu");
    CHECK_THAT(rejection(f).reason(), Contains("batch of 8"));
}

TEST_CASE("a non-float input or initializer is refused naming it and its type", "[onnx]") {
    SECTION("input") {
        Onnx f({1, 4});
        f.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto_DataType_INT64);
        f.node("Relu");
        CHECK_THAT(rejection(f).reason(), Contains("element type INT64") && Contains("FLOAT"));
    }
    SECTION("initializer") {
        Onnx f({1, 2});
        auto* t = f.graph().add_initializer();
        t->set_name("W");
        t->set_data_type(onnx::TensorProto_DataType_DOUBLE);
        t->add_dims(2);
        t->add_dims(2);
        for (int i = 0; i < 4; ++i) t->add_double_data(1.0);
        f.node("MatMul", {"W"});
        const InputError e = rejection(f);
        CHECK(e.field() == "graph.initializer \"W\"");
        CHECK_THAT(e.reason(), Contains("element type DOUBLE"));
    }
}

TEST_CASE("bytes that are not an ONNX model are refused", "[onnx]") {
    test::TempDir dir;
    const auto refuse = [&](const std::string& bytes) {
        std::ofstream(dir / "model.onnx", std::ios::binary) << bytes;
        try {
            load_onnx(dir / "model.onnx");
        } catch (const InputError& e) {
            CHECK(e.field() == "(file)");
            return std::string(e.reason());
        }
        FAIL("accepted");
        return std::string();
    };
    std::ifstream shipped(test::example_model("mnist-cnn.onnx"), std::ios::binary);
    const std::string real{std::istreambuf_iterator<char>(shipped), {}};
    CHECK_THAT(refuse(real.substr(0, real.size() / 2)), Contains("not an ONNX model"));  // truncated
    CHECK_THAT(refuse("\xff\xff\xff\xff garbage"), Contains("not an ONNX model"));
    CHECK_THAT(refuse(""), Contains("no graph"));
    CHECK_THROWS_WITH(load_onnx(dir / "missing.onnx"), Contains("does not exist"));
}

TEST_CASE("convolution and pooling attributes outside what zokml computes are refused by name", "[onnx]") {
    Onnx f({1, 2, 6, 6});
    const auto w = f.weights("w", {2, 1, 3, 3}, std::vector<float>(18, 1.0f));
    std::string expected;
    SECTION("grouped convolution") {
        Onnx::integer(f.node("Conv", {w}), "group", 2);
        expected = "unsupported group";
    }
    SECTION("dilation") {
        auto& conv = f.node("Conv", {f.weights("w2", {1, 2, 3, 3}, std::vector<float>(18, 1.0f))});
        Onnx::ints(conv, "dilations", {2, 2});
        expected = "unsupported dilations";
    }
    SECTION("padded pooling") {
        auto& pool = f.node("MaxPool");
        Onnx::ints(pool, "kernel_shape", {2, 2});
        Onnx::ints(pool, "pads", {1, 1, 1, 1});
        expected = "unsupported pads";
    }
    SECTION("ceil mode") {
        auto& pool = f.node("AveragePool");
        Onnx::ints(pool, "kernel_shape", {2, 2});
        Onnx::integer(pool, "ceil_mode", 1);
        expected = "unsupported ceil_mode";
    }
    SECTION("an attribute zokml does not know") {
        auto& pool = f.node("AveragePool");
        Onnx::ints(pool, "kernel_shape", {2, 2});
        Onnx::integer(pool, "new_option", 1);
        expected = "unsupported attribute new_option";
    }
    SECTION("a Pad that pads") {
        f.node("Pad", {f.shape("pads", {0, 0, 1, 1, 0, 0, 1, 1})});
        expected = "only a Pad that adds nothing";
    }
    const InputError e = rejection(f);
    CHECK_THAT(e.field(), Contains("graph.node[0]"));
    CHECK_THAT(e.reason(), Contains(expected));
}

TEST_CASE("huge pads, kernels, input shapes and reshapes are refused, never allocated or looped over", "[onnx][hostile]") {
    const std::int64_t huge = std::int64_t(1) << 62;
    SECTION("a Conv padded by 2^62 and by 2^63 - 1") {
        Onnx f({1, 1, 28, 28});
        auto& conv = f.node("Conv", {f.weights("w", {1, 1, 1, 1}, {1.0f})});
        Onnx::ints(conv, "pads", {huge, 0, INT64_MAX, 0});
        CHECK_THAT(rejection(f).reason(), Contains("pads"));
    }
    SECTION("a kernel of 2^62") {
        Onnx f({1, 1, 28, 28});
        auto& pool = f.node("MaxPool");
        Onnx::ints(pool, "kernel_shape", {huge, 1});
        CHECK_THAT(rejection(f).reason(), Contains("kernel_shape"));
    }
    SECTION("an input of 2^62 x 2^62 x 4 values, which wraps to 0") {
        Onnx f({1, huge, huge, 4});
        f.node("Relu");
        CHECK_THAT(rejection(f).reason(), Contains("more than zokml's limit"));
    }
    SECTION("a reshape whose known dimensions overflow") {
        Onnx f({1, 4});
        f.node("Reshape", {f.shape("s", {1, huge, huge, -1})});
        CHECK_THAT(rejection(f).field(), Contains("graph.node[0]"));
    }
}

TEST_CASE("a graph that is not a chain of layers over constants is refused", "[onnx]") {
    Onnx f({1, 4});
    f.node("Relu");
    SECTION("weights computed from the input") {
        auto& matmul = f.node("MatMul");
        matmul.add_input("x");  // x @ x: the weights are not constant
        CHECK_THAT(rejection(f).reason(), Contains("\"x\" is not a constant"));
    }
    SECTION("a node reading an earlier value (a branch)") {
        f.node("Relu").set_input(0, "x");
        CHECK_THAT(rejection(f).reason(), Contains("reads \"x\", which is neither the previous layer's output"));
    }
    SECTION("Add that is no layer's bias") {
        f.node("Add", {f.weights("b", {4}, {1, 2, 3, 4})});
        CHECK_THAT(rejection(f).reason(), Contains("not the bias of a Dense"));
    }
}

TEST_CASE("NaN weights are refused naming the layer's value", "[onnx]") {
    Onnx f({1, 2});
    f.node("MatMul", {f.weights("W", {2, 1}, {1.0f, std::numeric_limits<float>::quiet_NaN()})});
    const InputError e = rejection(f);
    CHECK(e.field() == "layers[0].weights[0][1]");
}

TEST_CASE("a weight matrix that does not fit the values entering it is refused", "[onnx]") {
    Onnx f({1, 3});
    f.node("Gemm", {f.weights("B", {4, 2}, std::vector<float>(8, 1.0f))});
    CHECK_THAT(rejection(f).reason(), Contains("4 inputs, but 3 values enter"));
}

TEST_CASE("the ONNX export of the JSON MLP gives the JSON MLP's circuit outputs on real digits", "[onnx][cnn][slow]") {
    // Compiled from the ONNX model; its logits are those of the JSON model in float32, and its
    // classes those of the JSON model itself, whose circuit the [private-input] tests check.
    const QuantizedModel from_onnx = quantize(onnx_of_mlp(json_mlp()).load());
    const QuantizedModel from_json = quantize(json_mlp()), from_json32 = quantize(json_mlp_float32());
    const PrivateInputOptions options{.expose_logits = true};
    const test::CompiledCircuit compiled(generate_private_input_circuit(from_onnx, options));
    std::set<int> classes;
    for (std::size_t i = 0; i < 6; ++i) {
        const Digit& digit = held_out_digits()[i * 331];
        const auto input = digit_input(from_json, digit);
        const PrivateInputPublic out =
            decode_private_input_public(compiled.program.abi, compiled.public_inputs(private_input_arguments(from_onnx, options, input)));
        CHECK(out.predicted_class == run_reference(from_json, input).predicted_class);
        CHECK(out.logits == run_reference(from_json32, input).logits);
        classes.insert(out.predicted_class);
    }
    CHECK(classes.size() >= 4);
}

// ---- skip connections, Conv1d and no-op operators ----------------------------------------------

namespace {

// A node reading `inputs` as they are (any value of the graph).
onnx::NodeProto& node_of(Onnx& f, const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    auto& n = *f.graph().add_node();
    n.set_op_type(op);
    n.set_name(output);
    for (const auto& i : inputs) n.add_input(i);
    n.add_output(output);
    return n;
}

// A Constant node holding one BOOL, as torch writes a Dropout's training_mode.
std::string bool_constant(Onnx& f, const std::string& name, bool value) {
    auto& constant = node_of(f, "Constant", {}, name);
    auto* attribute = constant.add_attribute();
    attribute->set_name("value");
    attribute->set_type(onnx::AttributeProto_AttributeType_TENSOR);
    attribute->mutable_t()->set_data_type(onnx::TensorProto_DataType_BOOL);
    attribute->mutable_t()->set_raw_data(std::string(1, value ? '\1' : '\0'));
    return name;
}

}  // namespace

TEST_CASE("an Add of two values of the graph is a skip connection naming the layer whose output it adds", "[onnx]") {
    Onnx f({1, 2});
    node_of(f, "Gemm", {"x", f.weights("A", {2, 2}, {1, 0, 0, 1})}, "a");
    node_of(f, "Relu", {"a"}, "h");
    node_of(f, "Gemm", {"h", f.weights("B", {2, 2}, {0.5f, 0, 0, 0.5f})}, "b");
    node_of(f, "Add", {"h", "b"}, "sum");  // the earlier value first, as torch writes h + f(h)
    node_of(f, "Add", {"sum", "x"}, "out");
    f.graph().add_output()->set_name("out");
    const Model m = f.load();
    CHECK(kinds(m) == std::vector<Layer::Kind>{Layer::Kind::Dense, Layer::Kind::ReLU, Layer::Kind::Dense, Layer::Kind::Add,
                                               Layer::Kind::Add, Layer::Kind::Argmax});
    CHECK(m.layers[3].add.from == std::optional<std::size_t>(1));
    CHECK(!m.layers[4].add.from);  // the input
    CHECK(run_float_layers(m, {0.25, 0.5})[4] == std::vector<double>{0.25 + 0.125 + 0.25, 0.5 + 0.25 + 0.5});
}

TEST_CASE("an Add of graph values of different shapes, or of a value a bias was folded into, is refused", "[onnx]") {
    Onnx f({1, 2});
    node_of(f, "Gemm", {"x", f.weights("A", {2, 3}, {1, 0, 0, 1, 1, 1})}, "a");
    node_of(f, "Add", {"a", "x"}, "out");
    f.graph().add_output()->set_name("out");
    CHECK_THAT(rejection(f).reason(), Contains("adds \"x\" of shape [2] to values of shape [3]"));

    Onnx g({1, 2});
    node_of(g, "MatMul", {"x", g.weights("A", {2, 2}, {1, 0, 0, 1})}, "m");
    node_of(g, "Add", {"m", g.weights("bias", {2}, {1, 1})}, "a");
    node_of(g, "Add", {"a", "m"}, "out");
    g.graph().add_output()->set_name("out");
    CHECK_THAT(rejection(g).reason(), Contains("adds \"m\"") && Contains("folds into the layer"));
}

TEST_CASE("Dropout at inference, Identity, Squeeze and Unsqueeze are read as nothing", "[onnx]") {
    Onnx f({1, 4});
    f.node("Dropout", {f.weights("ratio", {}, {0.2f}), bool_constant(f, "training", false)});
    f.node("Identity");
    f.node("Unsqueeze", {f.shape("axes", {1, 3})});  // [1, 1, 4, 1]
    f.node("Squeeze", {f.shape("axes3", {3})});       // [1, 1, 4]: a 1-D signal
    f.node("Squeeze");                               // [1, 4]: every 1 but the batch, flat again
    f.node("Gemm", {f.weights("W", {4, 2}, std::vector<float>(8, 0.5f))});
    const Model m = f.load();
    CHECK(kinds(m) == std::vector<Layer::Kind>{Layer::Kind::Flatten, Layer::Kind::Dense, Layer::Kind::Argmax});
}

TEST_CASE("a Dropout exported in training mode is refused with the model.eval() hint", "[onnx]") {
    Onnx f({1, 4});
    f.node("Dropout", {f.weights("ratio", {}, {0.2f}), bool_constant(f, "training", true)});
    const InputError e = rejection(f);
    CHECK_THAT(e.field(), Contains("(Dropout)"));
    CHECK_THAT(e.reason(), Contains("training mode") && Contains("model.eval()"));
}

TEST_CASE("a Conv and a MaxPool over [batch, channels, length] are 1-D windows of height 1", "[onnx]") {
    Onnx f({1, 8});
    f.node("Unsqueeze", {f.shape("axes", {1})});  // x.unsqueeze(1): [1, 1, 8]
    auto& conv = f.node("Conv", {f.weights("W", {2, 1, 3}, {1, 2, 3, -1, 0, 1}), f.weights("b", {2}, {0.5f, 0})});
    Onnx::ints(conv, "kernel_shape", {3});
    Onnx::ints(conv, "strides", {2});
    Onnx::ints(conv, "pads", {1, 1});
    Onnx::ints(conv, "dilations", {1});
    auto& pool = f.node("MaxPool");
    Onnx::ints(pool, "kernel_shape", {2});
    Onnx::ints(pool, "strides", {2});
    f.node("Flatten");
    const Model m = f.load();
    CHECK(kinds(m) == std::vector<Layer::Kind>{Layer::Kind::Conv2D, Layer::Kind::MaxPool, Layer::Kind::Flatten,
                                               Layer::Kind::Argmax});
    CHECK(m.layers[0].conv.input == Shape3{1, 1, 8});
    CHECK(m.layers[0].conv.window == Window2D{1, 3, 1, 2, 0, 1, 0, 1});
    CHECK(m.layers[0].conv.output() == Shape3{2, 1, 4});
    CHECK(m.layers[1].pool.output() == Shape3{2, 1, 2});
    // Position 0 reads the padding, x0 and x1: 2 x0 + 3 x1 + 0.5.
    CHECK(run_float_layers(m, {1, 2, 0, 0, 0, 0, 0, 0})[0][0] == 2 * 1 + 3 * 2 + 0.5);
}

TEST_CASE("an input of [batch, channels, length] is a 1-D signal", "[onnx]") {
    Onnx f({1, 2, 5});
    auto& conv = f.node("Conv", {f.weights("W", {1, 2, 5}, std::vector<float>(10, 0.1f))});
    Onnx::ints(conv, "kernel_shape", {5});
    f.node("Flatten");
    const Model m = f.load();
    CHECK(m.input_size == 10);
    CHECK(m.layers[0].conv.input == Shape3{2, 1, 5});
    CHECK(m.layer_output_sizes()[0] == 1);
}

TEST_CASE("a reshape or squeeze zokml cannot read is refused naming the shapes", "[onnx]") {
    Onnx f({1, 8});
    f.node("Reshape", {f.shape("to", {1, 2, 2, 1, 2})});
    CHECK_THAT(rejection(f).reason(), Contains("reshapes 8 values to [1, 2, 2, 1, 2]") && Contains("[1, C, L]"));
    Onnx g({1, 8});
    g.node("Unsqueeze", {g.shape("axes", {0})});
    CHECK_THAT(rejection(g).reason(), Contains("the batch axis 0"));
    Onnx h({1, 8});
    h.node("Squeeze", {h.shape("axes", {1})});
    CHECK_THAT(rejection(h).reason(), Contains("squeezes the axis 1 of size 8"));
}
