// ONNX import: a chain of supported nodes over one float input becomes a zokml Model.
#include "zokml/model/onnx.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include <onnx/onnx_pb.h>

#include "zokml/core/files.hpp"
#include "zokml/core/errors.hpp"

namespace zokml {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWholeFile = "(file)";
// No tensor of a model zokml can prove comes near this; a corrupt file's shape might.

// A constant tensor: float weights or int64 shapes.
struct Constant {
    std::vector<std::int64_t> dims;
    std::vector<double> floats;        // FLOAT tensors
    std::vector<std::int64_t> ints;    // INT64 tensors
    bool is_float = true;
    std::size_t size() const { return is_float ? floats.size() : ints.size(); }
};

std::string shape_text(const std::vector<std::int64_t>& dims) { return fmt::format("[{}]", fmt::join(dims, ", ")); }

std::string type_name(int type) {
    return onnx::TensorProto_DataType_IsValid(type)
               ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type))
               : fmt::format("type {}", type);
}

// The product of the dimensions when each is positive and it is at most kMaxCount (the model's
// limit: no product of ONNX's int64 dimensions may wrap around).
template <typename Int>
std::optional<std::size_t> bounded_product(const std::vector<Int>& dims) {
    std::size_t product = 1;
    for (const Int d : dims) {
        if (d < 1 || static_cast<std::uint64_t>(d) > kMaxCount / product) return std::nullopt;
        product *= static_cast<std::size_t>(d);
    }
    return product;
}

// Reads every node of the graph in order, keeping the shape of the value flowing down the chain.
class GraphReader {
public:
    GraphReader(const fs::path& file, const onnx::GraphProto& graph, const OnnxOptions& options)
        : file_(file), graph_(graph), options_(options) {}

    Model read() {
        for (const auto& tensor : graph_.initializer())
            constants_[tensor.name()] = constant(tensor, fmt::format("graph.initializer \"{}\"", tensor.name()));
        read_input();
        for (int i = 0; i < graph_.node_size(); ++i) read_node(graph_.node(i), i);
        if (graph_.output_size() != 1)
            fail("graph.output", fmt::format("has {} outputs; zokml reads graphs with one output", graph_.output_size()));
        if (graph_.output(0).name() != current_)
            fail("graph.output", fmt::format("is \"{}\", but the chain of layers ends in \"{}\"", graph_.output(0).name(),
                                             current_));
        if (gelu_stage_ != 0) fail("graph.node", "the graph ends inside a GELU");
        if (model_.layers.empty()) fail("graph.node", "the graph has no layer");
        if (options_.add_argmax) model_.layers.push_back(bare(Layer::Kind::Argmax));
        check_model(model_, file_);
        return std::move(model_);
    }

private:
    [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
        throw InputError(file_, field, reason);
    }

    static Layer bare(Layer::Kind kind) {
        Layer layer;
        layer.kind = kind;
        return layer;
    }

    Constant constant(const onnx::TensorProto& t, const std::string& field) const {
        if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
            fail(field, "its data is in an external file; zokml reads tensors stored in the model");
        Constant c;
        c.dims.assign(t.dims().begin(), t.dims().end());
        if (std::any_of(c.dims.begin(), c.dims.end(), [](auto d) { return d < 0; }))
            fail(field, fmt::format("has a negative dimension in {}", shape_text(c.dims)));
        const bool empty = std::find(c.dims.begin(), c.dims.end(), 0) != c.dims.end();
        const auto product = bounded_product(c.dims);
        if (!empty && !product)
            fail(field, fmt::format("has the shape {}, more than zokml's limit of 2^24 values", shape_text(c.dims)));
        const std::size_t count = empty ? 0 : *product;
        if (t.data_type() == onnx::TensorProto_DataType_FLOAT) {
            if (t.has_raw_data()) {
                const std::string& raw = t.raw_data();
                if (raw.size() != count * 4)
                    fail(field, fmt::format("holds {} bytes, but {} floats need {}", raw.size(), count, count * 4));
                for (std::size_t i = 0; i < count; ++i) {
                    float v;  // little-endian IEEE 754, as the ONNX format specifies (and as x86 stores it)
                    std::memcpy(&v, raw.data() + 4 * i, 4);
                    c.floats.push_back(v);
                }
            } else {
                c.floats.assign(t.float_data().begin(), t.float_data().end());
            }
        } else if (t.data_type() == onnx::TensorProto_DataType_INT64) {
            c.is_float = false;
            if (t.has_raw_data()) {
                const std::string& raw = t.raw_data();
                if (raw.size() != count * 8)
                    fail(field, fmt::format("holds {} bytes, but {} int64 values need {}", raw.size(), count, count * 8));
                for (std::size_t i = 0; i < count; ++i) {
                    std::int64_t v;
                    std::memcpy(&v, raw.data() + 8 * i, 8);
                    c.ints.push_back(v);
                }
            } else {
                c.ints.assign(t.int64_data().begin(), t.int64_data().end());
            }
        } else if (t.data_type() == onnx::TensorProto_DataType_BOOL) {  // a Dropout's training_mode
            c.is_float = false;
            if (t.has_raw_data()) {
                if (t.raw_data().size() != count)
                    fail(field, fmt::format("holds {} bytes, but {} booleans need {}", t.raw_data().size(), count, count));
                for (const char b : t.raw_data()) c.ints.push_back(b != 0);
            } else {
                c.ints.assign(t.int32_data().begin(), t.int32_data().end());
            }
        } else {
            fail(field, fmt::format("has element type {}; zokml reads FLOAT tensors (and INT64 shapes)",
                                    type_name(t.data_type())));
        }
        if (c.size() != count)
            fail(field, fmt::format("holds {} values, but its shape {} has {}", c.size(), shape_text(c.dims), count));
        return c;
    }

