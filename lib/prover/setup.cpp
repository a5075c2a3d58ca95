// The single-party Groth16 setup (include/zokml/prover/setup.hpp). snarkjs builds a setup from
// points: powers of tau by multiplying points, Lagrange bases by FFTs over points, the key's
// points by multi-scalar multiplications. Here every secret is known, so each point is one
// fixed-base multiple of a field value computed in F_r (tau^i, L_i(tau), u_j(tau) and so on):
// the same points, many times faster. What snarkjs' verifiers recompute (hashes, transcripts,
// proofs of knowledge) follows snarkjs 0.7's code:
//   powers of tau: powersoftau_new.js, powersoftau_contribute.js, powersoftau_preparephase2.js,
//   keypair.js (createPTauKey, hashToG2), powersoftau_utils.js (calculateFirstChallengeHash);
//   phase 2: zkey_new.js (the key and its circuit hash), zkey_contribute.js, zkey_utils.js.
#include "zokml/prover/setup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include <openssl/crypto.h>

#include "prover/blake2b.hpp"
#include "prover/batch_inverse.hpp"
#include "prover/fixed_base.hpp"
#include "prover/ntt.hpp"
#include "prover/parallel.hpp"
#include "prover/r1cs.hpp"
#include "prover/secret.hpp"
#include "prover/snarkjs_points.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/files.hpp"

namespace zokml::prover {

using bn254::Fq;
using bn254::Fr;
using bn254::G1Affine;
using bn254::G2Affine;
using bn254::Limbs;

namespace {

// ---- Secrets ---------------------------------------------------------------------------------

// Field values from which a secret follows (tau^i, L_i(tau) ...): wiped when they go.
struct SecretValues {
    std::vector<Fr> values;
    SecretValues() = default;
    explicit SecretValues(std::size_t count) : values(count) {}
    SecretValues(SecretValues&&) = default;
    SecretValues& operator=(SecretValues&&) = default;
    ~SecretValues() { wipe(); }
    void wipe() {
        if (!values.empty()) OPENSSL_cleanse(values.data(), values.size() * sizeof(Fr));
    }
    std::size_t size() const { return values.size(); }
    Fr& operator[](std::size_t i) { return values[i]; }
    const Fr& operator[](std::size_t i) const { return values[i]; }
};

struct Secret {
    Fr value;
    ~Secret() { OPENSSL_cleanse(&value, sizeof value); }
};

Fr random_non_zero() {
    for (;;)
        if (const Fr value = random_fr(); !value.is_zero()) return value;
}

// L_j(tau) for the 2^log_size Lagrange polynomials on snarkjs' roots of unity w:
// L_j(x) = w^j (x^n - 1) / (n (x - w^j)) (tau is not a root of unity of that order).
SecretValues lagrange_at(const Fr& tau, unsigned log_size) {
    const std::size_t n = std::size_t{1} << log_size;
    const Fr w = root_of_unity(log_size);
    SecretValues denominators(n), out(n);
    Secret tau_n{tau};
    for (unsigned i = 0; i < log_size; ++i) tau_n.value = tau_n.value.squared();
    const Secret factor{(tau_n.value - Fr::one()) * Fr::from_u64(n).inverse()};
    Fr w_j = Fr::one();
    for (std::size_t j = 0; j < n; ++j, w_j *= w) {
        denominators[j] = tau - w_j;
        out[j] = w_j * factor.value;
    }
    SecretValues prefix;  // invert_all's scratch, wiped with it
    invert_all<Fr>(denominators.values, prefix.values);
    for (std::size_t j = 0; j < n; ++j) out[j] *= denominators[j];
    return out;
}

// ---- Encodings and hashes ----------------------------------------------------------------------

constexpr std::size_t kHashChunk = 4096;  // points encoded per update of a hash

// The points' encodings (Size bytes each), hashed a chunk at a time.
template <std::size_t Size, class Point>
void hash_encoded(Blake2b& hash, std::span<const Point> points) {
    std::vector<std::uint8_t> buffer(std::min(points.size(), kHashChunk) * Size);
    for (std::size_t first = 0; first < points.size(); first += kHashChunk) {
        const std::size_t count = std::min(kHashChunk, points.size() - first);
        for (std::size_t i = 0; i < count; ++i) {
            const std::span<std::uint8_t, Size> out(buffer.data() + i * Size, Size);
            if constexpr (Size == sizeof(Point))
                write_uncompressed(points[first + i], out);
            else
                write_compressed(points[first + i], out);
        }
        hash.update({buffer.data(), count * Size});
    }
}

// Uncompressed: 64 bytes for G1, 128 for G2 (the size of our affine points).
template <class Point>
void hash_uncompressed(Blake2b& hash, std::span<const Point> points) {
    hash_encoded<sizeof(Point)>(hash, points);
}
template <class Point>
void hash_uncompressed(Blake2b& hash, const Point& point) {
    hash_encoded<sizeof(Point)>(hash, std::span(&point, 1));
}
template <class Point>
void hash_compressed(Blake2b& hash, std::span<const Point> points) {
    hash_encoded<sizeof(Point) / 2>(hash, points);
}

// A big-endian 32-bit count, as zkey_new.js hashes one before each section.
void hash_count(Blake2b& hash, std::uint32_t count) {
    const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(count >> 24), static_cast<std::uint8_t>(count >> 16),
                                   static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count)};
    hash.update(bytes);
}

