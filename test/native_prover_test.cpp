// The native Groth16 prover (lib/prover/): its multi-scalar multiplication against the naive sum,
// its NTT against the naive evaluation, its readers against hostile files, and its proofs against
// the verifiers that are not ours (ZoKrates, snarkjs, the EVM). The field and group arithmetic it
// builds on is checked against GMP in bn254_test.cpp.
#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <random>
#include <string>

#include "crypto/bn254/curve.hpp"
#include "prover/batch_inverse.hpp"
#include "prover/msm.hpp"
#include "prover/ntt.hpp"
#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/model/model.hpp"
#include "zokml/project/ceremony.hpp"
#include "zokml/project/circuit_folder.hpp"
#include "zokml/prover/groth16.hpp"
#include "zokml/quantize/quantize.hpp"
#include "zokml/toolchain/snarkjs.hpp"

using namespace zokml;
using namespace zokml::bn254;
namespace fs = std::filesystem;

namespace {

const G1Affine kG1{Fq::from_u64(1), Fq::from_u64(2)};
Fq fq(const char* decimal) {
    Limbs limbs{};
    for (const char* c = decimal; *c; ++c) {  // limbs = limbs * 10 + digit
        unsigned __int128 carry = static_cast<unsigned>(*c - '0');
        for (auto& limb : limbs) {
            const unsigned __int128 v = static_cast<unsigned __int128>(limb) * 10 + carry;
            limb = static_cast<std::uint64_t>(v);
            carry = v >> 64;
        }
    }
    return Fq::from_canonical(limbs);
}
// G2's generator (EIP-197).
const G2Affine kG2{{fq("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                    fq("11559732032986387107991004021392285783925812861821192530917403151452391805634")},
                   {fq("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                    fq("4082367875863433681332203403145435568316851327593401208105741076214120093531")}};

Limbs random_limbs(std::mt19937_64& engine) { return {engine(), engine(), engine(), engine()}; }

// Points k G for random k, with repeats, negations and points at infinity ((0, 0)) mixed in.
template <class Curve>
std::vector<AffinePoint<Curve>> sample_points(const AffinePoint<Curve>& generator, std::size_t count, std::mt19937_64& engine) {
    std::vector<AffinePoint<Curve>> points;
    for (std::size_t i = 0; i < count; ++i) {
        switch (engine() % 8) {
        case 0:
            points.push_back({});  // infinity
            break;
        case 1:
            if (!points.empty()) {
                points.push_back(points[engine() % points.size()]);  // a repeat
                break;
            }
            [[fallthrough]];
        case 2:
            if (!points.empty()) {
                points.push_back(-points[engine() % points.size()]);  // a negation (or infinity's "negation", (0, 0) again)
                break;
            }
            [[fallthrough]];
        default:
            points.push_back(*multiply(generator, random_limbs(engine)).to_affine());
        }
    }
    return points;
}

std::vector<Limbs> sample_scalars(std::size_t count, std::mt19937_64& engine) {
    const Limbs edges[] = {Limbs{}, Limbs{1, 0, 0, 0}, Limbs{FrParams::modulus[0] - 1, FrParams::modulus[1], FrParams::modulus[2], FrParams::modulus[3]},
                           Limbs{~0ull, ~0ull, ~0ull, ~0ull}};
    std::vector<Limbs> scalars;
    for (std::size_t i = 0; i < count; ++i) {
        const auto pick = engine() % 6;
        scalars.push_back(pick < 4 ? edges[pick] : random_limbs(engine));
    }
    return scalars;
}

template <class Curve>
JacobianPoint<Curve> naive_sum(const std::vector<AffinePoint<Curve>>& points, const std::vector<Limbs>& scalars) {
    JacobianPoint<Curve> sum;
    for (std::size_t i = 0; i < points.size(); ++i)
        if (!(points[i].x.is_zero() && points[i].y.is_zero())) sum = sum + multiply(points[i], scalars[i]);
    return sum;
}

template <class Curve>
void check_msm(const AffinePoint<Curve>& generator, std::initializer_list<std::size_t> sizes, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    for (const std::size_t size : sizes) {
        const auto points = sample_points(generator, size, engine);
        const auto scalars = sample_scalars(size, engine);
        const auto expected = naive_sum(points, scalars);
        for (const unsigned threads : {1u, 2u, 3u}) {
            INFO("points: " << size << ", threads: " << threads);
            CHECK(prover::multi_scalar_multiply<Curve>(points, scalars, threads) == expected);
        }
    }
}

}  // namespace

TEST_CASE("the multi-scalar multiplication on G1 equals the naive sum, with repeated points, points at infinity, scalars 0, 1, "
          "r - 1 and 2^256 - 1, on one to three threads",
          "[native]") {
    check_msm(kG1, {0, 1, 2, 3, 17, 100, 700, 4000}, 1);
}

TEST_CASE("a multi-scalar multiplication of thousands of points adds them into affine buckets in batches, of few into Jacobian ones",
          "[native]") {
    CHECK(prover::msm_plan(4000).affine_buckets);  // the sizes that the tests above and below check against the naive sum
    CHECK(prover::msm_plan(3000, 64).affine_buckets);
    CHECK_FALSE(prover::msm_plan(700).affine_buckets);
}

TEST_CASE("the multi-scalar multiplication of small scalars (windows up to the largest one's top bit) or zero scalars equals the naive sum",
          "[native]") {
    std::mt19937_64 engine(4);
    for (const auto [scalar_bits, count] : {std::pair{0u, 150}, {1u, 150}, {1u, 3000}, {7u, 150}, {64u, 150}, {64u, 3000}, {65u, 150}}) {
        const auto points = sample_points(kG1, count, engine);
        std::vector<Limbs> scalars;
        for (std::size_t i = 0; i < points.size(); ++i) {
            Limbs s{};
            for (unsigned bit = 0; bit < scalar_bits; ++bit) s[bit / 64] |= (engine() & 1) << (bit % 64);
            scalars.push_back(s);
        }
        INFO("scalars of up to " << scalar_bits << " bits, " << count << " points");
        CHECK(prover::multi_scalar_multiply<G1Curve>(points, scalars, 2) == naive_sum(points, scalars));
    }
}

TEST_CASE("invert_all gives each value's inverse, for every length of its four chains, in F_r and F_q2", "[native]") {
    std::mt19937_64 engine(7);
    std::vector<Fr> prefix;
    std::vector<Fq2> prefix2;
    for (std::size_t size = 0; size <= 9; ++size) {
        std::vector<Fr> values;
        std::vector<Fq2> values2;
        for (std::size_t i = 0; i < size; ++i) {
            values.push_back(i == 0 ? Fr::one() : Fr::from_canonical({engine(), engine(), engine(), engine() >> 3}));
            values2.push_back({Fq::from_u64(engine() | 1), Fq::from_u64(engine())});
        }
        auto inverses = values;
        auto inverses2 = values2;
        prover::invert_all<Fr>(inverses, prefix);
        prover::invert_all<Fq2>(inverses2, prefix2);
        INFO("values: " << size);
        for (std::size_t i = 0; i < size; ++i) {
            CHECK(inverses[i] * values[i] == Fr::one());
            CHECK(inverses2[i] * values2[i] == Fq2::one());
        }
    }
}

TEST_CASE("the multi-scalar multiplication on G2 equals the naive sum", "[native]") { check_msm(kG2, {0, 1, 5, 60, 3000}, 2); }

TEST_CASE("the window of the multi-scalar multiplication grows with the number of points", "[native]") {
    CHECK(prover::msm_plan(1).window_bits <= 3);
    CHECK(prover::msm_plan(1 << 16).window_bits >= 10);
    CHECK(prover::msm_plan(1 << 16).window_bits <= 14);
    CHECK(prover::msm_plan(1 << 10).window_bits < prover::msm_plan(1 << 16).window_bits);
    CHECK(prover::msm_plan(1 << 16, 8).window_bits >= 9);  // one window: scalars of 8 bits and a signed digit's carry
}

TEST_CASE("the NTT's roots of unity are snarkjs': 5^((r - 1) / 2^28), of order exactly 2^k", "[native]") {
    // ffjavascript's w[28] for bn128's F_r.
    const Limbs w28{0x9bd61b6e725b19f0, 0x402d111e41112ed4, 0x00e0a7eb8ef62abc, 0x2a3c09f0a58a7e85};
    CHECK(prover::root_of_unity(28).to_canonical() == w28);
    for (const unsigned k : {1u, 5u, 16u}) {
        Fr w = prover::root_of_unity(k);
        for (unsigned i = 1; i < k; ++i) w = w.squared();
        CHECK(w == -Fr::one());  // w^(2^(k-1)) = -1: the order is 2^k, not less
    }
}

TEST_CASE("the NTT equals the naive evaluation at the powers of the root, and the inverse NTT undoes it", "[native]") {
    std::mt19937_64 engine(3);
    for (const unsigned log_size : {0u, 1u, 2u, 3u, 6u, 13u}) {
        const prover::Domain domain(log_size);
        std::vector<Fr> coefficients(domain.size());
        for (Fr& c : coefficients) c = Fr::from_less_than_2p({engine(), engine(), engine(), engine() >> 3});
        std::vector<Fr> values = coefficients;
        domain.forward(values, 2);
        INFO("log size " << log_size);
        const std::size_t checked = std::min<std::size_t>(domain.size(), 16);  // naive evaluation is quadratic
        for (std::size_t i = 0; i < checked; ++i) {
            const std::size_t at = i * domain.size() / checked;
            const Fr x = domain.generator().pow({at, 0, 0, 0});
            Fr naive;
            for (std::size_t j = coefficients.size(); j-- > 0;) naive = naive * x + coefficients[j];  // Horner
            CHECK(values[at] == naive);
        }
        for (const unsigned threads : {1u, 3u}) {  // one thread, and a count that is not a power of two
            std::vector<Fr> again = coefficients;
            domain.forward(again, threads);
            CHECK(again == values);
            domain.inverse(again, threads);
            CHECK(again == coefficients);
        }
        domain.inverse(values, 2);
        CHECK(values == coefficients);
    }
}

// ---- Hostile .zkey and .wtns files -------------------------------------------------------------

namespace {

std::string u32(std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string u64(std::uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }
std::string bytes_of(const Limbs& limbs) { return std::string(reinterpret_cast<const char*>(limbs.data()), 32); }
template <class T>
std::string raw(const T& value) {
    return std::string(reinterpret_cast<const char*>(&value), sizeof value);  // Montgomery forms, as snarkjs writes them
}

std::string container(const std::string& magic, std::uint32_t version, const std::vector<std::pair<std::uint32_t, std::string>>& sections) {
    std::string out = magic + u32(version) + u32(static_cast<std::uint32_t>(sections.size()));
    for (const auto& [type, bytes] : sections) out += u32(type) + u64(bytes.size()) + bytes;
    return out;
}

// A well-formed .zkey of 2 variables (1 and one public input), 2 constraints, every point G.
struct ZkeyParts {
    std::uint32_t variables = 2, public_inputs = 1, domain_size = 2, coefficient_count = 1;
    Limbs q = FqParams::modulus;
    Limbs coordinate = std::bit_cast<Limbs>(Fq::from_u64(1));
    std::uint64_t a_points = 2;

    std::string file() const {
        const std::string g1 = bytes_of(coordinate) + raw(kG1.y), g2 = raw(kG2);
        std::string groth16 = u32(32) + bytes_of(q) + u32(32) + bytes_of(FrParams::modulus) + u32(variables) + u32(public_inputs) +
                              u32(domain_size) + g1 + g1 + g2 + g2 + g1 + g2;
        const std::string coefficients = u32(coefficient_count) + u32(0) + u32(1) + u32(1) + bytes_of({1, 0, 0, 0});
        std::string a, b1, b2, h;
        for (std::uint64_t i = 0; i < a_points; ++i) a += g1;
        for (int i = 0; i < 2; ++i) b1 += g1, b2 += g2, h += g1;
        return container("zkey", 1, {{1, u32(1)}, {2, groth16}, {4, coefficients}, {5, a}, {6, b1}, {7, b2}, {8, ""}, {9, h}});
    }
};

std::string wtns_file(std::uint32_t count, const std::vector<Limbs>& values) {
    std::string body;
    for (const Limbs& v : values) body += bytes_of(v);
    return container("wtns", 2, {{1, u32(32) + bytes_of(FrParams::modulus) + u32(count)}, {2, body}});
}

// The InputError's text when reading the file fails with one, else a failed check.
template <class Reader>
std::string input_error(const fs::path& file, const std::string& bytes) {
    write_file_atomically(file, bytes);
    try {
        Reader reader(file);
    } catch (const InputError& e) {
        CHECK(e.file() == file);
        return e.what();
    }
    FAIL_CHECK("no InputError for " << file);
    return "";
}

}  // namespace

TEST_CASE("a well-formed .zkey and .wtns are read with their counts", "[native]") {
    const test::TempDir dir;
    write_file_atomically(dir / "key.zkey", ZkeyParts{}.file());
    const prover::Groth16ProvingKey key(dir / "key.zkey");
    CHECK(key.variables() == 2);
    CHECK(key.public_inputs() == 1);
    CHECK(key.domain_size() == 2);
    write_file_atomically(dir / "w.wtns", wtns_file(2, {{1, 0, 0, 0}, {7, 0, 0, 0}}));
    const prover::Groth16Witness witness(dir / "w.wtns");
    CHECK(witness.size() == 2);
    CHECK(witness[1] == FieldElement::from_int(7));
}

TEST_CASE("a truncated .zkey or .wtns is an InputError naming the file, at every length", "[native][hostile]") {
    const test::TempDir dir;
    const std::string key = ZkeyParts{}.file(), witness = wtns_file(2, {{1, 0, 0, 0}, {7, 0, 0, 0}});
    for (std::size_t length = 0; length < key.size(); length += 7) input_error<prover::Groth16ProvingKey>(dir / "key.zkey", key.substr(0, length));
    for (std::size_t length = 0; length < witness.size(); ++length)
        input_error<prover::Groth16Witness>(dir / "w.wtns", witness.substr(0, length));
}

TEST_CASE("a folder or a missing file given as a .zkey or .wtns is an InputError naming it", "[native][hostile]") {
    const test::TempDir dir;
    for (const fs::path& path : {dir.path(), dir / "missing.zkey"}) {
        CHECK_THROWS_MATCHES(prover::Groth16ProvingKey(path), InputError, Catch::Predicate<InputError>([&](const InputError& e) { return e.file() == path; }));
        CHECK_THROWS_MATCHES(prover::Groth16Witness(path), InputError, Catch::Predicate<InputError>([&](const InputError& e) { return e.file() == path; }));
    }
}

TEST_CASE("a .zkey whose counts do not match its sections is an InputError naming the section, before any allocation", "[native][hostile]") {
    const test::TempDir dir;
    const fs::path file = dir / "key.zkey";
    ZkeyParts huge_variables;
    huge_variables.variables = 0xffffffff;
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, huge_variables.file()), Catch::Contains("A points"));
    ZkeyParts huge_coefficients;
    huge_coefficients.coefficient_count = 0xffffffff;
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, huge_coefficients.file()), Catch::Contains("coefficients"));
    ZkeyParts too_many_public;
    too_many_public.public_inputs = 2;
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, too_many_public.file()), Catch::Contains("public inputs"));
    ZkeyParts odd_domain;
    odd_domain.domain_size = 3;
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, odd_domain.file()), Catch::Contains("power of two"));
    ZkeyParts other_curve;
    other_curve.q[0] ^= 2;
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, other_curve.file()), Catch::Contains("not BN254"));
    ZkeyParts big_coordinate;
    big_coordinate.coordinate = FqParams::modulus;
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, big_coordinate.file()), Catch::Contains("modulus"));
    ZkeyParts short_section;
    short_section.a_points = 1;
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, short_section.file()), Catch::Contains("A points"));
    // A section that claims more bytes than the file has.
    std::string claims_too_much = ZkeyParts{}.file();
    const std::uint64_t huge = ~std::uint64_t{0} - 5;
    std::memcpy(claims_too_much.data() + 12 + 4, &huge, 8);
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, claims_too_much), Catch::Contains("section table"));
    CHECK_THAT(input_error<prover::Groth16ProvingKey>(file, wtns_file(1, {{1, 0, 0, 0}})), Catch::Contains("not a snarkjs .zkey"));
}

