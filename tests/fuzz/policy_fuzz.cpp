// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the callback policy parsers (parsePolicySpec, parsePolicyFile) and offerFor.
// Invariants: every number in a parsed policy passes the firewall unchanged as an operator
// number; a list holds 1..4 numbers; delay-min <= delay-max; describePolicy re-parses to the same
// policy; an offer is never empty unless the policy is mandatory and callback is impossible.
#include "fuzz_util.hpp"
#include "mscb/core/callback_policy.hpp"
#include "mscb/helper_message.hpp"

using namespace mscb;
using namespace mscb::core;

namespace {

void checkNumber(const std::string& number, const DialRules& rules) {
    auto again = checkDialNumber(number, rules, NumberSource::Operator);
    FUZZ_CHECK(again.ok() && again->canonical == number, "policy number '%s' not canonical: %s", number.c_str(),
               again.ok() ? "changed" : again.reason().c_str());
}

bool samePolicy(const UserPolicy& a, const UserPolicy& b) {
    return a.kind == b.kind && a.presetNumber == b.presetNumber && a.listNumbers == b.listNumbers &&
           a.mandatory == b.mandatory;  // describePolicy leaves the delays out
}

void checkPolicy(const UserPolicy& p, const DialRules& rules) {
    switch (p.kind) {
    case PolicyKind::None:
        FUZZ_CHECK(p.presetNumber.empty() && p.listNumbers.empty() && !p.mandatory, "'none' with extras");
        break;
    case PolicyKind::User: FUZZ_CHECK(p.presetNumber.empty() && p.listNumbers.empty(), "'user' with numbers"); break;
    case PolicyKind::Preset: checkNumber(p.presetNumber, rules); break;
    case PolicyKind::List:
        FUZZ_CHECK(!p.listNumbers.empty() && p.listNumbers.size() <= 4, "list of %zu", p.listNumbers.size());
        for (const auto& n : p.listNumbers) checkNumber(n, rules);
        break;
    }
    if (p.delayMin && p.delayMax) FUZZ_CHECK(*p.delayMin <= *p.delayMax, "delay-min > delay-max");
    for (bool possible : {false, true}) {
        const auto offer = offerFor(p, possible);
        if (offer.empty()) FUZZ_CHECK(p.mandatory && (!possible || !p.offersCallback()), "empty offer");
        if (!possible) FUZZ_CHECK(!offer.offersCallback(), "callback offered while impossible");
        if (p.mandatory && p.offersCallback()) FUZZ_CHECK(!offer.noCallback, "mandatory policy offers no-callback");
    }
    // The log description is itself a valid spec for the same policy (delays aside).
    auto back = parsePolicySpec(describePolicy(p), rules);
    FUZZ_CHECK(back.ok() && samePolicy(*back, p), "describePolicy '%s' does not re-parse: %s",
               describePolicy(p).c_str(), back.ok() ? "differs" : back.reason().c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteSource in(data, size);
    const auto rules = fuzz::dialRules(in, in.flag());
    const bool asFile = in.flag();
    const auto text = in.rest();
    if (!asFile) {
        auto policy = parsePolicySpec(text, rules);
        if (policy) checkPolicy(*policy, rules);
        else FUZZ_CHECK(!policy.reason().empty(), "error without a reason");
        return 0;
    }
    auto table = parsePolicyFile(text, rules);
    if (!table) {
        FUZZ_CHECK(table.reason().rfind("line ", 0) == 0, "file error without a line: %s", table.reason().c_str());
        return 0;
    }
    const UserPolicy optionDefault;
    for (const auto& [user, policy] : table->users) {
        FUZZ_CHECK(isAcceptableUserName(user) && user != "*", "user name '%s' accepted", user.c_str());
        checkPolicy(policy, rules);
        FUZZ_CHECK(&lookupPolicy(*table, user, optionDefault) == &policy, "lookup of '%s' misses", user.c_str());
    }
    if (table->defaultEntry) checkPolicy(*table->defaultEntry, rules);
    return 0;
}