// The hash a ceremony of this power starts from: the blank hash, then every point of a new
// accumulator (the generators) uncompressed.
Blake2b::Digest first_challenge(unsigned power) {
    const std::size_t m = std::size_t{1} << power;
    std::array<std::uint8_t, 64> g1;
    std::array<std::uint8_t, 128> g2;
    write_uncompressed(g1_generator(), g1);
    write_uncompressed(g2_generator(), g2);
    Blake2b hash;
    hash.update(Blake2b().digest());
    const auto repeat = [&hash](std::span<const std::uint8_t> bytes, std::size_t times) {
        std::vector<std::uint8_t> block;
        for (std::size_t i = 0; i < std::min<std::size_t>(times, 1024); ++i) block.insert(block.end(), bytes.begin(), bytes.end());
        for (std::size_t done = 0; done < times; done += 1024) hash.update({block.data(), std::min<std::size_t>(1024, times - done) * bytes.size()});
    };
    repeat(g1, 2 * m - 1);
    repeat(g2, m);
    repeat(g1, m);
    repeat(g1, m);
    hash.update(g2);
    return hash.digest();
}

// ---- Files -----------------------------------------------------------------------------------

// An iden3 binary file built in memory: magic, version, section count, then sections (type, size, bytes).
class BinaryWriter {
public:
    BinaryWriter(std::string_view magic, std::uint32_t version, std::uint32_t sections) {
        bytes_.append(magic);
        u32(version);
        u32(sections);
    }
    void u32(std::uint32_t value) { raw(&value, 4); }
    void u64(std::uint64_t value) { raw(&value, 8); }
    void raw(const void* data, std::size_t size) { bytes_.append(static_cast<const char*>(data), size); }
    void modulus(const Limbs& modulus) {
        u32(32);
        raw(modulus.data(), 32);
    }
    template <class Point>
    void points(std::span<const Point> points) {
        if (!points.empty()) raw(points.data(), points.size() * sizeof(Point));  // our Montgomery form is the file's
    }
    template <class Point>
    void point(const Point& point) {
        raw(&point, sizeof point);
    }
    // A section that holds only points.
    template <class Point>
    void points_section(std::uint32_t type, std::span<const Point> points) {
        begin(type);
        this->points(points);
        end();
    }
    void begin(std::uint32_t type) {
        u32(type);
        size_at_ = bytes_.size();
        u64(0);
    }
    void end() {
        const std::uint64_t size = bytes_.size() - size_at_ - 8;
        std::memcpy(bytes_.data() + size_at_, &size, 8);
    }
    std::size_t size() const { return bytes_.size(); }
    std::string take() && { return std::move(bytes_); }

private:
    std::string bytes_;
    std::size_t size_at_ = 0;
};

static_assert(std::endian::native == std::endian::little);

// A contribution's name in the parameters snarkjs writes after it: 1, length, UTF-8 (up to 64 bytes).
void write_name(BinaryWriter& out, std::string_view name) {
    name = name.substr(0, 64);
    out.u32(static_cast<std::uint32_t>(2 + name.size()));
    const std::uint8_t head[2] = {1, static_cast<std::uint8_t>(name.size())};
    out.raw(head, 2);
    out.raw(name.data(), name.size());
}

constexpr std::string_view kContributionName = "zokml native setup";

// ---- The setup -------------------------------------------------------------------------------

