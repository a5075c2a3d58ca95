// The zokml command's argument parsing: small and hand-written. Options are `--name VALUE`,
// `--name=VALUE` or flags `--name`; anything else is a positional argument.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace zokml::cli {

// Bad command-line usage: exit code 2 with the subcommand's usage line.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Option {
    std::string name;   // without the dashes, e.g. "model"
    std::string value;  // what the value is called in help, e.g. "FILE"; empty for a flag
    std::string help;
};

class Args {
public:
    // Throws UsageError for unknown or repeated options, a missing value, or too many positionals.
    Args(const std::vector<Option>& options, const std::vector<std::string>& arguments, std::size_t max_positional);

    bool has(const std::string& name) const { return values_.count(name) != 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::string get_or(const std::string& name, const std::string& fallback) const;
    std::string required(const std::string& name) const;
    // An integer in [min, max]; UsageError when it is not one.
    std::optional<std::int64_t> integer(const std::string& name, std::int64_t min, std::int64_t max) const;
    std::int64_t integer_or(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
    // UsageError when more than one of the options is given.
    void at_most_one_of(const std::vector<std::string>& names) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::string> values_;  // a flag's value is ""
    std::vector<std::string> positional_;
};

struct Output;

// One `zokml` subcommand; each lives in its own file under cli/.
struct Subcommand {
    std::string name;
    std::string summary;  // one line for `zokml --help`
    std::string usage;    // the arguments after `zokml NAME`
    std::string details;  // a paragraph for `zokml NAME --help`; may be empty
    std::vector<Option> options;
    std::size_t max_positional = 0;
    std::function<int(const Args&, const Output&)> run;  // returns the exit code
};

// `zokml NAME --help`: usage, details and every option (with --json and --help added).
std::string help_text(const Subcommand& command);
// The options every subcommand takes besides its own.
const std::vector<Option>& common_options();

}  // namespace zokml::cli
