// The ONNX loader (docs/onnx.md) on a serialized ModelProto, then quantization and the
// private-input circuit.
#include "model_pipeline.hpp"
#include "zokml/model/onnx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    std::optional<Model> model;
    const std::string bytes(fuzz::text_of(data, size));
    fuzz::run_expecting(fuzz::kInputError, [&] { model = model_from_onnx(bytes, "model.onnx"); });
    if (model) fuzz::quantize_and_generate(*model);
    return 0;
}
