// The verifiers from the command line: `zokml calldata` (the call of the Solidity verifier's
// verifyTx, run in the EVM of tools/evm-verify.mjs) and `zokml export-verifier --target`.
#include <catch2/catch.hpp>

#include <functional>

#include "support.hpp"
#include "zokml/core/files.hpp"
#include "zokml/core/json.hpp"
#include "zokml/verifier/calldata.hpp"
#include "zokml/verifier/scrypt_verifier.hpp"

using namespace zokml;
namespace fs = std::filesystem;

using test::Result;
using test::zokml_cli;

namespace {

// test/data/toolchain/square.zok (a = 3, b = 9): its g16 key and a real proof.
const std::string kSquareKey = test::data_path("evm/square_g16_verification.key").string();
const std::string kSquareProof = test::data_path("evm/square_g16_proof.json").string();

// The proof file, changed, written into dir.
std::string changed_proof(const fs::path& dir, const std::string& name, const std::function<void(Proof&)>& change) {
    Proof proof = Proof::from_json(read_json_file(kSquareProof));
    change(proof);
    const fs::path file = dir / name;
    write_file_atomically(file, dump_json(proof.to_json(), 2));
    return file.string();
}

// What `zokml calldata ARGUMENTS` printed: one line, exit code 0.
std::string calldata_of(const std::vector<std::string>& arguments) {
    std::vector<std::string> command = {"calldata"};
    command.insert(command.end(), arguments.begin(), arguments.end());
    const Result r = zokml_cli(command);
    INFO(r.out + r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.ends_with("\n"));
    REQUIRE(r.out.find('\n') == r.out.size() - 1);
    return r.out.substr(0, r.out.size() - 1);
}

// square.zok's verifier, written by `zokml export-verifier` (once per test process).
const test::EvmVerifier& square_evm() {
    static const test::TempDir dir;
    static const test::EvmVerifier evm = [] {
        const Result r = zokml_cli({"export-verifier", "--vk", kSquareKey, "--out", (dir / "verifier.sol").string()});
        REQUIRE(r.exit_code == 0);
        return test::EvmVerifier(dir.path());
    }();
    return evm;
}

}  // namespace

TEST_CASE("zokml calldata prints the library's call data of the proof, one line", "[cli][calldata]") {
    const auto call = VerifyTxCall::from_proof(Proof::from_json(read_json_file(kSquareProof)));
    CHECK(calldata_of({kSquareProof}) == call.calldata_hex());
    CHECK(calldata_of({kSquareProof, "--format", "remix"}) == call.to_json().dump());
}

TEST_CASE("zokml calldata --json gives the call data, the arguments and the signature", "[cli][calldata]") {
    const auto call = VerifyTxCall::from_proof(Proof::from_json(read_json_file(kSquareProof)));
    const Result r = zokml_cli({"calldata", kSquareProof, "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed() == nlohmann::json{{"calldata", call.calldata_hex()}, {"arguments", call.to_json()}, {"signature", call.signature()}});
}

TEST_CASE("zokml calldata of a file that is not a proof is exit code 3, naming the file", "[cli][calldata]") {
    const test::TempDir dir;
    const std::string no_b = changed_proof(dir.path(), "no-b.json", [](Proof& p) { p.points.erase("b"); });
    const Result r = zokml_cli({"calldata", no_b});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(no_b + ": proof: expected an object of exactly the points a, b and c"));
    CHECK(r.out.empty());
    CHECK(zokml_cli({"calldata", kSquareKey}).exit_code == 3);
}

TEST_CASE("zokml calldata refuses a proof that is not canonical with exit code 3, naming the field, with no key", "[cli][calldata]") {
    const test::TempDir dir;
    // a.X + q: the same residue, a word the verifier would take as another number; a point off the curve
    const std::string raised = changed_proof(dir.path(), "raised.json", [](Proof& p) {
        p.points["a"][0] = "0x407e77a1c438b73a172adcc781157b170af1c7f96edf9ee80bb7df797b732917";  // 0x101a...2bd0 + q
    });
    const std::string off_curve = changed_proof(dir.path(), "off.json", [](Proof& p) {
        p.points["c"][1] = "0x0000000000000000000000000000000000000000000000000000000000000001";
    });
    const Result r1 = zokml_cli({"calldata", raised});
    CHECK(r1.exit_code == 3);
    CHECK_THAT(r1.err, Catch::Contains(raised + ": proof.a[0]"));
    const Result r2 = zokml_cli({"calldata", off_curve});
    CHECK(r2.exit_code == 3);
    CHECK_THAT(r2.err, Catch::Contains(off_curve + ": proof.c"));
    CHECK(r1.out.empty());
    CHECK(r2.out.empty());
}

TEST_CASE("zokml calldata with a key checks the proof as verify does: another program's proof is exit code 3", "[cli][calldata]") {
    const test::TempDir dir;
    const std::string three_inputs = changed_proof(dir.path(), "three.json", [](Proof& p) { p.inputs.push_back(FieldElement::from_int(1)); });
    CHECK(zokml_cli({"calldata", three_inputs}).exit_code == 0);  // without a key: the call it asks for
    const Result r = zokml_cli({"calldata", three_inputs, "--vk", kSquareKey});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(three_inputs + ": inputs: 3 public inputs, but the verification key takes 2"));
    CHECK(zokml_cli({"calldata", kSquareProof, "--vk", kSquareKey}).exit_code == 0);
}

