// SPDX-License-Identifier: GPL-2.0-or-later
// Event hooks, the pure part: which events the JobManager raises with which variables, the
// environment a hook gets, which files may run in which order, the bounded queue, the config.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "config.hpp"
#include "event_hooks.hpp"
#include "job_manager.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

// --- environment ---

TEST(HookEnvironment, CarriesTheEventAndNothingElse) {
    HookEvent e = requestedEvent("j1-abcd", CallbackJob{"alice", "/dev/ttyS0", "s1", 321, "5279651",
                                                        CallbackKind::User, 10},
                                 "line1");
    e.sequence = 7;
    e.unixTime = 1764828000;
    EXPECT_EQ(hookEnvironment(e),
              (std::vector<std::string>{"MSCB_EVENT=requested", "MSCB_SEQ=7", "MSCB_TIME=1764828000", "MSCB_JOB=j1-abcd",
                                        "MSCB_SESSION=s1", "MSCB_USER=alice", "MSCB_NUMBER=5279651",
                                        "MSCB_CALLBACK_KIND=user", "MSCB_LINE=/dev/ttyS0", "MSCB_MODEM=line1",
                                        "MSCB_DELAY=10", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}));
}

TEST(HookEnvironment, PassesValuesAsTheyAreButNeverAControlByte) {
    // A user name may hold shell metacharacters: they reach the hook as plain bytes (execve,
    // no shell). Control bytes cannot come from a checked name, and are replaced if they did.
    auto e = refusedEvent("s1", "a$(reboot) `x`;b", "/dev/ttyS0", {}, "policy", std::string("x\ny\x7f", 4));
    const auto env = hookEnvironment(e);
    EXPECT_NE(std::find(env.begin(), env.end(), "MSCB_USER=a$(reboot) `x`;b"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "MSCB_DETAIL=x?y?"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "MSCB_REASON=policy"), env.end());
    for (const auto& v : env) EXPECT_NE(v.rfind("MSCB_NUMBER=", 0), 0U) << "no number given: none set";
    const auto longDetail = hookEnvironment(refusedEvent("s", "u", "/dev/ttyS0", {}, "k", std::string(1000, 'x')));
    for (const auto& v : longDetail) EXPECT_LE(v.size(), 256U + 12U);
}

TEST(HookEnvironment, NamesEachEvent) {
    const CallbackJob job{"bob", "/dev/ttyS1", "s2", 9, "5551234", CallbackKind::Admin, 0};
    const auto d = hookEnvironment(diallingEvent("j2", job, "m1", 2, 3));
    EXPECT_EQ(d[0], "MSCB_EVENT=dialling");
    EXPECT_NE(std::find(d.begin(), d.end(), "MSCB_ATTEMPT=2"), d.end());
    EXPECT_NE(std::find(d.begin(), d.end(), "MSCB_ATTEMPTS=3"), d.end());
    const auto f = hookEnvironment(failedEvent("j2", job, "m1", "NO ANSWER on the last of 3 attempts", 3));
    EXPECT_EQ(f[0], "MSCB_EVENT=failed");
    EXPECT_NE(std::find(f.begin(), f.end(), "MSCB_REASON=NO ANSWER on the last of 3 attempts"), f.end());
    CallFacts call{"j2", "s2", "bob", "5551234", "/dev/ttyS1", "ppp1", "10.0.0.2/32", 100, 200};
    EXPECT_EQ(hookEnvironment(callUpEvent(call))[0], "MSCB_EVENT=call-up");
    const auto down = hookEnvironment(callDownEvent(call, "pppd 9 exited", 61500ms));
    EXPECT_EQ(down[0], "MSCB_EVENT=call-down");
    for (const char* want : {"MSCB_INTERFACE=ppp1", "MSCB_ADDRESS=10.0.0.2/32", "MSCB_DURATION_MS=61500",
                             "MSCB_RX_BYTES=100", "MSCB_TX_BYTES=200", "MSCB_REASON=pppd 9 exited"}) {
        EXPECT_NE(std::find(down.begin(), down.end(), want), down.end()) << want;
    }
}

// --- files ---

TEST(HookFiles, RunsWhatRunPartsWouldInLexicalOrder) {
    EXPECT_TRUE(isHookName("10-alert_box"));
    for (const char* bad : {"", "README.md", "hook~", "hook.dpkg-old", ".hidden", "a b", "x/y"}) {
        EXPECT_FALSE(isHookName(bad)) << bad;
    }
    const auto plan = planHooks({{"20-b", true, 0, 0755},
                                 {"10-a", true, 0, 0700},
                                 {"README", true, 0, 0644},        // not executable: skipped
                                 {"notes.txt", true, 0, 0755},     // not a hook name: skipped
                                 {"Z", true, 0, 0755},             // 'Z' < 'a' in the C locale
                                 {"30-disabled", true, 0, 0644}},  // run-parts: disabled
                                0);
    EXPECT_EQ(plan.run, (std::vector<std::string>{"10-a", "20-b", "Z"}));
    EXPECT_TRUE(plan.refused.empty());
}

