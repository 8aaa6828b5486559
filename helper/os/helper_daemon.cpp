// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's OS glue (see helper_daemon.hpp).
#include "helper_daemon.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <csignal>
#include <stdexcept>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/epoll.h>
#include <algorithm>
#include <sys/resource.h>
#include <unistd.h>

#include "process.hpp"
#include "secure_files.hpp"
#include "tty_line.hpp"
#include "unix_socket.hpp"

namespace mscb::helper {
namespace {

// Each job keeps its connector's connection (and the plugin's, briefly): room for both, plus
// mscbctl and a few being set up.
std::size_t maxConnections(unsigned maxJobs) {
    return 2 * static_cast<std::size_t>(maxJobs) + 16;
}
constexpr Millis kStatsInterval{15000};

bool isSafeName(const std::string& name) {
    return !name.empty() && name.front() != '.' && name.find('/') == std::string::npos && name.size() <= 64;
}

Spawner makeSpawner() {
    auto spawner = Spawner::create();
    if (!spawner) throw std::runtime_error("mscb-helper: " + spawner.reason());
    return std::move(spawner).value();
}

}  // namespace

std::string readBootId() {
    const int fd = ::open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "unknown";
    char buf[64];
    const auto n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return "unknown";
    std::string id(buf, static_cast<std::size_t>(n));
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
}

HelperDaemon::HelperDaemon(DaemonOptions options, Logger& logger)
    : options_(std::move(options)), logger_(logger), bootId_(readBootId()), spawner_(makeSpawner()) {
    scriptDir_ = options_.config.runDir + "/chat";
    hooks_ = std::make_unique<HookRunner>(
        loop_, spawner_, [this](LogLevel level, const std::string& text) { log(level, {}, text); },
        options_.config.hooks, options_.ownerUid);
    manager_ = std::make_unique<JobManager>(options_.config, *this, bootId_);
}

HelperDaemon::~HelperDaemon() {
    for (auto& [pid, run] : chats_) {
        ::kill(pid, SIGKILL);
        reapProcess(pid);
        ::unlink(run.scriptPath.c_str());
    }
}

void HelperDaemon::start() {
    const auto& c = options_.config;
    // About 3 fds a job (its line, the connector's connection, chat's log pipe): lift the soft
    // limit towards the hard one so max-jobs is not cut short by the default 1024.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        const rlim_t wanted = static_cast<rlim_t>(c.maxJobs) * 4 + 64;
        files.rlim_cur = std::min(files.rlim_max, std::max(files.rlim_cur, wanted));
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    for (const auto& [dir, mode] : {std::pair{c.runDir, 0750u}, std::pair{scriptDir_, 0700u}, std::pair{c.journalDir, 0700u}}) {
        auto ok = ensureDirectory(dir, static_cast<mode_t>(mode), options_.ownerUid);
        if (!ok) throw std::system_error(EPERM, std::generic_category(), ok.reason());
    }
    // Signals arrive through a signalfd; SIGPIPE is ignored (sends use MSG_NOSIGNAL anyway).
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    ::sigprocmask(SIG_BLOCK, &mask, nullptr);
    signals_.reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signals_) throwErrno("signalfd");
    loop_.add(signals_.get(), EPOLLIN, [this](std::uint32_t) { onSignal(); });

    listen_ = listenSeqpacket(c.socketPath);
    loop_.add(listen_.get(), EPOLLIN, [this](std::uint32_t) { onAccept(); });

    if (options_.useUdev) {
        try {
            udev_ = std::make_unique<UdevMonitor>(true);
            loop_.add(udev_->fd(), EPOLLIN, [this](std::uint32_t) { onUdev(); });
        } catch (const std::system_error& e) {
            log(LogLevel::Warning, {}, std::string("udev unavailable, modem removal not watched: ") + e.what());
            udev_.reset();
        }
    }
    if (options_.useRtnl) {
        try {
            rtnl_ = std::make_unique<RtnlMonitor>();
            loop_.add(rtnl_->fd(), EPOLLIN, [this](std::uint32_t) { onRtnl(); });
            loop_.add(statsTimer_.fd(), EPOLLIN, [this](std::uint32_t) {
                statsTimer_.acknowledge();
                rtnl_->requestLinkDump();
                statsTimer_.armAt(bootTimeNow() + kStatsInterval);
            });
            statsTimer_.armAt(bootTimeNow() + kStatsInterval);
        } catch (const std::system_error& e) {
            log(LogLevel::Warning, {}, std::string("rtnetlink unavailable, no link status: ") + e.what());
            rtnl_.reset();
        }
    }
    // Leftover scripts of a previous run are ours (0700 directory): remove them.
    for (const auto& [name, text] : readDirectoryFiles(scriptDir_, 0)) {
        if (isSafeName(name)) ::unlink((scriptDir_ + "/" + name).c_str());
    }
    manager_->resumeJournal(readDirectoryFiles(c.journalDir, kMaxMessageBytes), bootTimeNow());
    log(LogLevel::Info, {}, "listening on " + c.socketPath + " (" + std::to_string(c.modems.size()) +
                                " modem(s), max " + std::to_string(c.maxJobs) + " jobs)");
}

