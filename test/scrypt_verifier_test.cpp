// The generated sCrypt verifier: what it embeds, and (the [slow] cases) the contract's check run
// off chain under Node on real proofs (tools/scrypt-verify.mjs, with the pinned scrypt-ts-lib).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "support.hpp"
#include "toolchain/subprocess.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/verifier/scrypt_verifier.hpp"

using namespace zokml;
namespace fs = std::filesystem;

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

struct ScryptAnswer {
    bool verified = false;
    long verify_ms = 0;  // Groth16.verify alone: the pairings, in TypeScript
};

// A key's generated verifier.ts, and tools/scrypt-verify.mjs run against it.
class ScryptVerifier {
public:
    ScryptVerifier(const VerificationKey& key, const fs::path& dir) : dir_(dir) {
        fs::create_directories(dir_);
        std::ofstream(dir_ / "verifier.ts") << generate_scrypt_verifier(key);
    }

    // Runs `node tools/scrypt-verify.mjs --verifier verifier.ts --proof <the proof's JSON> [flags]`.
    detail::ProcessResult run_raw(const Proof& proof, const std::vector<std::string>& flags = {}) const {
        const fs::path file = dir_ / ("proof-" + std::to_string(calls_++) + ".json");
        std::ofstream(file) << proof.to_json().dump();
        const fs::path script = Toolchain::bundled().parent_path() / "scrypt-verify.mjs";
        std::vector<std::string> arguments{"node", script.string(), "--verifier", "verifier.ts", "--proof", file.string()};
        arguments.insert(arguments.end(), flags.begin(), flags.end());
        return detail::run_process("/usr/bin/env", arguments, dir_, "", std::chrono::minutes(2));
    }
    // The command's answer; it must give one (exit code 0).
    ScryptAnswer verify(const Proof& proof, const std::vector<std::string>& flags = {}) const {
        const auto result = run_raw(proof, flags);
        INFO(proof.to_json().dump() << "\n" << result.out << result.err);
        REQUIRE(result.exit_code == 0);
        const auto json = nlohmann::json::parse(result.out);
        return {json.at("verified").get<bool>(), json.at("verify_ms").get<long>()};
    }

private:
    fs::path dir_;
    mutable int calls_ = 0;
};

// Changes the last hex digit of b's first coordinate: b is then off the curve.
Proof altered_b(Proof proof) {
    auto& coordinate = proof.points["b"][0][0];
    std::string hex = coordinate.get<std::string>();
    hex.back() = hex.back() == '0' ? '1' : '0';
    coordinate = hex;
    return proof;
}

// A proof that a private held-out digit is of class `digit_class`, by the small model's shared circuit.
ModelProof prove_class(int digit_class) {
    const auto& model = test::small_mnist_model();
    for (const Digit& digit : held_out_digits()) {
        const auto input = digit_input(model, digit);
        if (run_reference(model, input).predicted_class == digit_class) return test::small_mnist_prover().prove({.input = input});
    }
    throw std::runtime_error("no held-out digit of class " + std::to_string(digit_class));
}

// A private MNIST digit's class proven (7: the verifier adds 7 times a key point), and the
// verifier of the circuit's key; once per test process.
struct MnistClass {
    test::TempDir dir;
    ModelProof proven = prove_class(7);
    ScryptVerifier verifier{test::small_mnist_prover().circuit_prover().keypair().verification_key, dir / "scrypt"};
};

const MnistClass& mnist_class() {
    static const MnistClass m;
    return m;
}

// evm/no_inputs.zok (knows a private square root of 9) proven, and its verifier; once per process.
struct NoInputs {
    test::TempDir dir;
    CircuitProver prover{test::real_toolchain(), test::fixture_circuit("evm/no_inputs.zok"), dir / "circuit"};
    Proof proof = prover.prove({Value::of_field(3)});
    ScryptVerifier verifier{prover.keypair().verification_key, dir / "scrypt"};
};

const NoInputs& no_inputs() {
    static const NoInputs n;
    return n;
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

TEST_CASE("the sCrypt verifier accepts a real proof of a private MNIST digit's class", "[scrypt][slow]") {
    const auto& m = mnist_class();
    REQUIRE(m.proven.proof.inputs.size() == 1);  // the public class
    CHECK(m.verifier.verify(m.proven.proof).verified);
}

TEST_CASE("the sCrypt verifier rejects a proof with an altered point", "[scrypt][slow]") {
    const auto& m = mnist_class();
    CHECK_FALSE(m.verifier.verify(altered_b(m.proven.proof)).verified);
}

TEST_CASE("the sCrypt verifier rejects a proof with points a and c swapped", "[scrypt][slow]") {
    const auto& m = mnist_class();
    CHECK_FALSE(m.verifier.verify(test::swapped_a_c(m.proven.proof)).verified);
}

TEST_CASE("the sCrypt verifier rejects the proof presented with another class", "[scrypt][slow]") {
    const auto& m = mnist_class();
    Proof proof = m.proven.proof;
    proof.inputs[0] = FieldElement::from_int((std::get<PrivateInputPublic>(m.proven.public_output).predicted_class + 1) % 10);
    CHECK_FALSE(m.verifier.verify(proof).verified);
}

TEST_CASE("the sCrypt verifier accepts a proof of class 0, whose input adds the point at infinity", "[scrypt][slow]") {
    const auto proven = prove_class(0);
    CHECK(mnist_class().verifier.verify(proven.proof).verified);
}

TEST_CASE("an sCrypt verifier without public inputs accepts its real proof", "[scrypt][slow]") {
    const auto& n = no_inputs();
    REQUIRE(n.proof.inputs.empty());
    CHECK(n.verifier.verify(n.proof).verified);
}

TEST_CASE("an sCrypt verifier without public inputs rejects its proof with an altered point", "[scrypt][slow]") {
    const auto& n = no_inputs();
    CHECK_FALSE(n.verifier.verify(altered_b(n.proof)).verified);
}

TEST_CASE("an sCrypt verifier without public inputs rejects its proof with points a and c swapped", "[scrypt][slow]") {
    const auto& n = no_inputs();
    CHECK_FALSE(n.verifier.verify(test::swapped_a_c(n.proof)).verified);
}

TEST_CASE("the generated sCrypt verifiers type-check as tsc --strict against the pinned scrypt-ts", "[scrypt][slow]") {
    CHECK(mnist_class().verifier.verify(mnist_class().proven.proof, {"--typecheck"}).verified);
    CHECK(no_inputs().verifier.verify(no_inputs().proof, {"--typecheck"}).verified);
}

TEST_CASE("a proof with too few public inputs for the sCrypt verifier is an error, not a rejection", "[scrypt][slow]") {
    const auto result = mnist_class().verifier.run_raw(no_inputs().proof);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains("the proof has 0 public inputs, the verifier takes 1"));
}
