#include "zokml/core/json.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

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

// What parse_json refuses beyond the syntax, found in one pass that keeps its own stack (a
// document is never walked recursively before its depth is known): the first member name that
// appears twice in one object, and where ("layers[2].weights") (nlohmann keeps the last one
// silently, so a reader could be shown one value and use another); and the first value nested
// deeper than kMaxJsonDepth.
struct StructureCheck : json::json_sax_t {
    struct Frame {
        bool object = false;
        std::set<std::string> keys;
        std::string key;        // object: the member being read
        std::size_t index = 0;  // array: the element being read
    };
    std::vector<Frame> frames;
    std::optional<std::string> duplicate;  // its path
    std::optional<std::string> too_deep;   // where the nesting goes too deep (its first levels)

    // The path of the value being read, its first `levels` members or elements (then "...").
    std::string path(std::size_t levels = SIZE_MAX) const {
        std::string text;
        for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
            if (i == levels) return text + "...";
            const Frame& f = frames[i];
            text += f.object ? (text.empty() ? "" : ".") + f.key : fmt::format("[{}]", f.index);
        }
        return text;
    }
    bool value() {  // a value ends: an array moves on to its next element
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
        return true;
    }
    bool open(bool object) {
        frames.push_back({object, {}, {}, 0});
        if (frames.size() <= kMaxJsonDepth) return true;
        too_deep = path(3);
        return false;
    }
    bool close() {
        frames.pop_back();
        return value();
    }
    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t&) override { return value(); }
    bool binary(binary_t&) override { return value(); }
    bool start_object(std::size_t) override { return open(true); }
    bool key(string_t& name) override {
        Frame& f = frames.back();
        f.key = name;
        if (f.keys.insert(name).second) return true;
        frames.push_back({});  // path() names the member itself
        duplicate = path();
        return false;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(false); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const json::exception&) override { return false; }
};

}  // namespace

json parse_json(std::string_view text, const std::filesystem::path& file) {
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception& e) {
        throw InputError(file, "(file)", fmt::format("not valid JSON at byte {}: {}", failing_byte(text), e.what()));
    }
    StructureCheck check;
    json::sax_parse(text, &check);
    if (check.duplicate) throw InputError(file, *check.duplicate, "appears twice in its object: a member is given once");
    if (check.too_deep)
        throw InputError(file, check.too_deep->empty() ? "(file)" : *check.too_deep,
                         fmt::format("nests arrays and objects more than {} levels deep; no zokml document nests so deep", kMaxJsonDepth));
    return document;
}

json read_json_file(const std::filesystem::path& file) { return parse_json(read_input_file(file), file); }

namespace {

std::string read_stdin() {
    std::string text;
    char buffer[1 << 16];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
        if (text.size() > kMaxStdinBytes)
            throw InputError("<stdin>", "(stdin)", fmt::format("holds more than {} MiB, more than any private input or proof; zokml "
                                                               "stops reading there", kMaxStdinBytes >> 20));
    }
    return text;
}

}  // namespace

json read_json_file_or_stdin(const std::filesystem::path& file) {
    if (file != "-") return read_json_file(file);
    return parse_json(read_stdin(), "<stdin>");
}

std::string dump_json(const json& value, int indent) { return value.dump(indent, ' ', false, json::error_handler_t::replace); }

}  // namespace zokml
