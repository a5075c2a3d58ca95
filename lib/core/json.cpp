#include "zokml/core/json.hpp"

#include <fmt/format.h>

#include <string>

#include "zokml/core/errors.hpp"
#include "zokml/core/files.hpp"

namespace zokml {
namespace {

using nlohmann::json;

// The byte where parsing stopped, for errors that nlohmann reports without one (a number that
// overflows a double is refused as out_of_range, not as a parse_error).
std::size_t failing_byte(std::string_view text) {
    struct Locator : json::json_sax_t {
        std::size_t position = 0;
        bool null() override { return true; }
        bool boolean(bool) override { return true; }
        bool number_integer(number_integer_t) override { return true; }
        bool number_unsigned(number_unsigned_t) override { return true; }
        bool number_float(number_float_t, const string_t&) override { return true; }
        bool string(string_t&) override { return true; }
        bool binary(binary_t&) override { return true; }
        bool start_object(std::size_t) override { return true; }
        bool key(string_t&) override { return true; }
        bool end_object() override { return true; }
        bool start_array(std::size_t) override { return true; }
        bool end_array() override { return true; }
        bool parse_error(std::size_t at, const std::string&, const json::exception&) override {
            position = at;
            return false;
        }
    } locator;
    json::sax_parse(text, &locator);
    return locator.position;
}

}  // namespace

json parse_json(std::string_view text, const std::filesystem::path& file) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw InputError(file, "(file)", fmt::format("not valid JSON at byte {}: {}", failing_byte(text), e.what()));
    }
}

json read_json_file(const std::filesystem::path& file) { return parse_json(read_input_file(file), file); }

}  // namespace zokml