// The window of the fixed-base tables: the fewest additions for `count` multiples and the table.
unsigned window_for(std::size_t count) {
    unsigned best = 4;
    double best_cost = 1e300;
    for (unsigned w = 4; w <= 14; ++w) {
        const double windows = (254 + w - 1) / w;
        const double cost = windows * (static_cast<double>(count) + static_cast<double>(1u << w));
        if (cost < best_cost) best = w, best_cost = cost;
    }
    return best;
}

// Every point of one public key of a contribution's proof of knowledge (keypair.js):
// g1_s = s G1 for a random s, g1_sx = x g1_s, g2_sp = hash to G2 of what the key answers,
// g2_spx = x g2_sp.
struct PublicKey {
    G1Affine g1_s, g1_sx;
    G2Affine g2_sp, g2_spx;
};

G1Affine affine(const bn254::G1& p) { return p.to_affine().value_or(G1Affine{}); }
G2Affine affine(const bn254::G2& p) { return p.to_affine().value_or(G2Affine{}); }

PublicKey public_key_start(const FixedBase<bn254::G1Curve>& g1, const Fr& x) {
    Secret s{random_non_zero()};
    Secret sx{s.value * x};
    return {affine(g1.multiple(s.value)), affine(g1.multiple(sx.value)), {}, {}};
}

void public_key_finish(PublicKey& key, const Fr& x, std::span<const std::uint8_t, 64> hash) {
    key.g2_sp = hash_to_g2(hash);
    key.g2_spx = affine(secret_multiple(bn254::G2(key.g2_sp), x));
}

struct Ptau {
    unsigned power = 0;
    std::vector<G1Affine> tau_g1, alpha_tau_g1, beta_tau_g1;       // sections 2, 4, 5
    std::vector<G2Affine> tau_g2;                                  // section 3
    G2Affine beta_g2;                                              // section 6
    std::vector<G1Affine> lagrange_tau_g1, lagrange_alpha_g1, lagrange_beta_g1;  // sections 12, 14, 15
    std::vector<G2Affine> lagrange_tau_g2;                                        // section 13
    std::string file;
    std::size_t tau_g1_end = 0;  // the offset in `file` just after section 2's points
    Blake2b::Digest response{};
};

