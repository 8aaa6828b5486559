// SPDX-License-Identifier: GPL-2.0-or-later
// The glue's life of a line, call after call, through the extern "C" seam pppd_glue.c uses:
// a recording host stands in for pppd and a small socket peer answers as the helper would
// (ok / refused, per verb), so authentication, CBCP, the hand-off and the return call are the
// bridge's real code. What only real pppd and the real helper can show is in the lab.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mscb/helper_message.hpp"
#include "glue_settings.hpp"
#include "mscb_host.h"

namespace {

// --- the recording host (pppd's side); plain functions, so state is global ---
struct Recorded {
    std::vector<std::vector<unsigned char>> sent;  // CBCP packets
    std::vector<std::string> closes;
    std::vector<std::string> connectorCommands;  // prepare + set
    int networksStarted = 0;
    int endAfterThisCall = 0;
    std::vector<std::string> logs;
    std::vector<std::string> remoteNumbers;  // set_remote_number: the number, "(restore)" for NULL

    bool logged(const std::string& part) const {
        for (const auto& line : logs) {
            if (line.find(part) != std::string::npos) return true;
        }
        return false;
    }
};
Recorded recorded;

void recordLog(int, const char* text) { recorded.logs.emplace_back(text); }
void recordPacket(const unsigned char* p, int len) { recorded.sent.emplace_back(p, p + len); }
void noTimer(long) {}
void nothing() {}
void recordNetworks() { ++recorded.networksStarted; }
void recordClose(const char* reason) { recorded.closes.emplace_back(reason); }
int recordPrepare(const char* command) {
    recorded.connectorCommands.emplace_back(command);
    return 0;
}
void recordSetCommand(const char* command) { recorded.connectorCommands.emplace_back(command); }
void recordEnd() { ++recorded.endAfterThisCall; }
void recordRemoteNumber(const char* number) { recorded.remoteNumbers.emplace_back(number ? number : "(restore)"); }

const mscb_host_ops kOps{.send_cbcp = recordPacket, .arm_timer = noTimer, .cancel_timer = nothing,
                         .start_networks = recordNetworks, .close_link = recordClose, .set_callback_status = nothing,
                         .prepare_return_call = recordPrepare, .set_connector_command = recordSetCommand,
                         .end_after_this_call = recordEnd, .log = recordLog,
                         .set_remote_number = recordRemoteNumber};

// --- a helper peer on a real SOCK_SEQPACKET socket: answers each verb as configured ---
class HelperPeer {
public:
    explicit HelperPeer(std::string path) : path_(std::move(path)) {
        listener_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path_.c_str());
        ::unlink(path_.c_str());
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 8) != 0) {
            ADD_FAILURE() << "cannot listen on " << path_;
        }
        thread_ = std::thread([this] { serve(); });
    }
    ~HelperPeer() {
        stop_ = true;
        thread_.join();
        for (int fd : conns_) ::close(fd);
        ::close(listener_);
        ::unlink(path_.c_str());
    }
    std::atomic<bool> refuseJobs{false};
    std::atomic<bool> poolLine{false};  ///< jobs are dialled from pool modem /dev/ttyS1
    std::vector<mscb::Message> received() {
        std::lock_guard lock(mutex_);
        return received_;
    }

private:
    void serve() {
        while (!stop_) {
            std::vector<pollfd> fds{{listener_, POLLIN, 0}};
            for (int fd : conns_) fds.push_back({fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
            if (fds[0].revents & POLLIN) conns_.push_back(::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC));
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (fds[i].revents & POLLIN) answer(fds[i].fd);
            }
        }
    }
    void answer(int fd) {
        char buffer[mscb::kMaxMessageBytes];
        const auto n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n <= 0) return;
        auto message = mscb::decodeMessage(std::string_view(buffer, static_cast<std::size_t>(n)));
        if (!message) return;
        {
            std::lock_guard lock(mutex_);
            received_.push_back(*message);
        }
        std::optional<mscb::HelperReply> reply;
        if (message->verb == "admit" || message->verb == "number") reply = mscb::HelperReply{true, {}, {}, {}};
        if (message->verb == "job") {
            reply = refuseJobs ? mscb::HelperReply{false, "journal not writable", {}, {}}
                               : mscb::HelperReply{true, {}, "j1", poolLine ? "/dev/ttyS1" : ""};
        }
        if (!reply) return;  // report, return: no answer
        const auto wire = mscb::encodeMessage(mscb::toMessage(*reply));
        ::send(fd, wire->data(), wire->size(), MSG_NOSIGNAL);
    }

    std::string path_;
    int listener_ = -1;
    std::vector<int> conns_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<mscb::Message> received_;
};

constexpr int kPppdPid = 4242;

struct ALine : ::testing::Test {
    std::string dir;
    std::unique_ptr<HelperPeer> helper;
    mscb_settings settings{};
    char err[320] = {};