void HelperDaemon::run() {
    loop_.run();
    manager_->shutdown(bootTimeNow());
    log(LogLevel::Info, {}, "stopped");
}

void HelperDaemon::onSignal() {
    signalfd_siginfo info{};
    while (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGHUP) {
            log(LogLevel::Info, {}, "SIGHUP ignored (restart the helper to reload its config)");
            continue;
        }
        log(LogLevel::Info, {}, "signal " + std::to_string(info.ssi_signo) + ": stopping");
        loop_.stop();
    }
}

void HelperDaemon::onAccept() {
    for (;;) {
        UniqueFd fd = acceptConnection(listen_.get());
        if (!fd) return;
        const auto cred = peerCredentials(fd.get());
        if (!cred || cred->uid != options_.allowedPeerUid) {
            log(LogLevel::Warning, {}, "refused a connection from uid " +
                                           (cred ? std::to_string(cred->uid) : std::string("?")) + " pid " +
                                           (cred ? std::to_string(cred->pid) : std::string("?")));
            continue;
        }
        if (conns_.size() >= maxConnections(options_.config.maxJobs)) {
            log(LogLevel::Warning, {}, "connection limit reached: refused pid " + std::to_string(cred->pid));
            continue;
        }
        const ConnId id = nextConn_++;
        const int raw = fd.get();
        conns_[id] = Connection{std::move(fd), cred->pid};
        loop_.add(raw, EPOLLIN, [this, id](std::uint32_t) { onReadable(id); });
    }
}

void HelperDaemon::onReadable(ConnId conn) {
    const auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    auto received = receiveMessage(it->second.fd.get(), kMaxMessageBytes);
    if (!received) {
        if (received.kind() == kReceiveAgain) return;
        if (received.kind() != kReceiveClosed) {
            manager_->onGarbage(conn, received.reason() + " (pid " + std::to_string(it->second.peerPid) + ")");
        }
        dropConnection(conn);
        return;
    }
    auto message = decodeMessage(received->bytes);
    if (!message) {
        manager_->onGarbage(conn, message.reason() + " (pid " + std::to_string(it->second.peerPid) + ")");
        dropConnection(conn);
        return;
    }
    std::optional<int> fd;
    if (received->fd) fd = received->fd.get();
    manager_->onMessage(conn, *message, fd, bootTimeNow());
    // received->fd closes here; adoptLine kept a duplicate if it wanted the line.
}

void HelperDaemon::dropConnection(ConnId conn) {
    const auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    loop_.remove(it->second.fd.get());
    conns_.erase(it);
    manager_->onConnectionClosed(conn, bootTimeNow());
}

void HelperDaemon::send(ConnId conn, const Message& message) {
    const auto it = conns_.find(conn);
    if (it == conns_.end()) return;
    auto wire = encodeMessage(message);
    if (!wire) {
        log(LogLevel::Error, {}, "cannot encode '" + message.verb + "': " + wire.reason());
        return;
    }
    if (auto sent = sendMessage(it->second.fd.get(), *wire); !sent) {
        log(LogLevel::Warning, {}, "connection " + std::to_string(conn) + ": " + sent.reason());
    }
}

void HelperDaemon::closeConnection(ConnId conn) {
    dropConnection(conn);
}

Result<bool> HelperDaemon::adoptLine(const std::string& jobId, const std::string& line, int fd) {
    if (auto same = isSameTty(fd, line); !same) return same;
    UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!copy) return Error{"dup: " + errnoText(errno)};
    auto& io = jobs_[jobId];
    io.lineFlags = ::fcntl(copy.get(), F_GETFL);
    makeBlocking(copy.get());
    io.line = std::move(copy);
    io.linePath = line;
    watchLineHangup(jobId, io);
    return true;
}

