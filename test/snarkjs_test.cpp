// The snarkjs backend from the command line: its setup by one party or by a ceremony of several,
// the transcript's check before proving and verifying, and its proofs against both verifiers and
// the exported Solidity verifier.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cctype>
#include <string>

#include "support.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/toolchain/artifacts.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using nlohmann::json;
using test::Result;
using test::tiny_model;
using test::zokml_cli;

namespace {

// A tiny private-input folder and an input of it.
struct TinyFolder {
    test::TempDir dir;
    fs::path folder = dir / "tiny";
    std::string input = (dir / "input.json").string();

    TinyFolder() {
        REQUIRE(zokml_cli({"generate", "--model", tiny_model(dir / "tiny.json").string(), "--dir", folder.string()}).exit_code == 0);
        write_file_atomically(input, "[200, 10, 30]");
    }
    Result run(std::vector<std::string> arguments) const {
        arguments.insert(arguments.begin() + 1, {"--dir", folder.string()});
        return zokml_cli(arguments);
    }
    Result prove() const { return run({"prove", "--input", input, "--json"}); }
    Result verify(const std::string& backend = "") const {
        return backend.empty() ? run({"verify", "--json"}) : run({"verify", "--backend", backend, "--json"});
    }
};

void flip_byte(const fs::path& file, double where) {
    std::string bytes = read_file(file);
    bytes[static_cast<std::size_t>(bytes.size() * where)] ^= 1;
    write_file_atomically(file, bytes);
}

// A proof whose class (its last public value) is another.
void change_class(const fs::path& proof_file) {
    json proof = read_json_file(proof_file);
    auto& last = proof["inputs"].back();
    last = last == "0x" + std::string(63, '0') + "1" ? "0x" + std::string(63, '0') + "0" : "0x" + std::string(63, '0') + "1";
    write_file_atomically(proof_file, proof.dump());
}

}  // namespace

