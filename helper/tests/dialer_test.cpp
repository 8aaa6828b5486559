// SPDX-License-Identifier: GPL-2.0-or-later
// Dialer FSM: every transition, the deadline timing, backoff, attempts, cancel, modem removal.
#include <gtest/gtest.h>

#include "dialer.hpp"

namespace mscb::helper {
namespace {

using namespace std::chrono_literals;

template <class T>
const T* find(const std::vector<DialerAction>& actions) {
    for (const auto& a : actions) {
        if (const auto* p = std::get_if<T>(&a)) return p;
    }
    return nullptr;
}
template <class T>
bool has(const std::vector<DialerAction>& actions) {
    return find<T>(actions) != nullptr;
}

DialerSettings settings(HangupMethod hangup = HangupMethod::Dtr) {
    DialerSettings s;
    s.hangup = hangup;
    s.dtrHold = 500ms;
    s.resetLead = 3000ms;
    s.attempts = 3;
    s.backoffBase = 10000ms;
    s.backoffMax = 15000ms;
    s.lineWait = 30000ms;
    s.watchdogSlack = 5000ms;
    return s;
}

// Drives a dialer with a fake clock.
struct ADialer : ::testing::Test {
    TimePoint now{1000000};
    std::unique_ptr<Dialer> d;
    std::vector<DialerAction> last;

    void make(std::uint32_t delay = 15, DialerSettings s = settings()) {
        d = std::make_unique<Dialer>(s, delay);
        last = d->start(now);
    }
    std::vector<DialerAction>& feed(const DialerEvent& e) { return last = d->handle(e, now); }
    void at(TimePoint t) { now = t; }
    // Fires the armed timer at its time.
    std::vector<DialerAction>& fire() {
        const auto* arm = find<act::ArmTimer>(last);
        EXPECT_TRUE(d->timerAt().has_value());
        now = arm ? arm->at : *d->timerAt();
        return feed(ev::TimerFired{});
    }
    // Line handed over (the deadline counts from here), DTR dropped and raised: returns when.
    TimePoint handedOver{};
    TimePoint handOverAndHangUp() {
        handedOver = now;
        feed(ev::LineHandedOver{});
        EXPECT_TRUE(has<act::DropDtr>(last));
        feed(ev::DtrDropped{});
        EXPECT_EQ(d->timerAt(), now + 500ms);
        fire();
        EXPECT_TRUE(has<act::RaiseDtr>(last));
        return now;
    }
};

TEST_F(ADialer, StartsWaitingForTheLineWithABoundedWait) {
    make();
    EXPECT_EQ(d->state(), DialerState::WaitLine);
    ASSERT_TRUE(has<act::ArmTimer>(last));
    EXPECT_EQ(find<act::ArmTimer>(last)->at, now + 30000ms);
    EXPECT_TRUE(has<act::Journal>(last));
}

TEST_F(ADialer, FailsWhenTheLineNeverComes) {
    make();
    fire();
    EXPECT_EQ(d->state(), DialerState::Failed);
    ASSERT_TRUE(has<act::ReportFailed>(last));
    EXPECT_NE(find<act::ReportFailed>(last)->reason.find("line not handed over"), std::string::npos);
    EXPECT_TRUE(has<act::Finish>(last));
    EXPECT_FALSE(has<act::DropDtr>(last));  // never had the line
}

TEST_F(ADialer, RunsOffhookThenResetThenDialAtTheDeadline) {
    make(15);
    handOverAndHangUp();
    EXPECT_EQ(d->state(), DialerState::OffHook);
    EXPECT_EQ(d->deadline(), handedOver + 15000ms);
    ASSERT_TRUE(has<act::RunChat>(last));
    EXPECT_EQ(find<act::RunChat>(last)->kind, ScriptKind::OffHook);
    EXPECT_TRUE(has<act::Journal>(last));

    at(now + 200ms);
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::Delay);
    EXPECT_EQ(find<act::ArmTimer>(last)->at, handedOver + 12000ms);  // reset lead 3 s

