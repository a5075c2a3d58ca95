#include "crypto/bn254/fr.hpp"

namespace zokml::bn254 {

Fr to_fr(const FieldElement& value) {
    Limbs limbs{};
    const auto& bytes = value.bytes();
    for (int i = 0; i < 32; ++i) limbs[3 - i / 8] = (limbs[3 - i / 8] << 8) | bytes[i];
    return Fr::from_canonical(limbs);
}

FieldElement to_field(const Fr& value) {
    const Limbs limbs = value.to_canonical();
    std::array<std::uint8_t, 32> bytes{};
    for (int i = 0; i < 32; ++i) bytes[i] = static_cast<std::uint8_t>(limbs[3 - i / 8] >> (8 * (7 - i % 8)));
    return FieldElement::from_bytes(bytes);
}

}  // namespace zokml::bn254