    // The one graph input that is not an initializer: FLOAT, [batch, features] or [batch, C, H, W],
    // with a batch of 1 or a symbolic batch (zokml proves one input at a time).
    void read_input() {
        std::vector<const onnx::ValueInfoProto*> inputs;
        for (const auto& input : graph_.input())
            if (!constants_.count(input.name())) inputs.push_back(&input);
        if (inputs.size() != 1)
            fail("graph.input", fmt::format("the graph has {} inputs besides its initializers; zokml reads one",
                                            inputs.size()));
        const onnx::ValueInfoProto& input = *inputs[0];
        const std::string field = fmt::format("graph.input \"{}\"", input.name());
        if (!input.type().has_tensor_type()) fail(field, "is not a tensor");
        const auto& tensor = input.type().tensor_type();
        if (tensor.elem_type() != onnx::TensorProto_DataType_FLOAT)
            fail(field, fmt::format("has element type {}; zokml reads FLOAT inputs", type_name(tensor.elem_type())));
        if (!tensor.has_shape()) fail(field, "has no shape; zokml needs a fixed input shape");
        std::vector<std::string> shown;
        for (const auto& dim : tensor.shape().dim())
            shown.push_back(dim.has_dim_value() ? std::to_string(dim.dim_value())
                                                : dim.dim_param().empty() ? "?" : dim.dim_param());
        std::vector<std::size_t> dims;
        for (int d = 0; d < tensor.shape().dim_size(); ++d) {
            const auto& dim = tensor.shape().dim(d);
            if (d == 0) {
                if (dim.has_dim_value() && dim.dim_value() != 1)
                    fail(field, fmt::format("has a batch of {}; zokml reads one input at a time (batch 1 or symbolic)",
                                            dim.dim_value()));
                continue;
            }
            if (!dim.has_dim_value() || dim.dim_value() < 1)
                fail(field, fmt::format("has the dynamic shape [{}]: dimension {} is not a fixed number",
                                        fmt::join(shown, ", "), d));
            dims.push_back(static_cast<std::size_t>(dim.dim_value()));
        }
        if (dims.empty() || dims.size() > 3)
            fail(field, fmt::format("has shape [{}]; zokml reads [batch, features], [batch, channels, length] or [batch, "
                                    "channels, height, width]",
                                    fmt::join(shown, ", ")));
        const auto size = bounded_product(dims);
        if (!size) fail(field, fmt::format("has shape [{}], more than zokml's limit of 2^24 values", fmt::join(shown, ", ")));
        model_.input_size = *size;
        shape_ = dims;
        current_ = input.name();
        produced_[current_] = {0, shape_};
        model_.input_min = options_.input_min;
        model_.input_max = options_.input_max;
    }

    // ---- nodes -------------------------------------------------------------------------------

    struct Node {
        const onnx::NodeProto& proto;
        std::string field;  // graph.node[3] "name" (Op)
        std::set<std::string> used_attributes;
    };

    void read_node(const onnx::NodeProto& proto, int index) {
        Node node{proto, fmt::format("graph.node[{}] \"{}\" ({})", index, proto.name(), proto.op_type()), {}};
        if (!proto.domain().empty() && proto.domain() != "ai.onnx")
            fail(node.field, fmt::format("is in the operator domain \"{}\"; zokml reads the default ONNX domain",
                                         proto.domain()));
        const std::string& op = proto.op_type();
        if (op == "Constant") return read_constant(node);
        if (op == "Gemm") read_gemm(node);
        else if (op == "MatMul") read_matmul(node);
        else if (op == "Add" && gelu_stage_ == 2) read_gelu_step(node);
        else if (op == "Add") read_add(node);
        else if (op == "BatchNormalization") read_batch_normalization(node);
        else if (op == "Relu") read_relu(node);
        else if (op == "Sigmoid" || op == "Tanh" || op == "HardSigmoid") read_activation(node);
        else if (op == "Clip") read_clip(node);
        else if (op == "Mul" && gelu_stage_ == 0) read_silu(node);
        else if (op == "Div" || op == "Erf" || op == "Mul") read_gelu_step(node);
        else if (op == "Conv") read_conv(node);
        else if (op == "MaxPool" || op == "AveragePool") read_pool(node);
        else if (op == "Flatten") read_flatten(node);
        else if (op == "Reshape") read_reshape(node);
        else if (op == "Pad") read_pad(node);
        else if (op == "Dropout") read_dropout(node);
        else if (op == "Identity") expect_inputs(node, 1, 1);
        else if (op == "Squeeze" || op == "Unsqueeze") read_squeeze(node);
        else if (op == "Softmax" || op == "LogSoftmax") read_softmax(node, index + 1 == graph_.node_size());
        else
            fail(node.field, fmt::format("unsupported operator {} (supported: {}){}", op, fmt::join(onnx_operators(), ", "),
                                         operator_hint(op)));
        for (const auto& attribute : proto.attribute())
            if (!node.used_attributes.count(attribute.name()))
                fail(node.field, fmt::format("unsupported attribute {} of {}", attribute.name(), op));
        // Only the first output flows on (a MaxPool's indices, if any, can be read by no other node:
        // every node reads the chain's value or constants).
        if (gelu_stage_ != 0 && op != "Div" && op != "Erf" && op != "Add" && op != "Mul")
            fail(node.field, "interrupts a GELU (Div by sqrt(2), Erf, Add 1, Mul, Mul by 0.5)");
        if (proto.output_size() < 1 || proto.output(0).empty()) fail(node.field, "has no output");
        current_ = proto.output(0);
        produced_[current_] = {model_.layers.size(), shape_};
        // Add reads its constant as the bias of the affine layer right before it.
        const bool affine = op == "Gemm" || op == "MatMul" || op == "Conv" || op == "BatchNormalization" ||
                            (op == "Add" && gelu_stage_ == 0 && model_.layers.back().kind != Layer::Kind::Add);
        affine_output_ = affine ? current_ : "";
    }

    // What to do instead of an operator a circuit does not compute, for the common ones.
    static std::string operator_hint(const std::string& op) {
        if (op == "LeakyRelu" || op == "Elu" || op == "Gelu" || op == "Selu" || op == "Softplus" || op == "HardSwish")
            return "; zokml computes ReLU, Clip (Hardtanh, ReLU6) and HardSigmoid exactly, Sigmoid, Tanh, SiLU and GELU "
                   "(the erf form) through a piecewise-linear approximation: train with one of those";
        if (op == "LayerNormalization" || op == "ReduceMean")
            return "; LayerNorm (LayerNormalization, or ReduceMean, Sub, Pow, Sqrt, Div before opset 17) would need a division "
                   "and a square root per value in the circuit: train without it (BatchNorm folds into the layer before it)";
        if (op == "Gather" || op == "Shape" || op == "Concat")
            return "; a dynamic reshape: export with a fixed input shape, or use nn.Flatten";
        return "";
    }

