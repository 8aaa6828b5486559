// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the helper's config parser (parseConfig), the chat scripts generated from what it
// accepts, and the udev overrides of matchModem.
// Input: config text, then optionally a NUL and a line + udev properties (DeviceInfo).
// Invariants: an accepted config's modems pass checkInitString / checkDialPrefix, so do the
// settings after udev overrides; every generated script is well-quoted chat(8) text whose only
// escapes are the fixed \d \c \r \T, with \T (the number) only in the dial script.
#include <algorithm>

#include "chat_script.hpp"
#include "config.hpp"
#include "fuzz_util.hpp"
#include "modem_match.hpp"

using namespace mscb;
using namespace mscb::helper;

namespace {

void checkScript(ScriptKind kind, const ModemScriptSettings& s) {
    FUZZ_CHECK(checkInitString(s.init).ok() && checkDialPrefix(s.dialPrefix).ok(), "unchecked modem settings");
    const auto text = generateChatScript(kind, s);
    std::size_t numbers = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        FUZZ_CHECK(eol != std::string::npos, "script does not end with a newline");
        const std::string_view line(text.data() + pos, eol - pos);
        pos = eol + 1;
        if (line.rfind("# ", 0) == 0) continue;
        FUZZ_CHECK(std::count(line.begin(), line.end(), '\'') % 2 == 0, "odd quotes in '%.*s'",
                   static_cast<int>(line.size()), line.data());
        for (std::size_t i = 0; i < line.size(); ++i) {
            const auto c = static_cast<unsigned char>(line[i]);
            FUZZ_CHECK(c >= 0x20 && c < 0x7f && c != '^' && c != '"', "byte %02x in a script line", c);
            if (c == '\\') {
                FUZZ_CHECK(i + 1 < line.size() && std::string_view("dcrT").find(line[i + 1]) != std::string_view::npos,
                           "escape '\\%c' in a script", i + 1 < line.size() ? line[i + 1] : '?');
                if (line[i + 1] == 'T') ++numbers;
                ++i;
            }
        }
    }
    FUZZ_CHECK(numbers == (kind == ScriptKind::Dial ? 1U : 0U), "%zu \\T in a %s script", numbers, toString(kind));
    FUZZ_CHECK(scriptTimeBound(kind, s).count() > 0, "non-positive time bound");
    (void)dialTypingTime(s, 20);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto nul = input.find('\0');
    const auto text = input.substr(0, nul);

    auto config = parseConfig(text, "fuzz.conf");
    if (!config) {
        FUZZ_CHECK(config.reason().rfind("fuzz.conf", 0) == 0, "error without the file name: %s",
                   config.reason().c_str());
        return 0;
    }
    FUZZ_CHECK(config->rules.maxDigits >= 4 && config->rules.maxDigits <= 32, "maxDigits %zu",
               config->rules.maxDigits);
    for (const auto& modem : config->modems) {
        FUZZ_CHECK(!modem.device.empty() || modem.udevMatch, "modem '%s' matches nothing", modem.name.c_str());
        if (!modem.device.empty()) FUZZ_CHECK(isAcceptableLinePath(modem.device), "device '%s'", modem.device.c_str());
        for (auto kind : {ScriptKind::Hangup, ScriptKind::OffHook, ScriptKind::Reset, ScriptKind::Dial}) {
            checkScript(kind, modem.script);
        }
        (void)config->dialerSettings(modem);
    }
    if (nul == std::string_view::npos || config->modems.empty()) return 0;

    // "line\0KEY=VALUE\0KEY=VALUE..." after the NUL: the udev adapter's view of a tty.
    fuzz::ByteSource in(data + nul + 1, size - nul - 1);
    const bool withDevice = in.flag();
    std::string rest(in.rest());
    std::vector<std::string> parts;
    for (std::size_t p = 0; p <= rest.size();) {
        auto q = rest.find('\0', p);
        if (q == std::string::npos) q = rest.size();
        parts.push_back(rest.substr(p, q - p));
        p = q + 1;
    }
    const std::string line = parts.empty() ? std::string() : parts[0];
    std::optional<DeviceInfo> device;
    if (withDevice) {
        device = DeviceInfo{line, "tty", {}};
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const auto eq = parts[i].find('=');
            if (eq != std::string::npos) device->properties[parts[i].substr(0, eq)] = parts[i].substr(eq + 1);
        }
    }
    std::vector<std::string> warnings;
    auto match = matchModem(config->modems, line, device, &warnings);
    if (match) {
        for (auto kind : {ScriptKind::Hangup, ScriptKind::OffHook, ScriptKind::Reset, ScriptKind::Dial}) {
            checkScript(kind, match->script);
        }
    }
    return 0;
}