void HelperDaemon::watchLineHangup(const std::string& jobId, JobIo& io) {
    // A hung-up tty (the modem unplugged, or its carrier lost without CLOCAL) never works
    // again, and udev may not be there to say so: watch the line for HUP/ERR only (epoll
    // reports those whatever the mask), never for data, which chat reads.
    try {
        loop_.add(io.line.get(), 0, [this, jobId](std::uint32_t) { onLineHangup(jobId); });
    } catch (const std::exception& e) {
        log(LogLevel::Warning, jobId, std::string("cannot watch the line for a hang-up: ") + e.what());
    }
}

Result<bool> HelperDaemon::openLine(const std::string& jobId, const ModemConfig& modem) {
    const std::string& device = modem.device;
    auto fd = openModemLine(device, modem.speed);
    if (!fd) return Error{fd.reason()};
    auto& io = jobs_[jobId];
    io.line = UniqueFd(*fd);
    io.lineFlags = -1;  // the helper's own open: nothing to restore
    io.linePath = device;
    watchLineHangup(jobId, io);
    log(LogLevel::Info, jobId, "pool modem " + device + " opened");
    return true;
}

Result<std::int32_t> HelperDaemon::startReturnPppd(const std::string& jobId, const std::vector<std::string>& argv) {
    auto& io = jobs_[jobId];
    if (!io.line) return Error{"no line"};
    // Detached: the return call goes on if the helper restarts. The helper reaps it (its child).
    auto spawned = spawner_.spawn(argv, io.line.get(), -1, Spawner::Lifetime::OutlivesHelper);
    if (!spawned) return Error{spawned.reason()};
    const pid_t pid = spawned->pid;
    watchExit(pid, std::move(spawned.value().pidfd), true);  // watchPid(pid) then finds it watched
    return static_cast<std::int32_t>(pid);
}

void HelperDaemon::onLineHangup(const std::string& jobId) {
    const auto it = jobs_.find(jobId);
    if (it == jobs_.end() || !it->second.line) return;
    loop_.remove(it->second.line.get());  // level-triggered: once is enough
    const std::string path = it->second.linePath;
    log(LogLevel::Warning, jobId, "line " + path + " hung up (modem gone or tty hung up): it cannot dial any more");
    manager_->onModemRemoved(path, bootTimeNow());
}

void HelperDaemon::releaseLine(const std::string& jobId) {
    killChat(jobId);
    const auto it = jobs_.find(jobId);
    if (it == jobs_.end()) return;
    if (it->second.timer) loop_.remove(it->second.timer->fd());
    if (it->second.line) loop_.remove(it->second.line.get());
    // The file description is shared with pppd: leave its flags as they were handed over.
    if (it->second.line && it->second.lineFlags >= 0) ::fcntl(it->second.line.get(), F_SETFL, it->second.lineFlags);
    jobs_.erase(it);
}

DtrResult HelperDaemon::dropDtr(const std::string& jobId) {
    auto& io = jobs_[jobId];
    if (!io.line) return DtrResult::Unsupported;
    const auto r = setDtr(io.line.get(), false);
    if (r == DtrOutcome::Failed) log(LogLevel::Warning, jobId, "TIOCMBIC: " + errnoText(errno));
    return r == DtrOutcome::Done ? DtrResult::Dropped : DtrResult::Unsupported;
}

void HelperDaemon::raiseDtr(const std::string& jobId) {
    auto& io = jobs_[jobId];
    if (io.line && setDtr(io.line.get(), true) == DtrOutcome::Failed) {
        log(LogLevel::Warning, jobId, "TIOCMBIS: " + errnoText(errno));
    }
}

