// SPDX-License-Identifier: GPL-2.0-or-later
// The per-job dialer state machine: events in, actions out, time passed in.
//
// Timing (the design that puts ATDT on the deadline):
//   hang-up done at T0 -> deadline D = T0 + delay
//   T0:            offhook script (ATH1/OK): the port stays busy during the delay
//   max(T0, D-L):  reset script (ATZ/OK [+ init/OK]), L = resetLead
//   D - K:         dial script, whose first send is ATD<prefix>\T; K = chat's typing time
//                  for that command (10 ms a character), so that its CR reaches the modem at D
// The dial script is started by a timer (or at once if the reset finished late), so the only
// latency left between D and the CR is the timer wake-up plus chat's start (a few ms on a host).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "chat_script.hpp"
#include "time.hpp"

namespace mscb::helper {

enum class DialerState {
    WaitLine,   ///< job accepted, waiting for the line's fd (connector or lock take-over)
    HangUp,     ///< making sure the first call is down (DTR drop or +++ATH0)
    OffHook,    ///< offhook script running
    Delay,      ///< off-hook, waiting for the reset time
    Reset,      ///< reset script running
    DialWait,   ///< reset done, waiting for the deadline
    Dialing,    ///< dial script running
    Backoff,    ///< a retryable failure; waiting before the next attempt
    Connected,  ///< terminal: CONNECT reported
    Failed,     ///< terminal
    Cancelled,  ///< terminal
};
const char* toString(DialerState state);
bool isTerminal(DialerState state);

enum class HangupMethod { Dtr, Escape };
const char* toString(HangupMethod method);

/// Knobs of one job's dialer (from the helper config and the modem section).
struct DialerSettings {
    HangupMethod hangup = HangupMethod::Dtr;
    Millis dtrHold{500};
    Millis resetLead{3000};      ///< reset script starts this long before the deadline
    unsigned attempts = 3;       ///< dial attempts in all
    Millis backoffBase{10000};   ///< wait before attempt 2; doubles per attempt
    Millis backoffMax{60000};
    Millis lineWait{30000};      ///< WaitLine gives up after this
    Millis watchdogSlack{5000};  ///< added to a script's own time bound before it is killed
    Millis dialTypingLead{0};    ///< dial script starts this early (see dialTypingTime())
    ModemScriptSettings modem;
};

namespace ev {
struct LineHandedOver {
    /// When the first call ended as pppd saw it (checked by the job manager); the delay counts
    /// from here. Without it, from the hand-over itself.
    std::optional<TimePoint> firstCallEnded;
};
struct DtrDropped {};      ///< TIOCMBIC worked
struct DtrUnsupported {};  ///< ENOTTY (a pty) or similar: fall back to the escape sequence
struct TimerFired {};
struct ChatExited {
    int code;  ///< exit status, or -signal
};
struct ConnectorGone {};
struct Cancel {
    std::string by;
};
struct ModemRemoved {};
}  // namespace ev
using DialerEvent = std::variant<ev::LineHandedOver, ev::DtrDropped, ev::DtrUnsupported, ev::TimerFired,
                                 ev::ChatExited, ev::ConnectorGone, ev::Cancel, ev::ModemRemoved>;
std::string describe(const DialerEvent& event);

namespace act {
struct DropDtr {};
struct RaiseDtr {};
struct RunChat {
    ScriptKind kind;
    Millis watchdog;  ///< kill chat if it is still running after this
};
struct KillChat {};
struct ArmTimer {
    TimePoint at;
};
struct DisarmTimer {};
struct ReportConnected {};
struct ReportFailed {
    std::string reason;
};
struct Journal {};  ///< persist the job (state, deadline, attempts)
struct Finish {};   ///< the job is terminal: release the line, drop the journal, record history
struct Log {
    std::string text;
};
/// The one transition function's record: logged as a sentence and as a job-state event line.
struct StateChange {
    DialerState from, to;
    std::string why;
};
}  // namespace act
using DialerAction = std::variant<act::DropDtr, act::RaiseDtr, act::RunChat, act::KillChat, act::ArmTimer,
                                  act::DisarmTimer, act::ReportConnected, act::ReportFailed, act::Journal,
                                  act::Finish, act::Log, act::StateChange>;

/// What survives a helper restart (see journal.hpp).
struct DialerSnapshot {
    DialerState state = DialerState::WaitLine;
    std::optional<TimePoint> deadline;  ///< set once the hang-up is done
    unsigned attempt = 0;               ///< dial attempts started
};

class Dialer {
public:
    Dialer(DialerSettings settings, std::uint32_t delaySeconds);

    /// Starts the job at `now` (arms the line-wait timer).
    std::vector<DialerAction> start(TimePoint now);
    /// Restores a journaled job: it waits for the line again but keeps its deadline.
    std::vector<DialerAction> resume(const DialerSnapshot& snapshot, TimePoint now);
    /// Feeds one event; never throws, ignores events that make no sense in the state (logged).
    std::vector<DialerAction> handle(const DialerEvent& event, TimePoint now);

    [[nodiscard]] DialerState state() const { return state_; }
    [[nodiscard]] DialerSnapshot snapshot() const { return {state_, deadline_, attempt_}; }
    [[nodiscard]] std::optional<TimePoint> deadline() const { return deadline_; }
    [[nodiscard]] std::optional<TimePoint> timerAt() const { return timerAt_; }
    [[nodiscard]] unsigned attempt() const { return attempt_; }
    [[nodiscard]] const std::string& failureReason() const { return reason_; }
    [[nodiscard]] const DialerSettings& settings() const { return settings_; }
    /// Wait before attempt `next` (2, 3, ...): backoffBase * 2^(next-2), capped at backoffMax.
    [[nodiscard]] Millis backoffFor(unsigned next) const;

private:
    using Out = std::vector<DialerAction>;
    void transition(DialerState next, std::string_view why, Out& out);
    void arm(TimePoint at, Out& out);
    void runChat(ScriptKind kind, TimePoint now, Out& out);
    void hangupDone(TimePoint now, Out& out);
    void startReset(TimePoint now, std::string_view why, Out& out);
    void startDial(TimePoint now, Out& out);
    void fail(DialerState terminal, std::string reason, Out& out);
    void onChat(int code, TimePoint now, Out& out);
    // One per event kind, called by handle().
    void onLineHandedOver(const ev::LineHandedOver& e, TimePoint now, Out& out);
    void onDtrDropped(TimePoint now, Out& out);
    void onDtrUnsupported(TimePoint now, Out& out);
    void onTimer(TimePoint now, Out& out);
    void onChatExited(int code, TimePoint now, Out& out);

    DialerSettings settings_;
    Millis delay_;
    DialerState state_ = DialerState::WaitLine;
    std::optional<TimePoint> deadline_;
    std::optional<TimePoint> timerAt_;
    TimePoint dialAt_{0};  ///< when the next ATD goes out (the deadline, then backoff ends)
    bool chatRunning_ = false;
    bool killSent_ = false;  ///< the watchdog already asked chat to die
    bool dtrLow_ = false;
    bool resumed_ = false;
    unsigned attempt_ = 0;
    std::string reason_;
};

}  // namespace mscb::helper
