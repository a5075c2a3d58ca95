// The JSON model loader (docs/model-format.md), then quantization and the private-input circuit.
#include "model_pipeline.hpp"
#include "zokml/core/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    std::optional<Model> model;
    fuzz::run_expecting(fuzz::kInputError,
                        [&] { model = model_from_json(parse_json(fuzz::text_of(data, size), "model.json"), "model.json"); });
    if (model) fuzz::quantize_and_generate(*model);
    return 0;
}
