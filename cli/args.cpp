#include "args.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace zokml::cli {

Args::Args(const std::vector<Option>& options, const std::vector<std::string>& arguments, std::size_t max_positional) {
    const auto find = [&](const std::string& name) -> const Option* {
        for (const auto* list : {&options, &common_options()})
            for (const auto& option : *list)
                if (option.name == name) return &option;
        return nullptr;
    };
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (argument == "-h") {
            values_["help"] = "";
            continue;
        }
        if (!argument.starts_with("--") || argument == "--") {
            if (argument.starts_with("-") && argument != "-") throw UsageError("unknown option '" + argument + "'");
            if (positional_.size() == max_positional) throw UsageError("unexpected argument '" + argument + "'");
            positional_.push_back(argument);
            continue;
        }
        const auto equals = argument.find('=');
        const std::string name = argument.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
        const Option* option = find(name);
        if (!option) throw UsageError("unknown option '--" + name + "'");
        if (values_.count(name)) throw UsageError("--" + name + " is given twice");
        if (option->value.empty()) {
            if (equals != std::string::npos) throw UsageError("--" + name + " takes no value");
            values_[name] = "";
        } else if (equals != std::string::npos) {
            values_[name] = argument.substr(equals + 1);
        } else {
            if (i + 1 >= arguments.size()) throw UsageError("--" + name + " needs a value (" + option->value + ")");
            values_[name] = arguments[++i];
        }
    }
}

std::optional<std::string> Args::get(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const { return get(name).value_or(fallback); }

std::string Args::required(const std::string& name) const {
    if (auto value = get(name)) return *value;
    throw UsageError("--" + name + " is required");
}

std::optional<std::int64_t> Args::integer(const std::string& name, std::int64_t min, std::int64_t max) const {
    const auto text = get(name);
    if (!text) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || text->empty() || value < min || value > max)
        throw UsageError(fmt::format("--{}: expected an integer from {} to {}, got '{}'", name, min, max, *text));
    return value;
}

std::int64_t Args::integer_or(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
    return integer(name, min, max).value_or(fallback);
}

void Args::at_most_one_of(const std::vector<std::string>& names) const {
    std::vector<std::string> given;
    for (const auto& name : names)
        if (has(name)) given.push_back("--" + name);
    if (given.size() > 1) throw UsageError(fmt::format("{} cannot be used together", fmt::join(given, " and ")));
}

const std::vector<Option>& common_options() {
    static const std::vector<Option> options = {
        {"json", "", "print the result as one JSON object on stdout"},
        {"help", "", "show this help (also -h)"},
    };
    return options;
}

std::string help_text(const Subcommand& command) {
    std::string text = fmt::format("zokml {}: {}\n\nusage: zokml {} {}\n", command.name, command.summary, command.name,
                                   command.usage);
    if (!command.details.empty()) text += "\n" + command.details + "\n";
    text += "\noptions:\n";
    std::size_t width = 0;
    const auto label = [](const Option& o) { return "--" + o.name + (o.value.empty() ? "" : " " + o.value); };
    for (const auto* list : {&command.options, &common_options()})
        for (const auto& option : *list) width = std::max(width, label(option).size());
    for (const auto* list : {&command.options, &common_options()})
        for (const auto& option : *list) text += fmt::format("  {:<{}}  {}\n", label(option), width, option.help);
    return text;
}

}  // namespace zokml::cli
