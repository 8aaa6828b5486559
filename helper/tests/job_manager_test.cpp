// SPDX-License-Identifier: GPL-2.0-or-later
// The job manager against fake ports: the plugin/connector/mscbctl protocol end to end, in core.
#include <gtest/gtest.h>

#include "job_manager.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

struct FakePorts : HelperPorts {
    std::vector<std::pair<ConnId, Message>> sent;
    std::map<std::string, TimePoint> timers;
    std::vector<std::string> chats;  // "jobId kind number"
    std::vector<std::string> killed, released, logs;
    std::map<std::string, std::string> journal;
    std::vector<std::int32_t> watched;
    DtrResult dtr = DtrResult::Dropped;
    bool adoptOk = true;
    int ids = 0;

    void send(ConnId conn, const Message& m) override { sent.emplace_back(conn, m); }
    void closeConnection(ConnId) override {}
    Result<bool> adoptLine(const std::string&, const std::string&, int) override {
        if (!adoptOk) return Error{"the passed fd is not /dev/ttyS0"};
        return true;
    }
    void releaseLine(const std::string& id) override { released.push_back(id); }
    int dtrDrops = 0;
    DtrResult dropDtr(const std::string&) override {
        ++dtrDrops;
        return dtr;
    }
    void raiseDtr(const std::string&) override {}
    Result<bool> runChat(const std::string& id, ScriptKind kind, const std::string& script, const std::string& number,
                         Millis) override {
        EXPECT_EQ(script.find("5279651"), std::string::npos) << "number in script text";
        chats.push_back(id + " " + toString(kind) + " " + number);
        return true;
    }
    void killChat(const std::string& id) override { killed.push_back(id); }
    void armTimer(const std::string& id, TimePoint at) override { timers[id] = at; }
    void disarmTimer(const std::string& id) override { timers.erase(id); }
    void journalWrite(const std::string& id, const std::string& text) override { journal[id] = text; }
    void journalRemove(const std::string& id) override { journal.erase(id); }
    void watchPid(std::int32_t pid) override { watched.push_back(pid); }
    std::optional<ModemConfig> modemFor(const std::string& line) override {
        if (line != "/dev/ttyS0" && line != "/dev/ttyS1") return std::nullopt;
        ModemConfig m;
        m.name = line == "/dev/ttyS0" ? "m0" : "m1";
        m.device = line;
        return m;
    }
    std::string newJobId() override { return "j" + std::to_string(++ids) + "-abcd"; }
    std::vector<std::string> opened;                     // "jobId device"
    std::vector<std::string> unopenable;                 // devices whose open fails
    std::vector<std::vector<std::string>> pppds;         // argv of each return pppd
    bool pppdStarts = true;
    Result<bool> openLine(const std::string& id, const ModemConfig& modem) override {
        const std::string& device = modem.device;
        if (std::find(unopenable.begin(), unopenable.end(), device) != unopenable.end()) {
            return Error{"No such file or directory"};
        }
        opened.push_back(id + " " + device);
        return true;
    }
    Result<std::int32_t> startReturnPppd(const std::string&, const std::vector<std::string>& argv) override {
        if (!pppdStarts) return Error{"fork: out of memory"};
        pppds.push_back(argv);
        return 777;
    }
    void log(LogLevel, const std::string& id, const std::string& text) override { logs.push_back(id + ": " + text); }
    std::vector<std::string> eventLines() const {
        std::vector<std::string> out;
        for (const auto& line : logs) {
            if (line.rfind(": event=", 0) == 0) out.push_back(line.substr(2));
        }
        return out;
    }

    const Message& lastTo(ConnId conn) const {
        for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
            if (it->first == conn) return it->second;
        }
        static const Message none{"none", {}};
        return none;
    }
};

HelperConfig config() {
    HelperConfig c;
    c.maxJobs = 2;
    c.resetLead = 3000ms;
    c.backoff = 5000ms;
    return c;
}

Message admitMsg(const std::string& session = "s1", const std::string& user = "alice",
                 const std::string& line = "/dev/ttyS0") {
    return toMessage(AdmitRequest{user, line, session, 321});
}
Message jobMsg(const std::string& session = "s1", const std::string& user = "alice",
               const std::string& line = "/dev/ttyS0", const std::string& number = "5279651") {
    return toMessage(CallbackJob{user, line, session, 321, number, CallbackKind::User, 10});
}

