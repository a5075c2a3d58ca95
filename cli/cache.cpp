// zokml cache: list the artifact cache's entries, or prune them by age and total size.
#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <limits>

#include "common.hpp"
#include "subcommands.hpp"

namespace zokml::cli {
namespace {

// "30d", "12h", "90m", "45s" (a number alone: days).
std::chrono::seconds duration_of(const std::string& text) {
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    const std::string unit = text.substr(digits);
    const std::map<std::string, std::int64_t> units = {{"", 86400}, {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}};
    if (digits == 0 || digits > 9 || !units.count(unit))
        throw UsageError("--older-than: expected a number and a unit (s, m, h, d), e.g. 30d, got '" + text + "'");
    return std::chrono::seconds(std::stoll(text.substr(0, digits)) * units.at(unit));
}

// "500M", "2G", "800K", "1000" (bytes), powers of 1024. A size beyond 2^64 bytes keeps everything
// (it does not wrap around to a small one).
std::uintmax_t size_of(const std::string& text) {
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    const std::string unit = text.substr(digits);
    const std::map<std::string, std::uintmax_t> units = {{"", 1}, {"B", 1}, {"K", 1ull << 10}, {"M", 1ull << 20}, {"G", 1ull << 30}};
    if (digits == 0 || digits > 12 || !units.count(unit))
        throw UsageError("--max-size: expected a number and a unit (B, K, M, G), e.g. 2G, got '" + text + "'");
    const std::uintmax_t number = std::stoull(text.substr(0, digits));
    const std::uintmax_t scale = units.at(unit);
    return number > std::numeric_limits<std::uintmax_t>::max() / scale ? std::numeric_limits<std::uintmax_t>::max()
                                                                         : number * scale;
}

std::string megabytes(std::uintmax_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1 << 20)); }

std::int64_t age_s(std::filesystem::file_time_type time) {
    return std::chrono::duration_cast<std::chrono::seconds>(std::filesystem::file_time_type::clock::now() - time).count();
}

std::string age_text(std::int64_t seconds) {
    if (seconds < 3600) return fmt::format("{} min ago", seconds / 60);
    if (seconds < 2 * 86400) return fmt::format("{} h ago", seconds / 3600);
    return fmt::format("{} d ago", seconds / 86400);
}

int list(const ArtifactStore& store, const Output& out) {
    nlohmann::json entries = nlohmann::json::array();
    std::uintmax_t total = 0;
    out.text(fmt::format("{:<12}  {:<8}  {:>10}  {:<12}  {}", "key", "kind", "size", "last used", "details"));
    for (const auto& e : store.entries()) {
        total += e.bytes;
        const auto age = age_s(e.last_used);
        std::string details;
        if (e.kind == "program") details = fmt::format("{} constraints", e.metadata.value("constraints", 0));
        if (e.kind == "keypair") details = fmt::format("{} setup", e.metadata.value("scheme", "?"));
        out.text(fmt::format("{:<12}  {:<8}  {:>10}  {:<12}  {}", e.key.substr(0, 12), e.kind, megabytes(e.bytes), age_text(age), details));
        entries.push_back({{"key", e.key}, {"kind", e.kind}, {"bytes", e.bytes}, {"last_used_s_ago", age}, {"metadata", e.metadata}});
    }
    out.text(fmt::format("{} entries, {} in {}", entries.size(), megabytes(total), store.root().string()));
    out.result({{"root", store.root().string()}, {"entries", entries}, {"bytes", total}});
    return kOk;
}

int prune(const Args& args, const ArtifactStore& store, const Output& out) {
    std::optional<std::chrono::seconds> older_than;
    std::optional<std::uintmax_t> max_size;
    if (auto text = args.get("older-than")) older_than = duration_of(*text);
    if (auto text = args.get("max-size")) max_size = size_of(*text);
    if (!older_than && !max_size) throw UsageError("prune needs --older-than D or --max-size S (or both)");
    const auto pruned = store.prune(older_than, max_size);
    out.text(fmt::format("removed {} entries ({}), kept {} ({}{}) in {}", pruned.removed, megabytes(pruned.removed_bytes),
                         pruned.kept, megabytes(pruned.kept_bytes),
                         pruned.in_use ? fmt::format(", {} in use by a running zokml", pruned.in_use) : "", store.root().string()));
    out.result({{"root", store.root().string()},
                {"removed", pruned.removed},
                {"removed_bytes", pruned.removed_bytes},
                {"kept", pruned.kept},
                {"kept_bytes", pruned.kept_bytes},
                {"in_use", pruned.in_use}});
    return kOk;
}

int cache(const Args& args, const Output& out) {
    const auto& action = args.positional();
    if (action.size() != 1 || (action[0] != "list" && action[0] != "prune")) throw UsageError("expected 'list' or 'prune'");
    const ArtifactStore store = store_from(args);
    if (action[0] == "list") {
        if (args.has("older-than") || args.has("max-size")) throw UsageError("--older-than and --max-size are for prune");
        return list(store, out);
    }
    return prune(args, store, out);
}

}  // namespace

Subcommand cache_command() {
    return {"cache",
            "list the artifact cache (compiled programs, keypairs) or prune it by age and size",
            "list | prune [--older-than D] [--max-size S] [--cache-dir DIR]",
            "Every compile and setup is kept in the cache, keyed by what determines it, and reused\n"
            "(docs/cli.md). `list` shows each entry, its size and last use; `prune` removes the entries\n"
            "unused for D (30d, 12h, 90m), then the least recently used until the rest fit S (500M, 2G).\n"
            "A circuit folder keeps its own copies of its keys: pruning never breaks a folder, it only\n"
            "makes the next compile or setup of that circuit run again.",
            options({{{"older-than", "D", "prune: remove entries unused for longer than D (s, m, h, d; default unit d)"},
                      {"max-size", "S", "prune: then remove the least recently used until the rest fit S (B, K, M, G)"}},
                     cache_option()}),
            1,
            cache};
}

}  // namespace zokml::cli
