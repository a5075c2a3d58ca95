// Shared by the benchmarks: rows of bench/results.json, peak memory, and the printed table.
#pragma once

#include <sys/resource.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

}  // namespace zokml::bench
