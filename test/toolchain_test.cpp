#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>
#include <vector>
#include <nlohmann/json.hpp>

#include "support.hpp"
#include "toolchain/subprocess.hpp"
#include "zokml/toolchain/toolchain.hpp"

using namespace zokml;
using zokml::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Swaps the G1 points a and c: both still on the curve, no longer a proof.
Proof tampered(Proof proof) {
    std::swap(proof.points["a"], proof.points["c"]);
    return proof;
}

struct RoundTrip {
    CompiledProgram program;
    Keypair keypair;
    Witness witness;
    Proof proof;
};

RoundTrip prove_square(const Toolchain& zokrates, Scheme scheme, const fs::path& dir) {
    RoundTrip r;
    r.program = zokrates.compile(test::data_path("toolchain/square.zok"), dir / "build");
    r.keypair = zokrates.setup(r.program, scheme, dir / "keys");
    r.witness = zokrates.compute_witness(r.program, {Value::of_field(3), Value::of_field(9)}, dir / "run");
    r.proof = zokrates.generate_proof(r.program, r.witness, r.keypair, dir / "run");
    return r;
}

Toolchain standin_toolchain(const std::string& script, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return Toolchain({timeout, test::standin(script)});
}

CompiledProgram fake_program() {
    CompiledProgram program;
    program.program = "out";
    program.abi_file = "abi.json";
    program.abi.inputs = {{"secret", false, AbiType::field()}};
    return program;
}

}  // namespace

TEST_CASE("a g16 proof round-trips through compile, setup, witness, proof and verify", "[toolchain][slow]") {
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    const auto r = prove_square(zokrates, Scheme::G16, dir.path());

    CHECK(r.program.constraints == 2);
    REQUIRE(r.program.abi.inputs.size() == 2);
    CHECK_FALSE(r.program.abi.inputs[0].is_public);
    CHECK(r.program.abi.inputs[1].is_public);
    CHECK(r.keypair.verification_key.scheme == "g16");
    CHECK(r.keypair.verification_key.curve == "bn128");
    CHECK(r.witness.output == Value::of_field(12));
    CHECK(r.proof.scheme == "g16");
    // Public inputs: b, then the output a + b.
    CHECK(r.proof.inputs == std::vector<FieldElement>{FieldElement::from_int(9), FieldElement::from_int(12)});
    CHECK(zokrates.verify(r.keypair, r.proof, dir / "verify"));
    CHECK(fs::exists(dir / "run" / "proof.json"));
    CHECK(Proof::from_json(nlohmann::json::parse(std::ifstream(dir / "run" / "proof.json"))) == r.proof);
}

TEST_CASE("a gm17 proof round-trips too", "[toolchain][slow]") {
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    const auto r = prove_square(zokrates, Scheme::GM17, dir.path());
    CHECK(r.keypair.verification_key.scheme == "gm17");
    CHECK(zokrates.verify(r.keypair, r.proof, dir / "verify"));
    CHECK_FALSE(zokrates.verify(r.keypair, tampered(r.proof), dir / "verify"));
}

TEST_CASE("a tampered proof is verified as FAILED", "[toolchain][slow]") {
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    const auto r = prove_square(zokrates, Scheme::G16, dir.path());
    CHECK_FALSE(zokrates.verify(r.keypair, tampered(r.proof), dir / "verify"));
}

TEST_CASE("a wrong public input is verified as FAILED", "[toolchain][slow]") {
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    auto r = prove_square(zokrates, Scheme::G16, dir.path());
    r.proof.inputs[1] = FieldElement::from_int(13);  // claims a + b = 13
    CHECK_FALSE(zokrates.verify(r.keypair, r.proof, dir / "verify"));
}

