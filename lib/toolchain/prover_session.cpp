#include "zokml/toolchain/prover_session.hpp"

#include <nlohmann/json.hpp>

#include "session_process.hpp"
#include "zokml/toolchain/public_values.hpp"
#include "zokml/toolchain/snarkjs.hpp"

namespace zokml {

namespace fs = std::filesystem;

namespace {

bool is_bundled(const fs::path& executable) {
    std::error_code error;
    return fs::equivalent(executable, Toolchain::bundled(), error);
}

std::string absolute_path(const fs::path& file) { return fs::absolute(file).string(); }

// A reply's fields, read as `read` says; a reply without them is the tool's bad output, shown as
// `shown` (never a witness: it holds the private values).
template <typename Read>
auto reply_fields(const std::string& shown, Step step, Read&& read) {
    try {
        return read();
    } catch (const std::exception& e) {
        throw ToolchainError(step, ToolchainError::Kind::BadOutput, 0, shown, e.what());
    }
}

Value decode_output(const CompiledProgram& program, const nlohmann::json& reply) {
    return decode_value(program.abi.output, nlohmann::json::parse(reply.at("output").get<std::string>()));
}

std::unique_ptr<detail::SessionProcess> prover_process(const Toolchain& toolchain, const CompiledProgram& program,
                                                       const Keypair& keypair) {
    if (keypair.backend != Backend::Zokrates)
        return std::make_unique<detail::SessionProcess>(
            Snarkjs::bundled(),
            std::vector<std::string>{"prove-session", "--program", absolute_path(program.program), "--abi", absolute_path(program.abi_file),
                                     "--zkey", absolute_path(keypair.proving_key)},
            toolchain.timeout(), Step::GenerateProof);
    if (!is_bundled(toolchain.executable()))
        throw ToolchainError(Step::GenerateProof, ToolchainError::Kind::NotFound, 0, "",
                             "prover sessions need the bundled zokrates-js command (" + toolchain.executable().string() +
                                 " is another zokrates)");
    return std::make_unique<detail::SessionProcess>(
        toolchain.executable(),
        std::vector<std::string>{"prove-session", "-i", absolute_path(program.program), "-s", absolute_path(program.abi_file), "-p",
                                 absolute_path(keypair.proving_key)},
        toolchain.timeout(), Step::GenerateProof);
}

// Two hex digits a byte.
std::string from_hex(const std::string& hex) {
    if (hex.size() % 2 != 0) throw std::invalid_argument("an odd number of hex digits");
    const auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw std::invalid_argument("not a lowercase hex digit");
    };
    std::string bytes(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(digit(hex[2 * i]) << 4 | digit(hex[2 * i + 1]));
    return bytes;
}

}  // namespace

ProverSession::ProverSession(const Toolchain& toolchain, CompiledProgram program, Keypair keypair)
    : program_(std::move(program)), keypair_(std::move(keypair)), process_(prover_process(toolchain, program_, keypair_)) {}

ProverSession::~ProverSession() = default;

std::size_t ProverSession::starts() const { return process_->starts(); }

pid_t ProverSession::pid() const { return process_->pid(); }

ProverSession::Result ProverSession::prove(const std::vector<Value>& arguments) {
    const nlohmann::json reply = process_->request(encode_arguments(program_.abi, arguments).dump());
    return reply_fields(reply.dump().substr(0, 4096), Step::GenerateProof, [&] {
        Result result;
        result.proof = Proof::from_json(reply.at("proof"));
        if (keypair_.backend != Backend::Zokrates)
            result.proof.inputs = public_values_in_zokrates_order(std::move(result.proof.inputs), flattened_size(program_.abi.output));
        result.output = decode_output(program_, reply);
        result.witness_s = reply.at("witness_s").get<double>();
        result.proof_s = reply.at("proof_s").get<double>();
        return result;
    });
}

WitnessSession::WitnessSession(const Toolchain& toolchain, CompiledProgram program)
    : program_(std::move(program)),
      process_(std::make_unique<detail::SessionProcess>(
          Snarkjs::bundled(),
          std::vector<std::string>{"witness-session", "--program", absolute_path(program_.program), "--abi", absolute_path(program_.abi_file)},
          toolchain.timeout(), Step::ComputeWitness)) {}

WitnessSession::~WitnessSession() = default;

std::size_t WitnessSession::starts() const { return process_->starts(); }

WitnessSession::Result WitnessSession::compute(const std::vector<Value>& arguments) {
    const nlohmann::json reply = process_->request(encode_arguments(program_.abi, arguments).dump());
    return reply_fields("(a witness reply, not shown)", Step::ComputeWitness, [&] {
        Result result;
        result.wtns = from_hex(reply.at("witness").get<std::string>());
        result.output = decode_output(program_, reply);
        result.witness_s = reply.at("witness_s").get<double>();
        return result;
    });
}

}  // namespace zokml
