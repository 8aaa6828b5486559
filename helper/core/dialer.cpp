// SPDX-License-Identifier: GPL-2.0-or-later
// The per-job dialer state machine (see dialer.hpp for the timing design).
#include "dialer.hpp"

#include <algorithm>

#include "overload.hpp"

namespace mscb::helper {
namespace {

std::string seconds(Millis ms) {
    // Sign apart: '%' of a negative count would print "-3.-3 s".
    const auto tenths = (ms.count() < 0 ? -ms.count() : ms.count()) / 100;
    return std::string(ms.count() < 0 ? "-" : "") + std::to_string(tenths / 10) + "." +
           std::to_string(tenths % 10) + " s";
}

bool isRetryable(ChatOutcome outcome) {
    // Nobody picked up, or the line was busy: worth another try. NO DIALTONE, ERROR and chat
    // failures point at our side and fail the job at once.
    return outcome == ChatOutcome::Busy || outcome == ChatOutcome::NoAnswer ||
           outcome == ChatOutcome::NoCarrier || outcome == ChatOutcome::Timeout;
}

}  // namespace

const char* toString(DialerState state) {
    switch (state) {
    case DialerState::WaitLine: return "WaitLine";
    case DialerState::HangUp: return "HangUp";
    case DialerState::OffHook: return "OffHook";
    case DialerState::Delay: return "Delay";
    case DialerState::Reset: return "Reset";
    case DialerState::DialWait: return "DialWait";
    case DialerState::Dialing: return "Dialing";
    case DialerState::Backoff: return "Backoff";
    case DialerState::Connected: return "Connected";
    case DialerState::Failed: return "Failed";
    case DialerState::Cancelled: return "Cancelled";
    }
    return "?";
}

bool isTerminal(DialerState state) {
    return state == DialerState::Connected || state == DialerState::Failed ||
           state == DialerState::Cancelled;
}

const char* toString(HangupMethod method) {
    return method == HangupMethod::Dtr ? "dtr" : "escape";
}

std::string describe(const DialerEvent& event) {
    return std::visit(Overload{
                          [](const ev::LineHandedOver&) { return std::string("line handed over"); },
                          [](const ev::DtrDropped&) { return std::string("DTR dropped"); },
                          [](const ev::DtrUnsupported&) { return std::string("DTR unsupported"); },
                          [](const ev::TimerFired&) { return std::string("timer"); },
                          [](const ev::ChatExited& e) { return "chat exited " + std::to_string(e.code); },
                          [](const ev::ConnectorGone&) { return std::string("connector gone"); },
                          [](const ev::Cancel& e) { return "cancel by " + e.by; },
                          [](const ev::ModemRemoved&) { return std::string("modem removed"); },
                      },
                      event);
}

Dialer::Dialer(DialerSettings settings, std::uint32_t delaySeconds)
    : settings_(std::move(settings)), delay_(Millis{static_cast<std::int64_t>(delaySeconds) * 1000}) {}

Millis Dialer::backoffFor(unsigned next) const {
    Millis wait = settings_.backoffBase;
    for (unsigned i = 2; i < next && wait < settings_.backoffMax; ++i) {
        wait *= 2;
    }
    return std::min(wait, settings_.backoffMax);
}

void Dialer::transition(DialerState next, std::string_view why, Out& out) {
    out.push_back(act::StateChange{state_, next, std::string(why)});
    state_ = next;
}

void Dialer::arm(TimePoint at, Out& out) {
    timerAt_ = at;
    out.push_back(act::ArmTimer{at});
}

void Dialer::runChat(ScriptKind kind, TimePoint now, Out& out) {
    const Millis watchdog = scriptTimeBound(kind, settings_.modem) + settings_.watchdogSlack;
    chatRunning_ = true;
    killSent_ = false;
    out.push_back(act::RunChat{kind, watchdog});
    arm(now + watchdog, out);
}

std::vector<DialerAction> Dialer::start(TimePoint now) {
    Out out;
    out.push_back(act::Log{"job starts in WaitLine, delay " + seconds(delay_)});
    arm(now + settings_.lineWait, out);
    out.push_back(act::Journal{});
    return out;
}

std::vector<DialerAction> Dialer::resume(const DialerSnapshot& snapshot, TimePoint now) {
    Out out;
    deadline_ = snapshot.deadline;
    attempt_ = std::min(snapshot.attempt, settings_.attempts);
    resumed_ = true;
    out.push_back(act::Log{std::string("resumed from journal (was ") + toString(snapshot.state) + ", attempt " +
                           std::to_string(attempt_) + "), waiting for the line again"});
    arm(now + settings_.lineWait, out);
    out.push_back(act::Journal{});
    return out;
}

void Dialer::hangupDone(TimePoint now, Out& out) {
    if (!deadline_) {
        deadline_ = now + delay_;  // not reached: the hand-over sets it
    }
    dialAt_ = std::max(*deadline_, now);
    out.push_back(act::Journal{});
    if (now + settings_.resetLead >= dialAt_) {
        startReset(now, "deadline within the reset lead", out);
        return;
    }
    transition(DialerState::OffHook, "first call down; deadline in " + seconds(*deadline_ - now), out);
    runChat(ScriptKind::OffHook, now, out);
}

void Dialer::startReset(TimePoint now, std::string_view why, Out& out) {
    transition(DialerState::Reset, why, out);
    runChat(ScriptKind::Reset, now, out);
}

void Dialer::startDial(TimePoint now, Out& out) {
    if (attempt_ >= settings_.attempts) {
        // Only after a restart: the journal said the last attempt was already under way.
        fail(DialerState::Failed, "all " + std::to_string(settings_.attempts) +
                                      " dial attempts were used before the helper restarted", out);
        return;
    }
    ++attempt_;
    std::string why = "attempt " + std::to_string(attempt_) + "/" + std::to_string(settings_.attempts);
    if (deadline_ && attempt_ == 1) {
        why += ", CR due " + std::to_string((now + settings_.dialTypingLead - *deadline_).count()) +
               " ms after the deadline";
    }
    transition(DialerState::Dialing, why, out);
    out.push_back(act::Journal{});
    runChat(ScriptKind::Dial, now, out);
}

void Dialer::fail(DialerState terminal, std::string reason, Out& out) {
    reason_ = reason;
    out.push_back(act::DisarmTimer{});
    timerAt_.reset();
    if (chatRunning_) {
        out.push_back(act::KillChat{});
        chatRunning_ = false;
    }
    // The modem may be off-hook or mid-dial (killing chat does not stop it): hang it up.
    if (state_ != DialerState::WaitLine && state_ != DialerState::HangUp) {
        out.push_back(act::DropDtr{});
    }
    transition(terminal, reason, out);
    out.push_back(act::ReportFailed{std::move(reason)});
    out.push_back(act::Finish{});
}

void Dialer::onChat(int code, TimePoint now, Out& out) {
    chatRunning_ = false;
    killSent_ = false;
    const auto kind = state_ == DialerState::HangUp    ? ScriptKind::Hangup
                      : state_ == DialerState::OffHook ? ScriptKind::OffHook
                      : state_ == DialerState::Reset   ? ScriptKind::Reset
                                                       : ScriptKind::Dial;
    const auto outcome = outcomeFromExit(kind, code);
    const std::string what = std::string(toString(kind)) + " script: " + toString(outcome);
    switch (state_) {
    case DialerState::HangUp:
        if (outcome != ChatOutcome::Success) {
            out.push_back(act::Log{what + "; going on (the line may already be on-hook)"});
        }
        out.push_back(act::DisarmTimer{});
        timerAt_.reset();
        hangupDone(now, out);
        return;
    case DialerState::OffHook:
        if (outcome != ChatOutcome::Success) {
            fail(DialerState::Failed, what, out);
            return;
        }
        if (now + settings_.resetLead >= dialAt_) {
            startReset(now, "offhook done, deadline near", out);
            return;
        }
        transition(DialerState::Delay, "off-hook until " + seconds(dialAt_ - settings_.resetLead - now) + " from now",
                   out);
        out.push_back(act::Journal{});  // a restart during the delay then reads "was Delay"
        arm(dialAt_ - settings_.resetLead, out);
        return;
    case DialerState::Reset:
        if (outcome != ChatOutcome::Success) {
            fail(DialerState::Failed, what, out);
            return;
        }
        if (now >= dialAt_ - settings_.dialTypingLead) {
            out.push_back(act::DisarmTimer{});
            timerAt_.reset();
            startDial(now, out);
            return;
        }
        transition(DialerState::DialWait, "reset done, dialling in " + seconds(dialAt_ - now), out);
        arm(dialAt_ - settings_.dialTypingLead, out);
        return;
    case DialerState::Dialing:
        out.push_back(act::DisarmTimer{});
        timerAt_.reset();
        if (outcome == ChatOutcome::Success) {
            transition(DialerState::Connected, "CONNECT on attempt " + std::to_string(attempt_), out);
            out.push_back(act::ReportConnected{});
            out.push_back(act::Finish{});
            return;
        }
        if (isRetryable(outcome) && attempt_ < settings_.attempts) {
            const Millis wait = backoffFor(attempt_ + 1);
            dialAt_ = now + wait;
            transition(DialerState::Backoff, what + ", retry in " + seconds(wait), out);
            arm(std::max(now, dialAt_ - settings_.resetLead), out);
            return;
        }
        fail(DialerState::Failed,
             isRetryable(outcome) ? what + " on the last of " + std::to_string(settings_.attempts) + " attempts"
                                  : what,
             out);
        return;
    default:
        out.push_back(act::Log{"ignoring a chat exit in " + std::string(toString(state_))});
        return;
    }
}

void Dialer::onLineHandedOver(const ev::LineHandedOver& e, TimePoint now, Out& out) {
    if (state_ != DialerState::WaitLine) {
        out.push_back(act::Log{"ignoring a second line hand-over"});
        return;
    }
    // The delay counts from the end of the first call as pppd saw it (the plugin says when);
    // without that, from the hand-over: pppd closed the tty (DTR drop) before it reopened it for
    // the connector, so the first call is down by then. Either way the hang-up below (which only
    // makes sure) runs inside the delay.
    if (!deadline_) {
        deadline_ = e.firstCallEnded.value_or(now) + delay_;
    }
    transition(DialerState::HangUp, std::string("line handed over, hang-up by ") + toString(settings_.hangup) +
                                         ", deadline in " + seconds(*deadline_ - now),
               out);
    out.push_back(act::Journal{});
    out.push_back(act::DisarmTimer{});
    timerAt_.reset();
    if (settings_.hangup == HangupMethod::Dtr) {
        out.push_back(act::DropDtr{});
    } else {
        runChat(ScriptKind::Hangup, now, out);
    }
}

void Dialer::onDtrDropped(TimePoint now, Out& out) {
    if (state_ != DialerState::HangUp || chatRunning_ || dtrLow_) {
        out.push_back(act::Log{"ignoring DTR dropped in " + std::string(toString(state_))});
        return;
    }
    dtrLow_ = true;
    arm(now + settings_.dtrHold, out);
}

void Dialer::onDtrUnsupported(TimePoint now, Out& out) {
    if (state_ != DialerState::HangUp || chatRunning_ || dtrLow_) {
        out.push_back(act::Log{"ignoring DTR unsupported in " + std::string(toString(state_))});
        return;
    }
    out.push_back(act::Log{"line has no DTR control (a pty?): hanging up with +++ATH0"});
    runChat(ScriptKind::Hangup, now, out);
}

void Dialer::onTimer(TimePoint now, Out& out) {
    timerAt_.reset();
    if (chatRunning_ && !killSent_) {
        out.push_back(act::Log{"watchdog: chat overran in " + std::string(toString(state_)) + ", killing it"});
        out.push_back(act::KillChat{});
        killSent_ = true;
        arm(now + settings_.watchdogSlack, out);
        return;  // its exit (as a signal) drives the next step
    }
    if (chatRunning_) {
        // It did not even die: go on without it (its exit is no longer reported).
        out.push_back(act::Log{"watchdog: chat did not exit after SIGTERM, abandoning it"});
        onChat(-9, now, out);
        return;
    }
    switch (state_) {
    case DialerState::WaitLine:
        fail(DialerState::Failed, "line not handed over within " + seconds(settings_.lineWait), out);
        return;
    case DialerState::HangUp:
        if (dtrLow_) {
            dtrLow_ = false;
            out.push_back(act::RaiseDtr{});
            hangupDone(now, out);
        }
        return;
    case DialerState::Delay:
        startReset(now, "reset lead reached", out);
        return;
    case DialerState::Backoff:
        startReset(now, "backoff over", out);
        return;
    case DialerState::DialWait:
        startDial(now, out);
        return;
    default:
        out.push_back(act::Log{"ignoring a stale timer in " + std::string(toString(state_))});
        return;
    }
}

void Dialer::onChatExited(int code, TimePoint now, Out& out) {
    if (!chatRunning_) {
        out.push_back(act::Log{"ignoring an unexpected chat exit"});
        return;
    }
    onChat(code, now, out);
}

std::vector<DialerAction> Dialer::handle(const DialerEvent& event, TimePoint now) {
    Out out;
    if (isTerminal(state_)) {
        out.push_back(act::Log{"ignoring " + describe(event) + " in " + toString(state_)});
        return out;
    }
    // One method per event; a new event type without a case here does not compile.
    std::visit(Overload{
                   [&](const ev::LineHandedOver& e) { onLineHandedOver(e, now, out); },
                   [&](const ev::DtrDropped&) { onDtrDropped(now, out); },
                   [&](const ev::DtrUnsupported&) { onDtrUnsupported(now, out); },
                   [&](const ev::TimerFired&) { onTimer(now, out); },
                   [&](const ev::ChatExited& e) { onChatExited(e.code, now, out); },
                   [&](const ev::ConnectorGone&) {
                       fail(DialerState::Cancelled, "connector gone (pppd gave up the line)", out);
                   },
                   [&](const ev::Cancel& e) { fail(DialerState::Cancelled, "cancelled by " + e.by, out); },
                   [&](const ev::ModemRemoved&) { fail(DialerState::Failed, "modem removed", out); },
               },
               event);
    return out;
}

}  // namespace mscb::helper
