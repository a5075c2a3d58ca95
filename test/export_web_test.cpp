// zokml export-web: the site proves a drawn digit, a drawn 8 x 8 image or a tabular record typed or
// picked as a file, in a real browser (headless Chromium driven by tools/browser-prove.mjs), with
// zokml's integers and zokml's proof; the command refuses what the page cannot prove.
#include <catch2/catch.hpp>

#include <set>

#include "support.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/web_export.hpp"
#include "zokml/quantize/reference.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using nlohmann::json;
using test::zokml_cli;

namespace {

// A circuit folder of the small model's default private-input circuit: its program and keys come
// from the store small_mnist_prover() was built through (built there now if it was not yet).
CircuitSpec small_mnist_folder(const fs::path& folder) {
    CircuitSpec spec;
    spec.name = "mnist-784-16-10";
    spec.model = test::example_model("mnist-784-16-10.json");
    spec.output = folder;
    write_generated(spec, generate_circuit(spec));
    setup_folder(folder, Scheme::G16, test::real_toolchain(), test::small_mnist_store(), Backend::Zokrates);
    return spec;
}

// What tools/browser-prove.mjs reports: it draws a 3 on an image site (or gives a values site the
// input of `given`: "--values X,Y,..." or "--record FILE"), proves it, downloads proof.json.
json prove_in_browser(const fs::path& site, const fs::path& proof, const fs::path& dir, const std::vector<std::string>& given = {}) {
    const fs::path script = Toolchain::bundled().parent_path() / "browser-prove.mjs";
    std::vector<std::string> arguments = {"node", script.string(), "--site", site.string(), "--proof", proof.string()};
    arguments.insert(arguments.end(), given.begin(), given.end());
    const auto result = detail::run_process("/usr/bin/env", arguments, dir, "", std::chrono::minutes(5));
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
}

// A circuit folder of `model_file`'s private-input circuit (inputs in [min, max]), compiled and set
// up with ZoKrates through the test store.
CircuitSpec set_up_folder(const fs::path& model_file, const fs::path& folder, std::optional<InputRange> range = {}) {
    CircuitSpec spec;
    spec.name = model_file.stem().string();
    spec.model = model_file;
    spec.settings.input_range = range;
    spec.output = folder;
    write_generated(spec, generate_circuit(spec));
    setup_folder(folder, Scheme::G16, test::real_toolchain(), test::small_mnist_store(), Backend::Zokrates);
    return spec;
}

// The tiny model (3 inputs) with its inputs in [-1, 1], so that the page's formula has an offset.
const InputRange kTabularRange{-1.0, 1.0};

// The integers zokml takes for a record of `model`, and the class the integer reference gives them.
std::pair<std::vector<std::int64_t>, int> zokml_reference(const QuantizedModel& model, const std::vector<double>& record) {
    const LabeledBatch batch = quantize_batch(model, FloatBatch{{record}, {}}, model.classes(), "record");
    return {batch.inputs[0], run_reference(model, batch.inputs[0]).predicted_class};
}

// A model of 8 x 8 grey images in [0, 16] (as scikit-learn's digits), a dense layer to 3 classes
// whose weights favour the top, the middle and the bottom rows: the class depends on the drawing.
fs::path pad8_model(const fs::path& file) {
    std::vector<double> weights(3 * 64), biases(3, 0.0);
    for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t i = 0; i < 64; ++i) weights[c * 64 + i] = (i / 8) * 3 / 8 == c ? 0.05 : -0.01 * static_cast<double>(i % 5);
    const Model model{"pad8", 64, 0.0, 16.0,
                      {Layer{Layer::Kind::Dense, {64, 3, weights, biases}}, Layer{Layer::Kind::Argmax, {}}}};
    save_model(model, file);
    return file;
}

}  // namespace

