// SPDX-License-Identifier: GPL-2.0-or-later
// The helper's brain: protocol verbs in, dialer FSMs per job, actions out through HelperPorts.
//
// Pure like the rest of core/: every OS effect goes through HelperPorts, time is passed in.
#pragma once

#include "mscb/event_line.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admission.hpp"
#include "config.hpp"
#include "dialer.hpp"
#include "event_hooks.hpp"
#include "journal.hpp"
#include "link_table.hpp"
#include "mscb/helper_message.hpp"

namespace mscb::helper {

using ConnId = std::uint64_t;

enum class LogLevel { Debug, Info, Warning, Error };

/// Result of a DTR drop on a line.
enum class DtrResult { Dropped, Unsupported };

// Everything the manager asks of the outside world (the daemon's OS glue, or a test fake), one
// interface per concern; HelperPorts is all of them, so one object can still serve them all.

/// The helper's socket: replies and reports to plugins, connectors and mscbctl.
class ConnectionPorts {
public:
    virtual ~ConnectionPorts() = default;
    virtual void send(ConnId conn, const Message& message) = 0;
    virtual void closeConnection(ConnId conn) = 0;
};

/// The modem line a job holds, and chat on it.
class LinePorts {
public:
    virtual ~LinePorts() = default;
    /// Checks the fd (a tty, the same device as `line`) and keeps a duplicate for job `jobId`.
    virtual Result<bool> adoptLine(const std::string& jobId, const std::string& line, int fd) = 0;
    virtual void releaseLine(const std::string& jobId) = 0;
    virtual DtrResult dropDtr(const std::string& jobId) = 0;
    virtual void raiseDtr(const std::string& jobId) = 0;
    /// Writes `script`, runs chat on the job's line; `number` non-empty only for the dial script.
    virtual Result<bool> runChat(const std::string& jobId, ScriptKind kind, const std::string& script,
                                 const std::string& number, Millis timeout) = 0;
    virtual void killChat(const std::string& jobId) = 0;
    /// The configured modem on `line`, if it is one.
    virtual std::optional<ModemConfig> modemFor(const std::string& line) = 0;
    /// Opens pool modem `modem` (its device, at its speed) for job `jobId` (the helper's own
    /// line: no pppd holds it).
    virtual Result<bool> openLine(const std::string& jobId, const ModemConfig& modem) {
        (void)jobId;
        return Error{"cannot open " + modem.device + ": no pool lines here"};
    }
    /// Runs the return call's pppd (`argv`, argv[0] absolute) on job `jobId`'s line as its stdin;
    /// it outlives the helper. Returns its pid.
    virtual Result<std::int32_t> startReturnPppd(const std::string& jobId, const std::vector<std::string>& argv) {
        (void)jobId;
        (void)argv;
        return Error{"cannot start pppd here"};
    }
};

/// Time and processes: a timer per job, and pppd processes to watch.
class ClockPorts {
public:
    virtual ~ClockPorts() = default;
    virtual void armTimer(const std::string& jobId, TimePoint at) = 0;
    virtual void disarmTimer(const std::string& jobId) = 0;
    /// Report onPidExit(pid) when that process ends.
    virtual void watchPid(std::int32_t pid) = 0;
};

/// The job journal (a job survives a helper restart) and job identity.
class JournalPorts {
public:
    virtual ~JournalPorts() = default;
    virtual void journalWrite(const std::string& jobId, const std::string& text) = 0;
    virtual void journalRemove(const std::string& jobId) = 0;
    /// Can a job be journaled right now (disk full, read-only)? Asked before admitting one:
    /// a callback that a restart would lose is refused instead.
    virtual Result<bool> journalUsable() { return true; }
    virtual std::string newJobId() = 0;
};

/// The helper's log (sentences and event lines).
class LogPort {
public:
    virtual ~LogPort() = default;
    virtual void log(LogLevel level, const std::string& jobId, const std::string& text) = 0;
};

/// Events for operators' hooks (core/event_hooks.hpp): the daemon queues them for its runner.
class HookPort {
public:
    virtual ~HookPort() = default;
    virtual void hookEvent(HookEvent event) { (void)event; }
};

class HelperPorts : public ConnectionPorts,
                    public LinePorts,
                    public ClockPorts,
                    public JournalPorts,
                    public LogPort,
                    public HookPort {};

/// One finished job, for `history`.
struct HistoryEntry {
    std::string jobId, user, number, line, result, reason;
    unsigned attempts = 0;
    TimePoint created{0}, finished{0};
    std::optional<TimePoint> callEnded;  ///< when the return call's pppd went away
};

class JobManager {
public:
    JobManager(HelperConfig config, HelperPorts& ports, std::string bootId);
    ~JobManager();

    /// One decoded message from connection `conn`; `fd` is the SCM_RIGHTS fd, if any (borrowed).
    void onMessage(ConnId conn, const Message& message, std::optional<int> fd, TimePoint now);
    /// A message that did not decode: logged and answered with `refused`.
    void onGarbage(ConnId conn, const std::string& reason);
    void onConnectionClosed(ConnId conn, TimePoint now);
    void onTimer(const std::string& jobId, TimePoint now);
    void onChatExit(const std::string& jobId, int code, TimePoint now);
    void onPidExit(std::int32_t pid, TimePoint now);
    void onModemRemoved(const std::string& devnode, TimePoint now);
    void onLink(const LinkEvent& event, TimePoint now);
    /// Journal files found at start-up: resumed, or failed with a log line.
    void resumeJournal(const std::vector<std::pair<std::string, std::string>>& files, TimePoint now);
    /// Helper stopping: kills chats, releases lines, keeps the journal (jobs resume on restart).
    void shutdown(TimePoint now);

