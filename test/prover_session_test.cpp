// Prover sessions: one process that proves many inputs with a program and key loaded once.
#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <sstream>

#include "support.hpp"
#include "zokml/circuit/private_input.hpp"
#include "zokml/data/fidelity.hpp"
#include "zokml/data/mnist.hpp"
#include "zokml/quantize/reference.hpp"
#include "zokml/toolchain/prover_session.hpp"

using namespace zokml;

namespace {

const CircuitProver& small() { return test::small_mnist_prover().circuit_prover(); }

std::vector<Value> digit_arguments(std::size_t digit) {
    const QuantizedModel& model = test::small_mnist_model();
    return private_input_arguments(model, {}, digit_input(model, held_out_digits().at(digit)));
}

int class_of(const ProverSession::Result& result) {
    return static_cast<int>(decode_private_input_public(small().program().abi, result.proof.inputs).predicted_class);
}

std::string command_line(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("a prover session proves many inputs in one process; each proof verifies and shows the reference class",
          "[toolchain][slow]") {
    ProverSession session(test::real_toolchain(), small().program(), small().keypair());
    for (const std::size_t digit : {0, 500, 1000, 1500}) {
        INFO("held-out digit " << digit);
        const ProverSession::Result result = session.prove(digit_arguments(digit));
        const auto& model = test::small_mnist_model();
        CHECK(class_of(result) == run_reference(model, digit_input(model, held_out_digits()[digit])).predicted_class);
        CHECK(small().verify(result.proof));
        CHECK(result.proof_s > 0);
        // Only the program's and key's paths are on the process's command line, never a value.
        CHECK(command_line(session.pid()).find("prove-session") != std::string::npos);
        CHECK(command_line(session.pid()).size() < 1000);
    }
    CHECK(session.starts() == 1);
}

TEST_CASE("a prover session reports a refused witness and goes on; a killed one is started again", "[toolchain][slow]") {
    ProverSession session(test::real_toolchain(), small().program(), small().keypair());
    std::vector<Value> out_of_range = digit_arguments(3);
    out_of_range[0].elements[14 * 28 + 14] = Value::of_field(256);
    try {
        session.prove(out_of_range);
        FAIL("a pixel of 256 was proven");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::Failed);
        CHECK_THAT(e.tool_output(), Catch::Contains("Execution failed"));
    }
    CHECK(small().verify(session.prove(digit_arguments(3)).proof));
    CHECK(session.starts() == 1);

    const pid_t first = session.pid();
    REQUIRE(first > 0);
    ::kill(-first, SIGKILL);
    REQUIRE(test::process_ends(first));
    CHECK(small().verify(session.prove(digit_arguments(4)).proof));
    CHECK(session.starts() == 2);
    CHECK(session.pid() != first);
}

TEST_CASE("a prover session past its timeout is killed and the next proof starts another", "[toolchain][slow]") {
    const Toolchain impatient({std::chrono::milliseconds(200), Toolchain::bundled()});
    ProverSession session(impatient, small().program(), small().keypair());
    try {
        session.prove(digit_arguments(0));  // starting Node and loading the module alone take longer
        FAIL("proved within 200 ms");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::TimedOut);
    }
    CHECK(session.pid() == 0);
    CHECK_THROWS_AS(session.prove(digit_arguments(0)), ToolchainError);
    CHECK(session.starts() == 2);
}

TEST_CASE("a prover session needs the bundled zokrates-js command", "[toolchain]") {
    const Toolchain native({std::chrono::seconds(5), test::standin("sleeps.sh")});
    try {
        ProverSession session(native, CompiledProgram{}, Keypair{});
        FAIL("accepted");
    } catch (const ToolchainError& e) {
        CHECK(e.kind() == ToolchainError::Kind::NotFound);
    }
}
