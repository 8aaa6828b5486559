// SPDX-License-Identifier: GPL-2.0-or-later
// OS adapters: seqpacket socket (peer credentials, garbage, fd passing), the daemon's socket
// server, tty/DTR on a pty, safe files, the rtnetlink parser.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "helper_daemon.hpp"
#include "process.hpp"
#include "rtnl_monitor.hpp"
#include "mscb/trusted_file.hpp"
#include "secure_files.hpp"
#include "tty_line.hpp"
#include "unix_socket.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

struct TempDir {
    std::string path;
    TempDir() {
        char t[] = "/tmp/mscb-os-XXXXXX";
        path = ::mkdtemp(t);
    }
    ~TempDir() {
        const std::string cmd = "rm -rf -- " + path;
        [[maybe_unused]] int rc = std::system(cmd.c_str());
    }
};

TEST(ASeqpacketSocket, PassesOneFdWithAMessage) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    UniqueFd a(sv[0]), b(sv[1]);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd r(p[0]), w(p[1]);
    ASSERT_TRUE(sendMessage(a.get(), "mscb/1 line\nsession=s\n", r.get()));
    auto got = receiveMessage(b.get(), kMaxMessageBytes);
    ASSERT_TRUE(got) << got.reason();
    EXPECT_EQ(got->bytes, "mscb/1 line\nsession=s\n");
    ASSERT_TRUE(got->fd);
    EXPECT_TRUE(::fcntl(got->fd.get(), F_GETFD) & FD_CLOEXEC);
    ASSERT_EQ(::write(w.get(), "x", 1), 1);
    char c = 0;
    EXPECT_EQ(::read(got->fd.get(), &c, 1), 1);
    EXPECT_EQ(c, 'x');
}

TEST(ASeqpacketSocket, RejectsTwoFdsAndClosesThem) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    UniqueFd a(sv[0]), b(sv[1]);
    int fds[2] = {0, 1};
    std::string body = "mscb/1 line\n";
    iovec iov{body.data(), body.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(c), fds, sizeof fds);
    ASSERT_GT(::sendmsg(a.get(), &msg, 0), 0);
    auto got = receiveMessage(b.get(), kMaxMessageBytes);
    ASSERT_FALSE(got);
    EXPECT_NE(got.reason().find("2 fds"), std::string::npos);
}

TEST(ASeqpacketSocket, RejectsOversizeMessages) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    UniqueFd a(sv[0]), b(sv[1]);
    ASSERT_TRUE(sendMessage(a.get(), std::string(5000, 'x')));
    auto got = receiveMessage(b.get(), kMaxMessageBytes);
    ASSERT_FALSE(got);
    EXPECT_NE(got.reason().find("longer than"), std::string::npos);
}

TEST(ASeqpacketSocket, ReportsPeerCredentials) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    UniqueFd a(sv[0]), b(sv[1]);
    auto cred = peerCredentials(a.get());
    ASSERT_TRUE(cred);
    EXPECT_EQ(cred->uid, ::geteuid());
    EXPECT_EQ(cred->pid, ::getpid());
}

TEST(AListeningSocket, Is0600AndRefusesToReplaceANonSocket) {
    TempDir dir;
    const auto path = dir.path + "/s.sock";
    {
        auto fd = listenSeqpacket(path);
        struct stat st{};
        ASSERT_EQ(::lstat(path.c_str(), &st), 0);
        EXPECT_TRUE(S_ISSOCK(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0600u);
    }
    EXPECT_NO_THROW(listenSeqpacket(path));  // a stale socket is replaced
    const auto file = dir.path + "/plain";
    ASSERT_TRUE(writeNewFile(dir.path, "plain", "x"));
    EXPECT_THROW(listenSeqpacket(file), std::system_error);
}

// The daemon's socket server, in-process, with its loop driven by the test.
class ADaemonSocket : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the helper accepts uid 0 only";
        HelperConfig c;
        c.socketPath = dir_.path + "/run/helper.sock";
        c.runDir = dir_.path + "/run";
        c.journalDir = dir_.path + "/journal";
        ModemConfig m;
        m.name = "m";
        m.device = "/dev/null";  // a character device, not a tty: good enough to admit
        c.modems.push_back(m);
        DaemonOptions o;
        o.config = c;
        o.useUdev = false;
        o.useRtnl = false;
        daemon_ = std::make_unique<HelperDaemon>(o, logger_);
        daemon_->start();
        socket_ = c.socketPath;
    }
    void TearDown() override {
        daemon_.reset();
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        ::sigprocmask(SIG_UNBLOCK, &mask, nullptr);
    }
    // Sends raw bytes (and maybe an fd), pumps the daemon until an answer or EOF arrives.
    std::string exchange(int fd, const std::string& bytes, int passFd = -1) {
        EXPECT_TRUE(sendMessage(fd, bytes, passFd));
        return pumpReply(fd);
    }
    std::string pumpReply(int fd) {
        for (int i = 0; i < 200; ++i) {
            daemonLoopOnce();
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 0) == 1) {
                auto r = receiveMessage(fd, kMaxMessageBytes);
                return r ? r->bytes : "<" + (r.kind().empty() ? r.reason() : r.kind()) + ">";
            }
        }
        return "<nothing>";
    }
    void daemonLoopOnce();

    TempDir dir_;
    Logger logger_{"mscb-test", false, false};
    std::unique_ptr<HelperDaemon> daemon_;
    std::string socket_;
};

}  // namespace