Result<bool> HelperDaemon::runChat(const std::string& jobId, ScriptKind kind, const std::string& script,
                                   const std::string& number, Millis timeout) {
    auto& io = jobs_[jobId];
    if (!io.line) return Error{"no line"};
    if (io.chat > 0) return Error{"a chat is still running"};
    std::string text = script;
    if (kind == ScriptKind::Dial) {
        // Third check of the number, right before it is written into the dial script.
        auto checked = checkDialNumber(number, options_.config.rules, NumberSource::Operator);
        if (!checked || checked->canonical != number) return Error{"number failed the firewall"};
        auto filled = fillDialNumber(script, number);
        if (!filled) return Error{filled.reason()};
        text = std::move(filled).value();
    }
    const std::string name = jobId + "-" + toString(kind) + "-" + std::to_string(++scriptCounter_) + ".chat";
    if (auto written = writeNewFile(scriptDir_, name, text); !written) return written;
    const std::string path = scriptDir_ + "/" + name;
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC | O_NONBLOCK) < 0) {
        ::unlink(path.c_str());
        return Error{"pipe2: " + errnoText(errno)};
    }
    UniqueFd readEnd(pipeFds[0]), writeEnd(pipeFds[1]);
    // chat's SIGALRM handler sets O_NONBLOCK on the (shared) line and does not always clear
    // it again; the next chat would then fail its first read at once.
    makeBlocking(io.line.get());
    flushInput(io.line.get());
    const long seconds = static_cast<long>((timeout.count() + 999) / 1000);
    auto spawned = spawner_.spawn(chatArgv(options_.config.chatPath, path, seconds), io.line.get(), writeEnd.get());
    if (!spawned) {
        ::unlink(path.c_str());
        return Error{spawned.reason()};
    }
    const pid_t pid = spawned->pid;
    io.chat = pid;
    ChatRun run{jobId, std::move(spawned.value().pidfd), std::move(readEnd), path, {}};
    const int pidfd = run.pidfd.get();
    const int errFd = run.stderrPipe.get();
    chats_[pid] = std::move(run);
    loop_.add(pidfd, EPOLLIN, [this, pid](std::uint32_t) { onChatExit(pid); });
    loop_.add(errFd, EPOLLIN, [this, pid](std::uint32_t) { onChatStderr(pid, false); });
    log(LogLevel::Info, jobId, std::string("chat ") + toString(kind) + " started (pid " + std::to_string(pid) + ")");
    return true;
}

void HelperDaemon::onChatStderr(pid_t pid, bool final) {
    const auto it = chats_.find(pid);
    if (it == chats_.end()) return;
    auto& run = it->second;
    char buf[512];
    for (;;) {
        const auto n = ::read(run.stderrPipe.get(), buf, sizeof buf);
        if (n <= 0) {
            if (n == 0 && !final) loop_.remove(run.stderrPipe.get());
            break;
        }
        for (const auto& line : run.output.feed({buf, static_cast<std::size_t>(n)})) {
            log(LogLevel::Info, run.jobId, "chat: " + line.text);
        }
    }
    if (final) {
        if (auto rest = run.output.finish()) log(LogLevel::Info, run.jobId, "chat: " + rest->text);
    }
}

void HelperDaemon::onChatExit(pid_t pid) {
    const auto code = reapProcess(pid);
    if (!code) return;
    onChatStderr(pid, true);
    const auto it = chats_.find(pid);
    if (it == chats_.end()) return;
    const std::string jobId = it->second.jobId;
    loop_.remove(it->second.pidfd.get());
    loop_.remove(it->second.stderrPipe.get());
    ::unlink(it->second.scriptPath.c_str());
    chats_.erase(it);
    log(LogLevel::Info, jobId, "chat pid " + std::to_string(pid) + " exited with " + std::to_string(*code));
    const auto job = jobs_.find(jobId);
    if (job != jobs_.end() && job->second.chat == pid) {
        job->second.chat = -1;
        manager_->onChatExit(jobId, *code, bootTimeNow());
    }
}

void HelperDaemon::killChat(const std::string& jobId) {
    const auto it = jobs_.find(jobId);
    if (it == jobs_.end() || it->second.chat <= 0) return;
    // SIGTERM lets chat restore the tty settings; its exit is still reaped via the pidfd,
    // but no longer reported to the job.
    ::kill(it->second.chat, SIGTERM);
    it->second.chat = -1;
}

void HelperDaemon::armTimer(const std::string& jobId, TimePoint at) {
    auto& io = jobs_[jobId];
    if (!io.timer) {
        io.timer = std::make_unique<Timer>();
        Timer* timer = io.timer.get();
        loop_.add(timer->fd(), EPOLLIN, [this, jobId, timer](std::uint32_t) {
            timer->acknowledge();
            manager_->onTimer(jobId, bootTimeNow());
        });
    }
    io.timer->armAt(at);
}