TEST(HookFiles, RefusesWritableForeignAndNonRegularHooks) {
    const auto plan = planHooks({{"group", true, 0, 0775},
                                 {"world", true, 0, 0757},
                                 {"foreign", true, 1000, 0755},
                                 {"link", false, 0, 0777},
                                 {"ok", true, 0, 0755}},
                                0);
    EXPECT_EQ(plan.run, std::vector<std::string>{"ok"});
    EXPECT_EQ(plan.refused, (std::vector<std::string>{"foreign: owned by uid 1000, not 0",
                                                      "group: group- or world-writable",
                                                      "link: not a regular file (symlinks are not followed)",
                                                      "world: group- or world-writable"}));
}

TEST(HookFiles, TheDirectoryMustBeTheOwnersAlone) {
    EXPECT_TRUE(checkHookDirectory(true, 0, 0755, 0));
    EXPECT_EQ(checkHookDirectory(true, 0, 0775, 0).kind(), "writable");
    EXPECT_EQ(checkHookDirectory(true, 5, 0755, 0).kind(), "owner");
    EXPECT_EQ(checkHookDirectory(false, 0, 0755, 0).kind(), "not-directory");
}

// --- queue ---

TEST(HookQueueTest, KeepsOrderAndDropsTheOldestWhenFull) {
    HookQueue q(2);
    for (unsigned i = 1; i <= 5; ++i) {
        HookEvent e;
        e.attempt = i;
        q.push(e);
    }
    EXPECT_EQ(q.takeDropped(), 3U);
    EXPECT_EQ(q.takeDropped(), 0U) << "counted once";
    EXPECT_EQ(q.droppedTotal(), 3U);
    EXPECT_EQ(q.pop()->attempt, 4U);
    EXPECT_EQ(q.pop()->attempt, 5U);
    EXPECT_FALSE(q.pop());
}

// --- config ---

TEST(HookConfig, ReadsTheHookKeys) {
    const std::string modem = "[modem m]\ndevice = /dev/ttyS0\n";
    auto c = parseConfig("event-hooks = /etc/alerts.d\nevent-hook-timeout = 3\nevent-hook-queue = 5\n" + modem, "h");
    ASSERT_TRUE(c) << c.reason();
    EXPECT_EQ(c->hooks.directory, "/etc/alerts.d");
    EXPECT_EQ(c->hooks.timeout, 3000ms);
    EXPECT_EQ(c->hooks.queue, 5U);
    auto d = parseConfig(modem, "h");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->hooks.directory, "/etc/mscb/events.d");
    EXPECT_EQ(d->hooks.timeout, 10000ms);
    auto off = parseConfig("event-hooks = none\n" + modem, "h");
    ASSERT_TRUE(off);
    EXPECT_TRUE(off->hooks.directory.empty());
    EXPECT_EQ(parseConfig("event-hooks = etc/x\n" + modem, "h").reason(),
              "h:1: expected an absolute path of [A-Za-z0-9/_.-], without '..'");
    EXPECT_FALSE(parseConfig("event-hook-timeout = 0\n" + modem, "h"));
    EXPECT_FALSE(parseConfig("event-hook-queue = 0\n" + modem, "h"));
}

// --- the JobManager raises them ---

struct HookFake : HelperPorts {
    std::vector<HookEvent> hooks;
    std::vector<std::pair<ConnId, Message>> sent;
    std::map<std::string, TimePoint> timers;
    int ids = 0;

    void hookEvent(HookEvent e) override { hooks.push_back(std::move(e)); }
    void send(ConnId conn, const Message& m) override { sent.emplace_back(conn, m); }
    void closeConnection(ConnId) override {}
    Result<bool> adoptLine(const std::string&, const std::string&, int) override { return true; }
    void releaseLine(const std::string&) override {}
    DtrResult dropDtr(const std::string&) override { return DtrResult::Dropped; }
    void raiseDtr(const std::string&) override {}
    Result<bool> runChat(const std::string&, ScriptKind, const std::string&, const std::string&, Millis) override {
        return true;
    }
    void killChat(const std::string&) override {}
    void armTimer(const std::string& id, TimePoint at) override { timers[id] = at; }
    void disarmTimer(const std::string& id) override { timers.erase(id); }
    void journalWrite(const std::string&, const std::string&) override {}
    void journalRemove(const std::string&) override {}
    void watchPid(std::int32_t) override {}
    std::optional<ModemConfig> modemFor(const std::string& line) override {
        if (line != "/dev/ttyS0" && line != "/dev/ttyS1") return std::nullopt;
        ModemConfig m;
        m.name = line == "/dev/ttyS0" ? "m0" : "m1";
        m.device = line;
        return m;
    }
    std::string newJobId() override { return "j" + std::to_string(++ids); }
    void log(LogLevel, const std::string&, const std::string&) override {}

