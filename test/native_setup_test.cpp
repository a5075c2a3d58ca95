// The native single-party Groth16 setup (lib/prover/setup.cpp): its hash and hash-to-curve
// against values that snarkjs' own code computes (@noble/hashes, ffjavascript 0.3), and its files
// against snarkjs' verifiers (`powersoftau verify`, `zkey verify`), which recompute every hash and
// check every point; then proofs from its key against ZoKrates, snarkjs and the EVM.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <cstring>
#include <string>

#include "prover/blake2b.hpp"
#include "prover/fixed_base.hpp"
#include "prover/snarkjs_points.hpp"
#include "support.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/prover/groth16.hpp"
#include "zokml/prover/setup.hpp"
#include "zokml/toolchain/snarkjs.hpp"

using namespace zokml;
using namespace zokml::bn254;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> counting_bytes(std::size_t count) {
    std::vector<std::uint8_t> bytes(count);
    for (std::size_t i = 0; i < count; ++i) bytes[i] = static_cast<std::uint8_t>(i % 251);
    return bytes;
}

std::string openssl_blake2b(std::span<const std::uint8_t> bytes) {
    std::uint8_t out[64];
    unsigned size = 0;
    REQUIRE(EVP_Digest(bytes.data(), bytes.size(), out, &size, EVP_blake2b512(), nullptr) == 1);
    return to_hex({out, size});
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

template <class Point>
std::string uncompressed_hex(const Point& p) {
    std::array<std::uint8_t, sizeof(Point)> out{};
    prover::write_uncompressed(p, out);
    return to_hex(out);
}
template <class Point>
std::string compressed_hex(const Point& p) {
    std::array<std::uint8_t, sizeof(Point) / 2> out{};
    prover::write_compressed(p, out);
    return to_hex(out);
}

}  // namespace

TEST_CASE("BLAKE2b-512 equals OpenSSL's at every length around the block size, in one update or many", "[native][setup]") {
    for (std::size_t length : {0, 1, 63, 64, 127, 128, 129, 255, 256, 257, 1000, 4096}) {
        const auto bytes = counting_bytes(length);
        CHECK(to_hex(prover::blake2b(bytes)) == openssl_blake2b(bytes));
        prover::Blake2b pieces;
        for (std::size_t at = 0; at < length; at += 7) pieces.update(std::span(bytes).subspan(at, std::min<std::size_t>(7, length - at)));
        CHECK(to_hex(pieces.digest()) == openssl_blake2b(bytes));
    }
}

TEST_CASE("the partial hash of a contribution is snarkjs' record of the BLAKE2b state", "[native][setup]") {
    // misc.toPartialHash of @noble/hashes' blake2b after 100 bytes and then the rest.
    const auto bytes = counting_bytes(200);
    prover::Blake2b hash;
    hash.update(std::span(bytes).first(100)).update(std::span(bytes).subspan(100));
    CHECK(to_hex(hash.partial_state()) ==
          "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7"
          "48494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f5ab87e262a85a0ff0bc3c64387"
          "4a3eee0a305914f759a52846739e42afeeb0610f79edbc7246192f5d4a4a73bb60f7be27c31542510e4137a7f5d025887e6be980000000000000004800000000000000"
          "0000000000000000");
    const auto whole = counting_bytes(256);
    prover::Blake2b full;
    full.update(std::span(whole).first(100)).update(std::span(whole).subspan(100));
    const std::string state = to_hex(full.partial_state());
    CHECK(state.substr(256, 128) ==
          "5ab87e262a85a0ff0bc3c643874a3eee0a305914f759a52846739e42afeeb0610f79edbc7246192f5d4a4a73bb60f7be27c31542510e4137a7f5d025887e6be9");
    CHECK(state.substr(384) == "80000000000000008000000000000000" "0000000000000000");
}

