// Circuit folders are hostile (a pull request to a repository that CI rebuilds): every path their
// lock file names stays inside the folder after links are resolved, and everything that decides
// what a cache entry holds is part of its key (docs/security.md).
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/split/folder.hpp"

using namespace zokml;
using Catch::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSecret = "SECRET-FIRST-LINE-7f3a";

// A generated (not compiled) private-input folder of the tiny model in dir/folder.
fs::path tiny_folder(const fs::path& dir, const std::string& folder = "folder") {
    CircuitSpec spec;
    spec.name = folder;
    spec.model = test::tiny_model(dir / (folder + ".model.json"));
    spec.output = dir / folder;
    write_generated(spec, generate_circuit(spec));
    return spec.output;
}

void rewrite_lock(const fs::path& folder, const std::function<void(json&)>& change) {
    json lock = read_json_file(lock_file(folder));
    change(lock);
    write_file_atomically(lock_file(folder), lock.dump(2));
}

// A one-constraint program outside the folder, whose first line is a secret.
fs::path hostile_program(const fs::path& dir) {
    const fs::path file = dir / "evil.zok";
    write_file_atomically(file, std::string("// ") + kSecret + "\ndef main(field x) -> field { return x; }\n");
    return file;
}

std::string lock_error_field(const fs::path& folder) {
    try {
        read_lock(folder);
    } catch (const InputError& e) {
        CHECK(e.file() == lock_file(folder));
        CHECK_THAT(e.what(), !Contains(kSecret));
        return e.field();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("a lock file's main file must name a .zok file inside circuit/", "[hostile]") {
    const test::TempDir dir;
    const fs::path folder = tiny_folder(dir.path());
    hostile_program(dir.path());
    for (const std::string& main_file : std::vector<std::string>{"../../evil.zok", (dir.path() / "evil.zok").string(),
                                                                  "a/../../../evil.zok", "./main.zok", "../zokml.lock.json", "main", ""}) {
        INFO(main_file);
        rewrite_lock(folder, [&](json& lock) { lock["main_file"] = main_file; });
        CHECK(lock_error_field(folder) == "main_file");
    }
}

TEST_CASE("a lock naming a program outside circuit/ poisons no cache entry: the honest folder compiles its own",
          "[hostile][store][slow]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    const fs::path honest = tiny_folder(dir.path(), "honest");
    const fs::path hostile = tiny_folder(dir.path(), "hostile");  // the same sources
    hostile_program(dir.path());
    rewrite_lock(hostile, [](json& lock) { lock["main_file"] = "../../evil.zok"; });
    try {
        compile_folder(hostile, test::real_toolchain(), store);
        FAIL("compiled");
    } catch (const InputError& e) {
        CHECK(e.field() == "main_file");
        CHECK_THAT(e.what(), !Contains(kSecret));
    }
    const auto compiled = compile_folder(honest, test::real_toolchain(), store);
    CHECK(compiled.program.constraints > 10);  // the tiny model's circuit, not the one-constraint program
}

TEST_CASE("the compile key covers the main file: the same sources with another main file are another program", "[hostile][store]") {
    Circuit a;
    a.files = {{"main.zok", "def main() {}\n"}, {"other.zok", "def main(field x) -> field { return x; }\n"}};
    Circuit b = a;
    b.main_file = "other.zok";
    CHECK(a.fingerprint() != b.fingerprint());
    CHECK(ArtifactStore::compile_key(a.fingerprint(), "v") != ArtifactStore::compile_key(b.fingerprint(), "v"));
}

TEST_CASE("sources linked out of circuit/ are refused, and so is a circuit/ that is a link", "[hostile]") {
    const test::TempDir dir;
    const fs::path folder = tiny_folder(dir.path());
    const fs::path secret = hostile_program(dir.path());
    fs::create_symlink(secret, sources_folder(folder) / "extra.zok");
    CHECK_THROWS_AS(read_sources(folder), InputError);
    CHECK(sources_fingerprint(folder).empty());
    fs::remove(sources_folder(folder) / "extra.zok");
    CHECK_NOTHROW(read_sources(folder));

    fs::rename(sources_folder(folder), dir / "real-sources");
    fs::create_directory_symlink(dir / "real-sources", sources_folder(folder));
    CHECK_THROWS_AS(read_sources(folder), InputError);
}

TEST_CASE("a main file missing from the sources is refused naming it", "[hostile]") {
    const test::TempDir dir;
    const fs::path folder = tiny_folder(dir.path());
    try {
        read_sources(folder, "absent.zok");
        FAIL("read");
    } catch (const InputError& e) {
        CHECK(e.file() == sources_folder(folder) / "absent.zok");
    }
}

TEST_CASE("a proving key that links out of the folder is refused before proving", "[hostile][slow]") {
    const test::TempDir dir;
    const fs::path folder = dir / "folder";
    const std::string model = test::tiny_model(dir / "tiny.json").string();
    REQUIRE(test::zokml_cli({"generate", "--model", model, "--dir", folder.string()}).exit_code == 0);
    REQUIRE(test::zokml_cli({"setup", "--dir", folder.string()}).exit_code == 0);
    const fs::path key = keys_folder(folder) / "proving.key";
    fs::rename(key, dir / "proving.key");
    fs::create_symlink(dir / "proving.key", key);
    const auto linked = test::zokml_cli({"prove", "--dir", folder.string(), "--input", "-"}, "[1, 2, 3]");
    CHECK(linked.exit_code == 3);
    CHECK_THAT(linked.err, Contains("proving.key") && Contains("link"));
}

TEST_CASE("a split folder's program names are plain names: none climbs out of the folder", "[hostile][split]") {
    const test::TempDir dir;
    SplitOptions options;
    options.variant = SplitVariant::Inference;
    const PublishedLayout layout = publish_layout(load_model(test::tiny_model(dir / "tiny.json")), {}, 1, random_salt());
    for (const std::string name : {"../../evil", "a/b", "..", "", "Part"}) {
        INFO(name);
        const json record = {{"constraints", 1}, {"scheme", "g16"}, {"proving_key_sha256", ""}, {"verification_key_sha256", ""}};
        write_file_atomically(split_file(dir.path()), json{{"format", "zokml-split"},
                                                           {"version", 3},
                                                           {"variant", "inference"},
                                                           {"layout", layout.to_json()},
                                                           {"batch_size", 1},
                                                           {"options", split_options_json(options)},
                                                           {"programs", {{name, record}}}}
                                                          .dump());
        try {
            read_split_folder(dir.path(), true);
            FAIL("read");
        } catch (const InputError& e) {
            CHECK(e.field() == "programs");
        }
    }
}

TEST_CASE("a lock's setup record of an older format is refused naming it, with what to do", "[hostile]") {
    const test::TempDir dir;
    const fs::path folder = tiny_folder(dir.path());
    rewrite_lock(folder, [](json& lock) {
        const json ptau = {{"file", "powers.ptau"}, {"sha256", "00"}, {"single_party", true}};  // no contributions
        lock["keys"] = {{"key", "k"},         {"program_key", "k"}, {"scheme", "g16"}, {"backend", "snarkjs"},
                        {"ceremony", {{"ptau", ptau}, {"contributions", json::array()}, {"r1cs_sha256", "00"},
                                      {"local_contributions", true}}}};
    });
    try {
        read_lock(folder);
        FAIL("read");
    } catch (const InputError& e) {
        CHECK(e.field() == "keys.ceremony");
        CHECK_THAT(e.what(), Contains("run zokml setup again"));
    }
}
