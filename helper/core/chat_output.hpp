// SPDX-License-Identifier: GPL-2.0-or-later
// What `chat -v` writes on stderr, cut into log lines. It carries the modem's replies as chat
// echoes them (any byte a modem, or a caller's modem, can produce), so it is peer input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mscb::helper {

struct ChatOutputLine {
    std::string text;  ///< never holds '\n'; at most ChatOutput::kMaxLine bytes
    bool complete;     ///< ended by '\n' (false: cut at kMaxLine, or the rest at exit)
};

/// Splits a byte stream at '\n', however it arrives in reads. Holds at most kMaxLine bytes:
/// a longer line is handed out in kMaxLine pieces, so a modem that never sends a newline
/// cannot grow the helper's memory.
class ChatOutput {
public:
    static constexpr std::size_t kMaxLine = 1024;

    /// The lines that `bytes` completes (or cuts), in order.
    std::vector<ChatOutputLine> feed(std::string_view bytes);
    /// What is left once chat has exited, if anything.
    std::optional<ChatOutputLine> finish();
    [[nodiscard]] std::size_t pending() const { return pending_.size(); }

private:
    std::string pending_;
};

}  // namespace mscb::helper