TEST_CASE("a .wtns with a huge count, a value not below r or another field is an InputError naming the section", "[native][hostile]") {
    const test::TempDir dir;
    const fs::path file = dir / "w.wtns";
    CHECK_THAT(input_error<prover::Groth16Witness>(file, wtns_file(0xffffffff, {{1, 0, 0, 0}})), Catch::Contains("values"));
    CHECK_THAT(input_error<prover::Groth16Witness>(file, wtns_file(2, {{1, 0, 0, 0}, FrParams::modulus})), Catch::Contains("not below"));
    std::string other_field = wtns_file(1, {{1, 0, 0, 0}});
    other_field[12 + 12 + 4] ^= 1;  // the modulus' lowest byte
    CHECK_THAT(input_error<prover::Groth16Witness>(file, other_field), Catch::Contains("not BN254"));
}

TEST_CASE("a witness of another length than the key's variables is an InputError naming the witness", "[native][hostile]") {
    const test::TempDir dir;
    write_file_atomically(dir / "key.zkey", ZkeyParts{}.file());
    write_file_atomically(dir / "w.wtns", wtns_file(3, {{1, 0, 0, 0}, {7, 0, 0, 0}, {8, 0, 0, 0}}));
    const prover::Groth16ProvingKey key(dir / "key.zkey");
    const prover::Groth16Witness witness(dir / "w.wtns");
    try {
        prover::prove(key, witness);
        FAIL("no InputError");
    } catch (const InputError& e) {
        CHECK(e.file() == dir / "w.wtns");
        CHECK_THAT(e.what(), Catch::Contains("2 variables"));
    }
}