    // A Softmax or LogSoftmax over the classes as the graph's last node: the added Argmax gives the
    // same class from its input (both are increasing), so it is left out. Anywhere else it changes
    // what the next layer reads: refused.
    void read_softmax(Node& node, bool last) {
        expect_chain_input(node, node.proto.input(0));
        node.used_attributes.insert("axis");
        if (!last || !options_.add_argmax)
            fail(node.field, fmt::format("{} is read only as the graph's last node, ahead of the Argmax that gives the "
                                         "same class (supported: {})",
                                         node.proto.op_type(), fmt::join(onnx_operators(), ", ")));
        if (shape_.size() != 1) fail(node.field, "is over a tensor that is not flat: zokml reads it over the classes only");
        for (const auto& attribute : node.proto.attribute())
            if (attribute.name() == "axis" && attribute.i() != -1 && attribute.i() != 1)
                fail(node.field, fmt::format("is over axis {}, not the classes (axis 1 or -1)", attribute.i()));
    }

    // The chain: a node's data input is the previous node's output (or the graph input).
    void expect_chain_input(const Node& node, const std::string& name) const {
        if (name != current_)
            fail(node.field, fmt::format("reads \"{}\", which is neither the previous layer's output (\"{}\") nor a "
                                         "constant; zokml reads a chain of layers",
                                         name, current_));
    }

    const Constant& constant_input(const Node& node, int i, const char* role) const {
        if (node.proto.input_size() <= i || node.proto.input(i).empty())
            fail(node.field, fmt::format("has no {} (input {})", role, i));
        const auto it = constants_.find(node.proto.input(i));
        if (it == constants_.end())
            fail(node.field, fmt::format("its {} \"{}\" is not a constant (an initializer or a Constant node); "
                                         "zokml needs constant weights",
                                         role, node.proto.input(i)));
        return it->second;
    }

    void expect_inputs(const Node& node, int least, int most) const {
        const int n = node.proto.input_size();
        if (n < least || n > most)
            fail(node.field, fmt::format("has {} inputs, expected {}", n,
                                         least == most ? std::to_string(least) : fmt::format("{} to {}", least, most)));
        expect_chain_input(node, node.proto.input(0));
    }

    void expect_float(const Node& node, const Constant& c, const char* role) const {
        if (!c.is_float) fail(node.field, fmt::format("its {} is an INT64 tensor; zokml needs FLOAT weights", role));
    }

    std::size_t flat_size(const Node& node) const {
        if (shape_.size() != 1)
            fail(node.field, fmt::format("takes a flat input, but the values have shape [{}] (add a Flatten)",
                                         fmt::join(shape_, ", ")));
        return shape_[0];
    }

    // A 1-D signal [C, L] is an image of height 1.
    Shape3 image_shape(const Node& node) const {
        if (shape_.size() == 2) return {shape_[0], 1, shape_[1]};
        if (shape_.size() != 3)
            fail(node.field, fmt::format("takes a channels x height x width (or channels x length) input, but the values "
                                         "have shape [{}]",
                                         fmt::join(shape_, ", ")));
        return {shape_[0], shape_[1], shape_[2]};
    }

    // The shape after a window over a 2-D image or a 1-D signal (height 1).
    void set_window_output(const Shape3& out) {
        if (shape_.size() == 2) shape_ = {out.channels, out.width};
        else shape_ = {out.channels, out.height, out.width};
    }

    // ---- attributes ---------------------------------------------------------------------------

    const onnx::AttributeProto* attribute(Node& node, const char* name) const {
        for (const auto& a : node.proto.attribute())
            if (a.name() == name) {
                node.used_attributes.insert(name);
                return &a;
            }
        return nullptr;
    }

    std::int64_t int_attribute(Node& node, const char* name, std::int64_t otherwise) const {
        const auto* a = attribute(node, name);
        if (!a) return otherwise;
        if (a->type() != onnx::AttributeProto_AttributeType_INT) fail(node.field, fmt::format("attribute {} is not an integer", name));
        return a->i();
    }

    double float_attribute(Node& node, const char* name, double otherwise) const {
        const auto* a = attribute(node, name);
        if (!a) return otherwise;
        if (a->type() != onnx::AttributeProto_AttributeType_FLOAT) fail(node.field, fmt::format("attribute {} is not a float", name));
        return a->f();
    }

    std::vector<std::int64_t> ints_attribute(Node& node, const char* name, std::vector<std::int64_t> otherwise) const {
        const auto* a = attribute(node, name);
        if (!a) return otherwise;
        if (a->type() != onnx::AttributeProto_AttributeType_INTS)
            fail(node.field, fmt::format("attribute {} is not a list of integers", name));
        return {a->ints().begin(), a->ints().end()};
    }

    std::string string_attribute(Node& node, const char* name, const std::string& otherwise) const {
        const auto* a = attribute(node, name);
        if (!a) return otherwise;
        if (a->type() != onnx::AttributeProto_AttributeType_STRING) fail(node.field, fmt::format("attribute {} is not a string", name));
        return a->s();
    }

    void require(Node& node, bool ok, const char* attribute_name, const std::string& supported) const {
        if (!ok) fail(node.field, fmt::format("unsupported {} (supported: {})", attribute_name, supported));
    }

    // ---- operators ----------------------------------------------------------------------------

    void read_constant(Node& node) {
        const auto* value = attribute(node, "value");
        if (!value || value->type() != onnx::AttributeProto_AttributeType_TENSOR || node.proto.attribute_size() != 1)
            fail(node.field, "only Constant nodes with a tensor `value` are supported");
        if (node.proto.output_size() != 1) fail(node.field, "has no single output");
        constants_[node.proto.output(0)] = constant(value->t(), node.field);
    }

    void push_dense(std::size_t inputs, std::size_t outputs, std::vector<double> weights, std::vector<double> biases) {
        Layer layer;
        layer.kind = Layer::Kind::Dense;
        layer.dense = {inputs, outputs, std::move(weights), std::move(biases)};
        model_.layers.push_back(std::move(layer));
        shape_ = {outputs};
    }

