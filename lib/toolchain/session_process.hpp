// A long-lived tool process that answers each request line with one JSON line: the bundled
// zokrates' prove-session and tools/snarkjs.mjs' prove-session and witness-session. Requests (which
// hold private values) go through a socket pair only: no command line, no file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zokml/toolchain/toolchain.hpp"

namespace zokml::detail {

class SessionProcess {
public:
    // Starts nothing yet: the process starts with the first request. `step` names the step in errors.
    SessionProcess(std::filesystem::path executable, std::vector<std::string> arguments, std::chrono::milliseconds timeout,
                   Step step);
    ~SessionProcess();  // ends the process
    SessionProcess(const SessionProcess&) = delete;
    SessionProcess& operator=(const SessionProcess&) = delete;

    // The reply to one request (a line without its newline). A process found dead (killed, crashed;
    // also one that ends as the request reaches it) is started again, once; one that runs past the
    // timeout is killed (ToolchainError TimedOut) and the next request starts another. A reply
    // {"error": message} (a failed assertion, bad arguments) is ToolchainError(ComputeWitness,
    // Failed) with the message; the process goes on.
    nlohmann::json request(const std::string& line);

    std::size_t starts() const { return starts_; }
    pid_t pid() const;  // the running process, 0 when none

private:
    struct Process;
    void start();
    nlohmann::json exchange(const std::string& request);  // on the running process

    std::filesystem::path executable_;
    std::vector<std::string> arguments_;
    std::chrono::milliseconds timeout_;
    Step step_;
    std::unique_ptr<Process> process_;
    std::size_t starts_ = 0;
};

}  // namespace zokml::detail
