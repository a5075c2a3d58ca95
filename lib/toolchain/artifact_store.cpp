#include "zokml/toolchain/artifact_store.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include "zokml/core/files.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/core/json.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kEntryFile = "entry.json";
constexpr const char* kCurve = "bn128";  // the only curve zokml compiles for

void check_key(const std::string& key) {
    const bool hex = key.size() == 64 && key.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) throw std::invalid_argument("artifact key '" + key + "' is not 64 lowercase hex digits");
}

std::system_error os_error(const std::string& what) { return {errno, std::generic_category(), what}; }

// An flock on a file, held while the object lives. Two opens of the same file conflict even
// within one process, so threads take turns as processes do.
class FileLock {
public:
    enum class Mode {
        Exclusive,        // waits for the lock
        ExclusiveIfFree,  // takes it only when nobody holds it (held() says)
        Shared,           // waits; not held when the file cannot be made (a read-only cache)
    };
    explicit FileLock(const fs::path& file, Mode mode = Mode::Exclusive)
        : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (fd_ < 0) {
            if (mode == Mode::Shared) return;
            throw os_error("cannot open lock file " + file.string());
        }
        const int operation = mode == Mode::Shared ? LOCK_SH : mode == Mode::Exclusive ? LOCK_EX : LOCK_EX | LOCK_NB;
        while (::flock(fd_, operation) != 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            ::close(fd_);
            fd_ = -1;
            if (error == EWOULDBLOCK && mode == Mode::ExclusiveIfFree) return;
            errno = error;
            throw os_error("cannot lock " + file.string());
        }
    }
    ~FileLock() {
        if (fd_ >= 0) ::close(fd_);  // releases the lock
    }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    bool held() const { return fd_ >= 0; }

private:
    int fd_;
};

fs::path build_lock(const fs::path& root, const std::string& key) { return root / "locks" / key; }
fs::path use_lock(const fs::path& root, const std::string& key) { return root / "locks" / (key + ".use"); }

// A shared hold on the entry under key, taken before it is verified and kept while it is used.
std::shared_ptr<const void> hold(const fs::path& root, const std::string& key) {
    try {
        make_private_dir(root / "locks");
    } catch (const std::exception&) {  // a read-only cache: no lock to take, and no prune to fear
        return nullptr;
    }
    auto lock = std::make_shared<const FileLock>(use_lock(root, key), FileLock::Mode::Shared);
    return lock->held() ? lock : nullptr;
}

// Every regular file below dir (but entry.json) with its SHA-256 and size.
json describe_files(const fs::path& dir) {
    json files = json::object();
    for (const auto& item : fs::recursive_directory_iterator(dir)) {
        if (!item.is_regular_file()) continue;
        const std::string name = item.path().lexically_relative(dir).generic_string();
        if (name == kEntryFile) continue;
        const std::string contents = read_file(item.path());
        files[name] = {{"sha256", sha256_hex(contents)}, {"size", contents.size()}};
    }
    return files;
}

// entry.json: the key, the files and the metadata, sealed with a SHA-256 of the three.
json seal(const std::string& key, const json& files, const json& metadata) {
    json body = {{"key", key}, {"files", files}, {"metadata", metadata}};
    return {{"format", "zokml-artifact"}, {"version", 1}, {"sha256", sha256_hex(dump_json(body))}, {"body", body}};
}

// The entry's metadata when every file is as entry.json records it; nullopt otherwise.
std::optional<json> verified_metadata(const fs::path& dir, const std::string& key) {
    try {
        const json entry = parse_json(read_file(dir / kEntryFile), dir / kEntryFile);
        const json& body = entry.at("body");
        if (entry.at("format") != "zokml-artifact" || entry.at("version") != 1 || body.at("key") != key ||
            entry.at("sha256") != sha256_hex(dump_json(body)))
            return std::nullopt;
        for (const auto& [name, expected] : body.at("files").items()) {
            if (name.empty() || fs::path(name).is_absolute() || name.find("..") != std::string::npos) return std::nullopt;
            const fs::path file = dir / name;
            if (!fs::is_regular_file(file) || fs::file_size(file) != expected.at("size").get<std::uintmax_t>())
                return std::nullopt;
            if (sha256_hex(read_file(file)) != expected.at("sha256")) return std::nullopt;
        }
        return body.at("metadata");
    } catch (const std::exception&) {  // unreadable, malformed or incomplete: corrupt
        return std::nullopt;
    }
}

