// The prover, as snarkjs' groth16_prove.js and rapidsnark compute it:
//   1. the QAP's A, B evaluations on the domain from the key's coefficients and the witness;
//      C's are A's times B's (the witness satisfies every constraint);
//   2. each to the odd coset w_2n * <w_n> (inverse NTT, times w_2n^i, NTT), where Z = x^n - 1 is
//      the constant -2: h = A B - C there, and the key's H points are that coset's Lagrange
//      basis at tau over delta (with Z's constant folded in);
//   3. the multi-scalar multiplications and the random r, s:
//      pi_a = alpha + A(w) + r delta, pi_b = beta + B2(w) + s delta,
//      pi_c = C(w) + H(h) + s pi_a + r (beta1 + B1(w) + s delta1) - r s delta1.

#include <bit>

#include <fmt/format.h>

#include "prover/msm.hpp"
#include "prover/ntt.hpp"
#include "prover/parallel.hpp"
#include "prover/proving_key.hpp"
#include "prover/secret.hpp"
#include "prover/witness.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/errors.hpp"

namespace zokml::prover {

using bn254::Fq;
using bn254::Fr;
using bn254::Limbs;

namespace {

std::string hex(const Fq& value) {
    const Limbs limbs = value.to_canonical();
    return fmt::format("0x{:016x}{:016x}{:016x}{:016x}", limbs[3], limbs[2], limbs[1], limbs[0]);
}

// Evaluations on the domain to evaluations on the coset shift * domain.
void to_coset(std::vector<Fr>& values, const Domain& domain, const Fr& shift, unsigned threads) {
    domain.inverse(values, threads);
    parallel_for(values.size(), threads, [&](std::size_t begin, std::size_t end) {
        Fr power = shift.pow({begin, 0, 0, 0});
        for (std::size_t i = begin; i < end; ++i) {
            values[i] *= power;
            power *= shift;
        }
    });
    domain.forward(values, threads);
}

// The witness as MSM scalars: each value w as the smaller of w and r - w (the point negated for
// r - w). A circuit's values are mostly bits and small signed integers, so most become small;
// those below 2^64 go into an MSM of their own, whose windows stop at bit 64, the rest into
// another.
struct WitnessScalars {
    struct Group {
        std::vector<std::size_t> variables;
        std::vector<Limbs> scalars;
    };
    Group small, large;
    std::vector<bool> negated;  // by variable
};

WitnessScalars witness_scalars(std::span<const Limbs> values) {
    constexpr Limbs kHalf = [] {  // (r - 1) / 2: r shifted right once (r is odd)
        Limbs h = Fr::kModulus;
        for (int i = 0; i < 4; ++i) h[i] = h[i] >> 1 | (i < 3 ? h[i + 1] << 63 : 0);
        return h;
    }();
    WitnessScalars out;
    out.negated.resize(values.size());
    for (std::size_t v = 0; v < values.size(); ++v) {
        Limbs scalar = values[v];
        if (bn254::less_than(kHalf, scalar)) {
            std::uint64_t borrow = 0;
            scalar = bn254::montgomery::subtract(Fr::kModulus, scalar, borrow);
            out.negated[v] = true;
        }
        auto& group = scalar[1] == 0 && scalar[2] == 0 && scalar[3] == 0 ? out.small : out.large;
        group.variables.push_back(v);
        group.scalars.push_back(scalar);
    }
    return out;
}

// sum over the variables v >= first of w_v points[v - first].
template <class Curve>
bn254::JacobianPoint<Curve> witness_msm(std::span<const bn254::AffinePoint<Curve>> points, const WitnessScalars& witness,
                                        std::size_t first, unsigned threads) {
    bn254::JacobianPoint<Curve> sum;
    for (const WitnessScalars::Group* group : {&witness.small, &witness.large}) {
        std::vector<bn254::AffinePoint<Curve>> gathered;
        std::vector<Limbs> scalars;
        for (std::size_t k = 0; k < group->variables.size(); ++k) {
            const std::size_t v = group->variables[k];
            if (v < first) continue;
            gathered.push_back(witness.negated[v] ? -points[v - first] : points[v - first]);
            scalars.push_back(group->scalars[k]);
        }
        sum = sum + multi_scalar_multiply<Curve>(gathered, scalars, threads);
    }
    return sum;
}

// h on the odd coset, as canonical scalars for the H points.
std::vector<Limbs> quotient_evaluations(const Groth16ProvingKey::Data& key, std::span<const Fr> witness, unsigned threads) {
    const std::size_t n = key.domain_size;
    std::vector<Fr> a(n), b(n), c(n);
    for (const Coefficient& k : key.a_coefficients) a[k.constraint] += k.value * witness[k.signal];
    for (const Coefficient& k : key.b_coefficients) b[k.constraint] += k.value * witness[k.signal];
    for (std::size_t i = 0; i < n; ++i) c[i] = a[i] * b[i];

    const Domain domain(key.log_domain_size);
    const Fr shift = root_of_unity(key.log_domain_size + 1);
    for (std::vector<Fr>* values : {&a, &b, &c}) to_coset(*values, domain, shift, threads);

    std::vector<Limbs> h(n);
    parallel_for(n, threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) h[i] = (a[i] * b[i] - c[i]).to_canonical();
    });
    return h;
}

}  // namespace

