// SPDX-License-Identifier: GPL-2.0-or-later
// clone + execve with argv (no shell) for chat(8); pidfd for its exit.
#include "process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event_loop.hpp"

namespace mscb::helper {

std::vector<std::string> chatArgv(const std::string& chatPath, const std::string& scriptPath, long timeoutSeconds) {
    // -v -s -S: verbose log to stderr (our log pipe), nothing to syslog directly. No -T: the
    // number is in the 0600 script, not in an argv every local user can read.
    std::vector<std::string> argv{chatPath, "-v", "-s", "-S", "-t", std::to_string(timeoutSeconds)};
    argv.emplace_back("-f");
    argv.push_back(scriptPath);
    return argv;
}

namespace {

// What the child needs; it shares the parent's memory (CLONE_VM) and runs on its own stack
// while the parent is suspended (CLONE_VFORK), so it only makes raw system calls.
struct ChildSetup {
    char* const* argv;
    char* const* env;
    pid_t parent;
    int firstUnshared;  // fds >= this are not copied into the child's own table
    int lineSlot;  // stdin; and stdout unless outFromErr
    int errSlot;   // stderr
    bool outFromErr;
    bool dieWithParent;
    volatile int execErrno;  // set by the child when it cannot start the program
};

int childMain(void* arg) {
    auto* c = static_cast<ChildSetup*>(arg);
    // First give the child its own fd table: until then dup2 would change the helper's.
    // Only fds below firstUnshared (the helper's few start-up fds and the two slots) are copied.
    if (::syscall(SYS_close_range, static_cast<unsigned>(c->firstUnshared), ~0U, CLOSE_RANGE_UNSHARE) != 0) {
        c->execErrno = errno;
        ::_exit(127);
    }
    ::setsid();
    if (c->dieWithParent) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != c->parent) ::_exit(127);  // the helper died before prctl took effect
    }
    // Every other fd of the helper is O_CLOEXEC; dup2 clears the flag on the targets.
    if (::dup2(c->lineSlot, 0) < 0 || ::dup2(c->outFromErr ? c->errSlot : c->lineSlot, 1) < 0 ||
        ::dup2(c->errSlot, 2) < 0) {
        c->execErrno = errno;
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
    ::execve(c->argv[0], c->argv, c->env);
    c->execErrno = errno;
    ::_exit(127);
}

UniqueFd reserveSlot(int null) {
    // The lowest free fd >= 3 (0-2 are the child's stdio targets).
    return UniqueFd(::fcntl(null, F_DUPFD_CLOEXEC, 3));
}

}  // namespace

Result<Spawner> Spawner::create() {
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null) return Error{"open /dev/null: " + errnoText(errno)};
    UniqueFd line = reserveSlot(null.get());
    UniqueFd err = reserveSlot(null.get());
    if (!line || !err) return Error{"reserving spawn fds: " + errnoText(errno)};
    return Spawner(std::move(null), std::move(line), std::move(err));
}

Result<Spawned> Spawner::spawn(const std::vector<std::string>& argv, int lineFd, int stderrFd, Lifetime lifetime) {
    char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char* env[] = {path, nullptr};
    if (stderrFd < 0) stderrFd = null_.get();
    return start(argv, env, lineFd, lineFd, stderrFd, lifetime);
}

Result<Spawned> Spawner::spawnDetached(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                       int outputFd) {
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    return start(argv, envp.data(), null_.get(), outputFd, outputFd, Lifetime::WithHelper);
}

Result<Spawned> Spawner::start(const std::vector<std::string>& argv, char* const* env, int inFd, int outFd,
                               int errFd, Lifetime lifetime) {
    if (argv.empty() || argv.front().empty() || argv.front().front() != '/') {
        return Error{"program path must be absolute"};
    }
    if (outFd != inFd && outFd != errFd) return Error{"stdout must be stdin's or stderr's descriptor"};
    const bool outFromErr = outFd != inFd;
    const int lineFd = inFd;
    const int stderrFd = errFd;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    // Put the child's fds into the reserved slots (O_CLOEXEC: they must not leak into chat
    // except as its stdio), and /dev/null back once it has started, so that a slot never keeps
    // a line open.
    if (::dup3(lineFd, slotLine_.get(), O_CLOEXEC) < 0 || ::dup3(stderrFd, slotErr_.get(), O_CLOEXEC) < 0) {
        return Error{"dup3: " + errnoText(errno)};
    }
    struct PutBackNull {
        const Spawner& s;
        ~PutBackNull() {
            ::dup3(s.null_.get(), s.slotLine_.get(), O_CLOEXEC);
            ::dup3(s.null_.get(), s.slotErr_.get(), O_CLOEXEC);
        }
    } putBack{*this};

    ChildSetup setup{args.data(), env, ::getpid(),
                     std::max(slotLine_.get(), slotErr_.get()) + 1, slotLine_.get(), slotErr_.get(), outFromErr,
                     lifetime == Lifetime::WithHelper, 0};
    // The child's stack: it runs while this thread is suspended, so one buffer serves all.
    alignas(64) static char stack[64 * 1024];
    int pidfd = -1;
    // clone rather than posix_spawn: the child must die with the helper (PR_SET_PDEATHSIG),
    // or a chat of a killed helper would keep talking to the modem while the restarted helper
    // resumes the job on the same line. CLONE_PIDFD: the pidfd refers to this very child.
    const pid_t pid = ::clone(childMain, stack + sizeof stack, CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_PIDFD | SIGCHLD,
                              &setup, &pidfd);
    if (pid < 0) return Error{"clone: " + errnoText(errno)};
    UniqueFd ownedPidfd(pidfd);
    if (setup.execErrno != 0) {
        ::waitpid(pid, nullptr, 0);
        return Error{"exec " + argv.front() + ": " + errnoText(setup.execErrno)};
    }
    Spawned s;
    s.pid = pid;
    s.pidfd = std::move(ownedPidfd);
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
