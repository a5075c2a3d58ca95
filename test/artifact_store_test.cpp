#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <fstream>
#include <set>
#include <thread>

#include "zokml/backend/backends.hpp"
#include "zokml/core/files.hpp"
#include "support.hpp"
#include "zokml/toolchain/artifact_store.hpp"
#include "zokml/core/digest.hpp"
#include "zokml/project/provers.hpp"

using namespace zokml;
namespace fs = std::filesystem;
using Outcome = ArtifactStore::Outcome;

namespace {

const std::string kKey = sha256_hex("a test entry");

// A builder that writes one file (and a nested one) and counts its calls.
ArtifactStore::Builder writing(const std::string& text, std::atomic<int>& calls) {
    return [&calls, text](const fs::path& dir) {
        ++calls;
        write_file_atomically(dir / "artifact.txt", text);
        fs::create_directories(dir / "nested");
        write_file_atomically(dir / "nested" / "more.txt", text + text);
        return nlohmann::json{{"text", text}};
    };
}

// A circuit the real toolchain compiles and sets up in a fraction of a second.
Circuit square_circuit(int offset = 0) {
    Circuit circuit;
    circuit.files["main.zok"] = "def main(private field a, field b) -> field {\n    assert(a * a == b);\n    return a + " +
                                std::to_string(offset) + ";\n}\n";
    return circuit;
}

}  // namespace

TEST_CASE("an entry is built once, then reused while it is sound", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir.path());
    std::atomic<int> calls = 0;
    const auto first = store.get(kKey, writing("one", calls));
    const auto second = store.get(kKey, writing("two", calls));
    CHECK(first.outcome == Outcome::Built);
    CHECK(second.outcome == Outcome::Hit);
    CHECK(calls == 1);
    CHECK(second.dir == dir.path() / "entries" / kKey);
    CHECK(read_file(second.dir / "artifact.txt") == "one");
    CHECK(second.metadata["text"] == "one");
    CHECK(fs::is_empty(dir.path() / "tmp"));  // the build folder was renamed into place
}

TEST_CASE("a modified, truncated or missing file or a tampered entry.json makes the entry corrupt, and it is rebuilt", "[store]") {
    const std::vector<std::pair<std::string, std::function<void(const fs::path&)>>> damages = {
        {"a changed byte", [](const fs::path& e) { write_file_atomically(e / "artifact.txt", "onf"); }},
        {"a truncated file", [](const fs::path& e) { fs::resize_file(e / "nested" / "more.txt", 2); }},
        {"a missing file", [](const fs::path& e) { fs::remove(e / "artifact.txt"); }},
        {"edited metadata", [](const fs::path& e) {
             std::string entry = read_file(e / "entry.json");
             entry.replace(entry.find("\"one\""), 5, "\"two\"");
             write_file_atomically(e / "entry.json", entry);
         }},
        {"a truncated entry.json", [](const fs::path& e) { fs::resize_file(e / "entry.json", 10); }},
        {"no entry.json", [](const fs::path& e) { fs::remove(e / "entry.json"); }},
    };
    for (const auto& [what, damage] : damages) {
        SECTION(what) {
            const test::TempDir dir;
            const ArtifactStore store(dir.path());
            std::atomic<int> calls = 0;
            damage(store.get(kKey, writing("one", calls)).dir);
            CHECK_FALSE(store.find(kKey));
            const auto rebuilt = store.get(kKey, writing("one", calls));
            CHECK(rebuilt.outcome == Outcome::Rebuilt);
            CHECK(calls == 2);
            CHECK(read_file(rebuilt.dir / "artifact.txt") == "one");
            CHECK(store.find(kKey));
        }
    }
}

TEST_CASE("a builder that throws stores nothing", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir.path());
    CHECK_THROWS_WITH(store.get(kKey, [](const fs::path& d) -> nlohmann::json {
        write_file_atomically(d / "half.txt", "half");
        throw std::runtime_error("compile failed");
    }), "compile failed");
    CHECK_FALSE(store.find(kKey));
    CHECK_FALSE(fs::exists(dir.path() / "entries" / kKey));
    CHECK(fs::is_empty(dir.path() / "tmp"));
}

