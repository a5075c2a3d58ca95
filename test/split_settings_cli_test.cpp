// Split proving takes the model's quantization from the folder's published layout: the model owner
// gives `commit` the settings once (here an input range of [-1, 1] and 6-bit weights), and neither
// split-prove nor the commands its --plan writes repeat them; a flag that differs is refused.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <stdexcept>

#include "support.hpp"
#include "toolchain/subprocess.hpp"
#include "zokml/core/files.hpp"
#include "zokml/project/salt_file.hpp"
#include "zokml/split/folder.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using Catch::Contains;
using test::Result;
using test::zokml_cli;

namespace {

// The tiny model (3 inputs, 2 classes) committed with inputs in [-1, 1] and 6-bit weights, and a
// split folder set up for a batch of four inputs in that range: made once per test process.
struct CommittedFolder {
    test::TempDir dir;
    std::string model = test::tiny_model(dir / "tiny.json").string();
    std::string salt = (dir / "owner.salt").string();
    std::string folder = (dir / "split").string();
    std::string commitment;

    CommittedFolder() {
        const std::string layout = (dir / "layout.json").string();
        const Result committed = zokml_cli({"commit", "--model", model, "--input-min", "-1", "--input-max", "1", "--weight-bits", "6",
                                            "--split", "--neurons-per-part", "1", "--layout", layout, "--salt", salt, "--json"});
        if (committed.exit_code != 0) throw std::runtime_error("commit: " + committed.err);
        commitment = committed.parsed()["commitment"];
        write_file_atomically(dir / "batch.csv", "label,x\n0,-0.9,0.5,0.2\n1,0.3,-0.8,0.9\n0,0.7,0.1,-0.4\n1,-0.2,0.6,-1.0\n");
        const Result set_up = zokml_cli({"split-setup", "--layout", layout, "--dir", folder, "--batch", (dir / "batch.csv").string(),
                                         "--inputs-per-slice", "2", "--cache-dir", (dir / "cache").string()});
        if (set_up.exit_code != 0) throw std::runtime_error("split-setup: " + set_up.err);
    }
};

const CommittedFolder& committed_folder() {
    static const CommittedFolder folder;
    return folder;
}

}  // namespace

TEST_CASE("split-prove quantizes the model as the folder's layout records: no setting of commit is repeated", "[cli][split][slow]") {
    const CommittedFolder& f = committed_folder();
    const std::string bundle = (f.dir / "bundle.json").string();
    write_file_atomically(bundle, "an earlier bundle");  // kept aside, not overwritten (test/proof_files_cli_test.cpp)
    const Result proved = zokml_cli({"split-prove", "--model", f.model, "--salt", f.salt, "--dir", f.folder, "--bundle", bundle, "--json"});
    INFO(proved.out << proved.err);
    REQUIRE(proved.exit_code == 0);
    CHECK(proved.parsed()["public"]["commitment"] == f.commitment);
    CHECK(zokml_cli({"verify", "--dir", f.folder, "--bundle", bundle}).exit_code == 0);
    CHECK(proved.parsed()["previous_bundle"] == (f.dir / "bundle-1.json").string());
    CHECK(read_file(f.dir / "bundle-1.json") == "an earlier bundle");
}

TEST_CASE("the commands split-prove --plan writes run as printed and prove with the layout's settings, none repeated",
          "[cli][split][slow]") {
    const CommittedFolder& f = committed_folder();
    const fs::path model = f.dir / "the owner's model.json";  // a quote and a space in a path of the commands
    fs::copy_file(f.model, model);
    const Result plan = zokml_cli({"split-prove", "--model", model.string(), "--salt", f.salt, "--dir", f.folder, "--plan"});
    INFO(plan.out << plan.err);
    REQUIRE(plan.exit_code == 0);
    CHECK(plan.out.find("--input-") == std::string::npos);
    CHECK(plan.out.find("-bits") == std::string::npos);
    const auto ran = detail::run_process("/bin/sh", {"-e"}, f.dir.path(), plan.out, std::chrono::minutes(5));
    INFO(ran.out << ran.err);
    REQUIRE(ran.exit_code == 0);
    const std::string plan_dir = plan.err.substr(plan.err.find("--gather '") + 10, plan.err.find("' (the plan") - plan.err.find("--gather '") - 10);
    const std::string bundle = (f.dir / "planned.json").string();
    REQUIRE(zokml_cli({"split-prove", "--dir", f.folder, "--gather", plan_dir, "--bundle", bundle}).exit_code == 0);
    const Result verified = zokml_cli({"verify", "--dir", f.folder, "--bundle", bundle, "--json"});
    CHECK(verified.exit_code == 0);
    CHECK(verified.parsed()["public"]["commitment"] == f.commitment);
}

