// The command on a user's own model and data: calibrate, settings files, float private inputs,
// input ranges, accuracy on any labelled data, and the PyTorch example end to end.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/npy.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/settings.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using nlohmann::json;
using test::Result;
using test::tiny_model;
using test::zokml_cli;

namespace {

// Inputs of the tiny model (3 values in [0, 1]) spread over its input space, each labelled with
// the float model's class: the float accuracy is 100%, what quantization loses shows.
FloatBatch tiny_data(const Model& model, std::size_t count) {
    FloatBatch batch;
    for (std::size_t n = 0; n < count; ++n) {
        const double a = static_cast<double>(n % 7) / 6, b = static_cast<double>(n % 5) / 4, c = static_cast<double>(n % 3) / 2;
        batch.inputs.push_back({a, b, c});
        batch.labels.push_back(static_cast<int>(run_float(model, batch.inputs.back()).at(0)));
    }
    return batch;
}

// A CSV batch file: "label,v0,v1,v2" lines (no labels: values only).
fs::path write_csv(const fs::path& file, const FloatBatch& batch) {
    std::string text;
    for (std::size_t n = 0; n < batch.inputs.size(); ++n) {
        if (!batch.labels.empty()) text += std::to_string(batch.labels[n]) + ",";
        text += fmt::format("{}\n", fmt::join(batch.inputs[n], ","));
    }
    write_file_atomically(file, text);
    return file;
}

std::map<std::string, std::string> files_under(const fs::path& folder) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.is_regular_file()) files[fs::relative(entry.path(), folder).string()] = read_file(entry.path());
    return files;
}

}  // namespace

TEST_CASE("calibrate prints every candidate, writes the chosen one's settings, and generate --settings reproduces its "
          "circuit byte for byte",
          "[cli]") {
    const test::TempDir dir;
    const fs::path model_file = tiny_model(dir / "tiny.json");
    const Model model = load_model(model_file);
    const fs::path data = write_csv(dir / "data.csv", tiny_data(model, 60));
    const std::string settings = (dir / "settings.json").string();

    const Result r = zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--out", settings, "--json"});
    REQUIRE(r.exit_code == 0);
    const json result = r.parsed();
    CHECK(result["inputs"] == 60);
    CHECK(result["float_accuracy"] == 1.0);
    CHECK(result["candidates"].size() == 3 * 5 * 4);
    const json chosen = result["chosen"];
    CHECK(result["goal"] == "agreement");
    CHECK(result["min_agreement"] == 0.995);
    CHECK(result["goal_met"] == true);
    CHECK(chosen["agreement"].get<double>() >= 0.995);
    for (const json& c : result["candidates"]) {  // the smallest circuit that agrees enough
        if (!c.contains("agreement")) continue;
        if (c["agreement"].get<double>() >= 0.995)
            CHECK(c["estimated_constraints"].get<std::size_t>() >= chosen["estimated_constraints"].get<std::size_t>());
    }
    // Each candidate's accuracy and agreement are the integer reference's on the data, its estimate the estimator's.
    const QuantizationOptions options{chosen["input_bits"], chosen["weight_bits"], chosen["activation_bits"]};
    const QuantizedModel quantized = quantize(model, options);
    CHECK(chosen["estimated_constraints"] == estimate_private_input_constraints(quantized));
    const LabeledBatch integers = quantize_batch(quantized, read_batch_file(data), 2, data);
    CHECK(chosen["quantized_accuracy"] == static_cast<double>(count_correct(quantized, integers)) / 60);
    std::size_t agree = 0;
    for (std::size_t n = 0; n < 60; ++n)
        agree += run_reference(quantized, integers.inputs[n]).predicted_class == static_cast<int>(run_float(model, read_batch_file(data).inputs[n]).at(0));
    CHECK(chosen["agreement"] == static_cast<double>(agree) / 60);
    CHECK(read_settings_file(settings).quantization == options);
    CHECK_THAT(zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--out", settings}).out,
               Catch::Contains("accuracy agreement    loss") && Catch::Contains("<- chosen") &&
                   Catch::Contains("settings: " + settings));

    REQUIRE(zokml_cli({"generate", "--model", model_file.string(), "--settings", settings, "--dir", (dir / "a").string()})
                .exit_code == 0);
    REQUIRE(zokml_cli({"generate", "--model", model_file.string(), "--dir", (dir / "b").string(), "--input-bits",
                       std::to_string(options.input_bits), "--weight-bits", std::to_string(options.weight_bits),
                       "--activation-bits", std::to_string(options.activation_bits)})
                .exit_code == 0);
    CHECK(files_under(dir / "a" / "circuit") == files_under(dir / "b" / "circuit"));
    CHECK(read_lock(dir / "a").spec.settings == read_settings_file(settings));

    // Flags override the file, one by one.
    REQUIRE(zokml_cli({"generate", "--model", model_file.string(), "--settings", settings, "--weight-bits", "12",
                       "--claimed-class", "--dir", (dir / "c").string()})
                .exit_code == 0);
    const CircuitSettings overridden = read_lock(dir / "c").spec.settings;
    CHECK(overridden.quantization.weight_bits == 12);
    CHECK(overridden.quantization.input_bits == options.input_bits);
    CHECK(overridden.private_input.claimed_class);
}

