// BN254's scalar field F_p (p = FieldElement's modulus): the field of the circuits, of Poseidon
// and of the public inputs. FieldElement stays the public type; convert at the edges.
#pragma once

#include "crypto/bn254/montgomery.hpp"
#include "zokml/core/field.hpp"

namespace zokml::bn254 {

struct FrParams {
    // p = 21888242871839275222246405745257275088548364400416034343698204186575808495617
    static constexpr Limbs modulus{0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029};
};
using Fr = MontgomeryField<FrParams>;

Fr to_fr(const FieldElement& value);
FieldElement to_field(const Fr& value);

}  // namespace zokml::bn254
