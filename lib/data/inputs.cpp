#include "zokml/data/inputs.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <stdexcept>

#include "zokml/core/errors.hpp"
#include "zokml/core/json.hpp"

namespace zokml {

namespace fs = std::filesystem;

std::vector<std::int64_t> integer_input(const nlohmann::json& values, const fs::path& file) {
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

namespace {

// Whether the file starts (after white space) with '[': a JSON array, the circuit's integer input.
bool starts_as_array(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    char c = 0;
    while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
    }
    return in && c == '[';
}

}  // namespace

std::variant<IntegerInput, FloatInput> read_proof_input(const fs::path& file, std::optional<std::size_t> index) {
    if (file == "-" || starts_as_array(file)) {
        if (index) throw std::invalid_argument(fmt::format("{}: an index picks an input of a .npy, CSV or JSON batch file, "
                                                           "not of a JSON array of integers", file.string()));
        const fs::path name = file == "-" ? fs::path("<stdin>") : file;
        return IntegerInput{integer_input(read_json_file_or_stdin(file), name), name};
    }
    FloatInput floats{read_batch_file(file, Labels::None), index.value_or(0), file};
    if (!index && floats.batch.inputs.size() > 1)
        throw std::invalid_argument(fmt::format("{} holds {} inputs: choose one by its index", file.string(), floats.batch.inputs.size()));
    return floats;
}

}  // namespace zokml
