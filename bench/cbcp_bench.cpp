// SPDX-License-Identifier: GPL-2.0-or-later
// Plugin-core CPU per CBCP packet (doc/performance.md §1): the codec, the answerer state machine
// with a host that does nothing, the debug printer and the dial-string firewall. Pure core, no
// pppd: what mscb.so adds to pppd's per-packet work is this plus the glue's copy of the bytes.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "mscb/core/cbcp_codec.hpp"
#include "mscb/core/cbcp_server.hpp"
#include "mscb/dial_number.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
using namespace mscb;
using namespace mscb::core;

// A Response as Windows and the pppd client send it: USER, delay 5, number 5551234.
Bytes userResponse(std::uint8_t id = 1, const std::string& number = "5551234") {
    // Built byte by byte: g++ 12 -O2 sees a false -Warray-bounds in vector::insert here.
    const auto optionLength = static_cast<std::uint8_t>(4 + number.size() + 1);
    Bytes packet;
    packet.reserve(4U + optionLength);
    for (std::uint8_t b : {std::uint8_t{2}, id, std::uint8_t{0}, static_cast<std::uint8_t>(4 + optionLength),
                           std::uint8_t{2}, optionLength, std::uint8_t{5}, kAddressTypePstn}) {
        packet.push_back(b);
    }
    for (char c : number) packet.push_back(static_cast<std::uint8_t>(c));
    packet.push_back(0);
    return packet;
}

// Malformed packets, one per rule the parser enforces (index = benchmark argument).
const std::vector<std::pair<const char*, Bytes>>& malformedPackets() {
    static const std::vector<std::pair<const char*, Bytes>> packets = [] {
        std::vector<std::pair<const char*, Bytes>> p;
        p.emplace_back("short-header", Bytes{2, 1, 0});
        p.emplace_back("length-past-end", Bytes{2, 1, 0, 40, 2, 5, 0, 1, '5', 0});
        Bytes badType = userResponse();
        badType[7] = 7;  // address type 7
        p.emplace_back("bad-address-type", badType);
        Bytes nonPrint = userResponse();
        nonPrint[9] = 0x07;  // BEL inside the number
        p.emplace_back("non-printable", nonPrint);
        Bytes noNul = userResponse();
        noNul.back() = '9';
        p.emplace_back("no-nul", noNul);
        p.emplace_back("address-65-bytes", [] {
            Bytes b{2, 1, 0, 0, 2, 0, 5, 1};
            b.insert(b.end(), 65, '5');
            b.push_back(0);
            b[5] = static_cast<std::uint8_t>(b.size() - 4);
            b[3] = static_cast<std::uint8_t>(b.size());
            return b;
        }());
        return p;
    }();
    return packets;
}

class NullHost final : public ServerHost {
public:
    void sendCbcp(const std::vector<std::uint8_t>& packet) override {
        benchmark::DoNotOptimize(packet.data());
        sent += packet.size();
    }
    void armTimer(std::chrono::milliseconds) override {}
    void cancelTimer() override {}
    void startNetworks() override {}
    void closeLink(const std::string&) override {}
    void callbackArmed(const Agreement&) override {}
    void handOff(const Agreement&) override {}
    void log(LogLevel, const std::string& text) override { benchmark::DoNotOptimize(text.data()); }
    std::size_t sent = 0;
};

void BM_ParseValidResponse(benchmark::State& state) {
    const Bytes packet = userResponse();
    for (auto _ : state) {
        auto parsed = parseCbcpPacket(packet);
        benchmark::DoNotOptimize(parsed);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(packet.size()));
}

void BM_ParseMalformed(benchmark::State& state) {
    const auto& [name, packet] = malformedPackets().at(static_cast<std::size_t>(state.range(0)));
    state.SetLabel(name);
    for (auto _ : state) {
        auto parsed = parseCbcpPacket(packet);
        benchmark::DoNotOptimize(parsed);
    }
}

// One whole first-call exchange: Request out, the caller's Response in, Ack out, link down.
void BM_Exchange(benchmark::State& state) {
    const Bytes response = userResponse();
    NullHost host;
    Offer offer;
    offer.noCallback = true;
    offer.user = true;
    for (auto _ : state) {
        CbcpServer server(ServerConfig{}, host);
        server.start(offer);
        server.onPacket(response);
        server.onLinkDown();
        benchmark::DoNotOptimize(server.state());
    }
    if (host.sent == 0) state.SkipWithError("nothing sent");
}

// A Response whose number the firewall refuses: re-Request (the hostile-caller path).
void BM_ExchangeHostileNumber(benchmark::State& state) {
    const Bytes response = userResponse(1, "555;ATH");
    NullHost host;
    Offer offer;
    offer.noCallback = true;
    offer.user = true;
    for (auto _ : state) {
        CbcpServer server(ServerConfig{}, host);
        server.start(offer);
        server.onPacket(response);
        benchmark::DoNotOptimize(server.state());
    }
}

void BM_DescribeCbcp(benchmark::State& state) {
    static const std::vector<std::pair<const char*, Bytes>> packets = {
        {"request", serializeCbcp(CbcpCode::Request, 1, {noCallbackOption(), userOption()})},
        {"response", userResponse()},
        {"malformed", malformedPackets()[3].second},
    };
    const auto& [name, packet] = packets.at(static_cast<std::size_t>(state.range(0)));
    state.SetLabel(name);
    for (auto _ : state) {
        auto text = describeCbcp(packet);
        benchmark::DoNotOptimize(text);
    }
}

void BM_CheckDialNumber(benchmark::State& state) {
    static const std::vector<std::string> numbers = {"5551234", "(555) 123-4567",
                                                     "12345678901234567890", "555;1234"};
    const auto& number = numbers.at(static_cast<std::size_t>(state.range(0)));
    state.SetLabel(number);
    const DialRules rules;
    for (auto _ : state) {
        auto result = checkDialNumber(number, rules, NumberSource::Peer);
        benchmark::DoNotOptimize(result);
    }
}

}  // namespace

// Registered here rather than with BENCHMARK(): with MSCB_BENCH_ITERATIONS=N every benchmark runs
// exactly N iterations, which is what the callgrind instruction counts need (bench/core-instructions.sh
// runs two iteration counts and divides the difference, so set-up cancels out).
int main(int argc, char** argv) {
    const char* fixed = std::getenv("MSCB_BENCH_ITERATIONS");
    const auto iterations = fixed ? std::strtoll(fixed, nullptr, 10) : 0;
    struct Entry {
        const char* name;
        void (*fn)(benchmark::State&);
        int args;  // 0: none, else DenseRange(0, args - 1)
    };
    const Entry entries[] = {
        {"BM_ParseValidResponse", BM_ParseValidResponse, 0},
        {"BM_ParseMalformed", BM_ParseMalformed, 6},
        {"BM_Exchange", BM_Exchange, 0},
        {"BM_ExchangeHostileNumber", BM_ExchangeHostileNumber, 0},
        {"BM_DescribeCbcp", BM_DescribeCbcp, 3},
        {"BM_CheckDialNumber", BM_CheckDialNumber, 4},
    };
    for (const auto& e : entries) {
        auto* b = benchmark::RegisterBenchmark(e.name, e.fn);
        if (e.args > 0) b->DenseRange(0, e.args - 1);
        if (iterations > 0) b->Iterations(iterations);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
