#include "prover/r1cs.hpp"

#include <bit>

#include <fmt/format.h>

#include "prover/binary_file.hpp"
#include "zokml/core/errors.hpp"

namespace zokml::prover {

namespace {

enum R1csSection : std::uint32_t { kR1csHeader = 1, kR1csConstraints = 2 };

// 2^27 points: the NTT's and the powers of tau's limit (2^28 = F_r's two-adicity holds the H points).
constexpr unsigned kMaxPower = 27;

}  // namespace

R1cs read_r1cs(const std::filesystem::path& path) {
    const BinaryFile file(path, "r1cs", 1);
    R1cs r1cs;
    R1csSize& size = r1cs.size;

    SectionReader header(file.section(kR1csHeader, "header"), file, "header");
    if (header.u32() != 32) header.fail("the field's size is not 32 bytes: not BN254's scalar field");
    if (header.limbs("the field's modulus") != bn254::FrParams::modulus) header.fail("the field is not BN254's scalar field");
    const std::uint64_t wires = header.u32(), outputs = header.u32(), public_inputs = header.u32();
    header.u32();  // private inputs
    header.take(8, "the label count");
    const std::uint64_t constraints = header.u32();
    header.expect_end();
    if (wires == 0 || 1 + outputs + public_inputs > wires)
        header.fail(fmt::format("{} outputs and {} public inputs do not fit in {} wires (1 comes first)", outputs, public_inputs, wires));
    size.constraints = constraints;
    size.variables = wires;
    size.public_signals = outputs + public_inputs;
    const std::uint64_t points = constraints + size.public_signals + 1;
    size.power = std::max(1u, static_cast<unsigned>(std::bit_width(points - 1)));
    if (size.power > kMaxPower)
        header.fail(fmt::format("{} constraints and {} public signals need 2^{} points; at most 2^{} are supported", constraints,
                                size.public_signals, size.power, kMaxPower));

    const auto bytes = file.section(kR1csConstraints, "constraints");
    SectionReader reader(bytes, file, "constraints");
    if (bytes.size() / 12 < constraints)  // three term counts each, before any allocation
        reader.fail(fmt::format("{} constraints need at least {} bytes, the section has {}", constraints, constraints * 12, bytes.size()));
    for (std::uint32_t constraint = 0; constraint < constraints; ++constraint) {
        for (std::vector<R1csTerm>* matrix : {&r1cs.a, &r1cs.b, &r1cs.c}) {
            const std::uint64_t terms = reader.u32();
            if (terms > reader.left() / 36)
                reader.fail(fmt::format("constraint {} claims {} terms, more than the {} bytes left hold", constraint, terms, reader.left()));
            for (std::uint64_t t = 0; t < terms; ++t) {
                const std::uint32_t signal = reader.u32();
                const bn254::Limbs value = reader.limbs("a coefficient");
                if (signal >= wires) reader.fail(fmt::format("constraint {} names wire {} of {}", constraint, signal, wires));
                if (!bn254::less_than(value, bn254::Fr::kModulus))
                    reader.fail(fmt::format("constraint {} has a coefficient not below the field's modulus", constraint));
                matrix->push_back({constraint, signal, bn254::Fr::from_canonical(value)});
            }
        }
    }
    reader.expect_end();
    return r1cs;
}

R1csSize read_r1cs_size(const std::filesystem::path& r1cs) { return read_r1cs(r1cs).size; }

}  // namespace zokml::prover