TEST_CASE("calibrate --goal constraints takes the smallest circuit within the loss; no candidate within it is exit code 3",
          "[cli]") {
    const test::TempDir dir;
    const fs::path model_file = tiny_model(dir / "tiny.json");
    const fs::path data = write_csv(dir / "data.csv", tiny_data(load_model(model_file), 60));
    const Result r = zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--goal", "constraints",
                                "--max-loss", "5", "--out", (dir / "s.json").string(), "--json"});
    REQUIRE(r.exit_code == 0);
    const json result = r.parsed();
    std::size_t smallest = SIZE_MAX;
    for (const json& c : result["candidates"])
        if (c.contains("loss") && c["loss"].get<double>() <= 0.05) smallest = std::min(smallest, c["estimated_constraints"].get<std::size_t>());
    CHECK(result["chosen"]["estimated_constraints"] == smallest);

    // One candidate (every width given), and 1-bit inputs lose accuracy: nothing is written.
    const Result none = zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--input-bits", "1",
                                   "--weight-bits", "2", "--activation-bits", "0", "--goal", "accuracy", "--max-loss", "0",
                                   "--out", (dir / "none.json").string(), "--json"});
    CHECK(none.exit_code == 3);
    CHECK(none.parsed()["candidates"].size() == 1);  // one JSON document: the candidates and the error
    CHECK(none.parsed()["goal_met"] == false);
    CHECK_THAT(none.parsed()["error"]["message"].get<std::string>(), Catch::Contains("no candidate keeps the quantized accuracy"));
    CHECK_THAT(none.err, Catch::Contains("no candidate keeps the quantized accuracy"));
    CHECK_FALSE(fs::exists(dir / "none.json"));

    CHECK(zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--goal", "speed"}).exit_code == 2);
    CHECK(zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--goal", "accuracy", "--max-loss", "-1"})
              .exit_code == 2);
    // --max-loss is the accuracy goals' bound: with the agreement goal it would be ignored.
    const Result loss = zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--max-loss", "2"});
    CHECK(loss.exit_code == 2);
    CHECK_THAT(loss.err, Catch::Contains("--max-loss goes with --goal accuracy or constraints"));
    CHECK(zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--goal", "agreement:0.995"}).exit_code == 2);
    CHECK(zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--variant", "private-model"})
              .exit_code == 2);
}

TEST_CASE("calibrate's agreement goal, when no candidate reaches it, writes the one that agrees most, says so and exits 3",
          "[cli]") {
    const test::TempDir dir;
    const fs::path model_file = tiny_model(dir / "tiny.json");
    const fs::path data = write_csv(dir / "data.csv", tiny_data(load_model(model_file), 60));
    const fs::path settings = dir / "s.json";
    // 1-bit inputs and 2-bit weights give other classes than the float model on some inputs.
    const Result missed = zokml_cli({"calibrate", "--model", model_file.string(), "--data", data.string(), "--input-bits", "1",
                                     "--weight-bits", "2", "--activation-bits", "0", "--goal", "agreement:100", "--out",
                                     settings.string(), "--json"});
    CHECK(missed.exit_code == 3);
    const json result = missed.parsed();
    CHECK(result["goal_met"] == false);
    CHECK(result["error"]["exit_code"] == 3);
    REQUIRE(result["candidates"].size() == 1);
    CHECK(result["candidates"][0]["agreement"].get<double>() < 1.0);
    CHECK(result["chosen"]["agreement"] == result["candidates"][0]["agreement"]);
    CHECK_THAT(missed.err, Catch::Contains("no candidate's class is the float model's on 100.00% of the inputs") &&
                               Catch::Contains(settings.string() + " holds the closest"));
    const json written = json::parse(read_file(settings));
    CHECK(written["calibration"]["goal_met"] == false);
    CHECK(written["options"]["input_bits"] == 1);
}

TEST_CASE("labelled data outside the model's input range, or with labels that are not its classes, is refused naming the "
          "file and field",
          "[cli]") {
    const test::TempDir dir;
    const fs::path model_file = tiny_model(dir / "tiny.json");
    const Model model = load_model(model_file);
    FloatBatch data = tiny_data(model, 4);
    data.inputs[2][1] = 1.5;
    write_csv(dir / "range.csv", data);
    for (const std::string command : {"calibrate", "quantize"}) {
        const Result r = zokml_cli({command, "--model", model_file.string(), "--data", (dir / "range.csv").string()});
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("range.csv: inputs[2][1]: 1.5 is outside the model's input range") &&
                              Catch::Contains("--input-min/--input-max") && Catch::Contains("--range-from-data"));
    }
    data = tiny_data(model, 4);
    data.labels[3] = 2;  // the tiny model has classes 0 and 1
    write_csv(dir / "labels.csv", data);
    const Result r = zokml_cli({"quantize", "--model", model_file.string(), "--data", (dir / "labels.csv").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("labels.csv: labels[3]: 2 is not a class of the model"));
    CHECK(zokml_cli({"quantize", "--model", model_file.string()}).exit_code == 3);  // not MNIST-shaped: give --data
    CHECK(zokml_cli({"quantize", "--model", model_file.string(), "--labels", "y.npy"}).exit_code == 2);

    // quantize reports the accuracy on the data given.
    write_csv(dir / "good.csv", tiny_data(model, 30));
    const Result good = zokml_cli({"quantize", "--model", model_file.string(), "--data", (dir / "good.csv").string(), "--json"});
    REQUIRE(good.exit_code == 0);
    CHECK(good.parsed()["fidelity"]["inputs"] == 30);
    CHECK(good.parsed()["fidelity"]["float_accuracy"] == 1.0);
}

TEST_CASE("--input-min and --input-max set an ONNX model's input range, into the settings and the lock file", "[cli]") {
    const test::TempDir dir;
    const std::string onnx = test::example_model("mnist-mlp.onnx").string();
    const Result inspected = zokml_cli({"inspect", "--model", onnx, "--input-min", "-1", "--input-max", "1", "--json"});
    REQUIRE(inspected.exit_code == 0);
    CHECK(inspected.parsed()["fingerprint"] == quantize(load_model(onnx, InputRange{-1, 1})).fingerprint());
    CHECK(inspected.parsed()["fingerprint"] != quantize(load_model(onnx)).fingerprint());

    REQUIRE(zokml_cli({"generate", "--model", onnx, "--input-min", "-1", "--input-max", "1", "--dir", (dir / "c").string()})
                .exit_code == 0);
    const CircuitLock lock = read_lock(dir / "c");
    REQUIRE(lock.spec.settings.input_range);
    CHECK(*lock.spec.settings.input_range == InputRange{-1, 1});
    CHECK(lock.model_fingerprint == quantize(load_model(onnx, InputRange{-1, 1})).fingerprint());

    for (const std::vector<std::string>& bad : {std::vector<std::string>{"--input-min", "-1"},
                                                {"--input-min", "1", "--input-max", "1"},
                                                {"--input-min", "nan", "--input-max", "1"},
                                                {"--input-min", "0", "--input-max", "1e999"},
                                                {"--input-min", "0x", "--input-max", "1"}}) {
        std::vector<std::string> arguments = {"inspect", "--model", onnx};
        arguments.insert(arguments.end(), bad.begin(), bad.end());
        CHECK(zokml_cli(arguments).exit_code == 2);
    }
}

namespace {

// Inputs for an ONNX model of 784 inputs whose values span [low, high] exactly, labelled 0.
fs::path onnx_data(const fs::path& file, double low, double high) {
    FloatBatch batch;
    for (std::size_t n = 0; n < 6; ++n) {
        batch.inputs.emplace_back(784);
        for (std::size_t i = 0; i < 784; ++i) batch.inputs[n][i] = low + (high - low) * static_cast<double>((n * 7 + i * 13) % 41) / 40;
        batch.labels.push_back(0);
    }
    return write_csv(file, batch);
}

// calibrate with one candidate that is always chosen (8-bit inputs and weights), and more arguments.
Result calibrate_onnx(const fs::path& data, const fs::path& settings, std::vector<std::string> more) {
    std::vector<std::string> arguments = {"calibrate", "--model", test::example_model("mnist-mlp.onnx").string(), "--data",
                                          data.string(), "--input-bits", "8", "--weight-bits", "8", "--activation-bits", "0",
                                          "--goal", "accuracy", "--max-loss", "100", "--out", settings.string()};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return zokml_cli(arguments);
}

}  // namespace

TEST_CASE("calibrate takes an ONNX model's input range from data outside [0, 1], widened by the margin, reports it and "
          "writes it to the settings file",
          "[cli]") {
    const test::TempDir dir;
    const fs::path data = onnx_data(dir / "wide.csv", -1, 1), settings = dir / "s.json";
    const Result r = calibrate_onnx(data, settings, {"--json"});
    REQUIRE(r.exit_code == 0);
    const json range = r.parsed()["input_range"];
    CHECK(range["source"] == "data");
    CHECK(range["data_min"] == -1.0);
    CHECK(range["data_max"] == 1.0);
    CHECK(range["margin"] == 0.05);
    CHECK(range["min"].get<double>() == Approx(-1.1));
    CHECK(range["max"].get<double>() == Approx(1.1));
    CHECK(r.parsed()["chosen"]["input_range"] == range);
    const CircuitSettings written = read_settings_file(settings);
    REQUIRE(written.input_range);
    CHECK(*written.input_range == InputRange{range["min"], range["max"]});
    CHECK_THAT(calibrate_onnx(data, settings, {}).out,
               Catch::Contains("input range [-1.1, 1.1]: taken from the data (the data spans [-1, 1], widened by 5% of that"));

    // The later commands take it from the settings file: the circuit's lock records it.
    REQUIRE(zokml_cli({"generate", "--model", test::example_model("mnist-mlp.onnx").string(), "--settings", settings.string(),
                       "--dir", (dir / "c").string()})
                .exit_code == 0);
    CHECK(read_lock(dir / "c").spec.settings.input_range == written.input_range);

    // --range-margin sets the margin; quantize chooses the range as calibrate does.
    const Result exact = calibrate_onnx(data, settings, {"--range-margin", "0", "--json"});
    REQUIRE(exact.exit_code == 0);
    CHECK(exact.parsed()["input_range"]["min"] == -1.0);
    CHECK(exact.parsed()["input_range"]["max"] == 1.0);
    const Result quantized = zokml_cli({"quantize", "--model", test::example_model("mnist-mlp.onnx").string(), "--data",
                                        data.string(), "--range-margin", "10", "--json"});
    REQUIRE(quantized.exit_code == 0);
    CHECK(quantized.parsed()["input_range"]["source"] == "data");
    CHECK(quantized.parsed()["input_range"]["max"].get<double>() == Approx(1.2));
}

TEST_CASE("an ONNX model's input range stays [0, 1] for data inside it unless --range-from-data asks for the data's; a "
          "declared range is kept",
          "[cli]") {
    const test::TempDir dir;
    const fs::path inside = onnx_data(dir / "inside.csv", 0.25, 0.75), settings = dir / "s.json";
    Result r = calibrate_onnx(inside, settings, {"--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed()["input_range"]["source"] == "default");
    CHECK(r.parsed()["input_range"]["min"] == 0.0);
    CHECK(r.parsed()["input_range"]["max"] == 1.0);
    CHECK_FALSE(read_settings_file(settings).input_range);
    CHECK_THAT(calibrate_onnx(inside, settings, {}).out, Catch::Contains("--range-from-data takes the data's"));

    r = calibrate_onnx(inside, settings, {"--range-from-data", "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed()["input_range"]["source"] == "data");
    CHECK(read_settings_file(settings).input_range == InputRange{r.parsed()["input_range"]["min"], r.parsed()["input_range"]["max"]});

    // Flags, then a settings file, declare the range; a JSON model declares its own.
    const fs::path wide = onnx_data(dir / "wide.csv", -1, 1);
    r = calibrate_onnx(wide, settings, {"--input-min", "-2", "--input-max", "2", "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed()["input_range"]["source"] == "flags");
    CHECK(read_settings_file(settings).input_range == InputRange{-2, 2});
    r = calibrate_onnx(wide, dir / "again.json", {"--settings", settings.string(), "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed()["input_range"]["source"] == "settings");
    CHECK(read_settings_file(dir / "again.json").input_range == InputRange{-2, 2});
    const fs::path model_file = tiny_model(dir / "tiny.json");
    r = zokml_cli({"quantize", "--model", model_file.string(), "--data",
                   write_csv(dir / "tiny.csv", tiny_data(load_model(model_file), 10)).string(), "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed()["input_range"]["source"] == "model");

    // The data's range or the flags' (not both); a margin only where the range is the data's.
    CHECK(calibrate_onnx(wide, settings, {"--range-from-data", "--input-min", "-2", "--input-max", "2"}).exit_code == 2);
    const Result margin = calibrate_onnx(wide, settings, {"--input-min", "-2", "--input-max", "2", "--range-margin", "3"});
    CHECK(margin.exit_code == 2);
    CHECK_THAT(margin.err, Catch::Contains("--range-margin goes with an input range taken from the data"));
    CHECK(calibrate_onnx(wide, settings, {"--range-margin", "101"}).exit_code == 2);
    // Data of one value spans no range.
    const Result flat = calibrate_onnx(onnx_data(dir / "flat.csv", 3, 3), settings, {});
    CHECK(flat.exit_code == 3);
    CHECK_THAT(flat.err, Catch::Contains("flat.csv: inputs: every value is 3"));
}

TEST_CASE("prove takes float inputs from a batch file (one picked with --index), quantized with the model's range",
          "[cli][slow]") {
    const test::TempDir dir;
    const fs::path model_file = tiny_model(dir / "tiny.json");
    const Model model = load_model(model_file);
    const std::string folder = (dir / "c").string(), cache = (dir / "cache").string();
    FloatBatch inputs = tiny_data(model, 3);
    inputs.labels.clear();
    const fs::path file = write_csv(dir / "inputs.csv", inputs);
    const Result run = zokml_cli({"run", "--model", model_file.string(), "--input", file.string(), "--index", "1", "--dir",
                                  folder, "--cache-dir", cache, "--json"});
    REQUIRE(run.exit_code == 0);
    const QuantizedModel quantized = quantize(model);
    const int expected = run_reference(quantized, quantize_input(quantized, inputs.inputs[1])).predicted_class;
    CHECK(run.parsed()["public"]["class"] == expected);
    CHECK(run.parsed()["verified"] == true);

    Result r = zokml_cli({"prove", "--dir", folder, "--input", file.string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--index: " + file.string() + " holds 3 inputs: choose one by its index"));
    r = zokml_cli({"prove", "--dir", folder, "--input", file.string(), "--index", "3", "--cache-dir", cache});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("inputs.csv: inputs: holds 3 inputs: there is no input 3"));
    inputs.inputs[2][0] = -0.25;
    write_csv(dir / "range.csv", inputs);
    r = zokml_cli({"prove", "--dir", folder, "--input", (dir / "range.csv").string(), "--index", "0", "--cache-dir", cache});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("range.csv: inputs[2][0]: -0.25 is outside the model's input range"));
    write_file_atomically(dir / "integers.json", "[1, 2, 3]");
    CHECK(zokml_cli({"prove", "--dir", folder, "--input", (dir / "integers.json").string(), "--index", "0"}).exit_code == 2);
    CHECK(zokml_cli({"prove", "--dir", folder, "--index", "0"}).exit_code == 2);
}

// The "done when": a PyTorch model and .npy files go to a verified proof with the command
// alone (examples/pytorch/prove.sh: train, torch.onnx.export, numpy.save, calibrate, run, verify).
TEST_CASE("the PyTorch example goes from torch.onnx.export and numpy.save to a verified proof with the command alone",
          "[cli][slow]") {
    const test::TempDir dir;
    const fs::path out = dir / "pytorch";
    const auto r = detail::run_process(fs::path(ZOKML_EXAMPLES_DIR) / "pytorch" / "prove.sh", {out.string(), ZOKML_CLI},
                                       dir.path(), "", std::chrono::minutes(10));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("verify") && Catch::Contains("(PASSED)"));

    // What calibrate estimated is what the toolchain compiled; the settings are the lock's.
    const json settings = json::parse(read_file(out / "settings.json"));
    const CircuitLock lock = read_lock(out / "circuit");
    REQUIRE(lock.compiled);
    CHECK(settings["calibration"]["estimated_constraints"] == lock.compiled->constraints);
    CHECK(lock.spec.settings == read_settings_file(out / "settings.json"));
    CHECK(*lock.spec.settings.input_range == InputRange{-1, 1});

    // The proof shows the class the integer reference gives the first record, and no other.
    const QuantizedModel model = quantize(load_model(out / "risk-mlp.onnx", InputRange{-1, 1}), lock.spec.settings.quantization);
    const FloatBatch records = read_batch_file(out / "inputs.npy", Labels::None);
    const int expected = run_reference(model, quantize_input(model, records.inputs[0])).predicted_class;
    const Result verified = zokml_cli({"verify", "--dir", (out / "circuit").string(), "--json"});
    CHECK(verified.exit_code == 0);
    CHECK(verified.parsed()["public"]["class"] == expected);
    json proof = json::parse(read_file(out / "circuit" / "proof.json"));
    proof["inputs"][0] = fmt::format("0x{:064x}", (expected + 1) % 3);
    write_file_atomically(dir / "tampered.json", proof.dump());
    CHECK(zokml_cli({"verify", "--dir", (out / "circuit").string(), "--proof", (dir / "tampered.json").string()}).exit_code == 1);
}

TEST_CASE("a private-model circuit's public batch comes from the user's batch file; a changed file is refused before proving",
          "[cli][slow]") {
    const test::TempDir dir;
    const fs::path model_file = tiny_model(dir / "tiny.json");
    const Model model = load_model(model_file);
    FloatBatch data = tiny_data(model, 6);
    data.labels[1] = 1 - data.labels[1];  // one label the model gets wrong: 5 of 6 correct
    const fs::path batch = write_csv(dir / "batch.csv", data);
    const std::string folder = (dir / "c").string(), cache = (dir / "cache").string(), salt = (dir / "owner.salt").string();
    REQUIRE(zokml_cli({"commit", "--model", model_file.string(), "--salt", salt}).exit_code == 0);
    const Result run = zokml_cli({"run", "--model", model_file.string(), "--variant", "private-model", "--batch", batch.string(),
                                  "--salt", salt, "--dir", folder, "--cache-dir", cache, "--json"});
    REQUIRE(run.exit_code == 0);
    CHECK(run.parsed()["public"]["correct"] == 5);
    CHECK(run.parsed()["verified"] == true);
    const CircuitLock lock = read_lock(folder);
    CHECK(lock.spec.batch == fs::weakly_canonical(batch));
    const QuantizedModel quantized = quantize(model);
    CHECK(lock.batch_fingerprint == quantize_batch(quantized, data, 2, batch).fingerprint());

    Result r = zokml_cli({"prove", "--dir", folder, "--salt", salt, "--threshold", "6", "--cache-dir", cache});
    CHECK(r.exit_code == 3);  // no proof of 6 correct exists
    data.labels[1] = 1 - data.labels[1];
    write_csv(batch, data);
    r = zokml_cli({"prove", "--dir", folder, "--salt", salt, "--cache-dir", cache});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("the public batch changed"));

    CHECK(zokml_cli({"generate", "--model", model_file.string(), "--batch", batch.string(), "--dir", folder}).exit_code == 2);
    CHECK(zokml_cli({"generate", "--model", model_file.string(), "--variant", "private-model", "--batch", batch.string(),
                     "--batch-size", "3", "--dir", folder})
              .exit_code == 2);
}

// Issue 25's target: calibrate's default goal on two real data sets that Debian's python3-sklearn
// ships (examples/pytorch/train_sklearn_data.py: a 30-16-2 MLP on breast cancer records scaled to
// [-1, 1] by the training records, a 64-32-10 MLP on 8x8 digits in [0, 1]), with no option but
// the data: the proven class is PyTorch's on at least 99.5% of the held-out records.
TEST_CASE("calibrate's default choice on breast cancer records and on 8x8 digits is the smallest circuit whose class is "
          "the float model's on at least 99.5% of the records",
          "[cli][slow]") {
    const test::TempDir dir;
    const auto trained = detail::run_process("/usr/bin/python3",
                                             {(fs::path(ZOKML_EXAMPLES_DIR) / "pytorch" / "train_sklearn_data.py").string(),
                                              "--out", dir.path().string()},
                                             dir.path(), "", std::chrono::minutes(5));
    INFO(trained.out << trained.err);
    REQUIRE(trained.exit_code == 0);
    for (const auto& [name, range_source] : {std::pair{"breast-cancer", "data"}, std::pair{"digits", "default"}}) {
        const fs::path folder = dir / name, onnx = folder / (std::string(name) + "-mlp.onnx"), data = folder / "calibration.npy";
        const Result r = zokml_cli({"calibrate", "--model", onnx.string(), "--data", data.string(), "--labels",
                                    (folder / "calibration-labels.npy").string(), "--out", (folder / "settings.json").string(),
                                    "--json"});
        INFO(name << ": " << r.out << r.err);
        REQUIRE(r.exit_code == 0);
        const json result = r.parsed(), chosen = result["chosen"];
        CHECK(result["goal"] == "agreement");
        CHECK(result["goal_met"] == true);
        CHECK(result["input_range"]["source"] == range_source);
        CHECK(chosen["agreement"].get<double>() >= 0.995);
        for (const json& c : result["candidates"])
            if (c.contains("agreement") && c["agreement"].get<double>() >= 0.995)
                CHECK(c["estimated_constraints"].get<std::size_t>() >= chosen["estimated_constraints"].get<std::size_t>());

        // The integer reference of the settings written (bit for bit the circuit) against PyTorch's own classes.
        const CircuitSettings settings = read_settings_file(folder / "settings.json");
        const QuantizedModel model = quantize(load_model(onnx, settings.input_range), settings.quantization);
        const FloatBatch records = read_batch_file(data, Labels::None);
        const NpyArray torch_classes = read_npy(folder / "calibration-torch-classes.npy");
        REQUIRE(torch_classes.values.size() == records.inputs.size());
        std::size_t agree = 0;
        for (std::size_t n = 0; n < records.inputs.size(); ++n)
            agree += run_reference(model, quantize_input(model, records.inputs[n])).predicted_class == torch_classes.values[n];
        CHECK(static_cast<double>(agree) / static_cast<double>(records.inputs.size()) >= 0.995);
    }
}
