#include "subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "zokml/core/cleanup.hpp"

namespace zokml::detail {

namespace bp = boost::process;

namespace {

// In the child, between fork and exec: every descriptor but stdin, stdout and stderr closes on
// exec. A child started by another thread at the same moment would otherwise inherit this one's
// pipe ends (or this one theirs): one holding another's stdin open keeps it waiting for the end of
// its input forever. Only system calls here: another thread may hold a lock at the fork.
void close_other_descriptors_on_exec() {
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    rlimit limit{};
    const rlim_t max = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY ? limit.rlim_cur : 65536;
    for (rlim_t fd = 3; fd < max; ++fd) {
        const int flags = ::fcntl(static_cast<int>(fd), F_GETFD);
        if (flags >= 0) ::fcntl(static_cast<int>(fd), F_SETFD, flags | FD_CLOEXEC);
    }
}

}  // namespace

void prepare_child(pid_t parent) {
    // Its own process group, so a timeout also kills what it started (which would otherwise keep
    // the output pipes open).
    ::setpgid(0, 0);
    // Killed with us, even by SIGKILL; and no signal blocked for cleanup by install_signal_cleanup
    // stays blocked in it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // we died before the line above
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction default_action {};  // SIGPIPE as a tool expects it (we ignore it: exec keeps that)
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &default_action, nullptr);
    close_other_descriptors_on_exec();
}

ProcessResult run_process(const std::filesystem::path& executable, const std::vector<std::string>& arguments,
                          const std::filesystem::path& working_dir, const std::string& stdin_data,
                          std::chrono::milliseconds timeout) {
    const pid_t parent = ::getpid();
    boost::asio::io_context io;
    // Asynchronous pipes on one io_context drain stdout and stderr while stdin is written, so
    // a tool that prints megabytes never blocks on a full pipe.
    std::future<std::string> out;
    std::future<std::string> err;
    bool exited = false;
    bp::child child(bp::exe = executable.string(), bp::args = arguments, bp::start_dir = working_dir.string(),
                    bp::std_in < boost::asio::buffer(stdin_data), bp::std_out > out, bp::std_err > err,
                    bp::on_exit([&](int, const std::error_code&) { exited = true; }), io,
                    bp::extend::on_exec_setup([parent](auto&) { prepare_child(parent); }));
    const CleanupProcessGroup registration(child.id());  // killed if a signal stops us

    ProcessResult result;
    io.run_for(timeout);
    if (!exited) {
        result.timed_out = true;
        ::kill(-child.id(), SIGKILL);
        io.restart();
        io.run();
    }
    child.wait();
    const int status = child.native_exit_code();
    if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
        result.exit_code = 128 + result.signal;
    } else {
        result.exit_code = WEXITSTATUS(status);
    }
    result.out = out.get();
    result.err = err.get();
    return result;
}

}  // namespace zokml::detail