TEST_CASE("zokml calldata without a proof, with two, or with an unknown format is a usage error", "[cli][calldata]") {
    for (const std::vector<std::string>& arguments : std::vector<std::vector<std::string>>{
             {"calldata"}, {"calldata", kSquareProof, kSquareProof}, {"calldata", kSquareProof, "--format", "snarkjs"}}) {
        const Result r = zokml_cli(arguments);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("usage: zokml calldata"));
    }
    CHECK_THAT(zokml_cli({"calldata", kSquareProof, "--format", "snarkjs"}).err, Catch::Contains("expected hex or remix"));
}

TEST_CASE("the call data zokml calldata prints verifies in the EVM against the verifier zokml export-verifier writes",
          "[cli][calldata][evm][slow]") {
    CHECK(square_evm().run("--calldata", calldata_of({kSquareProof})).verified);
    CHECK(square_evm().run("--arguments", calldata_of({kSquareProof, "--format", "remix"})).verified);
}

TEST_CASE("the call data of a tampered proof does not verify in the EVM", "[cli][calldata][evm][slow]") {
    const test::TempDir dir;
    const std::string swapped = changed_proof(dir.path(), "swapped.json", [](Proof& p) { p = test::swapped_a_c(p); });
    const std::string claims_13 = changed_proof(dir.path(), "13.json", [](Proof& p) { p.inputs[1] = FieldElement::from_int(13); });
    CHECK_FALSE(square_evm().run("--calldata", calldata_of({swapped})).verified);
    CHECK_FALSE(square_evm().run("--calldata", calldata_of({claims_13})).verified);
    CHECK_FALSE(square_evm().run("--arguments", calldata_of({claims_13, "--format", "remix"})).verified);
}

TEST_CASE("export-verifier --target scrypt writes the sCrypt verifier the library generates, to DIR/verifier.ts", "[cli][scrypt]") {
    const test::TempDir dir;
    fs::create_directories(dir / "keys");
    fs::copy_file(kSquareKey, dir / "keys" / "verification.key");
    const Result r = zokml_cli({"export-verifier", "--dir", dir.path().string(), "--target", "scrypt", "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.parsed()["verifier"] == (dir / "verifier.ts").string());
    CHECK(r.parsed()["target"] == "scrypt");
    CHECK(read_file(dir / "verifier.ts") == generate_scrypt_verifier(verification_keypair(kSquareKey).verification_key));
    CHECK_FALSE(fs::exists(dir / "verifier.sol"));
}

TEST_CASE("export-verifier writes the Solidity verifier by default and with --target solidity", "[cli][evm]") {
    const test::TempDir dir;
    const std::string by_default = (dir / "default.sol").string(), solidity = (dir / "solidity.sol").string();
    REQUIRE(zokml_cli({"export-verifier", "--vk", kSquareKey, "--out", by_default}).exit_code == 0);
    REQUIRE(zokml_cli({"export-verifier", "--vk", kSquareKey, "--out", solidity, "--target", "solidity"}).exit_code == 0);
    CHECK_THAT(read_file(by_default), Catch::Contains("contract Verifier") && Catch::Contains("function verifyTx"));
    CHECK(read_file(by_default) == read_file(solidity));
}

TEST_CASE("export-verifier with an unknown --target is exit code 2 naming the targets, and writes nothing", "[cli]") {
    const test::TempDir dir;
    const Result r = zokml_cli({"export-verifier", "--vk", kSquareKey, "--target", "vyper", "--out", (dir / "v").string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--target: expected solidity or scrypt, got 'vyper'") && Catch::Contains("usage: zokml export-verifier"));
    CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("export-verifier --target scrypt of a gm17 key is exit code 3 naming the key and its scheme", "[cli][scrypt]") {
    const test::TempDir dir;
    nlohmann::json key = read_json_file(kSquareKey);
    key["scheme"] = "gm17";
    key["query"] = key["gamma_abc"];  // gm17's list of input points
    const fs::path file = dir / "gm17.key";
    write_file_atomically(file, key.dump());
    const Result r = zokml_cli({"export-verifier", "--vk", file.string(), "--target", "scrypt", "--out", (dir / "v.ts").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(file.string() + ": scheme: sCrypt verifier: needs a g16 key on bn128"));
    CHECK_FALSE(fs::exists(dir / "v.ts"));
}
