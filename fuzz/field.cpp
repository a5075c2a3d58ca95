// Field elements in decimal, as proofs' public values and the command's arguments give them.
#include "fuzz_support.hpp"
#include "zokml/core/field.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zokml;
    const std::string_view text = fuzz::text_of(data, size);
    fuzz::run_expecting(fuzz::kInvalidArgument, [&] {
        const FieldElement e = FieldElement::from_decimal(text);
        fuzz::require(FieldElement::from_decimal(e.to_decimal()) == e, "decimal round trip");
    });
    fuzz::run_expecting(fuzz::kInvalidArgument | fuzz::kOutOfRange, [&] {
        const FieldElement e = FieldElement::from_signed_decimal(text);
        if (const auto v = e.to_signed()) fuzz::require(FieldElement::from_int(*v) == e, "signed round trip");
    });
    return 0;
}