// The powers of tau (and the phase-2 Lagrange sections) of a new accumulator after one
// contribution of tau, alpha, beta, as the file snarkjs would write.
Ptau make_ptau(unsigned power, const Fr& tau, const Fr& alpha, const Fr& beta, const SecretValues& powers,
               const std::vector<SecretValues>& lagrange, const SecretValues& top_lagrange, const FixedBase<bn254::G1Curve>& g1,
               const FixedBase<bn254::G2Curve>& g2, unsigned threads) {
    const std::size_t m = std::size_t{1} << power;
    Ptau p;
    p.power = power;
    const auto g1_multiples = [&](std::span<const Fr> scalars) {
        std::vector<G1Affine> out(scalars.size());
        g1.multiples(scalars, out, threads);
        return out;
    };
    const auto g2_multiples = [&](std::span<const Fr> scalars) {
        std::vector<G2Affine> out(scalars.size());
        g2.multiples(scalars, out, threads);
        return out;
    };
    const std::span<const Fr> all_powers(powers.values);
    p.tau_g1 = g1_multiples(all_powers.first(2 * m - 1));
    p.tau_g2 = g2_multiples(all_powers.first(m));
    {
        SecretValues scaled(m);
        for (std::size_t i = 0; i < m; ++i) scaled[i] = alpha * powers[i];
        p.alpha_tau_g1 = g1_multiples(scaled.values);
        for (std::size_t i = 0; i < m; ++i) scaled[i] = beta * powers[i];
        p.beta_tau_g1 = g1_multiples(scaled.values);
    }
    p.beta_g2 = affine(g2.multiple(beta));
    // Levels 0..power of each Lagrange section, then (tau G1 only) level power + 1 from a tauG1
    // section one point short (preparephase2 pads it with zero: top_lagrange).
    {
        SecretValues levels, scaled;
        levels.values.reserve(2 * m - 1 + top_lagrange.size());  // no copy left behind by a reallocation
        for (const SecretValues& level : lagrange) levels.values.insert(levels.values.end(), level.values.begin(), level.values.end());
        p.lagrange_tau_g2 = g2_multiples(levels.values);
        scaled.values.resize(levels.size());
        for (std::size_t i = 0; i < levels.size(); ++i) scaled[i] = alpha * levels[i];
        p.lagrange_alpha_g1 = g1_multiples(scaled.values);
        for (std::size_t i = 0; i < levels.size(); ++i) scaled[i] = beta * levels[i];
        p.lagrange_beta_g1 = g1_multiples(scaled.values);
        levels.values.insert(levels.values.end(), top_lagrange.values.begin(), top_lagrange.values.end());
        p.lagrange_tau_g1 = g1_multiples(levels.values);
    }

    // The contribution's record: its public keys answer the first challenge; the response hash
    // covers the challenge and the new points compressed (its state before the keys is the
    // "partial hash"), the next challenge the response hash and the points uncompressed.
    const Blake2b::Digest challenge = first_challenge(power);
    const Fr* secrets[3] = {&tau, &alpha, &beta};
    PublicKey keys[3];
    for (std::uint8_t i = 0; i < 3; ++i) {
        keys[i] = public_key_start(g1, *secrets[i]);
        Blake2b hash;
        hash.update(std::span(&i, 1));
        hash.update(challenge);
        hash_uncompressed(hash, keys[i].g1_s);
        hash_uncompressed(hash, keys[i].g1_sx);
        public_key_finish(keys[i], *secrets[i], hash.digest());
    }
    Blake2b response;
    response.update(challenge);
    hash_compressed<G1Affine>(response, p.tau_g1);
    hash_compressed<G2Affine>(response, p.tau_g2);
    hash_compressed<G1Affine>(response, p.alpha_tau_g1);
    hash_compressed<G1Affine>(response, p.beta_tau_g1);
    hash_compressed<G2Affine>(response, std::span(&p.beta_g2, 1));
    const Blake2b::PartialState partial = response.partial_state();
    for (const PublicKey& key : keys) {
        hash_uncompressed(response, key.g1_s);
        hash_uncompressed(response, key.g1_sx);
    }
    for (const PublicKey& key : keys) hash_uncompressed(response, key.g2_spx);
    p.response = response.digest();
    Blake2b next;
    next.update(p.response);
    hash_uncompressed<G1Affine>(next, p.tau_g1);
    hash_uncompressed<G2Affine>(next, p.tau_g2);
    hash_uncompressed<G1Affine>(next, p.alpha_tau_g1);
    hash_uncompressed<G1Affine>(next, p.beta_tau_g1);
    hash_uncompressed(next, p.beta_g2);
    const Blake2b::Digest next_challenge = next.digest();

    BinaryWriter out("ptau", 1, 11);
    out.begin(1);
    out.modulus(Fq::kModulus);
    out.u32(power);
    out.u32(power);  // the ceremony's power: this file is not a reduced one
    out.end();
    out.points_section<G1Affine>(2, p.tau_g1);
    p.tau_g1_end = out.size();
    out.points_section<G2Affine>(3, p.tau_g2);
    out.points_section<G1Affine>(4, p.alpha_tau_g1);
    out.points_section<G1Affine>(5, p.beta_tau_g1);
    out.begin(6);
    out.point(p.beta_g2);
    out.end();
    out.begin(7);
    out.u32(1);
    out.point(p.tau_g1[1]);
    out.point(p.tau_g2[1]);
    out.point(p.alpha_tau_g1[0]);
    out.point(p.beta_tau_g1[0]);
    out.point(p.beta_g2);
    for (const PublicKey& key : keys) {
        out.point(key.g1_s);
        out.point(key.g1_sx);
    }
    for (const PublicKey& key : keys) out.point(key.g2_spx);
    out.raw(partial.data(), partial.size());
    out.raw(next_challenge.data(), next_challenge.size());
    out.u32(0);  // a contribution, not a beacon
    write_name(out, kContributionName);
    out.end();
    out.points_section<G1Affine>(12, p.lagrange_tau_g1);
    out.points_section<G2Affine>(13, p.lagrange_tau_g2);
    out.points_section<G1Affine>(14, p.lagrange_alpha_g1);
    out.points_section<G1Affine>(15, p.lagrange_beta_g1);
    p.file = std::move(out).take();
    // Only what the key needs stays: the tauG1 section (and the bytes after it), alpha, beta.
    p.lagrange_tau_g1 = {}, p.lagrange_alpha_g1 = {}, p.lagrange_beta_g1 = {};
    p.lagrange_tau_g2 = {};
    return p;
}