TEST_CASE("numbers typed on the exported page of a tabular model are proven in the browser with zokml's integers and class",
          "[private-input][slow]") {
    const test::TempDir dir;
    const CircuitSpec spec = set_up_folder(test::tiny_model(dir / "tiny.json"), dir / "circuit", kTabularRange);
    export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    // The range's ends and a value whose scaled value (x + 1) * 127.5 is within 1e-8 of 128.
    const std::vector<double> record = {-1.0, 0.0039215686, 1.0};
    const json page = prove_in_browser(dir / "site", dir / "proof.json", dir.path(), {"--values", "-1,0.0039215686,1"});
    CHECK(page["requests_after_prove"] == 0);
    CHECK(page["visible"] == json::array({"values-input"}));  // the form only, no drawing pad

    const QuantizedModel model = quantize(spec.float_model(), spec.settings.quantization);
    const auto [integers, expected] = zokml_reference(model, record);
    CHECK(page["input"].get<std::vector<std::int64_t>>() == integers);
    CHECK(page["class"] == expected);
    const auto verified = zokml_cli({"verify", "--dir", spec.output.string(), "--proof", (dir / "proof.json").string(), "--json"});
    CHECK(verified.exit_code == 0);
    CHECK(verified.parsed()["public"]["class"] == expected);
}

TEST_CASE("a CSV file of one record picked on the exported page gives the integers zokml reads from that file", "[private-input][slow]") {
    const test::TempDir dir;
    const CircuitSpec spec = set_up_folder(test::tiny_model(dir / "tiny.json"), dir / "circuit", kTabularRange);
    export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    write_file_atomically(dir / "record.csv", "age,dose,score\n0.3333333333333333, -0.125 ,0.77\n\n");
    const json page = prove_in_browser(dir / "site", dir / "proof.json", dir.path(), {"--record", (dir / "record.csv").string()});

    const QuantizedModel model = quantize(spec.float_model(), spec.settings.quantization);
    const LabeledBatch read = quantize_batch(model, read_batch_file(dir / "record.csv", Labels::None), model.classes(), dir / "record.csv");
    CHECK(page["input"].get<std::vector<std::int64_t>>() == read.inputs[0]);
    CHECK(page["class"] == run_reference(model, read.inputs[0]).predicted_class);
    CHECK(zokml_cli({"verify", "--dir", spec.output.string(), "--proof", (dir / "proof.json").string()}).exit_code == 0);
}

TEST_CASE("a JSON record picked on the exported page gives zokml's integers, values half a step from rounding up included",
          "[private-input][slow]") {
    const test::TempDir dir;
    const CircuitSpec spec = set_up_folder(test::tiny_model(dir / "tiny.json"), dir / "circuit", kTabularRange);
    export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    // x = (k + 0.5) / 127.5 - 1: the scaled value is k + 0.5 up to the last bit, where the rounding
    // turns; and a value just below the largest taken (255.5 rounds to 256 and is refused).
    const std::vector<double> record = {(0 + 0.5) / 127.5 - 1, (200 + 0.5) / 127.5 - 1, (255 + 0.4999) / 127.5 - 1};
    write_file_atomically(dir / "record.json", json{{"format", "zokml-batch"}, {"version", 1}, {"inputs", {record}}}.dump());
    const json page = prove_in_browser(dir / "site", dir / "proof.json", dir.path(), {"--record", (dir / "record.json").string()});

    const QuantizedModel model = quantize(spec.float_model(), spec.settings.quantization);
    const LabeledBatch read = quantize_batch(model, read_batch_file(dir / "record.json", Labels::None), model.classes(), dir / "record.json");
    CHECK(page["input"].get<std::vector<std::int64_t>>() == read.inputs[0]);
    CHECK(page["class"] == run_reference(model, read.inputs[0]).predicted_class);
}

TEST_CASE("a value outside the model's input range is refused on the page, as zokml refuses it, never clamped", "[private-input][slow]") {
    const test::TempDir dir;
    const CircuitSpec spec = set_up_folder(test::tiny_model(dir / "tiny.json"), dir / "circuit", kTabularRange);
    export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    // 1.004 is (1.004 + 1) * 127.5 = 255.51, which rounds to 256 > 255; 1.0039 (255.497) still
    // rounds to 255 and is taken, as zokml takes it.
    const json page = prove_in_browser(dir / "site", dir / "proof.json", dir.path(), {"--values", "0.5,1.004,0"});
    CHECK(page["refused"] == "x[1] = 1.004 is outside the model's input range [-1, 1]");
    CHECK_THAT(page["shown"].get<std::string>(), Catch::Contains("the page does not prove it"));
    CHECK_FALSE(fs::exists(dir / "proof.json"));
    const QuantizedModel model = quantize(spec.float_model(), spec.settings.quantization);
    CHECK_THROWS_AS(zokml_reference(model, {0.5, 1.004, 0.0}), InputError);
    CHECK_NOTHROW(zokml_reference(model, {0.5, 1.0039, 0.0}));
}

