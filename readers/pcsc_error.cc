#include "readers/pcsc_error.h"

#include <PCSC/pcsclite.h>

#include <cstdio>

namespace esim {
namespace {

struct Mapping {
  ErrorCode code;
  const char* text;  // what happened and, where there is one, what to do
};

// The meaning of each code as esimctl sees it. Codes that only smart-card "file system" or
// PIN APIs produce (SCARD_E_NO_FILE, SCARD_W_WRONG_CHV, ...) never come from pcsc-lite's
// transmit path, but are mapped anyway so no message is ever a bare number.
Mapping Map(LONG rv, PcscStage stage) {
  const bool connected = stage == PcscStage::kConnected;
  switch (rv) {
    // The daemon.
    case SCARD_E_NO_SERVICE:
      return {ErrorCode::kNoService,
              "pcscd is not running (start it with 'pcscd', or check PCSCLITE_CSOCK_NAME)"};
    case SCARD_E_SERVICE_STOPPED:
      return {ErrorCode::kNoService, "pcscd stopped; start it again and rerun the command"};
    case SCARD_F_COMM_ERROR:
      // A blocked call sees this when pcscd goes away under it (restart, crash).
      return {ErrorCode::kNoService, "lost the connection to pcscd (was it restarted?)"};
    case SCARD_P_SHUTDOWN:
      return {ErrorCode::kNoService, "pcscd is shutting down"};
    case SCARD_E_SERVER_TOO_BUSY:
      return {ErrorCode::kReaderError, "pcscd is too busy; retry"};
    case SCARD_E_INVALID_HANDLE:
      // A handle (context or card) that pcscd no longer knows: in practice pcscd was restarted.
      return {ErrorCode::kNoService, "pcscd no longer knows this connection (was it restarted?)"};

    // Readers.
    case SCARD_E_NO_READERS_AVAILABLE:
      return {ErrorCode::kNoReader, "no smart-card reader is attached"};
    case SCARD_E_UNKNOWN_READER:
      return {ErrorCode::kReaderNotFound,
              "the reader is not known to pcscd (unplugged? 'esimctl readers' lists them)"};
    case SCARD_E_READER_UNAVAILABLE:
      return {ErrorCode::kReaderError, "the reader is not available (unplugged or failing)"};
    case SCARD_E_READER_UNSUPPORTED:
      return {ErrorCode::kReaderError, "the reader's driver is not supported by pcscd"};
    case SCARD_E_DUPLICATE_READER:
      return {ErrorCode::kReaderError, "the reader driver did not produce a unique reader name"};
    case SCARD_E_SHARING_VIOLATION:
      return {ErrorCode::kReaderBusy,
              "the reader is in use by another program (close it, or use --shared)"};
    case SCARD_E_NOT_READY:
      return {ErrorCode::kReaderError, "the reader or card is not ready; retry"};

    // The card.
    case SCARD_E_NO_SMARTCARD:
      return {connected ? ErrorCode::kCardRemoved : ErrorCode::kNoCard,
              connected ? "the card was removed during the command"
                        : "the reader holds no card (insert the card)"};
    case SCARD_W_REMOVED_CARD:
      return {connected ? ErrorCode::kCardRemoved : ErrorCode::kNoCard,
              connected ? "the card was removed during the command; reinsert it and rerun"
                        : "the card was removed (insert the card)"};
    case SCARD_E_NOT_TRANSACTED:
      // pcsc-lite reports a card that vanished within the current poll period this way.
      return {connected ? ErrorCode::kCardRemoved : ErrorCode::kReaderError,
              connected ? "the exchange with the card failed: was it removed during the command?"
                        : "the reader could not complete the exchange with the card; retry"};
    case SCARD_W_RESET_CARD:
      // Another program reset the card: our logical channel and selection are gone.
      return {ErrorCode::kCardRemoved,
              "the card was reset by another program; its session state is lost, rerun"};
    case SCARD_W_UNPOWERED_CARD:
      return {connected ? ErrorCode::kCardRemoved : ErrorCode::kReaderError,
              "the card was powered down"};
    case SCARD_W_UNRESPONSIVE_CARD:
      return {ErrorCode::kReaderError,
              "the card does not answer to reset (mute: inserted the wrong way, or broken?)"};
    case SCARD_W_UNSUPPORTED_CARD:
    case SCARD_E_CARD_UNSUPPORTED:
      return {ErrorCode::kReaderError, "the reader cannot talk to this card"};
    case SCARD_E_PROTO_MISMATCH:
      return {ErrorCode::kReaderError, "the card speaks neither T=0 nor T=1"};
    case SCARD_E_INVALID_ATR:
      return {ErrorCode::kReaderError, "the card's ATR is not valid"};
    case SCARD_E_COMM_DATA_LOST:
      return {ErrorCode::kReaderError,
              "communication with the card failed (data lost); retry the command"};
    case SCARD_E_UNKNOWN_CARD:
      return {ErrorCode::kReaderError, "the card is not recognized"};
    case SCARD_E_CANT_DISPOSE:
      return {ErrorCode::kReaderError, "the card could not be released as requested"};

    // Waiting, cancelling.
    case SCARD_E_TIMEOUT:
      return {ErrorCode::kReaderError, "timed out waiting for the reader"};
    case SCARD_E_CANCELLED:
    case SCARD_E_SYSTEM_CANCELLED:
    case SCARD_W_CANCELLED_BY_USER:
      return {ErrorCode::kReaderError, "the operation was cancelled"};
    case SCARD_F_WAITED_TOO_LONG:
      return {ErrorCode::kReaderError, "pcscd gave up waiting for the reader"};

    // Our own mistakes: a bug in esimctl, not something a user can fix.
    case SCARD_E_INSUFFICIENT_BUFFER:
    case SCARD_E_PCI_TOO_SMALL:
      return {ErrorCode::kInternal, "a receive buffer was too small (bug in esimctl)"};
    case SCARD_E_INVALID_PARAMETER:
    case SCARD_E_INVALID_VALUE:
    case SCARD_E_INVALID_TARGET:
      return {ErrorCode::kInternal, "invalid parameter passed to PC/SC (bug in esimctl)"};

    // Resources.
    case SCARD_E_NO_MEMORY:
      return {ErrorCode::kReaderError, "out of memory in PC/SC"};

    // Card file-system / PIN / certificate codes (never expected on the transmit path).
    case SCARD_E_DIR_NOT_FOUND:
    case SCARD_E_FILE_NOT_FOUND:
    case SCARD_E_NO_DIR:
    case SCARD_E_NO_FILE:
    case SCARD_E_NO_ACCESS:
    case SCARD_E_WRITE_TOO_MANY:
    case SCARD_E_BAD_SEEK:
    case SCARD_E_INVALID_CHV:
    case SCARD_E_NO_SUCH_CERTIFICATE:
    case SCARD_E_CERTIFICATE_UNAVAILABLE:
    case SCARD_E_NO_KEY_CONTAINER:
    case SCARD_E_ICC_INSTALLATION:
    case SCARD_E_ICC_CREATEORDER:
    case SCARD_W_SECURITY_VIOLATION:
    case SCARD_W_WRONG_CHV:
    case SCARD_W_CHV_BLOCKED:
    case SCARD_W_EOF:
    case SCARD_W_CARD_NOT_AUTHENTICATED:
      return {ErrorCode::kReaderError, "the card or reader refused the operation"};

    case SCARD_E_UNEXPECTED:  // == SCARD_E_UNSUPPORTED_FEATURE in pcsc-lite
      return {ErrorCode::kReaderError, "the reader does not support this operation"};
    case SCARD_E_UNKNOWN_RES_MNG:
      return {ErrorCode::kReaderError, "a PC/SC component returned an unrecognized error"};
    case SCARD_F_INTERNAL_ERROR:
    case SCARD_F_UNKNOWN_ERROR:
      return {ErrorCode::kReaderError, "pcscd reported an internal error; retry, see its log"};
    default:
      return {ErrorCode::kReaderError, "unknown PC/SC error"};
  }
}

}  // namespace

std::string PcscCodeName(LONG rv) {
  switch (rv) {
#define ESIM_PCSC_NAME(x) \
  case x:                 \
    return #x;
    ESIM_PCSC_NAME(SCARD_S_SUCCESS)
    ESIM_PCSC_NAME(SCARD_F_INTERNAL_ERROR)
    ESIM_PCSC_NAME(SCARD_E_CANCELLED)
    ESIM_PCSC_NAME(SCARD_E_INVALID_HANDLE)
    ESIM_PCSC_NAME(SCARD_E_INVALID_PARAMETER)
    ESIM_PCSC_NAME(SCARD_E_INVALID_TARGET)
    ESIM_PCSC_NAME(SCARD_E_NO_MEMORY)
    ESIM_PCSC_NAME(SCARD_F_WAITED_TOO_LONG)
    ESIM_PCSC_NAME(SCARD_E_INSUFFICIENT_BUFFER)
    ESIM_PCSC_NAME(SCARD_E_UNKNOWN_READER)
    ESIM_PCSC_NAME(SCARD_E_TIMEOUT)
    ESIM_PCSC_NAME(SCARD_E_SHARING_VIOLATION)
    ESIM_PCSC_NAME(SCARD_E_NO_SMARTCARD)
    ESIM_PCSC_NAME(SCARD_E_UNKNOWN_CARD)
    ESIM_PCSC_NAME(SCARD_E_CANT_DISPOSE)
    ESIM_PCSC_NAME(SCARD_E_PROTO_MISMATCH)
    ESIM_PCSC_NAME(SCARD_E_NOT_READY)
    ESIM_PCSC_NAME(SCARD_E_INVALID_VALUE)
    ESIM_PCSC_NAME(SCARD_E_SYSTEM_CANCELLED)
    ESIM_PCSC_NAME(SCARD_F_COMM_ERROR)
    ESIM_PCSC_NAME(SCARD_F_UNKNOWN_ERROR)
    ESIM_PCSC_NAME(SCARD_E_INVALID_ATR)
    ESIM_PCSC_NAME(SCARD_E_NOT_TRANSACTED)
    ESIM_PCSC_NAME(SCARD_E_READER_UNAVAILABLE)
    ESIM_PCSC_NAME(SCARD_P_SHUTDOWN)
    ESIM_PCSC_NAME(SCARD_E_PCI_TOO_SMALL)
    ESIM_PCSC_NAME(SCARD_E_READER_UNSUPPORTED)
    ESIM_PCSC_NAME(SCARD_E_DUPLICATE_READER)
    ESIM_PCSC_NAME(SCARD_E_CARD_UNSUPPORTED)
    ESIM_PCSC_NAME(SCARD_E_NO_SERVICE)
    ESIM_PCSC_NAME(SCARD_E_SERVICE_STOPPED)
    ESIM_PCSC_NAME(SCARD_E_UNEXPECTED)
    ESIM_PCSC_NAME(SCARD_E_ICC_INSTALLATION)
    ESIM_PCSC_NAME(SCARD_E_ICC_CREATEORDER)
    ESIM_PCSC_NAME(SCARD_E_DIR_NOT_FOUND)
    ESIM_PCSC_NAME(SCARD_E_FILE_NOT_FOUND)
    ESIM_PCSC_NAME(SCARD_E_NO_DIR)
    ESIM_PCSC_NAME(SCARD_E_NO_FILE)
    ESIM_PCSC_NAME(SCARD_E_NO_ACCESS)
    ESIM_PCSC_NAME(SCARD_E_WRITE_TOO_MANY)
    ESIM_PCSC_NAME(SCARD_E_BAD_SEEK)
    ESIM_PCSC_NAME(SCARD_E_INVALID_CHV)
    ESIM_PCSC_NAME(SCARD_E_UNKNOWN_RES_MNG)
    ESIM_PCSC_NAME(SCARD_E_NO_SUCH_CERTIFICATE)
    ESIM_PCSC_NAME(SCARD_E_CERTIFICATE_UNAVAILABLE)
    ESIM_PCSC_NAME(SCARD_E_NO_READERS_AVAILABLE)
    ESIM_PCSC_NAME(SCARD_E_COMM_DATA_LOST)
    ESIM_PCSC_NAME(SCARD_E_NO_KEY_CONTAINER)
    ESIM_PCSC_NAME(SCARD_E_SERVER_TOO_BUSY)
    ESIM_PCSC_NAME(SCARD_W_UNSUPPORTED_CARD)
    ESIM_PCSC_NAME(SCARD_W_UNRESPONSIVE_CARD)
    ESIM_PCSC_NAME(SCARD_W_UNPOWERED_CARD)
    ESIM_PCSC_NAME(SCARD_W_RESET_CARD)
    ESIM_PCSC_NAME(SCARD_W_REMOVED_CARD)
    ESIM_PCSC_NAME(SCARD_W_SECURITY_VIOLATION)
    ESIM_PCSC_NAME(SCARD_W_WRONG_CHV)
    ESIM_PCSC_NAME(SCARD_W_CHV_BLOCKED)
    ESIM_PCSC_NAME(SCARD_W_EOF)
    ESIM_PCSC_NAME(SCARD_W_CANCELLED_BY_USER)
    ESIM_PCSC_NAME(SCARD_W_CARD_NOT_AUTHENTICATED)
#undef ESIM_PCSC_NAME
    default:
      break;
  }
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(rv) & 0xFFFFFFFFUL);
  return hex;
}

Status PcscError(LONG rv, std::string_view what, PcscStage stage) {
  if (rv == SCARD_S_SUCCESS) {
    // A caller bug: keep it visible instead of asserting in a release build.
    return Status(ErrorCode::kInternal, std::string(what) + ": PcscError called on success");
  }
  const Mapping m = Map(rv, stage);
  std::string message(what);
  message += ": ";
  message += m.text;
  message += " (";
  message += PcscCodeName(rv);
  message += ")";
  return Status(m.code, std::move(message));
}

}  // namespace esim