    // Y = alpha * A * op(B) + beta * C with op(B) = B or B^T; C broadcasts over the outputs.
    void read_gemm(Node& node) {
        expect_inputs(node, 2, 3);
        const std::size_t k = flat_size(node);
        const double alpha = float_attribute(node, "alpha", 1.0), beta = float_attribute(node, "beta", 1.0);
        require(node, int_attribute(node, "transA", 0) == 0, "transA", "0");
        const bool trans_b = int_attribute(node, "transB", 0) != 0;
        const Constant& b = constant_input(node, 1, "weight matrix B");
        expect_float(node, b, "weight matrix B");
        if (b.dims.size() != 2) fail(node.field, fmt::format("its weight matrix B has shape {}, expected 2 dimensions", shape_text(b.dims)));
        const std::size_t rows = static_cast<std::size_t>(b.dims[0]), columns = static_cast<std::size_t>(b.dims[1]);
        const std::size_t in = trans_b ? columns : rows, n = trans_b ? rows : columns;
        if (in != k)
            fail(node.field, fmt::format("its weight matrix B{} has shape {}: {} inputs, but {} values enter",
                                         trans_b ? " (transposed)" : "", shape_text(b.dims), in, k));
        std::vector<double> weights(n * k);
        for (std::size_t o = 0; o < n; ++o)
            for (std::size_t i = 0; i < k; ++i) weights[o * k + i] = alpha * (trans_b ? b.floats[o * k + i] : b.floats[i * n + o]);
        std::vector<double> biases(n, 0.0);
        if (node.proto.input_size() == 3 && !node.proto.input(2).empty()) {
            const Constant& c = constant_input(node, 2, "bias C");
            expect_float(node, c, "bias C");
            biases = per_output(node, c, n, "bias C");
            for (double& v : biases) v *= beta;
        }
        push_dense(k, n, std::move(weights), std::move(biases));
    }

    // A bias broadcast over n outputs: a scalar, [n] or [1, n].
    std::vector<double> per_output(const Node& node, const Constant& c, std::size_t n, const char* role) const {
        const bool scalar = c.size() == 1 && std::all_of(c.dims.begin(), c.dims.end(), [](auto d) { return d == 1; });
        const bool vector = c.size() == n && (c.dims.size() == 1 || (c.dims.size() == 2 && c.dims[0] == 1));
        if (scalar) return std::vector<double>(n, c.floats[0]);
        if (vector) return c.floats;
        fail(node.field, fmt::format("its {} has shape {}; expected [{}], [1, {}] or a scalar", role, shape_text(c.dims), n, n));
    }

    void read_matmul(Node& node) {
        expect_inputs(node, 2, 2);
        const std::size_t k = flat_size(node);
        const Constant& b = constant_input(node, 1, "weight matrix");
        expect_float(node, b, "weight matrix");
        if (b.dims.size() != 2 || static_cast<std::size_t>(b.dims[0]) != k)
            fail(node.field, fmt::format("its weight matrix has shape {}, expected [{}, outputs]", shape_text(b.dims), k));
        const std::size_t n = static_cast<std::size_t>(b.dims[1]);
        std::vector<double> weights(n * k);
        for (std::size_t o = 0; o < n; ++o)
            for (std::size_t i = 0; i < k; ++i) weights[o * k + i] = b.floats[i * n + o];
        push_dense(k, n, std::move(weights), std::vector<double>(n, 0.0));
    }

    // Adding a constant right after a Dense (MatMul, Gemm) or Conv layer: its bias. Adding an
    // earlier value of the chain (a skip connection, x + f(x)): an Add layer.
    void read_add(Node& node) {
        if (node.proto.input_size() != 2) fail(node.field, fmt::format("has {} inputs, expected 2", node.proto.input_size()));
        const int data = node.proto.input(0) == current_ ? 0 : 1;
        expect_chain_input(node, node.proto.input(data));
        const std::string& other = node.proto.input(1 - data);
        if (folded_.count(other))
            fail(node.field, fmt::format("adds \"{}\", a layer's value before the bias or BatchNormalization that zokml "
                                         "folds into the layer",
                                         other));
        if (!constants_.count(other) && produced_.count(other)) return push_residual(node, other);
        const Constant& c = constant_input(node, 1 - data, "addend");
        expect_float(node, c, "addend");
        Layer* last = model_.layers.empty() ? nullptr : &model_.layers.back();
        if (!last || affine_output_ != current_ ||
            (last->kind != Layer::Kind::Dense && last->kind != Layer::Kind::Conv2D))
            fail(node.field, "adds a constant that is not the bias of a Dense (MatMul, Gemm) or Conv layer right before "
                             "it; zokml reads Add only as such a bias");
        folded_.insert(current_);
        if (last->kind == Layer::Kind::Dense) {
            const auto bias = per_output(node, c, last->dense.outputs, "addend");
            for (std::size_t o = 0; o < bias.size(); ++o) last->dense.biases[o] += bias[o];
        } else {
            // Per channel: [F, 1, 1], [1, F, 1, 1] or a scalar.
            const std::size_t f = last->conv.filters;
            const auto filters = static_cast<std::int64_t>(f);
            const bool per_channel = c.size() == f && ((c.dims.size() == 3 && c.dims[0] == filters) ||
                                                       (c.dims.size() == 4 && c.dims[1] == filters));
            if (c.size() != 1 && !per_channel)
                fail(node.field, fmt::format("its addend has shape {}; a convolution's bias is [{}, 1, 1], [1, {}, 1, 1] or a "
                                             "scalar",
                                             shape_text(c.dims), f, f));
            for (std::size_t o = 0; o < f; ++o) last->conv.biases[o] += c.floats[c.size() == 1 ? 0 : o];
        }
    }

    void push_residual(const Node& node, const std::string& other) {
        const auto& [layers, shape] = produced_.at(other);
        if (shape != shape_)
            fail(node.field, fmt::format("adds \"{}\" of shape [{}] to values of shape [{}]; zokml adds values of one shape",
                                         other, fmt::join(shape, ", "), fmt::join(shape_, ", ")));
        Layer layer = bare(Layer::Kind::Add);
        if (layers > 0) layer.add.from = layers - 1;
        model_.layers.push_back(std::move(layer));
    }