TEST_CASE("keys must be 64 hex digits: no path can be smuggled in", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir.path());
    std::atomic<int> calls = 0;
    CHECK_THROWS_AS(store.get("../escape", writing("x", calls)), std::invalid_argument);
    CHECK_THROWS_AS(store.find(std::string(64, 'G')), std::invalid_argument);
    CHECK(calls == 0);
}

TEST_CASE("threads building the same entry at once build it once and share it", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir.path());
    std::atomic<int> calls = 0;
    std::vector<ArtifactStore::Entry> entries(4);
    std::vector<std::thread> threads;
    // The first builder holds on until the three other threads wait for its lock: they overlap.
    const auto build = [&](const fs::path& d) {
        test::await_flock_waiters(dir / "locks" / kKey, entries.size() - 1);
        return writing("shared", calls)(d);
    };
    for (auto& entry : entries) threads.emplace_back([&] { entry = store.get(kKey, build); });
    for (auto& t : threads) t.join();
    CHECK(calls == 1);
    CHECK(std::count_if(entries.begin(), entries.end(), [](const auto& e) { return e.outcome == Outcome::Built; }) == 1);
    for (const auto& entry : entries) CHECK(read_file(entry.dir / "artifact.txt") == "shared");
}

TEST_CASE("two processes building the same entry at once build it once", "[store]") {
    const test::TempDir dir;
    const fs::path log = dir / "builds.log";
    // Each build appends a line to the log and holds on until the other process waits for its
    // lock; a process reports its outcome by its exit code.
    const auto build_in_this_process = [&] {
        const ArtifactStore store(dir / "cache");
        const auto entry = store.get(kKey, [&](const fs::path& d) {
            std::ofstream(log, std::ios::app) << ::getpid() << "\n";
            test::await_flock_waiters(dir / "cache" / "locks" / kKey, 1);
            write_file_atomically(d / "artifact.txt", "from a process");
            return nlohmann::json::object();
        });
        return read_file(entry.dir / "artifact.txt") == "from a process" ? static_cast<int>(entry.outcome) : 9;
    };
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) ::_exit(build_in_this_process());
    const int parent_outcome = build_in_this_process();
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    const int child_outcome = WEXITSTATUS(status);
    const std::string builds = read_file(log);
    CHECK(std::count(builds.begin(), builds.end(), '\n') == 1);
    const std::set<int> outcomes = {parent_outcome, child_outcome};
    CHECK(outcomes == std::set<int>{static_cast<int>(Outcome::Hit), static_cast<int>(Outcome::Built)});
}

TEST_CASE("a builder that loses the rename race to a sound entry uses the winner's", "[store]") {
    const test::TempDir dir;
    std::atomic<int> calls = 0;
    const ArtifactStore elsewhere(dir / "elsewhere");
    const fs::path winner = elsewhere.get(kKey, writing("winner", calls)).dir;
    // A process that ignores the lock (say, on a file system without flock) finishes first.
    const ArtifactStore store(dir / "cache");
    const auto entry = store.get(kKey, [&](const fs::path& d) {
        fs::create_directories(dir / "cache" / "entries" / kKey);
        for (const auto& item : fs::recursive_directory_iterator(winner))
            if (item.is_regular_file()) {
                const auto target = dir / "cache" / "entries" / kKey / item.path().lexically_relative(winner);
                fs::create_directories(target.parent_path());
                fs::copy_file(item.path(), target);
            }
        return writing("loser", calls)(d);
    });
    CHECK(entry.outcome == Outcome::Hit);
    CHECK(read_file(entry.dir / "artifact.txt") == "winner");
    CHECK(fs::is_empty(dir / "cache" / "tmp"));
}

