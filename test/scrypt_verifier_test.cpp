#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>

#include "support.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/verifier/scrypt_verifier.hpp"

using namespace zokml;

namespace {

VerificationKey fixture_key(const std::string& name) {
    return VerificationKey::from_json(nlohmann::json::parse(std::ifstream(test::data_path("evm/" + name))));
}

// 0x-hex to decimal by long division, independent of the library's conversion.
std::string decimal(const std::string& hex) {
    std::vector<int> digits;  // base 16, most significant first
    for (const char c : hex.substr(2)) digits.push_back(std::stoi(std::string(1, c), nullptr, 16));
    std::string out;
    while (!digits.empty()) {
        int remainder = 0;
        std::vector<int> quotient;
        for (const int d : digits) {
            const int value = remainder * 16 + d;
            if (!quotient.empty() || value / 10 != 0) quotient.push_back(value / 10);
            remainder = value % 10;
        }
        out.insert(out.begin(), static_cast<char>('0' + remainder));
        digits = quotient;
    }
    return out.empty() ? "0" : out;
}

// Every bigint literal of the text between `from` and the next line holding only "}" or "]".
std::vector<std::string> literals_in(const std::string& source, const std::string& from) {
    const auto start = source.find(from);
    REQUIRE(start != std::string::npos);
    const auto end = std::min(source.find("\n}\n", start), source.find("\n]\n", start));
    const std::string block = source.substr(start, end - start);
    std::vector<std::string> found;
    const std::regex literal(R"(\b([0-9]+)n\b)");
    for (auto it = std::sregex_iterator(block.begin(), block.end(), literal); it != std::sregex_iterator(); ++it) found.push_back((*it)[1]);
    return found;
}

std::vector<std::string> decimals_of(const nlohmann::json& point) {
    std::vector<std::string> out;
    if (point.is_string()) return {decimal(point.get<std::string>())};
    for (const auto& part : point)
        for (auto& d : decimals_of(part)) out.push_back(d);
    return out;
}

}  // namespace

TEST_CASE("the sCrypt verifier embeds the key's points as decimal literals in ZoKrates' order", "[scrypt]") {
    const auto key = fixture_key("square_g16_verification.key");
    const auto source = generate_scrypt_verifier(key);
    std::vector<std::string> expected;
    for (const char* name : {"alpha", "beta", "gamma", "delta"})
        for (auto& d : decimals_of(key.points[name])) expected.push_back(d);
    CHECK(literals_in(source, "export const VERIFYING_KEY = {") == expected);
    CHECK(literals_in(source, "const GAMMA_ABC") == decimals_of(key.points["gamma_abc"]));
    CHECK(expected.size() == 2 + 3 * 4);
}

TEST_CASE("the sCrypt verifier takes as many public inputs as the key verifies", "[scrypt]") {
    const auto key = fixture_key("square_g16_verification.key");
    CHECK(scrypt_public_inputs(key) == 2);
    const auto source = generate_scrypt_verifier(key);
    CHECK_THAT(source, Catch::Contains("export const N_PUB_INPUTS = 2\n"));
    CHECK_THAT(source, Catch::Contains("const GAMMA_ABC: FixedArray<G1Point, 3> = ["));
    CHECK_THAT(source, Catch::Contains("gammaAbc: FixedArray<G1Point, 3>"));
    CHECK_THAT(source, Catch::Contains("publicInputs: FixedArray<bigint, typeof N_PUB_INPUTS>"));
    CHECK_THAT(source, Catch::Contains("Groth16.verify(this.vk, this.publicInputs, proof)"));
}

TEST_CASE("a key without public inputs gives a contract that takes none", "[scrypt]") {
    const auto key = fixture_key("no_inputs_g16_verification.key");
    CHECK(scrypt_public_inputs(key) == 0);
    const auto source = generate_scrypt_verifier(key);
    CHECK_THAT(source, Catch::Contains("export const N_PUB_INPUTS = 0\n"));
    CHECK_THAT(source, Catch::Contains("static verify(vk: PreparedVerifyingKey, proof: Groth16Proof)"));
    CHECK_THAT(source, !Catch::Contains("publicInputs") && !Catch::Contains("FixedArray<bigint"));
}

TEST_CASE("the sCrypt verifier is deterministic and names the key's SHA-256", "[scrypt]") {
    const auto key = fixture_key("square_g16_verification.key");
    CHECK(generate_scrypt_verifier(key) == generate_scrypt_verifier(key));
    CHECK_THAT(generate_scrypt_verifier(key), Catch::StartsWith("// A Groth16 verifier on BN254") &&
                                                  Catch::Contains("SHA-256 " + sha256_hex(key.to_json().dump())));
}

TEST_CASE("only g16 keys on bn128 get an sCrypt verifier", "[scrypt]") {
    auto key = fixture_key("square_g16_verification.key");
    key.scheme = "gm17";
    CHECK_THROWS_WITH(generate_scrypt_verifier(key), Catch::Contains("gm17"));
}

TEST_CASE("a malformed key is refused naming the point", "[scrypt]") {
    auto key = fixture_key("square_g16_verification.key");
    key.points["gamma_abc"][1][0] = 7;
    CHECK_THROWS_WITH(generate_scrypt_verifier(key), Catch::Contains("gamma_abc[1]"));
    key = fixture_key("square_g16_verification.key");
    key.points.erase("delta");
    CHECK_THROWS_WITH(generate_scrypt_verifier(key), Catch::Contains("delta"));
}
