// SPDX-License-Identifier: GPL-2.0-or-later
#include "chat_output.hpp"

namespace mscb::helper {

std::vector<ChatOutputLine> ChatOutput::feed(std::string_view bytes) {
    std::vector<ChatOutputLine> lines;
    while (!bytes.empty()) {
        const auto eol = bytes.find('\n');
        const auto room = kMaxLine - pending_.size();
        if (eol != std::string_view::npos && eol <= room) {
            pending_.append(bytes.substr(0, eol));
            lines.push_back({std::move(pending_), true});
            pending_.clear();
            bytes.remove_prefix(eol + 1);
            continue;
        }
        // No newline within this line's room: take what fits; a full line is cut here.
        const auto take = std::min(room, bytes.size());
        pending_.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        if (pending_.size() == kMaxLine) {
            lines.push_back({std::move(pending_), false});
            pending_.clear();
        }
    }
    return lines;
}

std::optional<ChatOutputLine> ChatOutput::finish() {
    if (pending_.empty()) return std::nullopt;
    ChatOutputLine rest{std::move(pending_), false};
    pending_.clear();
    return rest;
}

}  // namespace mscb::helper
