// Every proof is checked to be canonical before any verifier sees it (docs/security.md, the proof's
// sender): ZoKrates' proof.json through check_canonical and `zokml verify`, snarkjs' proof.json and
// public.json through read_snarkjs_proof and `zokml convert-proof`. Each refusal is an InputError
// naming the file and field, exit code 3; none reaches the toolchain (no proving here: fixtures).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>

#include "support.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/snarkjs.hpp"
#include "zokml/toolchain/snarkjs_proof.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using nlohmann::json;
using test::TempDir;
using test::zokml_cli;

namespace {

// q, BN254's base field modulus, and p, its scalar field's.
const char* const kQ = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
const char* const kP = "21888242871839275222246405745257275088548364400416034343698204186575808495617";

json square_proof() { return read_json_file(test::data_path("evm/square_g16_proof.json")); }
VerificationKey square_key() { return VerificationKey::from_json(read_json_file(test::data_path("evm/square_g16_verification.key"))); }
json snarkjs_proof() { return read_json_file(test::data_path("snarkjs/square_proof.json")); }
json snarkjs_public() { return read_json_file(test::data_path("snarkjs/square_public.json")); }

// A 64-digit hex coordinate plus q (below 2q < 2^255: still 64 digits).
std::string plus_q(const std::string& hex) {
    unsigned carry = 0;
    std::string q_hex = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
    std::string out = hex.substr(2);
    for (int i = 63; i >= 0; --i) {
        const unsigned sum = std::stoul(out.substr(i, 1), nullptr, 16) + std::stoul(q_hex.substr(i, 1), nullptr, 16) + carry;
        out[i] = "0123456789abcdef"[sum % 16];
        carry = sum / 16;
    }
    return "0x" + out;
}

// A decimal number plus another (both below 10^77).
std::string decimal_sum(const std::string& a, const std::string& b) {
    std::string out;
    int carry = 0;
    for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
        const int sum = (i < a.size() ? a[a.size() - 1 - i] - '0' : 0) + (i < b.size() ? b[b.size() - 1 - i] - '0' : 0) + carry;
        out.insert(out.begin(), static_cast<char>('0' + sum % 10));
        carry = sum / 10;
    }
    return out;
}

// A point of the twist y^2 = x^3 + 3/(9+u) outside G2: x = 2 + u and a square root of x^3 + b'
// (computed apart from zokml; test/bn254_test.cpp finds such points with zokml's arithmetic).
const json kTwistPointOutsideG2 = json::array(
    {json::array({"0x0000000000000000000000000000000000000000000000000000000000000002",
                  "0x0000000000000000000000000000000000000000000000000000000000000001"}),
     json::array({"0x101f7278419308b95099eca02dcee0c5381f4d26d1d62313f057167f064101ce",
                  "0x2b76c179599bb92a963dac85546a005a777f7c13f6a7b75d5918b6b5808f5fde"})});

// The InputError check_canonical throws for the proof, or FAIL.
InputError refusal(const json& proof, const VerificationKey& key = square_key()) {
    try {
        check_canonical(Proof::from_json(proof), key, "proof.json");
    } catch (const InputError& e) {
        return e;
    }
    FAIL("the proof was accepted: " + proof.dump());
    throw std::logic_error("unreachable");
}

// `zokml verify` of the proof (written to a file) with the square program's key.
test::Result verify_cli(const TempDir& dir, const json& proof, const std::vector<std::string>& more = {}) {
    write_file_atomically(dir / "proof.json", proof.dump());
    std::vector<std::string> arguments = {"verify", "--dir", dir.path().string(), "--proof", (dir / "proof.json").string(), "--vk",
                                          test::data_path("evm/square_g16_verification.key").string()};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return zokml_cli(arguments);
}

// `zokml convert-proof --to zokrates` of snarkjs' files.
test::Result from_snarkjs_cli(const TempDir& dir, const json& proof, const json& signals, const std::vector<std::string>& more = {}) {
    write_file_atomically(dir / "snarkjs-proof.json", proof.dump());
    write_file_atomically(dir / "public.json", signals.dump());
    std::vector<std::string> arguments = {"convert-proof", "--to", "zokrates", "--proof", (dir / "snarkjs-proof.json").string(),
                                          "--public", (dir / "public.json").string(), "--out", (dir / "converted.json").string()};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return zokml_cli(arguments);
}

}  // namespace