// Moves a (corrupt) entry out of the way into tmp_dir, then deletes it. Another process may
// have done so already.
void discard(const fs::path& entry, const fs::path& tmp_dir) {
    std::error_code error;
    if (!fs::is_directory(fs::symlink_status(entry))) {
        fs::remove(entry, error);
        return;
    }
    TempFolder trash(tmp_dir, "discarded");  // an empty folder: rename(2) replaces it
    if (::rename(entry.c_str(), trash.path().c_str()) != 0 && errno != ENOENT)
        throw os_error("cannot move the corrupt entry " + entry.string() + " aside");
}

json parse_json_file(const fs::path& file) { return parse_json(read_file(file), file); }

}  // namespace

nlohmann::json to_json(const ArtifactStore::CachedProgram& compiled) {
    return {{"constraints", compiled.program.constraints},
            {"cache", to_string(compiled.outcome)},
            {"key", compiled.key},
            {"program", compiled.program.program.string()}};
}

std::string to_string(ArtifactStore::Outcome outcome) {
    switch (outcome) {
        case ArtifactStore::Outcome::Hit: return "hit";
        case ArtifactStore::Outcome::Built: return "built";
        case ArtifactStore::Outcome::Rebuilt: return "rebuilt";
    }
    return "?";
}

fs::path ArtifactStore::default_root() {
    if (const char* dir = std::getenv("ZOKML_CACHE_DIR"); dir && *dir) return dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "zokml";
    if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "zokml";
    throw std::runtime_error("no cache folder: set ZOKML_CACHE_DIR (HOME is not set)");
}

ArtifactStore::ArtifactStore(fs::path root) : root_(std::move(root)) {}

std::optional<ArtifactStore::Entry> ArtifactStore::find(const std::string& key) const {
    check_key(key);
    const fs::path dir = root_ / "entries" / key;
    if (!fs::exists(dir / kEntryFile)) return std::nullopt;  // (no lock file for a mere miss)
    auto in_use = hold(root_, key);
    auto metadata = verified_metadata(dir, key);
    if (!metadata) return std::nullopt;
    std::error_code ignored;  // the time of the last use, for prune; a read-only cache still serves
    fs::last_write_time(dir / kEntryFile, fs::file_time_type::clock::now(), ignored);
    return Entry{dir, std::move(*metadata), Outcome::Hit, std::move(in_use)};
}

ArtifactStore::Entry ArtifactStore::get(const std::string& key, const Builder& build) const {
    if (auto hit = find(key)) return *hit;
    for (const char* sub : {"entries", "tmp", "locks"}) make_private_dir(root_ / sub);
    auto in_use = hold(root_, key);  // from before the entry is in place until its last user is done
    const FileLock lock(build_lock(root_, key));
    if (auto hit = find(key)) return *hit;  // built by whoever held the lock before us

    const fs::path final_dir = root_ / "entries" / key;
    const Outcome outcome = fs::exists(fs::symlink_status(final_dir)) ? Outcome::Rebuilt : Outcome::Built;
    remove_stale_temp_folders(root_ / "tmp");  // left by builders that were killed
    TempFolder building(root_ / "tmp", key, TempContents::Public);  // builders write no private value
    const json metadata = build(building.path());
    write_file_atomically(building.path() / kEntryFile, dump_json(seal(key, describe_files(building.path()), metadata), 1));

    // A process that does not honour the lock (another zokml on a file system without flock)
    // may have renamed its entry into place first: then use the winner's entry if it is sound.
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (::rename(building.path().c_str(), final_dir.c_str()) == 0) {
            building.release();
            return Entry{final_dir, metadata, outcome, std::move(in_use)};
        }
        if (errno != EEXIST && errno != ENOTEMPTY && errno != ENOTDIR) throw os_error("cannot store " + final_dir.string());
        if (auto winner = find(key)) return *winner;
        discard(final_dir, root_ / "tmp");
    }
    throw std::runtime_error("cannot store " + final_dir.string() + ": it keeps being replaced by a corrupt entry");
}

