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

namespace detail {
class SessionProcess;
}

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

    std::size_t starts() const;  // processes started so far
    pid_t pid() const;           // the running process, 0 when none

private:
    CompiledProgram program_;
    Keypair keypair_;
    std::unique_ptr<detail::SessionProcess> process_;
};

// A long-lived witness calculator (tools/snarkjs.mjs' witness-session, on zokrates-js): the
// program is loaded once; each call computes one witness in snarkjs' .wtns, in memory (what the
// native prover reads), with the same restarts, timeout and errors as ProverSession. The
// arguments and the witness never touch a file or a command line.
class WitnessSession {
public:
    WitnessSession(const Toolchain& toolchain, CompiledProgram program);
    ~WitnessSession();
    WitnessSession(const WitnessSession&) = delete;
    WitnessSession& operator=(const WitnessSession&) = delete;

    struct Result {
        std::string wtns;  // the .wtns file's bytes
        Value output;      // main's return value, decoded against the ABI
        double witness_s = 0;
    };
    Result compute(const std::vector<Value>& arguments);

    std::size_t starts() const;

private:
    CompiledProgram program_;
    std::unique_ptr<detail::SessionProcess> process_;
};

}  // namespace zokml
