// Hostile models, documents and inputs: each is refused with an InputError naming the field, fast,
// and never crashes, hangs or reaches generated code.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"
#include "zokml/data/inputs.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/toolchain.hpp"

using namespace zokml;
using Catch::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kHuge = "9223372036854775807";  // 2^63 - 1

// A conv2d model over the given input shape and padding (as JSON text: the numbers may not fit).
std::string conv_model(const std::string& input, const std::string& padding, const std::string& size = "784") {
    return R"({"format": "zokml-model", "version": 1, "name": "hostile", "input": {"size": )" + size +
           R"(, "min": 0, "max": 1}, "layers": [{"type": "conv2d", "input": )" + input +
           R"(, "filters": 1, "kernel": [1, 1], "stride": [1, 1], "padding": )" + padding +
           R"(, "weights": [[1]], "biases": [0]}, {"type": "flatten"}]})";
}

std::string dense_model(const std::string& name, double weight, double bias = 0.0) {
    return json{{"format", "zokml-model"},
                {"version", 1},
                {"name", name},
                {"input", {{"size", 2}, {"min", 0}, {"max", 1}}},
                {"layers",
                 {{{"type", "dense"}, {"inputs", 2}, {"outputs", 2}, {"weights", {{weight, weight}, {weight, -weight}}},
                   {"biases", {bias, bias}}},
                  {{"type", "argmax"}}}}}
        .dump();
}

InputError refusal(const std::string& text) {
    try {
        const Model model = model_from_json(parse_json(text, "hostile.json"), "hostile.json");
        quantize(model);
    } catch (const InputError& e) {
        return e;
    }
    throw std::runtime_error("accepted");
}

}  // namespace

TEST_CASE("shapes whose product wraps around 2^64 are refused naming the shape", "[hostile]") {
    const auto e = refusal(conv_model("[" + kHuge + ", " + kHuge + ", 784]", "[0, 0, 0, 0]"));
    CHECK(e.field() == "layers[0].input[0]");
    CHECK_THAT(e.reason(), Contains("more than zokml takes"));
    // Each dimension within the limit, their product beyond it.
    CHECK(refusal(conv_model("[4096, 4096, 4096]", "[0, 0, 0, 0]")).field() == "layers[0].input");
}

TEST_CASE("a padding that would wrap the output shape is refused", "[hostile]") {
    CHECK(refusal(conv_model("[1, 28, 28]", "[" + kHuge + ", 0, " + kHuge + ", 0]")).field() == "layers[0].padding[0]");
    CHECK(refusal(conv_model("[1, 28, 28]", "[16777216, 0, 16777216, 0]")).field() == "layers[0].filters");  // 2^25 outputs
}

TEST_CASE("an input size of 10^12 is refused naming input.size, without allocating it", "[hostile]") {
    const auto e = refusal(conv_model("[1, 28, 28]", "[0, 0, 0, 0]", "1000000000000"));
    CHECK(e.field() == "input.size");
}

TEST_CASE("weights of every magnitude quantize to normal scales or are refused, promptly", "[hostile]") {
    for (const double w : {1e-310, 4.9e-324, 3e-306, 1e-200, 1e200, 1e308, 1.7976931348623157e308}) {
        INFO(w);
        try {
            const QuantizedModel q = quantize(model_from_json(parse_json(dense_model("w", w), "m.json"), "m.json"));
            for (const auto& layer : q.layers) CHECK(std::isnormal(layer.scale));
        } catch (const InputError& e) {
            CHECK_THAT(e.reason(), Contains("float range") || Contains("2^62"));
        }
    }
}

TEST_CASE("a bias that overflows at the layer's scale is refused naming the biases", "[hostile]") {
    CHECK(refusal(dense_model("b", 1e-30, 1e30)).field() == "layers[0].biases");
}

TEST_CASE("a model name with a line break is refused, and never reaches generated code as code", "[hostile]") {
    CHECK(refusal(dense_model("x\ndef main() -> field { return 1; }", 0.5)).field() == "name");
    Model model = model_from_json(parse_json(dense_model("ok", 0.5), "m.json"), "m.json");
    QuantizedModel q = quantize(model);
    q.name = "evil\n}\ndef main() -> field {\n    return 1;";  // built in memory, past the loader
    const std::string main = generate_private_input_circuit(q).files.at("main.zok");
    CHECK(main.find("evil?}?def main() -> field {?    return 1;") != std::string::npos);
    CHECK(main.find("\ndef main() -> field {\n    return 1;") == std::string::npos);
}

