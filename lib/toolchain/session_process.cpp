#include "session_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "subprocess.hpp"
#include "zokml/core/cleanup.hpp"

namespace zokml::detail {

namespace bp = boost::process;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

int milliseconds_until(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

}  // namespace

// The running process: its end of a socket pair is its stdin and stdout (a socket rather than
// pipes so that writing to a dead process fails with EPIPE instead of raising SIGPIPE).
struct SessionProcess::Process {
    int fd = -1;
    bp::child child;
    std::unique_ptr<CleanupProcessGroup> registration;
    std::string buffered;  // what was read after the last reply's line

    ~Process() {
        if (fd >= 0) ::close(fd);  // end of input: the session ends on its own
        if (child.valid()) {
            if (child.running()) ::kill(-child.id(), SIGKILL);
            std::error_code ignored;
            child.wait(ignored);
        }
    }
};

SessionProcess::SessionProcess(fs::path executable, std::vector<std::string> arguments, std::chrono::milliseconds timeout, Step step)
    : executable_(std::move(executable)), arguments_(std::move(arguments)), timeout_(timeout), step_(step) {}

SessionProcess::~SessionProcess() = default;

pid_t SessionProcess::pid() const { return process_ && process_->child.running() ? process_->child.id() : 0; }

void SessionProcess::start() {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
        throw std::system_error(errno, std::generic_category(), "socketpair");
    auto process = std::make_unique<Process>();
    process->fd = ends[0];
    const int theirs = ends[1];
    const pid_t parent = ::getpid();
    try {
        process->child = bp::child(
            bp::exe = executable_.string(), bp::args = arguments_,
            bp::std_err > bp::null, bp::extend::on_exec_setup([parent, theirs](auto&) {
                ::dup2(theirs, STDIN_FILENO);
                ::dup2(theirs, STDOUT_FILENO);
                prepare_child(parent);
            }));
    } catch (...) {
        ::close(theirs);
        throw;
    }
    ::close(theirs);
    process->registration = std::make_unique<CleanupProcessGroup>(process->child.id());
    process_ = std::move(process);
    ++starts_;
}

nlohmann::json SessionProcess::request(const std::string& line) {
    const std::string request = line + "\n";
    if (process_ && !process_->child.running()) process_.reset();  // died since the last request
    const bool fresh = !process_;
    if (fresh) start();
    try {
        return exchange(request);
    } catch (const ToolchainError& e) {
        // A process that was dying as the request came (its main thread gone, not yet reaped)
        // takes it and closes: a new one gets it.
        if (fresh || e.kind() != ToolchainError::Kind::Killed) throw;
    }
    start();
    return exchange(request);
}

nlohmann::json SessionProcess::exchange(const std::string& request) {
    const Clock::time_point deadline = Clock::now() + timeout_;
    const auto fail = [&](ToolchainError::Kind kind, const std::string& detail) -> ToolchainError {
        if (process_->child.running()) ::kill(-process_->child.id(), SIGKILL);
        std::error_code ignored;
        process_->child.wait(ignored);
        const int code = process_->child.exit_code();
        process_.reset();
        return ToolchainError(step_, kind, code, "", detail);
    };

    for (std::size_t sent = 0; sent < request.size();) {
        pollfd p{process_->fd, POLLOUT, 0};
        if (::poll(&p, 1, milliseconds_until(deadline)) == 0) {
            if (Clock::now() >= deadline) throw fail(ToolchainError::Kind::TimedOut, "the prover session took no request");
            continue;
        }
        const ssize_t n = ::send(process_->fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail(ToolchainError::Kind::Killed, "the prover session ended before taking the request");
        sent += static_cast<std::size_t>(n);
    }

    std::string& buffered = process_->buffered;
    std::size_t end;
    while ((end = buffered.find('\n')) == std::string::npos) {
        pollfd p{process_->fd, POLLIN, 0};
        if (::poll(&p, 1, milliseconds_until(deadline)) == 0) {
            if (Clock::now() >= deadline)
                throw fail(ToolchainError::Kind::TimedOut,
                           "the prover session ran past the timeout: killed (the next proof starts another)");
            continue;
        }
        char chunk[65536];
        const ssize_t n = ::recv(process_->fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw fail(ToolchainError::Kind::Killed, "the prover session ended without answering");
        buffered.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string line = buffered.substr(0, end);
    buffered.erase(0, end + 1);

    nlohmann::json reply;
    try {
        reply = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
        throw ToolchainError(step_, ToolchainError::Kind::BadOutput, 0, line, std::string("not JSON: ") + e.what());
    }
    if (reply.contains("error")) {
        const std::string message = reply["error"].is_string() ? reply["error"].get<std::string>() : reply["error"].dump();
        throw ToolchainError(Step::ComputeWitness, ToolchainError::Kind::Failed, 1, message, message);
    }
    return reply;
}

}  // namespace zokml::detail
