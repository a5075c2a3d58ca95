// BN254's fields and groups (lib/crypto/bn254/): field operations against GMP, an oracle that is
// not ours; the groups against their published generators, their order r, and a point of the
// twist outside G2.
#include <catch2/catch.hpp>

#include <gmp.h>

#include <random>
#include <stdexcept>
#include <string>

#include "crypto/bn254/curve.hpp"

using namespace zokml::bn254;

namespace {

// An mpz_t that frees itself.
struct Mpz {
    mpz_t v;
    Mpz() { mpz_init(v); }
    explicit Mpz(const char* decimal) { mpz_init_set_str(v, decimal, 10); }
    explicit Mpz(const Limbs& limbs) {
        mpz_init(v);
        mpz_import(v, 4, -1, sizeof(std::uint64_t), 0, 0, limbs.data());  // least significant word first
    }
    Mpz(const Mpz&) = delete;
    Mpz& operator=(const Mpz&) = delete;
    ~Mpz() { mpz_clear(v); }
    Limbs limbs() const {
        if (mpz_sizeinbase(v, 2) > 256) throw std::logic_error("more than 256 bits");
        Limbs out{};
        mpz_export(out.data(), nullptr, -1, sizeof(std::uint64_t), 0, 0, v);
        return out;
    }
};

Limbs limbs_of(const char* decimal) { return Mpz(decimal).limbs(); }

template <class F>
F element(const char* decimal) {
    return F::from_canonical(limbs_of(decimal));
}

// Elements of F from 256 random bits reduced mod its modulus (by GMP), and the edges 0, 1, m - 1.
template <class F>
std::vector<Limbs> sample_values(std::uint64_t seed, int count) {
    std::mt19937_64 engine(seed);
    const Mpz modulus(F::kModulus);
    std::vector<Limbs> values = {Limbs{}, Limbs{1, 0, 0, 0}};
    Mpz m_minus_1;
    mpz_sub_ui(m_minus_1.v, modulus.v, 1);
    values.push_back(m_minus_1.limbs());
    for (int i = 0; i < count; ++i) {
        const Mpz random(Limbs{engine(), engine(), engine(), engine()});
        Mpz reduced;
        mpz_mod(reduced.v, random.v, modulus.v);
        values.push_back(reduced.limbs());
    }
    return values;
}

// Checks F's operations against GMP on pairs of sample values.
template <class F>
void check_against_gmp(std::uint64_t seed) {
    const Mpz m(F::kModulus);
    const auto values = sample_values<F>(seed, 200);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const Limbs& a = values[i];
        const Limbs& b = values[(i * 7 + 3) % values.size()];
        const Mpz ga(a), gb(b);
        const F fa = F::from_canonical(a), fb = F::from_canonical(b);
        Mpz expected;
        CHECK(fa.to_canonical() == a);
        mpz_add(expected.v, ga.v, gb.v);
        mpz_mod(expected.v, expected.v, m.v);
        CHECK((fa + fb).to_canonical() == expected.limbs());
        mpz_sub(expected.v, ga.v, gb.v);
        mpz_mod(expected.v, expected.v, m.v);
        CHECK((fa - fb).to_canonical() == expected.limbs());
        mpz_neg(expected.v, ga.v);
        mpz_mod(expected.v, expected.v, m.v);
        CHECK((-fa).to_canonical() == expected.limbs());
        mpz_mul(expected.v, ga.v, gb.v);
        mpz_mod(expected.v, expected.v, m.v);
        CHECK((fa * fb).to_canonical() == expected.limbs());
        mpz_mul(expected.v, ga.v, ga.v);
        mpz_mod(expected.v, expected.v, m.v);
        CHECK(fa.squared().to_canonical() == expected.limbs());
        mpz_powm(expected.v, ga.v, gb.v, m.v);
        CHECK(fa.pow(b).to_canonical() == expected.limbs());
        if (!fa.is_zero()) {
            mpz_invert(expected.v, ga.v, m.v);
            CHECK(fa.inverse().to_canonical() == expected.limbs());
        }
    }
}

// A square root in F_q2, for the test's points: F_q2 = F_q[u]/(u^2 + 1) with q = 3 mod 4. For
// a = a0 + a1 u with norm n = a0^2 + a1^2 a square in F_q: x0^2 = (a0 + sqrt(n)) / 2 (or with
// -sqrt(n)), x1 = a1 / (2 x0). Nothing when a is not a square.
std::optional<Fq> sqrt_fq(const Fq& a) {
    const Mpz q(Fq::kModulus);
    Mpz exponent;  // (q + 1) / 4
    mpz_add_ui(exponent.v, q.v, 1);
    mpz_fdiv_q_2exp(exponent.v, exponent.v, 2);
    const Fq root = a.pow(exponent.limbs());
    if (root.squared() != a) return std::nullopt;
    return root;
}