TEST_CASE("the cache lists its entries by last use, and prunes by age, then by size, least recently used first", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    std::atomic<int> calls{0};
    const auto now = fs::file_time_type::clock::now();
    std::vector<std::string> keys;
    for (int i = 0; i < 4; ++i) {  // entries used 40, 30, 20 and 10 days ago, the later ones larger
        keys.push_back(sha256_hex("entry " + std::to_string(i)));
        store.get(keys.back(), writing(std::string(1000 * (i + 1), 'x'), calls));
        fs::last_write_time(dir / "cache" / "entries" / keys.back() / "entry.json", now - std::chrono::hours(24 * (40 - 10 * i)));
    }
    auto listed = store.entries();
    REQUIRE(listed.size() == 4);
    CHECK(listed.front().key == keys[3]);  // the most recent first
    CHECK(listed.back().key == keys[0]);
    CHECK(listed.front().bytes > listed.back().bytes);
    CHECK(listed.front().metadata.at("text").get<std::string>().size() == 4000);

    // A reuse is a use: the oldest entry becomes the most recent.
    store.get(keys[0], writing("never built", calls));
    CHECK(calls == 4);
    CHECK(store.entries().front().key == keys[0]);

    // By age: the one unused for more than 25 days (key 1, 30 days; key 0 was just used).
    auto pruned = store.prune(std::chrono::hours(24 * 25), std::nullopt);
    CHECK(pruned.removed == 1);
    CHECK(pruned.kept == 3);
    CHECK_FALSE(fs::exists(dir / "cache" / "entries" / keys[1]));
    // By size: the least recently used go until the rest fit.
    const std::uintmax_t newest = store.entries().front().bytes;
    pruned = store.prune(std::nullopt, newest);
    CHECK(pruned.kept == 1);
    CHECK(pruned.kept_bytes == newest);
    CHECK(store.entries().front().key == keys[0]);
    // Nothing half-removed is left, and a pruned entry is simply built again.
    CHECK(fs::is_empty(dir / "cache" / "tmp"));
    store.get(keys[3], writing("again", calls));
    CHECK(calls == 5);
}

TEST_CASE("a prune in another process keeps an entry while it is used, and removes it once it is not", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    std::atomic<int> calls{0};
    // The reader takes the entry, lets another process prune the whole cache, then reads the entry's files.
    std::optional<ArtifactStore::Entry> entry = store.get(kKey, writing("in use", calls));
    const auto prune_in_another_process = [&] {
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            const auto pruned = ArtifactStore(dir / "cache").prune(std::nullopt, 0);
            ::_exit(pruned.removed == 0 && pruned.kept == 1 && pruned.in_use == 1 ? 0 : pruned.removed == 1 ? 1 : 2);
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        REQUIRE(WIFEXITED(status));
        return WEXITSTATUS(status);
    };
    CHECK(prune_in_another_process() == 0);  // kept, in use (it was removed under the reader's feet)
    CHECK(read_file(entry->dir / "artifact.txt") == "in use");
    // A copy of the entry holds it as well; the last one to go lets it be pruned.
    ArtifactStore::Entry copy = *entry;
    entry.reset();
    CHECK(prune_in_another_process() == 0);
    CHECK(read_file(copy.dir / "artifact.txt") == "in use");
    copy = {};
    CHECK(prune_in_another_process() == 1);
    CHECK_FALSE(fs::exists(dir / "cache" / "entries" / kKey));
    CHECK(store.get(kKey, writing("again", calls)).outcome == Outcome::Built);
}

TEST_CASE("a compiled program and keypair from the store keep their entries while they are used", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    CompiledProgram program;  // copies outlive the cached values, as a prover keeps them
    Keypair keypair;
    {
        const auto compiled = store.compile(test::real_toolchain(), square_circuit());
        program = compiled.program;
        keypair = store.setup(*make_backend(Backend::Zokrates, test::real_toolchain()), compiled.program, Scheme::G16).keypair;
    }
    const auto pruned = ArtifactStore(dir / "cache").prune(std::nullopt, 0);
    CHECK(pruned.removed == 0);
    CHECK(pruned.in_use == 2);
    CHECK(fs::is_regular_file(program.program));
    CHECK(fs::is_regular_file(keypair.proving_key));
}

TEST_CASE("an entry whose entry.json is unreadable is listed as corrupt and can be pruned", "[store]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    std::atomic<int> calls{0};
    store.get(kKey, writing("text", calls));
    write_file_atomically(dir / "cache" / "entries" / kKey / "entry.json", "{not json");
    const auto listed = store.entries();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].kind == "corrupt");
    CHECK(store.prune(std::nullopt, 0).removed == 1);
    CHECK(store.entries().empty());
}