    fire();
    EXPECT_EQ(d->state(), DialerState::Reset);
    EXPECT_EQ(find<act::RunChat>(last)->kind, ScriptKind::Reset);

    at(now + 1500ms);
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::DialWait);
    EXPECT_EQ(find<act::ArmTimer>(last)->at, handedOver + 15000ms);

    fire();
    EXPECT_EQ(now, handedOver + 15000ms);
    EXPECT_EQ(d->state(), DialerState::Dialing);
    EXPECT_EQ(find<act::RunChat>(last)->kind, ScriptKind::Dial);
    EXPECT_EQ(d->attempt(), 1u);

    at(now + 31000ms);
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::Connected);
    EXPECT_TRUE(has<act::ReportConnected>(last));
    EXPECT_TRUE(has<act::Finish>(last));
}

TEST_F(ADialer, StartsTheDialScriptEarlyByChatsTypingTime) {
    auto s = settings();
    s.dialTypingLead = 120ms;
    make(15, s);
    handOverAndHangUp();
    feed(ev::ChatExited{0});
    fire();
    feed(ev::ChatExited{0});
    EXPECT_EQ(find<act::ArmTimer>(last)->at, handedOver + 15000ms - 120ms);
    fire();
    EXPECT_EQ(d->state(), DialerState::Dialing);
}

TEST_F(ADialer, DialsAtOnceWhenTheResetEndsAfterTheDeadline) {
    make(15);
    const TimePoint down = handOverAndHangUp();
    feed(ev::ChatExited{0});
    fire();
    at(down + 15200ms);  // a slow ATZ
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::Dialing);
}

TEST_F(ADialer, SkipsTheOffhookWhenTheDelayIsShorterThanTheResetLead) {
    make(2);
    handOverAndHangUp();
    EXPECT_EQ(d->state(), DialerState::Reset);
    EXPECT_EQ(find<act::RunChat>(last)->kind, ScriptKind::Reset);
}

TEST_F(ADialer, ZeroDelayDialsRightAfterTheReset) {
    make(0);
    handOverAndHangUp();
    EXPECT_EQ(d->state(), DialerState::Reset);
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::Dialing);
}

TEST_F(ADialer, FallsBackToTheEscapeSequenceWithoutDtr) {
    make();
    feed(ev::LineHandedOver{});
    feed(ev::DtrUnsupported{});
    EXPECT_EQ(d->state(), DialerState::HangUp);
    ASSERT_TRUE(has<act::RunChat>(last));
    EXPECT_EQ(find<act::RunChat>(last)->kind, ScriptKind::Hangup);
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::OffHook);
    EXPECT_EQ(d->deadline(), now + 15000ms);
}

TEST_F(ADialer, UsesTheEscapeSequenceWhenConfigured) {
    make(15, settings(HangupMethod::Escape));
    feed(ev::LineHandedOver{});
    EXPECT_FALSE(has<act::DropDtr>(last));
    EXPECT_EQ(find<act::RunChat>(last)->kind, ScriptKind::Hangup);
}

TEST_F(ADialer, GoesOnWhenTheHangupScriptFails) {
    make(15, settings(HangupMethod::Escape));
    feed(ev::LineHandedOver{});
    feed(ev::ChatExited{3});
    EXPECT_EQ(d->state(), DialerState::OffHook);
}

TEST_F(ADialer, FailsWhenTheOffhookScriptFails) {
    make();
    handOverAndHangUp();
    feed(ev::ChatExited{4});  // ERROR
    EXPECT_EQ(d->state(), DialerState::Failed);
    EXPECT_EQ(find<act::ReportFailed>(last)->reason, "offhook script: modem-error");
    EXPECT_TRUE(has<act::DropDtr>(last));
}

TEST_F(ADialer, FailsWhenTheResetScriptTimesOut) {
    make(2);
    handOverAndHangUp();
    feed(ev::ChatExited{3});
    EXPECT_EQ(d->state(), DialerState::Failed);
    EXPECT_EQ(find<act::ReportFailed>(last)->reason, "reset script: timeout");
}

