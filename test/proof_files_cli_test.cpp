// No proof destroys an earlier one: a proof, a batch's proofs or a bundle written where one already
// is keeps that one beside it as NAME-N (N one more than the highest), and the command says where.
// (The split bundle's case: test/split_settings_cli_test.cpp.)
#include <catch2/catch.hpp>

#include <stdexcept>

#include "support.hpp"
#include "zokml/core/files.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using Catch::Contains;
using test::Result;
using test::zokml_cli;

namespace {

// The tiny model's private-input circuit, set up once per test process by a run that proves
// [1, 2, 3] (class 0) into DIR/proof.json.
struct ProvenFolder {
    test::TempDir dir;
    std::string folder = (dir / "w").string();
    std::string cache = (dir / "cache").string();

    ProvenFolder() {
        const Result run = zokml_cli({"run", "--model", test::tiny_model(dir / "tiny.json").string(), "--input", "-", "--dir", folder,
                                      "--cache-dir", cache},
                                     "[1, 2, 3]");
        if (run.exit_code != 0) throw std::runtime_error("run: " + run.err);
    }
};

const ProvenFolder& proven_folder() {
    static const ProvenFolder folder;
    return folder;
}

// What the proof in `file` reveals, as verify decodes it with the folder.
nlohmann::json revealed(const ProvenFolder& f, const fs::path& file) {
    const Result verified = zokml_cli({"verify", "--dir", f.folder, "--proof", file.string(), "--json"});
    INFO(verified.err);
    REQUIRE(verified.exit_code == 0);
    return verified.parsed()["public"];
}

}  // namespace

TEST_CASE("a new proof keeps the one it replaces as DIR/proof-N.json, numbered after the highest, and says where", "[cli][slow]") {
    const ProvenFolder& f = proven_folder();
    const fs::path folder = f.folder;
    const std::string first = read_file(folder / "proof.json");
    const Result second = zokml_cli({"prove", "--dir", f.folder, "--cache-dir", f.cache, "--input", "-"}, "[255, 255, 0]");
    INFO(second.out << second.err);
    REQUIRE(second.exit_code == 0);
    CHECK_THAT(second.out, Contains("the previous proof kept as " + (folder / "proof-1.json").string()));
    CHECK(read_file(folder / "proof-1.json") == first);
    CHECK(revealed(f, folder / "proof-1.json")["class"] == 0);
    CHECK(revealed(f, folder / "proof.json")["class"] == 1);  // verify --dir's default is the newest

    write_file_atomically(folder / "proof-7.json", "a file of the user's");  // numbers go on after the highest
    const Result third = zokml_cli({"prove", "--dir", f.folder, "--cache-dir", f.cache, "--input", "-", "--json"}, "[1, 2, 3]");
    REQUIRE(third.exit_code == 0);
    CHECK(third.parsed()["previous_proof"] == (folder / "proof-8.json").string());
    CHECK(revealed(f, folder / "proof-8.json")["class"] == 1);
    CHECK(read_file(folder / "proof-7.json") == "a file of the user's");

    // --proof FILE: the same where FILE names a file already there.
    const fs::path mine = f.dir / "mine.json";
    write_file_atomically(mine, "an earlier proof");
    REQUIRE(zokml_cli({"prove", "--dir", f.folder, "--cache-dir", f.cache, "--input", "-", "--proof", mine.string()}, "[1, 2, 3]")
                .exit_code == 0);
    CHECK(read_file(f.dir / "mine-1.json") == "an earlier proof");
    CHECK(revealed(f, mine)["class"] == 0);
}

TEST_CASE("prove --inputs keeps an earlier batch's proofs in DIR/proofs-N", "[cli][slow]") {
    const ProvenFolder& f = proven_folder();
    const fs::path folder = f.folder;
    write_file_atomically(f.dir / "first.csv", "0.1,0.2,0.3\n0.9,0.1,0.0\n");
    write_file_atomically(f.dir / "second.csv", "1.0,1.0,0.0\n");
    REQUIRE(zokml_cli({"prove", "--dir", f.folder, "--cache-dir", f.cache, "--inputs", (f.dir / "first.csv").string()}).exit_code == 0);
    const std::string earlier = read_file(folder / "proofs" / "proof-1.json");
    const Result second = zokml_cli({"prove", "--dir", f.folder, "--cache-dir", f.cache, "--inputs", (f.dir / "second.csv").string()});
    INFO(second.out << second.err);
    REQUIRE(second.exit_code == 0);
    CHECK_THAT(second.out, Contains("the previous batch's kept in " + (folder / "proofs-1").string()));
    CHECK(read_file(folder / "proofs-1" / "proof-1.json") == earlier);
    CHECK(fs::exists(folder / "proofs" / "proof-0.json"));
    CHECK_FALSE(fs::exists(folder / "proofs" / "proof-1.json"));  // the second batch has one input
}