// snarkjs' circuit hash hashes tau^i (tau^n - 1) G1 for i < n - 1, in chunks of 2^14 points
// whose last one is not cut to the end (zkey_new.js, hashHPoints): from n = 2^15 on it hashes one
// point more, P - tau^(n-1) G1, where P is the 64 bytes after the tauG1 section (here section 3's
// header and the start of G2's generator) read as a point with coordinates that are not reduced
// mod q. wasmcurves' g1m_subAffine adds them with its field operations, whose additions and
// subtractions wrap differently from arithmetic mod q on such inputs, so WasmField emulates
// them bit for bit (build_f1m.js: _add, _sub, _mul, _square) and WasmField's result is then
// reduced (its affine conversion and encoding are correct mod q for any representative).
namespace wasm {

using bn254::montgomery::u128;

Limbs add(const Limbs& x, const Limbs& y) {
    Limbs r{};
    u128 carry = 0;
    for (int i = 0; i < 4; ++i) {
        carry += static_cast<u128>(x[i]) + y[i];
        r[i] = static_cast<std::uint64_t>(carry);
        carry >>= 64;
    }
    std::uint64_t borrow = 0;
    if (carry || !bn254::less_than(r, Fq::kModulus)) r = bn254::montgomery::subtract(r, Fq::kModulus, borrow);  // mod 2^256
    return r;
}

Limbs sub(const Limbs& x, const Limbs& y) {
    std::uint64_t borrow = 0;
    const Limbs r = bn254::montgomery::subtract(x, y, borrow);
    return borrow ? bn254::montgomery::add(r, Fq::kModulus) : r;  // mod 2^256
}

// (x y + M q) / 2^256 with its 257th bit, less q once when that bit is set or it is >= q.
Limbs mul(const Limbs& x, const Limbs& y) {
    constexpr std::uint64_t inv = bn254::montgomery::negated_inverse(Fq::kModulus[0]);
    std::uint64_t t[9] = {};
    for (int i = 0; i < 4; ++i) {
        u128 carry = 0;
        for (int j = 0; j < 4; ++j) {
            carry += static_cast<u128>(x[j]) * y[i] + t[i + j];
            t[i + j] = static_cast<std::uint64_t>(carry);
            carry >>= 64;
        }
        t[i + 4] = static_cast<std::uint64_t>(carry);
    }
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t k = t[i] * inv;
        u128 carry = 0;
        for (int j = 0; j < 4; ++j) {
            carry += static_cast<u128>(k) * Fq::kModulus[j] + t[i + j];
            t[i + j] = static_cast<std::uint64_t>(carry);
            carry >>= 64;
        }
        for (int j = i + 4; carry && j < 9; ++j) {
            carry += t[j];
            t[j] = static_cast<std::uint64_t>(carry);
            carry >>= 64;
        }
    }
    Limbs r{t[4], t[5], t[6], t[7]};
    std::uint64_t borrow = 0;
    if (t[8] || !bn254::less_than(r, Fq::kModulus)) r = bn254::montgomery::subtract(r, Fq::kModulus, borrow);
    return r;
}

// A value below 2^256 reduced mod q, as our field holds it.
Fq reduced(Limbs v) {
    while (!bn254::less_than(v, Fq::kModulus)) {
        std::uint64_t borrow = 0;
        v = bn254::montgomery::subtract(v, Fq::kModulus, borrow);
    }
    return std::bit_cast<Fq>(v);
}

// g1m_addAffine (madd-2007-bl on two affine points, Z3 = 2H) then the affine conversion.
G1Affine add_affine(const Limbs& x1, const Limbs& y1, const Limbs& x2, const Limbs& y2) {
    const Limbs h = sub(x2, x1), y2_minus_y1 = sub(y2, y1);
    const Limbs hh = mul(h, h);
    Limbs i = add(hh, hh);
    i = add(i, i);
    const Limbs j = mul(h, i), r = add(y2_minus_y1, y2_minus_y1), v = mul(x1, i);
    const Limbs r2 = mul(r, r), v2 = add(v, v);
    const Limbs x3 = sub(sub(r2, j), v2);
    Limbs y1_j2 = mul(y1, j);
    y1_j2 = add(y1_j2, y1_j2);
    const Limbs y3 = sub(mul(sub(v, x3), r), y1_j2);
    const Limbs z3 = add(h, h);
    const Fq z_inverse = reduced(z3).inverse(), z_inverse_squared = z_inverse.squared();
    return {reduced(x3) * z_inverse_squared, reduced(y3) * z_inverse_squared * z_inverse};
}

}  // namespace wasm