TEST_CASE("ffjavascript's ChaCha stream from a seed", "[native][setup]") {
    prover::ChaCha rng({1, 2, 3, 4, 5, 6, 7, 8});
    const std::uint32_t expected[20] = {2291208717, 2715286880, 1416238553, 4170631896, 311912724,  2096473245, 2663528302,
                                        2947898305, 1171138527, 4066554118, 1598815824, 1331018903, 4275377581, 2401186972,
                                        3977139214, 1817675323, 4002199677, 2558236986, 2290969732, 3530802522};
    for (std::uint32_t value : expected) CHECK(rng.next_u32() == value);
}

TEST_CASE("the hash to G2 of a contribution's proof of knowledge is snarkjs' keypair.hashToG2", "[native][setup]") {
    // blake2b-512 of "" and of "zokml", and G2.fromRng(ChaCha(seed)) uncompressed, from ffjavascript.
    const auto check = [](const std::string& hash_hex, const std::string& point_hex) {
        const auto hash = from_hex(hash_hex);
        const G2Affine point = prover::hash_to_g2(std::span<const std::uint8_t, 64>(hash.data(), 64));
        CHECK(point.on_curve());
        CHECK(in_prime_order_subgroup(point));
        CHECK(uncompressed_hex(point) == point_hex);
    };
    check("786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
          "0c523e705b9c613572f1172e2b8d6f1ccc683be186d4cf900c7445fb0f7915e72b0b0c694f859d887b3625c8c354cd165941aea9c401765399d33ddae2f95686"
          "2b2de6e1352e8390db9eb6b48a05264693b59e4bd3799a1454ab9fd4ef9c0ab81aeb050dac999ffe8fae225f56b0f8a9f0c28a6ad1b3c4aacae1a70d2be29497");
    check("abca6162ff8124a9313f931b2bbea483b87ef5cd4d9bfc04b55e21aa1c195a3ace5d59a40e3b288e930e5d76f858b6beb18b43176ce3a1ee5975b29a2400b5aa",
          "2c26053aa8d3c2d758e3833f3de85311e851e63d242e93d581878916b63ba060039fd2e44e88682c9876cbe03a7cb959f64a124978a4e6226b0bd81286281b6e"
          "2b0a5c043970e59220be3b5a503848e42b756868ecc948b4b76d63a6c082898f068112270f98be59fa8cd51e9454e7ceeb3099804a385a086494fff3317b8266");
}

TEST_CASE("points are encoded as ffjavascript's toRprUncompressed and toRprCompressed, with the sign bit of y", "[native][setup]") {
    const auto g1 = [](std::uint64_t k) { return *multiply(prover::g1_generator(), {k, 0, 0, 0}).to_affine(); };
    const auto g2 = [](std::uint64_t k) { return *multiply(prover::g2_generator(), {k, 0, 0, 0}).to_affine(); };
    CHECK(uncompressed_hex(g1(5)) ==
          "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c");
    CHECK(compressed_hex(g1(5)) == "17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9");
    CHECK(compressed_hex(-g1(5)) == "97c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa9");
    CHECK(compressed_hex(g1(1234567)) == "0ba173a9155665e0f39b925d3118c2e68a63e5da3563e34603ffc5eb3e638584");
    CHECK(compressed_hex(-g1(1234567)) == "8ba173a9155665e0f39b925d3118c2e68a63e5da3563e34603ffc5eb3e638584");
    CHECK(uncompressed_hex(-g2(7)) ==
          "2903ba015a9abde26a5d081e84551e63be0fd4516e46ee6d593edeba46362455224bdc5d4327fcf8ed702e01de1c2f1657a253ba75e32a89c390142aaa28b308"
          "2c9b96a53a7ec14e3d619656a73b0d8c274aabefa38ad2df81336d58d5471c6f12d14e7db70b5011c98392439e03dde1c34fea829e48eab50dfea4119768da08");
    CHECK(compressed_hex(g2(5)) ==
          "8a09ccf561b55fd99d1c1208dee1162457b57ac5af3759d50671e510e428b2a12e539c423b302d13f4e5773c603948eaf5db5df8ae8a9a9113708390a06410d8");
    CHECK(compressed_hex(-g2(5)) ==
          "0a09ccf561b55fd99d1c1208dee1162457b57ac5af3759d50671e510e428b2a12e539c423b302d13f4e5773c603948eaf5db5df8ae8a9a9113708390a06410d8");
    CHECK(compressed_hex(-g2(7)) ==
          "a903ba015a9abde26a5d081e84551e63be0fd4516e46ee6d593edeba46362455224bdc5d4327fcf8ed702e01de1c2f1657a253ba75e32a89c390142aaa28b308");
    CHECK(compressed_hex(G1Affine{}) == "40" + std::string(62, '0'));
}

