#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/model/model.hpp"
#include "zokml/model/onnx.hpp"

using namespace zokml;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// 3 inputs -> dense(2) -> relu -> dense(2) -> argmax.
json tiny_model() {
    return json::parse(R"({
      "format": "zokml-model", "version": 1, "name": "tiny",
      "input": {"size": 3, "min": 0.0, "max": 1.0},
      "layers": [
        {"type": "dense", "inputs": 3, "outputs": 2, "weights": [[1, -2, 0.5], [0.25, 0, -1]], "biases": [0.1, -0.1]},
        {"type": "relu"},
        {"type": "dense", "inputs": 2, "outputs": 2, "weights": [[1, 0], [0, 1]], "biases": [0, 0]},
        {"type": "argmax"}]})");
}

// The InputError that `load` throws.
template <typename Load>
InputError input_error(Load load) {
    try {
        load();
    } catch (const InputError& e) {
        return e;
    }
    throw std::runtime_error("the model was accepted");
}

InputError rejection(const json& document) {
    return input_error([&] { model_from_json(document, "tiny.json"); });
}
InputError file_rejection(const std::filesystem::path& file) {
    return input_error([&] { load_model(file); });
}

void write_text(const std::filesystem::path& file, const std::string& text) { std::ofstream(file) << text; }
std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("a saved model loads back equal, value for value", "[model]") {
    test::TempDir dir;
    json document = tiny_model();
    // Values whose decimal forms are long or extreme must still come back exactly.
    document["layers"][0]["weights"][0] = {1.0 / 3.0, -2.0 / 7.0, 1e-300};
    document["layers"][0]["weights"][1] = {std::numeric_limits<double>::denorm_min(),
                                           std::numeric_limits<double>::max(), 123456789.0};
    document["layers"][0]["biases"] = {0.1f, -0.0};
    const Model model = model_from_json(document);
    save_model(model, dir / "tiny.json");
    const Model loaded = load_model(dir / "tiny.json");
    CHECK(model_to_json(loaded) == model_to_json(model));
    CHECK(loaded.layers[0].dense.weights == model.layers[0].dense.weights);
    CHECK(std::signbit(loaded.layers[0].dense.biases[1]));
}

TEST_CASE("saving the same model twice writes the same bytes", "[model]") {
    test::TempDir dir;
    const Model model = model_from_json(tiny_model());
    save_model(model, dir / "a.json");
    save_model(load_model(dir / "a.json"), dir / "b.json");
    CHECK(read_text(dir / "a.json") == read_text(dir / "b.json"));
}

TEST_CASE("a saved model file has one weight row a line and no temporary file beside it", "[model]") {
    test::TempDir dir;
    save_model(model_from_json(tiny_model()), dir / "tiny.json");
    const std::string text = read_text(dir / "tiny.json");
    CHECK_THAT(text, Contains("\n        [1.0,-2.0,0.5],\n        [0.25,0.0,-1.0]\n"));
    CHECK_THAT(text, Contains(R"("input": {"size": 3, "min": 0.0, "max": 1.0})"));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
}

TEST_CASE("float inference runs dense, relu and argmax in order", "[model]") {
    const Model model = model_from_json(tiny_model());
    CHECK(model.layer_output_sizes() == std::vector<std::size_t>{2, 2, 2, 1});
    CHECK(model.parameter_count() == 6 + 2 + 4 + 2);
    // dense: [1 - 1 + 0.1, 0.25 - 0 - 0.1] = [0.1, 0.15] -> relu -> identity -> argmax 1
    CHECK(run_float(model, {1.0, 0.5, 0.0}) == std::vector<double>{1.0});
    Model logits = model;
    logits.layers.pop_back();
    const auto out = run_float(logits, {1.0, 0.5, 0.0});
    CHECK(out[0] == Approx(0.1));
    CHECK(out[1] == Approx(0.15));
}

TEST_CASE("argmax picks the first of equal maxima", "[model]") {
    Model tied = model_from_json(tiny_model());
    tied.layers[0].dense.biases = {0.0, 0.0};  // a zero input then gives logits [0, 0]
    CHECK(run_float(tied, {0.0, 0.0, 0.0}) == std::vector<double>{0.0});
}

TEST_CASE("malformed JSON is rejected with the byte position", "[model]") {
    test::TempDir dir;
    write_text(dir / "bad.json", R"({"format": "zokml-model", "version": 1,, })");
    const InputError e = file_rejection(dir / "bad.json");
    CHECK(e.file() == dir / "bad.json");
    CHECK_THAT(e.reason(), Contains("not valid JSON at byte 40"));
}

TEST_CASE("a truncated model file is rejected naming the file", "[model]") {
    test::TempDir dir;
    const std::string text = tiny_model().dump(2);
    write_text(dir / "cut.json", text.substr(0, text.size() / 2));
    const InputError e = file_rejection(dir / "cut.json");
    CHECK_THAT(e.what(), Contains("cut.json") && Contains("not valid JSON") && Contains("unexpected end of input"));
}

TEST_CASE("a missing model file is rejected naming it", "[model]") {
    test::TempDir dir;
    CHECK_THAT(file_rejection(dir / "absent.json").what(), Contains("absent.json") && Contains("does not exist"));
}

TEST_CASE("a number too large for a double is rejected with its position", "[model]") {
    test::TempDir dir;
    std::string text = tiny_model().dump();
    text.replace(text.find("0.25"), 4, "1e999");
    write_text(dir / "huge.json", text);
    const InputError e = file_rejection(dir / "huge.json");
    CHECK_THAT(e.reason(), Contains("byte") && Contains("1e999"));
}