G1Affine overrun_point(const Ptau& ptau, const G1Affine& subtracted) {
    Limbs x{}, y{};
    std::memcpy(x.data(), ptau.file.data() + ptau.tau_g1_end, 32);
    std::memcpy(y.data(), ptau.file.data() + ptau.tau_g1_end + 32, 32);
    const G1Affine negated = -subtracted;
    return wasm::add_affine(x, y, std::bit_cast<Limbs>(negated.x), std::bit_cast<Limbs>(negated.y));
}

struct Zkey {
    std::string file;
    Blake2b::Digest circuit_hash{}, contribution_hash{};
};

// The circuit's key after one phase-2 contribution of delta, as zkey_new.js then
// zkey_contribute.js would write it.
Zkey make_zkey(const R1cs& r1cs, const Ptau& ptau, const Fr& alpha, const Fr& beta, const Fr& delta,
               const SecretValues& lagrange, const SecretValues& top_lagrange, const FixedBase<bn254::G1Curve>& g1,
               const FixedBase<bn254::G2Curve>& g2, unsigned threads) {
    const std::size_t n = std::size_t{1} << ptau.power;  // the domain: the circuit's power is the file's
    const std::size_t variables = r1cs.size.variables, publics = r1cs.size.public_signals, constraints = r1cs.size.constraints;
    const auto g1_multiples = [&](std::span<const Fr> scalars) {
        std::vector<G1Affine> out(scalars.size());
        g1.multiples(scalars, out, threads);
        return out;
    };

    // u_j(tau), v_j(tau), w_j(tau) of every signal j: A's, B's and C's column at tau in the
    // Lagrange basis; each public signal j (and 1) also has A's constraint constraints + j.
    SecretValues u(variables), v(variables), w(variables);
    for (const R1csTerm& t : r1cs.a) u[t.signal] += t.value * lagrange[t.constraint];
    for (const R1csTerm& t : r1cs.b) v[t.signal] += t.value * lagrange[t.constraint];
    for (const R1csTerm& t : r1cs.c) w[t.signal] += t.value * lagrange[t.constraint];
    for (std::size_t j = 0; j <= publics; ++j) u[j] += lagrange[constraints + j];

    // IC (public) and C (private): beta u + alpha v + w; C over delta in the final key.
    SecretValues ic(publics + 1), c_start(variables - publics - 1), c_final(variables - publics - 1);
    Secret delta_inverse{delta.inverse()};
    for (std::size_t j = 0; j < variables; ++j) {
        const Secret k{beta * u[j] + alpha * v[j] + w[j]};
        if (j <= publics)
            ic[j] = k.value;
        else
            c_start[j - publics - 1] = k.value, c_final[j - publics - 1] = k.value * delta_inverse.value;
    }
    // H: the odd points of level power + 1 of the Lagrange tauG1 section, over delta.
    SecretValues h(n);
    for (std::size_t i = 0; i < n; ++i) h[i] = top_lagrange[2 * i + 1] * delta_inverse.value;
    const std::vector<G1Affine> a = g1_multiples(u.values), b1 = g1_multiples(v.values), ic_points = g1_multiples(ic.values),
                                c_start_points = g1_multiples(c_start.values), c_points = g1_multiples(c_final.values),
                                h_points = g1_multiples(h.values);
    // What the circuit hash takes for H: tau^i (tau^n - 1) G1 = tau^(n+i) G1 - tau^i G1 for i < n - 1,
    // differences of the powers of tau (one addition each, not a multiple).
    std::vector<G1Affine> z_points(n - 1);
    parallel_for(n - 1, threads, [&](std::size_t begin, std::size_t end) {
        std::vector<bn254::G1> differences(end - begin);
        for (std::size_t i = begin; i < end; ++i) differences[i - begin] = bn254::G1(ptau.tau_g1[n + i]) + -ptau.tau_g1[i];
        batch_to_affine<bn254::G1Curve>(differences, std::span(z_points).subspan(begin, end - begin));
    });
    std::vector<G2Affine> b2(variables);
    g2.multiples(v.values, b2, threads);

    // The circuit hash, of the key before any contribution.
    const G1Affine g1_one = g1_generator();
    const G2Affine g2_one = g2_generator();
    Blake2b cs;
    hash_uncompressed(cs, ptau.alpha_tau_g1[0]);
    hash_uncompressed(cs, ptau.beta_tau_g1[0]);
    hash_uncompressed(cs, ptau.beta_g2);
    hash_uncompressed(cs, g2_one);  // gamma
    hash_uncompressed(cs, g1_one);  // delta before the contribution
    hash_uncompressed(cs, g2_one);
    hash_count(cs, static_cast<std::uint32_t>(ic_points.size()));
    hash_uncompressed<G1Affine>(cs, ic_points);
    hash_count(cs, static_cast<std::uint32_t>(n - 1));
    hash_uncompressed<G1Affine>(cs, z_points);
    if (n - 1 > (1u << 14)) hash_uncompressed(cs, overrun_point(ptau, ptau.tau_g1[n - 1]));
    hash_count(cs, static_cast<std::uint32_t>(c_start_points.size()));
    hash_uncompressed<G1Affine>(cs, c_start_points);
    hash_count(cs, static_cast<std::uint32_t>(a.size()));
    hash_uncompressed<G1Affine>(cs, a);
    hash_count(cs, static_cast<std::uint32_t>(b1.size()));
    hash_uncompressed<G1Affine>(cs, b1);
    hash_count(cs, static_cast<std::uint32_t>(b2.size()));
    hash_uncompressed<G2Affine>(cs, b2);
    Zkey z;
    z.circuit_hash = cs.digest();

    // The contribution: its key answers the transcript (the circuit hash and its G1 points).
    PublicKey key = public_key_start(g1, delta);
    Blake2b transcript_hash;
    transcript_hash.update(z.circuit_hash);
    hash_uncompressed(transcript_hash, key.g1_s);
    hash_uncompressed(transcript_hash, key.g1_sx);
    const Blake2b::Digest transcript = transcript_hash.digest();
    public_key_finish(key, delta, transcript);
    const G1Affine delta1 = affine(g1.multiple(delta));
    const G2Affine delta2 = affine(g2.multiple(delta));
    Blake2b contribution;
    hash_uncompressed(contribution, delta1);
    hash_uncompressed(contribution, key.g1_s);
    hash_uncompressed(contribution, key.g1_sx);
    hash_uncompressed(contribution, key.g2_spx);
    contribution.update(transcript);
    z.contribution_hash = contribution.digest();

    BinaryWriter out("zkey", 1, 10);
    out.begin(1);
    out.u32(1);  // Groth16
    out.end();
    out.begin(2);
    out.modulus(Fq::kModulus);
    out.modulus(Fr::kModulus);
    out.u32(static_cast<std::uint32_t>(variables));
    out.u32(static_cast<std::uint32_t>(publics));
    out.u32(static_cast<std::uint32_t>(n));
    out.point(ptau.alpha_tau_g1[0]);
    out.point(ptau.beta_tau_g1[0]);
    out.point(ptau.beta_g2);
    out.point(g2_one);
    out.point(delta1);
    out.point(delta2);
    out.end();
    out.points_section<G1Affine>(3, ic_points);
    // A's and B's coefficients by constraint (A's then B's), then 1 for each public signal's
    // constraint; each value times R^2, so that it is a Montgomery form that snarkjs' prover
    // multiplies with plain witness values.
    out.begin(4);
    out.u32(static_cast<std::uint32_t>(r1cs.a.size() + r1cs.b.size() + publics + 1));
    const Fr r = Fr::from_canonical(bn254::montgomery::power_of_two<Fr::kModulus>(256)), r_squared = r * r;
    const auto coefficient = [&](std::uint32_t matrix, const R1csTerm& term) {
        out.u32(matrix);
        out.u32(term.constraint);
        out.u32(term.signal);
        const Limbs limbs = (term.value * r_squared).to_canonical();
        out.raw(limbs.data(), 32);
    };
    for (std::size_t ia = 0, ib = 0, constraint = 0; constraint < constraints; ++constraint) {
        for (; ia < r1cs.a.size() && r1cs.a[ia].constraint == constraint; ++ia) coefficient(0, r1cs.a[ia]);
        for (; ib < r1cs.b.size() && r1cs.b[ib].constraint == constraint; ++ib) coefficient(1, r1cs.b[ib]);
    }
    for (std::size_t j = 0; j <= publics; ++j)
        coefficient(0, {static_cast<std::uint32_t>(constraints + j), static_cast<std::uint32_t>(j), Fr::one()});
    out.end();
    out.points_section<G1Affine>(5, a);
    out.points_section<G1Affine>(6, b1);
    out.points_section<G2Affine>(7, b2);
    out.points_section<G1Affine>(8, c_points);
    out.points_section<G1Affine>(9, h_points);
    out.begin(10);
    out.raw(z.circuit_hash.data(), 64);
    out.u32(1);
    out.point(delta1);
    out.point(key.g1_s);
    out.point(key.g1_sx);
    out.point(key.g2_spx);
    out.raw(transcript.data(), 64);
    out.u32(0);  // a contribution, not a beacon
    write_name(out, kContributionName);
    out.end();
    z.file = std::move(out).take();
    return z;
}

}  // namespace