TEST_CASE("fixed-base multiples equal double-and-add, in batches with the point at infinity for zero", "[native][setup]") {
    for (unsigned window : {1u, 5u, 13u}) {
        const prover::FixedBase<G1Curve> g1(prover::g1_generator(), window, 2);
        const prover::FixedBase<G2Curve> g2(prover::g2_generator(), window, 2);
        std::vector<Fr> scalars{Fr{}, Fr::one(), -Fr::one(), Fr::from_u64(12345)};  // and 0^3 at 4
        for (std::uint64_t i = 0; i < 2100; ++i) scalars.push_back(Fr::from_u64(i * 0x9e3779b97f4a7c15ULL).pow({i + 3, 0, 0, 0}));
        std::vector<G1Affine> out1(scalars.size());
        std::vector<G2Affine> out2(scalars.size());
        g1.multiples(scalars, out1, 2);
        g2.multiples(scalars, out2, 2);
        CHECK(out1[0] == G1Affine{});
        CHECK(out2[0] == G2Affine{});
        for (std::size_t i = 1; i < scalars.size(); i += (i < 10 ? 1 : 97)) {
            INFO("window " << window << ", scalar " << i);
            CHECK(out1[i] == multiply(prover::g1_generator(), scalars[i].to_canonical()).to_affine().value_or(G1Affine{}));
            CHECK(out2[i] == multiply(prover::g2_generator(), scalars[i].to_canonical()).to_affine().value_or(G2Affine{}));
        }
    }
}

// ---- Setups of small circuits, checked by snarkjs ----------------------------------------------

namespace {

// x -> x^2 + b, `rounds` times, on a private a: about `rounds` constraints, one public input b
// and one output.
CompiledProgram squares_program(const fs::path& dir, unsigned rounds) {
    fs::create_directories(dir);
    write_file_atomically(dir / "main.zok", "def main(private field a, field b) -> field {\n    field mut x = a;\n    for u32 i in 0.." +
                                                std::to_string(rounds) + " {\n        x = x * x + b;\n    }\n    return x;\n}\n");
    return test::real_toolchain().compile(dir / "main.zok", dir / "out", /*with_r1cs=*/true);
}

struct NativeSetup {
    test::TempDir dir;
    CompiledProgram program = squares_program(dir / "squares", 20);
    fs::path ptau = dir / "setup.ptau", zkey = dir / "setup.zkey";
    prover::SetupRecord record = prover::setup_groth16(program.r1cs, ptau, zkey, 2);
};

const NativeSetup& native_setup() {
    static const NativeSetup setup;
    return setup;
}

// A copy of the file with one bit of byte `at` flipped.
fs::path tampered_copy(const fs::path& file, const fs::path& out, std::size_t at) {
    std::string bytes = read_file(file);
    REQUIRE(at < bytes.size());
    bytes[at] = static_cast<char>(bytes[at] ^ 1);
    write_file_atomically(out, bytes);
    return out;
}

// Where section `type` of an iden3 binary file starts (after its type and size).
std::size_t section_offset(const fs::path& file, std::uint32_t type) {
    const std::string bytes = read_file(file);
    std::uint32_t count = 0;
    std::memcpy(&count, bytes.data() + 8, 4);
    std::size_t at = 12;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t t = 0;
        std::uint64_t size = 0;
        std::memcpy(&t, bytes.data() + at, 4);
        std::memcpy(&size, bytes.data() + at + 4, 8);
        if (t == type) return at + 12;
        at += 12 + size;
    }
    FAIL("no section " << type);
    return 0;
}

