#include "zokml/toolchain/snarkjs.hpp"

#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tool_step.hpp"
#include "zokml/core/files.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

namespace fs = std::filesystem;
using nlohmann::json;

json SetupContribution::to_json() const {
    json j = {{"index", index}, {"name", name}, {"hash", hash}};
    if (!beacon.empty()) j["beacon"] = beacon;
    return j;
}

SetupContribution SetupContribution::from_json(const json& j) {
    return {j.at("index").get<std::size_t>(), j.at("name").get<std::string>(), j.at("hash").get<std::string>(),
            j.value("beacon", "")};
}

fs::path Snarkjs::bundled() {
    const fs::path command = Toolchain::bundled().parent_path() / "snarkjs";
    if (::access(command.c_str(), X_OK) != 0)
        throw ToolchainError(Step::Locate, ToolchainError::Kind::NotFound, -1, "",
                             command.string() + " is missing; run scripts/setup.sh", "snarkjs");
    return command;
}

Snarkjs::Snarkjs(std::chrono::milliseconds timeout) : executable_(bundled()), timeout_(timeout) {}

json Snarkjs::run(Step step, const std::vector<std::string>& arguments, const std::string& stdin_data) const {
    const std::string out = detail::run_step("snarkjs", executable_, timeout_, step, arguments, fs::current_path(), stdin_data);
    try {
        return json::parse(detail::last_line(out));
    } catch (const json::exception& e) {
        throw ToolchainError(step, ToolchainError::Kind::BadOutput, 0, out, std::string("not JSON: ") + e.what(), "snarkjs");
    }
}

namespace {

std::string text_of(const json& reply, const char* name, Step step) {
    if (!reply.contains(name) || !reply[name].is_string())
        throw ToolchainError(step, ToolchainError::Kind::BadOutput, 0, reply.dump(), std::string("no ") + name, "snarkjs");
    return reply[name].get<std::string>();
}

std::string absolute_path(const fs::path& file) { return fs::absolute(file).string(); }

}  // namespace

unsigned Snarkjs::required_power(const fs::path& r1cs) const {
    return run(Step::Setup, {"power", "--r1cs", absolute_path(r1cs)}).at("power").get<unsigned>();
}

void Snarkjs::make_ptau(unsigned power, const fs::path& out) const {
    run(Step::UniversalSetup, {"ptau", "--power", std::to_string(power), "--out", absolute_path(out)});
}

void Snarkjs::start_setup(const fs::path& r1cs, const fs::path& ptau, const fs::path& out) const {
    run(Step::Setup, {"setup", "--r1cs", absolute_path(r1cs), "--ptau", absolute_path(ptau), "--out", absolute_path(out)});
}

std::string Snarkjs::contribute(const fs::path& previous, const fs::path& out, const std::string& name) const {
    return text_of(run(Step::Setup, {"contribute", "--in", absolute_path(previous), "--out", absolute_path(out), "--name", name}),
                   "hash", Step::Setup);
}

std::string Snarkjs::beacon(const fs::path& previous, const fs::path& out, const std::string& beacon_hex,
                            unsigned iterations) const {
    return text_of(run(Step::Setup, {"beacon", "--in", absolute_path(previous), "--out", absolute_path(out), "--beacon", beacon_hex,
                                     "--iterations", std::to_string(iterations)}),
                   "hash", Step::Setup);
}

SetupTranscript Snarkjs::verify_ptau(const fs::path& ptau) const {
    const json reply = run(Step::Verify, {"verify-ptau", "--ptau", absolute_path(ptau)});
    try {
        return {reply.at("valid").get<bool>(), reply.value("reason", ""), {}};
    } catch (const json::exception& e) {
        throw ToolchainError(Step::Verify, ToolchainError::Kind::BadOutput, 0, reply.dump(), e.what(), "snarkjs");
    }
}

