// Faults around the zokml command: signals and kill -9 in the middle of a toolchain step, a full
// disk, a read-only circuit folder, damaged keys. None may leave a toolchain process running,
// private data on disk, or a folder the next run cannot use.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "support.hpp"
#include "toolchain/subprocess.hpp"
#include "zokml/core/files.hpp"
#include "zokml/project/circuit_folder.hpp"

extern char** environ;

using namespace zokml;
namespace fs = std::filesystem;
using test::zokml_cli;

namespace {

// The real toolchain behind a script that, for one subcommand, writes its process id to `marker`
// (the id node keeps: the script execs it) before running it.
fs::path marking_toolchain(const fs::path& dir, const std::string& subcommand, const fs::path& marker) {
    const fs::path script = dir / "zokrates-marking";
    write_file_atomically(script, "#!/bin/sh\nif [ \"$1\" = " + subcommand + " ]; then echo $$ > '" + marker.string() +
                                      "'; fi\nexec '" + test::real_toolchain().executable().string() + "' \"$@\"\n");
    fs::permissions(script, fs::perms::owner_all);
    return script;
}

// Starts zokml with TMPDIR=tmp (where a proof's scratch folder goes), its output discarded (or its
// stdout on the descriptor `out`).
pid_t start_zokml(const std::vector<std::string>& arguments, const fs::path& tmp, int out = -1) {
    std::vector<std::string> args{ZOKML_CLI};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings{"TMPDIR=" + tmp.string()};
    for (char** e = environ; *e; ++e)
        if (!std::string(*e).starts_with("TMPDIR=")) env_strings.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (out >= 0) posix_spawn_file_actions_adddup2(&actions, out, 1);
    else posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, ZOKML_CLI, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(error == 0);
    return pid;
}

// Runs zokml with TMPDIR=tmp and its stdout a pipe nobody reads (closed as `head` closes it) to
// its end; its wait status.
int run_zokml_into_closed_pipe(const std::vector<std::string>& arguments, const fs::path& tmp) {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    ::close(ends[0]);
    const pid_t pid = start_zokml(arguments, tmp, ends[1]);
    ::close(ends[1]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return status;
}

// Runs zokml with TMPDIR=tmp to its end; its exit code (-1 when a signal ended it).
int run_zokml(const std::vector<std::string>& arguments, const fs::path& tmp) {
    const pid_t pid = start_zokml(arguments, tmp);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The process id in `marker`, once the step has started (waits up to two minutes).
pid_t await_marker(const fs::path& marker) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(marker);
        pid_t pid = 0;
        if (in >> pid && pid > 0) return pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("the step never started");
    return 0;
}

// What a folder holds, file by file with sizes and times: a read-only folder must see no change.
std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> snapshot(const fs::path& folder) {
    std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> files;
    for (const auto& item : fs::recursive_directory_iterator(folder))
        files[item.path().lexically_relative(folder).string()] = {
            item.is_regular_file() ? item.file_size() : 0, fs::last_write_time(item.path())};
    return files;
}

// The names in a folder (none when it does not exist).
std::vector<std::string> entries(const fs::path& folder) {
    std::error_code error;
    std::vector<std::string> names;
    for (auto it = fs::directory_iterator(folder, error); !error && it != fs::directory_iterator(); it.increment(error))
        names.push_back(it->path().filename().string());
    return names;
}

// A circuit folder of the tiny model, generated, compiled and set up, and its private input.
struct Folder {
    test::TempDir dir;
    fs::path folder = dir / "circuit";
    fs::path cache = dir / "cache";
    fs::path tmp = dir / "tmp";
    fs::path input = dir / "input.json";

    Folder() {
        fs::create_directories(tmp);
        write_file_atomically(input, "[10, 20, 30]");
        REQUIRE(zokml_cli({"generate", "--model", test::tiny_model(dir / "tiny.json").string(), "--dir", folder.string()})
                    .exit_code == 0);
    }
    // The zokrates backend's steps: each a zokrates process (the native ones: below).
    std::vector<std::string> step(const std::string& command, const fs::path& toolchain) const {
        std::vector<std::string> args{command, "--dir", folder.string(), "--cache-dir", cache.string(), "--zokrates",
                                      toolchain.string()};
        if (command == "setup") args.insert(args.end(), {"--backend", "zokrates"});
        if (command == "prove") args.insert(args.end(), {"--input", input.string(), "--proof", (dir / "proof.json").string()});
        return args;
    }
    void set_up(const std::string& backend = "zokrates") const {
        REQUIRE(zokml_cli({"setup", "--dir", folder.string(), "--cache-dir", cache.string(), "--backend", backend}).exit_code == 0);
    }
};

}  // namespace

TEST_CASE("SIGTERM or kill -9 during compile, setup or prove leaves no process and no private data, and the next run works",
          "[fault][slow]") {
    for (const std::string subcommand : {"compile", "setup", "generate-proof"}) {
        for (const int signal : {SIGTERM, SIGINT, SIGKILL}) {
            const std::string command = subcommand == "generate-proof" ? "prove" : subcommand;
            INFO(command << " stopped by signal " << signal);
            const Folder f;
            if (command == "prove") f.set_up();
            const fs::path marker = f.dir / "marker";
            const pid_t zokml = start_zokml(f.step(command, marking_toolchain(f.dir.path(), subcommand, marker)), f.tmp);
            const pid_t tool = await_marker(marker);
            std::this_thread::sleep_for(std::chrono::milliseconds(300));  // node has started its work
            ::kill(zokml, signal);
            int status = 0;
            REQUIRE(::waitpid(zokml, &status, 0) == zokml);
            CHECK(WIFSIGNALED(status));
            CHECK(WTERMSIG(status) == signal);
            CHECK(test::process_ends(tool));  // not an orphan writing into the cache
            // The proof's scratch folder, with the witness, is gone. (A build folder in the cache holds
            // only public files: it is left to the next run, which sweeps it.)
            if (signal != SIGKILL) CHECK(entries(f.tmp).empty());
            // The next run works, and sweeps what a killed run could not remove.
            CHECK(run_zokml(f.step(command, test::real_toolchain().executable()), f.tmp) == 0);
            INFO("left: " << fmt::format("{}", fmt::join(entries(f.tmp), ", ")));
            CHECK(entries(f.tmp).empty());
            CHECK(entries(f.cache / "tmp").empty());
        }
    }
}

namespace {

// The pid of a child of `parent` whose command line contains `text`, once there is one (waits up
// to two minutes).
pid_t await_child(pid_t parent, const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (std::chrono::steady_clock::now() < deadline) {
        for (const auto& item : fs::directory_iterator("/proc")) {
            const std::string name = item.path().filename();
            if (name.find_first_not_of("0123456789") != std::string::npos) continue;
            std::ifstream stat(item.path() / "stat");
            std::string pid, comm, state;
            pid_t ppid = 0;
            if (!(stat >> pid >> comm >> state >> ppid) || ppid != parent) continue;
            std::ifstream cmdline(item.path() / "cmdline");
            const std::string line((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
            if (line.find(text) != std::string::npos) return std::stoi(name);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("no child process " << text);
    return 0;
}

}  // namespace

TEST_CASE("SIGTERM or kill -9 during a native prove leaves no witness process and no private data, and the next run works",
          "[fault][slow]") {
    for (const int signal : {SIGTERM, SIGKILL}) {
        INFO("stopped by signal " << signal);
        const Folder f;
        f.set_up("native");
        const std::vector<std::string> prove = {"prove", "--dir", f.folder.string(), "--cache-dir", f.cache.string(), "--input",
                                                f.input.string(), "--proof", (f.dir / "proof.json").string()};
        const pid_t zokml = start_zokml(prove, f.tmp);
        const pid_t witnesses = await_child(zokml, "witness-session");
        ::kill(zokml, signal);
        int status = 0;
        REQUIRE(::waitpid(zokml, &status, 0) == zokml);
        CHECK(WIFSIGNALED(status));
        CHECK(test::process_ends(witnesses));  // the witness process, with the private input, ends with zokml
        if (signal != SIGKILL) CHECK(entries(f.tmp).empty());
        CHECK(run_zokml(prove, f.tmp) == 0);
        CHECK(entries(f.tmp).empty());
    }
}

TEST_CASE("SIGTERM during a compile ends zokml at once, however many files the build holds", "[fault]") {
    const Folder f;
    const fs::path marker = f.dir / "marker";
    // A large circuit's sources are a hundred thousand files in the cache's build folder, and
    // removing them took minutes: a stand-in compile puts 100,000 there, then runs on.
    const fs::path slow = f.dir / "zokrates-many-files";
    write_file_atomically(slow, "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'ZoKrates 0.8.8'; exit 0; }\n"
                                "mkdir ../many && cd ../many && seq 1 100000 | xargs touch\n"
                                "echo $$ > '" + marker.string() + "'\nexec sleep 60\n");
    fs::permissions(slow, fs::perms::owner_all);
    const pid_t zokml = start_zokml(f.step("compile", slow), f.tmp);
    const pid_t tool = await_marker(marker);
    const auto start = std::chrono::steady_clock::now();
    ::kill(zokml, SIGTERM);
    int status = 0;
    REQUIRE(::waitpid(zokml, &status, 0) == zokml);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(seconds < 1.0);
    CHECK(WIFSIGNALED(status));
    CHECK(test::process_ends(tool));
    // The next run sweeps the stopped build's folder.
    CHECK(run_zokml(f.step("compile", test::real_toolchain().executable()), f.tmp) == 0);
    CHECK(entries(f.cache / "tmp").empty());
}

TEST_CASE("a full disk during a toolchain step is an I/O error (exit code 5), not a toolchain failure", "[fault]") {
    const Folder f;
    const fs::path full = f.dir / "full-disk";
    write_file_atomically(full, "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'ZoKrates 0.8.8'; exit 0; }\n"
                                "echo 'Could not create out: No space left on device (os error 28)'\nexit 1\n");
    fs::permissions(full, fs::perms::owner_all);
    const auto r = zokml_cli(f.step("compile", full));
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("No space left on device"));
    CHECK(entries(f.cache / "tmp").empty());
}

TEST_CASE("proving writes nothing into the circuit folder, so a read-only one works", "[fault][slow]") {
    const Folder f;
    f.set_up();
    REQUIRE(zokml_cli(f.step("compile", test::real_toolchain().executable())).exit_code == 0);
    const auto before = snapshot(f.folder);
    const auto proved = zokml_cli(f.step("prove", test::real_toolchain().executable()));
    CHECK(proved.exit_code == 0);
    CHECK(snapshot(f.folder) == before);
    CHECK(fs::exists(f.dir / "proof.json"));
}

TEST_CASE("a damaged proving key, even through a hard link into the cache, is refused before ZoKrates reads it",
          "[fault][slow]") {
    const Folder f;
    f.set_up();
    const CircuitLock lock = read_lock(f.folder);
    const fs::path cached = f.cache / "entries" / lock.keys->key / "proving.key";
    REQUIRE(fs::exists(cached));
    fs::resize_file(cached, fs::file_size(cached) / 2);  // the folder's key is the same file when hard-linked
    const auto r = zokml_cli(f.step("prove", test::real_toolchain().executable()));
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("proving.key") && Catch::Contains("damaged") && Catch::Contains("zokml setup"));
    CHECK(zokml_cli({"setup", "--dir", f.folder.string(), "--cache-dir", f.cache.string()}).exit_code == 0);
    CHECK(zokml_cli(f.step("prove", test::real_toolchain().executable())).exit_code == 0);
}

TEST_CASE("the verifier runs setup and hands over only the proving key; the prover's proof verifies with the verifier's key",
          "[fault][slow]") {
    const Folder verifier;
    verifier.set_up();
    // The prover gets the circuit folder with the proving key alone, and has a cache of its own.
    const test::TempDir prover;
    const fs::path folder = prover / "circuit";
    fs::create_directories(keys_folder(folder));
    fs::copy(sources_folder(verifier.folder), sources_folder(folder), fs::copy_options::recursive);
    fs::copy_file(lock_file(verifier.folder), lock_file(folder));
    fs::copy_file(keys_folder(verifier.folder) / "proving.key", keys_folder(folder) / "proving.key");
    fs::copy_file(verifier.dir / "tiny.json", prover / "tiny.json");
    const auto proved = zokml_cli({"prove", "--dir", folder.string(), "--cache-dir", (prover / "cache").string(), "--input",
                                   verifier.input.string(), "--json"});
    REQUIRE(proved.exit_code == 0);
    CHECK_FALSE(fs::exists(keys_folder(folder) / "verification.key"));
    const auto verified = zokml_cli({"verify", "--dir", verifier.folder.string(), "--proof", (folder / "proof.json").string()});
    CHECK(verified.exit_code == 0);
    CHECK_THAT(verified.out, Catch::Contains("PASSED"));
}

TEST_CASE("zokml run checks every argument before it writes anything", "[fault]") {
    const test::TempDir dir;
    const std::string model = test::tiny_model(dir / "tiny.json").string();
    for (const auto& bad : std::vector<std::vector<std::string>>{{"--digit", "5000"},  // no such held-out digit
                                                                 {"--digit", "0"},     // a 3-input model takes no digit
                                                                 {"--input", "-"}}) {
        auto args = std::vector<std::string>{"run", "--model", model, "--dir", (dir / "run").string(), "--cache-dir",
                                             (dir / "cache").string()};
        args.insert(args.end(), bad.begin(), bad.end());
        const auto r = zokml_cli(args, "[1, 2, 300]");  // pixel 300 is out of range
        CHECK(r.exit_code == 3);
        CHECK_FALSE(fs::exists(dir / "run"));
        CHECK_FALSE(fs::exists(dir / "cache"));
    }
}

TEST_CASE("--timeout stops a toolchain step that runs longer", "[fault]") {
    const Folder f;
    const auto r = zokml_cli({"compile", "--dir", f.folder.string(), "--cache-dir", f.cache.string(), "--zokrates",
                              test::standin("sleeps.sh").string(), "--timeout", "1"});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("compile"));
}

TEST_CASE("a closed stdout ends zokml through its error path with exit code 141, not by SIGPIPE", "[fault]") {
    const test::TempDir dir;
    const int status = run_zokml_into_closed_pipe({"inspect", "--model", test::tiny_model(dir / "tiny.json").string()}, dir.path());
    CHECK_FALSE(WIFSIGNALED(status));  // was SIGPIPE
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 141);
}

TEST_CASE("prove --inputs into a closed stdout stops with exit code 141 and removes its scratch folder", "[fault][slow]") {
    const Folder f;
    f.set_up();
    write_file_atomically(f.dir / "batch.csv", "0.1,0.2,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n");
    const int status = run_zokml_into_closed_pipe({"prove", "--dir", f.folder.string(), "--cache-dir", f.cache.string(), "--inputs",
                                                   (f.dir / "batch.csv").string()},
                                                  f.tmp);
    CHECK_FALSE(WIFSIGNALED(status));  // was SIGPIPE, mid-batch, its scratch folder (witnesses) left behind
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 141);
    INFO("left: " << fmt::format("{}", fmt::join(entries(f.tmp), ", ")));
    CHECK(entries(f.tmp).empty());
}