struct AJobManager : ::testing::Test {
    FakePorts ports;
    std::unique_ptr<JobManager> m = std::make_unique<JobManager>(config(), ports, "boot-1");
    TimePoint now{100000ms};

    std::string admitAndJob(ConnId plugin = 1, const std::string& session = "s1") {
        m->onMessage(plugin, admitMsg(session), std::nullopt, now);
        EXPECT_EQ(ports.lastTo(plugin).verb, "ok");
        m->onMessage(plugin, jobMsg(session), std::nullopt, now);
        const auto& r = ports.lastTo(plugin);
        EXPECT_EQ(r.verb, "ok");
        return std::string(r.get("job").value_or(""));
    }
    void fire(const std::string& id) {
        ASSERT_TRUE(ports.timers.count(id));
        now = ports.timers[id];
        m->onTimer(id, now);
    }
};

TEST_F(AJobManager, RunsAWholeCallback) {
    const auto id = admitAndJob();
    EXPECT_EQ(id, "j1-abcd");
    EXPECT_EQ(m->jobState(id), DialerState::WaitLine);
    EXPECT_TRUE(ports.journal.count(id));

    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    EXPECT_EQ(ports.lastTo(2).verb, "ok");
    EXPECT_EQ(ports.lastTo(2).get("job"), id);
    EXPECT_EQ(m->jobState(id), DialerState::HangUp);
    fire(id);  // DTR hold
    EXPECT_EQ(m->jobState(id), DialerState::OffHook);
    m->onChatExit(id, 0, now);
    fire(id);  // reset lead
    m->onChatExit(id, 0, now);
    fire(id);  // deadline
    EXPECT_EQ(m->jobState(id), DialerState::Dialing);
    ASSERT_EQ(ports.chats.size(), 3u);
    EXPECT_EQ(ports.chats[0], id + " offhook ");
    EXPECT_EQ(ports.chats[1], id + " reset ");
    EXPECT_EQ(ports.chats[2], id + " dial 5279651");
    m->onChatExit(id, 0, now);
    EXPECT_EQ(ports.lastTo(2).verb, "connected");
    EXPECT_FALSE(m->jobState(id));
    EXPECT_FALSE(ports.journal.count(id));
    EXPECT_EQ(ports.watched, std::vector<std::int32_t>{321});
    ASSERT_EQ(m->history().size(), 1u);
    EXPECT_EQ(m->history().back().result, "connected");
    // Tests and log parsers read events, not sentences (doc/events.md).
    const auto events = ports.eventLines();
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(events[0], "event=admitted session=s1 user=alice line=/dev/ttyS0");
    EXPECT_EQ(events[1], "event=job-accepted job=j1-abcd session=s1 user=alice number=5279651 modem=m0 dial-line=/dev/ttyS0");
    EXPECT_EQ(events.back(), "event=job-state job=j1-abcd from=Dialing to=Connected");

    // The same pppd on its return call may not ask for another callback.
    m->onMessage(3, admitMsg("s2"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused");
    m->onPidExit(321, now + 60s);
    EXPECT_TRUE(m->history().back().callEnded);
    m->onMessage(4, admitMsg("s3"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(4).verb, "ok");
}

Message returnMsg(const std::string& session, TimePoint firstCallEnded) {
    return toMessage(ReturnBinding{session, firstCallEnded.count()});
}

std::optional<std::string> statusField(JobManager& m, FakePorts& ports, TimePoint now, const std::string& key) {
    const auto before = ports.sent.size();
    m.onMessage(99, Message{"status", {}}, std::nullopt, now);
    for (auto i = before; i < ports.sent.size(); ++i) {
        if (auto v = ports.sent[i].second.get(key)) return std::string(*v);
    }
    return std::nullopt;
}

// Review finding: on a persistent pppd (the README's main setup) the second callback was
// refused: the loop guard was keyed by pppd's pid and cleared only when pppd exited. It is keyed
// by the return call's session now and ends when the plugin closes that call's connection.
TEST_F(AJobManager, APersistentPppdTakesItsNextCallbackOnceTheReturnCallEnds) {
    const auto id = admitAndJob();
    m->onMessage(2, returnMsg("s1", TimePoint{0}), std::nullopt, now);  // pppd, before the connector
    EXPECT_EQ(ports.lastTo(2).verb, "none") << "no reply: the connector reads this connection";
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);      // the connector, inheriting it
    EXPECT_EQ(ports.lastTo(2).verb, "ok");
    fire(id);
    m->onChatExit(id, 0, now);
    fire(id);
    m->onChatExit(id, 0, now);
    fire(id);
    m->onChatExit(id, 0, now);
    ASSERT_EQ(ports.lastTo(2).verb, "connected");
    m->onMessage(3, admitMsg("s2"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused") << "same pppd, still on the return call";
    m->onConnectionClosed(3, now);
    now += 60s;
    m->onConnectionClosed(2, now);  // the return call ended; pppd 321 lives on (persist)
    EXPECT_TRUE(m->history().back().callEnded);
    EXPECT_EQ(statusField(*m, ports, now, "pppd-pid"), std::nullopt) << "no active call left";
    const auto next = admitAndJob(4, "s3");
    EXPECT_EQ(next, "j2-abcd");
}

// Review finding: the delay counted from the line hand-over, 0.3-0.9 s after the first call
// ended. pppd says when that was; the deadline counts from there.
TEST_F(AJobManager, TheDelayCountsFromTheFirstCallsEndAsPppdSawIt) {
    admitAndJob();
    const TimePoint ended = now + 200ms;
    now += 700ms;
    m->onMessage(2, returnMsg("s1", ended), std::nullopt, now);
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    EXPECT_EQ(statusField(*m, ports, now, "deadline-in-ms"), "9500");  // 10 s from `ended`
}

TEST_F(AJobManager, AFirstCallEndOutsideTheJobsLifeIsIgnored) {
    admitAndJob();
    m->onMessage(2, returnMsg("s1", now + 5s), std::nullopt, now);  // in the future
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    EXPECT_EQ(statusField(*m, ports, now, "deadline-in-ms"), "10000");
    m = std::make_unique<JobManager>(config(), ports, "boot-1");
    admitAndJob(3, "s2");
    m->onMessage(4, returnMsg("s2", now - 60s), std::nullopt, now);  // long before the job
    EXPECT_EQ(ports.lastTo(4).verb, "none");
    m->onMessage(4, Message{"line", {{"session", "s2"}}}, 9, now);
    EXPECT_EQ(statusField(*m, ports, now, "deadline-in-ms"), "10000");
}

TEST_F(AJobManager, ABoundConnectionCarriesOnlyItsSessionsLine) {
    admitAndJob();
    m->onMessage(2, returnMsg("nope", now), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(2).verb, "refused");
    m->onMessage(3, returnMsg("s1", now), std::nullopt, now);
    m->onMessage(3, returnMsg("s1", now), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused") << "'return' only first";
    m->onMessage(3, Message{"status", {}}, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused") << "no control verbs on a connector's connection";
    m->onMessage(3, Message{"line", {{"session", "s9"}}}, 9, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused");
    EXPECT_EQ(ports.lastTo(3).get("reason"), "connection is bound to another session");
}

// pppd gave up before its connector handed the line over (the connector failed): the job ends
// when the plugin closes the bound connection instead of waiting for the line.
TEST_F(AJobManager, ABoundConnectionClosedBeforeTheLineCancelsTheJob) {
    const auto id = admitAndJob();
    m->onMessage(2, returnMsg("s1", now), std::nullopt, now);
    m->onConnectionClosed(2, now);
    EXPECT_FALSE(m->jobState(id));
    EXPECT_EQ(m->history().back().result, "cancelled");
}

// One verb table: each verb reaches its own handler on a fresh connection (none falls through
// to another), unknown verbs and a descriptor on any verb but `line` are refused.
TEST_F(AJobManager, EveryVerbReachesItsOwnHandler) {
    const std::vector<std::pair<Message, std::string>> cases{
        {Message{"status", {{"x", "1"}}}, "'status' takes no fields"},
        {Message{"history", {{"x", "1"}}}, "'history' takes no fields"},
        {Message{"cancel", {}}, "'cancel' takes exactly job="},
        {Message{"job", {}}, "job without admit on this connection"},
        {Message{"number", {}}, "number check without admit on this connection"},
        {Message{"line", {}}, "'line' takes exactly session="},
        {Message{"return", {}}, "'return' lacks"},
        {Message{"bogus", {}}, "unknown verb"},
    };
    ConnId conn = 10;
    for (const auto& [message, reason] : cases) {
        m->onMessage(++conn, message, std::nullopt, now);
        const auto got = std::string(ports.lastTo(conn).get("reason").value_or(""));
        EXPECT_NE(got.find(reason), std::string::npos) << message.verb << ": " << got;
    }
    m->onMessage(++conn, Message{"status", {}}, 9, now);
    EXPECT_EQ(ports.lastTo(conn).get("reason"), "unexpected file descriptor");
}

TEST_F(AJobManager, ReportsAFailedCallbackToTheConnector) {
    const auto id = admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    fire(id);
    m->onChatExit(id, 4, now);  // offhook: ERROR
    EXPECT_EQ(ports.lastTo(2).verb, "failed");
    EXPECT_EQ(ports.lastTo(2).get("reason"), "offhook script: modem-error");
    EXPECT_EQ(m->history().back().result, "failed");
}

TEST_F(AJobManager, RefusesAJobWithoutAdmit) {
    m->onMessage(1, jobMsg(), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(1).verb, "refused");
}

TEST_F(AJobManager, RefusesAnUnconfiguredLine) {
    m->onMessage(1, admitMsg("s1", "alice", "/dev/ttyS7"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(1).verb, "refused");
    EXPECT_NE(ports.lastTo(1).get("reason")->find("not a configured"), std::string::npos);
}

TEST_F(AJobManager, RefusesAJobWhoseNumberFailsTheFirewall) {
    m->onMessage(1, admitMsg(), std::nullopt, now);
    m->onMessage(1, jobMsg("s1", "alice", "/dev/ttyS0", "112"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(1).verb, "refused");
    Message evil = jobMsg();
    for (auto& [k, v] : evil.fields) {
        if (k == "number") v = "5279651;ATS0=1";
    }
    m->onMessage(5, admitMsg("s5", "bob", "/dev/ttyS1"), std::nullopt, now);
    evil.fields[0].second = "bob";
    evil.fields[1].second = "/dev/ttyS1";
    evil.fields[2].second = "s5";
    m->onMessage(5, evil, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(5).verb, "refused");
    EXPECT_EQ(m->jobCount(), 0u);
}

TEST_F(AJobManager, ForgetsTheAdmissionWhenThePluginLeavesBeforeTheJob) {
    m->onMessage(1, admitMsg("s1"), std::nullopt, now);
    m->onMessage(2, admitMsg("s2", "bob", "/dev/ttyS1"), std::nullopt, now);
    m->onMessage(3, admitMsg("s3", "carol", "/dev/ttyS1"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused");  // limit 2
    m->onConnectionClosed(1, now);
    m->onMessage(4, admitMsg("s4", "carol", "/dev/ttyS0"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(4).verb, "ok");
}

TEST_F(AJobManager, RefusesALineForAnUnknownSessionOrWithoutFd) {
    admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "nope"}}}, 9, now);
    EXPECT_EQ(ports.lastTo(2).verb, "refused");
    m->onMessage(3, Message{"line", {{"session", "s1"}}}, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused");
}

TEST_F(AJobManager, RefusesAnFdThatIsNotTheJobsLine) {
    const auto id = admitAndJob();
    ports.adoptOk = false;
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    EXPECT_EQ(ports.lastTo(2).verb, "refused");
    EXPECT_EQ(m->jobState(id), DialerState::WaitLine);
}

TEST_F(AJobManager, RefusesVerbsOfAnotherRoleAndFdsOnOtherVerbs) {
    m->onMessage(1, admitMsg(), std::nullopt, now);
    m->onMessage(1, Message{"status", {}}, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(1).verb, "refused");
    m->onMessage(2, Message{"status", {}}, 5, now);
    EXPECT_EQ(ports.lastTo(2).verb, "refused");
    m->onMessage(3, Message{"reboot", {}}, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).get("reason"), "unknown verb");
    m->onGarbage(4, "bad magic");
    EXPECT_EQ(ports.lastTo(4).verb, "refused");
}

TEST_F(AJobManager, CancelsThroughMscbctl) {
    const auto id = admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    m->onMessage(7, Message{"cancel", {{"job", id}}}, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(7).verb, "ok");
    EXPECT_EQ(ports.lastTo(2).verb, "failed");
    EXPECT_EQ(m->history().back().result, "cancelled");
    m->onMessage(7, Message{"cancel", {{"job", id}}}, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(7).verb, "refused");
}

TEST_F(AJobManager, CancelsWhenTheConnectorGoes) {
    const auto id = admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    m->onConnectionClosed(2, now);
    EXPECT_FALSE(m->jobState(id));
    EXPECT_EQ(m->history().back().result, "cancelled");
}

TEST_F(AJobManager, FailsJobsOnARemovedModem) {
    const auto id = admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    m->onModemRemoved("/dev/ttyS1", now);
    EXPECT_TRUE(m->jobState(id));
    m->onModemRemoved("/dev/ttyS0", now);
    EXPECT_FALSE(m->jobState(id));
    EXPECT_EQ(ports.lastTo(2).get("reason"), "modem removed");
}

TEST_F(AJobManager, ReportsStatusAndHistory) {
    const auto id = admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    fire(id);
    m->onLink(link::Update{5, "ppp0", true, 10, 20, 999}, now);
    ports.sent.clear();
    m->onMessage(7, Message{"status", {}}, std::nullopt, now + 1000ms);
    ASSERT_EQ(ports.sent.size(), 3u);
    const auto& job = ports.sent[0].second;
    EXPECT_EQ(job.get("type"), "job");
    EXPECT_EQ(job.get("state"), "OffHook");
    EXPECT_EQ(job.get("deadline-in-ms"), "8500");  // 10 s from the hand-over, 1.5 s ago
    EXPECT_EQ(ports.sent[1].second.get("type"), "link");
    EXPECT_EQ(ports.sent[2].second.verb, "end");
    EXPECT_EQ(ports.sent[2].second.get("count"), "2");
    m->onMessage(7, Message{"history", {}}, std::nullopt, now);
    EXPECT_EQ(ports.lastTo(7).verb, "end");
    EXPECT_EQ(ports.lastTo(7).get("count"), "0");
}

TEST_F(AJobManager, ResumesAJournaledJobAndFailsExpiredOnes) {
    const auto id = admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    fire(id);
    const auto text = ports.journal.at(id);
    // A new helper on the same boot, a bit later.
    FakePorts ports2;
    JobManager m2(config(), ports2, "boot-1");
    m2.resumeJournal({{id, text}, {"j9-dead", "garbage"}}, now + 2000ms);
    EXPECT_EQ(m2.jobState(id), DialerState::WaitLine);
    EXPECT_FALSE(ports2.journal.count("j9-dead") && false);
    bool loggedGarbage = false;
    for (const auto& l : ports2.logs) loggedGarbage |= l.find("j9-dead") != std::string::npos;
    EXPECT_TRUE(loggedGarbage);
    // The connector offers the line again: the job keeps its old deadline.
    m2.onMessage(1, Message{"line", {{"session", "s1"}}}, 9, now + 2000ms);
    EXPECT_EQ(ports2.lastTo(1).verb, "ok");

    FakePorts ports3;
    JobManager m3(config(), ports3, "boot-1");
    m3.resumeJournal({{id, text}}, now + 200s);
    EXPECT_FALSE(m3.jobState(id));
    ASSERT_EQ(m3.history().size(), 1u);
    EXPECT_NE(m3.history().back().reason.find("expired"), std::string::npos);
}

TEST_F(AJobManager, ShutdownSuspendsAndKeepsTheJournal) {
    const auto id = admitAndJob();
    m->onMessage(2, Message{"line", {{"session", "s1"}}}, 9, now);
    m->shutdown(now);
    EXPECT_TRUE(ports.journal.count(id));
    m->onMessage(3, admitMsg("s9", "zed", "/dev/ttyS1"), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused");
}

}  // namespace
}  // namespace mscb::helper

namespace mscb::helper {
namespace {

TEST_F(AJobManager, ChecksANumberBeforeTheAckAgainstPendingJobs) {
    admitAndJob(1, "s1");
    m->onMessage(3, admitMsg("s2", "bob", "/dev/ttyS1"), std::nullopt, now);
    m->onMessage(3, toMessage(NumberCheck{"s2", "5279651", CallbackKind::User}), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "refused");
    EXPECT_NE(std::string(ports.lastTo(3).get("reason").value_or("")).find("pending callback"), std::string::npos);
    m->onMessage(3, toMessage(NumberCheck{"s2", "5550000", CallbackKind::User}), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(3).verb, "ok");
    EXPECT_EQ(m->refusals().at("pending"), 1U);
}

TEST_F(AJobManager, NumberCheckNeedsTheConnectionsAdmit) {
    m->onMessage(4, toMessage(NumberCheck{"zz", "5279651", CallbackKind::User}), std::nullopt, now);
    EXPECT_EQ(ports.lastTo(4).verb, "refused");
}

TEST_F(AJobManager, CountsThePluginsFirewallReportsAndShowsThemInStatus) {
    m->onMessage(1, admitMsg("s1"), std::nullopt, now);
    m->onMessage(1, toMessage(RefusalReport{"s1", "deny-prefix", "number \"0049\": denied prefix 00"}), std::nullopt,
                 now);
    m->onMessage(1, toMessage(RefusalReport{"other", "deny-prefix", "not ours"}), std::nullopt, now);
    EXPECT_EQ(m->refusals().at("deny-prefix"), 1U);
    ports.sent.clear();
    m->onMessage(7, Message{"status", {}}, std::nullopt, now);
    bool found = false;
    for (const auto& [conn, e] : ports.sent) {
        if (e.get("type") == "refusals" && e.get("kind") == "deny-prefix" && e.get("count") == "1") found = true;
    }
    EXPECT_TRUE(found);
}

HelperConfig poolConfig() {
    HelperConfig c = config();
    c.returnOptions = "/etc/ppp/options.mscb-return";
    ModemConfig line;
    line.name = "m0";
    line.device = "/dev/ttyS0";
    ModemConfig pool;
    pool.name = "out1";
    pool.device = "/dev/ttyS5";
    pool.pool = true;
    c.modems = {line, pool};
    return c;
}

struct APoolJob : AJobManager {
    APoolJob() { m = std::make_unique<JobManager>(poolConfig(), ports, "boot-1"); }

    // Another caller on the same answering line (each with its own user and number).
    std::string nextCaller(ConnId plugin, const std::string& session, const std::string& user,
                           const std::string& number) {
        m->onMessage(plugin, admitMsg(session, user), std::nullopt, now);
        EXPECT_EQ(ports.lastTo(plugin).verb, "ok") << ports.lastTo(plugin).get("reason").value_or("");
        m->onMessage(plugin, jobMsg(session, user, "/dev/ttyS0", number), std::nullopt, now);
        EXPECT_EQ(ports.lastTo(plugin).verb, "ok") << ports.lastTo(plugin).get("reason").value_or("");
        return std::string(ports.lastTo(plugin).get("job").value_or(""));
    }

    // The dialer's steps from the hang-up to CONNECT, all succeeding.
    void dialThrough(const std::string& id) {
        fire(id);  // DTR hold
        m->onChatExit(id, 0, now);
        fire(id);  // reset lead
        m->onChatExit(id, 0, now);
        fire(id);  // deadline
        ASSERT_EQ(m->jobState(id), DialerState::Dialing);
        m->onChatExit(id, 0, now);
    }
};

TEST_F(APoolJob, DialsFromAFreePoolModemAndFreesTheAnsweringLine) {
    const auto id = admitAndJob();
    EXPECT_EQ(ports.lastTo(1).get("dial-line"), "/dev/ttyS5");
    EXPECT_EQ(ports.opened, std::vector<std::string>{id + " /dev/ttyS5"});
    // No connector brings the line: the hang-up of the pool modem starts at once.
    EXPECT_EQ(m->jobState(id), DialerState::HangUp);
    EXPECT_NE(ports.journal.at(id).find("dial-line=/dev/ttyS5"), std::string::npos);
    dialThrough(id);
    ASSERT_EQ(ports.pppds.size(), 1u);
    EXPECT_EQ(ports.pppds[0], (std::vector<std::string>{"/usr/sbin/pppd", "file", "/etc/ppp/options.mscb-return",
                                                        "nodetach", "mscb-callback-leg", "mscb-expect-user",
                                                        "alice"}));
    EXPECT_EQ(ports.watched, std::vector<std::int32_t>{777});
    EXPECT_EQ(m->history().back().result, "connected");
    // The return call shows on the pool modem until its pppd exits.
    ports.sent.clear();
    m->onMessage(7, Message{"status", {}}, std::nullopt, now);
    ASSERT_FALSE(ports.sent.empty());
    EXPECT_EQ(ports.sent[0].second.get("type"), "call");
    EXPECT_EQ(ports.sent[0].second.get("line"), "/dev/ttyS5");
    EXPECT_EQ(ports.sent[0].second.get("pppd-pid"), "777");
}

TEST_F(APoolJob, ABusyPoolLeavesTheAnsweringLineToDial) {
    const auto first = admitAndJob(1, "s1");
    const auto second = nextCaller(2, "s2", "bob", "5551111");
    EXPECT_EQ(ports.lastTo(1).get("dial-line"), "/dev/ttyS5");
    EXPECT_FALSE(ports.lastTo(2).get("dial-line"));  // the pool modem is taken: its own line
    EXPECT_EQ(m->jobState(second), DialerState::WaitLine);
    EXPECT_EQ(ports.opened, std::vector<std::string>{first + " /dev/ttyS5"});
}

TEST_F(APoolJob, ThePoolModemIsFreeAgainWhenTheReturnCallsPppdExits) {
    const auto id = admitAndJob(1, "s1");
    dialThrough(id);
    const auto second = nextCaller(2, "s2", "bob", "5551111");
    EXPECT_FALSE(ports.lastTo(2).get("dial-line")) << "busy while its return call lasts";
    m->onMessage(9, Message{"cancel", {{"job", second}}}, std::nullopt, now);  // frees the answering line
    m->onPidExit(777, now);
    nextCaller(3, "s3", "carol", "5552222");
    EXPECT_EQ(ports.lastTo(3).get("dial-line"), "/dev/ttyS5");
}

TEST_F(APoolJob, APoolModemThatDoesNotOpenIsSkippedAndLogged) {
    ports.unopenable = {"/dev/ttyS5"};
    const auto id = admitAndJob();
    EXPECT_FALSE(ports.lastTo(1).get("dial-line"));
    EXPECT_EQ(m->jobState(id), DialerState::WaitLine);
    bool logged = false;
    for (const auto& l : ports.logs) logged |= l.find("pool modem out1 not usable: No such file") != std::string::npos;
    EXPECT_TRUE(logged);
}

TEST_F(APoolJob, FailsWhenItsPoolModemGoesNotItsAnsweringLine) {
    const auto id = admitAndJob();
    m->onModemRemoved("/dev/ttyS0", now);  // the answering line: not this job's modem any more
    EXPECT_EQ(m->jobState(id), DialerState::HangUp);
    m->onModemRemoved("/dev/ttyS5", now);
    EXPECT_FALSE(m->jobState(id));
    EXPECT_EQ(m->history().back().reason, "modem removed");
}

TEST_F(APoolJob, AReturnPppdThatCannotStartHangsTheCallUp) {
    ports.pppdStarts = false;
    const auto id = admitAndJob();
    dialThrough(id);
    // One DTR drop hangs the pool modem up before the delay, the second ends the connected call.
    EXPECT_EQ(ports.dtrDrops, 2);
    EXPECT_TRUE(ports.pppds.empty());
    bool logged = false;
    for (const auto& l : ports.logs) logged |= l.find("cannot start the return call's pppd") != std::string::npos;
    EXPECT_TRUE(logged);
    EXPECT_TRUE(ports.watched.empty());
}

TEST_F(APoolJob, ResumesFromItsJournalOnThePoolModem) {
    const auto id = admitAndJob();
    fire(id);  // DTR hold over: OffHook, journaled with the pool line
    const auto text = ports.journal.at(id);
    FakePorts ports2;
    JobManager m2(poolConfig(), ports2, "boot-1");
    m2.resumeJournal({{id, text}}, now + 1000ms);
    EXPECT_EQ(ports2.opened, std::vector<std::string>{id + " /dev/ttyS5"});
    EXPECT_EQ(m2.jobState(id), DialerState::HangUp);  // hangs the pool modem up again, keeps its deadline
}

HelperConfig callerIdConfig() {
    HelperConfig c = poolConfig();
    c.callerIds = {{"5279651", "alice"}};
    c.callerIdDelay = 15;
    return c;
}

struct ACallerIdRing : APoolJob {
    ACallerIdRing() { m = std::make_unique<JobManager>(callerIdConfig(), ports, "boot-1"); }
    const Message& ring(ConnId conn, const std::string& number, const std::string& line = "/dev/ttyS0") {
        m->onMessage(conn, toMessage(RingNotice{line, number}), std::nullopt, now);
        return ports.lastTo(conn);
    }
};

TEST_F(ACallerIdRing, AListedNumberIsNotAnsweredAndCalledBackFromThePool) {
    const auto& reply = ring(5, "527-9651");
    ASSERT_EQ(reply.verb, "ok") << reply.get("reason").value_or("");
    const std::string id(reply.get("job").value_or(""));
    EXPECT_EQ(reply.get("dial-line"), "/dev/ttyS5");
    EXPECT_EQ(m->jobState(id), DialerState::HangUp);  // the pool modem is made ready at once
    ASSERT_TRUE(ports.journal.count(id));
    dialThrough(id);
    EXPECT_EQ(ports.chats.back(), id + " dial 5279651");
    ASSERT_EQ(ports.pppds.size(), 1u);
    EXPECT_EQ(ports.pppds[0].back(), "alice");  // the return call must authenticate as alice
    bool event = false;
    for (const auto& l : ports.eventLines()) {
        event |= l.rfind("event=job-accepted job=" + id + " session=cid." + id + " user=alice number=5279651", 0) == 0;
    }
    EXPECT_TRUE(event);
}

TEST_F(ACallerIdRing, AnUnlistedOrHostileNumberIsAnsweredAsUsual) {
    EXPECT_EQ(ring(5, "5551111").verb, "refused");
    EXPECT_EQ(ring(6, "555;ATH").verb, "refused");
    EXPECT_EQ(ring(7, "P").verb, "refused");  // a withheld number
    EXPECT_TRUE(ports.opened.empty());
    EXPECT_EQ(m->jobCount(), 0u);
    const auto events = ports.eventLines();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0], "event=ring-answered line=/dev/ttyS0 number=5551111 kind=not-listed");
    EXPECT_EQ(events[1], "event=ring-answered line=/dev/ttyS0 number=555%3BATH kind=bad-number");
}

TEST_F(ACallerIdRing, KeepsTheLimitsOfAnyCallback) {
    ASSERT_EQ(ring(5, "5279651").verb, "ok");
    const auto& again = ring(6, "5279651");  // alice already has a pending callback
    EXPECT_EQ(again.verb, "refused");
    EXPECT_EQ(m->jobCount(), 1u);
}

TEST_F(ACallerIdRing, WithThePoolBusyTheCallIsAnswered) {
    ports.unopenable = {"/dev/ttyS5"};
    EXPECT_EQ(ring(5, "5279651").verb, "refused");
    EXPECT_EQ(m->jobCount(), 0u);
    // Nothing is left reserved: once the pool modem opens, the next ring is called back.
    ports.unopenable.clear();
    EXPECT_EQ(ring(6, "5279651").verb, "ok");
}

TEST_F(ACallerIdRing, IsAVerbOfItsOwnConnection) {
    m->onMessage(5, admitMsg(), std::nullopt, now);
    EXPECT_EQ(ring(5, "5279651").verb, "refused");  // a plugin connection cannot ring
    EXPECT_EQ(m->jobCount(), 0u);
}

}  // namespace
}  // namespace mscb::helper
