// SPDX-License-Identifier: GPL-2.0-or-later
// The responder end of a 3GPP TS 27.010 (GSM 07.10) basic-option mux, pure (no I/O).
#include "gsm.h"

namespace mscb::pstn {
namespace {

constexpr std::uint8_t kFlag = 0xF9;
constexpr std::uint8_t kEa = 0x01;
constexpr std::uint8_t kCr = 0x02;
constexpr std::uint8_t kPf = 0x10;
constexpr std::uint8_t kSabm = 0x2F;
constexpr std::uint8_t kUa = 0x63;
constexpr std::uint8_t kDm = 0x0F;
constexpr std::uint8_t kDisc = 0x43;
constexpr std::uint8_t kUih = 0xEF;
constexpr std::uint8_t kUi = 0x03;
constexpr std::uint8_t kGoodFcs = 0xCF;

// Control-channel message types: the type octet without its C/R and EA bits.
constexpr std::uint8_t kTypeMask = 0xFC;
constexpr std::uint8_t kMsgPn = 0x80, kMsgPsc = 0x40, kMsgCld = 0xC0, kMsgTest = 0x20,
                       kMsgFcon = 0xA0, kMsgFcoff = 0x60, kMsgMsc = 0xE0, kMsgNsc = 0x10;

std::uint8_t crcByte(std::uint8_t crc, std::uint8_t c) {
  crc ^= c;
  for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint8_t>((crc >> 1) ^ 0xE0) : static_cast<std::uint8_t>(crc >> 1);
  return crc;
}

std::uint8_t u8(char c) { return static_cast<std::uint8_t>(c); }
char ch(std::size_t v) { return static_cast<char>(v & 0xFF); }

}  // namespace

std::uint8_t gsmFcs(std::string_view headerBytes) {
  std::uint8_t crc = 0xFF;
  for (char c : headerBytes) crc = crcByte(crc, u8(c));
  return static_cast<std::uint8_t>(0xFF - crc);
}

std::string gsmFrame(unsigned dlci, bool cr, std::uint8_t control, std::string_view data) {
  std::string header;
  header += ch((dlci << 2) | (cr ? kCr : 0) | kEa);
  header += ch(control);
  if (data.size() < 128) {
    header += ch((data.size() << 1) | kEa);
  } else {
    header += ch((data.size() & 127) << 1);
    header += ch(data.size() >> 7);
  }
  // UIH frames check the header only; every other frame type covers the data too
  std::string covered = header;
  if ((control & ~kPf) != kUih) covered += data;
  std::string f(1, static_cast<char>(kFlag));
  f += header;
  f += data;
  f += ch(gsmFcs(covered));
  f += static_cast<char>(kFlag);
  return f;
}

std::vector<GsmEvent> GsmResponder::feed(std::string_view bytes) {
  std::vector<GsmEvent> events;
  for (char c : bytes) {
    const std::uint8_t b = u8(c);
    switch (state_) {
      case State::Search:
      case State::End:
        if (b == kFlag) state_ = State::Address;
        else if (state_ == State::End) ++bad_;  // a frame must end with a flag
        if (state_ == State::End) state_ = State::Search;
        break;
      case State::Address:
        if (b == kFlag) break;  // back-to-back flags
        fcs_ = crcByte(0xFF, b);
        address_ = b;
        // only one-octet addresses exist (DLCI < 64)
        state_ = (b & kEa) ? State::Control : State::Search;
        if (!(b & kEa)) ++bad_;
        break;
      case State::Control:
        fcs_ = crcByte(fcs_, b);
        control_ = b;
        state_ = State::Len0;
        break;
      case State::Len0:
        fcs_ = crcByte(fcs_, b);
        len_ = b >> 1;
        info_.clear();
        state_ = (b & kEa) ? (len_ ? State::Data : State::Fcs) : State::Len1;
        break;
      case State::Len1:
        fcs_ = crcByte(fcs_, b);
        len_ |= static_cast<std::size_t>(b) << 7;
        state_ = len_ ? State::Data : State::Fcs;
        break;
      case State::Data:
        info_ += c;
        if (info_.size() == len_) {
          if ((control_ & ~kPf) != kUih) {
            for (char d : info_) fcs_ = crcByte(fcs_, u8(d));
          }
          state_ = State::Fcs;
        }
        break;
      case State::Fcs:
        fcs_ = crcByte(fcs_, b);
        if (fcs_ == kGoodFcs) {
          frame(events);
        } else {
          ++bad_;
        }
        state_ = State::End;
        break;
    }
  }
  return events;
}

void GsmResponder::frame(std::vector<GsmEvent>& events) {
  const unsigned dlci = address_ >> 2;
  const std::uint8_t type = static_cast<std::uint8_t>(control_ & ~kPf);
  // The initiator sends commands with C/R=1; the responder answers with C/R=1 too.
  switch (type) {
    case kSabm:
      out_ += gsmFrame(dlci, true, kUa | kPf, {});
      if (!open_[dlci]) {
        open_[dlci] = true;
        GsmEvent e;
        e.kind = dlci == 0 ? GsmEvent::Kind::Mux : GsmEvent::Kind::Open;
        e.dlci = dlci;
        events.push_back(std::move(e));
      }
      break;
    case kDisc:
      if (!open_[dlci]) {
        out_ += gsmFrame(dlci, true, kDm | kPf, {});
        break;
      }
      out_ += gsmFrame(dlci, true, kUa | kPf, {});
      if (dlci == 0) {
        // the whole mux closes: every channel with it
        for (unsigned d = 1; d < 64; ++d) {
          if (!open_[d]) continue;
          open_[d] = false;
          GsmEvent e;
          e.kind = GsmEvent::Kind::Close;
          e.dlci = d;
          events.push_back(std::move(e));
        }
        open_[0] = false;
      } else {
        open_[dlci] = false;
        GsmEvent e;
        e.kind = GsmEvent::Kind::Close;
        e.dlci = dlci;
        events.push_back(std::move(e));
      }
      break;
    case kUih:
    case kUi:
      if (!open_[dlci]) {
        out_ += gsmFrame(dlci, true, static_cast<std::uint8_t>(kDm | (control_ & kPf)), {});
      } else if (dlci == 0) {
        controlMessage(info_, events);
      } else if (!info_.empty()) {
        GsmEvent e;
        e.kind = GsmEvent::Kind::Data;
        e.dlci = dlci;
        e.data = info_;
        events.push_back(std::move(e));
      }
      break;
    default:
      break;  // UA/DM: we never send commands that expect them
  }
}

void GsmResponder::controlMessage(std::string_view info, std::vector<GsmEvent>& events) {
  // type octet, length octet(s), value; several messages may share a frame
  while (info.size() >= 2) {
    const std::uint8_t typeOctet = u8(info[0]);
    std::size_t pos = 1;
    std::size_t len = 0;
    unsigned shift = 0;
    for (;;) {
      if (pos >= info.size()) {
        ++bad_;
        return;
      }
      const std::uint8_t l = u8(info[pos++]);
      len |= static_cast<std::size_t>(l >> 1) << shift;
      shift += 7;
      if (l & kEa) break;
    }
    if (info.size() - pos < len) {
      ++bad_;
      return;
    }
    const std::string_view value = info.substr(pos, len);
    info.remove_prefix(pos + len);
    if (!(typeOctet & kCr)) continue;  // a response to one of our commands: nothing to do
    if ((typeOctet & kTypeMask) == kMsgMsc && value.size() >= 2) {
      GsmEvent e;
      e.kind = GsmEvent::Kind::Modem;
      e.dlci = u8(value[0]) >> 2;
      e.bits = static_cast<std::uint8_t>(u8(value[1]) >> 1);
      events.push_back(std::move(e));
    }
    uih0(typeOctet, value);
  }
}

// Answers one control command (the initiator blocks its ioctl until MSC is answered).
void GsmResponder::uih0(std::uint8_t typeOctet, std::string_view value) {
  const std::uint8_t type = static_cast<std::uint8_t>(typeOctet & kTypeMask);
  std::string reply;
  switch (type) {
    case kMsgMsc:
    case kMsgTest:
    case kMsgPn:
    case kMsgPsc:
    case kMsgCld:
    case kMsgFcon:
    case kMsgFcoff:
      reply += ch(type | kEa);  // same type, C/R clear: a response
      reply += ch((value.size() << 1) | kEa);
      reply += value;
      break;
    default:
      reply += ch(kMsgNsc | kEa);
      reply += ch((1 << 1) | kEa);
      reply += ch(typeOctet);
      break;
  }
  out_ += gsmFrame(0, false, kUih, reply);
}

void GsmResponder::sendData(unsigned dlci, std::string_view data) {
  while (!data.empty()) {
    const std::size_t n = data.size() < mtu_ ? data.size() : mtu_;
    out_ += gsmFrame(dlci, false, kUih, data.substr(0, n));
    data.remove_prefix(n);
  }
}

void GsmResponder::sendModemStatus(unsigned dlci, std::uint8_t bits) {
  std::string msg;
  msg += ch(kMsgMsc | kCr | kEa);
  msg += ch((2 << 1) | kEa);
  msg += ch((dlci << 2) | kCr | kEa);
  msg += ch((static_cast<unsigned>(bits) << 1) | kEa);
  out_ += gsmFrame(0, false, kUih, msg);
}

std::string GsmResponder::takeOutput() {
  std::string o;
  o.swap(out_);
  return o;
}

}  // namespace mscb::pstn