std::vector<ArtifactStore::EntryInfo> ArtifactStore::entries() const {
    std::vector<EntryInfo> all;
    std::error_code error;
    for (const auto& item : fs::directory_iterator(root_ / "entries", error)) {
        EntryInfo info{item.path().filename().string(), "corrupt", 0, {}, nullptr};
        info.last_used = fs::last_write_time(item.path(), error);
        for (const auto& file : fs::recursive_directory_iterator(item.path(), error))
            if (file.is_regular_file(error)) info.bytes += file.file_size(error);
        try {
            info.metadata = parse_json_file(item.path() / kEntryFile).at("body").at("metadata");
            info.kind = info.metadata.value("kind", "corrupt");
            info.last_used = fs::last_write_time(item.path() / kEntryFile);
        } catch (const std::exception&) {
            info.metadata = nullptr;  // listed as corrupt: the next get() rebuilds it
        }
        all.push_back(std::move(info));
    }
    std::sort(all.begin(), all.end(), [](const EntryInfo& a, const EntryInfo& b) { return a.last_used > b.last_used; });
    return all;
}

ArtifactStore::Pruned ArtifactStore::prune(std::optional<std::chrono::seconds> older_than,
                                           std::optional<std::uintmax_t> max_bytes) const {
    const auto now = fs::file_time_type::clock::now();
    // Ages in seconds: a limit of centuries in the clock's nanoseconds would wrap around.
    const auto age = [&](const EntryInfo& e) { return std::chrono::duration_cast<std::chrono::seconds>(now - e.last_used); };
    Pruned pruned;
    std::uintmax_t total = 0;
    const auto all = entries();
    for (const auto& e : all) total += e.bytes;
    for (const char* sub : {"tmp", "locks"}) make_private_dir(root_ / sub);
    remove_stale_temp_folders(root_ / "tmp");  // what stopped builds left
    // Oldest first: past the age limit, or while the rest is too large.
    for (auto e = all.rbegin(); e != all.rend(); ++e) {
        const bool too_old = older_than && age(*e) > *older_than;
        const bool too_large = max_bytes && total > *max_bytes;
        if (!too_old && !too_large) {
            ++pruned.kept;
            pruned.kept_bytes += e->bytes;
            continue;
        }
        const FileLock building(build_lock(root_, e->key), FileLock::Mode::ExclusiveIfFree);
        const FileLock used(use_lock(root_, e->key), FileLock::Mode::ExclusiveIfFree);
        if (!building.held() || !used.held()) {
            ++pruned.kept;
            ++pruned.in_use;
            pruned.kept_bytes += e->bytes;
            continue;
        }
        discard(root_ / "entries" / e->key, root_ / "tmp");
        ++pruned.removed;
        pruned.removed_bytes += e->bytes;
        total -= e->bytes;
    }
    return pruned;
}

std::string ArtifactStore::key(const std::string& domain, std::initializer_list<std::string> inputs) {
    std::string text = domain + "\n";
    for (const auto& input : inputs) text += input + "\n";
    return sha256_hex(text);
}

std::string ArtifactStore::compile_key(const std::string& circuit_fingerprint, const std::string& toolchain_version) {
    return key("zokml-compile-v1", {circuit_fingerprint, toolchain_version, kCurve});
}

std::string ArtifactStore::setup_key(const std::string& program_sha256, Scheme scheme, const std::string& toolchain_version) {
    return key("zokml-setup-v1", {program_sha256, to_string(scheme), toolchain_version, kCurve});
}