Groth16Proof prove(const Groth16ProvingKey& proving_key, const Groth16Witness& witness_file, unsigned threads) {
    const Groth16ProvingKey::Data& key = proving_key.data();
    const Groth16Witness::Data& w = witness_file.data();
    if (w.values.size() != key.variables)
        throw InputError(w.file, "values",
                         fmt::format("the witness has {} values, but the proving key's circuit has {} variables", w.values.size(), key.variables));
    if (w.values.front() != Limbs{1, 0, 0, 0}) throw InputError(w.file, "values", "the first value (the constant one) is not 1");
    threads = thread_count(threads);

    std::vector<Fr> witness(w.values.size());
    for (std::size_t i = 0; i < witness.size(); ++i) witness[i] = Fr::from_canonical(w.values[i]);
    const std::vector<Limbs> h = quotient_evaluations(key, witness, threads);

    const WitnessScalars scalars = witness_scalars(w.values);
    const bn254::G1 a = witness_msm<bn254::G1Curve>(key.a, scalars, 0, threads);
    const bn254::G1 b1 = witness_msm<bn254::G1Curve>(key.b1, scalars, 0, threads);
    const bn254::G2 b2 = witness_msm<bn254::G2Curve>(key.b2, scalars, 0, threads);
    const bn254::G1 c = witness_msm<bn254::G1Curve>(key.c, scalars, key.public_inputs + 1, threads);
    const bn254::G1 h_sum = multi_scalar_multiply<bn254::G1Curve>(key.h, h, threads);

    const Fr r = random_fr(), s = random_fr();
    const bn254::G1 delta1(key.delta1);
    const bn254::G1 pi_a = a + key.alpha1 + secret_multiple(delta1, r);
    const bn254::G2 pi_b = b2 + key.beta2 + secret_multiple(bn254::G2(key.delta2), s);
    const bn254::G1 b1_blinded = b1 + key.beta1 + secret_multiple(delta1, s);
    const bn254::G1 pi_c = c + h_sum + secret_multiple(pi_a, s) + secret_multiple(b1_blinded, r) + secret_multiple(delta1, -(r * s));

    const auto affine_a = pi_a.to_affine().value_or(bn254::G1Affine{});
    const auto affine_b = pi_b.to_affine().value_or(bn254::G2Affine{});
    const auto affine_c = pi_c.to_affine().value_or(bn254::G1Affine{});
    Groth16Proof proof;
    proof.a = {hex(affine_a.x), hex(affine_a.y)};
    proof.b = {{{hex(affine_b.x.c0), hex(affine_b.x.c1)}, {hex(affine_b.y.c0), hex(affine_b.y.c1)}}};
    proof.c = {hex(affine_c.x), hex(affine_c.y)};
    for (std::size_t i = 1; i <= key.public_inputs; ++i) proof.inputs.push_back(witness_file[i]);
    return proof;
}

nlohmann::json Groth16Proof::to_json() const {
    nlohmann::json inputs_json = nlohmann::json::array();
    for (const FieldElement& input : inputs) inputs_json.push_back("0x" + to_hex(input.bytes()));
    return {{"scheme", "g16"}, {"curve", "bn128"}, {"proof", {{"a", a}, {"b", b}, {"c", c}}}, {"inputs", inputs_json}};
}

}  // namespace zokml::prover
