#include "fr.hpp"

#include <stdexcept>

namespace zokml::detail {
namespace {

// 2^512 mod p, by doubling 1 modulo p 512 times (p < 2^254, so doubling never overflows).
constexpr Limbs r_squared() {
    Limbs r{1, 0, 0, 0};
    for (int n = 0; n < 512; ++n) {
        std::uint64_t carry = 0;
        for (auto& limb : r) {
            const std::uint64_t next_carry = limb >> 63;
            limb = (limb << 1) | carry;
            carry = next_carry;
        }
        r = fr_impl::reduce_once(r);
    }
    return r;
}
constexpr Limbs kRSquared = r_squared();

}  // namespace

Fr Fr::from_canonical(const Limbs& value) {
    if (!less_than(value, kFrModulus)) throw std::invalid_argument("not a canonical BN254 field element (>= p)");
    Fr r;
    r.montgomery_ = fr_impl::montgomery_multiply(value, kRSquared);
    return r;
}

Fr Fr::from_field(const FieldElement& value) {
    Limbs limbs{};
    const auto& bytes = value.bytes();
    for (int i = 0; i < 32; ++i) limbs[3 - i / 8] = (limbs[3 - i / 8] << 8) | bytes[i];
    return from_canonical(limbs);
}

FieldElement Fr::to_field() const {
    const Limbs limbs = to_canonical();
    std::array<std::uint8_t, 32> bytes{};
    for (int i = 0; i < 32; ++i) bytes[i] = static_cast<std::uint8_t>(limbs[3 - i / 8] >> (8 * (7 - i % 8)));
    return FieldElement::from_bytes(bytes);
}

Fr Fr::inverse() const {
    // a^(p-2), square and multiply from the top bit of p - 2.
    Limbs exponent = kFrModulus;
    exponent[0] -= 2;
    Fr result = from_u64(1);
    for (int bit = 255; bit >= 0; --bit) {
        result = result * result;
        if ((exponent[bit / 64] >> (bit % 64)) & 1) result = result * *this;
    }
    return result;
}

}  // namespace zokml::detail
