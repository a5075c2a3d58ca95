#include <catch2/catch.hpp>

#include <string>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/batch.hpp"

using namespace zokml;

namespace {

// A model taking 3 inputs from -1 to 1 as 8-bit integers (integer = (x + 1) * 127.5).
QuantizedModel three_inputs() {
    QuantizedModel model;
    model.input_size = 3;
    model.input_bits = 8;
    model.input_max = 255;
    model.input_min_float = -1;
    model.input_scale = 127.5;
    return model;
}

FloatBatch read(const test::TempDir& dir, const std::string& name, const std::string& text) {
    write_file_atomically(dir / name, text);
    return read_batch_file(dir / name);
}

// The InputError a bad batch file gives: its field and reason.
std::string rejection(const test::TempDir& dir, const std::string& name, const std::string& text) {
    try {
        read(dir, name, text);
    } catch (const InputError& e) {
        CHECK(e.file() == dir / name);
        return e.field() + ": " + e.reason();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("batch files: JSON and CSV give the same float inputs and labels", "[batch]") {
    const test::TempDir dir;
    const FloatBatch json = read(dir, "b.json", R"({"format": "zokml-batch", "version": 1,
        "inputs": [[-1, 0, 1], [0.5, -0.25, 1e-3]], "labels": [2, 0]})");
    const FloatBatch csv = read(dir, "b.csv", "label, a, b, c\r\n2,-1,0,1\r\n\r\n0, 0.5 ,-0.25,1e-3\n");
    CHECK(json.inputs == csv.inputs);
    CHECK(json.labels == csv.labels);
    CHECK(csv.labels == std::vector<int>{2, 0});
    CHECK(read(dir, "noheader.csv", "1,0.5,0.5,0.5").inputs.size() == 1);

    const LabeledBatch q = quantize_batch(three_inputs(), json, 3, dir / "b.json");
    CHECK(q.inputs == std::vector<std::vector<std::int64_t>>{{0, 128, 255}, {191, 96, 128}});
    CHECK(q.labels == std::vector<int>{2, 0});
    CHECK(labeled_batch_from_json(labeled_batch_to_json(q), "").fingerprint() == q.fingerprint());
}

TEST_CASE("batch files: every malformed file is refused naming the field", "[batch][hostile]") {
    const test::TempDir dir;
    CHECK(rejection(dir, "a.json", R"({"format": "zokml-batch", "version": 2, "inputs": [], "labels": []})").starts_with("format:"));
    CHECK(rejection(dir, "b.json", R"({"format": "zokml-batch", "version": 1, "inputs": [], "labels": []})") ==
          "inputs: the batch has no input");
    CHECK(rejection(dir, "c.json", R"({"format": "zokml-batch", "version": 1, "inputs": [[1, 2]], "labels": [1, 2]})")
              .starts_with("labels:"));
    CHECK(rejection(dir, "d.json", R"({"format": "zokml-batch", "version": 1, "inputs": [[1, 2], [3]], "labels": [1, 2]})")
              .starts_with("inputs[1]: 1 values"));
    CHECK(rejection(dir, "e.json", R"({"format": "zokml-batch", "version": 1, "inputs": [[1, "2"]], "labels": [1]})")
              .starts_with("inputs[0][1]: expected a number"));
    CHECK(rejection(dir, "f.json", R"({"format": "zokml-batch", "version": 1, "inputs": [[1, 2]], "labels": [-1]})")
              .starts_with("labels[0]:"));
    CHECK(rejection(dir, "g.json", R"({"format": "zokml-batch", "version": 1, "inputs": [[1]], "labels": [1.5]})")
              .starts_with("labels[0]:"));
    CHECK(rejection(dir, "h.json", R"({"format": "zokml-batch", "version": 1, "inputs": [[1]], "labels": [1], "extra": 0})")
              .starts_with("extra: unknown member"));
    CHECK(rejection(dir, "i.json", "[1, 2").starts_with("(file): not valid JSON"));
    CHECK(rejection(dir, "a.csv", "1,2,3\n1,2\n") == "line 2: 1 values, the first input has 2");
    CHECK(rejection(dir, "b.csv", "1,2,nan\n") == "line 1 column 3: expected a finite number, got \"nan\"");
    CHECK(rejection(dir, "c.csv", "1,2,1e999\n").starts_with("line 1 column 3: expected a finite number"));
    CHECK(rejection(dir, "d.csv", "1,2,3\nx,2,3\n").starts_with("line 2 column 1: expected a label"));
    CHECK(rejection(dir, "e.csv", "1,2,\n").starts_with("line 1 column 3"));
    CHECK(rejection(dir, "f.csv", "label,x\n") == "inputs: the batch has no input");
    CHECK(rejection(dir, "g.csv", "99999999999,1\n").starts_with("line 1 column 1"));
    // More values than a model may take.
    std::string many = "0";
    for (int i = 0; i < (1 << 16); ++i) many += ",0";
    many += "\n";
    std::string rows;
    for (int i = 0; i < 257; ++i) rows += many;
    CHECK(rejection(dir, "h.csv", rows).find("more than 16777216 values") != std::string::npos);
}

TEST_CASE("batch files: public values outside the model's input range and unknown classes are refused, not clamped",
          "[batch][hostile]") {
    const test::TempDir dir;
    const auto refused = [&](const FloatBatch& batch, std::size_t classes) -> std::string {
        try {
            quantize_batch(three_inputs(), batch, classes, dir / "b.json");
        } catch (const InputError& e) {
            return e.field() + ": " + e.reason();
        }
        return "accepted";
    };
    CHECK(refused({{{0, 0, 1.01}}, {0}}, 3) ==
          "inputs[0][2]: 1.01 is outside the model's input range [-1, 1] (1 of the 3 values are; the data spans [0, 1.01]): "
          "declare the range the model was trained on (--input-min/--input-max or the settings file), "
          "or let `zokml calibrate --range-from-data` take it from the data");
    // every value outside is counted and the data's span reported, not only the first one's
    CHECK_THAT(refused({{{0, 3, 0.5}, {-2, 0, 7}}, {0, 1}}, 3),
               Catch::StartsWith("inputs[0][1]: 3 is outside") && Catch::Contains("(3 of the 6 values are; the data spans [-2, 7])"));
    CHECK(refused({{{-1.01, 0, 0}}, {0}}, 3).starts_with("inputs[0][0]: -1.01 is outside"));
    CHECK(refused({{{0, 0}}, {0}}, 3) == "inputs[0]: 2 values, the model takes 3");
    CHECK(refused({{{0, 0, 0}}, {3}}, 3) == "labels[0]: 3 is not a class of the model (0 to 2)");
    CHECK(refused({{{0, 0, 1.001}}, {2}}, 3) == "accepted");  // within half a step of 1: rounds to 255
}

TEST_CASE("a batch built in memory with NaN or an infinity is refused as not a finite number", "[batch][hostile]") {
    const auto refused = [](double value) -> std::string {
        try {
            quantize_batch(three_inputs(), {{{0, 0.5, 0}, {0, value, 0}}, {}}, 0, "inputs");
        } catch (const InputError& e) {
            return e.field() + ": " + e.reason();
        }
        return "accepted";
    };
    CHECK(refused(std::nan("")) == "inputs[1][1]: not a finite number (nan)");
    CHECK(refused(INFINITY) == "inputs[1][1]: not a finite number (inf)");
    CHECK(refused(-INFINITY) == "inputs[1][1]: not a finite number (-inf)");
}

TEST_CASE("a batch built in memory with fewer or more labels than inputs is refused naming the labels", "[batch][hostile]") {
    const auto refused = [](std::vector<int> labels) -> std::string {
        try {
            quantize_batch(three_inputs(), {{{0, 0, 0}, {0, 0.5, 0}, {1, 0, 0}}, std::move(labels)}, 3, "batch");
        } catch (const InputError& e) {
            return e.field() + ": " + e.reason();
        }
        return "accepted";
    };
    CHECK(refused({0, 1}) == "labels: 2 labels for 3 inputs: expected one per input");
    CHECK(refused({0, 1, 2, 0}) == "labels: 4 labels for 3 inputs: expected one per input");
    CHECK(refused({0, 1, 2}) == "accepted");
    CHECK(refused({}) == "accepted");  // no labels: a batch to classify
}