void HelperDaemon::disarmTimer(const std::string& jobId) {
    const auto it = jobs_.find(jobId);
    if (it != jobs_.end() && it->second.timer) it->second.timer->disarm();
}

void HelperDaemon::journalWrite(const std::string& jobId, const std::string& text) {
    if (!isSafeName(jobId)) return;
    if (auto ok = writeFileAtomic(options_.config.journalDir, jobId, text); !ok) {
        log(LogLevel::Error, jobId, "journal write failed: " + ok.reason());
    }
}

Result<bool> HelperDaemon::journalUsable() {
    // A real write of a job-sized file: a full or read-only file system shows here.
    const std::string probe = ".probe-" + std::to_string(::getpid());
    auto ok = writeFileAtomic(options_.config.journalDir, probe, std::string(512, '#') + "\n");
    ::unlink((options_.config.journalDir + "/" + probe).c_str());
    return ok;
}

void HelperDaemon::journalRemove(const std::string& jobId) {
    if (!isSafeName(jobId)) return;
    ::unlink((options_.config.journalDir + "/" + jobId).c_str());
}

void HelperDaemon::watchPid(std::int32_t pid) {
    if (pid <= 0 || watched_.count(pid)) return;
    UniqueFd fd = pidfdOpen(pid);
    if (!fd) {
        log(LogLevel::Warning, {}, "pppd " + std::to_string(pid) + " not watchable: " + errnoText(errno));
        return;
    }
    watchExit(pid, std::move(fd), false);
}

void HelperDaemon::watchExit(pid_t pid, UniqueFd pidfd, bool ownChild) {
    const int raw = pidfd.get();
    watched_[pid] = std::move(pidfd);
    loop_.add(raw, EPOLLIN, [this, pid, raw, ownChild](std::uint32_t) {
        loop_.remove(raw);
        if (ownChild) {
            // A pppd the helper started (a pool modem's return call): reap it.
            const auto status = reapProcess(pid);
            log(LogLevel::Info, {}, "return call's pppd " + std::to_string(pid) + " exited (status " +
                                        (status ? std::to_string(*status) : std::string("?")) + ")");
        }
        watched_.erase(pid);
        manager_->onPidExit(pid, bootTimeNow());
    });
}

std::optional<ModemConfig> HelperDaemon::modemFor(const std::string& line) {
    std::optional<DeviceInfo> info;
    if (udev_) info = udev_->lookup(line);
    std::vector<std::string> warnings;
    auto modem = matchModem(options_.config.modems, line, info, &warnings);
    for (const auto& w : warnings) log(LogLevel::Warning, {}, line + ": " + w);
    return modem;
}

std::string HelperDaemon::newJobId() {
    unsigned char bytes[4] = {};
    if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
        const auto t = bootTimeNow().count();
        std::memcpy(bytes, &t, sizeof bytes);
    }
    char hex[9];
    std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
    return "j" + std::to_string(++jobCounter_) + "-" + hex;
}

void HelperDaemon::log(LogLevel level, const std::string& jobId, const std::string& text) {
    logger_.log(level, jobId, text);
}

void HelperDaemon::hookEvent(HookEvent event) {
    hooks_->post(std::move(event));
}

void HelperDaemon::onUdev() {
    auto event = udev_->receive();
    if (!event || event->action != "remove") return;
    std::vector<std::string> names{event->device.devnode};
    if (auto it = event->device.properties.find("DEVLINKS"); it != event->device.properties.end()) {
        std::size_t pos = 0;
        const auto& links = it->second;
        while (pos < links.size()) {
            auto space = links.find(' ', pos);
            if (space == std::string::npos) space = links.size();
            if (space > pos) names.push_back(links.substr(pos, space - pos));
            pos = space + 1;
        }
    }
    for (const auto& name : names) {
        if (name.empty()) continue;
        log(LogLevel::Info, {}, "udev: " + name + " removed");
        manager_->onModemRemoved(name, bootTimeNow());
    }
}

void HelperDaemon::onRtnl() {
    for (auto& event : rtnl_->receive()) {
        if (auto* u = std::get_if<link::Update>(&event); u && u->name.rfind("ppp", 0) == 0) {
            u->pppdPid = readPppdPid(options_.pppdPidDir, u->name);
        }
        manager_->onLink(event, bootTimeNow());
    }
}

}  // namespace mscb::helper