TEST_CASE("a file of more than one record, or of another number of values, is refused on the page", "[private-input][slow]") {
    const test::TempDir dir;
    const CircuitSpec spec = set_up_folder(test::tiny_model(dir / "tiny.json"), dir / "circuit", kTabularRange);
    export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    write_file_atomically(dir / "two.csv", "0.1,0.2,0.3\n0.4,0.5,0.6\n");
    CHECK(prove_in_browser(dir / "site", dir / "proof.json", dir.path(), {"--record", (dir / "two.csv").string()})["refused"] ==
          "two.csv holds 2 records: the page proves one");
    write_file_atomically(dir / "four.json", "[0.1, 0.2, 0.3, 0.4]");
    CHECK(prove_in_browser(dir / "site", dir / "proof.json", dir.path(), {"--record", (dir / "four.json").string()})["refused"] ==
          "four.json holds 4 values: the model takes 3");
    CHECK_FALSE(fs::exists(dir / "proof.json"));
}

TEST_CASE("the site.json of a tabular model says how the page turns its numbers into the circuit's integers", "[private-input]") {
    const test::TempDir dir;
    const CircuitSpec spec = set_up_folder(test::tiny_model(dir / "tiny.json"), dir / "circuit", kTabularRange);
    const WebExport site = export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    CHECK(site.page == "3 values");
    const json record = json::parse(read_file(dir / "site" / "site.json"));
    CHECK(record["format"] == "zokml-web-export");
    CHECK(record["version"] == 2);
    CHECK(record["input"] == json{{"kind", "values"}, {"size", 3}, {"min", -1.0}, {"max", 1.0}, {"bits", 8},
                                  {"integer_max", 255}, {"offset", -1.0}, {"scale", 127.5}});
    CHECK_FALSE(record.contains("image"));
}

TEST_CASE("an 8 x 8 image drawn on the exported page is proven in the browser with the integers of its grey levels",
          "[private-input][slow]") {
    const test::TempDir dir;
    const CircuitSpec spec = set_up_folder(pad8_model(dir / "pad8.json"), dir / "circuit");
    // A dense model of 64 inputs is a form of numbers unless asked for as an image.
    CHECK(export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store()).page == "64 values");
    CHECK(export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store(), WebInput::Image).page ==
          "a 8 x 8 image");
    const json record = json::parse(read_file(dir / "site" / "site.json"));
    CHECK(record["input"]["kind"] == "image");
    CHECK(record["input"]["width"] == 8);
    CHECK(record["input"]["height"] == 8);

    const json page = prove_in_browser(dir / "site", dir / "proof.json", dir.path());
    CHECK(page["visible"] == json::array({"image-input"}));
    REQUIRE(page["pixels"].size() == 64);
    // Grey level g is the float 16 * g / 255 of the model's range [0, 16], quantized as zokml does.
    std::vector<double> floats;
    for (const auto& grey : page["pixels"]) floats.push_back(0.0 + grey.get<int>() / 255.0 * (16.0 - 0.0));
    const QuantizedModel model = quantize(spec.float_model(), spec.settings.quantization);
    const auto [integers, expected] = zokml_reference(model, floats);
    CHECK(page["input"].get<std::vector<std::int64_t>>() == integers);
    CHECK(page["class"] == expected);
    CHECK(zokml_cli({"verify", "--dir", spec.output.string(), "--proof", (dir / "proof.json").string()}).exit_code == 0);
}