std::vector<SetupRecord> setup_groth16(std::span<const SetupTarget> circuits, const std::filesystem::path& ptau_out,
                                       unsigned threads) {
    if (circuits.empty()) throw std::invalid_argument("setup_groth16: no circuit");
    std::vector<R1cs> r1cs;
    for (const SetupTarget& c : circuits) r1cs.push_back(read_r1cs(c.r1cs));
    const unsigned power = r1cs.front().size.power;
    std::size_t variables = 0;
    for (const R1cs& r : r1cs) {
        if (r.size.power != power)
            throw std::invalid_argument(fmt::format("setup_groth16: circuits of powers {} and {} share no powers of tau", power, r.size.power));
        variables = std::max(variables, r.size.variables);
    }
    const std::size_t m = std::size_t{1} << power;

    // The toxic waste. tau must not be a 2^(power+1)-th root of unity (the Lagrange formulas
    // divide by tau - w^j); the chance is 2^-226, but the check is cheap.
    Secret tau{random_non_zero()}, alpha{random_non_zero()}, beta{random_non_zero()};
    for (;;) {
        Fr t = tau.value;
        for (unsigned i = 0; i <= power; ++i) t = t.squared();
        const bool root = t == Fr::one();
        OPENSSL_cleanse(&t, sizeof t);
        if (!root) break;
        tau.value = random_non_zero();
    }
    SecretValues powers(2 * m);
    powers[0] = Fr::one();
    for (std::size_t i = 1; i < 2 * m; ++i) powers[i] = powers[i - 1] * tau.value;
    std::vector<SecretValues> lagrange;
    for (unsigned level = 0; level <= power; ++level) lagrange.push_back(lagrange_at(tau.value, level));
    // Level power + 1 of the tauG1 section, from tau^0 .. tau^(2m - 2) and a zero: L_j(tau) less
    // the missing term w^j tau^(2m - 1) / 2m.
    SecretValues top = lagrange_at(tau.value, power + 1);
    {
        const Fr w = root_of_unity(power + 1);
        const Secret scale{powers[2 * m - 1] * Fr::from_u64(2 * m).inverse()};
        Fr w_j = Fr::one();
        for (std::size_t j = 0; j < 2 * m; ++j, w_j *= w) top[j] -= w_j * scale.value;
    }

    const std::size_t keys = circuits.size();
    const FixedBase<bn254::G1Curve> g1(g1_generator(), window_for(11 * m + keys * (m + 4 * variables)), threads);
    const FixedBase<bn254::G2Curve> g2(g2_generator(), window_for(3 * m + keys * variables), threads);
    const Ptau ptau = make_ptau(power, tau.value, alpha.value, beta.value, powers, lagrange, top, g1, g2, threads);
    write_file_atomically(ptau_out, ptau.file);
    // One powers of tau, each circuit its own phase 2 (its own delta): as snarkjs sets up circuits
    // on one shared .ptau.
    std::vector<SetupRecord> records;
    for (std::size_t k = 0; k < keys; ++k) {
        const Secret delta{random_non_zero()};
        const Zkey zkey = make_zkey(r1cs[k], ptau, alpha.value, beta.value, delta.value, lagrange[power], top, g1, g2, threads);
        write_file_atomically(circuits[k].zkey_out, zkey.file);
        records.push_back({power, to_hex(zkey.circuit_hash), to_hex(zkey.contribution_hash), to_hex(ptau.response)});
    }
    return records;
}

SetupRecord setup_groth16(const std::filesystem::path& r1cs, const std::filesystem::path& ptau_out,
                          const std::filesystem::path& zkey_out, unsigned threads) {
    const SetupTarget circuit{r1cs, zkey_out};
    return setup_groth16(std::span(&circuit, 1), ptau_out, threads).front();
}

}  // namespace zokml::prover