// ---- ZoKrates' proof.json, by the library ----

TEST_CASE("a real g16 proof is canonical for its verification key", "[proof-check]") {
    CHECK_NOTHROW(check_canonical(Proof::from_json(square_proof()), square_key(), "proof.json"));
}

TEST_CASE("a proof coordinate raised by q is refused naming the coordinate", "[proof-check]") {
    json proof = square_proof();
    proof["proof"]["a"][0] = plus_q(proof["proof"]["a"][0]);
    const InputError a = refusal(proof);
    CHECK(a.file() == "proof.json");
    CHECK(a.field() == "proof.a[0]");
    CHECK_THAT(a.reason(), Catch::Contains("not below the base field's modulus q"));
    proof = square_proof();
    proof["proof"]["b"][1][0] = plus_q(proof["proof"]["b"][1][0]);
    CHECK(refusal(proof).field() == "proof.b[1][0]");
}

TEST_CASE("without a key, check_canonical_points checks the points but not the number of public inputs", "[proof-check]") {
    json proof = square_proof();
    CHECK_NOTHROW(check_canonical_points(Proof::from_json(proof), "proof.json"));
    proof["inputs"].push_back(proof["inputs"][0]);
    CHECK_NOTHROW(check_canonical_points(Proof::from_json(proof), "proof.json"));
    proof["proof"]["b"][1][0] = plus_q(proof["proof"]["b"][1][0].get<std::string>());
    CHECK_THROWS_WITH(check_canonical_points(Proof::from_json(proof), "proof.json"), Catch::Contains("proof.json: proof.b[1][0]"));
    proof = square_proof();
    proof["scheme"] = "marlin";
    CHECK_THROWS_WITH(check_canonical_points(Proof::from_json(proof), "proof.json"), Catch::Contains("proof.json: scheme"));
}

TEST_CASE("a proof coordinate that is not a hex field element is refused naming it", "[proof-check]") {
    for (const json& bad : {json("0xzz"), json(7), json("0x" + std::string(63, '1')), json("1" + std::string(65, '0')), json(nullptr)}) {
        json proof = square_proof();
        proof["proof"]["c"][1] = bad;
        const InputError e = refusal(proof);
        CHECK(e.field() == "proof.c[1]");
        CHECK_THAT(e.reason(), Catch::Contains("0x\" and 64 hex digits"));
    }
}

TEST_CASE("a number or an array where the proof's points should be is refused", "[proof-check]") {
    for (const json& bad : {json(7), json::array({1, 2, 3}), json("proof")}) {
        json proof = square_proof();
        proof["proof"] = bad;
        CHECK(refusal(proof).field() == "proof");
    }
    json proof = square_proof();
    proof["proof"]["a"] = 7;
    CHECK(refusal(proof).field() == "proof.a");
    proof = square_proof();
    proof["proof"]["b"][0] = json::array({proof["proof"]["b"][0][0]});
    CHECK(refusal(proof).field() == "proof.b[0]");
}

TEST_CASE("a proof with a point missing or one more is refused", "[proof-check]") {
    json proof = square_proof();
    proof["proof"].erase("c");
    CHECK(refusal(proof).field() == "proof");
    proof = square_proof();
    proof["proof"]["d"] = proof["proof"]["a"];
    CHECK(refusal(proof).field() == "proof");
}

TEST_CASE("a proof with its last public input removed, or one more, is refused: no input is read as 0", "[proof-check]") {
    json proof = square_proof();
    proof["inputs"].erase(1);
    const InputError missing = refusal(proof);
    CHECK(missing.field() == "inputs");
    CHECK_THAT(missing.reason(), Catch::Contains("1 public inputs, but the verification key takes 2"));
    proof = square_proof();
    proof["inputs"].push_back(proof["inputs"][0]);
    CHECK(refusal(proof).field() == "inputs");
}

TEST_CASE("a proof of another program (another number of public inputs) is refused", "[proof-check]") {
    const InputError e = refusal(read_json_file(test::data_path("evm/no_inputs_g16_proof.json")));
    CHECK(e.field() == "inputs");
    CHECK_THAT(e.reason(), Catch::Contains("0 public inputs, but the verification key takes 2"));
}

