#include "zokml/project/salt_file.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"
#include "zokml/crypto/commitment.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSaltFormat = "zokml-salt";
constexpr std::uintmax_t kMaxSaltFile = 4096;  // a salt file is about 120 bytes

}  // namespace

FieldElement read_salt_file(const fs::path& file) {
    std::error_code error;
    if (!fs::exists(file, error))
        throw InputError(file, "(file)", "no salt file here: zokml commit --salt FILE draws the model owner's salt and writes it");
    if (fs::is_regular_file(file, error) && fs::file_size(file, error) > kMaxSaltFile)
        throw InputError(file, "(file)", "not a zokml salt file (too large)");
    // Nothing of the file is quoted in an error: it holds a secret.
    const json document = json::parse(read_input_file(file), nullptr, false);
    if (document.is_discarded() || !document.is_object() || document.value("format", json()) != kSaltFormat)
        throw InputError(file, "format", "not a zokml salt file (expected {\"format\": \"zokml-salt\", \"version\": 1, \"salt\": ...})");
    if (document.value("version", json()) != 1) throw InputError(file, "version", "expected version 1");
    for (const auto& [key, value] : document.items())
        if (key != "format" && key != "version" && key != "salt") throw InputError(file, key, "not a member of a salt file");
    const json salt = document.value("salt", json());
    if (!salt.is_string()) throw InputError(file, "salt", "missing, or not a string of decimal digits");
    FieldElement value;
    try {
        value = FieldElement::from_decimal(salt.get<std::string>());
    } catch (const std::exception&) {
        throw InputError(file, "salt", "not a field element in decimal (0 <= salt < p)");
    }
    if (value == FieldElement()) throw InputError(file, "salt", "is 0: a salt hides nothing unless it is random");
    return value;
}

OwnerSalt read_or_create_salt_file(const fs::path& file) {
    std::error_code error;
    if (fs::exists(file, error)) return {read_salt_file(file), false};
    const FieldElement salt = random_salt();
    if (!write_salt_file(file, salt)) return {read_salt_file(file), false};  // written meanwhile
    return {salt, true};
}

bool write_salt_file(const fs::path& file, const FieldElement& salt) {
    return write_new_file_atomically(file, json{{"format", kSaltFormat}, {"version", 1}, {"salt", salt.to_decimal()}}.dump() + "\n");
}

}  // namespace zokml
