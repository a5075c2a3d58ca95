// ONNX graphs built node by node from the fuzzer's bytes, serialized and then read like
// model_onnx reads its inputs (model_from_onnx, quantize, the private-input circuit). Mutating
// protobuf bytes rarely keeps the nested length prefixes valid, let alone a chain of nodes whose
// weights fit the shapes; this harness always writes a well-formed ModelProto, mostly a chain the
// loader accepts, with hostile attributes: huge pads and strides, windows larger than the image,
// odd auto_pad, Reshape targets with 0 and -1, input shapes near the loader's 2^32 limit.
//
// With ZOKML_FUZZ_WRITE_ONNX=FILE in the environment the harness writes the serialized model to
// FILE, so a finding here becomes a reproducer for model_onnx.
#include <fuzzer/FuzzedDataProvider.h>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>

#include "model_pipeline.hpp"
#include "zokml/model/onnx.hpp"

namespace {

using namespace zokml;

std::int64_t hostile(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 6)) {
        case 0: return in.ConsumeIntegral<std::int64_t>();
        case 1: return std::int64_t(1) << in.ConsumeIntegralInRange(16, 62);
        case 2: return std::numeric_limits<std::int64_t>::max() - in.ConsumeIntegralInRange(0, 2);
        case 3: return in.ConsumeIntegralInRange<std::int64_t>(-2, 0);
        case 4: return in.ConsumeIntegralInRange<std::int64_t>(0, 2048);  // large, still quick to generate
        default: return in.ConsumeIntegralInRange<std::int64_t>(1, 4);
    }
}

// A small value most of the time, a hostile one sometimes.
std::int64_t size_or_hostile(FuzzedDataProvider& in, std::int64_t lo, std::int64_t hi) {
    return in.ConsumeIntegralInRange(0, 5) ? in.ConsumeIntegralInRange(lo, hi) : hostile(in);
}

float value(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 6)) {
        case 0: return 0.0f;
        case 1: return std::numeric_limits<float>::denorm_min() * static_cast<float>(in.ConsumeIntegralInRange(1, 255));
        case 2: return std::numeric_limits<float>::max() / static_cast<float>(in.ConsumeIntegralInRange(1, 255));
        case 3: return in.ConsumeFloatingPoint<float>();  // NaN and infinities too: the loader must refuse them
        default: return in.ConsumeFloatingPointInRange(-2.0f, 2.0f);
    }
}

class Builder {
public:
    explicit Builder(FuzzedDataProvider& in) : in_(in) {}

    onnx::ModelProto build() {
        proto_.set_ir_version(8);
        proto_.add_opset_import()->set_version(13);
        auto& graph = *proto_.mutable_graph();
        graph.set_name("graph");
        input();
        const int nodes = in_.ConsumeIntegralInRange(1, 8);
        for (int i = 0; i < nodes && in_.remaining_bytes() > 0; ++i) node(i);
        graph.add_output()->set_name(in_.ConsumeIntegralInRange(0, 15) ? current_ : "elsewhere");
        return std::move(proto_);
    }

private:
    onnx::GraphProto& graph() { return *proto_.mutable_graph(); }

    void input() {
        auto* x = graph().add_input();
        x->set_name("x");
        auto* tensor = x->mutable_type()->mutable_tensor_type();
        tensor->set_elem_type(in_.ConsumeIntegralInRange(0, 15) ? onnx::TensorProto_DataType_FLOAT : in_.ConsumeIntegralInRange(0, 16));
        auto* shape = tensor->mutable_shape();
        auto* batch = shape->add_dim();
        if (in_.ConsumeBool()) batch->set_dim_param("N");
        else batch->set_dim_value(in_.ConsumeIntegralInRange(0, 7) ? 1 : hostile(in_));
        const int rank = in_.ConsumeIntegralInRange(0, 7) ? (in_.ConsumeBool() ? 1 : 3) : in_.ConsumeIntegralInRange(0, 5);
        shape_.clear();
        for (int d = 0; d < rank; ++d) {
            const std::int64_t v = size_or_hostile(in_, 1, 8);
            shape->add_dim()->set_dim_value(v);
            shape_.push_back(v);
        }
        current_ = "x";
    }

