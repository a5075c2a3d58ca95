// Shared by the benchmarks: rows of bench/results.json, peak memory, and the printed table.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "example_main.hpp"
#include "zokml/project/model_prover.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/quantize/reference.hpp"

namespace zokml::bench {

inline const std::vector<std::string> kColumns = {"model",    "variant", "constraints", "compile_s",    "setup_s",
                                                  "witness_s", "prove_s", "verify_s",    "peak_rss_mb", "accuracy_float",
                                                  "accuracy_circuit"};

// The largest resident set of this process and of every finished child (the toolchain steps).
inline double peak_rss_mb() {
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return static_cast<double>(std::max(self.ru_maxrss, children.ru_maxrss)) / 1024.0;
}

// Runs `command` (this benchmark with --row ...), which prints one JSON row as its last line;
// a fresh process per row keeps each row's peak memory its own.
inline nlohmann::json run_row(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (::pclose(pipe) != 0) throw std::runtime_error("failed: " + command + "\n" + output);
    while (!output.empty() && output.back() == '\n') output.pop_back();
    const auto start = output.rfind('\n');
    return nlohmann::json::parse(start == std::string::npos ? output : output.substr(start + 1));
}

inline void print_table(const std::vector<nlohmann::json>& rows) {
    fmt::print("{:<18} {:<14} {:>11} {:>9} {:>8} {:>9} {:>8} {:>8} {:>8} {:>9} {:>9}\n", "model", "variant", "constraints",
               "compile_s", "setup_s", "witness_s", "prove_s", "verify_s", "rss_mb", "acc_float", "acc_circ");
    for (const auto& r : rows)
        fmt::print("{:<18} {:<14} {:>11} {:>9.2f} {:>8.2f} {:>9.2f} {:>8.2f} {:>8.2f} {:>8.0f} {:>9.4f} {:>9.4f}\n",
                   r["model"].get<std::string>(), r["variant"].get<std::string>(), r["constraints"].get<std::size_t>(),
                   r["compile_s"].get<double>(), r["setup_s"].get<double>(), r["witness_s"].get<double>(),
                   r["prove_s"].get<double>(), r["verify_s"].get<double>(), r["peak_rss_mb"].get<double>(),
                   r["accuracy_float"].get<double>(), r["accuracy_circuit"].get<double>());
}

// Replaces the rows of the same model and variant in the results file (a JSON list), keeping others.
inline void merge_results(const std::filesystem::path& file, const std::vector<nlohmann::json>& rows) {
    nlohmann::json all = nlohmann::json::array();
    if (std::filesystem::exists(file)) all = nlohmann::json::parse(std::ifstream(file));
    for (const auto& row : rows) {
        auto same = [&](const nlohmann::json& r) { return r["model"] == row["model"] && r["variant"] == row["variant"]; };
        all.erase(std::remove_if(all.begin(), all.end(), same), all.end());
        all.push_back(row);
    }
    const auto tmp = file.string() + ".tmp";
    std::ofstream(tmp) << all.dump(2) << "\n";
    std::filesystem::rename(tmp, file);
}

// A benchmark's main: runs each of the comma-separated `rows` (--rows overrides them) in a fresh
// process (this program with --row NAME and the same flags), so that each row's peak memory is
// its own; prints the table and merges the rows into the results file (--results). A row that
// fails is reported and left out. `flags` are the benchmark's own (--name VALUE).
using Flags = std::map<std::string, std::function<void(const std::string&)>>;
inline int benchmark_main(int argc, char** argv, const std::string& usage, std::string rows, Flags flags,
                          const std::function<nlohmann::json(const std::string& row)>& run_one) {
    return examples::guarded_main([&] {
        std::filesystem::path results = ZOKML_SOURCE_DIR "/bench/results.json";
        std::optional<std::string> child_row;
        std::string forwarded;  // the benchmark's own flags, for the row processes
        for (auto& [name, handler] : flags)
            handler = [&forwarded, name = name, set = handler](const std::string& value) {
                forwarded += fmt::format(" '{}' '{}'", name, value);
                set(value);
            };
        flags["--rows"] = [&](const std::string& v) { rows = v; };
        flags["--results"] = [&](const std::string& v) { results = v; };
        flags["--row"] = [&](const std::string& v) { child_row = v; };
        examples::parse_flags(argc, argv, usage, flags);
        if (child_row) {
            fmt::print("{}\n", run_one(*child_row).dump());
            return 0;
        }
        std::vector<nlohmann::json> done;
        std::stringstream names(rows);
        for (std::string name; std::getline(names, name, ',');) {
            fmt::print(stderr, "running {} ...\n", name);
            try {
                done.push_back(run_row(fmt::format("'{}' --row '{}'{}", argv[0], name, forwarded)));
            } catch (const std::exception& e) {
                fmt::print(stderr, "{} failed: {}\n", name, e.what());
            }
        }
        print_table(done);
        merge_results(results, done);
        fmt::print("rows written to {}\n", results.string());
        return 0;
    });
}

// A row of results.json: the constraint count, each step's seconds, peak memory and accuracies.
inline nlohmann::json row_of(const std::string& label, const std::string& variant, const CompiledProgram& program,
                             const StepTimes& t, const Fidelity& fidelity) {
    return {{"model", label},
            {"variant", variant},
            {"constraints", program.constraints},
            {"compile_s", t.compile_s},
            {"setup_s", t.setup_s},
            {"witness_s", t.witness_s},
            {"prove_s", t.prove_s},
            {"verify_s", t.verify_s},
            {"peak_rss_mb", peak_rss_mb()},
            {"accuracy_float", fidelity.float_accuracy},
            {"accuracy_circuit", fidelity.quantized_accuracy}};
}

// One "private-input" row: proves `input` through the private-input circuit of `quantized`
// (generate, compile, setup, prove, verify in a temporary folder) with the accuracies of `fidelity`.
inline nlohmann::json private_input_row(const std::string& label, const QuantizedModel& quantized,
                                        const Fidelity& fidelity, const std::vector<std::int64_t>& input) {
    const auto work = std::filesystem::temp_directory_path() / fmt::format("zokml-bench-{}", ::getpid());
    const Toolchain toolchain;
    ModelProver prover(toolchain, {}, {quantized}, work);
    const ModelProof proof = prover.prove({.input = input});
    if (!prover.verify(proof.proof)) throw std::runtime_error("the proof did not verify");
    nlohmann::json row = row_of(label, "private-input", prover.circuit_prover().program(), prover.circuit_prover().times(), fidelity);
    std::filesystem::remove_all(work);
    return row;
}

}  // namespace zokml::bench
