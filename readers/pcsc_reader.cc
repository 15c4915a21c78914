#include "readers/pcsc_reader.h"

#include <PCSC/pcsclite.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>

#include "readers/atr.h"
#include "readers/pcsc_error.h"

namespace esim {
namespace {

constexpr DWORD kProtocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;

DWORD ShareFlag(PcscReader::ShareMode share) {
  return share == PcscReader::ShareMode::kShared ? SCARD_SHARE_SHARED : SCARD_SHARE_EXCLUSIVE;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "0: 'Virtual PCD 00 00', 1: 'Virtual PCD 00 01'": what every reader-choice error lists.
std::string Listing(const std::vector<std::string>& readers) {
  std::string out = "readers: ";
  for (size_t i = 0; i < readers.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(i) + ": '" + readers[i] + "'";
  }
  return out;
}

// Frees what pcsc-lite allocated for SCARD_AUTOALLOCATE (no exchange with pcscd).
struct PcscMemoryFree {
  SCARDCONTEXT context;
  void operator()(char* memory) const { SCardFreeMemory(context, memory); }
};

PcscReaderStatus FromState(const SCARD_READERSTATE& rs) {
  PcscReaderStatus st;
  st.name = rs.szReader;
  const DWORD ev = rs.dwEventState;
  st.card_present = (ev & SCARD_STATE_PRESENT) != 0;
  st.mute = (ev & SCARD_STATE_MUTE) != 0;
  st.in_use = (ev & (SCARD_STATE_INUSE | SCARD_STATE_EXCLUSIVE)) != 0;
  st.exclusive = (ev & SCARD_STATE_EXCLUSIVE) != 0;
  if (st.card_present) {
    const size_t n = std::min<size_t>(rs.cbAtr, sizeof rs.rgbAtr);
    st.atr.assign(rs.rgbAtr, rs.rgbAtr + n);
  }
  return st;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PcscContext

Result<std::unique_ptr<PcscContext>> PcscContext::Establish() {
  SCARDCONTEXT context = 0;
  const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "connecting to pcscd");
  return std::make_unique<PcscContext>(Key(), context);
}

PcscContext::~PcscContext() { SCardReleaseContext(context_); }

Result<std::vector<std::string>> PcscContext::ListReaders() {
  // One exchange with pcscd: the library sizes and allocates the list itself.
  LPSTR list = nullptr;
  DWORD size = SCARD_AUTOALLOCATE;
  const LONG rv = SCardListReaders(context_, nullptr, reinterpret_cast<LPSTR>(&list), &size);
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "listing readers");
  const std::unique_ptr<char, PcscMemoryFree> owned(list, PcscMemoryFree{context_});
  // A multi-string: names separated by NUL, ended by an empty name.
  std::vector<std::string> names;
  for (const char* name = list; name < list + size && *name != '\0'; name += names.back().size() + 1) {
    names.emplace_back(name, strnlen(name, static_cast<size_t>(list + size - name)));
  }
  if (names.empty()) return PcscError(SCARD_E_NO_READERS_AVAILABLE, "listing readers");
  return names;
}

Result<PcscReaderStatus> PcscContext::QueryReader(const std::string& reader_name) {
  SCARD_READERSTATE rs{};
  rs.szReader = reader_name.c_str();
  rs.dwCurrentState = SCARD_STATE_UNAWARE;
  // Timeout 0 with UNAWARE: pcscd answers with the current state at once.
  const LONG rv = SCardGetStatusChange(context_, 0, &rs, 1);
  if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
    return PcscError(rv, "reading the state of reader '" + reader_name + "'");
  }
  if (rs.dwEventState & SCARD_STATE_UNKNOWN) {
    return PcscError(SCARD_E_UNKNOWN_READER, "reader '" + reader_name + "'");
  }
  return FromState(rs);
}

Result<std::vector<PcscReaderStatus>> PcscContext::QueryAll() {
  auto names = ListReaders();
  if (!names.ok()) {
    if (names.status().code() == ErrorCode::kNoReader) return std::vector<PcscReaderStatus>{};
    return names.status();
  }
  return QueryStates(*names);
}

Result<std::vector<PcscReaderStatus>> PcscContext::QueryStates(const std::vector<std::string>& names) {
  std::vector<SCARD_READERSTATE> states(names.size());
  for (size_t i = 0; i < states.size(); ++i) {
    states[i].szReader = names[i].c_str();
    states[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  const LONG rv =
      SCardGetStatusChange(context_, 0, states.data(), static_cast<DWORD>(states.size()));
  if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) {
    return PcscError(rv, "reading the state of the readers");
  }
  std::vector<PcscReaderStatus> out;
  for (const SCARD_READERSTATE& rs : states) {
    if (rs.dwEventState & SCARD_STATE_UNKNOWN) continue;  // unplugged since the listing
    out.push_back(FromState(rs));
  }
  return out;
}

Status PcscContext::WaitForCard(const std::string& reader_name, uint32_t timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  SCARD_READERSTATE rs{};
  rs.szReader = reader_name.c_str();
  rs.dwCurrentState = SCARD_STATE_UNAWARE;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const DWORD wait = left.count() > 0 ? static_cast<DWORD>(left.count()) : 0;
    const LONG rv = SCardGetStatusChange(context_, wait, &rs, 1);
    if (rv == SCARD_E_TIMEOUT) break;
    if (rv != SCARD_S_SUCCESS) {
      return PcscError(rv, "waiting for a card in reader '" + reader_name + "'");
    }
    if (rs.dwEventState & SCARD_STATE_UNKNOWN) {
      return PcscError(SCARD_E_UNKNOWN_READER, "reader '" + reader_name + "'");
    }
    if (rs.dwEventState & SCARD_STATE_PRESENT) return Status::Ok();
    if (wait == 0) break;
    rs.dwCurrentState = rs.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
  }
  return Status(ErrorCode::kNoCard, "reader '" + reader_name + "' holds no card (insert the card)");
}

Result<std::string> PcscContext::ResolveReader(const std::string& spec) {
  ESIM_ASSIGN_OR_RETURN(std::vector<std::string> readers, ListReaders());
  std::vector<bool> present(readers.size(), false);
  if (spec.empty() && readers.size() > 1) {
    // Only the "pick the reader with a card" rule needs the card states.
    ESIM_ASSIGN_OR_RETURN(std::vector<PcscReaderStatus> states, QueryStates(readers));
    for (size_t i = 0; i < readers.size(); ++i) {
      for (const PcscReaderStatus& st : states) {
        if (st.name == readers[i]) present[i] = st.card_present;
      }
    }
  }
  return ResolveReaderName(spec, readers, present);
}

Result<std::string> ResolveReaderName(const std::string& spec,
                                      const std::vector<std::string>& readers,
                                      const std::vector<bool>& card_present) {
  if (readers.empty()) return PcscError(SCARD_E_NO_READERS_AVAILABLE, "choosing a reader");
  if (spec.empty()) {
    if (readers.size() == 1) return readers[0];
    std::vector<std::string> with_card;
    for (size_t i = 0; i < readers.size(); ++i) {
      if (i < card_present.size() && card_present[i]) with_card.push_back(readers[i]);
    }
    if (with_card.size() == 1) return with_card[0];
    if (with_card.empty()) {
      return Status(ErrorCode::kNoCard,
                    "none of the " + std::to_string(readers.size()) +
                        " readers holds a card (" + Listing(readers) + ")");
    }
    return Status(ErrorCode::kReaderNotFound,
                  "several readers hold a card; choose one with --reader NAME or INDEX (" +
                      Listing(readers) + ")");
  }
  for (const std::string& r : readers) {
    if (r == spec) return r;
  }
  if (spec.size() <= 9 && std::all_of(spec.begin(), spec.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    const size_t index = std::stoul(spec);
    if (index < readers.size()) return readers[index];
    return Status(ErrorCode::kReaderNotFound,
                  "no reader has index " + spec + " (" + Listing(readers) + ")");
  }
  const std::string needle = Lower(spec);
  std::vector<std::string> matches;
  for (const std::string& r : readers) {
    if (Lower(r).find(needle) != std::string::npos) matches.push_back(r);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.empty()) {
    return Status(ErrorCode::kReaderNotFound,
                  "no reader matches '" + spec + "' (" + Listing(readers) + ")");
  }
  return Status(ErrorCode::kReaderNotFound,
                "'" + spec + "' matches " + std::to_string(matches.size()) +
                    " readers; give more of the name or the index (" + Listing(readers) + ")");
}

// ---------------------------------------------------------------------------------------------
// PcscReader

Result<std::unique_ptr<PcscReader>> PcscReader::Connect(PcscContext& context,
                                                        const std::string& reader_name,
                                                        ShareMode share) {
  ConnectOptions options;
  options.share = share;
  return Connect(context, reader_name, options);
}

Result<std::unique_ptr<PcscReader>> PcscReader::Connect(PcscContext& context,
                                                        const std::string& reader_name,
                                                        ConnectOptions options) {
  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  const DWORD share = ShareFlag(options.share);
  LONG rv = SCardConnect(context.handle(), reader_name.c_str(), share, kProtocols, &card,
                         &protocol);
  if ((rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD) && options.card_wait_ms > 0) {
    // A card that arrived since pcscd's last poll is not seen yet: wait (bounded) for it.
    Status waited = context.WaitForCard(reader_name, options.card_wait_ms);
    if (!waited.ok() && waited.code() != ErrorCode::kNoCard) return waited;
    if (waited.ok()) {
      rv = SCardConnect(context.handle(), reader_name.c_str(), share, kProtocols, &card,
                        &protocol);
    }
  }
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "connecting to reader '" + reader_name + "'");
  return std::make_unique<PcscReader>(Key(), card, protocol, reader_name, options.share);
}

Result<std::unique_ptr<PcscReader>> PcscReader::Open(const std::string& spec, ShareMode share) {
  ESIM_ASSIGN_OR_RETURN(std::unique_ptr<PcscContext> context, PcscContext::Establish());
  ESIM_ASSIGN_OR_RETURN(std::string name, context->ResolveReader(spec));
  ESIM_ASSIGN_OR_RETURN(std::unique_ptr<PcscReader> reader, Connect(*context, name, share));
  reader->owned_context_ = std::move(context);
  return reader;
}

PcscReader::~PcscReader() { SCardDisconnect(card_, SCARD_LEAVE_CARD); }

Result<Bytes> PcscReader::Transmit(ByteView command) {
  // Below 4 bytes there is no command; a 1-byte one would even be taken for a vpcd control byte.
  if (command.size() < 4) {
    return Status(ErrorCode::kInternal, "a C-APDU needs at least CLA INS P1 P2 (got " +
                                            std::to_string(command.size()) + " bytes)");
  }
  const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  DWORD received = static_cast<DWORD>(kReceiveBufferSize);
  const LONG rv = SCardTransmit(card_, pci, command.data(), static_cast<DWORD>(command.size()),
                                nullptr, receive_buffer_.get(), &received);
  if (rv != SCARD_S_SUCCESS) {
    return PcscError(rv, "sending a command to reader '" + name_ + "'", PcscStage::kConnected);
  }
  if (received < 2) {
    // What a reader hands back when the card went away in mid-exchange (vpcd, some USB
    // readers): the same situation as SCARD_E_NOT_TRANSACTED, so the same exit code.
    return Status(ErrorCode::kCardRemoved, "reader '" + name_ + "' returned " +
                                               std::to_string(received) +
                                               " bytes, no status word: was the card removed during the command?");
  }
  return Bytes(receive_buffer_.get(), receive_buffer_.get() + received);
}

Status PcscReader::Reconnect(bool reset) {
  DWORD protocol = 0;
  // Reconnecting is also how a handle recovers after the card came back, so "no card" here
  // means no card (kSetup), not "removed during the command".
  const LONG rv = SCardReconnect(card_, ShareFlag(share_), kProtocols,
                                 reset ? SCARD_RESET_CARD : SCARD_LEAVE_CARD, &protocol);
  if (rv != SCARD_S_SUCCESS) return PcscError(rv, "reconnecting to reader '" + name_ + "'");
  protocol_ = protocol;
  atr_.reset();  // a reset card may answer differently
  return Status::Ok();
}

Bytes PcscReader::Atr() const {
  if (!atr_ && !ReadAtr().ok()) return {};
  return *atr_;
}

bool PcscReader::SupportsExtendedLength() const {
  // Over T=0 an extended-length command has to be carried by ENVELOPE commands, which esimctl
  // does not do: the negotiated protocol must be T=1, and the card must announce extended Lc/Le.
  return protocol_ == SCARD_PROTOCOL_T1 && AtrAnnouncesExtendedLength(Atr());
}

Status PcscReader::ReadAtr() const {
  char name[MAX_READERNAME];
  DWORD name_len = sizeof name;
  DWORD state = 0;
  DWORD protocol = 0;
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr;
  const LONG rv = SCardStatus(card_, name, &name_len, &state, &protocol, atr, &atr_len);
  if (rv != SCARD_S_SUCCESS) {
    return PcscError(rv, "reading the ATR in reader '" + name_ + "'", PcscStage::kConnected);
  }
  atr_ = Bytes(atr, atr + std::min<size_t>(atr_len, sizeof atr));
  return Status::Ok();
}

}  // namespace esim
