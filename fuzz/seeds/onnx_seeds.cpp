// Writes the ONNX seeds of fuzz/corpus/model_onnx/: tiny graphs (a few hundred bytes each) with
// every operator and attribute the loader reads, laid out as torch.onnx.export writes them.
// Build and run: cmake --build build-fuzz --target onnx_seeds && build-fuzz/fuzz/onnx_seeds fuzz/corpus/model_onnx
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

class Graph {
public:
    // A FLOAT input of the given shape; a dimension -1 is symbolic ("N").
    explicit Graph(const std::vector<std::int64_t>& input_shape) {
        proto_.set_ir_version(8);
        proto_.set_producer_name("zokml-fuzz-seeds");
        proto_.add_opset_import()->set_version(13);
        auto* in = graph().add_input();
        in->set_name("x");
        auto* tensor = in->mutable_type()->mutable_tensor_type();
        tensor->set_elem_type(onnx::TensorProto_DataType_FLOAT);
        for (const auto d : input_shape) {
            auto* dim = tensor->mutable_shape()->add_dim();
            if (d < 0) dim->set_dim_param("N");
            else dim->set_dim_value(d);
        }
        last_ = "x";
    }

    onnx::GraphProto& graph() { return *proto_.mutable_graph(); }

    // Float weights with deterministic values in [-1, 1]: raw little-endian bytes (as torch
    // writes them) or float_data.
    std::string weights(const std::string& name, const std::vector<std::int64_t>& dims, bool raw = true) {
        auto* t = graph().add_initializer();
        fill(*t, name, dims, raw);
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

    // A Constant node holding an INT64 shape (torch writes Reshape's target this way).
    std::string constant_shape(const std::string& name, const std::vector<std::int64_t>& values) {
        auto* n = graph().add_node();
        n->set_op_type("Constant");
        n->set_name(name);
        n->add_output(name);
        auto* a = n->add_attribute();
        a->set_name("value");
        a->set_type(onnx::AttributeProto_AttributeType_TENSOR);
        auto* t = a->mutable_t();
        t->set_data_type(onnx::TensorProto_DataType_INT64);
        t->add_dims(static_cast<std::int64_t>(values.size()));
        t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 8));
        return name;
    }

    onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& constants = {}) {
        auto* n = graph().add_node();
        n->set_op_type(op);
        n->set_name("/" + op + "_" + std::to_string(graph().node_size() - 1));
        n->add_input(last_);
        for (const auto& c : constants) n->add_input(c);
        last_ = n->name() + "_output_0";
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
    static void text(onnx::NodeProto& n, const std::string& name, const std::string& value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_STRING);
        a->set_s(value);
    }

    void write(const std::filesystem::path& file) {
        graph().set_name("seed");
        graph().add_output()->set_name(last_);
        std::ofstream(file, std::ios::binary) << proto_.SerializeAsString();
        std::printf("%s: %zu bytes\n", file.c_str(), static_cast<std::size_t>(std::filesystem::file_size(file)));
    }

private:
    void fill(onnx::TensorProto& t, const std::string& name, const std::vector<std::int64_t>& dims, bool raw) {
        t.set_name(name);
        t.set_data_type(onnx::TensorProto_DataType_FLOAT);
        std::size_t count = 1;
        for (const auto d : dims) t.add_dims(d), count *= static_cast<std::size_t>(d);
        std::vector<float> values;
        for (std::size_t i = 0; i < count; ++i) values.push_back(static_cast<float>(std::sin(double(++counter_) * 1.7)));
        if (raw) t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
        else for (const float v : values) t.add_float_data(v);
    }

    onnx::ModelProto proto_;
    std::string last_;
    int counter_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: onnx_seeds FOLDER\n");
        return 2;
    }
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);

    {  // torch's nn.Linear: Gemm with transB = 1, then Relu, Gemm with alpha and beta.
        Graph g({1, 6});
        Graph::integer(g.node("Gemm", {g.weights("fc1.weight", {4, 6}), g.weights("fc1.bias", {4})}), "transB", 1);
        g.node("Relu");
        auto& gemm = g.node("Gemm", {g.weights("fc2.weight", {4, 3}, false), g.weights("fc2.bias", {1, 3}, false)});
        Graph::real(gemm, "alpha", 0.5f);
        Graph::real(gemm, "beta", 2.0f);
        g.write(out / "mlp-gemm.onnx");
    }
    {  // MatMul + Add over a symbolic batch.
        Graph g({-1, 5});
        g.node("MatMul", {g.weights("w1", {5, 4})});
        g.node("Add", {g.weights("b1", {4})});
        g.node("Relu");
        g.node("MatMul", {g.weights("w2", {4, 2})});
        g.node("Add", {g.weights("b2", {1})});
        g.write(out / "mlp-matmul-add.onnx");
    }
    {  // torch's CNN: padded Conv, Relu, a zero Pad before AveragePool, Conv without bias plus an
       // Add, MaxPool, a Constant target shape for Reshape, Gemm.
        Graph g({1, 1, 6, 6});
        auto& conv = g.node("Conv", {g.weights("conv1.weight", {2, 1, 3, 3}), g.weights("conv1.bias", {2})});
        Graph::ints(conv, "kernel_shape", {3, 3});
        Graph::ints(conv, "pads", {1, 1, 1, 1});
        Graph::ints(conv, "strides", {1, 1});
        Graph::ints(conv, "dilations", {1, 1});
        Graph::integer(conv, "group", 1);
        g.node("Relu");
        auto& pad = g.node("Pad", {g.shape("pads", {0, 0, 0, 0, 0, 0, 0, 0})});
        Graph::text(pad, "mode", "constant");
        auto& avg = g.node("AveragePool");
        Graph::ints(avg, "kernel_shape", {2, 2});
        Graph::ints(avg, "strides", {2, 2});
        Graph::integer(avg, "ceil_mode", 0);
        Graph::integer(avg, "count_include_pad", 1);
        auto& conv2 = g.node("Conv", {g.weights("conv2.weight", {3, 2, 2, 2})});
        Graph::text(conv2, "auto_pad", "SAME_UPPER");
        g.node("Add", {g.weights("conv2.bias", {1, 3, 1, 1})});
        g.node("Relu");
        auto& max = g.node("MaxPool");
        Graph::ints(max, "kernel_shape", {2, 2});
        Graph::ints(max, "strides", {1, 1});
        g.node("Reshape", {g.constant_shape("/Constant_shape", {1, -1})});
        Graph::integer(g.node("Gemm", {g.weights("fc.weight", {3, 12}), g.weights("fc.bias", {3})}), "transB", 1);
        g.write(out / "cnn-torch.onnx");
    }
    {  // Strided VALID Conv, MaxPool, Flatten, Reshape to an image and back, MatMul.
        Graph g({1, 2, 5, 5});
        auto& conv = g.node("Conv", {g.weights("w", {2, 2, 3, 3}), g.weights("b", {2})});
        Graph::ints(conv, "strides", {2, 2});
        Graph::text(conv, "auto_pad", "VALID");
        g.node("Relu");
        g.node("Reshape", {g.shape("image", {1, 2, 2, 2})});
        auto& max = g.node("MaxPool");
        Graph::ints(max, "kernel_shape", {2, 1});
        Graph::integer(max, "storage_order", 0);
        Graph::integer(g.node("Flatten"), "axis", 1);
        g.node("MatMul", {g.weights("fc", {4, 2})});
        g.write(out / "cnn-strided-flatten.onnx");
    }
    return 0;
}