// Friend-free access to the loop: the daemon exposes run() only, so tests drive it through a
// subclass hook. Kept here to avoid widening the daemon's interface for tests.
namespace {
void ADaemonSocket::daemonLoopOnce() {
    daemon_->pumpOnce(10);
}

TEST_F(ADaemonSocket, AcceptsRootAndAnswersAdmit) {
    auto fd = connectSeqpacket(socket_);
    ASSERT_TRUE(fd);
    const auto reply = exchange(fd->get(), *encodeMessage(toMessage(AdmitRequest{"alice", "/dev/null", "s1", 1})));
    EXPECT_EQ(reply, "mscb/1 ok\n");
}

TEST_F(ADaemonSocket, RejectsGarbageAndDropsTheConnection) {
    auto fd = connectSeqpacket(socket_);
    ASSERT_TRUE(fd);
    const auto reply = exchange(fd->get(), "GET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(reply, "mscb/1 refused\nreason=malformed message\n");
    EXPECT_EQ(pumpReply(fd->get()), "<closed>");
}

TEST_F(ADaemonSocket, RejectsDuplicateAndUnknownKeys) {
    auto fd = connectSeqpacket(socket_);
    ASSERT_TRUE(fd);
    EXPECT_EQ(exchange(fd->get(), "mscb/1 admit\nuser=a\nuser=b\n"), "mscb/1 refused\nreason=malformed message\n");
    auto fd2 = connectSeqpacket(socket_);
    ASSERT_TRUE(fd2);
    const auto r = exchange(fd2->get(), "mscb/1 admit\nuser=a\nline=/dev/null\nsession=s\npppd-pid=1\nx=1\n");
    EXPECT_EQ(r.rfind("mscb/1 refused\n", 0), 0u) << r;
}

TEST_F(ADaemonSocket, RefusesAnFdOnANonLineVerb) {
    auto fd = connectSeqpacket(socket_);
    ASSERT_TRUE(fd);
    const auto r = exchange(fd->get(), "mscb/1 status\n", 0);
    EXPECT_EQ(r, "mscb/1 refused\nreason=unexpected file descriptor\n");
}

TEST_F(ADaemonSocket, RefusesANonUid0PeerEvenWhenTheFileModeWouldAllowIt) {
    // Loosen the file system so only SO_PEERCRED stands in the way.
    ::chmod(dir_.path.c_str(), 0711);
    ::chmod((dir_.path + "/run").c_str(), 0751);
    ::chmod(socket_.c_str(), 0666);
    const pid_t child = ::fork();
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
        auto c = connectSeqpacket(socket_);
        if (!c) ::_exit(4);
        if (!sendMessage(c->get(), "mscb/1 status\n")) ::_exit(0);  // already closed: fine
        pollfd p{c->get(), POLLIN, 0};
        if (::poll(&p, 1, 3000) != 1) ::_exit(5);
        auto r = receiveMessage(c->get(), kMaxMessageBytes);
        ::_exit(!r && r.kind() != kReceiveAgain ? 0 : 6);  // closed without an answer
    }
    int status = 0;
    for (int i = 0; i < 400 && ::waitpid(child, &status, WNOHANG) == 0; ++i) daemonLoopOnce();
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ADaemonSocket, AnswersStatusWithEnd) {
    auto fd = connectSeqpacket(socket_);
    ASSERT_TRUE(fd);
    EXPECT_EQ(exchange(fd->get(), "mscb/1 status\n"), "mscb/1 end\ncount=0\n");
}

TEST(ATtyLine, DtrOnAPtyIsUnsupported) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(master, 0);
    ::grantpt(master);
    ::unlockpt(master);
    const std::string path = ::ptsname(master);
    UniqueFd slave(::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
    EXPECT_EQ(setDtr(slave.get(), false), DtrOutcome::Unsupported);
    EXPECT_TRUE(isSameTty(slave.get(), path));
    EXPECT_FALSE(isSameTty(slave.get(), "/dev/null"));
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    EXPECT_FALSE(isSameTty(null.get(), "/dev/null"));  // not a terminal
    ::close(master);
}

TEST(SecureFiles, CreateExclusivelyWithoutFollowingLinks) {
    TempDir dir;
    ASSERT_TRUE(writeNewFile(dir.path, "a", "x"));
    EXPECT_FALSE(writeNewFile(dir.path, "a", "y"));
    ASSERT_EQ(::symlink("/tmp/nowhere", (dir.path + "/l").c_str()), 0);
    EXPECT_FALSE(writeNewFile(dir.path, "l", "y"));
    EXPECT_FALSE(writeNewFile(dir.path, "../x", "y"));
    struct stat st{};
    ASSERT_EQ(::stat((dir.path + "/a").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_TRUE(writeFileAtomic(dir.path, "j", "1"));
    ASSERT_TRUE(writeFileAtomic(dir.path, "j", "2"));
    auto files = readDirectoryFiles(dir.path, 100);
    bool found = false;
    for (const auto& [n, t] : files) found |= n == "j" && t == "2";
    EXPECT_TRUE(found);
}

TEST(SecureFiles, RefuseSymlinkedOrLooseDirectories) {
    TempDir dir;
    EXPECT_TRUE(ensureDirectory(dir.path + "/run", 0750, ::geteuid()));
    ASSERT_EQ(::symlink(dir.path.c_str(), (dir.path + "/link").c_str()), 0);
    EXPECT_FALSE(ensureDirectory(dir.path + "/link", 0750, ::geteuid()));
    ASSERT_EQ(::chmod((dir.path + "/run").c_str(), 0777), 0);
    EXPECT_FALSE(ensureDirectory(dir.path + "/run", 0750, ::geteuid()));
    EXPECT_FALSE(ensureDirectory(dir.path + "/run", 0750, ::geteuid() + 1));
}

TEST(SecureFiles, TrustOnlyRootOwnedUnwritableConfigs) {
    TempDir dir;
    ASSERT_TRUE(writeNewFile(dir.path, "c", "x = 1\n"));
    EXPECT_TRUE(readTrustedFile(dir.path + "/c", ::geteuid(), 1000));
    ::chmod((dir.path + "/c").c_str(), 0620);
    EXPECT_FALSE(readTrustedFile(dir.path + "/c", ::geteuid(), 1000));
}

std::string fdTarget(int fd) {
    char buf[256];
    const auto n = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, sizeof buf - 1);
    return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

std::string readAll(int fd) {
    std::string out;
    char buf[512];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

TEST(AProcess, SpawnsWithArgvAndReportsTheExitCode) {
    auto spawner = Spawner::create();
    ASSERT_TRUE(spawner) << spawner.reason();
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd r(p[0]), w(p[1]);
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    // A shell metacharacter in an argument stays an argument: no shell is involved. The
    // "line" is the pipe here, so what echo prints on stdout comes back.
    auto s = spawner.value().spawn({"/bin/echo", "5279651;reboot"}, w.get(), null.get());
    ASSERT_TRUE(s) << s.reason();
    pollfd pf{s->pidfd.get(), POLLIN, 0};
    ASSERT_EQ(::poll(&pf, 1, 5000), 1);
    EXPECT_EQ(reapProcess(s->pid), 0);
    w.reset();
    EXPECT_EQ(readAll(r.get()), "5279651;reboot\n");
    EXPECT_FALSE(spawner.value().spawn({"echo"}, null.get(), null.get()));
}

TEST(AProcess, ReportsAProgramThatCannotBeExecutedWithoutLeavingAChild) {
    auto spawner = Spawner::create();
    ASSERT_TRUE(spawner) << spawner.reason();
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    auto s = spawner.value().spawn({"/nonexistent/chat"}, null.get(), null.get());
    ASSERT_FALSE(s);
    EXPECT_NE(s.reason().find("No such file"), std::string::npos) << s.reason();
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);  // reaped: no zombie left behind
}

TEST(AProcess, GivesTheChildOnlyItsStdioHoweverManyFdsTheHelperHolds) {
    auto spawner = Spawner::create();
    ASSERT_TRUE(spawner) << spawner.reason();
    // Many fds opened after the spawner, as a helper's per-job fds are.
    std::vector<UniqueFd> many;
    for (int i = 0; i < 500; ++i) many.emplace_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd r(p[0]), w(p[1]);
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    const std::string stdio[3] = {fdTarget(0), fdTarget(1), fdTarget(2)};
    auto s = spawner.value().spawn({"/bin/ls", "/proc/self/fd"}, w.get(), null.get());
    ASSERT_TRUE(s) << s.reason();
    pollfd pf{s->pidfd.get(), POLLIN, 0};
    ASSERT_EQ(::poll(&pf, 1, 5000), 1);
    EXPECT_EQ(reapProcess(s->pid), 0);
    w.reset();
    // 0 1 2, ls's own directory fd, and whatever the test runner passed down without
    // O_CLOEXEC (ctest does): a handful, never the 500.
    const auto listing = readAll(r.get());
    EXPECT_EQ(listing.rfind("0\n1\n2\n", 0), 0U) << listing;
    EXPECT_LT(std::count(listing.begin(), listing.end(), '\n'), 10) << listing;
    // The helper's own table is untouched: its stdio, every fd, and the slots hold /dev/null
    // again (a slot must never keep a line open).
    for (int fd = 0; fd < 3; ++fd) EXPECT_EQ(fdTarget(fd), stdio[fd]);
    for (const auto& fd : many) EXPECT_EQ(fdTarget(fd.get()), "/dev/null");
    EXPECT_EQ(fdTarget(spawner.value().highestSlot()), "/dev/null");
    EXPECT_LT(spawner.value().highestSlot(), many.front().get());
}

// Review finding: chat ran with -T NUMBER, so every local user could read the number in
// /proc/PID/cmdline for the whole dial. The argv never carries it now.
TEST(AProcess, BuildsTheChatArgvWithoutTheNumber) {
    EXPECT_EQ(chatArgv("/usr/sbin/chat", "/run/mscb/chat/x", 60),
              (std::vector<std::string>{"/usr/sbin/chat", "-v", "-s", "-S", "-t", "60", "-f", "/run/mscb/chat/x"}));
}

// Builds rtnetlink messages the way the kernel does.
std::vector<char> linkMessage(std::uint16_t type, int index, const char* name, unsigned flags) {
    std::vector<char> buf(1024);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = type;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_index = index;
    ifi->ifi_flags = flags;
    if (name) mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    rtnl_link_stats64 stats{};
    stats.rx_bytes = 111;
    stats.tx_bytes = 222;
    mnl_attr_put(nlh, IFLA_STATS64, sizeof stats, &stats);
    buf.resize(nlh->nlmsg_len);
    return buf;
}

TEST(AnRtnetlinkParser, ParsesLinksAndAddresses) {
    auto m = linkMessage(RTM_NEWLINK, 7, "ppp0", IFF_UP);
    std::vector<char> addr(256);
    nlmsghdr* nlh = mnl_nlmsg_put_header(addr.data());
    nlh->nlmsg_type = RTM_NEWADDR;
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = 32;
    ifa->ifa_index = 7;
    const unsigned char ip[4] = {10, 0, 0, 1};
    mnl_attr_put(nlh, IFA_LOCAL, 4, ip);
    addr.resize(nlh->nlmsg_len);
    m.insert(m.end(), addr.begin(), addr.end());
    auto del = linkMessage(RTM_DELLINK, 7, "ppp0", 0);
    m.insert(m.end(), del.begin(), del.end());
    const auto events = parseRtnetlink(m.data(), m.size());
    ASSERT_EQ(events.size(), 3u);
    const auto& u = std::get<link::Update>(events[0]);
    EXPECT_EQ(u.name, "ppp0");
    EXPECT_TRUE(u.up);
    EXPECT_EQ(u.rxBytes, 111u);
    EXPECT_EQ(u.txBytes, 222u);
    EXPECT_EQ(std::get<link::Address>(events[1]).address, "10.0.0.1/32");
    EXPECT_EQ(std::get<link::Removed>(events[2]).index, 7u);
}

TEST(AnRtnetlinkParser, SurvivesTruncatedAndHostileInput) {
    auto m = linkMessage(RTM_NEWLINK, 7, "ppp0", IFF_UP);
    for (std::size_t cut = 0; cut < m.size(); ++cut) {
        (void)parseRtnetlink(m.data(), cut);
    }
    auto noName = linkMessage(RTM_NEWLINK, 8, nullptr, 0);
    unsigned malformed = 0;
    EXPECT_TRUE(parseRtnetlink(noName.data(), noName.size(), &malformed).empty());
    EXPECT_EQ(malformed, 1u);
    // A header claiming more than there is.
    auto lie = m;
    reinterpret_cast<nlmsghdr*>(lie.data())->nlmsg_len = 4000;
    EXPECT_TRUE(parseRtnetlink(lie.data(), lie.size()).empty());
}

TEST(APppdPidFile, IsReadStrictly) {
    TempDir dir;
    ASSERT_TRUE(writeNewFile(dir.path, "ppp0.pid", "4321\n"));
    ASSERT_TRUE(writeNewFile(dir.path, "ppp1.pid", "43x\n"));
    EXPECT_EQ(readPppdPid(dir.path, "ppp0"), 4321);
    EXPECT_EQ(readPppdPid(dir.path, "ppp1"), 0);
    EXPECT_EQ(readPppdPid(dir.path, "../ppp0"), 0);
    EXPECT_EQ(readPppdPid(dir.path, "ppp9"), 0);
}

// A file standing in for journald's stream socket, and its JOURNAL_STREAM value.
std::string streamId(const struct stat& st, ino_t inodeDelta = 0) {
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + inodeDelta);
}

TEST(ALogger, RecognisesSystemdsJournalStreamByDeviceAndInode) {
    TempDir dir;
    UniqueFd fd(::open((dir.path + "/stream").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    struct stat st {};
    ASSERT_EQ(::fstat(fd.get(), &st), 0);
    const std::string good = streamId(st);
    EXPECT_TRUE(isJournalStream(good.c_str(), fd.get()));
    EXPECT_FALSE(isJournalStream(nullptr, fd.get()));
    EXPECT_FALSE(isJournalStream(streamId(st, 1).c_str(), fd.get()));
    EXPECT_FALSE(isJournalStream((good + "x").c_str(), fd.get()));
    EXPECT_FALSE(isJournalStream("", fd.get()));
    EXPECT_FALSE(isJournalStream("journal", fd.get()));
}

TEST(ALogger, PrefixesThePriorityOnlyWhenStderrIsTheJournal) {
    TempDir dir;
    const std::string path = dir.path + "/stderr";
    UniqueFd file(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    struct stat st {};
    ASSERT_EQ(::fstat(file.get(), &st), 0);
    std::fflush(stderr);
    UniqueFd saved(::fcntl(2, F_DUPFD_CLOEXEC, 3));
    ASSERT_EQ(::dup2(file.get(), 2), 2);
    const char* old = std::getenv("JOURNAL_STREAM");
    const std::string oldValue = old ? old : "";
    ::unsetenv("JOURNAL_STREAM");
    {
        Logger plain("mscb-test", false, true);
        EXPECT_FALSE(plain.stderrIsJournal());
        plain.log(LogLevel::Error, "j1", "no line");
    }
    ::setenv("JOURNAL_STREAM", streamId(st).c_str(), 1);
    {
        Logger journal("mscb-test", false, true);
        EXPECT_TRUE(journal.stderrIsJournal());
        journal.log(LogLevel::Error, "j1", "no line");
        journal.log(LogLevel::Info, {}, "started");
    }
    std::fflush(stderr);
    ::dup2(saved.get(), 2);
    if (old) ::setenv("JOURNAL_STREAM", oldValue.c_str(), 1);
    else ::unsetenv("JOURNAL_STREAM");
    std::ifstream in(path);
    const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(written, "mscb-helper: error: job j1: no line\n<3>error: job j1: no line\n<6>info: started\n");
}

}  // namespace
}  // namespace mscb::helper