// ---- Proofs of the tiny model against the verifiers ----------------------------------------------

namespace {

// The tiny model's private-input folder with a single-party snarkjs setup (made through the
// library), and the witness of one input in snarkjs' .wtns, once per test process.
struct TinySnarkjsProof {
    test::TempDir dir;
    fs::path folder = dir / "tiny";
    ArtifactStore store{dir / "store"};
    FolderArtifacts artifacts;
    Keypair keypair;
    fs::path witness_file = dir / "witness.wtns";
    Value output;

    TinySnarkjsProof() {
        const fs::path model_file = test::tiny_model(dir / "tiny.json");
        REQUIRE(test::zokml_cli({"generate", "--model", model_file.string(), "--dir", folder.string()}).exit_code == 0);
        setup_folder_single_party(folder, std::nullopt, test::real_toolchain(), store);
        artifacts = folder_artifacts(folder, test::real_toolchain(), store);
        keypair = verification_keypair(keys_folder(folder) / "verification.key");
        keypair.backend = Backend::Snarkjs;
        const QuantizedModel model = quantize(load_model(model_file));
        output = Snarkjs().write_witness(artifacts.program, private_input_arguments(model, {}, {200, 10, 30}), witness_file);
    }
    Proof prove() const {
        const prover::Groth16ProvingKey key(artifacts.keypair.proving_key);
        return Proof::from_json(prover::prove(key, prover::Groth16Witness(witness_file)).to_json());
    }
};

const TinySnarkjsProof& tiny_snarkjs_proof() {
    static const TinySnarkjsProof fixture;
    return fixture;
}

struct Verdicts {
    bool zokrates, snarkjs, evm;
};
Verdicts verify_everywhere(const Proof& proof, const fs::path& work) {
    const auto& tiny = tiny_snarkjs_proof();
    fs::create_directories(work);
    return {test::real_toolchain().verify(tiny.keypair, proof, work), Snarkjs().verify(tiny.keypair, proof, work),
            test::EvmVerifier(tiny.keypair, work / "evm").call(proof).verified};
}

}  // namespace

