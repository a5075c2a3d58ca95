#include "proof_points.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "zokml/core/errors.hpp"

namespace zokml::detail {

namespace fs = std::filesystem;
using bn254::Fq;
using bn254::Limbs;

namespace {

const std::string& text_of(const nlohmann::json& text, const fs::path& file, const std::string& field, const char* expected) {
    if (!text.is_string()) throw InputError(file, field, fmt::format("expected {}, got {}", expected, shown(text)));
    return text.get_ref<const std::string&>();
}

Fq below_q(const Limbs& value, const std::string& text, const fs::path& file, const std::string& field) {
    if (!bn254::less_than(value, Fq::kModulus))
        throw InputError(file, field, fmt::format("{} is not below the base field's modulus q (a second form of a coordinate)", shown(text)));
    return Fq::from_canonical(value);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Fq hex_coordinate(const nlohmann::json& json, const fs::path& file, const std::string& field) {
    const std::string& text = text_of(json, file, field, "\"0x\" and 64 hex digits");
    const bool shaped = text.size() == 66 && text.starts_with("0x") &&
                        std::all_of(text.begin() + 2, text.end(), [](char c) { return hex_digit(c) >= 0; });
    if (!shaped) throw InputError(file, field, fmt::format("expected \"0x\" and 64 hex digits, got {}", shown(text)));
    Limbs value{};
    for (std::size_t i = 0; i < 64; ++i) value[3 - i / 16] = (value[3 - i / 16] << 4) | static_cast<std::uint64_t>(hex_digit(text[2 + i]));
    return below_q(value, text, file, field);
}

Fq decimal_coordinate(const nlohmann::json& json, const fs::path& file, const std::string& field) {
    const std::string& text = text_of(json, file, field, "a decimal number in a string");
    // q has 77 digits; a longer number is not below it.
    const bool shaped = !text.empty() && text.size() <= 77 && text.find_first_not_of("0123456789") == std::string::npos &&
                        (text.size() == 1 || text[0] != '0');
    if (!shaped) throw InputError(file, field, fmt::format("expected a decimal number below q without leading zeros, got {}", shown(text)));
    Limbs value{};
    bool beyond_256_bits = false;
    for (const char c : text) {  // value = 10 value + digit
        __extension__ using u128 = unsigned __int128;
        std::uint64_t carry = static_cast<std::uint64_t>(c - '0');
        for (auto& limb : value) {
            const u128 product = static_cast<u128>(limb) * 10 + carry;
            limb = static_cast<std::uint64_t>(product);
            carry = static_cast<std::uint64_t>(product >> 64);
        }
        beyond_256_bits |= carry != 0;
    }
    if (beyond_256_bits) value = Fq::kModulus;  // refused below as not below q
    return below_q(value, text, file, field);
}

std::string to_hex(const Fq& coordinate) {
    const Limbs value = coordinate.to_canonical();
    return fmt::format("0x{:016x}{:016x}{:016x}{:016x}", value[3], value[2], value[1], value[0]);
}

const bn254::G1Affine& checked_g1(const bn254::G1Affine& point, const fs::path& file, const std::string& field) {
    if (point.x.is_zero() && point.y.is_zero()) throw InputError(file, field, "the point at infinity, which no honest proof holds");
    if (!point.on_curve()) throw InputError(file, field, "not on the curve y^2 = x^3 + 3 (G1)");
    return point;
}

const bn254::G2Affine& checked_g2(const bn254::G2Affine& point, const fs::path& file, const std::string& field) {
    if (point.x.is_zero() && point.y.is_zero()) throw InputError(file, field, "the point at infinity, which no honest proof holds");
    if (!point.on_curve()) throw InputError(file, field, "not on the twist y^2 = x^3 + 3/(9+u) (G2)");
    if (!bn254::in_prime_order_subgroup(point)) throw InputError(file, field, "on the twist but not in G2, its subgroup of order r");
    return point;
}

std::string shown(const nlohmann::json& value) {
    const std::string text = value.dump(-1, ' ', true);  // ASCII: cut anywhere, it stays UTF-8
    return text.size() <= 80 ? text : text.substr(0, 77) + "...";
}

const nlohmann::json& array_of(const nlohmann::json& json, std::size_t size, const fs::path& file, const std::string& field) {
    if (!json.is_array() || json.size() != size)
        throw InputError(file, field, fmt::format("expected an array of {} elements, got {}", size, shown(json)));
    return json;
}

}  // namespace zokml::detail