TEST_CASE("a G1 point off the curve is refused naming the point", "[proof-check]") {
    json proof = square_proof();
    std::string y = proof["proof"]["a"][1];
    y.back() = y.back() == '0' ? '1' : '0';
    proof["proof"]["a"][1] = y;
    const InputError e = refusal(proof);
    CHECK(e.field() == "proof.a");
    CHECK_THAT(e.reason(), Catch::Contains("not on the curve"));
}

TEST_CASE("a G2 point off the twist is refused naming the point", "[proof-check]") {
    json proof = square_proof();
    std::string x = proof["proof"]["b"][0][1];
    x.back() = x.back() == '0' ? '1' : '0';
    proof["proof"]["b"][0][1] = x;
    const InputError e = refusal(proof);
    CHECK(e.field() == "proof.b");
    CHECK_THAT(e.reason(), Catch::Contains("not on the twist"));
}

TEST_CASE("a G2 point on the twist but outside its subgroup of order r is refused", "[proof-check]") {
    json proof = square_proof();
    proof["proof"]["b"] = kTwistPointOutsideG2;
    const InputError e = refusal(proof);
    CHECK(e.field() == "proof.b");
    CHECK_THAT(e.reason(), Catch::Contains("not in G2"));
}

TEST_CASE("the point at infinity, written as zeros, is refused", "[proof-check]") {
    json proof = square_proof();
    proof["proof"]["c"] = json::array({"0x" + std::string(64, '0'), "0x" + std::string(64, '0')});
    const InputError e = refusal(proof);
    CHECK(e.field() == "proof.c");
    CHECK_THAT(e.reason(), Catch::Contains("point at infinity"));
}

TEST_CASE("a proof of another scheme or curve than the key's is refused", "[proof-check]") {
    json proof = square_proof();
    proof["scheme"] = "gm17";
    CHECK(refusal(proof).field() == "scheme");
    proof = square_proof();
    proof["curve"] = "bls12_381";
    CHECK(refusal(proof).field() == "curve");
    VerificationKey marlin = square_key();
    marlin.scheme = "marlin";
    proof = square_proof();
    proof["scheme"] = "marlin";
    CHECK_THAT(refusal(proof, marlin).reason(), Catch::Contains("g16 and gm17 proofs only"));
}

TEST_CASE("a gm17 proof is checked as a g16 one, against the number of its key's query points", "[proof-check]") {
    const json proof = read_json_file(test::data_path("evm/square_gm17_proof.json"));
    VerificationKey key = square_key();
    key.scheme = "gm17";
    key.points = {{"query", json::array({1, 2, 3})}};  // only the list's length matters here
    CHECK_NOTHROW(check_canonical(Proof::from_json(proof), key, "proof.json"));
    json raised = proof;
    raised["proof"]["b"][0][0] = plus_q(raised["proof"]["b"][0][0]);
    CHECK(refusal(raised, key).field() == "proof.b[0][0]");
}

TEST_CASE("a verification key without the list a proof's inputs are counted against is refused naming the key", "[proof-check]") {
    const TempDir dir;
    json key = read_json_file(test::data_path("evm/square_g16_verification.key"));
    key.erase("gamma_abc");
    write_file_atomically(dir / "verification.key", key.dump());
    CHECK_THROWS_WITH(verification_keypair(dir / "verification.key"),
                      Catch::StartsWith((dir / "verification.key").string() + ": (file): not a verification key: ") &&
                          Catch::Contains("no list gamma_abc"));
}

TEST_CASE("the ZoKrates and snarkjs verifiers refuse a non-canonical proof before their tool sees it", "[proof-check]") {
    const TempDir dir;
    const Keypair keypair = verification_keypair(test::data_path("evm/square_g16_verification.key"));
    json raised = square_proof();
    raised["inputs"].erase(1);
    const Proof proof = Proof::from_json(raised);
    CHECK_THROWS_WITH(test::real_toolchain().verify(keypair, proof, dir / "zokrates"), Catch::StartsWith("<input>: inputs: "));
    CHECK_THROWS_WITH(Snarkjs().verify(keypair, proof, dir / "snarkjs"), Catch::StartsWith("<input>: inputs: "));
    CHECK(fs::is_empty(dir.path()));  // nothing was staged for a tool
}