    void SetUp() override {
        recorded = {};
        char pattern[] = "/tmp/mscb-glue-link-XXXXXX";
        dir = ::mkdtemp(pattern);
        helper = std::make_unique<HelperPeer>(dir + "/helper.sock");
        settings = pppdOptionDefaults();
        settings.default_policy = "user";
        settings.connector = "/usr/sbin/mscb-connect";
        socketPath = dir + "/helper.sock";
        settings.helper_socket = socketPath.c_str();
        ASSERT_EQ(mscb_core_configure(&kOps, &settings, err, sizeof err), 0) << err;
    }
    void TearDown() override {
        helper.reset();
        std::system(("rm -rf '" + dir + "'").c_str());
    }

    int authUp(const char* user, bool asked = true) { return mscb_core_auth_up(user, "/dev/ttyS0", asked, kPppdPid); }

    // The caller's Response to the last Request: callback to its own number (type 2), or none.
    void respond(bool callback) {
        ASSERT_FALSE(recorded.sent.empty());
        const unsigned char id = recorded.sent.back()[1];
        std::vector<unsigned char> response =
            callback ? std::vector<unsigned char>{0x02, id, 0x00, 0x10, 0x02, 0x0c, 0x0c, 0x01, '5', '5', '5', '1', '2', '3', '4', 0x00}
                     : std::vector<unsigned char>{0x02, id, 0x00, 0x06, 0x01, 0x02};
        mscb_core_input(response.data(), static_cast<int>(response.size()));
    }

    // A first call on which `user` agrees a callback; it ends and the return call starts.
    void firstCallWithCallback(const char* user) {
        mscb_core_link_started(0);
        ASSERT_EQ(authUp(user), MSCB_RUN_CBCP);
        mscb_core_open();
        respond(true);
        mscb_core_link_down();
        mscb_core_link_terminated();
    }

    std::string socketPath;
};

// Review finding: the return call's identity was checked once; a peer that renegotiated LCP
// and authenticated again as someone else was let in. Every authentication is checked now.
TEST_F(ALine, TheReturnCallIsCheckedOnEveryAuthentication) {
    firstCallWithCallback("alice");
    mscb_core_link_started(1);
    EXPECT_EQ(authUp("alice", false), MSCB_STOCK);
    mscb_core_link_down();  // LCP renegotiates; the call stays up
    EXPECT_EQ(authUp("mallory", false), MSCB_REFUSE);
    EXPECT_TRUE(recorded.logged("event=refused user=mallory kind=wrong-user"));
}

// Review finding: an EAP re-challenge (eap-interval) comes through auth-up again without any
// LCP renegotiation; it started a second CBCP exchange on a link whose CBCP was done.
TEST_F(ALine, AReChallengeAfterCbcpLeavesTheLinkAlone) {
    mscb_core_link_started(0);
    ASSERT_EQ(authUp("alice"), MSCB_RUN_CBCP);
    mscb_core_open();
    respond(false);  // no callback: networks start
    ASSERT_EQ(recorded.networksStarted, 1);
    const auto packets = recorded.sent.size();
    EXPECT_EQ(authUp("alice"), MSCB_STOCK);
    mscb_core_open();  // pppd would not call it for MSCB_STOCK; harmless if it did
    EXPECT_EQ(recorded.sent.size(), packets) << "a new CBCP Request went out";
    EXPECT_EQ(authUp("bob"), MSCB_REFUSE) << "another user on the same link";
    EXPECT_TRUE(recorded.logged("event=refused user=bob kind=changed-user"));
}

TEST_F(ALine, AReChallengeDuringTheExchangeLetsItGoOn) {
    mscb_core_link_started(0);
    ASSERT_EQ(authUp("alice"), MSCB_RUN_CBCP);
    mscb_core_open();
    const auto packets = recorded.sent.size();
    EXPECT_EQ(authUp("alice"), MSCB_RUN_CBCP);
    mscb_core_open();
    EXPECT_EQ(recorded.sent.size(), packets);
    respond(true);
    EXPECT_EQ(recorded.sent.back()[0], 3) << "the exchange ends with our Ack";
}

// Review finding: a hand-off the helper refused turned pppd's persist off for good, so a
// persistent line stopped answering. With a connector pppd goes on.
TEST_F(ALine, ALostHandOffDoesNotStopAPersistentLine) {
    helper->refuseJobs = true;
    firstCallWithCallback("alice");
    EXPECT_EQ(recorded.endAfterThisCall, 0);
    EXPECT_TRUE(recorded.connectorCommands.empty());
}

