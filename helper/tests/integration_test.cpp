// SPDX-License-Identifier: GPL-2.0-or-later
// Host integration: the real mscb-helper, mscb-connect and /usr/sbin/chat on a pty "line",
// whose far end is a scripted Hayes responder in this test.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "mscb/helper_message.hpp"
#include "unix_socket.hpp"

namespace mscb::helper {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double msSince(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// The far end of the line: answers AT commands like a Hayes modem.
class HayesResponder {
public:
    struct Command {
        std::string text;
        Clock::time_point at;
    };
    explicit HayesResponder(int master, std::vector<std::string> dialResults)
        : master_(master), dialResults_(std::move(dialResults)), thread_([this] { loop(); }) {}
    ~HayesResponder() {
        stop_ = true;
        thread_.join();
    }
    std::vector<Command> commands() {
        std::lock_guard<std::mutex> lock(mutex_);
        return commands_;
    }
    std::optional<Clock::time_point> okTo(const std::string& command) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [c, t] : replied_) {
            if (c == command) return t;
        }
        return std::nullopt;
    }

private:
    void reply(const std::string& command, const std::string& text) {
        const std::string out = "\r\n" + text + "\r\n";
        [[maybe_unused]] auto n = ::write(master_, out.data(), out.size());
        std::lock_guard<std::mutex> lock(mutex_);
        replied_.emplace_back(command, Clock::now());
    }
    void loop() {
        std::string buffer;
        while (!stop_) {
            pollfd p{master_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char buf[256];
            const auto n = ::read(master_, buf, sizeof buf);
            if (n <= 0) {
                std::this_thread::sleep_for(20ms);  // slave closed for now (EIO)
                continue;
            }
            const auto now = Clock::now();
            buffer.append(buf, static_cast<std::size_t>(n));
            std::size_t cr;
            while ((cr = buffer.find('\r')) != std::string::npos) {
                std::string line = buffer.substr(0, cr);
                buffer.erase(0, cr + 1);
                while (!line.empty() && (line.front() == '\n' || line.front() == ' ')) line.erase(0, 1);
                // "+++" is the escape (no CR); in command mode a real modem ignores it.
                if (line.rfind("+++", 0) == 0) line.erase(0, 3);
                if (line.empty()) continue;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    commands_.push_back({line, now});
                }
                if (line.rfind("ATD", 0) == 0) {
                    recordChatCommandLines();  // chat is running: it sent this
                    std::this_thread::sleep_for(300ms);  // ringing
                    const std::string result = dial_ < dialResults_.size() ? dialResults_[dial_] : "NO CARRIER";
                    ++dial_;
                    reply(line, result);
                } else if (line.rfind("AT", 0) == 0) {
                    reply(line, "OK");
                } else {
                    reply(line, "ERROR");
                }
            }
        }
    }

    // What any local user sees of every running chat: /proc/PID/cmdline.
    void recordChatCommandLines() {
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            const auto name = entry.path().filename().string();
            if (name.find_first_not_of("0123456789") != std::string::npos) continue;
            std::ifstream comm(entry.path() / "comm");
            std::string command;
            if (!std::getline(comm, command) || command != "chat") continue;
            std::ifstream cmdline(entry.path() / "cmdline");
            std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
            std::replace(args.begin(), args.end(), '\0', ' ');
            std::lock_guard<std::mutex> lock(mutex_);
            chatCommandLines_.push_back(args);
        }
    }

public:
    std::vector<std::string> chatCommandLines() {
        std::lock_guard<std::mutex> lock(mutex_);
        return chatCommandLines_;
    }

private:
    std::vector<std::string> chatCommandLines_;
    int master_;
    std::vector<std::string> dialResults_;
    std::size_t dial_ = 0;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<Command> commands_;
    std::vector<std::pair<std::string, Clock::time_point>> replied_;
    std::thread thread_;
};

std::optional<int> waitExit(pid_t pid, std::chrono::milliseconds limit) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(20ms);
    }
    return std::nullopt;
}

