// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: ChatOutput, which cuts chat's stderr (its own lines and the modem's replies as it
// echoes them) into log lines, fed in arbitrary read sizes.
// Invariants: the pieces rebuild the input exactly ('\n' after complete ones); no piece holds
// '\n' or exceeds kMaxLine; a cut piece is exactly kMaxLine; never more than kMaxLine pending;
// the log text made of each piece is printable and capped.
#include "chat_output.hpp"
#include "fuzz_util.hpp"

using namespace mscb;
using namespace mscb::helper;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteSource in(data, size);
    // The first byte picks how reads are sized: tiny, the helper's 512, or input-chosen.
    const auto mode = in.u8() % 3;
    ChatOutput output;
    std::string fed, rebuilt;
    auto take = [&](const ChatOutputLine& line, bool atExit) {
        FUZZ_CHECK(line.text.find('\n') == std::string::npos, "a piece holds a newline");
        FUZZ_CHECK(line.text.size() <= ChatOutput::kMaxLine, "piece of %zu bytes", line.text.size());
        if (!line.complete && !atExit) {
            FUZZ_CHECK(line.text.size() == ChatOutput::kMaxLine, "cut at %zu bytes", line.text.size());
        }
        rebuilt += line.text;
        if (line.complete) rebuilt += '\n';
        const std::string logged = escapeForLog(line.text, 400);
        for (char c : logged) FUZZ_CHECK(c >= 0x20 && c < 0x7f, "unprintable byte 0x%02x logged", c & 0xff);
        FUZZ_CHECK(logged.size() <= 4 * 400 + 16, "log text of %zu bytes", logged.size());
    };
    while (!in.empty()) {
        std::size_t n = mode == 0 ? in.range(1, 3) : mode == 1 ? 512 : static_cast<std::size_t>(in.u16() % 3000);
        const auto chunk = in.bytes(n);
        const std::string_view bytes(reinterpret_cast<const char*>(chunk.data()), chunk.size());
        fed += bytes;
        for (const auto& line : output.feed(bytes)) take(line, false);
        FUZZ_CHECK(output.pending() <= ChatOutput::kMaxLine, "%zu bytes pending", output.pending());
    }
    if (auto rest = output.finish()) take(*rest, true);
    FUZZ_CHECK(output.pending() == 0 && !output.finish(), "something left after finish");
    FUZZ_CHECK(rebuilt == fed, "pieces do not rebuild the input (%zu vs %zu bytes)", rebuilt.size(), fed.size());
    return 0;
}