// The native key's verification key in a file, as a Keypair for the verifiers.
Keypair native_keypair(const fs::path& zkey, const fs::path& dir) {
    fs::create_directories(dir);
    write_file_atomically(dir / "verification.key", prover::verification_key_json(zkey).dump(2));
    Keypair keypair = verification_keypair(dir / "verification.key");
    keypair.backend = Backend::Snarkjs;
    keypair.proving_key = zkey;
    return keypair;
}

Proof native_proof(const NativeSetup& setup, std::int64_t a, std::int64_t b, const fs::path& dir) {
    fs::create_directories(dir);
    Snarkjs().write_witness(setup.program, {Value::of_field(a), Value::of_field(b)}, dir / "w.wtns");
    const prover::Groth16ProvingKey key(setup.zkey);
    return Proof::from_json(prover::prove(key, prover::Groth16Witness(dir / "w.wtns")).to_json());
}

}  // namespace

TEST_CASE("the native powers of tau have the smallest power and pass snarkjs' powersoftau verify", "[native][setup][slow]") {
    const auto& setup = native_setup();
    const prover::R1csSize size = prover::read_r1cs_size(setup.program.r1cs);
    CHECK(size.power == Snarkjs().required_power(setup.program.r1cs));
    CHECK(setup.record.power == size.power);
    const SetupTranscript verdict = Snarkjs().verify_ptau(setup.ptau);
    INFO(verdict.reason);
    CHECK(verdict.valid);
}

TEST_CASE("the native .zkey passes snarkjs' zkey verify against the r1cs and the powers of tau", "[native][setup][slow]") {
    const auto& setup = native_setup();
    const SetupTranscript verdict = Snarkjs().verify_setup(setup.program.r1cs, setup.ptau, setup.zkey);
    INFO(verdict.reason);
    CHECK(verdict.valid);
    REQUIRE(verdict.contributions.size() == 1);
    CHECK(verdict.contributions[0].hash == setup.record.contribution_hash);
}

TEST_CASE("a tampered native powers of tau or .zkey is refused by snarkjs' verifiers", "[native][setup][slow]") {
    const auto& setup = native_setup();
    const test::TempDir work;
    // A point of tauG1 (section 2), of the Lagrange tauG1 section (12), the contribution's record (7).
    for (const auto& [section, offset] : {std::pair{2u, 64u * 3 + 5}, std::pair{12u, 64u * 2 + 9}, std::pair{7u, 64u + 3}}) {
        INFO("ptau section " << section);
        const fs::path bad = tampered_copy(setup.ptau, work / ("bad" + std::to_string(section) + ".ptau"), section_offset(setup.ptau, section) + offset);
        CHECK_FALSE(Snarkjs().verify_ptau(bad).valid);
    }
    // The key's A points (5), H points (9), C points (8) and its contribution (10).
    for (const auto& [section, offset] : {std::pair{5u, 64u + 7}, std::pair{9u, 64u * 3 + 1}, std::pair{8u, 11u}, std::pair{10u, 64u + 70}}) {
        INFO("zkey section " << section);
        const fs::path bad = tampered_copy(setup.zkey, work / ("bad" + std::to_string(section) + ".zkey"), section_offset(setup.zkey, section) + offset);
        CHECK_FALSE(Snarkjs().verify_setup(setup.program.r1cs, setup.ptau, bad).valid);
    }
}