// ---- snarkjs' proof.json and public.json, by the library ----

TEST_CASE("snarkjs' proof.json and public.json read into the proof ZoKrates' JSON holds", "[proof-check]") {
    const TempDir dir;
    write_file_atomically(dir / "proof.json", snarkjs_proof().dump());
    write_file_atomically(dir / "public.json", snarkjs_public().dump());
    const Proof proof = read_snarkjs_proof(dir / "proof.json", dir / "public.json");
    CHECK(proof == Proof::from_json(square_proof()));
    CHECK_NOTHROW(check_canonical(proof, square_key(), dir / "proof.json"));
}

TEST_CASE("a snarkjs point whose projective z is not exactly 1 is refused", "[proof-check]") {
    json proof = snarkjs_proof();
    proof["pi_a"][2] = "2";
    CHECK_THROWS_MATCHES(snarkjs_proof_points(proof, "p.json"), InputError, Catch::Message("p.json: pi_a[2]: expected \"1\" (an affine point), got \"2\""));
    proof = snarkjs_proof();
    proof["pi_b"][2][1] = "1";
    CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::StartsWith("p.json: pi_b[2][1]:"));
    proof = snarkjs_proof();
    proof["pi_c"][2] = "0";  // the point at infinity in snarkjs' projective form
    CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::StartsWith("p.json: pi_c[2]:"));
}

TEST_CASE("a snarkjs coordinate raised by q, with leading zeros or not a decimal string is refused", "[proof-check]") {
    for (const json& bad : {json(decimal_sum(snarkjs_proof()["pi_a"][0], kQ)), json("0" + snarkjs_proof()["pi_a"][0].get<std::string>()),
                            json("0x1"), json(12), json(""), json(std::string(78, '9'))}) {
        json proof = snarkjs_proof();
        proof["pi_a"][0] = bad;
        CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::StartsWith("p.json: pi_a[0]:"));
    }
}

TEST_CASE("a snarkjs proof with a member more or missing, or another protocol, is refused", "[proof-check]") {
    json proof = snarkjs_proof();
    proof["publicSignals"] = json::array();
    CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::StartsWith("p.json: (file): the member \"publicSignals\""));
    proof = snarkjs_proof();
    proof.erase("pi_c");
    CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::StartsWith("p.json: pi_c: missing"));
    proof = snarkjs_proof();
    proof["protocol"] = "plonk";
    CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::StartsWith("p.json: protocol:"));
    CHECK_THROWS_WITH(snarkjs_proof_points(json(7), "p.json"), Catch::StartsWith("p.json: (file):"));
}

TEST_CASE("snarkjs points off the curve or outside G2 are refused", "[proof-check]") {
    json proof = snarkjs_proof();
    proof["pi_c"][1] = decimal_sum(proof["pi_c"][1], "1");
    CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::Contains("pi_c: not on the curve"));
    proof = snarkjs_proof();
    proof["pi_b"] = json::array({json::array({"2", "1"}),
                                 json::array({"7292567877523311580221095596750716176434782432868683424513645834767876293070",
                                              "19659275751359636165940301690575149581329631496732780143538578556285923319774"}),
                                 json::array({"1", "0"})});
    CHECK_THROWS_WITH(snarkjs_proof_points(proof, "p.json"), Catch::Contains("pi_b: on the twist but not in G2"));
}

TEST_CASE("a snarkjs public signal at or above p, signed or not a decimal string is refused naming it", "[proof-check]") {
    for (const json& bad : {json(kP), json(decimal_sum(kP, "9")), json("-1"), json(9), json("09")}) {
        CHECK_THROWS_WITH(snarkjs_public_signals(json::array({"1", bad}), "public.json"), Catch::StartsWith("public.json: [1]:"));
    }
    CHECK_THROWS_WITH(snarkjs_public_signals(json::object(), "public.json"), Catch::StartsWith("public.json: (file):"));
}

// ---- through the commands: exit code 3, the file and field named, before any toolchain ----