TEST_CASE("a digit drawn on the exported page is proven in the browser: the proof verifies and shows the reference class",
          "[private-input][slow]") {
    const test::TempDir dir;
    const CircuitSpec spec = small_mnist_folder(dir / "circuit");
    export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    // Exported again over the first export: the new site takes its place, and neither the staging
    // folder nor the earlier site is left beside it.
    const WebExport site = export_web(spec.output, dir / "site", test::real_toolchain(), test::small_mnist_store());
    std::set<std::string> beside;
    for (const auto& entry : fs::directory_iterator(dir.path())) beside.insert(entry.path().filename().string());
    CHECK(beside == std::set<std::string>{"circuit", "site"});
    const fs::path verification_key = keys_folder(spec.output) / "verification.key";
    CHECK(site.verification_key_sha256 == sha256_hex(read_file(verification_key)));

    const json page = prove_in_browser(dir / "site", dir / "proof.json", dir.path());
    CHECK(page["visible"] == json::array({"image-input"}));
    // The pixels stayed on the page: nothing was asked of the server once Prove was pressed, and
    // the page's policy refuses other origins in the page and in the worker that proves.
    CHECK(page["requests_after_prove"] == 0);
    CHECK(page["policy"] == json{{"page", "connect-src"}, {"worker", "connect-src"}});

    // The class the page shows is the integer reference's on the pixels the page proved.
    Digit drawn;
    REQUIRE(page["pixels"].size() == drawn.pixels.size());
    for (std::size_t i = 0; i < drawn.pixels.size(); ++i) drawn.pixels[i] = page["pixels"][i].get<std::uint8_t>();
    const QuantizedModel& model = test::small_mnist_model();
    const int expected = run_reference(model, digit_input(model, drawn)).predicted_class;
    CHECK(page["class"] == expected);

    // proof.json is the file zokml writes, byte for byte, and zokml verify accepts it.
    const std::string text = read_file(dir / "proof.json");
    const Proof proof = Proof::from_json(json::parse(text));
    CHECK(text == proof.to_json().dump(2) + "\n");
    const auto verified = zokml_cli({"verify", "--dir", spec.output.string(), "--proof", (dir / "proof.json").string(), "--json"});
    CHECK(verified.exit_code == 0);
    CHECK(verified.parsed()["public"]["class"] == expected);

    write_file_atomically(dir / "tampered.json", test::swapped_a_c(proof).to_json().dump());
    CHECK(zokml_cli({"verify", "--dir", spec.output.string(), "--proof", (dir / "tampered.json").string()}).exit_code == 1);

    CHECK(test::EvmVerifier(verification_keypair(verification_key), dir / "evm").call(proof).verified);
}

TEST_CASE("export-web refuses a folder that is not set up, with exit code 3", "[cli]") {
    const test::TempDir dir;
    CircuitSpec spec;
    spec.name = "small";
    spec.model = test::example_model("mnist-784-16-10.json");
    spec.output = dir / "circuit";
    write_generated(spec, generate_circuit(spec));
    const auto result = zokml_cli({"export-web", spec.output.string(), (dir / "site").string()});
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains("no keys yet: run zokml setup first"));
    CHECK_FALSE(fs::exists(dir / "site"));
}

TEST_CASE("export-web refuses circuits the page cannot prove: another variant, a claimed class, an image of a non-square input", "[cli]") {
    const test::TempDir dir;
    const std::string tiny = test::tiny_model(dir / "tiny.json").string();
    const auto refusal = [&](const std::string& name, const std::vector<std::string>& generate, const std::vector<std::string>& page = {}) {
        const std::string folder = (dir / name).string();
        std::vector<std::string> arguments = {"generate", "--model", tiny, "--dir", folder};
        arguments.insert(arguments.end(), generate.begin(), generate.end());
        REQUIRE(zokml_cli(arguments).exit_code == 0);
        std::vector<std::string> exporting = {"export-web", folder, (dir / "site").string()};
        exporting.insert(exporting.end(), page.begin(), page.end());
        const auto result = zokml_cli(exporting);
        CHECK(result.exit_code == 3);
        return result.err;
    };
    CHECK_THAT(refusal("both", {"--variant", "both-private"}), Catch::Contains("is both-private: the page proves private-input circuits"));
    CHECK_THAT(refusal("claim", {"--claimed-class"}), Catch::Contains("options.claimed_class"));
    CHECK_THAT(refusal("tiny", {}, {"--input", "image"}), Catch::Contains("takes 3 inputs, not a square image: export it with --input values"));
    CHECK_FALSE(fs::exists(dir / "site"));
}

TEST_CASE("export-web replaces only an earlier export: another folder in its place is an error", "[cli]") {
    const test::TempDir dir;
    fs::create_directories(dir / "site");
    write_file_atomically(dir / "site" / "notes.txt", "mine");
    const auto result = zokml_cli({"export-web", (dir / "circuit").string(), (dir / "site").string()});
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains("exists and is not a zokml web export"));
    CHECK(read_file(dir / "site" / "notes.txt") == "mine");
}

TEST_CASE("export-web takes the circuit folder and the site's folder", "[cli]") {
    CHECK(zokml_cli({"export-web", "only-one"}).exit_code == 2);
    CHECK(zokml_cli({"export-web", "a", "b", "c"}).exit_code == 2);
    CHECK(zokml_cli({"export-web", "a", "b", "--input", "picture"}).exit_code == 2);
}