TEST_CASE("two native setups of one circuit draw different secrets: different keys, each verified", "[native][setup][slow]") {
    const auto& setup = native_setup();
    const test::TempDir work;
    const prover::SetupRecord again = prover::setup_groth16(setup.program.r1cs, work / "again.ptau", work / "again.zkey", 1);
    CHECK(again.power == setup.record.power);
    CHECK(again.ptau_response_hash != setup.record.ptau_response_hash);
    CHECK(again.circuit_hash != setup.record.circuit_hash);  // it hashes the key's points, which depend on tau
    CHECK(again.contribution_hash != setup.record.contribution_hash);
    CHECK(prover::verification_key_json(work / "again.zkey") != prover::verification_key_json(setup.zkey));
    CHECK(Snarkjs().verify_setup(setup.program.r1cs, work / "again.ptau", work / "again.zkey").valid);
}

TEST_CASE("the native .zkey's verification key is snarkjs' export of it", "[native][setup][slow]") {
    const auto& setup = native_setup();
    const test::TempDir work;
    const VerificationKey exported = Snarkjs().export_verification_key(setup.zkey, work / "exported.key", 0);
    CHECK(VerificationKey::from_json(prover::verification_key_json(setup.zkey)) == exported);
    CHECK(prover::verification_key_json(setup.zkey) == nlohmann::json::parse(read_file(work / "exported.key")));
}

TEST_CASE("a native proof from the native key passes ZoKrates, snarkjs and the EVM verifier; a false claim fails them", "[native][setup][slow]") {
    const auto& setup = native_setup();
    const test::TempDir work;
    const Keypair keypair = native_keypair(setup.zkey, work / "keys");
    const Proof proof = native_proof(setup, 3, 5, work / "proof");
    CHECK(test::real_toolchain().verify(keypair, proof, work / "zokrates"));
    CHECK(Snarkjs().verify(keypair, proof, work / "snarkjs"));
    CHECK(test::EvmVerifier(keypair, work / "evm").call(proof).verified);
    Proof other_input = proof;
    other_input.inputs.front() = FieldElement::from_int(6);  // the output: snarkjs lists outputs first
    CHECK_FALSE(test::real_toolchain().verify(keypair, other_input, work / "zokrates-false"));
    CHECK_FALSE(Snarkjs().verify(keypair, other_input, work / "snarkjs-false"));
    CHECK_FALSE(test::EvmVerifier(keypair, work / "evm-false").call(other_input).verified);
}

TEST_CASE("a proof under another native setup of the same circuit fails", "[native][setup][slow]") {
    const auto& setup = native_setup();
    const test::TempDir work;
    prover::setup_groth16(setup.program.r1cs, work / "other.ptau", work / "other.zkey", 1);
    const Keypair other = native_keypair(work / "other.zkey", work / "other");
    CHECK_FALSE(Snarkjs().verify(other, native_proof(setup, 3, 5, work / "proof"), work / "snarkjs"));
}
TEST_CASE("a setup of a 2^15 domain passes zkey verify: the circuit hash's read past the tauG1 section is snarkjs'",
          "[native][setup][slow]") {
    // zkey_new.js hashes one point more than the H points from n = 2^15 on, made of the bytes
    // after the tauG1 section by wasm field operations on unreduced values (setup.cpp, wasm::).
    const test::TempDir work;
    const CompiledProgram program = squares_program(work / "squares", 20000);
    REQUIRE(prover::read_r1cs_size(program.r1cs).power == 15);
    prover::setup_groth16(program.r1cs, work / "setup.ptau", work / "setup.zkey");
    const SetupTranscript verdict = Snarkjs().verify_setup(program.r1cs, work / "setup.ptau", work / "setup.zkey");
    INFO(verdict.reason);
    CHECK(verdict.valid);
}
TEST_CASE("circuits of one power set up together share one powers of tau, each .zkey verified against it with a delta of its own",
          "[native][setup][slow]") {
    const test::TempDir work;
    const CompiledProgram first = squares_program(work / "first", 20), second = squares_program(work / "second", 24);
    REQUIRE(prover::read_r1cs_size(first.r1cs).power == prover::read_r1cs_size(second.r1cs).power);
    const std::vector<prover::SetupTarget> targets{{first.r1cs, work / "first.zkey"}, {second.r1cs, work / "second.zkey"}};
    const auto records = prover::setup_groth16(targets, work / "shared.ptau", 2);
    REQUIRE(records.size() == 2);
    CHECK(records[0].ptau_response_hash == records[1].ptau_response_hash);
    CHECK(records[0].contribution_hash != records[1].contribution_hash);
    CHECK(Snarkjs().verify_ptau(work / "shared.ptau").valid);
    for (const auto& [program, zkey] : {std::pair{first, work / "first.zkey"}, std::pair{second, work / "second.zkey"}}) {
        const SetupTranscript verdict = Snarkjs().verify_setup(program.r1cs, work / "shared.ptau", zkey);
        INFO(zkey << ": " << verdict.reason);
        CHECK(verdict.valid);
    }
    // Each key has a delta of its own.
    const auto delta = [](const fs::path& zkey) { return prover::verification_key_json(zkey).at("delta"); };
    CHECK(delta(work / "first.zkey") != delta(work / "second.zkey"));
}