TEST_CASE("zokml verify refuses a non-canonical proof with exit code 3 naming the file and field", "[proof-check][cli]") {
    const TempDir dir;
    json proof = square_proof();
    proof["proof"]["a"][0] = plus_q(proof["proof"]["a"][0]);
    test::Result r = verify_cli(dir, proof);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains((dir / "proof.json").string() + ": proof.a[0]: ") && Catch::Contains("not below"));

    proof = square_proof();
    proof["proof"]["b"][0][0] = "0xzz";
    r = verify_cli(dir, proof);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("proof.b[0][0]"));

    proof = square_proof();
    proof["proof"] = 7;
    r = verify_cli(dir, proof);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("proof.json: proof: "));

    proof = square_proof();
    proof["proof"]["b"] = kTwistPointOutsideG2;
    r = verify_cli(dir, proof);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("proof.b: on the twist but not in G2"));

    proof = square_proof();
    proof["proof"]["c"][1] = proof["proof"]["c"][0];
    r = verify_cli(dir, proof);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("proof.c: not on the curve"));
}

TEST_CASE("zokml verify by either backend refuses a proof with its last public input removed, exit code 3", "[proof-check][cli]") {
    const TempDir dir;
    json proof = square_proof();
    proof["inputs"].erase(1);
    for (const std::string backend : {"zokrates", "snarkjs"}) {
        const test::Result r = verify_cli(dir, proof, {"--backend", backend});
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("proof.json: inputs: 1 public inputs, but the verification key takes 2"));
    }
}

TEST_CASE("zokml verify refuses a proof of another program with exit code 3", "[proof-check][cli]") {
    const TempDir dir;
    const test::Result r = verify_cli(dir, read_json_file(test::data_path("evm/no_inputs_g16_proof.json")));
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("a proof of another program"));
}

TEST_CASE("zokml convert-proof --to snarkjs refuses a non-canonical proof with exit code 3", "[proof-check][cli]") {
    const TempDir dir;
    json proof = square_proof();
    proof["proof"]["c"][0] = plus_q(proof["proof"]["c"][0]);
    write_file_atomically(dir / "proof.json", proof.dump());
    const test::Result r = zokml_cli({"convert-proof", "--to", "snarkjs", "--dir", dir.path().string(), "--proof",
                                      (dir / "proof.json").string(), "--vk", test::data_path("evm/square_g16_verification.key").string(),
                                      "--out", (dir / "out").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("proof.json: proof.c[0]: "));
    CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("zokml convert-proof --to zokrates writes the proof of valid snarkjs files", "[proof-check][cli]") {
    const TempDir dir;
    const test::Result r = from_snarkjs_cli(dir, snarkjs_proof(), snarkjs_public(),
                                            {"--vk", test::data_path("evm/square_g16_verification.key").string()});
    REQUIRE(r.exit_code == 0);
    CHECK(Proof::from_json(read_json_file(dir / "converted.json")) == Proof::from_json(square_proof()));
}

TEST_CASE("zokml convert-proof --to zokrates refuses z other than 1, points outside their group and values out of range, exit code 3",
          "[proof-check][cli]") {
    const TempDir dir;
    json proof = snarkjs_proof();
    proof["pi_a"][2] = "5";
    test::Result r = from_snarkjs_cli(dir, proof, snarkjs_public());
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("snarkjs-proof.json: pi_a[2]: "));

    proof = snarkjs_proof();
    proof["pi_b"][0][1] = decimal_sum(proof["pi_b"][0][1], kQ);
    r = from_snarkjs_cli(dir, proof, snarkjs_public());
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("pi_b[0][1]: "));

    r = from_snarkjs_cli(dir, snarkjs_proof(), json::array({"9", decimal_sum(kP, "12")}));  // 12 + p: exit code 5 before
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("public.json: [1]: "));
    CHECK_FALSE(fs::exists(dir / "converted.json"));
}

TEST_CASE("zokml convert-proof --to zokrates with a key refuses snarkjs files with a public signal missing, exit code 3",
          "[proof-check][cli]") {
    const TempDir dir;
    const test::Result r = from_snarkjs_cli(dir, snarkjs_proof(), json::array({"9"}),
                                            {"--vk", test::data_path("evm/square_g16_verification.key").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("public.json: inputs: 1 public inputs, but the verification key takes 2"));
    CHECK_FALSE(fs::exists(dir / "converted.json"));
}