TEST_CASE("compile and setup keys change with every input that determines the artifact", "[store]") {
    const std::string program = ArtifactStore::compile_key("circuit", "ZoKrates 0.8.8");
    CHECK(program == ArtifactStore::compile_key("circuit", "ZoKrates 0.8.8"));
    CHECK(program != ArtifactStore::compile_key("circuit2", "ZoKrates 0.8.8"));
    CHECK(program != ArtifactStore::compile_key("circuit", "ZoKrates 0.8.7"));
    const std::string keys = ArtifactStore::setup_key("program", Scheme::G16, "ZoKrates 0.8.8");
    CHECK(keys != ArtifactStore::setup_key("program", Scheme::GM17, "ZoKrates 0.8.8"));
    CHECK(keys != ArtifactStore::setup_key("program2", Scheme::G16, "ZoKrates 0.8.8"));
    CHECK(keys != ArtifactStore::setup_key("program", Scheme::G16, "ZoKrates 0.8.7"));
    CHECK(keys != program);
}

TEST_CASE("the default cache is $ZOKML_CACHE_DIR, else under the home folder", "[store]") {
    const char* saved = std::getenv("ZOKML_CACHE_DIR");
    const std::string previous = saved ? saved : "";
    ::setenv("ZOKML_CACHE_DIR", "/somewhere/cache", 1);
    CHECK(ArtifactStore::default_root() == "/somewhere/cache");
    ::unsetenv("ZOKML_CACHE_DIR");
    if (!std::getenv("XDG_CACHE_HOME") && std::getenv("HOME"))
        CHECK(ArtifactStore::default_root() == fs::path(std::getenv("HOME")) / ".cache" / "zokml");
    if (saved) ::setenv("ZOKML_CACHE_DIR", previous.c_str(), 1);
}

TEST_CASE("a compiled program and keypair are reused from the store until the circuit changes", "[store][slow]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    const auto& zokrates = test::real_toolchain();

    const auto compiled = store.compile(zokrates, square_circuit());
    const auto again = store.compile(zokrates, square_circuit());
    CHECK(compiled.outcome == Outcome::Built);
    CHECK(again.outcome == Outcome::Hit);
    CHECK(again.program.program == compiled.program.program);
    CHECK(again.program.constraints == compiled.program.constraints);
    CHECK(again.program.abi == compiled.program.abi);
    CHECK(again.program.program.parent_path().parent_path() == dir / "cache" / "entries");

    const auto keys = store.setup(*make_backend(Backend::Zokrates, zokrates), again.program, Scheme::G16);
    const auto same_keys = store.setup(*make_backend(Backend::Zokrates, zokrates), again.program, Scheme::G16);
    CHECK(keys.outcome == Outcome::Built);
    CHECK(same_keys.outcome == Outcome::Hit);
    CHECK(same_keys.keypair.verification_key == keys.keypair.verification_key);

    const auto changed = store.compile(zokrates, square_circuit(1));
    CHECK(changed.outcome == Outcome::Built);
    CHECK(changed.key != compiled.key);
}

TEST_CASE("a truncated compiled program in the store is rebuilt, never used", "[store][slow]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    const auto compiled = store.compile(test::real_toolchain(), square_circuit());
    fs::resize_file(compiled.program.program, fs::file_size(compiled.program.program) / 2);
    const auto rebuilt = store.compile(test::real_toolchain(), square_circuit());
    CHECK(rebuilt.outcome == Outcome::Rebuilt);
    CHECK(rebuilt.program.constraints == compiled.program.constraints);
    CHECK(store.find(rebuilt.key));
}

TEST_CASE("a circuit prover with a store proves with the stored program and keys", "[store][slow]") {
    const test::TempDir dir;
    const ArtifactStore store(dir / "cache");
    const auto& zokrates = test::real_toolchain();
    const CircuitProver first(zokrates, square_circuit(), store, dir / "first");
    CircuitProver second(zokrates, square_circuit(), store, dir / "second");
    REQUIRE(first.cache());
    REQUIRE(second.cache());
    CHECK(first.cache()->compile == Outcome::Built);
    CHECK(first.cache()->setup == Outcome::Built);
    CHECK(second.cache()->compile == Outcome::Hit);
    CHECK(second.cache()->setup == Outcome::Hit);
    CHECK(second.keypair().proving_key.parent_path().parent_path() == dir / "cache" / "entries");
    const Proof proof = second.prove({Value::of_field(3), Value::of_field(9)});
    CHECK(second.verify(proof));
    CHECK(first.verify(proof));  // the same keys
}
