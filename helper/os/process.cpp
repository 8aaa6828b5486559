// SPDX-License-Identifier: GPL-2.0-or-later
// posix_spawn + argv for chat(8); pidfd for its exit.
#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <spawn.h>
#include <sys/wait.h>

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

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // Every other fd of the helper is O_CLOEXEC; dup2 clears the flag on the targets.
    posix_spawn_file_actions_adddup2(&actions, lineFd, 0);
    posix_spawn_file_actions_adddup2(&actions, lineFd, 1);
    posix_spawn_file_actions_adddup2(&actions, stderrFd, 2);
    // The helper blocks signals for its signalfd: chat needs them back (SIGALRM drives its
    // timeouts, SIGTERM our watchdog).
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigfillset(&defaults);
    sigdelset(&defaults, SIGKILL);
    sigdelset(&defaults, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, args.front(), &actions, &attr, args.data(), env);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return Error{"posix_spawn " + argv.front() + ": " + errnoText(rc)};
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