pid_t spawn(const std::vector<std::string>& args, int in, int out, int err) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (in >= 0) ::dup2(in, 0);
        if (out >= 0) ::dup2(out, 1);
        if (err >= 0) ::dup2(err, 2);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class AHelperOnAPty : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root (the helper refuses to run otherwise)";
        if (::access("/usr/sbin/chat", X_OK) != 0) GTEST_SKIP() << "needs /usr/sbin/chat";
        char tmpl[] = "/tmp/mscb-it-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        ASSERT_GE(master_, 0);
        ASSERT_EQ(::grantpt(master_), 0);
        ASSERT_EQ(::unlockpt(master_), 0);
        slavePath_ = ::ptsname(master_);
        slave_ = ::open(slavePath_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        ASSERT_GE(slave_, 0);
        termios t{};
        ::tcgetattr(slave_, &t);
        ::cfmakeraw(&t);  // as pppd leaves the line
        ::tcsetattr(slave_, TCSANOW, &t);
        socket_ = dir_ + "/run/helper.sock";
    }
    void TearDown() override {
        if (helper_ > 0) {
            ::kill(helper_, SIGTERM);
            if (!waitExit(helper_, 5000ms)) {
                ::kill(helper_, SIGKILL);
                waitExit(helper_, 2000ms);
            }
        }
        responder_.reset();
        if (slave_ >= 0) ::close(slave_);
        if (master_ >= 0) ::close(master_);
        if (!dir_.empty()) {
            const std::string cmd = "rm -rf -- " + dir_;  // test clean-up only
            [[maybe_unused]] int rc = std::system(cmd.c_str());
        }
    }

    void startHelper(const std::string& extra = {}) {
        const std::string config = dir_ + "/helper.conf";
        std::ofstream(config) << "socket = " << socket_ << "\nrun-dir = " << dir_ << "/run\njournal-dir = " << dir_
                              << "/journal\nattempts = 3\nbackoff = 1\nbackoff-max = 2\nreset-lead = 1\n"
                              << extra << "[modem pty]\ndevice = " << slavePath_
                              << "\nhangup = dtr\ncommand-timeout = 3\nconnect-timeout = 10\n";
        ::chmod(config.c_str(), 0600);
        log_ = dir_ + "/helper.log";
        const int logFd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        helper_ = spawn({MSCB_HELPER_BIN, "--config", config, "--foreground", "--no-syslog", "--no-monitors"}, -1, -1,
                        logFd);
        ::close(logFd);
        for (int i = 0; i < 200 && ::access(socket_.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(10ms);
        ASSERT_EQ(::access(socket_.c_str(), F_OK), 0) << readFile(log_);
    }

    Message request(int fd, const Message& m) {
        auto wire = encodeMessage(m);
        EXPECT_TRUE(wire);
        EXPECT_TRUE(sendMessage(fd, *wire));
        pollfd p{fd, POLLIN, 0};
        EXPECT_EQ(::poll(&p, 1, 2000), 1);
        auto r = receiveMessage(fd, kMaxMessageBytes);
        EXPECT_TRUE(r) << (r ? "" : r.reason());
        if (!r) return Message{"none", {}};
        auto d = decodeMessage(r->bytes);
        return d ? *d : Message{"undecodable", {}};
    }

    // The plugin's part: admit + job on one connection. Returns the job id.
    std::string submitJob(UniqueFd& plugin, std::uint32_t delay, const std::string& session = "sess-1") {
        auto fd = connectSeqpacket(socket_);
        EXPECT_TRUE(fd) << (fd ? "" : fd.reason());
        if (!fd) return {};
        plugin = std::move(fd.value());
        auto ok = request(plugin.get(), toMessage(AdmitRequest{"alice", slavePath_, session, ::getpid()}));
        EXPECT_EQ(ok.verb, "ok") << ok.get("reason").value_or("");
        auto job = request(plugin.get(), toMessage(CallbackJob{"alice", slavePath_, session, ::getpid(), "5279651",
                                                               CallbackKind::User, delay}));
        EXPECT_EQ(job.verb, "ok") << job.get("reason").value_or("");
        return std::string(job.get("job").value_or(""));
    }

    pid_t startConnector(const std::string& session = "sess-1") {
        connectorStarted_ = Clock::now();  // the line is handed over just after: the delay starts
        connectorLog_ = dir_ + "/connect.log";
        const int logFd = ::open(connectorLog_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        const pid_t pid = spawn({MSCB_CONNECT_BIN, "--socket", socket_, "--timeout", "60", session}, slave_, slave_, logFd);
        ::close(logFd);
        return pid;
    }

    // A helper answering CONNECT, a job with a 30 s delay, its line handed over; returns once
    // the job sits in Delay (ATH1 answered, no chat running).
    std::string startJobInDelay(UniqueFd& plugin, pid_t& connector) {
        responder_ = std::make_unique<HayesResponder>(master_, std::vector<std::string>{"CONNECT"});
        startHelper();
        const auto id = submitJob(plugin, 30);
        connector = startConnector();
        for (int i = 0; i < 200 && !responder_->okTo("ATH1"); ++i) std::this_thread::sleep_for(50ms);
        std::this_thread::sleep_for(200ms);
        return id;
    }

    std::vector<std::string> commandTexts() {
        std::vector<std::string> out;
        for (const auto& c : responder_->commands()) out.push_back(c.text);
        return out;
    }

    // ATDT time minus (line hand-over + delay): >= 0 means not early. pppd closed the tty
    // (the first call's DTR drop) before it ran the connector, so the hand-over is when the
    // first call is down; the connector's start is a lower bound for it.
    double dialError(std::uint32_t delay, std::size_t dialIndex = 0) {
        std::size_t seen = 0;
        for (const auto& c : responder_->commands()) {
            if (c.text.rfind("ATD", 0) == 0 && seen++ == dialIndex) {
                return msSince(connectorStarted_ + std::chrono::seconds(delay), c.at);
            }
        }
        ADD_FAILURE() << "no ATD";
        return 1e9;
    }

    std::string dir_, slavePath_, socket_, log_, connectorLog_;
    Clock::time_point connectorStarted_{};
    int master_ = -1, slave_ = -1;
    pid_t helper_ = -1;
    std::unique_ptr<HayesResponder> responder_;
};

TEST_F(AHelperOnAPty, CallsBackAtTheDeadline) {
    responder_ = std::make_unique<HayesResponder>(master_, std::vector<std::string>{"CONNECT 33600"});
    startHelper();
    UniqueFd plugin;
    const std::uint32_t delay = 8;  // the +++ATH0 hang-up (~4 s) runs inside it, then ATH1
    const auto id = submitJob(plugin, delay);
    ASSERT_FALSE(id.empty());
    const pid_t connector = startConnector();
    const auto code = waitExit(connector, 40000ms);
    ASSERT_TRUE(code) << readFile(log_);
    EXPECT_EQ(*code, 0) << readFile(connectorLog_) << readFile(log_);

    // pty: TIOCMBIC gives ENOTTY, so the hang-up fell back to +++ATH0.
    EXPECT_EQ(commandTexts(), (std::vector<std::string>{"ATH0", "ATH1", "ATZ", "ATDT5279651"})) << readFile(log_);
    for (const auto& c : commandTexts()) {
        if (c.rfind("ATD", 0) != 0) {
            EXPECT_EQ(c.find("5279651"), std::string::npos) << c;
        }
    }
    // Review finding: the number was in chat's argv (-T), readable by any local user.
    const auto seen = responder_->chatCommandLines();
    ASSERT_FALSE(seen.empty()) << "no chat process seen while it dialled";
    for (const auto& args : seen) EXPECT_EQ(args.find("5279651"), std::string::npos) << args;
    const double error = dialError(delay);
    std::printf("[ dial deadline ] ATDT went out %.1f ms after (line hand-over + %u s)\n", error, delay);
    EXPECT_GE(error, 0.0);
    EXPECT_LT(error, 500.0);
    // Scripts are deleted after use; the journal entry is gone.
    EXPECT_EQ(readFile(log_).find("journal write failed"), std::string::npos);
    struct stat st{};
    ASSERT_EQ(::stat((dir_ + "/run/chat").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    const std::string leftovers = dir_ + "/run/chat";
    EXPECT_EQ(::rmdir(leftovers.c_str()), 0) << "scripts left behind";
    EXPECT_NE(::access((dir_ + "/journal/" + id).c_str(), F_OK), 0);
    EXPECT_NE(readFile(log_).find("job " + id + ": "), std::string::npos);
}

TEST_F(AHelperOnAPty, RetriesAfterBusy) {
    responder_ = std::make_unique<HayesResponder>(master_, std::vector<std::string>{"BUSY", "CONNECT 33600"});
    startHelper();
    UniqueFd plugin;
    const auto id = submitJob(plugin, 7);  // room for the ~4 s hang-up and the off-hook step
    ASSERT_FALSE(id.empty());
    const pid_t connector = startConnector();
    const auto code = waitExit(connector, 40000ms);
    ASSERT_TRUE(code) << readFile(log_);
    EXPECT_EQ(*code, 0) << readFile(log_);
    EXPECT_EQ(commandTexts(), (std::vector<std::string>{"ATH0", "ATH1", "ATZ", "ATDT5279651", "ATZ", "ATDT5279651"}))
        << readFile(log_);
    const auto cmds = responder_->commands();
    ASSERT_EQ(cmds.size(), 6u);
    const double gap = msSince(cmds[3].at, cmds[5].at);
    std::printf("[ retry ] second ATDT %.0f ms after the first (BUSY after 300 ms, backoff 1 s)\n", gap);
    EXPECT_GE(gap, 1290.0);  // 300 ms ringing + 1 s backoff, minus measurement jitter
}

TEST_F(AHelperOnAPty, FailsWhenEveryAttemptIsBusy) {
    responder_ = std::make_unique<HayesResponder>(master_, std::vector<std::string>{"BUSY", "BUSY", "BUSY"});
    startHelper();
    UniqueFd plugin;
    ASSERT_FALSE(submitJob(plugin, 0).empty());
    const pid_t connector = startConnector();
    const auto code = waitExit(connector, 40000ms);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 1);
    EXPECT_NE(readFile(connectorLog_).find("busy on the last of 3 attempts"), std::string::npos)
        << readFile(connectorLog_);
    std::size_t dials = 0;
    for (const auto& c : commandTexts()) dials += c.rfind("ATD", 0) == 0;
    EXPECT_EQ(dials, 3u);
}

TEST_F(AHelperOnAPty, MscbctlShowsTheJobAndCancelsIt) {
    UniqueFd plugin;
    pid_t connector = -1;
    const auto id = startJobInDelay(plugin, connector);
    const std::string out = dir_ + "/ctl.out";
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    pid_t ctl = spawn({MSCBCTL_BIN, "--socket", socket_, "--json", "status"}, -1, fd, fd);
    EXPECT_EQ(waitExit(ctl, 5000ms), 0);
    ::close(fd);
    const auto status = readFile(out);
    EXPECT_NE(status.find("\"job\":\"" + id + "\""), std::string::npos) << status;
    EXPECT_NE(status.find("\"deadline-in-ms\""), std::string::npos) << status;
    fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ctl = spawn({MSCBCTL_BIN, "--socket", socket_, "cancel", id}, -1, fd, fd);
    EXPECT_EQ(waitExit(ctl, 5000ms), 0);
    ::close(fd);
    EXPECT_EQ(waitExit(connector, 5000ms), 1);
    fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ctl = spawn({MSCBCTL_BIN, "--socket", socket_, "history"}, -1, fd, fd);
    EXPECT_EQ(waitExit(ctl, 5000ms), 0);
    ::close(fd);
    EXPECT_NE(readFile(out).find("cancelled"), std::string::npos) << readFile(out);
}

TEST_F(AHelperOnAPty, ResumesAJobAfterAHelperRestart) {
    responder_ = std::make_unique<HayesResponder>(master_, std::vector<std::string>{"CONNECT"});
    startHelper();
    UniqueFd plugin;
    const std::uint32_t delay = 8;
    const auto id = submitJob(plugin, delay);
    const pid_t connector = startConnector();
    // Wait until the hang-up is done and the job sits in its delay, then restart the helper.
    for (int i = 0; i < 100 && !responder_->okTo("ATH1"); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(responder_->okTo("ATH1")) << readFile(log_);
    ::kill(helper_, SIGTERM);
    ASSERT_EQ(waitExit(helper_, 5000ms), 0);
    ASSERT_EQ(::access((dir_ + "/journal/" + id).c_str(), F_OK), 0) << "journal kept on shutdown";
    const auto firstLog = readFile(log_);
    startHelper();
    const auto code = waitExit(connector, 40000ms);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, 0) << readFile(connectorLog_) << firstLog << readFile(log_);
    EXPECT_NE(readFile(log_).find("resumed from journal"), std::string::npos);
    // The resumed job kept the first deadline: no earlier than the first hand-over + delay.
    const double error = dialError(delay);
    std::printf("[ resume ] ATDT %.1f ms after the original deadline\n", error);
    EXPECT_GE(error, 0.0);
}

// The modem goes away during the delay (a USB modem unplugged: the kernel hangs its tty up).
// The job fails at once, not when the next chat meets the dead line at the reset time.
TEST_F(AHelperOnAPty, FailsAtOnceWhenTheLineHangsUpDuringTheDelay) {
    UniqueFd plugin;
    pid_t connector = -1;
    const auto id = startJobInDelay(plugin, connector);
    ASSERT_TRUE(responder_->okTo("ATH1")) << readFile(log_);
    const auto hungUp = Clock::now();
    ASSERT_EQ(::ioctl(slave_, TIOCVHANGUP), 0) << std::strerror(errno);
    const auto code = waitExit(connector, 5000ms);
    ASSERT_TRUE(code) << "the job still waits on a dead line\n" << readFile(log_);
    EXPECT_EQ(*code, 1);
    EXPECT_LT(msSince(hungUp, Clock::now()), 3000.0);
    EXPECT_NE(readFile(connectorLog_).find("modem removed"), std::string::npos) << readFile(connectorLog_);
    EXPECT_NE(readFile(log_).find("job " + id + ": job failed: modem removed"), std::string::npos) << readFile(log_);
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/journal/" + id)) << "journal left behind";
    for (const auto& c : responder_->commands()) EXPECT_LT(c.at, hungUp) << "a chat ran after the hang-up: " << c.text;
}

TEST_F(AHelperOnAPty, RefusesALineThatIsNotTheJobsTty) {
    responder_ = std::make_unique<HayesResponder>(master_, std::vector<std::string>{});
    startHelper();
    UniqueFd plugin;
    ASSERT_FALSE(submitJob(plugin, 5).empty());
    // Hand over a different terminal (another pty) for the job's session.
    const int other = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(other, 0);
    ::grantpt(other);
    ::unlockpt(other);
    const int otherSlave = ::open(::ptsname(other), O_RDWR | O_NOCTTY | O_CLOEXEC);
    auto fd = connectSeqpacket(socket_);
    ASSERT_TRUE(fd);
    auto wire = encodeMessage(Message{"line", {{"session", "sess-1"}}});
    ASSERT_TRUE(sendMessage(fd->get(), *wire, otherSlave));
    pollfd p{fd->get(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1);
    auto r = receiveMessage(fd->get(), kMaxMessageBytes);
    ASSERT_TRUE(r);
    auto m = decodeMessage(r->bytes);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->verb, "refused");
    EXPECT_NE(std::string(m->get("reason").value_or("")).find("not " + slavePath_), std::string::npos);
    ::close(otherSlave);
    ::close(other);
}

}  // namespace
}  // namespace mscb::helper
