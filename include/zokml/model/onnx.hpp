// Float models from ONNX files (torch.onnx.export and other exporters), mapped onto the same
// Model as the JSON format. The operators read and what they become: docs/onnx.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "zokml/model/model.hpp"

namespace zokml {

struct OnnxOptions {
    // The range of every float input value: ONNX files do not record it (MNIST pixels / 255: 0..1).
    double input_min = 0.0;
    double input_max = 1.0;
    bool add_argmax = true;  // end the model with an Argmax over the graph's output (the class)
    std::string name;        // the model's name; empty: the file's stem
};

// The operators load_onnx reads, in the order error messages list them.
const std::vector<std::string>& onnx_operators();

// Reads a graph that is a chain of Gemm, MatMul (+ Add), Relu, Conv, AveragePool, MaxPool,
// Flatten and Reshape nodes over one float input, with constant (initializer or Constant node)
// weights; a BatchNormalization right after a Gemm, MatMul or Conv folds into its weights. Throws InputError naming the file, the node ("graph.node[3] \"/conv/Conv\" (Conv)")
// or tensor, and the reason: an unsupported operator or attribute, a dynamic shape, a non-float
// tensor, a graph that is not a chain, bytes that are not an ONNX model.
Model load_onnx(const std::filesystem::path& file, const OnnxOptions& options = {});
// The same from the serialized ModelProto; `file` names the source in errors.
Model model_from_onnx(const std::string& bytes, const std::filesystem::path& file = {}, const OnnxOptions& options = {});

}  // namespace zokml
