#include "prover/proving_key.hpp"

#include <bit>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

#include "prover/binary_file.hpp"
#include "zokml/core/errors.hpp"

namespace zokml::prover {

using bn254::Fq;
using bn254::Fr;
using bn254::Limbs;

// The file's Montgomery form is ours (R = 2^256), little-endian words in order: its bytes are the
// points' bytes.
static_assert(std::is_trivially_copyable_v<bn254::G1Affine> && sizeof(bn254::G1Affine) == 64);
static_assert(std::is_trivially_copyable_v<bn254::G2Affine> && sizeof(bn254::G2Affine) == 128);
static_assert(std::endian::native == std::endian::little);

namespace {

// snarkjs' section types in a Groth16 .zkey.
enum ZkeySection : std::uint32_t { kHeader = 1, kGroth16Header = 2, kCoefficients = 4, kA = 5, kB1 = 6, kB2 = 7, kC = 8, kH = 9 };

// Fr's two-adicity: snarkjs proves domains up to 2^27 with the roots of unity (2^28 needs another shift).
constexpr unsigned kMaxLogDomain = 27;

bool canonical_q(const Fq& coordinate) { return bn254::less_than(std::bit_cast<Limbs>(coordinate), Fq::kModulus); }

template <class Point>
bool canonical(const Point& p) {
    if constexpr (std::is_same_v<Point, bn254::G1Affine>)
        return canonical_q(p.x) && canonical_q(p.y);
    else
        return canonical_q(p.x.c0) && canonical_q(p.x.c1) && canonical_q(p.y.c0) && canonical_q(p.y.c1);
}

template <class Point>
Point read_point(SectionReader& reader, const std::string& name) {
    Point p;
    const auto bytes = reader.take(sizeof(Point), name);
    std::memcpy(&p, bytes.data(), sizeof(Point));
    if (!canonical(p)) reader.fail(name + " has a coordinate at or above the base field's modulus");
    return p;
}

void expect_modulus(SectionReader& reader, const Limbs& modulus, const std::string& what) {
    if (reader.u32() != 32) reader.fail(what + "'s size is not 32 bytes: not BN254");
    if (reader.limbs(what) != modulus) reader.fail(what + " is not BN254's");
}

}  // namespace

// A section of exactly `count` points.
template <class Point>
std::vector<Point> read_points(const BinaryFile& file, std::uint32_t type, const std::string& name, std::uint64_t count) {
    const auto bytes = file.section(type, name);
    if (bytes.size() / sizeof(Point) != count || bytes.size() % sizeof(Point) != 0)
        throw InputError(file.path(), name,
                         fmt::format("the section has {} bytes, but the header's counts make {} points of {} bytes", bytes.size(), count,
                                     sizeof(Point)));
    std::vector<Point> points(count);
    if (count > 0) std::memcpy(points.data(), bytes.data(), bytes.size());  // (no pointer to copy from or to when empty)
    for (std::uint64_t i = 0; i < count; ++i)
        if (!canonical(points[i]))
            throw InputError(file.path(), name, fmt::format("point {} has a coordinate at or above the base field's modulus", i));
    return points;
}

template std::vector<bn254::G1Affine> read_points(const BinaryFile&, std::uint32_t, const std::string&, std::uint64_t);
template std::vector<bn254::G2Affine> read_points(const BinaryFile&, std::uint32_t, const std::string&, std::uint64_t);

Groth16Header read_groth16_header(const BinaryFile& file) {
    Groth16Header d;
    SectionReader header(file.section(kHeader, "header"), file, "header");
    if (const std::uint32_t protocol = header.u32(); protocol != 1)
        header.fail(fmt::format("the key is for protocol {}, not Groth16 (1)", protocol));

    SectionReader groth16(file.section(kGroth16Header, "groth16 header"), file, "groth16 header");
    expect_modulus(groth16, bn254::FqParams::modulus, "the base field's modulus q");
    expect_modulus(groth16, bn254::FrParams::modulus, "the scalar field's modulus r");
    d.variables = groth16.u32();
    d.public_inputs = groth16.u32();
    d.domain_size = groth16.u32();
    if (d.variables == 0 || d.public_inputs >= d.variables)
        groth16.fail(fmt::format("{} public inputs do not fit in {} variables (1 comes first)", d.public_inputs, d.variables));
    if (!std::has_single_bit(d.domain_size) || std::bit_width(d.domain_size) - 1 > kMaxLogDomain)
        groth16.fail(fmt::format("the domain size {} is not a power of two up to 2^{}", d.domain_size, kMaxLogDomain));
    d.log_domain_size = static_cast<unsigned>(std::bit_width(d.domain_size) - 1);
    d.alpha1 = read_point<bn254::G1Affine>(groth16, "alpha1");
    d.beta1 = read_point<bn254::G1Affine>(groth16, "beta1");
    d.beta2 = read_point<bn254::G2Affine>(groth16, "beta2");
    d.gamma2 = read_point<bn254::G2Affine>(groth16, "gamma2");
    d.delta1 = read_point<bn254::G1Affine>(groth16, "delta1");
    d.delta2 = read_point<bn254::G2Affine>(groth16, "delta2");
    groth16.expect_end();

    return d;
}

Groth16ProvingKey::Groth16ProvingKey(const std::filesystem::path& zkey) : data_(std::make_unique<Data>()) {
    const BinaryFile file(zkey, "zkey", 1);
    Data& d = *data_;

    static_cast<Groth16Header&>(d) = read_groth16_header(file);

    // Coefficients: a count, then (matrix, constraint, signal, value) with the value times R^2 in
    // Montgomery form (so that snarkjs multiplies it with a plain witness value).
    SectionReader coefficients(file.section(kCoefficients, "coefficients"), file, "coefficients");
    const std::uint64_t count = coefficients.u32();
    constexpr std::uint64_t kEntry = 12 + 32;
    if (coefficients.left() != count * kEntry)
        coefficients.fail(fmt::format("{} coefficients need {} bytes, the section has {}", count, count * kEntry, coefficients.left()));
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint32_t matrix = coefficients.u32(), constraint = coefficients.u32(), signal = coefficients.u32();
        const Limbs value = coefficients.limbs("a coefficient");
        if (matrix > 1 || constraint >= d.domain_size || signal >= d.variables || !bn254::less_than(value, Fr::kModulus))
            coefficients.fail(fmt::format("coefficient {} (matrix {}, constraint {}, signal {}) is out of range", i, matrix, constraint, signal));
        // value = n R^2 as a Montgomery form is n R; its canonical form n R is n's Montgomery form.
        const Fr n = std::bit_cast<Fr>(std::bit_cast<Fr>(value).to_canonical());
        (matrix == 0 ? d.a_coefficients : d.b_coefficients).push_back({constraint, signal, n});
    }

    d.a = read_points<bn254::G1Affine>(file, kA, "A points", d.variables);
    d.b1 = read_points<bn254::G1Affine>(file, kB1, "B1 points", d.variables);
    d.b2 = read_points<bn254::G2Affine>(file, kB2, "B2 points", d.variables);
    d.c = read_points<bn254::G1Affine>(file, kC, "C points", d.variables - d.public_inputs - 1);
    d.h = read_points<bn254::G1Affine>(file, kH, "H points", d.domain_size);
}

Groth16ProvingKey::~Groth16ProvingKey() = default;
Groth16ProvingKey::Groth16ProvingKey(Groth16ProvingKey&&) noexcept = default;
Groth16ProvingKey& Groth16ProvingKey::operator=(Groth16ProvingKey&&) noexcept = default;

std::size_t Groth16ProvingKey::variables() const { return data_->variables; }
std::size_t Groth16ProvingKey::public_inputs() const { return data_->public_inputs; }
std::size_t Groth16ProvingKey::domain_size() const { return data_->domain_size; }

}  // namespace zokml::prover
