#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "zokml/core/digest.hpp"
#include "zokml/core/files.hpp"
#include "toolchain/subprocess.hpp"
#include "support.hpp"
#include "zokml/crypto/commitment.hpp"
#include "zokml/data/batch.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/train.hpp"
#include "zokml/model/model.hpp"
#include "zokml/model/onnx.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/project/salt_file.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/split/folder.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using nlohmann::json;

using test::Result;
using test::tiny_model;
using test::zokml_cli;

namespace {

// The real toolchain behind a script that logs each subcommand to dir/zokrates.log. With a cache
// folder, compile first holds on until another process waits for a lock of that cache (it logs
// "no-overlap" if none does within 30 s): two runs then certainly overlap.
fs::path logging_toolchain(const fs::path& dir, const std::optional<fs::path>& overlap_in_cache = {}) {
    const fs::path script = dir / "zokrates-logging";
    const std::string log = "'" + (dir / "zokrates.log").string() + "'";
    std::string text = "#!/bin/sh\necho \"$1\" >> " + log + "\n";
    if (overlap_in_cache)
        text += "waiting() {\n"
                "  for f in '" + (*overlap_in_cache / "locks").string() + "'/*; do\n"
                "    [ -e \"$f\" ] && grep -q -- \"-> FLOCK.*:$(stat -c %i \"$f\") \" /proc/locks && return 0\n"
                "  done\n"
                "  return 1\n"
                "}\n"
                "if [ \"$1\" = compile ]; then\n"
                "  i=0\n"
                "  until waiting; do\n"
                "    i=$((i + 1)); if [ $i -gt 3000 ]; then echo no-overlap >> " + log + "; break; fi; sleep 0.01\n"
                "  done\n"
                "fi\n";
    text += "exec '" + test::real_toolchain().executable().string() + "' \"$@\"\n";
    write_file_atomically(script, text);
    fs::permissions(script, fs::perms::owner_all);
    return script;
}

// How often the logging toolchain ran a subcommand since the log was last cleared.
long invocations(const fs::path& dir, const std::string& subcommand) {
    if (!fs::exists(dir / "zokrates.log")) return 0;
    const std::string log = read_file(dir / "zokrates.log");
    std::stringstream lines(log);
    long count = 0;
    for (std::string line; std::getline(lines, line);) count += line == subcommand;
    return count;
}

const std::string kSmallModel = test::example_model("mnist-784-16-10.json").string();

}  // namespace

TEST_CASE("every subcommand has --help, which exits 0 and shows its usage", "[cli]") {
    for (const std::string name : {"inspect", "quantize", "commit", "generate", "compile", "setup", "prove", "verify",
                                   "export-verifier", "calldata", "run", "build"}) {
        const Result r = zokml_cli({name, "--help"});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("usage: zokml " + name));
        CHECK_THAT(r.out, Catch::Contains("--json"));
        CHECK_THAT(zokml_cli({"--help"}).out, Catch::Contains("  " + name + " "));
    }
}

TEST_CASE("bad arguments are usage errors: exit code 2 and the usage line", "[cli]") {
    const std::vector<std::vector<std::string>> bad = {
        {},
        {"frobnicate"},
        {"inspect", "--model"},
        {"inspect", "--modle", "m.json"},
        {"inspect", "--model", "a.json", "--model", "b.json"},
        {"inspect", "--model", kSmallModel, "--weight-bits", "ten"},
        {"inspect", "--model", kSmallModel, "--weight-bits", "99"},
        {"inspect", "--model", kSmallModel, "extra"},
        {"inspect"},
        {"generate", "--model", kSmallModel},
        {"generate", "--model", kSmallModel, "--dir", "x", "--variant", "public"},
        {"generate", "--model", kSmallModel, "--dir", "x", "--variant", "private-model", "--expose-logits"},
        {"run", "--model", kSmallModel, "--input", "in.json", "--digit", "3"},
        {"setup", "--scheme", "marlin"},
        {"build", "a.json", "b.json"},
        {"build", "--check", "--no-compile"},
        {"verify", "--json=yes"},
    };
    for (const auto& arguments : bad) {
        const Result r = zokml_cli(arguments);
        INFO(fmt::format("zokml {}", fmt::join(arguments, " ")));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("zokml"));
        if (arguments.size() > 1) CHECK_THAT(r.err, Catch::Contains("usage: zokml " + arguments[0]));
    }
}

TEST_CASE("with --json every usage error is one JSON object on stdout, numbers as numbers", "[cli]") {
    for (const std::vector<std::string>& arguments : std::vector<std::vector<std::string>>{
             {"frobnicate", "--json"}, {"--json", "frobnicate"}, {"inspect", "--json", "--modle", "m.json"}}) {
        const Result r = zokml_cli(arguments);
        INFO(fmt::format("zokml {}", fmt::join(arguments, " ")));
        CHECK(r.exit_code == 2);
        const auto error = r.parsed().at("error");
        CHECK(error.at("exit_code") == 2);
        CHECK(error.at("kind") == "usage");
    }
}

TEST_CASE("the shipped manifest's committed circuits are what their models generate (the README's CI check)", "[cli]") {
    const Result r = zokml_cli({"build", (fs::path(ZOKML_EXAMPLES_DIR) / "zokml.json").string(), "--check", "--json"});
    INFO(r.out + r.err);
    CHECK(r.exit_code == 0);  // when a template changes: run `build/zokml build examples/zokml.json` and commit
    CHECK(r.parsed().at("circuits").size() == 1);
}