TEST_CASE("a member given twice is refused naming it, in every JSON document", "[hostile]") {
    try {
        parse_json(R"({"layers": [{"type": "relu", "type": "dense"}]})", "m.json");
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.file() == "m.json");
        CHECK(e.field() == "layers[0].type");
    }
    CHECK_THROWS_AS(parse_json(R"({"a": 1, "b": {"c": 2}, "a": 3})", "m.json"), InputError);
    CHECK_NOTHROW(parse_json(R"({"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]})", "m.json"));
}

TEST_CASE("a manifest output outside the manifest's folder is refused", "[hostile]") {
    for (const char* output : {"/tmp/elsewhere", "../outside", "a/../../outside"}) {
        INFO(output);
        const json spec = {{"name", "a"}, {"model", "m.json"}, {"output", output}};
        try {
            CircuitSpec::from_json(spec, "/project", "zokml.json", "circuits[0]");
            FAIL("accepted");
        } catch (const InputError& e) {
            CHECK(e.field() == "circuits[0].output");
        }
    }
    CHECK_NOTHROW(CircuitSpec::from_json({{"name", "a"}, {"model", "../models/m.json"}, {"output", "circuits/a"}}, "/project",
                                         "zokml.json"));
}

TEST_CASE("a proof's public input at or above p is refused, not reduced", "[hostile]") {
    const std::string p_plus_1 = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000002";
    const std::string one = "0x0000000000000000000000000000000000000000000000000000000000000001";
    json proof = {{"scheme", "g16"}, {"curve", "bn128"}, {"proof", json::object()}, {"inputs", {one}}};
    CHECK(Proof::from_json(proof).inputs.at(0) == FieldElement::from_int(1));
    proof["inputs"] = {p_plus_1};
    CHECK_THROWS_WITH(Proof::from_json(proof), Contains("inputs[0]") && Contains(">= p"));
    proof["inputs"] = {"0x1"};
    CHECK_THROWS_AS(Proof::from_json(proof), std::invalid_argument);
    proof["inputs"] = {7};
    CHECK_THROWS_AS(Proof::from_json(proof), std::invalid_argument);
}

TEST_CASE("a private input element of 1e999 or 2^64 is refused naming the file", "[hostile]") {
    CHECK_THROWS_AS(parse_json("[1, 1e999]", "input.json"), InputError);
    try {
        integer_input(parse_json("[1, 18446744073709551615]", "input.json"), "input.json");
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.file() == "input.json");
        CHECK(e.field() == "[1]");
    }
}

TEST_CASE("an unsearchable folder on PATH is passed over when locating the toolchain", "[hostile]") {
    const test::TempDir dir;
    fs::create_directories(dir / "loop");
    fs::create_symlink("zokrates", dir / "loop" / "zokrates");  // stat fails with ELOOP, as on a folder we may not search
    const char* saved = std::getenv("PATH");
    const std::string previous = saved ? saved : "";
    ::setenv("PATH", (dir / "loop").c_str(), 1);
    const char* env = std::getenv("ZOKML_ZOKRATES");
    const std::string saved_env = env ? env : "";
    ::unsetenv("ZOKML_ZOKRATES");
    CHECK_NOTHROW(Toolchain::locate());
    CHECK(Toolchain::locate() == Toolchain::bundled());
    ::setenv("PATH", previous.c_str(), 1);
    if (env) ::setenv("ZOKML_ZOKRATES", saved_env.c_str(), 1);
}

TEST_CASE("models whose layers hold too many values together, or whose windows take too many steps, are refused", "[hostile]") {
    const std::string relus = R"({"format": "zokml-model", "version": 1, "name": "wide", "input": {"size": 8388608, "min": 0, "max": 1},
        "layers": [{"type": "relu"}, {"type": "relu"}, {"type": "relu"}]})";
    const auto e = refusal(relus);  // 2^23 values a layer, each within the limit; 3 x 2^23 together beyond 2^24
    CHECK(e.field() == "layers[2]");
    CHECK_THAT(e.reason(), Contains("values in all layers"));
    const std::string pool = R"({"format": "zokml-model", "version": 1, "name": "window", "input": {"size": 16777216, "min": 0, "max": 1},
        "layers": [{"type": "maxpool", "input": [1, 4096, 4096], "kernel": [2048, 2048], "stride": [1, 1]}]})";
    CHECK_THAT(refusal(pool).reason(), Contains("window steps"));
}

