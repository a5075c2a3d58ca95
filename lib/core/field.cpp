#include "zokml/core/field.hpp"

#include <openssl/bn.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

namespace zokml {
namespace {

constexpr const char* kModulus = "21888242871839275222246405745257275088548364400416034343698204186575808495617";

struct BnFree {
    void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct CtxFree {
    void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn new_bn() {
    Bn bn(BN_new());
    if (!bn) throw std::bad_alloc();
    return bn;
}

const BIGNUM* modulus() {
    static const Bn p = [] {
        BIGNUM* raw = nullptr;
        BN_dec2bn(&raw, kModulus);
        return Bn(raw);
    }();
    return p.get();
}

BN_CTX* context() {
    thread_local std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    return ctx.get();
}

// Parses an optionally signed decimal; throws std::invalid_argument on anything else.
Bn parse_decimal(std::string_view text) {
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    if (digits.empty() || digits.size() > 200 || digits.find_first_not_of("0123456789") != std::string_view::npos)
        throw std::invalid_argument("not a decimal integer: '" + std::string(text) + "'");
    BIGNUM* raw = nullptr;
    BN_dec2bn(&raw, std::string(text).c_str());
    return Bn(raw);
}

Bn to_bn(const std::array<std::uint8_t, 32>& bytes) {
    Bn bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!bn) throw std::bad_alloc();
    return bn;
}

FieldElement from_reduced(const BIGNUM* value) {
    std::array<std::uint8_t, 32> bytes{};
    BN_bn2binpad(value, bytes.data(), static_cast<int>(bytes.size()));
    return FieldElement::from_bytes(bytes);
}

FieldElement reduce(const BIGNUM* value) {
    Bn r = new_bn();
    BN_nnmod(r.get(), value, modulus(), context());
    return from_reduced(r.get());
}

}  // namespace

const char* FieldElement::modulus_decimal() { return kModulus; }

FieldElement FieldElement::from_bytes(const std::array<std::uint8_t, 32>& big_endian) {
    Bn value = to_bn(big_endian);
    FieldElement e;
    if (BN_cmp(value.get(), modulus()) < 0) {
        e.bytes_ = big_endian;
        return e;
    }
    Bn r = new_bn();
    BN_nnmod(r.get(), value.get(), modulus(), context());
    BN_bn2binpad(r.get(), e.bytes_.data(), static_cast<int>(e.bytes_.size()));
    return e;
}

FieldElement FieldElement::from_canonical_bytes(const std::array<std::uint8_t, 32>& big_endian) {
    if (BN_cmp(to_bn(big_endian).get(), modulus()) >= 0) throw std::invalid_argument("not a canonical field element (>= p)");
    FieldElement e;
    e.bytes_ = big_endian;
    return e;
}

FieldElement FieldElement::from_hex(std::string_view hex) {
    const auto digit = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    const bool shaped = hex.size() == 66 && hex.starts_with("0x") &&
                        std::all_of(hex.begin() + 2, hex.end(), [&](char c) { return digit(c) >= 0; });
    if (!shaped) throw std::invalid_argument("expected \"0x\" and 64 hex digits, got '" + std::string(hex.substr(0, 80)) + "'");
    std::array<std::uint8_t, 32> bytes{};
    for (std::size_t i = 0; i < 32; ++i) bytes[i] = static_cast<std::uint8_t>(digit(hex[2 + 2 * i]) * 16 + digit(hex[3 + 2 * i]));
    try {
        return from_canonical_bytes(bytes);
    } catch (const std::invalid_argument&) {
        throw std::invalid_argument("not a canonical field element (>= p): '" + std::string(hex) + "'");
    }
}

FieldElement FieldElement::from_int(std::int64_t value) {
    Bn bn = new_bn();
    // The magnitude as unsigned avoids overflow for INT64_MIN.
    const std::uint64_t magnitude = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    BN_set_word(bn.get(), magnitude);
    BN_set_negative(bn.get(), value < 0);
    return reduce(bn.get());
}

FieldElement FieldElement::from_signed_decimal(std::string_view decimal) {
    Bn value = parse_decimal(decimal);
    Bn half = new_bn();
    BN_rshift1(half.get(), modulus());
    Bn magnitude(BN_dup(value.get()));
    BN_set_negative(magnitude.get(), 0);
    if (BN_cmp(magnitude.get(), half.get()) > 0)
        throw std::out_of_range("signed value " + std::string(decimal) + " does not fit the BN254 field (|v| must be < p/2)");
    return reduce(value.get());
}

FieldElement FieldElement::from_decimal(std::string_view decimal) {
    if (!decimal.empty() && decimal.front() == '-')
        throw std::invalid_argument("not a canonical field element (negative): '" + std::string(decimal) + "'");
    Bn value = parse_decimal(decimal);
    if (BN_cmp(value.get(), modulus()) >= 0)
        throw std::invalid_argument("not a canonical field element (>= p): '" + std::string(decimal) + "'");
    return from_reduced(value.get());
}

FieldElement FieldElement::modulus_minus(std::uint64_t k) { return FieldElement{} - from_int(static_cast<std::int64_t>(k)); }

std::string FieldElement::to_decimal() const {
    Bn value = to_bn(bytes_);
    char* text = BN_bn2dec(value.get());
    std::string result(text);
    OPENSSL_free(text);
    return result;
}

std::optional<std::int64_t> FieldElement::to_signed() const {
    Bn value = to_bn(bytes_);
    Bn half = new_bn();
    BN_rshift1(half.get(), modulus());
    const bool negative = BN_cmp(value.get(), half.get()) > 0;
    if (negative) BN_sub(value.get(), modulus(), value.get());
    if (BN_num_bits(value.get()) > 64) return std::nullopt;
    const std::uint64_t magnitude = BN_get_word(value.get());
    const std::uint64_t limit = static_cast<std::uint64_t>(INT64_MAX) + (negative ? 1 : 0);
    if (magnitude > limit) return std::nullopt;
    return negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
}

FieldElement FieldElement::operator+(const FieldElement& other) const {
    Bn a = to_bn(bytes_), b = to_bn(other.bytes_), r = new_bn();
    BN_mod_add(r.get(), a.get(), b.get(), modulus(), context());
    return from_reduced(r.get());
}

FieldElement FieldElement::operator-(const FieldElement& other) const {
    Bn a = to_bn(bytes_), b = to_bn(other.bytes_), r = new_bn();
    BN_mod_sub(r.get(), a.get(), b.get(), modulus(), context());
    return from_reduced(r.get());
}

FieldElement FieldElement::operator*(const FieldElement& other) const {
    Bn a = to_bn(bytes_), b = to_bn(other.bytes_), r = new_bn();
    BN_mod_mul(r.get(), a.get(), b.get(), modulus(), context());
    return from_reduced(r.get());
}

FieldElement FieldElement::pow(std::uint64_t exponent) const {
    Bn a = to_bn(bytes_), e = new_bn(), r = new_bn();
    BN_set_word(e.get(), exponent);
    BN_mod_exp(r.get(), a.get(), e.get(), modulus(), context());
    return from_reduced(r.get());
}

}  // namespace zokml