TEST_CASE("zokml cache lists the cache as JSON and prunes it; bad limits are usage errors", "[cli]") {
    const test::TempDir dir;
    const std::string cache = (dir / "cache").string();
    const fs::path folder = dir / "tiny";
    REQUIRE(zokml_cli({"generate", "--model", tiny_model(dir / "tiny.json").string(), "--dir", folder.string()}).exit_code == 0);
    const Result compiled = zokml_cli({"compile", "--dir", folder.string(), "--cache-dir", cache});
    REQUIRE(compiled.exit_code == 0);
    CHECK_THAT(compiled.out, Catch::Contains("[" + folder.string() + "]"));  // the step names its folder
    Result r = zokml_cli({"cache", "list", "--cache-dir", cache, "--json"});
    REQUIRE(r.exit_code == 0);
    const auto listed = r.parsed();
    REQUIRE(listed.at("entries").size() == 1);
    CHECK(listed.at("entries")[0].at("kind") == "program");
    CHECK(listed.at("entries")[0].at("bytes").is_number());
    CHECK(listed.at("bytes") == listed.at("entries")[0].at("bytes"));
    r = zokml_cli({"cache", "prune", "--older-than", "1d", "--cache-dir", cache, "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed().at("removed") == 0);  // used a moment ago
    r = zokml_cli({"cache", "prune", "--max-size", "0", "--cache-dir", cache, "--json"});
    CHECK(r.parsed().at("removed") == 1);
    CHECK(zokml_cli({"cache", "list", "--cache-dir", cache, "--json"}).parsed().at("entries").empty());
    // The folder still compiles: from its sources, into the cache again.
    CHECK(zokml_cli({"compile", "--dir", folder.string(), "--cache-dir", cache}).exit_code == 0);
    for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
             {"cache"}, {"cache", "clear"}, {"cache", "prune"}, {"cache", "prune", "--older-than", "soon"},
             {"cache", "prune", "--max-size", "2T"}, {"cache", "list", "--max-size", "1G"}}) {
        INFO(fmt::format("zokml {}", fmt::join(bad, " ")));
        CHECK(zokml_cli(bad).exit_code == 2);
    }
}

TEST_CASE("malformed files and bad private inputs exit with code 3, naming the file", "[cli]") {
    const test::TempDir dir;
    write_file_atomically(dir / "broken.json", R"({"format": "zokml-model", "version": 1, "name": )");
    Result r = zokml_cli({"inspect", "--model", (dir / "broken.json").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("broken.json"));

    CHECK(zokml_cli({"compile", "--dir", dir.path().string()}).exit_code == 3);  // no circuit folder
    CHECK(zokml_cli({"verify", "--dir", dir.path().string()}).exit_code == 3);   // no proof, no key

    const fs::path folder = dir / "tiny";
    REQUIRE(zokml_cli({"generate", "--model", tiny_model(dir / "tiny.json").string(), "--dir", folder.string()}).exit_code == 0);
    write_file_atomically(dir / "short.json", "[1, 2]");
    r = zokml_cli({"prove", "--dir", folder.string(), "--input", (dir / "short.json").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("short.json: input: expected 3 values, got 2"));
    r = zokml_cli({"prove", "--dir", folder.string(), "--input", "-"}, "[1, 2, 256]");
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("<stdin>: input[2]: 256 is outside [0, 255]"));
    CHECK(zokml_cli({"prove", "--dir", folder.string(), "--input", "-"}, "[1, 2,").exit_code == 3);
    CHECK(zokml_cli({"prove", "--dir", folder.string(), "--digit", "0"}).exit_code == 3);  // not an MNIST model
}

TEST_CASE("with --json an error is a JSON object naming its kind", "[cli]") {
    const Result r = zokml_cli({"inspect", "--model", "/no/such/model.json", "--json"});
    CHECK(r.exit_code == 3);
    CHECK(r.parsed()["error"]["kind"] == "input");
    CHECK(r.parsed()["error"]["exit_code"] == 3);
    CHECK(zokml_cli({"inspect", "--json", "--bogus"}).parsed()["error"]["kind"] == "usage");
}

TEST_CASE("with --json every message survives bytes that are not UTF-8: they become U+FFFD", "[cli]") {
    const test::TempDir dir;
    const std::string bad = "\xff\xfe";
    // A file name, an argument and a CSV value, each in the message of a refusal.
    write_file_atomically(dir / ("batch" + bad + ".csv"), "1,2," + bad + "\n");
    const fs::path folder = dir / "tiny";
    REQUIRE(zokml_cli({"generate", "--model", tiny_model(dir / "tiny.json").string(), "--dir", folder.string()}).exit_code == 0);
    for (const std::vector<std::string>& arguments : std::vector<std::vector<std::string>>{
             {"inspect", "--model", (dir / ("model" + bad + ".json")).string(), "--json"},
             {"inspect", "--model", (dir / "tiny.json").string(), "--bogus" + bad, "--json"},
             {"prove", "--dir", folder.string(), "--input", (dir / ("batch" + bad + ".csv")).string(), "--json"}}) {
        const Result r = zokml_cli(arguments);  // aborted (SIGABRT): nlohmann's dump throws on such bytes
        INFO(r.err);
        CHECK((r.exit_code == 2 || r.exit_code == 3));
        const json error = r.parsed().at("error");
        CHECK(error.at("exit_code") == r.exit_code);
        CHECK_THAT(error.at("message").get<std::string>(), Catch::Contains("\xef\xbf\xbd"));  // U+FFFD
    }
}

TEST_CASE("a private input or batch file nested 100,000 levels deep is refused with exit code 3", "[cli]") {
    const test::TempDir dir;
    const fs::path folder = dir / "tiny";
    REQUIRE(zokml_cli({"generate", "--model", tiny_model(dir / "tiny.json").string(), "--dir", folder.string()}).exit_code == 0);
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    write_file_atomically(dir / "input.json", deep);
    write_file_atomically(dir / "batch.json", R"({"format": "zokml-batch", "version": 1, "inputs": )" + deep + "}");
    for (const auto& [arguments, stdin_data] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"prove", "--dir", folder.string(), "--input", (dir / "input.json").string()}, ""},
             {{"prove", "--dir", folder.string(), "--input", "-"}, deep},
             {{"prove", "--dir", folder.string(), "--inputs", (dir / "batch.json").string()}, ""}}) {
        const Result r = zokml_cli(arguments, stdin_data);  // was a stack overflow (SIGSEGV)
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("more than 64 levels deep"));
    }
}

TEST_CASE("an endless stdin is refused after 64 MiB, naming stdin", "[cli]") {
    const test::TempDir dir;
    const fs::path folder = dir / "tiny";
    REQUIRE(zokml_cli({"generate", "--model", tiny_model(dir / "tiny.json").string(), "--dir", folder.string()}).exit_code == 0);
    const auto r = detail::run_process("/bin/sh", {"-c", fmt::format("yes | '{}' prove --dir '{}' --input -", ZOKML_CLI, folder.string())},
                                       dir.path(), "", std::chrono::minutes(1));
    REQUIRE_FALSE(r.timed_out);  // read until the timeout
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("<stdin>") && Catch::Contains("more than 64 MiB"));
}