    // A FLOAT tensor of these dimensions holding its values when there are at most 4096 of them
    // (else a few, which the loader must refuse). raw_data or float_data.
    void fill(onnx::TensorProto& t, const std::vector<std::int64_t>& dims) {
        t.set_data_type(in_.ConsumeIntegralInRange(0, 20) ? onnx::TensorProto_DataType_FLOAT : in_.ConsumeIntegralInRange(0, 16));
        std::uint64_t count = 1;
        bool small = true;
        for (const auto d : dims) {
            t.add_dims(d);
            if (d < 0 || d > 4096 || (count *= static_cast<std::uint64_t>(d)) > 4096) small = false;
        }
        if (!small || in_.ConsumeIntegralInRange(0, 30) == 0) count = in_.ConsumeIntegralInRange(0, 3);
        const bool same = in_.ConsumeBool();  // one value repeated (all zero, all denormal...) or each its own
        const float first = value(in_);
        std::vector<float> values;
        for (std::uint64_t i = 0; i < count; ++i) values.push_back(same ? first : value(in_));
        if (in_.ConsumeBool()) t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4));
        else for (const float v : values) t.add_float_data(v);
    }

    std::string weights(const std::vector<std::int64_t>& dims) {
        const std::string name = "w" + std::to_string(graph().initializer_size());
        auto* t = graph().add_initializer();
        t->set_name(name);
        fill(*t, dims);
        return name;
    }

    std::string ints_constant(const std::vector<std::int64_t>& values) {
        const std::string name = "c" + std::to_string(graph().initializer_size() + graph().node_size());
        onnx::TensorProto* t;
        if (in_.ConsumeBool()) {
            t = graph().add_initializer();
            t->set_name(name);
        } else {  // a Constant node, as torch writes shapes
            auto* n = graph().add_node();
            n->set_op_type("Constant");
            n->add_output(name);
            auto* a = n->add_attribute();
            a->set_name("value");
            a->set_type(onnx::AttributeProto_AttributeType_TENSOR);
            t = a->mutable_t();
        }
        t->set_data_type(onnx::TensorProto_DataType_INT64);
        t->add_dims(static_cast<std::int64_t>(values.size()));
        if (in_.ConsumeBool()) t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 8));
        else for (const auto v : values) t->add_int64_data(v);
        return name;
    }

    std::vector<std::int64_t> ints(std::size_t n, std::int64_t lo, std::int64_t hi) {
        std::vector<std::int64_t> out;
        for (std::size_t i = 0; i < n; ++i) out.push_back(size_or_hostile(in_, lo, hi));
        return out;
    }

    static void set_ints(onnx::NodeProto& n, const char* name, const std::vector<std::int64_t>& values) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_INTS);
        for (const auto v : values) a->add_ints(v);
    }
    static void set_int(onnx::NodeProto& n, const char* name, std::int64_t value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_INT);
        a->set_i(value);
    }
    static void set_float(onnx::NodeProto& n, const char* name, float value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
        a->set_f(value);
    }
    static void set_string(onnx::NodeProto& n, const char* name, const std::string& value) {
        auto* a = n.add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto_AttributeType_STRING);
        a->set_s(value);
    }

    std::int64_t dim(std::size_t i) const { return i < shape_.size() ? shape_[i] : 1; }
    std::int64_t flat() const {
        std::int64_t size = 1;
        for (const auto d : shape_) size = static_cast<std::int64_t>(static_cast<std::uint64_t>(size) * static_cast<std::uint64_t>(d));
        return size;
    }

    // The window attributes of Conv and the pools; returns the output height and width the way
    // the loader computes them (as far as this harness needs to keep the chain going).
    std::pair<std::int64_t, std::int64_t> window(onnx::NodeProto& n, std::int64_t kh, std::int64_t kw, bool conv) {
        if (!conv || in_.ConsumeBool()) set_ints(n, "kernel_shape", {kh, kw});
        std::vector<std::int64_t> strides{1, 1}, pads{0, 0, 0, 0};
        if (in_.ConsumeBool()) set_ints(n, "strides", strides = ints(in_.ConsumeIntegralInRange(0, 7) ? 2 : 3, 1, 3));
        if (in_.ConsumeBool() && conv) set_ints(n, "pads", pads = ints(in_.ConsumeIntegralInRange(0, 7) ? 4 : 2, 0, 2));
        if (in_.ConsumeIntegralInRange(0, 5) == 0) set_ints(n, "dilations", ints(2, 1, 1));
        if (in_.ConsumeIntegralInRange(0, 3) == 0) {
            static const char* const kAutoPads[] = {"SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET", "SAME"};
            set_string(n, "auto_pad", kAutoPads[in_.ConsumeIntegralInRange(0, 4)]);
        }
        const auto along = [](std::int64_t size, std::int64_t before, std::int64_t after, std::int64_t k, std::int64_t s) {
            const std::uint64_t padded = static_cast<std::uint64_t>(size) + static_cast<std::uint64_t>(before) + static_cast<std::uint64_t>(after);
            if (s <= 0 || padded < static_cast<std::uint64_t>(k)) return std::int64_t{0};
            return static_cast<std::int64_t>((padded - static_cast<std::uint64_t>(k)) / static_cast<std::uint64_t>(s) + 1);
        };
        const auto at = [](const std::vector<std::int64_t>& v, std::size_t i, std::int64_t otherwise) {
            return i < v.size() ? v[i] : otherwise;
        };
        return {along(dim(1), at(pads, 0, 0), at(pads, 2, 0), kh, at(strides, 0, 1)),
                along(dim(2), at(pads, 1, 0), at(pads, 3, 0), kw, at(strides, 1, 1))};
    }

    void node(int index) {
        static const char* const kOps[] = {"Gemm", "MatMul", "Add", "Relu", "Conv", "MaxPool", "AveragePool",
                                           "Flatten", "Reshape", "Pad", "Sigmoid"};
        const std::string op = kOps[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kOps) - 1)];
        onnx::NodeProto n;
        n.set_op_type(op);
        n.set_name("/" + op + "_" + std::to_string(index));
        n.add_input(in_.ConsumeIntegralInRange(0, 30) ? current_ : "elsewhere");
        const std::string output = n.name() + "_output_0";
        if (op == "Gemm" || op == "MatMul") {
            const std::int64_t k = in_.ConsumeIntegralInRange(0, 7) ? flat() : size_or_hostile(in_, 1, 8);
            const std::int64_t outputs = size_or_hostile(in_, 1, 6);
            const bool trans = op == "Gemm" && in_.ConsumeBool();
            if (trans) set_int(n, "transB", 1);
            n.add_input(weights(trans ? std::vector<std::int64_t>{outputs, k} : std::vector<std::int64_t>{k, outputs}));
            if (op == "Gemm" && in_.ConsumeBool()) n.add_input(weights(in_.ConsumeBool() ? std::vector<std::int64_t>{outputs} : std::vector<std::int64_t>{1, outputs}));
            if (op == "Gemm" && in_.ConsumeIntegralInRange(0, 3) == 0) set_float(n, "alpha", value(in_));
            if (op == "Gemm" && in_.ConsumeIntegralInRange(0, 3) == 0) set_float(n, "beta", value(in_));
            shape_ = {outputs};
        } else if (op == "Add") {
            std::vector<std::int64_t> dims;
            if (shape_.size() == 3 && in_.ConsumeBool()) dims = {1, dim(0), 1, 1};
            else if (in_.ConsumeBool()) dims = {dim(0)};
            else dims = ints(in_.ConsumeIntegralInRange(0, 4), 1, 4);
            const std::string bias = weights(dims);
            if (in_.ConsumeBool()) n.add_input(bias);
            else n.mutable_input()->Add(std::string(bias)), n.mutable_input()->SwapElements(0, 1);
        } else if (op == "Conv") {
            const std::int64_t filters = size_or_hostile(in_, 1, 4);
            const std::int64_t kh = size_or_hostile(in_, 1, 3), kw = size_or_hostile(in_, 1, 3);
            n.add_input(weights({filters, in_.ConsumeIntegralInRange(0, 7) ? dim(0) : size_or_hostile(in_, 1, 3), kh, kw}));
            if (in_.ConsumeBool()) n.add_input(weights({filters}));
            if (in_.ConsumeIntegralInRange(0, 7) == 0) set_int(n, "group", size_or_hostile(in_, 1, 2));
            const auto [h, w] = window(n, kh, kw, true);
            shape_ = {filters, h, w};
        } else if (op == "MaxPool" || op == "AveragePool") {
            const std::int64_t kh = size_or_hostile(in_, 1, 3), kw = size_or_hostile(in_, 1, 3);
            const auto [h, w] = window(n, kh, kw, false);
            if (in_.ConsumeIntegralInRange(0, 7) == 0) set_int(n, "ceil_mode", in_.ConsumeIntegralInRange(0, 1));
            shape_ = {dim(0), h, w};
        } else if (op == "Flatten") {
            if (in_.ConsumeBool()) set_int(n, "axis", in_.ConsumeIntegralInRange(-3, 2));
            shape_ = {flat()};
        } else if (op == "Reshape") {
            std::vector<std::int64_t> target;
            switch (in_.ConsumeIntegralInRange(0, 3)) {
                case 0: target = {1, -1}; break;
                case 1: target = {1, dim(0), dim(1), dim(2)}; break;
                case 2: target = {flat()}; break;
                default: target = ints(in_.ConsumeIntegralInRange(0, 5), -1, 4); break;
            }
            n.add_input(ints_constant(target));
            shape_ = target.size() == 4 ? std::vector<std::int64_t>{target[1], target[2], target[3]} : std::vector<std::int64_t>{flat()};
        } else if (op == "Pad") {
            std::vector<std::int64_t> pads(2 * (shape_.size() + 1), 0);
            if (in_.ConsumeIntegralInRange(0, 3) == 0) pads = ints(in_.ConsumeIntegralInRange(0, 8), 0, 2);
            if (in_.ConsumeBool()) n.add_input(ints_constant(pads));
            else set_ints(n, "pads", pads);
            set_string(n, "mode", in_.ConsumeIntegralInRange(0, 7) ? "constant" : "reflect");
        }
        n.add_output(output);
        *graph().add_node() = std::move(n);
        current_ = output;
    }

    FuzzedDataProvider& in_;
    onnx::ModelProto proto_;
    std::vector<std::int64_t> shape_;  // of the current value, without the batch
    std::string current_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const std::string bytes = Builder(in).build().SerializeAsString();
    if (const char* file = std::getenv("ZOKML_FUZZ_WRITE_ONNX")) std::ofstream(file, std::ios::binary) << bytes;

    std::optional<Model> model;
    fuzz::run_expecting(fuzz::kInputError, [&] { model = model_from_onnx(bytes, "model.onnx"); });
    if (model) fuzz::quantize_and_generate(*model);
    return 0;
}
