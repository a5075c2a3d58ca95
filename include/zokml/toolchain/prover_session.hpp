// A long-lived prover: one process that loads a compiled program and its proving key once, then
// computes a witness and a proof for each request (the bundled zokrates command's `prove-session`,
// or the snarkjs backend's for a snarkjs keypair).
// It saves what each proof would pay to start: Node, the 55 MB WebAssembly module, the program and
// the key (docs/toolchain.md#prover-sessions). The arguments, which hold the private values, go
// through a pipe only: no command line, no file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "zokml/toolchain/abi.hpp"
#include "zokml/toolchain/artifacts.hpp"
#include "zokml/toolchain/toolchain.hpp"

namespace zokml {

class ProverSession {
public:
    // Starts nothing yet: the process starts with the first proof. Throws ToolchainError(NotFound)
    // when the toolchain is not the bundled zokrates-js command (a native zokrates has no sessions)
    // and the keypair is ZoKrates', or the snarkjs command is missing and it is snarkjs'.
    ProverSession(const Toolchain& toolchain, CompiledProgram program, Keypair keypair);
    ~ProverSession();  // ends the process
    ProverSession(const ProverSession&) = delete;
    ProverSession& operator=(const ProverSession&) = delete;

    struct Result {
        Proof proof;
        Value output;  // main's return value, decoded against the ABI
        double witness_s = 0;
        double proof_s = 0;
    };
    // A proof of the arguments. A process found dead (killed, crashed; also one that ends as the
    // request reaches it) is started again, once;
    // one that runs past the toolchain's timeout is killed (ToolchainError TimedOut) and the next
    // call starts a new one. Arguments the program refuses (a failed assertion) are
    // ToolchainError(Failed) with the tool's message; the session goes on.
    Result prove(const std::vector<Value>& arguments);

    std::size_t starts() const { return starts_; }  // processes started so far
    pid_t pid() const;                               // the running process, 0 when none

private:
    struct Process;
    void start();
    void stop();
    Result exchange(const std::string& request);  // one request and its reply, on the running process

    const Toolchain& toolchain_;
    CompiledProgram program_;
    Keypair keypair_;
    std::filesystem::path executable_;  // what runs the session, and its arguments
    std::vector<std::string> arguments_;
    std::unique_ptr<Process> process_;
    std::size_t starts_ = 0;
};

}  // namespace zokml