TEST_CASE("cache prune limits beyond what a clock or a disk holds remove nothing", "[cli]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    store.get(sha256_hex("an entry"), [](const fs::path& d) {
        write_file_atomically(d / "artifact.txt", "kept");
        return json::object();
    });
    // 106752 days is 2^63 ns: the age limit wrapped around; 2^34 G is 2^64 bytes: the size limit wrapped to 0.
    for (const std::vector<std::string>& limit :
         std::vector<std::vector<std::string>>{{"--older-than", "106752d"}, {"--older-than", "999999999"}, {"--max-size", "17179869184G"},
                                               {"--max-size", "999999999999G"}}) {
        INFO(limit[0] << " " << limit[1]);
        const Result r = zokml_cli({"cache", "prune", limit[0], limit[1], "--cache-dir", (dir / "cache").string(), "--json"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.parsed().at("removed") == 0);
        CHECK(r.parsed().at("kept") == 1);
    }
}

TEST_CASE("a circuit folder naming an existing file is refused with exit code 3, from a manifest or --dir", "[cli]") {
    const test::TempDir dir;
    tiny_model(dir / "tiny.json");
    write_file_atomically(dir / "taken", "a file");
    write_file_atomically(dir / "zokml.json", R"({"circuits": [{"name": "a", "model": "tiny.json", "output": "taken"}]})");
    Result r = zokml_cli({"build", (dir / "zokml.json").string(), "--no-compile"});
    CHECK(r.exit_code == 3);  // was 5: the file system's "Not a directory"
    CHECK_THAT(r.err, Catch::Contains("taken") && Catch::Contains("existing file"));
    r = zokml_cli({"generate", "--model", (dir / "tiny.json").string(), "--dir", (dir / "taken").string()});
    CHECK(r.exit_code == 3);
    CHECK(read_file(dir / "taken") == "a file");
}

TEST_CASE("inspect reports the parameter count and the bit widths of each layer", "[cli]") {
    const Result r = zokml_cli({"inspect", "--model", kSmallModel, "--json"});
    REQUIRE(r.exit_code == 0);
    const json j = r.parsed();
    const QuantizedModel model = quantize(load_model(kSmallModel));
    CHECK(j["parameters"] == 784 * 16 + 16 + 16 * 10 + 10);
    CHECK(j["fingerprint"] == model.fingerprint());
    REQUIRE(j["layers"].size() == 4);
    CHECK(j["layers"][0]["kind"] == "dense");
    CHECK(j["layers"][0]["weight_bits"] == 10);
    CHECK(j["layers"][0]["weight_shift"] == model.layers[0].dense.weight_shift);
    const Interval values{j["layers"][0]["values"][0], j["layers"][0]["values"][1]};
    CHECK(j["layers"][0]["sign_test_bits"] == sign_test_bits(values));
    CHECK_THAT(zokml_cli({"inspect", "--model", kSmallModel}).out, Catch::Contains("parameters   12730"));
}

TEST_CASE("every --model takes an ONNX file as well as zokml JSON", "[cli]") {
    const std::string onnx = test::example_model("mnist-mlp.onnx").string();
    const Result inspected = zokml_cli({"inspect", "--model", onnx, "--json"});
    INFO(inspected.err);
    REQUIRE(inspected.exit_code == 0);
    CHECK(inspected.parsed()["fingerprint"] == quantize(load_onnx(onnx)).fingerprint());
    const test::TempDir dir;
    const Result committed = zokml_cli({"commit", "--model", onnx, "--salt", (dir / "owner.salt").string()});
    CHECK(committed.exit_code == 0);
    CHECK(committed.out.starts_with(commit_model(quantize(load_onnx(onnx)), read_salt_file(dir / "owner.salt")).to_decimal() + "\n"));
}

TEST_CASE("quantize reports the fidelity on the held-out digits", "[cli]") {
    const Result r = zokml_cli({"quantize", "--model", kSmallModel, "--json"});
    REQUIRE(r.exit_code == 0);
    const json fidelity = r.parsed()["fidelity"];
    CHECK(fidelity["inputs"] == 1996);
    CHECK(fidelity["quantized_accuracy"].get<double>() > 0.9);
    CHECK(fidelity["agreement"].get<double>() > 0.99);
    CHECK(r.parsed()["layers"].size() == 4);
}

