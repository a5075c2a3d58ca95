// zokml export-web: the site proves a drawn digit in a real browser (headless Chromium driven by
// tools/browser-prove.mjs), and its proof is zokml's; the command refuses what the page cannot prove.
#include <catch2/catch.hpp>

#include <set>

#include "support.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/files.hpp"
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

// What tools/browser-prove.mjs reports: it draws a 3 on the site, proves it, downloads proof.json.
json prove_in_browser(const fs::path& site, const fs::path& proof, const fs::path& dir) {
    const fs::path script = Toolchain::bundled().parent_path() / "browser-prove.mjs";
    const auto result = detail::run_process("/usr/bin/env", {"node", script.string(), "--site", site.string(), "--proof", proof.string()},
                                            dir, "", std::chrono::minutes(5));
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    return json::parse(result.out);
}

}  // namespace

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

TEST_CASE("export-web refuses circuits the page cannot prove: another variant, a claimed class, other than 784 inputs", "[cli]") {
    const test::TempDir dir;
    const std::string tiny = test::tiny_model(dir / "tiny.json").string();
    const auto refusal = [&](const std::string& name, const std::vector<std::string>& generate) {
        const std::string folder = (dir / name).string();
        std::vector<std::string> arguments = {"generate", "--model", tiny, "--dir", folder};
        arguments.insert(arguments.end(), generate.begin(), generate.end());
        REQUIRE(zokml_cli(arguments).exit_code == 0);
        const auto result = zokml_cli({"export-web", folder, (dir / "site").string()});
        CHECK(result.exit_code == 3);
        return result.err;
    };
    CHECK_THAT(refusal("both", {"--variant", "both-private"}), Catch::Contains("is both-private: the page proves private-input circuits"));
    CHECK_THAT(refusal("claim", {"--claimed-class"}), Catch::Contains("options.claimed_class"));
    CHECK_THAT(refusal("tiny", {}), Catch::Contains("takes 3 inputs: the page draws MNIST digits"));
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
}