std::optional<Fq2> sqrt_fq2(const Fq2& a) {
    const auto norm_root = sqrt_fq(a.c0.squared() + a.c1.squared());
    if (!norm_root) return std::nullopt;
    const Fq half = Fq::from_u64(2).inverse();
    for (const Fq& candidate : {(a.c0 + *norm_root) * half, (a.c0 - *norm_root) * half}) {
        const auto x0 = sqrt_fq(candidate);
        if (!x0 || x0->is_zero()) continue;
        const Fq2 root{*x0, a.c1 * x0->doubled().inverse()};
        if (root.squared() == a) return root;
    }
    return std::nullopt;
}

// The generators ZoKrates, snarkjs and the EVM's precompiles use (EIP-196, EIP-197).
const G1Affine kG1{Fq::from_u64(1), Fq::from_u64(2)};
const G2Affine kG2{
    {element<Fq>("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
     element<Fq>("11559732032986387107991004021392285783925812861821192530917403151452391805634")},
    {element<Fq>("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
     element<Fq>("4082367875863433681332203403145435568316851327593401208105741076214120093531")}};

}  // namespace

TEST_CASE("BN254's base field F_q agrees with GMP on random elements", "[bn254]") { check_against_gmp<Fq>(1); }

TEST_CASE("BN254's scalar field F_r agrees with GMP on random elements", "[bn254]") { check_against_gmp<Fr>(2); }

namespace {

// Both Montgomery products, the portable C++ and the mulx/adx assembly (where this CPU has it),
// against GMP's a b 2^-256 mod m, on the raw representatives: random values below m and the
// edges 0, 1, m - 1 and m - 2, each with each.
template <const Limbs& m>
void check_montgomery_products(std::uint64_t seed) {
    const Mpz modulus(m);
    Mpz r_inverse;  // 2^-256 mod m
    mpz_set_ui(r_inverse.v, 1);
    mpz_mul_2exp(r_inverse.v, r_inverse.v, 256);
    mpz_invert(r_inverse.v, r_inverse.v, modulus.v);
    std::mt19937_64 engine(seed);
    std::vector<Limbs> values = {Limbs{}, Limbs{1, 0, 0, 0}, Limbs{m[0] - 1, m[1], m[2], m[3]}, Limbs{m[0] - 2, m[1], m[2], m[3]}};
    for (int i = 0; i < 300; ++i) {
        Mpz reduced;
        mpz_mod(reduced.v, Mpz(Limbs{engine(), engine(), engine(), engine()}).v, modulus.v);
        values.push_back(reduced.limbs());
    }
    for (std::size_t i = 0; i < values.size(); ++i)
        for (std::size_t j : {i, (i * 7 + 3) % values.size(), std::size_t{0}, std::size_t{2}, std::size_t{3}}) {
            Mpz expected;
            mpz_mul(expected.v, Mpz(values[i]).v, Mpz(values[j]).v);
            mpz_mul(expected.v, expected.v, r_inverse.v);
            mpz_mod(expected.v, expected.v, modulus.v);
            CHECK(montgomery::multiply_portable<m>(values[i], values[j]) == expected.limbs());
#if defined(__x86_64__)
            if (montgomery::kHasMulxAdx)
                CHECK(montgomery::reduce_once<m>(montgomery::multiply_mulx_adx_unreduced<m, montgomery::negated_inverse(m[0])>(values[i], values[j])) == expected.limbs());
#endif
        }
}

}  // namespace

TEST_CASE("the portable and the mulx/adx Montgomery products agree with GMP, edges included, for both fields", "[bn254]") {
#if defined(__x86_64__)
    if (!montgomery::kHasMulxAdx) WARN("this CPU has no mulx/adx: only the portable product is checked");
#endif
    check_montgomery_products<FqParams::modulus>(3);
    check_montgomery_products<FrParams::modulus>(4);
}

TEST_CASE("a value at or above the modulus is not a field element", "[bn254]") {
    CHECK_THROWS_AS(Fq::from_canonical(Fq::kModulus), std::invalid_argument);
    CHECK_THROWS_AS(Fr::from_canonical(Fr::kModulus), std::invalid_argument);
    CHECK_THROWS_AS(Fq::from_canonical({~0ull, ~0ull, ~0ull, ~0ull}), std::invalid_argument);
}

TEST_CASE("F_q2 multiplies, squares and inverts as (a0 + a1 u)(b0 + b1 u) with u^2 = -1, checked with GMP", "[bn254]") {
    const Mpz q(Fq::kModulus);
    const auto values = sample_values<Fq>(3, 60);
    for (std::size_t i = 0; i + 3 < values.size(); ++i) {
        const Fq2 a{Fq::from_canonical(values[i]), Fq::from_canonical(values[i + 1])};
        const Fq2 b{Fq::from_canonical(values[i + 2]), Fq::from_canonical(values[i + 3])};
        const Mpz a0(values[i]), a1(values[i + 1]), b0(values[i + 2]), b1(values[i + 3]);
        Mpz real, imaginary, t;
        mpz_mul(real.v, a0.v, b0.v);
        mpz_submul(real.v, a1.v, b1.v);
        mpz_mod(real.v, real.v, q.v);
        mpz_mul(imaginary.v, a0.v, b1.v);
        mpz_addmul(imaginary.v, a1.v, b0.v);
        mpz_mod(imaginary.v, imaginary.v, q.v);
        const Fq2 product = a * b;
        CHECK(product.c0.to_canonical() == real.limbs());
        CHECK(product.c1.to_canonical() == imaginary.limbs());
        CHECK(a.squared() == a * a);
        if (!a.is_zero()) CHECK(a * a.inverse() == Fq2::one());
    }
}

TEST_CASE("the twist's coefficient is 3 / (9 + u)", "[bn254]") {
    // Published with the curve (e.g. py_ecc's bn128 b2, go-ethereum's twistB).
    CHECK(G2Curve::b.c0 == element<Fq>("19485874751759354771024239261021720505790618469301721065564631296452457478373"));
    CHECK(G2Curve::b.c1 == element<Fq>("266929791119991161246907387137283842545076965332900288569378510910307636690"));
}

TEST_CASE("the generators of G1 and G2 are on their curves and r times each is the point at infinity", "[bn254]") {
    CHECK(kG1.on_curve());
    CHECK(kG2.on_curve());
    CHECK(multiply(kG1, Fr::kModulus).is_infinity());
    CHECK(multiply(kG2, Fr::kModulus).is_infinity());
    CHECK(in_prime_order_subgroup(kG1));
    CHECK(in_prime_order_subgroup(kG2));
    Limbs r_minus_1 = Fr::kModulus;
    r_minus_1[0] -= 1;
    CHECK(multiply(kG1, r_minus_1) == G1(-kG1));
    CHECK(multiply(kG2, r_minus_1) == G2(-kG2));
}

TEST_CASE("Jacobian sums, mixed sums and doublings agree and come back to affine points on the curve", "[bn254]") {
    const G2 two = G2(kG2).doubled(), three = two + kG2;
    CHECK(G2(kG2) + G2(kG2) == two);
    CHECK(three == multiply(kG2, {3, 0, 0, 0}));
    CHECK(two + three == multiply(kG2, {5, 0, 0, 0}));
    CHECK(three + -three == G2());
    CHECK((three + -kG2) == two);
    const auto affine = multiply(kG1, {0x1234567890abcdef, 42, 0, 7}).to_affine();
    REQUIRE(affine);
    CHECK(affine->on_curve());
    CHECK(G1(*affine) + G1(*affine) == G1(*affine) + *affine);
    CHECK_FALSE(G1().to_affine());
}

TEST_CASE("a point of the twist outside G2 fails the subgroup check; the cofactor takes it into G2", "[bn254]") {
    // x = 1, 2, ... until x^3 + b' is a square: a point of E'(F_q2), which has h r points with
    // h = 2q - r, so a point of order r only with probability 1/h.
    std::optional<G2Affine> point;
    for (std::uint64_t x = 1; !point; ++x) {
        const Fq2 fx{Fq::from_u64(x), Fq::from_u64(1)};
        if (const auto y = sqrt_fq2(fx.squared() * fx + G2Curve::b)) point = G2Affine{fx, *y};
    }
    REQUIRE(point->on_curve());
    CHECK_FALSE(in_prime_order_subgroup(*point));
    const Limbs cofactor = limbs_of("21888242871839275222246405745257275088844257914179612981679871602714643921549");
    const auto cleared = multiply(*point, cofactor).to_affine();
    REQUIRE(cleared);
    CHECK(cleared->on_curve());
    CHECK(in_prime_order_subgroup(*cleared));
}