TEST_CASE("field, bool, u32 and array arguments reach the program and outputs come back typed", "[toolchain][slow]") {
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    const auto program = zokrates.compile(test::data_path("toolchain/types.zok"), dir / "build");
    REQUIRE(program.abi.inputs.size() == 4);
    CHECK(program.abi.inputs[2].type.kind == AbiType::Kind::U32);
    CHECK(program.abi.inputs[3].type.to_string() == "field[3]");
    const auto witness = zokrates.compute_witness(
        program, {Value::of_field(-10), Value::of_bool(true), Value::of_uint(AbiType::Kind::U32, 0xffffffff), Value::fields({1, 2, 3})},
        dir / "run");
    CHECK(witness.output == Value::tuple({Value::of_field(-4), Value::of_bool(false),
                                          Value::of_uint(AbiType::Kind::U32, 0), Value::fields({3, 2, 1})}));
}

TEST_CASE("a program with relative and stdlib imports compiles and runs", "[toolchain][slow]") {
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    const auto program = zokrates.compile(test::data_path("toolchain/imports.zok"), dir / "build");
    CHECK(zokrates.compute_witness(program, {Value::of_field(21)}, dir / "run").output == Value::of_field(42));
    // The stdlib range check rejects 256.
    CHECK_THROWS_AS(zokrates.compute_witness(program, {Value::of_field(256)}, dir / "run"), ToolchainError);
}

TEST_CASE("a failing assertion is a typed error with the tool's message", "[toolchain][slow]") {
    const TempDir dir;
    const auto& zokrates = test::real_toolchain();
    const auto program = zokrates.compile(test::data_path("toolchain/square.zok"), dir / "build");
    try {
        zokrates.compute_witness(program, {Value::of_field(3), Value::of_field(10)}, dir / "run");
        FAIL("the witness was computed");
    } catch (const ToolchainError& e) {
        CHECK(e.step() == Step::ComputeWitness);
        CHECK(e.kind() == ToolchainError::Kind::Failed);
        CHECK(e.exit_code() == 1);
        CHECK_THAT(e.tool_output(), Catch::Contains("Assertion failed"));
        CHECK_THAT(e.what(), Catch::Contains("compute-witness"));
    }
    CHECK_FALSE(fs::exists(dir / "run" / "witness"));
}

TEST_CASE("a compile error is reported with the file and position", "[toolchain][slow]") {
    const TempDir dir;
    std::ofstream(dir / "broken.zok") << "def main(field a) -> field {\n    return a +;\n}\n";
    try {
        test::real_toolchain().compile(dir / "broken.zok", dir / "build");
        FAIL("compiled");
    } catch (const ToolchainError& e) {
        CHECK(e.step() == Step::Compile);
        CHECK(e.kind() == ToolchainError::Kind::Failed);
        CHECK_THAT(e.tool_output(), Catch::Contains("broken.zok") && Catch::Contains("2:15"));
    }
    CHECK_FALSE(fs::exists(dir / "build" / "out"));
}

TEST_CASE("the bundled toolchain reports its ZoKrates version", "[toolchain][slow]") {
    CHECK_THAT(test::real_toolchain().version(), Catch::StartsWith("ZoKrates 0.8"));
}

TEST_CASE("a step that runs past its timeout is killed with its children and reported", "[toolchain]") {
    const TempDir dir;
    const fs::path pids_file = dir / "pids.txt";
    ::setenv("ZOKML_STANDIN_PIDS", pids_file.c_str(), 1);  // the standin inherits it
    try {
        standin_toolchain("sleeps.sh", std::chrono::milliseconds(500)).compile(dir / "main.zok", dir / "build");
        FAIL("returned");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::TimedOut);
        CHECK(e.step() == Step::Compile);
    }
    ::unsetenv("ZOKML_STANDIN_PIDS");
    std::ifstream pids(pids_file);
    int tool = 0, child = 0;
    REQUIRE(pids >> tool >> child);
    CHECK(test::process_ends(tool));
    CHECK(test::process_ends(child));  // the whole process group, not only the tool
}

