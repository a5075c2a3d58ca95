#include "zokml/data/inputs.hpp"

#include <fmt/format.h>

#include "zokml/core/errors.hpp"

namespace zokml {

std::vector<std::int64_t> integer_input(const nlohmann::json& values, const std::filesystem::path& file) {
    if (!values.is_array()) throw InputError(file, "(file)", "expected a JSON array of integers, got " + std::string(values.type_name()));
    std::vector<std::int64_t> input;
    input.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& v = values[i];
        if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX))
            throw InputError(file, fmt::format("[{}]", i), "expected an integer, got " + v.dump());
        input.push_back(v.get<std::int64_t>());
    }
    return input;
}

}  // namespace zokml
