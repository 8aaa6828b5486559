// SPDX-License-Identifier: GPL-2.0-or-later
// Parser for helper.conf (see config.hpp for the format).
#include "config.hpp"

#include <algorithm>
#include <charconv>

namespace mscb::helper {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

Result<unsigned> number(std::string_view v, unsigned low, unsigned high) {
    unsigned value = 0;
    const auto* end = v.data() + v.size();
    const auto [ptr, ec] = std::from_chars(v.data(), end, value);
    if (v.empty() || ec != std::errc{} || ptr != end || value < low || value > high) {
        return Error{"expected a number from " + std::to_string(low) + " to " + std::to_string(high)};
    }
    return value;
}

Result<std::string> path(std::string_view v) {
    if (v.size() < 2 || v.size() > 108 || v.front() != '/' || v.find("..") != std::string_view::npos ||
        !std::all_of(v.begin(), v.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
                   c == '_' || c == '.' || c == '-';
        })) {
        return Error{"expected an absolute path of [A-Za-z0-9/_.-], without '..'"};
    }
    return std::string(v);
}

bool isPropertyName(std::string_view v) {
    return !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

class Parser {
public:
    explicit Parser(std::string_view name) : name_(name) {}

    Result<HelperConfig> run(std::string_view text) {
        std::size_t pos = 0;
        while (pos <= text.size()) {
            ++lineNo_;
            auto eol = text.find('\n', pos);
            if (eol == std::string_view::npos) eol = text.size();
            const auto line = text.substr(pos, eol - pos);
            pos = eol + 1;
            if (auto r = parseLine(line); !r) {
                return Error{std::string(name_) + ":" + std::to_string(lineNo_) + ": " + r.reason()};
            }
            if (eol == text.size()) break;
        }
        return finish();
    }

private:
    Result<bool> parseLine(std::string_view raw) {
        if (raw.size() > 512) return Error{"line longer than 512 bytes"};
        if (!trim(raw).empty() && trim(raw).front() == '#') return true;  // comments may hold UTF-8
        for (char c : raw) {
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') || static_cast<unsigned char>(c) >= 0x7f) {
                return Error{"non-printable character"};
            }
        }
        const auto line = trim(raw);
        if (line.empty() || line.front() == '#') return true;
        if (line.front() == '[') {
            if (line.back() != ']') return Error{"section header without ']'"};
            const auto inner = trim(line.substr(1, line.size() - 2));
            if (inner == "caller-id") {
                if (inCallerId_ || !config_.callerIds.empty()) return Error{"[caller-id] given twice"};
                inCallerId_ = true;
                seen_.clear();
                return true;
            }
            if (inner.substr(0, 6) != "modem " ) return Error{"unknown section (expected [modem NAME] or [caller-id])"};
            inCallerId_ = false;
            const auto modemName = trim(inner.substr(6));
            if (modemName.empty() || modemName.size() > 32 ||
                !std::all_of(modemName.begin(), modemName.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                })) {
                return Error{"modem name must be 1-32 of [A-Za-z0-9_-]"};
            }
            for (const auto& m : config_.modems) {
                if (m.name == modemName) return Error{"modem '" + std::string(modemName) + "' defined twice"};
            }
            config_.modems.push_back(ModemConfig{});
            config_.modems.back().name = std::string(modemName);
            seen_.clear();
            return true;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) return Error{"expected 'key = value'"};
        const auto key = trim(line.substr(0, eq));
        const auto value = trim(line.substr(eq + 1));
        if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) {
            return Error{"'" + std::string(key) + "' set twice"};
        }
        seen_.emplace_back(key);
        if (inCallerId_) return callerId(key, value);
        if (config_.modems.empty()) return global(key, value);
        return modem(config_.modems.back(), key, value);
    }

    static Result<bool> setMillisFromSeconds(Millis& out, std::string_view v, unsigned low, unsigned high) {
        auto n = number(v, low, high);
        if (!n) return Error{n.reason()};
        out = Millis{static_cast<std::int64_t>(*n) * 1000};
        return true;
    }

    Result<bool> global(std::string_view key, std::string_view v) {
        auto setPath = [&](std::string& out) -> Result<bool> {
            auto p = path(v);
            if (!p) return Error{p.reason()};
            out = *p;
            return true;
        };
        auto setUnsigned = [&](unsigned& out, unsigned low, unsigned high) -> Result<bool> {
            auto n = number(v, low, high);
            if (!n) return Error{n.reason()};
            out = *n;
            return true;
        };
        auto setPrefixes = [&](std::vector<std::string>& out) -> Result<bool> {
            auto list = parsePrefixList(v);
            if (!list) return Error{list.reason()};
            out = *list;
            return true;
        };
        if (key == "socket") return setPath(config_.socketPath);
        if (key == "run-dir") return setPath(config_.runDir);
        if (key == "journal-dir") return setPath(config_.journalDir);
        if (key == "chat") return setPath(config_.chatPath);
        if (key == "pppd") return setPath(config_.pppdPath);
        if (key == "return-options") return setPath(config_.returnOptions);
        if (key == "lock-dir") {
            // Older versions wrote UUCP locks; the helper never opens a line by name, so it takes
            // none (pppd keeps its own). Kept readable so that an old helper.conf still starts.
            config_.warnings.push_back(std::string(name_) + ":" + std::to_string(lineNo_) +
                                       ": 'lock-dir' is obsolete and ignored (the helper takes no UUCP locks)");
            return true;
        }
        if (key == "max-jobs") return setUnsigned(config_.maxJobs, 1, 4096);
        if (key == "attempts") return setUnsigned(config_.attempts, 1, 10);
        if (key == "backoff") return setMillisFromSeconds(config_.backoff, v, 1, 600);
        if (key == "backoff-max") return setMillisFromSeconds(config_.backoffMax, v, 1, 600);
        if (key == "reset-lead") return setMillisFromSeconds(config_.resetLead, v, 0, 30);
        if (key == "line-wait") return setMillisFromSeconds(config_.lineWait, v, 1, 300);
        if (key == "job-expiry") return setMillisFromSeconds(config_.jobExpiry, v, 10, 3600);
        if (key == "user-per-hour") return setUnsigned(config_.userPerHour, 1, 1000);
        if (key == "number-per-hour") return setUnsigned(config_.numberPerHour, 1, 1000);
        if (key == "history") return setUnsigned(config_.historySize, 1, 1000);
        if (key == "event-hooks") {
            if (v == "none") {
                config_.hooks.directory.clear();
                return true;
            }
            return setPath(config_.hooks.directory);
        }
        if (key == "event-hook-timeout") return setMillisFromSeconds(config_.hooks.timeout, v, 1, 300);
        if (key == "event-hook-queue") {
            unsigned n = 0;
            if (auto r = setUnsigned(n, 1, 10000); !r) return r;
            config_.hooks.queue = n;
            return true;
        }
        if (key == "number-max-digits") {
            unsigned n = 0;
            if (auto r = setUnsigned(n, 4, 32); !r) return r;
            config_.rules.maxDigits = n;
            return true;
        }
        if (key == "number-min-digits") {
            unsigned n = 0;
            if (auto r = setUnsigned(n, 1, 32); !r) return r;
            config_.rules.minDigits = n;
            return true;
        }
        if (key == "international-prefix") {
            if (v.size() > 8 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                return Error{"international-prefix must be up to 8 digits"};
            }
            config_.rules.internationalPrefix = std::string(v);
            return true;
        }
        if (key == "caller-feature-codes") {
            // The helper re-checks every number: it must agree with mscb-number-feature-codes.
            if (v != "yes" && v != "no") return Error{"caller-feature-codes must be yes or no"};
            config_.rules.peerFeatureCodes = v == "yes";
            return true;
        }
        if (key == "caller-id-delay") return setUnsigned(config_.callerIdDelay, 1, 255);
        if (key == "allow-prefixes") return setPrefixes(config_.rules.allowPrefixes);
        if (key == "deny-prefixes") return setPrefixes(config_.rules.denyPrefixes);
        return Error{"unknown key '" + std::string(key) + "'"};
    }

    // A number an operator wrote, checked like any number the helper dials (the global number
    // rules come before the sections), kept canonical so a caller ID compares equal.
    Result<bool> callerId(std::string_view key, std::string_view v) {
        auto number = checkDialNumber(key, config_.rules, NumberSource::Operator);
        if (!number) return Error{"caller-id number " + std::string(key) + ": " + number.reason()};
        if (!isAcceptableUserName(v)) return Error{"caller-id user must be 1-64 printable characters"};
        for (const auto& e : config_.callerIds) {
            if (e.number == number->canonical) return Error{"caller-id number " + std::string(key) + " given twice"};
        }
        config_.callerIds.push_back(CallerIdEntry{number->canonical, std::string(v)});
        return true;
    }

    static Result<bool> modem(ModemConfig& m, std::string_view key, std::string_view v) {
        if (key == "device") {
            auto p = path(v);
            if (!p) return Error{p.reason()};
            if (!isAcceptableLinePath(*p)) return Error{"device must be a path under /dev/"};
            m.device = *p;
            return true;
        }
        if (key == "udev-match") {
            const auto eq = v.find('=');
            if (eq == std::string_view::npos || !isPropertyName(v.substr(0, eq)) ||
                !isAcceptableUserName(v.substr(eq + 1))) {
                return Error{"udev-match must be PROPERTY=value"};
            }
            m.udevMatch = std::make_pair(std::string(v.substr(0, eq)), std::string(v.substr(eq + 1)));
            return true;
        }
        if (key == "init") {
            if (auto r = checkInitString(v); !r) return r;
            m.script.init = std::string(v);
            return true;
        }
        if (key == "dial-prefix") {
            if (auto r = checkDialPrefix(v); !r) return r;
            m.script.dialPrefix = std::string(v);
            return true;
        }
        if (key == "hangup") {
            if (v == "dtr") m.hangup = HangupMethod::Dtr;
            else if (v == "escape") m.hangup = HangupMethod::Escape;
            else return Error{"hangup must be 'dtr' or 'escape'"};
            return true;
        }
        if (key == "dtr-hold-ms") {
            auto n = number(v, 50, 5000);
            if (!n) return Error{n.reason()};
            m.dtrHold = Millis{*n};
            return true;
        }
        if (key == "connect-timeout") return setMillisFromSeconds(m.script.connectTimeout, v, 5, 180);
        if (key == "command-timeout") return setMillisFromSeconds(m.script.commandTimeout, v, 1, 30);
        if (key == "speed") {
            auto n = number(v, 300, 4000000);
            if (!n) return Error{n.reason()};
            m.speed = *n;
            return true;
        }
        if (key == "pool") {
            if (v != "yes" && v != "no") return Error{"pool must be yes or no"};
            m.pool = v == "yes";
            return true;
        }
        return Error{"unknown modem key '" + std::string(key) + "'"};
    }

    Result<HelperConfig> finish() {
        const std::string where = std::string(name_) + ": ";
        if (config_.modems.empty()) return Error{where + "no [modem NAME] section"};
        for (const auto& m : config_.modems) {
            if (m.device.empty() && !m.udevMatch) {
                return Error{where + "modem '" + m.name + "' has neither device nor udev-match"};
            }
            if (m.pool && m.device.empty()) {
                // The helper opens a pool modem by name before any call names it.
                return Error{where + "pool modem '" + m.name + "' needs device (udev-match alone cannot be opened)"};
            }
            if (m.pool && config_.returnOptions.empty()) {
                return Error{where + "pool modem '" + m.name + "' needs return-options (the return call's pppd options file)"};
            }
            for (const auto& other : config_.modems) {
                if (&other != &m && !m.device.empty() && other.device == m.device) {
                    return Error{where + "device " + m.device + " is in two modem sections"};
                }
            }
            // The connector waits a bounded time; a job must fit into it.
            const auto s = config_.dialerSettings(m);
            Millis worst{255000};
            Dialer probe(s, 0);
            for (unsigned a = 1; a <= s.attempts; ++a) {
                worst += scriptTimeBound(ScriptKind::Reset, s.modem) + scriptTimeBound(ScriptKind::Dial, s.modem) +
                         2 * s.watchdogSlack + (a > 1 ? probe.backoffFor(a) : Millis{0});
            }
            worst += scriptTimeBound(ScriptKind::Hangup, s.modem) + scriptTimeBound(ScriptKind::OffHook, s.modem);
            if (worst > kConnectorTimeout) {
                return Error{where + "modem '" + m.name + "': worst-case job time " +
                             std::to_string(worst.count() / 1000) + " s exceeds the connector's " +
                             std::to_string(kConnectorTimeout.count() / 1000) +
                             " s (lower attempts, backoff or connect-timeout)"};
            }
        }
        if (config_.backoffMax < config_.backoff) return Error{where + "backoff-max is below backoff"};
        if (!config_.callerIds.empty() &&
            std::none_of(config_.modems.begin(), config_.modems.end(), [](const ModemConfig& m) { return m.pool; })) {
            // The answering line belongs to its getty: a caller-ID callback dials from the pool.
            return Error{where + "[caller-id] needs a pool modem (pool = yes)"};
        }
        return config_;
    }

    std::string_view name_;
    bool inCallerId_ = false;
    unsigned lineNo_ = 0;
    HelperConfig config_;
    std::vector<std::string> seen_;
};

}  // namespace

DialerSettings HelperConfig::dialerSettings(const ModemConfig& modem) const {
    DialerSettings s;
    s.hangup = modem.hangup;
    s.dtrHold = modem.dtrHold;
    s.resetLead = resetLead;
    s.attempts = attempts;
    s.backoffBase = backoff;
    s.backoffMax = backoffMax;
    s.lineWait = lineWait;
    s.modem = modem.script;
    return s;
}

Result<HelperConfig> parseConfig(std::string_view text, std::string_view name) {
    return Parser(name).run(text);
}

}  // namespace mscb::helper
