#include <catch2/catch.hpp>

#include <fstream>

#include "support.hpp"
#include "zokml/verifier/calldata.hpp"

using namespace zokml;

namespace {

// Fixtures from test/data/toolchain/square.zok (a = 3, b = 9) and test/data/evm/no_inputs.zok.
Proof fixture_proof(const std::string& name) {
    return Proof::from_json(nlohmann::json::parse(std::ifstream(test::data_path("evm/" + name))));
}

// The 32-byte word at index i of the call data after the selector, as 0x-hex.
std::string word_at(const VerifyTxCall& call, std::size_t i) { return "0x" + call.calldata_hex().substr(10 + 64 * i, 64); }

}  // namespace

TEST_CASE("a g16 proof gives verifyTx's points and public inputs as proof.json has them", "[calldata]") {
    const auto proof = fixture_proof("square_g16_proof.json");
    const auto call = VerifyTxCall::from_proof(proof);
    CHECK(call.a.x.to_hex() == proof.points["a"][0].get<std::string>());
    CHECK(call.b.x[1].to_hex() == proof.points["b"][0][1].get<std::string>());
    CHECK(call.b.y[0].to_hex() == proof.points["b"][1][0].get<std::string>());
    CHECK(call.c.y.to_hex() == proof.points["c"][1].get<std::string>());
    CHECK(call.inputs == std::vector<FieldElement>{FieldElement::from_int(9), FieldElement::from_int(12)});
}

TEST_CASE("the signature and selector are the ones solc reports for the exported verifier", "[calldata]") {
    const auto call = VerifyTxCall::from_proof(fixture_proof("square_g16_proof.json"));
    CHECK(call.signature() == "verifyTx(((uint256,uint256),(uint256[2],uint256[2]),(uint256,uint256)),uint256[2])");
    CHECK(call.selector() == std::array<std::uint8_t, 4>{0x43, 0xcd, 0x76, 0xfc});
}

TEST_CASE("the call data is the selector, the eight coordinates and the inputs, one word each", "[calldata]") {
    const auto call = VerifyTxCall::from_proof(fixture_proof("square_g16_proof.json"));
    CHECK(call.abi_encode().size() == 4 + 32 * 10);
    const std::string hex = call.calldata_hex();
    CHECK(hex.size() == 2 + 2 * (4 + 32 * 10));
    CHECK(hex.substr(0, 10) == "0x43cd76fc");
    CHECK(word_at(call, 0) == call.a.x.to_hex());
    CHECK(word_at(call, 2) == call.b.x[0].to_hex());
    CHECK(word_at(call, 3) == call.b.x[1].to_hex());
    CHECK(word_at(call, 5) == call.b.y[1].to_hex());
    CHECK(word_at(call, 7) == call.c.y.to_hex());
    CHECK(word_at(call, 8) == "0x" + std::string(63, '0') + "9");
    CHECK(word_at(call, 9) == "0x" + std::string(62, '0') + "0c");
}

TEST_CASE("the JSON form nests as remix and ethers take it and round-trips", "[calldata]") {
    const auto proof = fixture_proof("square_g16_proof.json");
    const auto call = VerifyTxCall::from_proof(proof);
    const auto json = call.to_json();
    CHECK(json[0][0] == proof.points["a"]);
    CHECK(json[0][1] == proof.points["b"]);
    CHECK(json[0][2] == proof.points["c"]);
    CHECK(json[1] == proof.to_json()["inputs"]);
    CHECK(VerifyTxCall::from_json(json) == call);
}

TEST_CASE("a gm17 proof gives the same verifyTx shape", "[calldata]") {
    const auto call = VerifyTxCall::from_proof(fixture_proof("square_gm17_proof.json"));
    CHECK(call.selector() == std::array<std::uint8_t, 4>{0x43, 0xcd, 0x76, 0xfc});
    CHECK(call.inputs.size() == 2);
}

TEST_CASE("a program without public inputs gets verifyTx(proof) alone", "[calldata]") {
    const auto call = VerifyTxCall::from_proof(fixture_proof("no_inputs_g16_proof.json"));
    CHECK(call.signature() == "verifyTx(((uint256,uint256),(uint256[2],uint256[2]),(uint256,uint256)))");
    CHECK(call.calldata_hex().substr(0, 10) == "0xf6af0311");  // solc's method identifier
    CHECK(call.abi_encode().size() == 4 + 32 * 8);
    CHECK(call.to_json().size() == 1);
    CHECK(VerifyTxCall::from_json(call.to_json()) == call);
}

TEST_CASE("proofs without a Solidity verifier are refused", "[calldata]") {
    auto proof = fixture_proof("square_g16_proof.json");
    proof.scheme = "marlin";
    CHECK_THROWS_WITH(VerifyTxCall::from_proof(proof), Catch::Contains("marlin"));
    proof.scheme = "g16";
    proof.curve = "bls12_381";
    CHECK_THROWS_WITH(VerifyTxCall::from_proof(proof), Catch::Contains("bls12_381"));
}

TEST_CASE("a malformed point is refused naming where it is", "[calldata]") {
    auto proof = fixture_proof("square_g16_proof.json");
    proof.points["b"][1][0] = "0xzz";
    CHECK_THROWS_WITH(VerifyTxCall::from_proof(proof), Catch::Contains("proof.b") && Catch::Contains("0xzz"));
    proof.points.erase("c");
    CHECK_THROWS_WITH(VerifyTxCall::from_proof(proof), Catch::Contains("point c"));
}

TEST_CASE("an input at or above the field modulus is refused in JSON", "[calldata]") {
    auto json = VerifyTxCall::from_proof(fixture_proof("square_g16_proof.json")).to_json();
    // p = 0x30644e72e131a029b85045b68181585d2833e84879b97091 43e1f593f0000001
    json[1][1] = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
    CHECK_THROWS_WITH(VerifyTxCall::from_json(json), Catch::Contains("input[1]") && Catch::Contains("modulus"));
    json[1][1] = "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000";  // p - 1
    CHECK(VerifyTxCall::from_json(json).inputs[1] == FieldElement::modulus_minus(1));
}

TEST_CASE("uint256 hex reads 1 to 64 digits and writes 64", "[calldata]") {
    CHECK(Uint256::from_hex("0x1").to_hex() == "0x" + std::string(63, '0') + "1");
    CHECK(Uint256::from_hex("0xABC").bytes[30] == 0x0a);
    CHECK(Uint256::from_hex("0xABC").bytes[31] == 0xbc);
    CHECK_THROWS_AS(Uint256::from_hex("12"), std::invalid_argument);
    CHECK_THROWS_AS(Uint256::from_hex("0x"), std::invalid_argument);
    CHECK_THROWS_AS(Uint256::from_hex("0x" + std::string(65, '1')), std::invalid_argument);
}
