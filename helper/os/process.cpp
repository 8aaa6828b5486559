// SPDX-License-Identifier: GPL-2.0-or-later
// fork + execve with argv (no shell) for chat(8); pidfd for its exit.
#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event_loop.hpp"

namespace mscb::helper {

std::vector<std::string> chatArgv(const std::string& chatPath, const std::string& scriptPath,
                                  const std::string& number, long timeoutSeconds) {
    // -v -s -S: verbose log to stderr (our log pipe), nothing to syslog directly.
    std::vector<std::string> argv{chatPath, "-v", "-s", "-S", "-t", std::to_string(timeoutSeconds)};
    if (!number.empty()) {
        argv.emplace_back("-T");
        argv.push_back(number);
    }
    argv.emplace_back("-f");
    argv.push_back(scriptPath);
    return argv;
}

Result<Spawned> spawnProcess(const std::vector<std::string>& argv, int lineFd, int stderrFd) {
    if (argv.empty() || argv.front().empty() || argv.front().front() != '/') {
        return Error{"program path must be absolute"};
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char* env[] = {path, nullptr};

    // vfork + execve rather than posix_spawn: the child must die with the helper
    // (PR_SET_PDEATHSIG), or a chat of a killed helper would keep talking to the modem while
    // the restarted helper resumes the job on the same line. A CLOEXEC pipe reports exec errors.
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return Error{"pipe2: " + errnoText(errno)};
    const pid_t parent = ::getpid();
    // vfork: the parent sleeps until the child execs (or fails), and no page tables are copied
    // (a fork per dial was the bulk of the per-dial cost at 1,000 jobs). The child only makes
    // system calls before execve.
    const pid_t pid = ::vfork();
    if (pid < 0) {
        const int e = errno;
        ::close(report[0]);
        ::close(report[1]);
        return Error{"fork: " + errnoText(e)};
    }
    if (pid == 0) {
        // Child: async-signal-safe calls only.
        ::setsid();
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the helper died before prctl took effect
        // Every other fd of the helper is O_CLOEXEC; dup2 clears the flag on the targets.
        if (::dup2(lineFd, 0) < 0 || ::dup2(lineFd, 1) < 0 || ::dup2(stderrFd, 2) < 0) {
            const int e = errno;
            (void)!::write(report[1], &e, sizeof e);
            ::_exit(127);
        }
        // The helper blocks signals for its signalfd: chat needs them back (SIGALRM drives its
        // timeouts, SIGTERM our watchdog).
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; ++sig) {
            if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(args.front(), args.data(), env);
        const int e = errno;
        (void)!::write(report[1], &e, sizeof e);
        ::_exit(127);
    }
    ::close(report[1]);
    int childErrno = 0;
    ssize_t got;
    do {
        got = ::read(report[0], &childErrno, sizeof childErrno);
    } while (got < 0 && errno == EINTR);
    ::close(report[0]);
    if (got == static_cast<ssize_t>(sizeof childErrno)) {
        ::waitpid(pid, nullptr, 0);
        return Error{"exec " + argv.front() + ": " + errnoText(childErrno)};
    }
    Spawned s;
    s.pid = pid;
    s.pidfd = pidfdOpen(pid);
    if (!s.pidfd) {
        const int e = errno;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        return Error{"pidfd_open: " + errnoText(e)};
    }
    return s;
}

std::optional<int> reapProcess(pid_t pid) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == 0) return std::nullopt;
    if (r < 0) return -SIGKILL;  // already reaped or not ours: report as killed
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return std::nullopt;
}

}  // namespace mscb::helper