    [[nodiscard]] std::size_t jobCount() const { return jobs_.size(); }
    [[nodiscard]] const std::deque<HistoryEntry>& history() const { return history_; }
    [[nodiscard]] const std::map<std::string, unsigned>& refusals() const { return refusals_; }
    [[nodiscard]] std::optional<DialerState> jobState(const std::string& jobId) const;
    [[nodiscard]] const HelperConfig& config() const { return config_; }

private:
    struct Job;
    enum class ConnKind { Unknown, Plugin, Connector, Control, Getty };
    struct Conn {
        ConnKind kind = ConnKind::Unknown;
        std::string session;  ///< plugin: admitted session; connector: its job's session
        std::string user, line;  ///< plugin: as admitted (for hook events)
        std::string jobId;
        bool bound = false;   ///< connector: bound to `session` by the plugin's `return`
    };
    struct ActiveCall {
        std::string jobId, user, number, line;
        std::int32_t pppdPid = 0;
        TimePoint since{0};
        std::optional<ConnId> lifeline;  ///< the plugin's `return` connection: closed = call over
        CallFacts facts;                 ///< for the call-up/call-down hook events
        bool announced = false;          ///< call-up sent
    };

    void reply(ConnId conn, bool ok, const std::string& reason, const std::string& jobId = {});
    void onAdmit(ConnId conn, Conn& c, const Message& m, TimePoint now);
    void onJob(ConnId conn, Conn& c, const Message& m, TimePoint now);
    void onNumber(ConnId conn, Conn& c, const Message& m, TimePoint now);
    void onReport(Conn& c, const Message& m);
    /// A getty's caller-ID hook: a listed number is called back from a pool modem, unanswered.
    void onRing(ConnId conn, Conn& c, const Message& m, TimePoint now);
    /// A job that dials from pool modem `pool` (already opened): built, started, handed its line.
    Job& startPoolJob(const std::string& id, const CallbackJob& request, const ModemConfig& pool, TimePoint now);
    /// Once the job's reply is out: the dialer starts and has its line at once.
    void runPoolJob(Job& job, TimePoint now);
    // Event hooks (job_manager_hooks.cpp).
    /// A plugin's `notice` (a refusal decided in pppd): a `refused` hook event.
    void onNotice(Conn& c, const Message& m);
    /// After a link change (`gone`: the link that went away): the active calls' interface facts,
    /// and call-up once a call's interface is up with its address.
    void hookLink(const std::optional<LinkInfo>& gone);
    /// Debug line when a ppp link appears, goes up or down, changes pppd, or gets an address.
    void logLinkChange(const LinkEvent& event);
    /// Counts a refusal under its kind (Error::kind; "other" when it has none) for `mscbctl status`.
    void countRefusal(const std::string& kind);
    void onReturn(ConnId conn, Conn& c, const Message& m, TimePoint now);
    void onLine(ConnId conn, Conn& c, const Message& m, std::optional<int> fd, TimePoint now);
    void endReturnCall(const std::string& session, const std::string& why, TimePoint now);
    void onStatus(ConnId conn, TimePoint now);
    void onHistory(ConnId conn, TimePoint now);
    void onCancel(ConnId conn, const Message& m, TimePoint now);
    /// Devices a job or a return call holds: a pool modem in use is not chosen again.
    std::vector<std::string> busyDevices() const;
    /// A pool modem opened for `job`, or nullopt (none free, or it would not open: logged).
    std::optional<ModemConfig> takePoolModem(const std::string& jobId, const std::vector<std::string>& busy);
    /// The return call's pppd on a pool modem once it is connected; false if it could not start.
    bool startPoolReturnCall(Job& job, TimePoint now);
    /// The one place a job is built (a new job and one resumed from its journal).
    Job& makeJob(const std::string& id, const CallbackJob& request, const ModemConfig& modem, TimePoint created);
    /// The one loop that runs a dialer's actions, and the dialer's answers to the events they
    /// raise, until none is left; then finished jobs are reaped.
    void runActions(Job& job, const std::vector<DialerAction>& actions, TimePoint now);
    void dispatch(Job& job, DialerEvent event, TimePoint now);
    void execute(Job& job, const DialerAction& action, std::deque<DialerEvent>& queue, TimePoint now);
    void runChat(Job& job, const act::RunChat& run, std::deque<DialerEvent>& queue);
    void journal(Job& job);
    void finish(Job& job, TimePoint now);
    void reap();
    void addHistory(HistoryEntry entry);
    Job* findJob(const std::string& jobId);
    Job* findJobBySession(const std::string& session);
    void log(LogLevel level, const std::string& jobId, const std::string& text);
    /// A stable event line (doc/events.md): job-accepted, job-state.
    void event(const EventLine& line);

    HelperConfig config_;
    HelperPorts& ports_;
    std::string bootId_;
    Admission admission_;
    std::map<ConnId, Conn> conns_;
    std::map<std::string, std::unique_ptr<Job>> jobs_;
    std::map<std::string, ActiveCall> calls_;  ///< connected return calls, by session
    LinkTable links_;
    std::deque<HistoryEntry> history_;
    std::map<std::string, unsigned> refusals_;  ///< kind -> count, since the helper started
};

}  // namespace mscb::helper