ArtifactStore::CachedProgram ArtifactStore::compile(const Toolchain& toolchain, const Circuit& circuit) const {
    if (!circuit.files.count(circuit.main_file))
        throw std::invalid_argument("the circuit's main file " + circuit.main_file + " is none of its files");
    const std::string& version = toolchain_version(toolchain);
    const std::string fingerprint = circuit.fingerprint();
    CachedProgram result;
    result.key = compile_key(fingerprint, version);
    const Entry entry = get(result.key, [&](const fs::path& dir) {
        circuit.write(dir / "sources");
        const CompiledProgram program = toolchain.compile(dir / "sources" / circuit.main_file, dir, /*with_r1cs=*/true);
        fs::remove_all(dir / "sources");  // the caller keeps its own copy of the sources
        return json{{"kind", "program"},      {"circuit", fingerprint}, {"toolchain", version},
                    {"curve", kCurve},        {"constraints", program.constraints}};
    });
    result.outcome = entry.outcome;
    result.program.program = entry.dir / "out";
    result.program.abi_file = entry.dir / "abi.json";
    // Entries made before the r1cs was kept have none.
    if (std::error_code missing; fs::is_regular_file(entry.dir / "out.r1cs", missing)) result.program.r1cs = entry.dir / "out.r1cs";
    result.program.constraints = entry.metadata.at("constraints").get<std::size_t>();
    result.program.abi = Abi::from_json(parse_json_file(result.program.abi_file));
    result.program.in_use = entry.in_use;
    return result;
}

ArtifactStore::CachedKeypair ArtifactStore::setup(const ProvingBackend& backend, const CompiledProgram& program,
                                                  Scheme scheme) const {
    return setup(backend, std::span(&program, 1), scheme).front();
}

std::vector<ArtifactStore::CachedKeypair> ArtifactStore::setup(const ProvingBackend& backend,
                                                               std::span<const CompiledProgram> programs, Scheme scheme) const {
    if (scheme == Scheme::Marlin) throw std::invalid_argument("marlin keypairs are not cached (universal setup)");
    const std::string version = backend.setup_id();
    std::vector<std::string> program_sha256, keys;
    std::vector<std::optional<Entry>> entries;
    std::vector<std::size_t> missing;
    for (const CompiledProgram& program : programs) {
        program_sha256.push_back(sha256_hex(read_file(program.program)));
        keys.push_back(setup_key(program_sha256.back(), scheme, version));
        entries.push_back(find(keys.back()));
        if (!entries.back()) missing.push_back(entries.size() - 1);
    }
    const auto metadata = [&](std::size_t k) {
        return json{{"kind", "keypair"}, {"program", program_sha256[k]}, {"scheme", to_string(scheme)},
                    {"toolchain", version}, {"curve", kCurve}, {"backend", to_string(backend.kind())}};
    };
    if (missing.size() == 1) {
        const std::size_t k = missing.front();
        entries[k] = get(keys[k], [&](const fs::path& dir) {
            backend.setup(programs[k], scheme, dir);
            return metadata(k);
        });
    } else if (!missing.empty()) {
        // Set up together (the backend may share work between them), then each stored as get()
        // would have built it; an entry someone else stored meanwhile wins.
        make_private_dir(root_ / "tmp");
        const TempFolder work(root_ / "tmp", "setup", TempContents::Public);  // keys only, no private value
        std::vector<CompiledProgram> todo;
        std::vector<fs::path> dirs;
        for (const std::size_t k : missing) todo.push_back(programs[k]), dirs.push_back(work / std::to_string(k));
        backend.setup_together(todo, scheme, dirs);
        for (std::size_t i = 0; i < missing.size(); ++i) {
            const std::size_t k = missing[i];
            entries[k] = get(keys[k], [&](const fs::path& dir) {
                for (const auto& file : fs::directory_iterator(dirs[i])) fs::rename(file.path(), dir / file.path().filename());
                return metadata(k);
            });
        }
    }
    std::vector<CachedKeypair> results;
    for (std::size_t k = 0; k < programs.size(); ++k) {
        const Entry& entry = *entries[k];
        CachedKeypair result;
        result.key = keys[k];
        result.outcome = entry.outcome;
        result.keypair.scheme = scheme;
        result.keypair.backend = backend.kind();
        result.keypair.proving_key = entry.dir / "proving.key";
        result.keypair.verification_key_file = entry.dir / "verification.key";
        result.keypair.verification_key = VerificationKey::from_json(parse_json_file(result.keypair.verification_key_file));
        result.keypair.in_use = entry.in_use;
        results.push_back(std::move(result));
    }
    return results;
}

}  // namespace zokml