// Gets a dialer to its first Dialing state.
void toDialing(ADialer& t) {
    t.make(0);
    t.handOverAndHangUp();
    t.feed(ev::ChatExited{0});
    ASSERT_EQ(t.d->state(), DialerState::Dialing);
}

TEST_F(ADialer, RetriesWithBackoffOnBusy) {
    toDialing(*this);
    const TimePoint busyAt = now;
    feed(ev::ChatExited{4});  // BUSY
    EXPECT_EQ(d->state(), DialerState::Backoff);
    EXPECT_EQ(find<act::ArmTimer>(last)->at, busyAt + 10000ms - 3000ms);
    fire();
    EXPECT_EQ(d->state(), DialerState::Reset);
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::DialWait);
    fire();
    EXPECT_EQ(now, busyAt + 10000ms);
    EXPECT_EQ(d->state(), DialerState::Dialing);
    EXPECT_EQ(d->attempt(), 2u);
}

TEST_F(ADialer, BackoffDoublesAndIsCapped) {
    make();
    EXPECT_EQ(d->backoffFor(2), 10000ms);
    EXPECT_EQ(d->backoffFor(3), 15000ms);
    EXPECT_EQ(d->backoffFor(9), 15000ms);
}

TEST_F(ADialer, RetriesOnNoAnswerNoCarrierAndTimeout) {
    for (int code : {3, 5, 7}) {
        toDialing(*this);
        feed(ev::ChatExited{code});
        EXPECT_EQ(d->state(), DialerState::Backoff) << code;
    }
}

TEST_F(ADialer, FailsAtOnceOnNoDialtoneOrError) {
    for (int code : {6, 8, 1, 2}) {
        toDialing(*this);
        feed(ev::ChatExited{code});
        EXPECT_EQ(d->state(), DialerState::Failed) << code;
    }
}

TEST_F(ADialer, FailsWhenAttemptsAreExhausted) {
    toDialing(*this);
    for (unsigned attempt = 1; attempt < 3; ++attempt) {
        feed(ev::ChatExited{4});
        ASSERT_EQ(d->state(), DialerState::Backoff);
        fire();
        feed(ev::ChatExited{0});
        fire();
        ASSERT_EQ(d->state(), DialerState::Dialing);
    }
    EXPECT_EQ(d->attempt(), 3u);
    feed(ev::ChatExited{4});
    EXPECT_EQ(d->state(), DialerState::Failed);
    EXPECT_EQ(find<act::ReportFailed>(last)->reason, "dial script: busy on the last of 3 attempts");
}

TEST_F(ADialer, WatchdogKillsAnOverrunningChat) {
    toDialing(*this);
    fire();
    EXPECT_TRUE(has<act::KillChat>(last));
    EXPECT_EQ(d->state(), DialerState::Dialing);
    feed(ev::ChatExited{-15});
    EXPECT_EQ(d->state(), DialerState::Failed);
    EXPECT_EQ(find<act::ReportFailed>(last)->reason, "dial script: killed");
}

TEST_F(ADialer, AbandonsAChatThatIgnoresTheWatchdog) {
    toDialing(*this);
    fire();
    ASSERT_TRUE(has<act::KillChat>(last));
    fire();  // still no exit
    EXPECT_EQ(d->state(), DialerState::Failed);
    EXPECT_EQ(find<act::ReportFailed>(last)->reason, "dial script: killed");
}

TEST_F(ADialer, CancelKillsChatAndHangsUp) {
    toDialing(*this);
    feed(ev::Cancel{"mscbctl"});
    EXPECT_EQ(d->state(), DialerState::Cancelled);
    EXPECT_TRUE(has<act::KillChat>(last));
    EXPECT_TRUE(has<act::DropDtr>(last));
    EXPECT_TRUE(has<act::DisarmTimer>(last));
    EXPECT_EQ(find<act::ReportFailed>(last)->reason, "cancelled by mscbctl");
    EXPECT_TRUE(has<act::Finish>(last));
}