TEST_CASE("a snarkjs ceremony of three parties and a beacon: the transcript shows each party's hash, and its proofs pass "
          "snarkjs, ZoKrates, the Solidity verifier and, converted to snarkjs' files, snarkjs' own command",
          "[private-input][snarkjs][slow]") {
    const TinyFolder tiny;
    REQUIRE(tiny.run({"setup", "--backend", "snarkjs", "--ceremony"}).exit_code == 0);
    CHECK_THAT(tiny.prove().err, Catch::Contains("no keys yet"));  // not before the ceremony ends

    std::vector<std::string> published;
    for (const std::string party : {"alice", "bob", "carol"}) {
        const Result r = tiny.run({"setup", "--contribute", "--name", party, "--json"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.parsed()["contribution"]["name"] == party);
        published.push_back(r.parsed()["contribution"]["hash"]);
        CHECK(published.back().size() == 128);
    }
    const Result finalized = tiny.run({"setup", "--finalize", "--beacon", "5eed0f0b5eed", "--iterations", "11", "--json"});
    REQUIRE(finalized.exit_code == 0);
    const json transcript = finalized.parsed()["contributions"];
    REQUIRE(transcript.size() == 4);
    for (std::size_t i = 0; i < 3; ++i) CHECK(transcript[i]["hash"] == published[i]);
    CHECK(transcript[3]["beacon"] == "5eed0f0b5eed");
    CHECK_FALSE(fs::exists(keys_folder(tiny.folder) / "ceremony"));
    const CircuitLock lock = read_lock(tiny.folder);
    REQUIRE(lock.keys);
    CHECK(lock.keys->backend == Backend::Snarkjs);
    CHECK(lock.keys->ceremony->contributions.size() == 4);
    CHECK_FALSE(lock.keys->ceremony->local_contributions);

    const Result proven = tiny.prove();
    REQUIRE(proven.exit_code == 0);
    CHECK(proven.parsed()["public"]["class"] == 0);  // the integer reference's class for this input
    CHECK(tiny.verify().parsed()["backend"] == "snarkjs");
    CHECK(tiny.verify().exit_code == 0);
    CHECK(tiny.verify("zokrates").exit_code == 0);
    const test::EvmVerifier evm(verification_keypair(keys_folder(tiny.folder) / "verification.key"), tiny.dir / "evm");
    const Proof proof = Proof::from_json(read_json_file(tiny.folder / "proof.json"));
    CHECK(evm.call(proof).verified);

    // The proof in snarkjs' own files passes snarkjs' own command, and comes back unchanged.
    const fs::path files = tiny.dir / "snarkjs-files";
    REQUIRE(zokml_cli({"convert-proof", "--to", "snarkjs", "--dir", tiny.folder.string(), "--out", files.string()}).exit_code == 0);
    const fs::path snarkjs_cli = Toolchain::bundled().parent_path() / "node_modules/snarkjs/build/cli.cjs";
    const auto checked = detail::run_process("/usr/bin/env", {"node", snarkjs_cli.string(), "groth16", "verify", "verification_key.json",
                                                              "public.json", "proof.json"},
                                             files, "", std::chrono::minutes(1));
    CHECK(checked.exit_code == 0);
    CHECK_THAT(checked.out, Catch::Contains("OK!"));
    REQUIRE(zokml_cli({"convert-proof", "--to", "zokrates", "--proof", (files / "proof.json").string(), "--public",
                       (files / "public.json").string(), "--out", (tiny.dir / "back.json").string()})
                .exit_code == 0);
    CHECK(Proof::from_json(read_json_file(tiny.dir / "back.json")) == proof);

    change_class(tiny.folder / "proof.json");  // a wrong claim
    CHECK(tiny.verify().exit_code == 1);
    CHECK(tiny.verify("zokrates").exit_code == 1);
    CHECK_FALSE(evm.call(Proof::from_json(read_json_file(tiny.folder / "proof.json"))).verified);
}

TEST_CASE("a tampered contribution is refused by the next party, and fails the transcript's check: no keys come out of the "
          "ceremony",
          "[private-input][snarkjs][slow]") {
    const TinyFolder tiny;
    REQUIRE(tiny.run({"setup", "--backend", "snarkjs", "--ceremony"}).exit_code == 0);
    REQUIRE(tiny.run({"setup", "--contribute", "--name", "alice"}).exit_code == 0);
    REQUIRE(tiny.run({"setup", "--contribute", "--name", "bob"}).exit_code == 0);
    const fs::path bobs = keys_folder(tiny.folder) / "ceremony" / "zkey_0002.zkey";
    flip_byte(bobs, 0.5);  // bob hands on a key his proof does not match
    const Result carol = tiny.run({"setup", "--contribute", "--name", "carol"});
    CHECK(carol.exit_code == 3);
    CHECK_THAT(carol.err, Catch::Contains(bobs.string()) && Catch::Contains("transcript does not check"));
    CHECK_FALSE(fs::exists(keys_folder(tiny.folder) / "ceremony" / "zkey_0003.zkey"));
    const Result r = tiny.run({"setup", "--finalize", "--beacon", "00ff"});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("transcript does not check"));
    const std::string lead = "not this circuit's): ";  // a reason follows
    REQUIRE(r.err.find(lead) != std::string::npos);
    CHECK(std::isprint(static_cast<unsigned char>(r.err[r.err.find(lead) + lead.size()])));
    CHECK_FALSE(fs::exists(keys_folder(tiny.folder) / "proving.key"));
    CHECK_FALSE(read_lock(tiny.folder).keys);
}

