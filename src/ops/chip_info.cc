#include "src/ops/chip_info.h"

#include "asn1/es10_codec.h"

namespace esim {

Result<ChipInfo> ReadChipInfo(CardSession& session) {
  Es10Client& es10 = session.es10();
  ChipInfo info;
  // GetEID first: it confirms the ISD-R before anything else is asked of it.
  ESIM_ASSIGN_OR_RETURN(info.eid, es10.GetEid());
  ESIM_ASSIGN_OR_RETURN(info.info2, es10.GetEuiccInfo2());
  info.resources = es10::ParseExtCardResource(info.info2.extCardResource);
  ESIM_ASSIGN_OR_RETURN(info.addresses, es10.GetEuiccConfiguredAddresses());
  info.rat = es10.GetRat();
  // A lost card is no "RAT not available": it fails the whole command as any other read would.
  if (!info.rat.ok() && (info.rat.status().code() == ErrorCode::kCardRemoved ||
                         info.rat.status().code() == ErrorCode::kNoCard ||
                         info.rat.status().code() == ErrorCode::kReaderError)) {
    return info.rat.status();
  }
  return info;
}

}  // namespace esim
