// Prover sessions: one process that proves many inputs with a program and key loaded once; and
// `zokml prove --inputs`, which proves a batch file's inputs through them.
#include <catch2/catch.hpp>

#include <signal.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "support.hpp"
#include "zokml/core/files.hpp"
#include "zokml/data/batch.hpp"
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

TEST_CASE("zokml prove --inputs proves every input of a batch file through prover sessions, each proof in its own file",
          "[cli][slow]") {
    const test::TempDir dir;
    const auto model_file = test::tiny_model(dir / "tiny.json");
    std::string csv;
    for (int n = 0; n < 6; ++n) csv += fmt::format("{},{},{}\n", n / 6.0, (5 - n) / 6.0, (n % 3) / 2.0);
    write_file_atomically(dir / "inputs.csv", csv);
    const std::string folder = (dir / "c").string(), cache = (dir / "cache").string(), inputs = (dir / "inputs.csv").string();
    REQUIRE(test::zokml_cli({"run", "--model", model_file.string(), "--input", inputs, "--index", "0", "--dir", folder,
                             "--cache-dir", cache})
                .exit_code == 0);

    const test::Result r = test::zokml_cli({"prove", "--dir", folder, "--inputs", inputs, "--jobs", "2", "--cache-dir", cache, "--json"});
    REQUIRE(r.exit_code == 0);
    const nlohmann::json result = r.parsed();
    REQUIRE(result["proofs"].size() == 6);
    CHECK(result["jobs"] == 2);
    CHECK(result["proofs_per_min"].get<double>() > 0);
    const QuantizedModel model = quantize(load_model(model_file));
    const FloatBatch batch = read_batch_file(dir / "inputs.csv", Labels::None);
    for (std::size_t k = 0; k < 6; ++k) {
        const nlohmann::json& row = result["proofs"][k];
        INFO("input " << k);
        CHECK(row["index"] == k);
        CHECK(row["public"]["class"] == run_reference(model, quantize_input(model, batch.inputs[k])).predicted_class);
        const test::Result verified = test::zokml_cli({"verify", "--dir", folder, "--proof", row["proof"].get<std::string>(), "--json"});
        CHECK(verified.exit_code == 0);
        CHECK(verified.parsed()["public"] == row["public"]);
    }

    // Refused before any proof: an input out of range (nothing written), other options with --inputs.
    write_file_atomically(dir / "bad.csv", csv + "0.5,1.5,0\n");
    std::filesystem::remove_all(std::filesystem::path(folder) / "proofs");
    const test::Result bad = test::zokml_cli({"prove", "--dir", folder, "--inputs", (dir / "bad.csv").string(), "--cache-dir", cache});
    CHECK(bad.exit_code == 3);
    CHECK_THAT(bad.err, Catch::Contains("bad.csv: inputs[6][1]: 1.5 is outside the model's input range"));
    CHECK_FALSE(std::filesystem::exists(std::filesystem::path(folder) / "proofs"));
    CHECK(test::zokml_cli({"prove", "--dir", folder, "--inputs", inputs, "--input", inputs}).exit_code == 2);
    CHECK(test::zokml_cli({"prove", "--dir", folder, "--jobs", "2", "--input", inputs, "--index", "0"}).exit_code == 2);
    REQUIRE(test::zokml_cli({"generate", "--model", model_file.string(), "--claimed-class", "--dir", (dir / "claimed").string()})
                .exit_code == 0);
    CHECK(test::zokml_cli({"prove", "--dir", (dir / "claimed").string(), "--inputs", inputs}).exit_code == 3);
}