TEST_CASE("circuits of different powers are not set up on one powers of tau", "[native][setup][slow]") {
    const test::TempDir work;
    const CompiledProgram small = squares_program(work / "small", 20), large = squares_program(work / "large", 40);
    REQUIRE(prover::read_r1cs_size(small.r1cs).power != prover::read_r1cs_size(large.r1cs).power);
    const std::vector<prover::SetupTarget> targets{{small.r1cs, work / "small.zkey"}, {large.r1cs, work / "large.zkey"}};
    CHECK_THROWS_AS(prover::setup_groth16(targets, work / "shared.ptau"), std::invalid_argument);
    CHECK_FALSE(fs::exists(work / "shared.ptau"));
}

// ---- The .r1cs reader against hostile files ------------------------------------------------------

namespace {

// An iden3 .r1cs: header (BN254's r, the counts) and the constraints' bytes as given.
struct R1csParts {
    std::uint32_t field_size = 32;
    Limbs prime = FrParams::modulus;
    std::uint32_t wires = 4, outputs = 1, public_inputs = 1, private_inputs = 1, constraints = 1;
    std::string constraint_bytes = terms({{3, 1}}) + terms({{2, 1}}) + terms({{1, 1}});  // w3 * w2 = w1

    static std::string u32(std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
    static std::string terms(const std::vector<std::pair<std::uint32_t, std::uint64_t>>& list) {
        std::string out = u32(static_cast<std::uint32_t>(list.size()));
        for (const auto& [wire, value] : list) {
            const Limbs limbs{value, 0, 0, 0};
            out += u32(wire) + std::string(reinterpret_cast<const char*>(limbs.data()), 32);
        }
        return out;
    }
    std::string file() const {
        std::string header = u32(field_size) + std::string(reinterpret_cast<const char*>(prime.data()), 32) + u32(wires) + u32(outputs) +
                             u32(public_inputs) + u32(private_inputs) + std::string(8, '\0') + u32(constraints);
        const auto section = [](std::uint32_t type, const std::string& bytes) {
            const std::uint64_t size = bytes.size();
            return u32(type) + std::string(reinterpret_cast<const char*>(&size), 8) + bytes;
        };
        return "r1cs" + u32(1) + u32(2) + section(1, header) + section(2, constraint_bytes);
    }
};

void expect_input_error(const fs::path& file, const std::string& section, const std::string& reason) {
    try {
        prover::read_r1cs_size(file);
        FAIL("no InputError");
    } catch (const InputError& e) {
        CHECK(e.file() == file);
        CHECK_THAT(e.what(), Catch::Contains(section) && Catch::Contains(reason));
    }
}

}  // namespace

TEST_CASE("a well-formed .r1cs is read with its counts and the power snarkjs asks of it", "[native][setup]") {
    const test::TempDir dir;
    write_file_atomically(dir / "c.r1cs", R1csParts{}.file());
    const prover::R1csSize size = prover::read_r1cs_size(dir / "c.r1cs");
    CHECK(size.constraints == 1);
    CHECK(size.variables == 4);
    CHECK(size.public_signals == 2);
    CHECK(size.power == 2);  // 1 + 2 + 1 = 4 points
}

TEST_CASE("an .r1cs of another field, a wire out of range, a coefficient not below r or counts its bytes do not hold is an InputError naming the section",
          "[native][setup][hostile]") {
    const test::TempDir dir;
    const auto check = [&](R1csParts parts, const std::string& section, const std::string& reason) {
        write_file_atomically(dir / "bad.r1cs", parts.file());
        expect_input_error(dir / "bad.r1cs", section, reason);
    };
    R1csParts other_field;
    other_field.prime[0] += 2;
    check(other_field, "header", "not BN254");
    R1csParts wide_field;
    wide_field.field_size = 48;
    check(wide_field, "header", "not 32 bytes");
    R1csParts far_wire;
    far_wire.constraint_bytes = R1csParts::terms({{4, 1}}) + R1csParts::terms({}) + R1csParts::terms({});
    check(far_wire, "constraints", "wire 4 of 4");
    R1csParts big_value;
    big_value.constraint_bytes = R1csParts::terms({{1, 1}}) + R1csParts::terms({}) + R1csParts::terms({});
    std::memcpy(big_value.constraint_bytes.data() + 8, FrParams::modulus.data(), 32);
    check(big_value, "constraints", "not below the field's modulus");
    R1csParts many_constraints;
    many_constraints.constraints = 0xffffffff;
    check(many_constraints, "header", "need 2^33 points");
    R1csParts more_constraints;
    more_constraints.constraints = 1000;
    check(more_constraints, "constraints", "1000 constraints need at least 12000 bytes");
    R1csParts many_terms;
    many_terms.constraint_bytes = R1csParts::u32(0x10000000) + many_terms.constraint_bytes.substr(4);
    check(many_terms, "constraints", "claims 268435456 terms");
    R1csParts public_too_many;
    public_too_many.outputs = 3;
    check(public_too_many, "header", "do not fit in 4 wires");
    R1csParts trailing;
    trailing.constraint_bytes += "x";
    check(trailing, "constraints", "1 bytes are left over");
}

TEST_CASE("a real .r1cs cut short anywhere is an InputError naming the file, and the setup writes nothing", "[native][setup][hostile][slow]") {
    const auto& setup = native_setup();
    const std::string bytes = read_file(setup.program.r1cs);
    const test::TempDir dir;
    for (std::size_t length = 0; length < bytes.size(); length += (length < 200 ? 1 : 97)) {
        INFO("length " << length);
        write_file_atomically(dir / "cut.r1cs", bytes.substr(0, length));
        CHECK_THROWS_AS(prover::read_r1cs_size(dir / "cut.r1cs"), InputError);
    }
    CHECK_THROWS_AS(prover::setup_groth16(dir / "cut.r1cs", dir / "out.ptau", dir / "out.zkey"), InputError);
    CHECK_FALSE(fs::exists(dir / "out.ptau"));
    CHECK_FALSE(fs::exists(dir / "out.zkey"));
    CHECK_THROWS_AS(prover::read_r1cs_size(dir.path()), InputError);  // a folder
    CHECK_THROWS_AS(prover::read_r1cs_size(dir / "missing.r1cs"), InputError);
}

TEST_CASE("the verification key of a .zkey cut short, or of a missing file, is an InputError naming the file", "[native][setup][hostile][slow]") {
    const std::string bytes = read_file(native_setup().zkey);
    const test::TempDir dir;
    for (std::size_t length = 0; length < bytes.size(); length += (length < 400 ? 1 : 211)) {
        INFO("length " << length);
        write_file_atomically(dir / "cut.zkey", bytes.substr(0, length));
        try {
            prover::verification_key_json(dir / "cut.zkey");
            FAIL("no InputError");
        } catch (const InputError& e) {
            CHECK(e.file() == dir / "cut.zkey");
        }
    }
    CHECK_THROWS_AS(prover::verification_key_json(dir / "missing.zkey"), InputError);
}