TEST_CASE("a full disk while a key is copied into the circuit folder names the file and says so", "[fault]") {
    // The folder on a small file system of its own (a tmpfs in a user and mount namespace), filled
    // up but for 16 KiB once the program is compiled: the keys, set up in the cache on another file
    // system, are copied there, not linked, and the proving key does not fit (copy_file said
    // "Input/output error" of a copy that ran out of space on the way, and left it half-written).
    const Folder f;
    const fs::path small = f.dir / "small";
    fs::create_directories(small);
    const std::string script = fmt::format(
        "mount -t tmpfs -o size=1m tmpfs '{small}' || exit 77\n"
        "cp -r '{folder}' '{small}/circuit' && '{zokml}' compile --dir '{small}/circuit' --cache-dir '{cache}' >/dev/null || exit 78\n"
        "dd if=/dev/zero of='{small}/filler' bs=4k 2>/dev/null; truncate -s -16K '{small}/filler'\n"
        "'{zokml}' setup --dir '{small}/circuit' --cache-dir '{cache}'\ncode=$?\n"
        "ls -A '{small}/circuit/keys' 2>/dev/null\nexit $code\n",
        fmt::arg("small", small.string()), fmt::arg("folder", f.folder.string()), fmt::arg("zokml", ZOKML_CLI),
        fmt::arg("cache", f.cache.string()));
    const auto r = detail::run_process("/usr/bin/unshare", {"--user", "--map-root-user", "--mount", "/bin/sh", "-c", script}, f.dir.path(),
                                       "", std::chrono::minutes(2));
    if (r.exit_code == 77 || (r.exit_code != 5 && r.err.find("unshare") != std::string::npos)) {
        WARN("no user and mount namespaces here (" << r.err << "): the full disk is not tried");
        return;
    }
    INFO(r.out << r.err);
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains((small / "circuit" / "keys" / "proving.key").string()) && Catch::Contains("No space left on device"));
    CHECK(r.out.find("proving.key") == std::string::npos);  // nothing half-written (the listing of keys/)
}