TEST_CASE("the powers of tau are recorded by what they are: zokml's own file passed with --ptau is single-party, and verify "
          "says how the setup was made",
          "[private-input][snarkjs][slow]") {
    const TinyFolder local;
    REQUIRE(local.run({"setup", "--backend", "snarkjs"}).exit_code == 0);
    const CeremonyRecord made = *read_lock(local.folder).keys->ceremony;
    CHECK(made.ptau.made_by_zokml);
    CHECK(made.ptau.contributions == 1);
    CHECK(made.single_party());
    REQUIRE(local.prove().exit_code == 0);
    const Result verified = local.run({"verify"});
    CHECK(verified.exit_code == 0);
    CHECK_THAT(verified.out, Catch::Contains("setup: snarkjs, one contribution and a beacon drawn by zokml setup") &&
                                 Catch::Contains("made by zokml on this machine") && Catch::Contains("single party"));

    // The same bytes passed as if they were a public ceremony's: still single-party, and said so.
    const TinyFolder passed;
    REQUIRE(passed.run({"setup", "--backend", "snarkjs", "--ceremony", "--ptau", made.ptau.file.string()}).exit_code == 0);
    REQUIRE(passed.run({"setup", "--contribute", "--name", "alice"}).exit_code == 0);
    REQUIRE(passed.run({"setup", "--finalize", "--beacon", "00ff"}).exit_code == 0);
    const CeremonyRecord record = *read_lock(passed.folder).keys->ceremony;
    CHECK(record.ptau.sha256 == made.ptau.sha256);
    CHECK(record.ptau.made_by_zokml);
    CHECK(record.single_party());
    REQUIRE(passed.prove().exit_code == 0);
    const json verdict = passed.verify().parsed();
    CHECK_THAT(verdict["setup"].get<std::string>(), Catch::Contains("1 contribution and a beacon") && Catch::Contains("single party"));

    // A file that is no powers of tau is refused naming it.
    write_file_atomically(passed.dir / "not.ptau", "ptau but not really");
    const Result refused = passed.run({"setup", "--backend", "snarkjs", "--ceremony", "--ptau", (passed.dir / "not.ptau").string()});
    CHECK(refused.exit_code == 3);
    CHECK_THAT(refused.err, Catch::Contains("not.ptau") && Catch::Contains("not a snarkjs powers-of-tau file"));
}

TEST_CASE("a settings file chooses the snarkjs backend; keys changed after its setup are refused before proving and verifying, even with the lock rewritten to "
          "match",
          "[private-input][snarkjs][slow]") {
    const TinyFolder tiny;
    // The backend chosen in a settings file: the folder's setup uses it.
    write_file_atomically(tiny.dir / "settings.json", R"({"format": "zokml-settings", "version": 1, "backend": "snarkjs"})");
    REQUIRE(zokml_cli({"generate", "--model", (tiny.dir / "tiny.json").string(), "--settings", (tiny.dir / "settings.json").string(),
                       "--dir", tiny.folder.string()})
                .exit_code == 0);
    const Result setup = tiny.run({"setup", "--json"});
    REQUIRE(setup.exit_code == 0);
    CHECK(setup.parsed()["backend"] == "snarkjs");
    CHECK(setup.parsed()["single_party"] == true);
    REQUIRE(tiny.prove().exit_code == 0);
    const fs::path key = keys_folder(tiny.folder) / "proving.key";
    const std::string original = read_file(key);

    flip_byte(key, 0.6);
    CircuitLock lock = read_lock(tiny.folder);
    lock.keys->proving_key_sha256 = sha256_hex(read_file(key));
    write_lock(tiny.folder, lock);
    Result r = tiny.prove();
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("transcript does not check"));
    CHECK(tiny.verify().exit_code == 3);

    // Another setup's verification key beside the checked proving key.
    write_file_atomically(key, original);
    lock.keys->proving_key_sha256 = sha256_hex(original);
    write_lock(tiny.folder, lock);
    const test::TempDir other_dir;
    const fs::path other = other_dir / "other";
    fs::copy(tiny.folder, other, fs::copy_options::recursive);
    fs::copy_file(tiny.dir / "tiny.json", other_dir / "tiny.json");
    REQUIRE(zokml_cli({"setup", "--dir", other.string(), "--backend", "snarkjs"}).exit_code == 0);
    fs::copy_file(keys_folder(other) / "verification.key", keys_folder(tiny.folder) / "verification.key",
                  fs::copy_options::overwrite_existing);
    r = tiny.verify();
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("not the verification key"));
}
