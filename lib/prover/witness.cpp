#include "prover/witness.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "crypto/bn254/fr.hpp"
#include "prover/binary_file.hpp"

namespace zokml::prover {

namespace {

void read_witness(const BinaryFile& file, Groth16Witness::Data& data) {
    SectionReader header(file.section(1, "header"), file, "header");
    if (header.u32() != 32) header.fail("the field's size is not 32 bytes: not BN254's scalar field");
    if (header.limbs("the field's modulus") != bn254::FrParams::modulus) header.fail("the field is not BN254's scalar field");
    const std::uint64_t count = header.u32();
    header.expect_end();

    SectionReader values(file.section(2, "values"), file, "values");
    if (values.left() != count * 32) values.fail(fmt::format("the header counts {} values of 32 bytes, the section has {} bytes", count, values.left()));
    data.values.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        data.values.push_back(values.limbs("a value"));
        if (!bn254::less_than(data.values.back(), bn254::FrParams::modulus)) values.fail(fmt::format("value {} is not below the field's modulus", i));
    }
}

}  // namespace

Groth16Witness::Data::~Data() { OPENSSL_cleanse(values.data(), values.size() * sizeof(bn254::Limbs)); }

Groth16Witness::Groth16Witness(const std::filesystem::path& wtns) : data_(std::make_unique<Data>()) {
    data_->file = wtns;
    read_witness(BinaryFile(wtns, "wtns", 2), *data_);
}

Groth16Witness::Groth16Witness(std::string wtns_bytes, const std::filesystem::path& name) : data_(std::make_unique<Data>()) {
    data_->file = name;
    read_witness(BinaryFile(std::move(wtns_bytes), name, "wtns", 2), *data_);
}

Groth16Witness::~Groth16Witness() = default;
Groth16Witness::Groth16Witness(Groth16Witness&&) noexcept = default;
Groth16Witness& Groth16Witness::operator=(Groth16Witness&&) noexcept = default;

std::size_t Groth16Witness::size() const { return data_->values.size(); }

FieldElement Groth16Witness::operator[](std::size_t index) const {
    return bn254::to_field(bn254::Fr::from_canonical(data_->values.at(index)));
}

}  // namespace zokml::prover