    // Inference-mode batch normalization right after a Dense or Conv layer, folded into it: per
    // output channel c, y = gamma_c (v - mean_c) / sqrt(var_c + epsilon) + beta_c is the layer
    // with its weights times s_c = gamma_c / sqrt(var_c + epsilon) and its bias (b_c - mean_c) s_c + beta_c.
    void read_batch_normalization(Node& node) {
        expect_inputs(node, 5, 5);
        const double epsilon = float_attribute(node, "epsilon", 1e-5);
        float_attribute(node, "momentum", 0.9);  // a training setting: no effect on inference
        require(node, int_attribute(node, "training_mode", 0) == 0, "training_mode", "0 (inference)");
        if (node.proto.output_size() > 1) fail(node.field, "has the running statistics outputs of training mode");
        Layer* last = model_.layers.empty() ? nullptr : &model_.layers.back();
        if (!last || affine_output_ != current_ || (last->kind != Layer::Kind::Dense && last->kind != Layer::Kind::Conv2D))
            fail(node.field, "normalizes values that do not come right from a Dense (Gemm, MatMul) or Conv layer; zokml "
                             "folds BatchNormalization into the layer before it");
        const bool conv = last->kind == Layer::Kind::Conv2D;
        const std::size_t channels = conv ? last->conv.filters : last->dense.outputs;
        std::vector<std::vector<double>> p;  // scale, bias, mean, variance
        for (const auto& [i, role] : {std::pair{1, "scale"}, {2, "bias B"}, {3, "input_mean"}, {4, "input_var"}}) {
            const Constant& c = constant_input(node, i, role);
            expect_float(node, c, role);
            if (c.size() != channels || c.dims.size() != 1)
                fail(node.field, fmt::format("its {} has shape {}; expected [{}], one per channel", role, shape_text(c.dims), channels));
            p.push_back(c.floats);
        }
        if (!(epsilon >= 0)) fail(node.field, "has a negative epsilon");
        folded_.insert(current_);
        std::vector<double>& weights = conv ? last->conv.weights : last->dense.weights;
        std::vector<double>& biases = conv ? last->conv.biases : last->dense.biases;
        const std::size_t per_channel = weights.size() / channels;
        for (std::size_t c = 0; c < channels; ++c) {
            if (!(p[3][c] + epsilon > 0))
                fail(node.field, fmt::format("input_var[{}] + epsilon is {}: not a positive variance", c, p[3][c] + epsilon));
            const double s = p[0][c] / std::sqrt(p[3][c] + epsilon);
            for (std::size_t k = 0; k < per_channel; ++k) weights[c * per_channel + k] *= s;
            biases[c] = (biases[c] - p[2][c]) * s + p[1][c];
        }
    }

    void read_relu(Node& node) {
        expect_inputs(node, 1, 1);
        model_.layers.push_back(bare(Layer::Kind::ReLU));
    }

    void push_activation(ActivationLayer activation) {
        Layer layer = bare(Layer::Kind::Activation);
        layer.activation = activation;
        model_.layers.push_back(std::move(layer));
    }

    // Sigmoid, Tanh, HardSigmoid (alpha and beta; PyTorch's Hardsigmoid has alpha 1/6).
    void read_activation(Node& node) {
        expect_inputs(node, 1, 1);
        using F = ActivationLayer::Function;
        const std::string& op = node.proto.op_type();
        ActivationLayer a;
        a.function = op == "Sigmoid" ? F::Sigmoid : op == "Tanh" ? F::Tanh : F::HardSigmoid;
        if (a.function == F::HardSigmoid) {
            a.alpha = float_attribute(node, "alpha", 0.2);
            a.beta = float_attribute(node, "beta", 0.5);
            if (!(a.alpha > 0) || !std::isfinite(a.alpha) || !std::isfinite(a.beta))
                fail(node.field, fmt::format("has alpha {} and beta {}; zokml reads a finite positive alpha", a.alpha, a.beta));
        }
        if (a.function == F::Sigmoid) sigmoid_input_ = current_;
        push_activation(a);
    }

    // A Clip's bound: input i (opset 11 on: an optional scalar constant) or the attribute (before).
    std::optional<double> clip_bound(Node& node, int i, const char* name) {
        if (attribute(node, name)) return float_attribute(node, name, 0.0);
        if (node.proto.input_size() <= i || node.proto.input(i).empty()) return std::nullopt;
        const Constant& c = constant_input(node, i, name);
        expect_float(node, c, name);
        if (c.size() != 1) fail(node.field, fmt::format("its {} has shape {}, expected a scalar", name, shape_text(c.dims)));
        return c.floats[0];
    }

    // Clip(min, max): PyTorch's Hardtanh and ReLU6; Clip(0) without a maximum is a ReLU.
    void read_clip(Node& node) {
        expect_inputs(node, 1, 3);
        const auto min = clip_bound(node, 1, "min"), max = clip_bound(node, 2, "max");
        if (min && !max && *min == 0.0) return model_.layers.push_back(bare(Layer::Kind::ReLU));
        if (!min || !max || !std::isfinite(*min) || !std::isfinite(*max) || !(*min < *max))
            fail(node.field, "needs a finite min below a finite max (as PyTorch's Hardtanh and ReLU6 write it)");
        ActivationLayer a;
        a.function = ActivationLayer::Function::Clip;
        a.min = *min;
        a.max = *max;
        push_activation(a);
    }

    // x * Sigmoid(x), as torch.onnx.export writes SiLU: a Mul of the Sigmoid's input and output.
    void read_silu(Node& node) {
        Layer* last = model_.layers.empty() ? nullptr : &model_.layers.back();
        const bool silu = last && last->kind == Layer::Kind::Activation &&
                          last->activation.function == ActivationLayer::Function::Sigmoid && node.proto.input_size() == 2 &&
                          ((node.proto.input(0) == sigmoid_input_ && node.proto.input(1) == current_) ||
                           (node.proto.input(1) == sigmoid_input_ && node.proto.input(0) == current_));
        if (!silu)
            fail(node.field, "is read only as SiLU (x * Sigmoid(x)) or in GELU (x * 0.5 * (1 + Erf(x / sqrt(2)))); zokml needs "
                             "constant weights elsewhere (a Gemm, MatMul or Conv)");
        last->activation.function = ActivationLayer::Function::SiLU;
    }