TEST_CASE("a quantization flag that differs from the folder's layout is refused, naming the field and both values", "[cli][split][slow]") {
    const CommittedFolder& f = committed_folder();
    const std::string settings = (f.dir / "settings.json").string();
    write_file_atomically(settings, R"({"format": "zokml-settings", "version": 1, "variant": "private-model", "options": {"weight_bits": 8}})");
    const struct {
        std::vector<std::string> flags;
        std::string says;
    } cases[] = {{{"--weight-bits", "8"}, "layout.quantization.weight_bits: records 6, --weight-bits gives 8"},
                 {{"--input-min", "0", "--input-max", "1"}, "layout.input.min: records -1, --input-min gives 0"},
                 {{"--input-min", "-1", "--input-max", "2"}, "layout.input.max: records 1, --input-max gives 2"},
                 {{"--input-bits", "7"}, "layout.input.bits: records 8, --input-bits gives 7"},
                 {{"--activation-bits", "12"}, "layout.quantization.activation_bits: records 0, --activation-bits gives 12"},
                 {{"--settings", settings}, "layout.quantization.weight_bits: records 6, the settings file " + settings + " gives 8"}};
    for (const auto& [flags, says] : cases) {
        for (const bool planned : {false, true}) {
            std::vector<std::string> arguments = {"split-prove", "--model", f.model, "--salt", f.salt, "--dir", f.folder};
            if (planned) arguments.push_back("--plan");
            arguments.insert(arguments.end(), flags.begin(), flags.end());
            const Result refused = zokml_cli(arguments);
            INFO(fmt::format("{}", fmt::join(arguments, " ")) << "\n" << refused.err);
            CHECK(refused.exit_code == 3);
            CHECK_THAT(refused.err, Contains("zokml.split.json") && Contains(says));
            CHECK_THAT(refused.err, !Contains("not the one the folder's layout publishes"));
        }
    }
    // The layout's own settings given again are no mismatch.
    const Result same = zokml_cli({"split-prove", "--model", f.model, "--salt", f.salt, "--dir", f.folder, "--input-min", "-1",
                                   "--input-max", "1", "--weight-bits", "6", "--plan"});
    INFO(same.err);
    CHECK(same.exit_code == 0);
}

TEST_CASE("a model quantized with other settings than the folder's layout records is refused, naming the field that differs",
          "[split][slow]") {
    const CommittedFolder& f = committed_folder();
    const FieldElement salt = read_salt_file(f.salt);
    const auto refused = [&](const QuantizedModel& model, const std::string& says) {
        CHECK_THROWS_WITH(prove_split_folder(f.folder, model, salt, std::nullopt, test::real_toolchain(), 1, [](const Progress&) {}),
                          Contains("zokml.split.json") && Contains(says));
        CHECK_THROWS_WITH(prepare_split_plan(f.folder, model, salt, std::nullopt), Contains(says));
    };
    refused(quantize(load_model(f.model), {.weight_bits = 6}), "layout.input.min: is -1, the model tiny gives 0");
    refused(quantize(load_model(f.model, InputRange{-1, 1}), {.input_bits = 7, .weight_bits = 6}), "layout.input.bits: is 8, the model tiny gives 7");
    refused(quantize(load_model(f.model, InputRange{-1, 1}), {.weight_bits = 10}), "layout.parts[0].weight_bits");
}

TEST_CASE("settings given for a split proof are compared with the folder's layout, each named by where it came from",
          "[split][slow]") {
    const CommittedFolder& f = committed_folder();
    CircuitSettings settings;
    settings.quantization.weight_bits = 8;
    settings.input_range = InputRange{-1, 1};
    const auto source = [](const std::string& name) { return name == "weight-bits" ? std::string("the caller's widths") : ""; };
    CHECK_THROWS_WITH(committed_model(f.folder, f.model, {settings, source}),
                      Contains("zokml.split.json") && Contains("layout.quantization.weight_bits") &&
                          Contains("records 6, the caller's widths gives 8"));
    // A setting not given is not compared (the input bits here), nor is one equal to the layout's.
    settings.quantization.weight_bits = 6;
    settings.quantization.input_bits = 7;
    const auto every = [](const std::string& name) { return name == "input-bits" ? std::string() : "the settings"; };
    CHECK_NOTHROW(committed_model(f.folder, f.model, {settings, every}));
    // Nothing given: the model comes as the layout records it, whose commitment is the folder's.
    const QuantizedModel model = committed_model(f.folder, f.model);
    CHECK(model.input_min_float == -1);
    CHECK(model.input_bits == 8);
    CHECK(commit_model_v2(model, 1, read_salt_file(f.salt)).to_decimal() == f.commitment);
}