// A job dialled from a pool modem leaves this line to answer the next caller at once: pppd
// neither runs the connector nor exits.
TEST_F(ALine, AJobDialledFromThePoolFreesTheAnsweringLine) {
    helper->poolLine = true;
    firstCallWithCallback("alice");
    EXPECT_EQ(recorded.endAfterThisCall, 0);
    EXPECT_TRUE(recorded.connectorCommands.empty());
    EXPECT_TRUE(recorded.logged("event=handed job=j1 user=alice number=5551234"));
    EXPECT_TRUE(recorded.logged(" dial-line=/dev/ttyS1"));
}

TEST_F(ALine, WithoutAConnectorALostHandOffStillEndsPppd) {
    settings.connector = nullptr;
    ASSERT_EQ(mscb_core_configure(&kOps, &settings, err, sizeof err), 0) << err;
    helper->refuseJobs = true;
    firstCallWithCallback("alice");
    EXPECT_EQ(recorded.endAfterThisCall, 1);
}

// The return call's connection to the helper is opened by pppd (root), bound to the session
// with the first call's end, and handed to the connector as an inherited descriptor: under a
// getty's login the connector runs as the dial-in user, who cannot open the helper's socket.
TEST_F(ALine, TheConnectorInheritsABoundHelperConnection) {
    firstCallWithCallback("alice");
    mscb_core_link_started(1);
    ASSERT_EQ(recorded.connectorCommands.size(), 2U);
    const auto& command = recorded.connectorCommands[1];
    int fd = -1;
    char session[65] = {};
    ASSERT_EQ(std::sscanf(command.c_str(), "/usr/sbin/mscb-connect --fd %d %64s", &fd, session), 2) << command;
    EXPECT_EQ(recorded.connectorCommands[0], std::string("/usr/sbin/mscb-connect ") + session);
    const int flags = ::fcntl(fd, F_GETFD);
    ASSERT_GE(flags, 0);
    EXPECT_EQ(flags & FD_CLOEXEC, 0) << "the connector must inherit it";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto messages = helper->received();
    ASSERT_FALSE(messages.empty());
    auto binding = mscb::returnBindingFromMessage(messages.back());
    ASSERT_TRUE(binding) << binding.reason();
    EXPECT_EQ(binding->session, session);
    EXPECT_GT(binding->firstCallEndedMs, 0);
    ASSERT_EQ(authUp("alice", false), MSCB_STOCK);
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0) << "no longer inherited once the connector ran";
    mscb_core_link_down();
    mscb_core_link_terminated();
    EXPECT_EQ(::fcntl(fd, F_GETFD), -1) << "closed when the return call ends";
}

// The return call's remote number is the number dialled (radius.so's Calling-Station-Id,
// REMOTENUMBER), set before its authentication and put back when it ends, so that a persistent
// pppd's next caller does not inherit it.
TEST_F(ALine, TheReturnCallsRemoteNumberIsTheNumberDialled) {
    firstCallWithCallback("alice");
    EXPECT_TRUE(recorded.remoteNumbers.empty()) << "the first call's is pppd's own";
    mscb_core_link_started(1);
    EXPECT_EQ(recorded.remoteNumbers, std::vector<std::string>{"5551234"});
    ASSERT_EQ(authUp("alice", false), MSCB_STOCK);
    mscb_core_link_down();
    mscb_core_link_terminated();
    EXPECT_EQ(recorded.remoteNumbers, (std::vector<std::string>{"5551234", "(restore)"}));
    mscb_core_link_started(0);  // the next caller
    EXPECT_EQ(recorded.remoteNumbers.size(), 2U);
}

// A call the policy refuses is decided in pppd alone: the helper hears of it by a notice (for
// its event hooks), sent without waiting for an answer.
TEST_F(ALine, APolicyRefusalIsNoticedToTheHelper) {
    settings.default_policy = "none";
    ASSERT_EQ(mscb_core_configure(&kOps, &settings, err, sizeof err), 0) << err;
    mscb_core_link_started(0);
    ASSERT_EQ(authUp("bob", false), MSCB_STOCK) << "'none' lets the user in without callback";
    settings.default_policy = "preset 5551234 secure";
    ASSERT_EQ(mscb_core_configure(&kOps, &settings, err, sizeof err), 0) << err;
    mscb_core_link_started(0);
    ASSERT_EQ(authUp("carol", false), MSCB_REFUSE);
    std::optional<mscb::PluginNotice> notice;
    for (int i = 0; i < 50 && !notice; ++i) {
        for (const auto& m : helper->received()) {
            if (auto n = mscb::noticeFromMessage(m)) notice = *n;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(notice) << "no notice reached the helper";
    EXPECT_EQ(notice->event, "refused");
    EXPECT_EQ(notice->user, "carol");
    EXPECT_EQ(notice->line, "/dev/ttyS0");
    EXPECT_EQ(notice->reason, "policy");
    EXPECT_NE(notice->detail.find("did not ask for callback"), std::string::npos) << notice->detail;
}

}  // namespace