    // GELU as torch.onnx.export writes it (erf form): Div(x, sqrt(2)), Erf, Add(1), Mul(x), Mul(0.5).
    void read_gelu_step(Node& node) {
        const auto& p = node.proto;
        const auto constant_near = [&](int i, double value) {
            const auto it = p.input_size() > i ? constants_.find(p.input(i)) : constants_.end();
            return it != constants_.end() && it->second.is_float && it->second.size() == 1 &&
                   std::abs(it->second.floats[0] - value) < 1e-4;
        };
        const auto reads = [&](const std::string& a, const std::string& b) {
            return p.input_size() == 2 && ((p.input(0) == a && p.input(1) == b) || (p.input(0) == b && p.input(1) == a));
        };
        const std::string& op = p.op_type();
        bool fits = false;
        switch (gelu_stage_) {
            case 0:
                fits = op == "Div" && p.input_size() == 2 && p.input(0) == current_ && constant_near(1, std::sqrt(2.0));
                gelu_input_ = current_;
                break;
            case 1: fits = op == "Erf" && p.input_size() == 1 && p.input(0) == current_; break;
            case 2: fits = op == "Add" && p.input_size() == 2 && (p.input(0) == current_ ? constant_near(1, 1.0) : p.input(1) == current_ && constant_near(0, 1.0)); break;
            case 3: fits = op == "Mul" && reads(gelu_input_, current_); break;
            case 4:
                fits = op == "Mul" && p.input_size() == 2 &&
                       (p.input(0) == current_ ? constant_near(1, 0.5) : p.input(1) == current_ && constant_near(0, 0.5));
                break;
        }
        if (!fits)
            fail(node.field, fmt::format("is read only in GELU as torch.onnx.export writes it: Div(x, sqrt(2)), Erf, Add 1, "
                                         "Mul by x, Mul by 0.5 (this is step {} of 5)",
                                         gelu_stage_ + 1));
        if (++gelu_stage_ < 5) return;
        gelu_stage_ = 0;
        ActivationLayer a;
        a.function = ActivationLayer::Function::GELU;
        push_activation(a);
    }

