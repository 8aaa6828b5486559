// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's OS glue: implements HelperPorts on the epoll loop (socket, chat, tty, timers,
// udev, rtnetlink, journal files) and feeds the JobManager.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

#include "chat_output.hpp"
#include "event_loop.hpp"
#include "hook_runner.hpp"
#include "job_manager.hpp"
#include "logger.hpp"
#include "process.hpp"
#include "rtnl_monitor.hpp"
#include "udev_monitor.hpp"

namespace mscb::helper {

struct DaemonOptions {
    HelperConfig config;
    uid_t allowedPeerUid = 0;  ///< SO_PEERCRED uid every connection must have
    uid_t ownerUid = 0;        ///< owner the run and journal directories must have
    bool useUdev = true;
    bool useRtnl = true;
    std::string pppdPidDir = "/run";  ///< where pppd writes <ifname>.pid
};

class HelperDaemon : public HelperPorts {
public:
    HelperDaemon(DaemonOptions options, Logger& logger);
    ~HelperDaemon() override;

    /// Checks directories, binds the socket, resumes the journal. Throws std::system_error.
    void start();
    /// Runs until SIGTERM/SIGINT (or stop()); then suspends jobs (journal kept).
    void run();
    /// One loop round of at most `timeoutMs` (tests drive the daemon in-process with this).
    void pumpOnce(int timeoutMs) { loop_.runOnce(timeoutMs); }

    // HelperPorts
    Result<bool> journalUsable() override;
    void send(ConnId conn, const Message& message) override;
    void closeConnection(ConnId conn) override;
    Result<bool> adoptLine(const std::string& jobId, const std::string& line, int fd) override;
    void releaseLine(const std::string& jobId) override;
    Result<bool> openLine(const std::string& jobId, const ModemConfig& modem) override;
    Result<std::int32_t> startReturnPppd(const std::string& jobId, const std::vector<std::string>& argv) override;
    DtrResult dropDtr(const std::string& jobId) override;
    void raiseDtr(const std::string& jobId) override;
    Result<bool> runChat(const std::string& jobId, ScriptKind kind, const std::string& script,
                         const std::string& number, Millis timeout) override;
    void killChat(const std::string& jobId) override;
    void armTimer(const std::string& jobId, TimePoint at) override;
    void disarmTimer(const std::string& jobId) override;
    void journalWrite(const std::string& jobId, const std::string& text) override;
    void journalRemove(const std::string& jobId) override;
    void watchPid(std::int32_t pid) override;
    std::optional<ModemConfig> modemFor(const std::string& line) override;
    std::string newJobId() override;
    void log(LogLevel level, const std::string& jobId, const std::string& text) override;
    void hookEvent(HookEvent event) override;

private:
    struct Connection {
        UniqueFd fd;
        pid_t peerPid = 0;
    };
    struct ChatRun {
        std::string jobId;
        UniqueFd pidfd;
        UniqueFd stderrPipe;
        std::string scriptPath;
        ChatOutput output;  ///< chat's stderr, cut into log lines
    };
    struct JobIo {
        UniqueFd line;
        int lineFlags = -1;  ///< F_GETFL at hand-over, restored on release
        std::string linePath;  ///< the device the job names (for onModemRemoved)
        std::unique_ptr<Timer> timer;
        pid_t chat = -1;
    };
    /// Reports onModemRemoved when the job's line hangs up (HUP/ERR, not data).
    void watchLineHangup(const std::string& jobId, JobIo& io);
    /// Reports onPidExit(pid) when `pidfd` becomes readable; `ownChild`: the helper's own child, reaped.
    void watchExit(pid_t pid, UniqueFd pidfd, bool ownChild);

    void onAccept();
    void onReadable(ConnId conn);
    void dropConnection(ConnId conn);
    void onChatStderr(pid_t pid, bool final);
    void onChatExit(pid_t pid);
    void onLineHangup(const std::string& jobId);
    void onSignal();
    void onUdev();
    void onRtnl();

    DaemonOptions options_;
    Logger& logger_;
    std::string bootId_;
    EventLoop loop_;
    UniqueFd listen_;
    UniqueFd signals_;
    std::unique_ptr<JobManager> manager_;
    std::unique_ptr<UdevMonitor> udev_;
    std::unique_ptr<RtnlMonitor> rtnl_;
    Timer statsTimer_;
    std::map<ConnId, Connection> conns_;
    std::map<std::string, JobIo> jobs_;
    std::map<pid_t, ChatRun> chats_;
    std::map<std::int32_t, UniqueFd> watched_;
    ConnId nextConn_ = 1;
    unsigned jobCounter_ = 0;
    unsigned scriptCounter_ = 0;
    Spawner spawner_;  ///< made first, while the fd table is small
    std::string scriptDir_;
    std::unique_ptr<HookRunner> hooks_;  ///< after spawner_ and loop_, which it uses
};

/// /proc/sys/kernel/random/boot_id without the newline ("unknown" if unreadable).
std::string readBootId();

}  // namespace mscb::helper
