// Elements of BN254's scalar field, the field ZoKrates computes in (curve bn128).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zokml {

// A canonical element of F_p, p = 21888242871839275222246405745257275088548364400416034343698204186575808495617.
// Signed integers are encoded as v for v >= 0 and p - |v| for v < 0.
class FieldElement {
public:
    FieldElement() = default;  // zero
    static FieldElement from_int(std::int64_t value);
    // Exact arbitrary-precision signed value given in decimal; throws std::out_of_range when
    // |value| >= p/2 (it would not decode back to the same signed integer).
    static FieldElement from_signed_decimal(std::string_view decimal);
    // A canonical field value 0 <= v < p in decimal; throws std::invalid_argument otherwise.
    static FieldElement from_decimal(std::string_view decimal);
    // "0x" and 64 hex digits of a canonical value 0 <= v < p, as proof.json writes public inputs;
    // throws std::invalid_argument otherwise (v + p would be a second form of the same input).
    static FieldElement from_hex(std::string_view hex);
    static FieldElement modulus_minus(std::uint64_t k);  // p - k

    std::string to_decimal() const;
    // The signed integer this element encodes (values above p/2 are negative), when it fits.
    std::optional<std::int64_t> to_signed() const;

    FieldElement operator+(const FieldElement& other) const;
    FieldElement operator-(const FieldElement& other) const;
    FieldElement operator*(const FieldElement& other) const;
    FieldElement pow(std::uint64_t exponent) const;

    // Big-endian bytes of the canonical value.
    const std::array<std::uint8_t, 32>& bytes() const { return bytes_; }
    static FieldElement from_bytes(const std::array<std::uint8_t, 32>& big_endian);  // reduces mod p
    // The same, but throws std::invalid_argument for a value >= p instead of reducing it.
    static FieldElement from_canonical_bytes(const std::array<std::uint8_t, 32>& big_endian);

    bool operator==(const FieldElement&) const = default;
    auto operator<=>(const FieldElement&) const = default;

    static const char* modulus_decimal();

private:
    std::array<std::uint8_t, 32> bytes_{};
};

}  // namespace zokml