TEST_CASE("a document of another format is rejected", "[model]") {
    json document = tiny_model();
    document["format"] = "onnx";
    const InputError e = rejection(document);
    CHECK(e.field() == "format");
    CHECK_THAT(e.what(), Contains("tiny.json: format: is \"onnx\", expected \"zokml-model\""));
}

TEST_CASE("a model of a later format version is rejected", "[model]") {
    json document = tiny_model();
    document["version"] = 2;
    CHECK(rejection(document).field() == "version");
}

TEST_CASE("a missing field is rejected naming it", "[model]") {
    json document = tiny_model();
    document["layers"][2].erase("biases");
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[2].biases");
    CHECK(e.reason() == "missing");
}

TEST_CASE("a mistyped field is rejected naming it and what was expected", "[model]") {
    json document = tiny_model();
    document["input"]["size"] = "3";
    const InputError e = rejection(document);
    CHECK(e.field() == "input.size");
    CHECK(e.reason() == "expected a positive integer, got string \"3\"");
}

TEST_CASE("a dense layer with no outputs is rejected", "[model]") {
    json document = tiny_model();
    document["layers"][0]["outputs"] = 0;
    CHECK(rejection(document).field() == "layers[0].outputs");
}

TEST_CASE("an unknown member is rejected naming it", "[model]") {
    json document = tiny_model();
    document["layers"][1]["bias"] = 0;
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[1].bias");
    CHECK_THAT(e.reason(), Contains("unknown member"));
}

TEST_CASE("a NaN weight is rejected naming the layer and index", "[model]") {
    json document = tiny_model();
    document["layers"][0]["weights"][1][2] = std::numeric_limits<double>::quiet_NaN();
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[0].weights[1][2]");
    CHECK_THAT(e.reason(), Contains("finite"));
}

TEST_CASE("an infinite bias is rejected naming it", "[model]") {
    json document = tiny_model();
    document["layers"][2]["biases"][1] = -std::numeric_limits<double>::infinity();
    CHECK(rejection(document).field() == "layers[2].biases[1]");
}

TEST_CASE("the string \"NaN\" in place of a weight is rejected", "[model]") {
    json document = tiny_model();
    document["layers"][0]["weights"][0][1] = "NaN";
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[0].weights[0][1]");
    CHECK(e.reason() == "expected a number, got string \"NaN\"");
}

TEST_CASE("a weight matrix with a row missing is rejected", "[model]") {
    json document = tiny_model();
    document["layers"][0]["weights"].erase(1);
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[0].weights");
    CHECK_THAT(e.reason(), Contains("has 1 entries, expected 2"));
}

TEST_CASE("a weight row of the wrong length is rejected naming the row", "[model]") {
    json document = tiny_model();
    document["layers"][2]["weights"][1].push_back(0.5);
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[2].weights[1]");
    CHECK_THAT(e.reason(), Contains("has 3 entries, expected 2"));
}

TEST_CASE("biases of the wrong length are rejected", "[model]") {
    json document = tiny_model();
    document["layers"][0]["biases"] = {0.0};
    CHECK(rejection(document).field() == "layers[0].biases");
}

TEST_CASE("a dense layer whose inputs do not match the values entering it is rejected", "[model]") {
    json document = tiny_model();
    document["layers"][2]["inputs"] = 3;
    document["layers"][2]["weights"] = {{1, 0, 0}, {0, 1, 0}};
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[2].inputs");
    CHECK(e.reason() == "is 3, but 2 values enter this layer");
}

TEST_CASE("an argmax that is not the last layer is rejected", "[model]") {
    json document = tiny_model();
    document["layers"].erase(3);
    document["layers"].insert(document["layers"].begin() + 1, json::object({{"type", "argmax"}}));
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[1].type");
    CHECK_THAT(e.reason(), Contains("argmax must be the last layer"));
}

TEST_CASE("an unknown layer type is rejected listing the supported ones", "[model]") {
    json document = tiny_model();
    document["layers"][1]["type"] = "lstm";
    const InputError e = rejection(document);
    CHECK(e.field() == "layers[1].type");
    CHECK(e.reason() == "unknown layer type \"lstm\" (supported: dense, relu, argmax, conv2d, maxpool, avgpool, flatten, add, sigmoid, tanh, silu, gelu, hardsigmoid, clip)");
}

TEST_CASE("an input range whose min is not below its max is rejected", "[model]") {
    json document = tiny_model();
    document["input"]["min"] = 1.0;
    CHECK(rejection(document).field() == "input.max");
}

TEST_CASE("a model without layers is rejected", "[model]") {
    json document = tiny_model();
    document["layers"] = json::array();
    const InputError e = rejection(document);
    CHECK(e.field() == "layers");
    CHECK_THAT(e.reason(), Contains("empty"));
}

TEST_CASE("load_model tells ONNX from zokml JSON by content, whatever the file is called", "[model][onnx]") {
    test::TempDir dir;
    std::filesystem::copy_file(test::example_model("mnist-cnn-small.onnx"), dir / "model.json");
    const Model onnx = load_model(dir / "model.json");
    CHECK(model_to_json(onnx) == model_to_json(load_onnx(test::example_model("mnist-cnn-small.onnx"), {.name = "model"})));
    write_text(dir / "model.onnx", "  \n" + tiny_model().dump());
    CHECK(load_model(dir / "model.onnx").layers.size() == model_from_json(tiny_model()).layers.size());
    write_text(dir / "garbage", "[1, 2, 3]");
    const InputError e = file_rejection(dir / "garbage");
    CHECK(e.field() == "(file)");
    CHECK_THAT(e.reason(), Contains("neither a zokml JSON model") && Contains("nor an ONNX model"));
}