TEST_CASE("commit draws the owner's salt into a 0600 file once and prints the salted commitment", "[cli]") {
    const test::TempDir dir;
    const std::string salt_file = (dir / "owner.salt").string();
    const Result r = zokml_cli({"commit", "--model", kSmallModel, "--salt", salt_file, "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const FieldElement salt = read_salt_file(salt_file);
    CHECK(r.parsed()["commitment"] == commit_model(quantize(load_model(kSmallModel)), salt).to_decimal());
    CHECK(r.parsed()["salt_created"] == true);
    CHECK((fs::status(salt_file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    CHECK(r.out.find(salt.to_decimal()) == std::string::npos);  // the salt is never printed
    // Again with the same file: the same commitment; with another salt file: another one.
    const Result again = zokml_cli({"commit", "--model", kSmallModel, "--salt", salt_file, "--json"});
    CHECK(again.parsed()["commitment"] == r.parsed()["commitment"]);
    CHECK(again.parsed()["salt_created"] == false);
    const Result other = zokml_cli({"commit", "--model", kSmallModel, "--salt", (dir / "other.salt").string(), "--json"});
    CHECK(other.parsed()["commitment"] != r.parsed()["commitment"]);
    // No salt file named: a usage error; a malformed one: bad input naming the file, not quoting it.
    CHECK(zokml_cli({"commit", "--model", kSmallModel}).exit_code == 2);
    write_file_atomically(dir / "bad.salt", "{\"format\": \"zokml-salt\", \"version\": 1, \"salt\": \"98765x\"}");
    const Result bad = zokml_cli({"commit", "--model", kSmallModel, "--salt", (dir / "bad.salt").string()});
    CHECK(bad.exit_code == 3);
    CHECK_THAT(bad.err, Catch::Contains("bad.salt") && Catch::Contains("salt") && !Catch::Contains("98765"));
}

TEST_CASE("build --check exits 1 while a committed circuit is stale, 0 once rebuilt", "[cli]") {
    const test::TempDir dir;
    tiny_model(dir / "a.json");
    tiny_model(dir / "b.json");
    write_file_atomically(dir / "zokml.json", json{{"circuits",
                                                           {{{"name", "a"}, {"model", "a.json"}, {"output", "out/a"}},
                                                            {{"name", "b"}, {"model", "b.json"}, {"output", "out/b"}}}}}
                                                          .dump());
    const std::string manifest = (dir / "zokml.json").string();
    CHECK(zokml_cli({"build", manifest, "--check"}).exit_code == 1);  // nothing generated yet
    REQUIRE(zokml_cli({"build", manifest, "--no-compile"}).exit_code == 0);
    CHECK(zokml_cli({"build", manifest, "--check"}).exit_code == 0);
    tiny_model(dir / "b.json", -1.5);
    const Result stale = zokml_cli({"build", manifest, "--check", "--json"});
    CHECK(stale.exit_code == 1);
    CHECK(stale.parsed()["circuits"][0]["up_to_date"] == true);
    CHECK(stale.parsed()["circuits"][1]["up_to_date"] == false);
    CHECK_THAT(zokml_cli({"build", manifest, "--check"}).out, Catch::Contains("stale (model changed"));
    REQUIRE(zokml_cli({"build", manifest, "--no-compile"}).exit_code == 0);
    CHECK(zokml_cli({"build", manifest, "--check"}).exit_code == 0);
}

TEST_CASE("build reads a manifest named without a folder from the working folder", "[cli]") {
    // As the CI job of docs/ci.md runs it: `zokml build zokml.json --check` in the repository's root.
    const test::TempDir dir;
    tiny_model(dir / "a.json");
    write_file_atomically(dir / "zokml.json",
                          json{{"circuits", {{{"name", "a"}, {"model", "a.json"}, {"output", "out/a"}}}}}.dump());
    const auto build_in_dir = [&](const std::vector<std::string>& arguments) {
        const auto r = detail::run_process(ZOKML_CLI, arguments, dir.path(), "", std::chrono::minutes(1));
        INFO("zokml printed:\n" << r.out << r.err);
        return r.exit_code;
    };
    CHECK(build_in_dir({"build", "zokml.json", "--check"}) == 1);  // nothing generated yet
    CHECK(build_in_dir({"build", "zokml.json", "--no-compile"}) == 0);
    CHECK(fs::exists(dir / "out" / "a" / "zokml.lock.json"));
    CHECK(build_in_dir({"build", "--check"}) == 0);  // the default manifest, zokml.json
}

TEST_CASE("build counts one circuit in the singular and more in the plural", "[cli]") {
    const test::TempDir dir;
    tiny_model(dir / "a.json");
    const auto manifest_of = [&](const std::vector<std::string>& names) {
        json circuits = json::array();
        for (const auto& name : names) circuits.push_back({{"name", name}, {"model", "a.json"}, {"output", "out/" + name}});
        write_file_atomically(dir / "zokml.json", json{{"circuits", circuits}}.dump());
        return (dir / "zokml.json").string();
    };
    CHECK_THAT(zokml_cli({"build", manifest_of({"a"}), "--no-compile"}).out, Catch::Contains("\n1 circuit: 1 regenerated, 0 up to date"));
    CHECK_THAT(zokml_cli({"build", manifest_of({"a"}), "--check"}).out, Catch::Contains("\n1 circuit: 0 stale, 1 up to date"));
    CHECK_THAT(zokml_cli({"build", manifest_of({"a", "b"}), "--check"}).out, Catch::Contains("\n2 circuits: 1 stale, 1 up to date"));
}

TEST_CASE("zokml run proves a held-out digit with the small model; verify passes, and fails with exit 1 on a tampered proof",
          "[cli][slow]") {
    const test::TempDir dir;
    const std::string folder = (dir / "small").string();
    const Result run = zokml_cli({"run", "--model", kSmallModel, "--digit", "0", "--dir", folder, "--cache-dir",
                                  (dir / "cache").string()});
    REQUIRE(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("verify") && Catch::Contains("(PASSED)") && Catch::Contains("cache built"));

    const Result verified = zokml_cli({"verify", "--dir", folder, "--json"});
    CHECK(verified.exit_code == 0);
    CHECK(verified.parsed()["verified"] == true);
    CHECK(verified.parsed()["public"]["class"] == 0);  // held-out digit 0 is a 0
    CHECK(verified.parsed()["setup"] == "native, g16 keys made by zokml setup: single party, whoever ran it could forge proofs");
    CHECK(verified.parsed()["backend"] == "native");

    json proof = json::parse(read_file(fs::path(folder) / "proof.json"));
    proof["inputs"][0] = "0x0000000000000000000000000000000000000000000000000000000000000007";  // claim class 7
    write_file_atomically(dir / "tampered.json", proof.dump());
    const Result tampered = zokml_cli({"verify", "--dir", folder, "--proof", (dir / "tampered.json").string()});
    CHECK(tampered.exit_code == 1);
    CHECK_THAT(tampered.out, Catch::Contains("FAILED"));

    CHECK(zokml_cli({"export-verifier", "--dir", folder}).exit_code == 0);
    CHECK_THAT(read_file(fs::path(folder) / "verifier.sol"), Catch::Contains("contract Verifier"));
}

TEST_CASE("a second run on an unchanged model takes the program and keys from the cache: no compile, no setup",
          "[cli][slow]") {
    const test::TempDir dir;
    const std::string model = tiny_model(dir / "tiny.json").string();
    // zokrates-js' keys: the logging toolchain counts its setups and proofs
    const std::vector<std::string> common = {"--model", model, "--input", "-", "--cache-dir", (dir / "cache").string(),
                                             "--zokrates", logging_toolchain(dir.path()).string(), "--json", "--backend", "zokrates"};
    const auto run_in = [&](const std::string& folder) {
        std::vector<std::string> arguments = {"run", "--dir", (dir / folder).string()};
        arguments.insert(arguments.end(), common.begin(), common.end());
        const Result r = zokml_cli(arguments, "[255, 128, 0]");  // the private input, on stdin
        REQUIRE(r.exit_code == 0);
        return r.parsed();
    };
    const json first = run_in("first");
    CHECK(first["steps"]["compile"]["cache"] == "built");
    CHECK(first["steps"]["setup"]["cache"] == "built");
    CHECK(invocations(dir.path(), "compile") == 1);
    CHECK(invocations(dir.path(), "setup") == 1);

    const json second = run_in("second");  // a fresh folder: only the cache is shared
    CHECK(second["steps"]["compile"]["cache"] == "hit");
    CHECK(second["steps"]["setup"]["cache"] == "hit");
    CHECK(invocations(dir.path(), "compile") == 1);  // the toolchain was not asked again
    CHECK(invocations(dir.path(), "setup") == 1);
    CHECK(invocations(dir.path(), "generate-proof") == 2);
    CHECK(second["public"]["class"] == 1);
    CHECK(second["verified"] == true);
    CHECK(read_file(dir / "first" / "keys" / "verification.key") ==
          read_file(dir / "second" / "keys" / "verification.key"));
}

TEST_CASE("a changed weight triggers exactly one rebuild in zokml build", "[cli][slow]") {
    const test::TempDir dir;
    tiny_model(dir / "a.json", -2.0);
    tiny_model(dir / "b.json", -1.0);
    write_file_atomically(dir / "zokml.json", json{{"circuits",
                                                           {{{"name", "a"}, {"model", "a.json"}, {"output", "out/a"}},
                                                            {{"name", "b"}, {"model", "b.json"}, {"output", "out/b"}}}}}
                                                          .dump());
    const std::vector<std::string> build = {"build", (dir / "zokml.json").string(), "--json", "--cache-dir",
                                            (dir / "cache").string(), "--zokrates", logging_toolchain(dir.path()).string()};
    const Result first = zokml_cli(build);
    REQUIRE(first.exit_code == 0);
    CHECK(first.parsed()["circuits"][0]["cache"] == "built");
    CHECK(first.parsed()["circuits"][1]["cache"] == "built");
    CHECK(invocations(dir.path(), "compile") == 2);

    tiny_model(dir / "b.json", -1.5);
    const Result second = zokml_cli(build);
    REQUIRE(second.exit_code == 0);
    const json circuits = second.parsed()["circuits"];
    CHECK(circuits[0]["up_to_date"] == true);
    CHECK_FALSE(circuits[0].contains("cache"));
    CHECK(circuits[1]["up_to_date"] == false);
    CHECK(circuits[1]["cache"] == "built");
    CHECK(invocations(dir.path(), "compile") == 3);  // exactly one more

    const Result third = zokml_cli(build);
    CHECK(third.parsed()["circuits"][1]["up_to_date"] == true);
    CHECK(invocations(dir.path(), "compile") == 3);
}

TEST_CASE("a corrupted cache entry is rebuilt by the next run, never used", "[cli][slow]") {
    const test::TempDir dir;
    const std::vector<std::string> run = {"run", "--model", tiny_model(dir / "tiny.json").string(), "--input", "-",
                                          "--dir", (dir / "w").string(), "--cache-dir", (dir / "cache").string(), "--json"};
    const json first = zokml_cli(run, "[0, 0, 255]").parsed();
    // Truncate the cached proving key (the folder's copy is a hard link to it: remove that first).
    const fs::path entry = fs::path(first["steps"]["compile"]["program"].get<std::string>()).parent_path().parent_path() /
                           first["steps"]["setup"]["key"].get<std::string>();
    fs::remove(dir / "w" / "keys" / "proving.key");
    fs::resize_file(entry / "proving.key", 100);

    const Result second = zokml_cli(run, "[0, 0, 255]");
    REQUIRE(second.exit_code == 0);
    CHECK(second.parsed()["steps"]["compile"]["cache"] == "hit");
    CHECK(second.parsed()["steps"]["setup"]["cache"] == "rebuilt");
    CHECK(second.parsed()["verified"] == true);
}

TEST_CASE("two zokml processes running the same circuit at once both succeed, and it is compiled and set up once",
          "[cli][slow]") {
    const test::TempDir dir;
    const std::string model = tiny_model(dir / "tiny.json").string();
    const std::string toolchain = logging_toolchain(dir.path(), dir / "cache").string();
    std::vector<Result> results(2);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&, i] {
            const auto r = detail::run_process(ZOKML_CLI,
                                               {"run", "--model", model, "--input", "-", "--dir", (dir / std::to_string(i)).string(),
                                                "--cache-dir", (dir / "cache").string(), "--zokrates", toolchain, "--json",
                                                "--backend", "zokrates"},  // the logging toolchain counts its setups
                                               dir.path(), "[10, 20, 30]", std::chrono::minutes(2));
            results[i] = {r.exit_code, r.out, r.err};
        });
    for (auto& t : threads) t.join();
    std::multiset<std::string> outcomes;
    for (const auto& r : results) {
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        outcomes.insert(r.parsed()["steps"]["compile"]["cache"].get<std::string>());
        CHECK(r.parsed()["verified"] == true);
    }
    CHECK(outcomes == std::multiset<std::string>{"built", "hit"});
    CHECK(invocations(dir.path(), "no-overlap") == 0);  // the second run waited for the first's lock
    CHECK(invocations(dir.path(), "compile") == 1);
    CHECK(invocations(dir.path(), "setup") == 1);
}

TEST_CASE("zokml run proves a private model's correct count on the public batch and reveals only its commitment",
          "[cli][slow]") {
    const test::TempDir dir;
    const std::string model_file = tiny_model(dir / "tiny.json").string();
    write_file_atomically(dir / "batch.csv", "0,0.9,0.1,0.5\n1,0.1,0.9,0.2\n0,0.5,0.5,0.5\n1,0.0,0.3,1.0\n");

    const std::string folder = (dir / "pm").string(), salt = (dir / "owner.salt").string();
    const Result published = zokml_cli({"commit", "--model", model_file, "--salt", salt, "--json"});
    REQUIRE(published.exit_code == 0);
    const Result run = zokml_cli({"run", "--variant", "private-model", "--batch", (dir / "batch.csv").string(), "--group-size",
                                  "2", "--model", model_file, "--salt", salt, "--dir", folder, "--cache-dir", (dir / "cache").string(),
                                  "--json"});
    REQUIRE(run.exit_code == 0);
    const json revealed = run.parsed()["public"];
    CHECK(revealed["commitment"] == published.parsed()["commitment"]);
    CHECK(revealed["commitment"] == commit_model(quantize(load_model(model_file)), read_salt_file(salt)).to_decimal());
    CHECK(revealed["threshold"] == revealed["correct"]);  // the default threshold: the true count
    CHECK(run.parsed()["verified"] == true);
    CHECK(zokml_cli({"verify", "--dir", folder, "--json"}).parsed()["public"] == revealed);

    const std::int64_t correct = revealed["correct"];
    const Result too_high = zokml_cli({"prove", "--dir", folder, "--salt", salt, "--threshold", std::to_string(correct + 1),
                                       "--cache-dir", (dir / "cache").string()});
    CHECK(too_high.exit_code == 3);
    CHECK_THAT(too_high.err, Catch::Contains("no proof of at least " + std::to_string(correct + 1) + " exists"));
    const Result digit = zokml_cli({"prove", "--dir", folder, "--salt", salt, "--digit", "0"});  // no private input here
    CHECK(digit.exit_code == 3);
    CHECK_THAT(digit.err, Catch::Contains("not an input of private-model circuits"));
    // Without the salt, or with a salt file that is not there, no proof: bad input, naming what is missing.
    const Result unsalted = zokml_cli({"prove", "--dir", folder});
    CHECK(unsalted.exit_code == 3);
    CHECK_THAT(unsalted.err, Catch::Contains("salt") && Catch::Contains("zokml commit --salt"));
    const Result missing = zokml_cli({"prove", "--dir", folder, "--salt", (dir / "none.salt").string()});
    CHECK(missing.exit_code == 3);
    CHECK_THAT(missing.err, Catch::Contains("none.salt"));
}

TEST_CASE("zokml run proves a committed private model's class of a private input (both private)", "[cli][slow]") {
    const test::TempDir dir;
    const std::string model_file = tiny_model(dir / "tiny.json").string();
    const std::string folder = (dir / "bp").string(), salt = (dir / "owner.salt").string();
    REQUIRE(zokml_cli({"commit", "--model", model_file, "--salt", salt}).exit_code == 0);
    const Result run = zokml_cli({"run", "--variant", "both-private", "--model", model_file, "--salt", salt, "--input", "-", "--dir",
                                  folder, "--cache-dir", (dir / "cache").string(), "--json"},
                                 "[200, 10, 30]");
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
    const QuantizedModel quantized = quantize(load_model(model_file));
    const json revealed = run.parsed()["public"];
    CHECK(revealed["commitment"] == commit_model(quantized, read_salt_file(salt)).to_decimal());
    CHECK(revealed["class"] == run_reference(quantized, {200, 10, 30}).predicted_class);
    CHECK(run.parsed()["verified"] == true);
    CHECK(zokml_cli({"verify", "--dir", folder, "--json"}).parsed()["public"] == revealed);
    CHECK(zokml_cli({"prove", "--dir", folder, "--salt", salt, "--threshold", "1"}).exit_code == 3);  // a private-model input
}

TEST_CASE("zokml run --hash-input makes the private input's hash public", "[cli][slow]") {
    const test::TempDir dir;
    const std::string model = tiny_model(dir / "tiny.json").string();
    const std::string folder = (dir / "hashed").string();
    const Result run = zokml_cli({"run", "--hash-input", "--model", model, "--input", "-", "--dir", folder, "--cache-dir",
                                  (dir / "cache").string(), "--json"},
                                 "[10, 20, 30]");
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.parsed()["public"]["input_hash"] == hash_input(quantize(load_model(model)), {10, 20, 30}).to_decimal());
    CHECK(run.parsed()["verified"] == true);
    CHECK(read_lock(folder).spec.settings.private_input.hash_input);
    CHECK(zokml_cli({"generate", "--model", model, "--dir", folder, "--group-size", "2"}).exit_code == 2);  // not its option
}

namespace {

// A model owner's tiny private model (784-2-2-10), trained here.
void save_owner_model(const std::filesystem::path& file) {
    TrainingOptions training;
    training.hidden_sizes = {2, 2};
    training.epochs = 1;
    save_model(train_mlp(split_mnist(load_mnist()).train, training), file);
}

}  // namespace

TEST_CASE("split proving from the command line: the owner publishes a layout, the verifier sets up, the owner proves, anyone verifies",
          "[cli][split][slow]") {
    const test::TempDir dir;
    save_owner_model(dir / "owner.json");
    const std::string model = (dir / "owner.json").string(), layout = (dir / "layout.json").string();
    const std::string folder = (dir / "split").string(), cache = (dir / "cache").string(), salt = (dir / "owner.salt").string();

    const auto published = zokml_cli({"commit", "--model", model, "--weight-bits", "8", "--split", "--neurons-per-part", "2",
                                      "--layout", layout, "--salt", salt, "--json"});
    REQUIRE(published.exit_code == 0);
    // The public batch from a CSV file (a header, then a label and 784 floats a line): four digits.
    std::string csv = "label,pixels\n";
    const auto digits = spread_digits(held_out_digits(), 4);
    for (const auto& digit : digits) {
        csv += std::to_string(digit.label);
        for (const double v : digit.as_floats()) csv += fmt::format(",{}", v);
        csv += "\n";
    }
    write_file_atomically(dir / "batch.csv", csv);
    write_file_atomically(dir / "outside.csv", csv.substr(0, csv.size() - 2) + "1.5\n");  // the last pixel beyond 0..1
    const auto outside = zokml_cli({"split-setup", "--layout", layout, "--dir", folder, "--batch", (dir / "outside.csv").string()});
    CHECK(outside.exit_code == 3);
    CHECK_THAT(outside.err, Catch::Contains("outside.csv") && Catch::Contains("inputs[3][783]") && Catch::Contains("input range"));
    CHECK_FALSE(std::filesystem::exists(folder));
    REQUIRE(zokml_cli({"split-setup", "--layout", layout, "--dir", folder, "--batch", (dir / "batch.csv").string(),
                       "--inputs-per-slice", "4", "--cache-dir", cache})
                .exit_code == 0);
    CHECK(labeled_batch_from_json(json::parse(read_file(std::filesystem::path(folder) / "batch.json")), "").labels ==
          std::vector<int>{digits[0].label, digits[1].label, digits[2].label, digits[3].label});
    const auto proved =
        zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", salt, "--dir", folder, "--jobs", "2", "--json"});
    INFO(proved.out << proved.err);
    REQUIRE(proved.exit_code == 0);
    CHECK(proved.parsed()["public"]["commitment"] == published.parsed()["commitment"]);
    CHECK_THAT(proved.err, Catch::Contains("aggregate"));  // progress names the sub-proofs

    const std::string bundle = (std::filesystem::path(folder) / "bundle.json").string();
    const auto verified = zokml_cli({"verify", "--dir", folder, "--bundle", bundle});
    CHECK(verified.exit_code == 0);
    CHECK_THAT(verified.out, Catch::Contains("PASSED"));

    // A bundle with one sub-proof's public input changed fails, naming it.
    json tampered = json::parse(read_file(bundle));
    auto& input = tampered["proofs"][0]["proof"]["inputs"][0];
    input = input.get<std::string>().back() == '1' ? input.get<std::string>().substr(0, 65) + "2" : input.get<std::string>().substr(0, 65) + "1";
    write_file_atomically(dir / "tampered.json", tampered.dump());
    const auto rejected = zokml_cli({"verify", "--dir", folder, "--bundle", (dir / "tampered.json").string()});
    CHECK(rejected.exit_code == 1);
    CHECK_THAT(rejected.out, Catch::Contains("part 0") && Catch::Contains("does not verify"));
    // Sub-proofs that are not proofs (a point that is not hex, a number for a proof) are problems of
    // the bundle, each named, not a toolchain failure; the others are still checked.
    tampered["proofs"][1]["proof"]["proof"]["a"][0] = "0xnot-hex";
    tampered["proofs"][2]["proof"] = 5;
    write_file_atomically(dir / "garbage.json", tampered.dump());
    const auto garbage = zokml_cli({"verify", "--dir", folder, "--bundle", (dir / "garbage.json").string()});
    CHECK(garbage.exit_code == 1);
    CHECK_THAT(garbage.out, Catch::Contains("FAILED") && Catch::Contains("part 0: the proof does not verify") &&
                                Catch::Contains("part 1 slice 0 (slice-l1-n2-s4): ") &&
                                Catch::Contains("part 2 slice 0 (slice-l2-n10-s4): proof: not a proof"));

    // The same proof as one command per sub-proof, run by GNU parallel, then gathered.
    const auto plan = zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", salt, "--dir", folder, "--plan"});
    REQUIRE(plan.exit_code == 0);
    // The commands carry neither the salt nor its file: the plan folder (mode 0700) holds the part salts.
    CHECK(plan.out.find(read_salt_file(salt).to_decimal()) == std::string::npos);
    CHECK(plan.out.find("--salt") == std::string::npos);
    const auto commands = std::count(plan.out.begin(), plan.out.end(), '\n');
    CHECK(commands == static_cast<long>(json::parse(read_file(bundle))["proofs"].size()));
    const auto ran = detail::run_process("/usr/bin/parallel", {"-j2", "--halt", "now,fail=1"}, dir.path(), plan.out, std::chrono::minutes(5));
    INFO(ran.out << ran.err);
    REQUIRE(ran.exit_code == 0);
    const std::string plan_dir = plan.err.substr(plan.err.find("--gather '") + 10, plan.err.find("' (the plan") - plan.err.find("--gather '") - 10);
    const auto gathered = zokml_cli({"split-prove", "--dir", folder, "--gather", plan_dir, "--bundle", (dir / "parallel.json").string()});
    REQUIRE(gathered.exit_code == 0);
    CHECK_FALSE(std::filesystem::exists(plan_dir));  // the witness data is gone
    CHECK(zokml_cli({"verify", "--dir", folder, "--bundle", (dir / "parallel.json").string()}).exit_code == 0);

    // The same as a Slurm job array on a cluster of this machine (task K runs line K+1 of the
    // plan, as docs/split-proving.md says); then the sub-proofs lost or failed are named by
    // --gather, and only they are run again.
    if (const auto cluster = test::SlurmCluster::start(dir / "slurm")) {
        const auto slurm_plan = zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", salt, "--dir", folder, "--plan"});
        REQUIRE(slurm_plan.exit_code == 0);
        write_file_atomically(dir / "plan.txt", slurm_plan.out);
        const auto array = [&](const std::string& tasks) {
            return cluster->sbatch({"--array=" + tasks, "--wait", "--output=" + (dir / "slurm" / "task-%a.log").string(),
                                    "--wrap", R"(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" plan.txt | bash)"},
                                   dir.path());
        };
        const auto all = array(fmt::format("0-{}", commands - 1));
        INFO(all.out << all.err);
        REQUIRE(all.exit_code == 0);
        const std::filesystem::path slurm_dir = slurm_plan.err.substr(
            slurm_plan.err.find("--gather '") + 10, slurm_plan.err.find("' (the plan") - slurm_plan.err.find("--gather '") - 10);
        // One proof lost, one replaced by another sub-proof's (a proof, but not of this one).
        std::filesystem::remove(slurm_dir / "proof-1.json");
        std::filesystem::copy_file(slurm_dir / "proof-0.json", slurm_dir / "proof-2.json", std::filesystem::copy_options::overwrite_existing);
        const std::string bundle_file = (dir / "slurm.json").string();
        const auto gaps = zokml_cli({"split-prove", "--dir", folder, "--gather", slurm_dir.string(), "--bundle", bundle_file});
        CHECK(gaps.exit_code == 3);
        CHECK_THAT(gaps.err, Catch::Contains("2 of " + std::to_string(commands) + " sub-proofs are missing or failed") &&
                                 Catch::Contains("proof-1.json") && Catch::Contains("--array=1,2"));
        CHECK_FALSE(std::filesystem::exists(bundle_file));
        CHECK(std::filesystem::exists(slurm_dir / "proof-3.json"));  // the others are kept
        const auto rerun = array("1,2");
        INFO(rerun.out << rerun.err);
        REQUIRE(rerun.exit_code == 0);
        REQUIRE(zokml_cli({"split-prove", "--dir", folder, "--gather", slurm_dir.string(), "--bundle", bundle_file}).exit_code == 0);
        CHECK(zokml_cli({"verify", "--dir", folder, "--bundle", bundle_file}).exit_code == 0);
    } else {
        WARN("no Slurm cluster here (root, slurm-wlm and munge): the plan ran through GNU parallel only");
    }

    // Another model cannot prove with this layout's keys.
    Model other = load_model(model);
    other.layers[0].dense.weights[300] += 0.25;
    save_model(other, dir / "other.json");
    const auto refused =
        zokml_cli({"split-prove", "--model", (dir / "other.json").string(), "--weight-bits", "8", "--salt", salt, "--dir", folder});
    CHECK(refused.exit_code == 3);
    CHECK_THAT(refused.err, Catch::Contains("not the one the folder's layout publishes"));
    // Nor this model with another salt.
    const auto resalted = zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", (dir / "other.salt").string(),
                                     "--dir", folder});
    CHECK(resalted.exit_code == 3);
    CHECK_THAT(resalted.err, Catch::Contains("other.salt"));  // no such file
    REQUIRE(zokml_cli({"commit", "--model", model, "--salt", (dir / "other.salt").string()}).exit_code == 0);
    const auto another = zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", (dir / "other.salt").string(),
                                    "--dir", folder});
    CHECK(another.exit_code == 3);
    CHECK_THAT(another.err, Catch::Contains("another salt"));
}