    // "kernel_shape", "strides", "dilations" (all 1) and "auto_pad" / "pads" of a 2-D window.
    // Over a 1-D signal (shape_ [C, L]) the attributes have one number per side and axis: read as
    // a window of height 1.
    Window2D window(Node& node, const Shape3& in, std::vector<std::int64_t> kernel, bool padding) {
        const bool one_d = shape_.size() == 2;
        const auto as_2d = [&](std::vector<std::int64_t> v, std::size_t per_axis, std::int64_t height) {
            if (!one_d || v.size() != per_axis) return v;
            return per_axis == 1 ? std::vector<std::int64_t>{height, v[0]} : std::vector<std::int64_t>{height, v[0], height, v[1]};
        };
        kernel = as_2d(ints_attribute(node, "kernel_shape", kernel), 1, 1);
        const auto too_large = [](std::int64_t v) { return v > static_cast<std::int64_t>(kMaxCount); };
        if (kernel.size() != 2 || kernel[0] < 1 || kernel[1] < 1 || too_large(kernel[0]) || too_large(kernel[1]))
            fail(node.field, fmt::format("has kernel_shape {}; zokml reads {} windows", shape_text(kernel), one_d ? "1-D" : "2-D"));
        const auto strides = as_2d(ints_attribute(node, "strides", {1, 1}), 1, 1);
        if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1)
            fail(node.field, fmt::format("has strides {}, expected {} positive numbers", shape_text(strides), one_d ? "one" : "two"));
        const auto dilations = as_2d(ints_attribute(node, "dilations", {1, 1}), 1, 1);
        require(node, dilations == std::vector<std::int64_t>{1, 1}, "dilations", one_d ? "[1]" : "[1, 1]");
        Window2D w{static_cast<std::size_t>(kernel[0]), static_cast<std::size_t>(kernel[1]),
                   static_cast<std::size_t>(strides[0]), static_cast<std::size_t>(strides[1])};
        const std::string auto_pad = string_attribute(node, "auto_pad", "NOTSET");
        auto pads = as_2d(ints_attribute(node, "pads", {0, 0, 0, 0}), 2, 0);
        if (pads.size() != 4 || std::any_of(pads.begin(), pads.end(), [&](auto p) { return p < 0 || too_large(p); }))
            fail(node.field, fmt::format("has pads {}, expected [top, left, bottom, right] from 0 to 2^24", shape_text(pads)));
        if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
            // Output size ceil(in / stride); the odd padding goes to the end (UPPER) or the start.
            const auto same = [&](std::size_t size, std::size_t k, std::size_t s, bool upper) {
                const std::size_t out = (size + s - 1) / s;
                const std::size_t total = std::max<std::int64_t>(0, static_cast<std::int64_t>((out - 1) * s + k) -
                                                                        static_cast<std::int64_t>(size));
                const std::size_t small = total / 2, large = total - small;
                return std::pair<std::int64_t, std::int64_t>{upper ? small : large, upper ? large : small};
            };
            const bool upper = auto_pad == "SAME_UPPER";
            const auto [top, bottom] = same(in.height, w.kernel_height, w.stride_height, upper);
            const auto [left, right] = same(in.width, w.kernel_width, w.stride_width, upper);
            pads = {top, left, bottom, right};
        } else if (auto_pad == "VALID") {
            pads = {0, 0, 0, 0};
        } else {
            require(node, auto_pad == "NOTSET", "auto_pad", "NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
        if (!padding)
            require(node, pads == std::vector<std::int64_t>{0, 0, 0, 0}, "pads", "none for pooling");
        w.pad_top = pads[0], w.pad_left = pads[1], w.pad_bottom = pads[2], w.pad_right = pads[3];
        const Shape3 out = window_output(in, w, 1);
        if (out.height == 0 || out.width == 0)
            fail(node.field, fmt::format("its {} x {} window does not fit the {} x {} input", w.kernel_height,
                                         w.kernel_width, in.height, in.width));
        return w;
    }

    void read_conv(Node& node) {
        expect_inputs(node, 2, 3);
        const Shape3 in = image_shape(node);
        require(node, int_attribute(node, "group", 1) == 1, "group", "1");
        const Constant& w = constant_input(node, 1, "weights");
        expect_float(node, w, "weights");
        const bool one_d = shape_.size() == 2;
        if (w.dims.size() != (one_d ? 3u : 4u) || static_cast<std::size_t>(w.dims[1]) != in.channels)
            fail(node.field, fmt::format("its weights have shape {}, expected [filters, {}, {}]", shape_text(w.dims),
                                         in.channels, one_d ? "length" : "height, width"));
        const std::vector<std::int64_t> kernel = one_d ? std::vector<std::int64_t>{1, w.dims[2]}
                                                       : std::vector<std::int64_t>{w.dims[2], w.dims[3]};
        Layer layer;
        layer.kind = Layer::Kind::Conv2D;
        Conv2DLayer& c = layer.conv;
        c.input = in;
        c.filters = static_cast<std::size_t>(w.dims[0]);
        c.window = window(node, in, kernel, true);
        if (static_cast<std::int64_t>(c.window.kernel_height) != kernel[0] ||
            static_cast<std::int64_t>(c.window.kernel_width) != kernel[1])
            fail(node.field, fmt::format("its kernel_shape differs from its weights' shape {}", shape_text(w.dims)));
        c.weights = w.floats;
        c.biases.assign(c.filters, 0.0);
        if (node.proto.input_size() == 3 && !node.proto.input(2).empty()) {
            const Constant& b = constant_input(node, 2, "bias");
            expect_float(node, b, "bias");
            if (b.size() != c.filters || b.dims.size() != 1)
                fail(node.field, fmt::format("its bias has shape {}, expected [{}]", shape_text(b.dims), c.filters));
            c.biases = b.floats;
        }
        set_window_output(c.output());
        model_.layers.push_back(std::move(layer));
    }

    void read_pool(Node& node) {
        expect_inputs(node, 1, 1);
        const bool max = node.proto.op_type() == "MaxPool";
        Layer layer;
        layer.kind = max ? Layer::Kind::MaxPool : Layer::Kind::AvgPool;
        layer.pool.input = image_shape(node);
        require(node, int_attribute(node, "ceil_mode", 0) == 0, "ceil_mode", "0");
        if (max) require(node, int_attribute(node, "storage_order", 0) == 0, "storage_order", "0");
        else int_attribute(node, "count_include_pad", 0);  // no padding: either way the mean of the window
        if (!attribute(node, "kernel_shape")) fail(node.field, "has no kernel_shape");
        layer.pool.window = window(node, layer.pool.input, {}, false);
        set_window_output(layer.pool.output());
        model_.layers.push_back(std::move(layer));
    }

    void push_flatten() {
        const std::size_t size = std::accumulate(shape_.begin(), shape_.end(), std::size_t{1}, std::multiplies<>());
        if (shape_.size() != 1) model_.layers.push_back(bare(Layer::Kind::Flatten));
        shape_ = {size};
    }

    // Flatten keeps the batch apart (axis 1) or folds it in (axis 0, batch 1): the values in order.
    void read_flatten(Node& node) {
        expect_inputs(node, 1, 1);
        auto axis = int_attribute(node, "axis", 1);
        if (axis < 0) axis += static_cast<std::int64_t>(shape_.size()) + 1;  // counted from the end, batch included
        require(node, axis == 0 || axis == 1, "axis", "0 or 1: everything but the batch");
        push_flatten();
    }

    // A reshape keeps the values in order: [1, n] (or [n]) flattens, [1, C, H, W] gives an image
    // shape. The target shape must be a constant; 0 copies a dimension, -1 is inferred.
    void read_reshape(Node& node) {
        expect_inputs(node, 2, 2);
        int_attribute(node, "allowzero", 0);
        const Constant& target = constant_input(node, 1, "shape");
        if (target.is_float) fail(node.field, "its shape is a FLOAT tensor, expected INT64");
        std::vector<std::int64_t> from{1};
        for (const auto d : shape_) from.push_back(static_cast<std::int64_t>(d));
        const auto size = static_cast<std::int64_t>(*bounded_product(from));  // the shape is the model's: within the limit
        std::vector<std::int64_t> to = target.ints;
        std::optional<std::size_t> inferred;
        std::vector<std::int64_t> known;
        for (std::size_t i = 0; i < to.size(); ++i) {
            if (to[i] == 0 && i < from.size()) to[i] = from[i];
            if (to[i] == -1 && !inferred) inferred = i;
            else if (to[i] < 1) fail(node.field, fmt::format("has the target shape {}", shape_text(target.ints)));
            else known.push_back(to[i]);
        }
        const auto known_size = bounded_product(known);
        if (inferred) to[*inferred] = known_size && size % static_cast<std::int64_t>(*known_size) == 0
                                          ? size / static_cast<std::int64_t>(*known_size) : -1;
        const auto product = bounded_product(to);
        if (!product || static_cast<std::int64_t>(*product) != size || (to.size() > 1 && to[0] != 1) || to.size() > 4)
            fail(node.field, fmt::format("reshapes {} values to {}; zokml reads [1, n], [n], [1, C, L] and [1, C, H, W]",
                                         size, shape_text(to)));
        if (to.size() == 1) to.insert(to.begin(), 1);
        set_shape(node, to);
    }

    // A shape (batch first) that keeps the values in order: flat, [C, L] or [C, H, W] after the batch.
    void set_shape(const Node& node, const std::vector<std::int64_t>& with_batch) {
        if (with_batch.size() < 2 || with_batch.size() > 4)
            fail(node.field, fmt::format("gives the shape {}; zokml reads [1, n], [1, C, L] and [1, C, H, W]",
                                         shape_text(with_batch)));
        if (with_batch.size() == 2) return push_flatten();
        shape_.assign(with_batch.begin() + 1, with_batch.end());
    }

    // Squeeze and Unsqueeze remove or insert dimensions of 1: the values keep their order. Axes (an
    // attribute before opset 13, an input since) count the batch; Squeeze without axes removes
    // every 1 but the batch.
    void read_squeeze(Node& node) {
        expect_inputs(node, 1, 2);
        const bool squeeze = node.proto.op_type() == "Squeeze";
        std::vector<std::int64_t> axes = ints_attribute(node, "axes", {});
        if (node.proto.input_size() == 2 && !node.proto.input(1).empty()) {
            const Constant& c = constant_input(node, 1, "axes");
            if (c.is_float) fail(node.field, "its axes are a FLOAT tensor, expected INT64");
            axes = c.ints;
        }
        std::vector<std::int64_t> dims{1};
        for (const auto d : shape_) dims.push_back(static_cast<std::int64_t>(d));
        const auto rank = static_cast<std::int64_t>(dims.size() + (squeeze ? 0 : axes.size()));
        std::set<std::int64_t> chosen;
        for (auto axis : axes) {
            if (axis < -rank || axis >= rank) fail(node.field, fmt::format("has the axis {} of a {}-dimensional tensor", axis, rank));
            if (!chosen.insert(axis < 0 ? axis + rank : axis).second) fail(node.field, fmt::format("repeats the axis {}", axis));
        }
        if (chosen.count(0))
            fail(node.field, fmt::format("{} the batch axis 0; zokml keeps the batch first", squeeze ? "removes" : "inserts before"));
        std::vector<std::int64_t> to;
        if (squeeze) {
            for (std::size_t i = 0; i < dims.size(); ++i) {
                const bool removed = axes.empty() ? i > 0 && dims[i] == 1 : chosen.count(static_cast<std::int64_t>(i)) > 0;
                if (removed && dims[i] != 1) fail(node.field, fmt::format("squeezes the axis {} of size {}", i, dims[i]));
                if (!removed) to.push_back(dims[i]);
            }
        } else {
            auto next = dims.begin();
            for (std::int64_t i = 0; i < rank; ++i) to.push_back(chosen.count(i) ? 1 : *next++);
        }
        if (to.size() == 1) to.insert(to.begin(), 1);
        set_shape(node, to);
    }

    // Dropout does nothing at inference: a node in training mode (training_mode true) is refused.
    void read_dropout(Node& node) {
        expect_inputs(node, 1, 3);
        int_attribute(node, "seed", 0);
        float_attribute(node, "ratio", 0.5);  // before opset 12
        if (node.proto.input_size() == 3 && !node.proto.input(2).empty()) {
            const Constant& training = constant_input(node, 2, "training_mode");
            if (std::any_of(training.ints.begin(), training.ints.end(), [](auto v) { return v != 0; }))
                fail(node.field, "is in training mode: export in inference mode (model.eval() before torch.onnx.export), "
                                 "where dropout is no operator");
        }
    }

    // torch.onnx.export writes AvgPool2d as a Pad of zeros followed by AveragePool: a Pad that adds
    // nothing is read (as nothing); any real padding is refused.
    void read_pad(Node& node) {
        expect_inputs(node, 1, 4);
        require(node, string_attribute(node, "mode", "constant") == "constant", "mode", "constant");
        std::vector<std::int64_t> pads = ints_attribute(node, "pads", {});  // opsets before 11
        float_attribute(node, "value", 0.0);  // the padding value: nothing is padded
        if (node.proto.input_size() > 1 && !node.proto.input(1).empty()) {
            const Constant& c = constant_input(node, 1, "pads");
            if (c.is_float) fail(node.field, "its pads are a FLOAT tensor, expected INT64");
            pads = c.ints;
        }
        if (std::any_of(pads.begin(), pads.end(), [](auto p) { return p != 0; }))
            fail(node.field, fmt::format("pads by {}; zokml reads only a Pad that adds nothing (pad a Conv through its "
                                         "own pads instead)",
                                         shape_text(pads)));
    }

    const fs::path& file_;
    const onnx::GraphProto& graph_;
    const OnnxOptions& options_;
    std::map<std::string, Constant> constants_;
    std::vector<std::size_t> shape_;  // of the current value, without the batch
    std::string current_;             // the name of the value flowing down the chain
    std::string affine_output_;  // the output of the last Gemm, MatMul, Conv or bias Add, if it is current_
    // Every value of the chain so far: the layers before it (0: the model's input) and its shape.
    std::map<std::string, std::pair<std::size_t, std::vector<std::size_t>>> produced_;
    std::set<std::string> folded_;  // values of a layer before a bias or BatchNormalization folded into it
    std::string sigmoid_input_;  // what the last Sigmoid read: x of x * Sigmoid(x) (SiLU)
    int gelu_stage_ = 0;         // GELU's nodes read so far (read_gelu_step)
    std::string gelu_input_;     // x of GELU's Div
    Model model_;
};

}  // namespace