SetupTranscript Snarkjs::verify_setup(const fs::path& r1cs, const fs::path& ptau, const fs::path& zkey) const {
    const json reply = run(Step::Verify, {"verify-setup", "--r1cs", absolute_path(r1cs), "--ptau", absolute_path(ptau), "--zkey", absolute_path(zkey)});
    SetupTranscript transcript;
    try {
        transcript.valid = reply.at("valid").get<bool>();
        transcript.reason = reply.value("reason", "");
        for (const json& c : reply.value("contributions", json::array()))
            transcript.contributions.push_back(SetupContribution::from_json(c));
    } catch (const json::exception& e) {
        throw ToolchainError(Step::Verify, ToolchainError::Kind::BadOutput, 0, reply.dump(), e.what(), "snarkjs");
    }
    return transcript;
}

VerificationKey Snarkjs::export_verification_key(const fs::path& zkey, const fs::path& out, std::size_t outputs) const {
    run(Step::Setup, {"export-vk", "--zkey", absolute_path(zkey), "--out", absolute_path(out)});
    VerificationKey key;
    try {
        key = key_in_zokrates_order(VerificationKey::from_json(json::parse(read_file(out))), outputs);
    } catch (const std::exception& e) {
        throw ToolchainError(Step::Setup, ToolchainError::Kind::BadOutput, 0, "", out.string() + ": " + e.what(), "snarkjs");
    }
    if (outputs > 0) write_file_atomically(out, key.to_json().dump(4));
    return key;
}

std::vector<FieldElement> public_values_in_zokrates_order(std::vector<FieldElement> values, std::size_t outputs) {
    if (outputs > values.size()) throw std::invalid_argument("more outputs than public values");
    std::rotate(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(outputs), values.end());
    return values;
}

VerificationKey key_in_zokrates_order(VerificationKey key, std::size_t outputs) {
    json& points = key.points.at("gamma_abc");
    if (!points.is_array() || outputs >= points.size()) throw std::invalid_argument("gamma_abc holds no point for every output");
    std::rotate(points.begin() + 1, points.begin() + 1 + static_cast<std::ptrdiff_t>(outputs), points.end());
    return key;
}

bool Snarkjs::verify(const Keypair& keypair, const Proof& proof, const fs::path& work_dir) const {
    check_canonical(proof, keypair.verification_key, {});  // snarkjs reads a missing public input as 0, coordinates mod q
    const TempFolder staging(fs::absolute(work_dir), ".staging");
    write_file_atomically(staging.path() / "proof.json", proof.to_json().dump(2));
    const json reply = run(Step::Verify, {"verify", "--vk", absolute_path(keypair.verification_key_file), "--proof",
                                          absolute_path(staging.path() / "proof.json")});
    if (!reply.contains("valid") || !reply["valid"].is_boolean())
        throw ToolchainError(Step::Verify, ToolchainError::Kind::BadOutput, 0, reply.dump(), "no verdict", "snarkjs");
    return reply["valid"].get<bool>();
}

Value Snarkjs::write_witness(const CompiledProgram& program, const std::vector<Value>& arguments, const fs::path& out) const {
    const json reply = run(Step::ComputeWitness,
                           {"witness", "--program", absolute_path(program.program), "--abi", absolute_path(program.abi_file), "--out",
                            absolute_path(out)},
                           encode_arguments(program.abi, arguments).dump());
    try {
        return decode_value(program.abi.output, json::parse(text_of(reply, "output", Step::ComputeWitness)));
    } catch (const std::exception& e) {
        throw ToolchainError(Step::ComputeWitness, ToolchainError::Kind::BadOutput, 0, reply.dump(), e.what(), "snarkjs");
    }
}

void Snarkjs::to_snarkjs_files(const Proof& proof, const fs::path& verification_key, const fs::path& out_dir) const {
    const TempFolder staging(fs::absolute(out_dir), ".staging");
    write_file_atomically(staging.path() / "zokrates-proof.json", proof.to_json().dump(2));
    run(Step::ExportVerifier, {"to-snarkjs", "--proof", absolute_path(staging.path() / "zokrates-proof.json"), "--vk",
                               absolute_path(verification_key), "--out", absolute_path(out_dir)});
}

}  // namespace zokml