TEST_CASE("split proofs of a committed model's classes from the command line: public inputs, then private ones",
          "[cli][split][slow]") {
    const test::TempDir dir;
    save_owner_model(dir / "owner.json");
    const std::string model = (dir / "owner.json").string(), layout = (dir / "layout.json").string();
    const std::string cache = (dir / "cache").string(), salt = (dir / "owner.salt").string();
    const auto published = zokml_cli({"commit", "--model", model, "--weight-bits", "8", "--split", "--neurons-per-part", "10",
                                      "--layout", layout, "--salt", salt, "--json"});
    REQUIRE(published.exit_code == 0);
    // Two inputs to classify, as CSV lines of 784 floats (no labels), and two others.
    const auto csv_of = [&](std::size_t first) {
        std::string csv;
        for (std::size_t d = first; d < first + 2; ++d) {
            const auto pixels = held_out_digits()[d].as_floats();
            csv += fmt::format("{}\n", fmt::join(pixels, ","));
        }
        return csv;
    };
    write_file_atomically(dir / "inputs.csv", csv_of(0));
    write_file_atomically(dir / "others.csv", csv_of(2));
    const std::string inputs = (dir / "inputs.csv").string(), others = (dir / "others.csv").string();

    for (const std::string variant : {"inference", "both-private"}) {
        INFO(variant);
        const std::string folder = (dir / variant).string(), bundle = (dir / (variant + ".json")).string();
        CHECK(zokml_cli({"split-setup", "--layout", layout, "--dir", folder, "--variant", variant, "--batch", inputs}).exit_code == 2);
        REQUIRE(zokml_cli({"split-setup", "--layout", layout, "--dir", folder, "--variant", variant, "--batch-size", "2",
                           "--inputs-per-slice", "2", "--cache-dir", cache})
                    .exit_code == 0);
        CHECK_FALSE(std::filesystem::exists(std::filesystem::path(folder) / "batch.json"));
        const auto proved = zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", salt, "--dir", folder,
                                       "--inputs", inputs, "--bundle", bundle, "--json"});
        INFO(proved.out << proved.err);
        REQUIRE(proved.exit_code == 0);
        const auto classes = proved.parsed()["public"]["classes"];
        REQUIRE(classes.size() == 2);
        CHECK(proved.parsed()["public"]["commitment"] == published.parsed()["commitment"]);
        // No inputs, or a threshold: refused before any proof.
        const auto without = zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", salt, "--dir", folder});
        CHECK(without.exit_code == 3);
        CHECK_THAT(without.err, Catch::Contains("--inputs FILE"));
        CHECK(zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", salt, "--dir", folder, "--inputs", inputs,
                         "--threshold", "1"})
                  .exit_code == 2);
        // Three inputs for programs of two: refused before any proof.
        write_file_atomically(dir / "three.csv", csv_of(0) + csv_of(2).substr(0, csv_of(2).find('\n') + 1));
        CHECK(zokml_cli({"split-prove", "--model", model, "--weight-bits", "8", "--salt", salt, "--dir", folder, "--inputs",
                         (dir / "three.csv").string()})
                  .exit_code == 3);

        if (variant == "inference") {
            const auto verified = zokml_cli({"verify", "--dir", folder, "--bundle", bundle, "--inputs", inputs, "--json"});
            CHECK(verified.exit_code == 0);
            CHECK(verified.parsed()["public"]["classes"] == classes);
            // Against other inputs, or without them, it does not pass.
            const auto other = zokml_cli({"verify", "--dir", folder, "--bundle", bundle, "--inputs", others});
            CHECK(other.exit_code == 1);
            CHECK_THAT(other.out, Catch::Contains("inputs of slice 0 differs"));
            CHECK(zokml_cli({"verify", "--dir", folder, "--bundle", bundle}).exit_code == 2);
        } else {
            const auto verified = zokml_cli({"verify", "--dir", folder, "--bundle", bundle, "--json"});
            CHECK(verified.exit_code == 0);
            CHECK(verified.parsed()["public"]["input_commitments"].size() == 1);
            // The bundle shows nothing of the inputs, not even their fingerprint.
            CHECK(read_file(bundle).find(LabeledBatch{split_batch(PublishedLayout::from_json(json::parse(read_file(layout)), layout),
                                                                  std::filesystem::path(inputs), Labels::None)
                                                          .inputs,
                                                      {}}
                                             .fingerprint()) == std::string::npos);
            // Checked against the inference folder: the variant differs.
            CHECK(zokml_cli({"verify", "--dir", (dir / "inference").string(), "--bundle", bundle, "--inputs", inputs}).exit_code == 1);
        }
    }
}
