#include "prover/witness.hpp"

#include <fmt/format.h>

#include "crypto/bn254/fr.hpp"
#include "prover/binary_file.hpp"

namespace zokml::prover {

Groth16Witness::Groth16Witness(const std::filesystem::path& wtns) : data_(std::make_unique<Data>()) {
    const BinaryFile file(wtns, "wtns", 2);
    data_->file = wtns;
    SectionReader header(file.section(1, "header"), file, "header");
    if (header.u32() != 32) header.fail("the field's size is not 32 bytes: not BN254's scalar field");
    if (header.limbs("the field's modulus") != bn254::FrParams::modulus) header.fail("the field is not BN254's scalar field");
    const std::uint64_t count = header.u32();
    header.expect_end();

    SectionReader values(file.section(2, "values"), file, "values");
    if (values.left() != count * 32) values.fail(fmt::format("the header counts {} values of 32 bytes, the section has {} bytes", count, values.left()));
    data_->values.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        data_->values.push_back(values.limbs("a value"));
        if (!bn254::less_than(data_->values.back(), bn254::FrParams::modulus)) values.fail(fmt::format("value {} is not below the field's modulus", i));
    }
}

Groth16Witness::~Groth16Witness() = default;
Groth16Witness::Groth16Witness(Groth16Witness&&) noexcept = default;
Groth16Witness& Groth16Witness::operator=(Groth16Witness&&) noexcept = default;

std::size_t Groth16Witness::size() const { return data_->values.size(); }

FieldElement Groth16Witness::operator[](std::size_t index) const {
    return bn254::to_field(bn254::Fr::from_canonical(data_->values.at(index)));
}

}  // namespace zokml::prover
