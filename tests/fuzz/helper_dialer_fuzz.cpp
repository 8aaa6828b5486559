// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the helper's per-job Dialer state machine, driven by a model of its world (timers
// fire at or after their time, chat exits only when one runs) plus arbitrary stray events.
// Invariants: never two live chats on the line; the dial script's CR never reaches the modem
// before the deadline; at most `attempts` dial attempts; one report and one Finish per job;
// nothing but log lines once terminal; the Dialer's timer is the one the world holds.
#include "dialer.hpp"
#include "fuzz_util.hpp"

using namespace mscb;
using namespace mscb::helper;

namespace {

template <class... Ts>
struct Overload : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overload(Ts...) -> Overload<Ts...>;

struct World {
    std::optional<TimePoint> timer;
    bool chatRunning = false;
    bool chatKilled = false;
    unsigned reports = 0;
    unsigned finishes = 0;
    unsigned dials = 0;
};

void apply(const std::vector<DialerAction>& actions, World& w, const Dialer& d, TimePoint now, bool wasTerminal) {
    for (const auto& action : actions) {
        if (wasTerminal) {
            FUZZ_CHECK(std::holds_alternative<act::Log>(action), "action after the job ended");
        }
        std::visit(Overload{
                       [&](const act::RunChat& r) {
                           FUZZ_CHECK(!w.chatRunning || w.chatKilled, "a second chat while one runs");
                           FUZZ_CHECK(r.watchdog.count() > 0, "watchdog %lld", static_cast<long long>(r.watchdog.count()));
                           w.chatRunning = true;
                           w.chatKilled = false;
                           if (r.kind == ScriptKind::Dial) {
                               ++w.dials;
                               FUZZ_CHECK(d.deadline().has_value(), "dial without a deadline");
                               FUZZ_CHECK(now + d.settings().dialTypingLead >= *d.deadline(),
                                          "dial CR %lld ms before the deadline",
                                          static_cast<long long>((*d.deadline() - now - d.settings().dialTypingLead).count()));
                           }
                       },
                       [&](const act::KillChat&) { w.chatKilled = true; },
                       [&](const act::ArmTimer& a) { w.timer = a.at; },
                       [&](const act::DisarmTimer&) { w.timer.reset(); },
                       [&](const act::ReportConnected&) { ++w.reports; },
                       [&](const act::ReportFailed&) { ++w.reports; },
                       [&](const act::Finish&) { ++w.finishes; },
                       [&](const auto&) {},
                   },
                   action);
    }
    FUZZ_CHECK(w.reports <= 1 && w.finishes <= 1, "%u reports, %u finishes", w.reports, w.finishes);
    FUZZ_CHECK(w.dials <= d.settings().attempts, "%u dials of %u", w.dials, d.settings().attempts);
    // Known finding "resume-attempts": a job journaled at attempt N of N dials again on resume.
    FUZZ_CHECK(d.attempt() <= d.settings().attempts || fuzz::ignored("resume-attempts"), "attempt %u of %u",
               d.attempt(), d.settings().attempts);
    if (isTerminal(d.state())) {
        FUZZ_CHECK(w.finishes == 1 && w.reports == 1, "terminal without report/finish");
    } else {
        FUZZ_CHECK(w.timer == d.timerAt(), "world timer differs from the Dialer's");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteSource in(data, size);
    DialerSettings s;
    // Within helper.conf's ranges.
    s.hangup = in.flag() ? HangupMethod::Escape : HangupMethod::Dtr;
    s.dtrHold = Millis{in.range(0, 50) * 100};
    s.resetLead = Millis{in.range(0, 30) * 1000};
    s.attempts = in.range(1, 10);
    s.backoffBase = Millis{in.range(1, 600) * 1000};
    s.backoffMax = Millis{in.range(1, 600) * 1000};
    s.lineWait = Millis{in.range(1, 300) * 1000};
    s.modem.commandTimeout = Millis{in.range(1, 60) * 1000};
    s.modem.connectTimeout = Millis{in.range(1, 255) * 1000};
    s.modem.dialPrefix = in.flag() ? "T0," : "T";
    s.dialTypingLead = dialTypingTime(s.modem, in.range(4, 32));
    const std::uint32_t delay = in.u8();

    Dialer dialer(s, delay);
    World world;
    TimePoint now{in.u16() * 1000LL};
    if (in.flag()) {
        DialerSnapshot snap;
        snap.attempt = in.range(0, 12);
        if (in.flag()) snap.deadline = now + Millis{static_cast<std::int64_t>(in.u16()) * 10 - 300000};
        apply(dialer.resume(snap, now), world, dialer, now, false);
    } else {
        apply(dialer.start(now), world, dialer, now, false);
    }

    for (unsigned step = 0; step < 256 && !in.empty(); ++step) {
        const bool wasTerminal = isTerminal(dialer.state());
        const auto op = in.range(0, 11);
        DialerEvent event = ev::TimerFired{};
        switch (op) {
        case 0:
        case 1:
        case 2:
            if (!world.timer) continue;
            now = std::max(now, *world.timer) + Millis{in.range(0, 3) * 7};
            event = ev::TimerFired{};
            break;
        case 3:
        case 4:
        case 5:
            if (!world.chatRunning) continue;
            now += Millis{in.u16()};
            event = ev::ChatExited{static_cast<int>(in.range(0, 24)) - 12};
            world.chatRunning = false;
            world.chatKilled = false;
            break;
        case 6: event = ev::LineHandedOver{}; break;
        case 7: event = ev::DtrDropped{}; break;
        case 8: event = ev::DtrUnsupported{}; break;
        case 9:  // an exit nobody waited for (or the one that was due): the OS says chat is gone
            event = ev::ChatExited{static_cast<int>(in.range(0, 24)) - 12};
            world.chatRunning = false;
            world.chatKilled = false;
            break;
        case 10: now += Millis{in.u16()}; continue;
        default:
            switch (in.range(0, 5)) {
            case 0: event = ev::ConnectorGone{}; break;
            case 1: event = ev::Cancel{"fuzz"}; break;
            case 2: event = ev::ModemRemoved{}; break;
            default: continue;
            }
        }
        // A chat the Dialer abandoned (TimerFired after KillChat) stays a zombie we no longer track.
        const bool abandoning = std::holds_alternative<ev::TimerFired>(event) && world.chatRunning && world.chatKilled;
        apply(dialer.handle(event, now), world, dialer, now, wasTerminal);
        if (abandoning) world.chatRunning = false;
    }
    return 0;
}
