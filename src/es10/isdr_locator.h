// IsdrLocator: finds the ISD-R on a card and keeps it selected on one channel.
//
// SELECT succeeding is not proof of an eUICC, but spending an extra GetEID on
// every command would break the APDU budget. So the locator selects the first
// AID that answers SELECT and leaves the ISD-R *unconfirmed*; the first ES10
// exchange confirms it (a response that decodes as the expected ES10 message,
// and for GetEID a valid EID). If that first exchange fails like a non-ISD-R
// application would, the client asks the locator for the next AID. Not
// thread-safe; owned by one CardSession.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apdu/store_data_channel.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim {

class IsdrLocator {
 public:
  // `channel` must outlive the locator. `candidates` are tried in order.
  IsdrLocator(apdu::StoreDataChannel& channel, std::vector<Bytes> candidates);

  // Selects the first candidate that answers SELECT. kNotEuicc when none does;
  // a reader or card failure (card removed, ...) is returned as it is.
  Status SelectFirst();
  // Moves on to the next candidate that answers SELECT; false when none is left.
  bool SelectNext();
  // Records that the selected application answered like an ISD-R.
  void Confirm() { confirmed_ = true; }
  // True once an ES10 exchange has proven the selected AID is the ISD-R.
  bool confirmed() const { return confirmed_; }
  // The channel the ISD-R is selected on.
  apdu::StoreDataChannel& channel() { return channel_; }
  // The AID currently selected (empty before SelectFirst succeeds).
  const Bytes& selected_aid() const { return selected_; }
  // A message for the user listing what was tried, for kNotEuicc errors.
  std::string DescribeAttempts() const;

 private:
  bool SelectFrom(size_t index);

  apdu::StoreDataChannel& channel_;
  std::vector<Bytes> candidates_;
  size_t next_ = 0;
  Bytes selected_;
  bool confirmed_ = false;
  std::vector<std::string> attempts_;
  Status hard_error_;  // a failure that is not "application not found"
};

}  // namespace esim