    std::vector<std::string> kinds() const {
        std::vector<std::string> out;
        for (const auto& h : hooks) out.emplace_back(toString(h.kind));
        return out;
    }
};

struct HookEvents : ::testing::Test {
    HookFake ports;
    HelperConfig cfg = [] {
        HelperConfig c;
        c.attempts = 2;
        c.backoff = 5000ms;
        return c;
    }();
    JobManager m{cfg, ports, "boot"};
    TimePoint now{100000ms};

    void fire(const std::string& id) {
        ASSERT_TRUE(ports.timers.count(id));
        now = ports.timers[id];
        m.onTimer(id, now);
    }
    std::string job(ConnId conn, const std::string& session, const std::string& number) {
        m.onMessage(conn, toMessage(AdmitRequest{"alice", "/dev/ttyS0", session, 321}), std::nullopt, now);
        m.onMessage(conn, toMessage(CallbackJob{"alice", "/dev/ttyS0", session, 321, number, CallbackKind::User, 5}),
                    std::nullopt, now);
        return std::string(ports.sent.back().second.get("job").value_or(""));
    }
    void toDialing(const std::string& id, ConnId connector, const std::string& session) {
        m.onMessage(connector, Message{"line", {{"session", session}}}, 9, now);
        fire(id);              // DTR hold
        m.onChatExit(id, 0, now);  // off-hook
        fire(id);              // reset lead
        m.onChatExit(id, 0, now);
        fire(id);              // deadline: dialling
    }
};

TEST_F(HookEvents, ACallbackFromRequestToCallDown) {
    const auto id = job(1, "s1", "5279651");
    toDialing(id, 2, "s1");
    m.onChatExit(id, 0, now);  // CONNECT
    EXPECT_EQ(ports.kinds(), (std::vector<std::string>{"requested", "dialling"}))
        << "call-up waits for the interface";
    m.onLink(link::Update{5, "ppp0", false, 0, 0, 321}, now);
    EXPECT_EQ(ports.hooks.size(), 2U) << "not up yet";
    m.onLink(link::Update{5, "ppp0", true, 10, 20, 321}, now);
    EXPECT_EQ(ports.hooks.size(), 2U) << "up, but IPCP has not given it its address yet";
    m.onLink(link::Address{5, "10.0.0.2/32", true}, now);
    m.onLink(link::Update{5, "ppp0", true, 30, 40, 321}, now);
    m.onLink(link::Removed{5}, now + 60s);
    m.onPidExit(321, now + 61s);
    ASSERT_EQ(ports.kinds(), (std::vector<std::string>{"requested", "dialling", "call-up", "call-down"}));
    const auto& req = ports.hooks[0];
    EXPECT_EQ(req.job, id);
    EXPECT_EQ(req.session, "s1");
    EXPECT_EQ(req.user, "alice");
    EXPECT_EQ(req.number, "5279651");
    EXPECT_EQ(req.line, "/dev/ttyS0");
    EXPECT_EQ(req.modem, "m0");
    EXPECT_EQ(req.delaySeconds, 5U);
    EXPECT_EQ(ports.hooks[1].attempt, 1U);
    EXPECT_EQ(ports.hooks[1].attempts, 2U);
    const auto& up = ports.hooks[2];
    EXPECT_EQ(up.interface, "ppp0");
    EXPECT_EQ(up.address, "10.0.0.2/32");
    EXPECT_EQ(up.job, id);
    const auto& down = ports.hooks[3];
    EXPECT_EQ(down.reason, "pppd 321 exited");
    EXPECT_EQ(down.duration, 61s);
    EXPECT_EQ(down.rxBytes, 30U);
    EXPECT_EQ(down.txBytes, 40U);
}

TEST_F(HookEvents, ANoAnswerDialsTwiceThenFails) {
    const auto id = job(1, "s1", "5279651");
    toDialing(id, 2, "s1");
    m.onChatExit(id, 3, now);  // NO ANSWER (chat's exit code for the 3rd abort string)
    fire(id);                  // backoff over: reset
    m.onChatExit(id, 0, now);
    if (ports.timers.count(id)) fire(id);
    m.onChatExit(id, 3, now);
    ASSERT_EQ(ports.kinds(), (std::vector<std::string>{"requested", "dialling", "dialling", "failed"}));
    EXPECT_EQ(ports.hooks[2].attempt, 2U);
    const auto& failed = ports.hooks[3];
    EXPECT_EQ(failed.job, id);
    EXPECT_EQ(failed.number, "5279651");
    EXPECT_EQ(failed.attempt, 2U);
    EXPECT_NE(failed.reason.find("last of 2 attempts"), std::string::npos) << failed.reason;
}