TEST_CASE("a native proof from snarkjs' .zkey and .wtns passes ZoKrates, snarkjs and the EVM verifier, with the witness's public values",
          "[native][slow]") {
    const auto& tiny = tiny_snarkjs_proof();
    using fs::perms;
    CHECK((fs::status(tiny.witness_file).permissions() & (perms::group_all | perms::others_all)) == perms::none);  // private
    const prover::Groth16Witness witness(tiny.witness_file);
    const Proof proof = tiny.prove();
    CHECK(proof.scheme == "g16");
    REQUIRE(proof.inputs.size() == prover::Groth16ProvingKey(tiny.artifacts.keypair.proving_key).public_inputs());
    for (std::size_t i = 0; i < proof.inputs.size(); ++i) CHECK(proof.inputs[i] == witness[i + 1]);
    CHECK(proof.inputs.back() == FieldElement::from_int(0));  // the class, as the snarkjs backend's test proves it
    const test::TempDir work;
    const Verdicts verdicts = verify_everywhere(proof, work.path());
    CHECK(verdicts.zokrates);
    CHECK(verdicts.snarkjs);
    CHECK(verdicts.evm);
}

TEST_CASE("a tampered native proof is rejected by ZoKrates, snarkjs and the EVM verifier", "[native][slow]") {
    const Proof proof = tiny_snarkjs_proof().prove();
    const test::TempDir work;
    const Verdicts swapped = verify_everywhere(test::swapped_a_c(proof), work / "swapped");
    CHECK_FALSE(swapped.zokrates);
    CHECK_FALSE(swapped.snarkjs);
    CHECK_FALSE(swapped.evm);
    Proof other_class = proof;
    other_class.inputs.back() = FieldElement::from_int(1);
    const Verdicts claimed = verify_everywhere(other_class, work / "claimed");
    CHECK_FALSE(claimed.zokrates);
    CHECK_FALSE(claimed.snarkjs);
    CHECK_FALSE(claimed.evm);
}

TEST_CASE("two native proofs of one witness differ (fresh r and s) and both verify", "[native][slow]") {
    const Proof first = tiny_snarkjs_proof().prove(), second = tiny_snarkjs_proof().prove();
    CHECK(first.points["a"] != second.points["a"]);
    CHECK(first.points["b"] != second.points["b"]);
    CHECK(first.points["c"] != second.points["c"]);
    CHECK(first.inputs == second.inputs);
    const test::TempDir work;
    const Verdicts one = verify_everywhere(first, work / "first"), two = verify_everywhere(second, work / "second");
    CHECK((one.zokrates && one.snarkjs && one.evm));
    CHECK((two.zokrates && two.snarkjs && two.evm));
}

TEST_CASE("a real .zkey cut short anywhere is an InputError naming the file", "[native][hostile][slow]") {
    const auto& tiny = tiny_snarkjs_proof();
    const std::string key = read_file(tiny.artifacts.keypair.proving_key);
    const test::TempDir dir;
    for (const double where : {0.0, 0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999}) {
        INFO("cut at " << where);
        input_error<prover::Groth16ProvingKey>(dir / "cut.zkey", key.substr(0, static_cast<std::size_t>(key.size() * where)));
    }
}