TEST_CASE("a panicking tool (exit code 101) is reported as a panic with its message", "[toolchain]") {
    const TempDir dir;
    try {
        standin_toolchain("panics.sh").compile(dir / "main.zok", dir / "build");
        FAIL("returned");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::Panicked);
        CHECK(e.exit_code() == 101);
        CHECK_THAT(e.what(), Catch::Contains("index out of bounds"));
    }
}

TEST_CASE("a tool killed by a signal is reported with exit code 137", "[toolchain]") {
    const TempDir dir;
    try {
        standin_toolchain("killed.sh").compute_witness(fake_program(), {Value::of_field(1)}, dir / "run");
        FAIL("returned");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::Killed);
        CHECK(e.exit_code() == 137);
        CHECK_THAT(e.what(), Catch::Contains("out of memory"));
    }
}

TEST_CASE("a tool that exits 0 without its results is reported as bad output", "[toolchain]") {
    const TempDir dir;
    const auto zokrates = standin_toolchain("garbage.sh");
    CHECK_THROWS_MATCHES(zokrates.compile(dir / "main.zok", dir / "build"), ToolchainError,
                         Catch::Predicate<ToolchainError>([](const ToolchainError& e) {
                             return e.kind() == ToolchainError::Kind::BadOutput;
                         }));
    CHECK_THROWS_AS(zokrates.compute_witness(fake_program(), {Value::of_field(1)}, dir / "run"), ToolchainError);
}

TEST_CASE("a failed step leaves no half-written artifact", "[toolchain]") {
    const TempDir dir;
    CHECK_THROWS_AS(standin_toolchain("half_writes.sh").compile(dir / "main.zok", dir / "build"), ToolchainError);
    REQUIRE(fs::exists(dir / "build"));
    CHECK(fs::is_empty(dir / "build"));
}

TEST_CASE("private arguments go to the tool on stdin, never on its command line", "[toolchain]") {
    const TempDir dir;
    const auto secret = FieldElement::from_decimal("987654321987654321");
    CHECK_THROWS_AS(standin_toolchain("records_argv.sh").compute_witness(fake_program(), {Value::of_field(secret)}, dir / "run"),
                    ToolchainError);
    std::ifstream argv(dir / "run" / "argv.txt"), in(dir / "run" / "stdin.txt");
    const std::string args((std::istreambuf_iterator<char>(argv)), {}), input((std::istreambuf_iterator<char>(in)), {});
    CHECK_THAT(args, Catch::Contains("--stdin"));
    CHECK_THAT(args, !Catch::Contains(secret.to_decimal()));
    CHECK(input == "[\"987654321987654321\"]");
}

TEST_CASE("a missing toolchain is reported as not found", "[toolchain]") {
    try {
        Toolchain({std::chrono::seconds(1), fs::path("/nonexistent/zokrates")});
        FAIL("constructed");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::NotFound);
        CHECK_THAT(e.what(), Catch::Contains("/nonexistent/zokrates"));
    }
}

TEST_CASE("processes started by many threads at once inherit no descriptor but their own stdin, stdout and stderr", "[toolchain]") {
    // A child that inherited another child's stdin pipe would keep it open: that one would never
    // see the end of its input (two such children wait for each other forever). Each child lists
    // its descriptors while the others run: ls itself, so that no pipe of a shell's pipeline is
    // counted (under load ls could see the ones the shell was still setting up); ls's own
    // descriptor for reading the folder is the 3.
    std::vector<std::thread> threads;
    std::vector<detail::ProcessResult> results(12);
    for (std::size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&, i] {
            results[i] = detail::run_process("/bin/sh", {"-c", "cat > /dev/null; sleep 0.3; exec ls /proc/self/fd"},
                                             fs::temp_directory_path(), std::string(50000, 'x'), std::chrono::seconds(60));
        });
    for (auto& t : threads) t.join();
    for (const auto& r : results) {
        CHECK_FALSE(r.timed_out);
        CHECK(r.out == "0\n1\n2\n3\n");
    }
}