TEST_F(ADialer, CancelInDelayHasNoChatToKill) {
    make(15);
    handOverAndHangUp();
    feed(ev::ChatExited{0});
    ASSERT_EQ(d->state(), DialerState::Delay);
    feed(ev::Cancel{"x"});
    EXPECT_EQ(d->state(), DialerState::Cancelled);
    EXPECT_FALSE(has<act::KillChat>(last));
}

TEST_F(ADialer, ConnectorGoneCancels) {
    make(15);
    handOverAndHangUp();
    feed(ev::ConnectorGone{});
    EXPECT_EQ(d->state(), DialerState::Cancelled);
}

TEST_F(ADialer, ModemRemovedFailsTheJob) {
    toDialing(*this);
    feed(ev::ModemRemoved{});
    EXPECT_EQ(d->state(), DialerState::Failed);
    EXPECT_EQ(find<act::ReportFailed>(last)->reason, "modem removed");
}

TEST_F(ADialer, IgnoresEventsAfterTheEnd) {
    toDialing(*this);
    feed(ev::ChatExited{0});
    ASSERT_EQ(d->state(), DialerState::Connected);
    feed(ev::Cancel{"x"});
    EXPECT_EQ(d->state(), DialerState::Connected);
    EXPECT_FALSE(has<act::ReportFailed>(last));
}

TEST_F(ADialer, IgnoresStrayEvents) {
    make();
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::WaitLine);
    feed(ev::DtrDropped{});
    EXPECT_EQ(d->state(), DialerState::WaitLine);
    feed(ev::LineHandedOver{});
    feed(ev::LineHandedOver{});
    EXPECT_EQ(d->state(), DialerState::HangUp);
}

TEST_F(ADialer, LogsEveryTransitionOldToNew) {
    make();
    feed(ev::LineHandedOver{});
    const auto* change = find<act::StateChange>(last);
    ASSERT_NE(change, nullptr);
    EXPECT_EQ(change->from, DialerState::WaitLine);
    EXPECT_EQ(change->to, DialerState::HangUp);
    EXPECT_FALSE(change->why.empty());
}

TEST_F(ADialer, ResumeKeepsTheDeadlineAndAttempts) {
    d = std::make_unique<Dialer>(settings(), 15);
    DialerSnapshot snap{DialerState::Delay, now + 8000ms, 1};
    last = d->resume(snap, now);
    EXPECT_EQ(d->state(), DialerState::WaitLine);
    EXPECT_EQ(d->attempt(), 1u);
    feed(ev::LineHandedOver{});
    feed(ev::DtrDropped{});
    fire();
    EXPECT_EQ(d->deadline(), TimePoint{1000000} + 8000ms);
    EXPECT_EQ(d->state(), DialerState::OffHook);
}

TEST_F(ADialer, ResumePastTheDeadlineDialsAfterTheReset) {
    d = std::make_unique<Dialer>(settings(), 15);
    last = d->resume(DialerSnapshot{DialerState::Dialing, now - 1000ms, 1}, now);
    feed(ev::LineHandedOver{});
    feed(ev::DtrDropped{});
    fire();
    EXPECT_EQ(d->state(), DialerState::Reset);
    feed(ev::ChatExited{0});
    EXPECT_EQ(d->state(), DialerState::Dialing);
    EXPECT_EQ(d->attempt(), 2u);
}

TEST(DialerNames, EveryStateHasAName) {
    for (auto s : {DialerState::WaitLine, DialerState::HangUp, DialerState::OffHook, DialerState::Delay,
                   DialerState::Reset, DialerState::DialWait, DialerState::Dialing, DialerState::Backoff,
                   DialerState::Connected, DialerState::Failed, DialerState::Cancelled}) {
        EXPECT_STRNE(toString(s), "?");
    }
}

}  // namespace
}  // namespace mscb::helper