TEST_CASE("a circuit of more values than any prover here takes is refused before its code is written",
          "[hostile]") {
    // 2^21 + 2^19 values and the class: within the model limits, beyond kMaxCircuitValues (the fuzzer's 114-byte
    // ONNX MaxPool asked for 2.6 M values and 330,000 modules).
    const std::string text = R"({"format": "zokml-model", "version": 1, "name": "huge", "input": {"size": 2097152, "min": 0, "max": 1},
        "layers": [{"type": "maxpool", "input": [2, 1024, 1024], "kernel": [2, 2], "stride": [2, 2]}, {"type": "argmax"}]})";
    const QuantizedModel model = quantize(model_from_json(parse_json(text, "huge.json"), "huge.json"));
    try {
        generate_private_input_circuit(model);
        FAIL("generated");
    } catch (const InputError& e) {
        CHECK(e.field() == "layers");
        CHECK_THAT(e.reason(), Contains("2621441 values") && Contains("at most 1048576"));
    }
}

TEST_CASE("a document nested deeper than 64 levels is refused naming the file, by the one JSON parser every reader uses",
          "[hostile]") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    try {
        integer_input(parse_json(deep, "input.json"), "input.json");  // was a stack overflow in the message's dump
        FAIL("accepted");
    } catch (const InputError& e) {
        CHECK(e.file() == "input.json");
        CHECK_THAT(e.reason(), Contains("more than 64 levels deep"));
    }
    CHECK_THROWS_WITH(parse_json(R"({"inputs": )" + deep + "}", "batch.json"), Contains("batch.json: inputs[0]"));
    CHECK_NOTHROW(parse_json(std::string(64, '[') + std::string(64, ']'), "input.json"));
    CHECK_THROWS_AS(parse_json(std::string(65, '[') + std::string(65, ']'), "input.json"), InputError);
}

TEST_CASE("a model of more than 1000 layers is refused at once, naming the layers", "[hostile]") {
    json model = json::parse(dense_model("many", 1.0));
    json& layers = model["layers"];
    layers.erase(layers.begin() + 1);  // the argmax
    for (int i = 0; i < 100000; ++i) layers.push_back({{"type", "flatten"}});
    const auto start = std::chrono::steady_clock::now();
    const auto e = refusal(model.dump());  // took a minute: every layer looked ahead past the flatten layers
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(e.field() == "layers");
    CHECK_THAT(e.reason(), Contains("100001 layers") && Contains("1000"));
    layers.erase(layers.begin() + 1000, layers.end());
    CHECK_NOTHROW(model_from_json(model, "m.json"));
}

TEST_CASE("a manifest output that leads outside the manifest's folder through a symbolic link is refused", "[hostile]") {
    const test::TempDir dir;
    const fs::path project = dir / "project";
    fs::create_directories(project / "circuits");
    fs::create_directories(dir / "elsewhere");
    fs::create_directory_symlink(dir / "elsewhere", project / "out");                  // a link to a folder outside
    fs::create_directory_symlink(dir / "elsewhere", project / "circuits" / "deeper");  // the same, one level down
    fs::create_symlink(dir / "not-yet", project / "dangling");                         // writing through it creates its target
    fs::create_directory_symlink(project / "circuits", project / "inside");            // a link that stays inside
    for (const char* output : {"out", "out/a", "circuits/deeper/a", "dangling", "dangling/a"}) {
        INFO(output);
        try {
            CircuitSpec::from_json({{"name", "a"}, {"model", "m.json"}, {"output", output}}, project, "zokml.json", "circuits[0]");
            FAIL("accepted");
        } catch (const InputError& e) {
            CHECK(e.field() == "circuits[0].output");
            CHECK_THAT(e.reason(), Contains("symbolic link"));
        }
    }
    for (const char* output : {"circuits/a", "inside/a", "new/a"})
        CHECK_NOTHROW(CircuitSpec::from_json({{"name", "a"}, {"model", "m.json"}, {"output", output}}, project, "zokml.json"));
}