const std::vector<std::string>& onnx_operators() {
    static const std::vector<std::string> operators{"Gemm",    "MatMul",      "Add",     "Relu",    "Sigmoid", "Tanh",
                                                    "HardSigmoid", "Clip", "Mul (SiLU: x * Sigmoid(x))",
                                                    "Div, Erf, Add, Mul (GELU)", "Conv",    "MaxPool",
                                                    "AveragePool", "Flatten", "Reshape", "Pad (of zeros)", "Constant",
                                                    "BatchNormalization (after Gemm, MatMul or Conv)",
                                                    "Softmax or LogSoftmax (last)", "Dropout (inference)", "Identity",
                                                    "Squeeze", "Unsqueeze"};
    return operators;
}

Model model_from_onnx(const std::string& bytes, const fs::path& file, const OnnxOptions& options) {
    onnx::ModelProto proto;
    if (!proto.ParseFromString(bytes))
        throw InputError(file, kWholeFile, "not an ONNX model: the bytes do not parse as an ONNX ModelProto");
    if (!proto.has_graph()) throw InputError(file, kWholeFile, "not an ONNX model: it has no graph");
    Model model = GraphReader(file, proto.graph(), options).read();
    model.name = !options.name.empty() ? options.name : !file.empty() ? file.stem().string() : proto.graph().name();
    if (model.name.empty()) model.name = "onnx-model";
    return model;
}

Model load_onnx(const fs::path& file, const OnnxOptions& options) {
    return model_from_onnx(read_input_file(file), file, options);
}

}  // namespace zokml