TEST_F(HookEvents, RefusalsFromTheHelperAndThePlugin) {
    // The plugin's firewall: the caller's raw number stays out of MSCB_NUMBER.
    m.onMessage(1, toMessage(AdmitRequest{"alice", "/dev/ttyS0", "s1", 321}), std::nullopt, now);
    m.onMessage(1, toMessage(RefusalReport{"s1", "deny-prefix", "number \"0049\": denied"}), std::nullopt, now);
    // An unknown line at admission.
    m.onMessage(2, toMessage(AdmitRequest{"bob", "/dev/ttyS7", "s2", 322}), std::nullopt, now);
    // The policy, decided in pppd before any admission.
    m.onMessage(3, toMessage(PluginNotice{"refused", "carol", "/dev/ttyS0", "policy", "no callback for carol"}),
                std::nullopt, now);
    ASSERT_EQ(ports.kinds(), (std::vector<std::string>{"refused", "refused", "refused"}));
    EXPECT_EQ(ports.hooks[0].reason, "deny-prefix");
    EXPECT_EQ(ports.hooks[0].user, "alice");
    EXPECT_EQ(ports.hooks[0].line, "/dev/ttyS0");
    EXPECT_EQ(ports.hooks[0].session, "s1");
    EXPECT_TRUE(ports.hooks[0].number.empty());
    EXPECT_EQ(ports.hooks[1].reason, "unknown-line");
    EXPECT_EQ(ports.hooks[1].user, "bob");
    EXPECT_EQ(ports.hooks[2].reason, "policy");
    EXPECT_EQ(ports.hooks[2].user, "carol");
    EXPECT_EQ(ports.hooks[2].detail, "no callback for carol");
    // A malformed notice is logged and raises nothing.
    m.onMessage(3, Message{"notice", {{"event", "rm -rf"}, {"line", "/dev/ttyS0"}, {"reason", "x"}}}, std::nullopt,
                now);
    EXPECT_EQ(ports.hooks.size(), 3U);
}

TEST_F(HookEvents, AHelperLimitRefusalCarriesTheCheckedNumber) {
    job(1, "s1", "5279651");
    ports.hooks.clear();
    m.onMessage(2, toMessage(AdmitRequest{"bob", "/dev/ttyS1", "s2", 400}), std::nullopt, now);
    m.onMessage(2, toMessage(NumberCheck{"s2", "5279651", CallbackKind::User}), std::nullopt, now);
    EXPECT_EQ(ports.sent.back().second.verb, "refused");
    ASSERT_EQ(ports.kinds(), std::vector<std::string>{"refused"});
    const auto& r = ports.hooks[0];
    EXPECT_EQ(r.reason, "pending") << r.detail;
    EXPECT_EQ(r.number, "5279651") << "checked by the firewall before the limits";
    EXPECT_EQ(r.user, "bob");
    EXPECT_EQ(r.line, "/dev/ttyS1");
    EXPECT_EQ(r.session, "s2");
}

TEST(PluginNoticeCodec, RoundTripsAndRejectsWhatItDoesNotKnow) {
    const PluginNotice n{"refused", "alice", "/dev/ttyS0", "policy", "why"};
    auto back = noticeFromMessage(toMessage(n));
    ASSERT_TRUE(back) << back.reason();
    EXPECT_EQ(back->user, "alice");
    EXPECT_EQ(back->detail, "why");
    auto noUser = noticeFromMessage(toMessage(PluginNotice{"refused", "", "/dev/ttyS0", "no-offer", ""}));
    ASSERT_TRUE(noUser) << noUser.reason();
    EXPECT_TRUE(noUser->user.empty());
    EXPECT_FALSE(noticeFromMessage(toMessage(PluginNotice{"dialling", "a", "/dev/ttyS0", "x", ""})));
    EXPECT_FALSE(noticeFromMessage(toMessage(PluginNotice{"refused", "a", "ttyS0", "x", ""})));
    EXPECT_FALSE(noticeFromMessage(toMessage(PluginNotice{"refused", "a", "/dev/ttyS0", "Bad Kind", ""})));
    EXPECT_FALSE(noticeFromMessage(Message{"notice", {{"event", "refused"}, {"line", "/dev/ttyS0"}}}));
}

}  // namespace
}  // namespace mscb::helper
