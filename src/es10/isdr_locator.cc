#include "src/es10/isdr_locator.h"

namespace esim {

IsdrLocator::IsdrLocator(apdu::StoreDataChannel& channel, std::vector<Bytes> candidates)
    : channel_(channel), candidates_(std::move(candidates)) {}

Status IsdrLocator::SelectFirst() {
  if (SelectFrom(0)) return Status::Ok();
  if (!hard_error_.ok()) return hard_error_;
  return Status(ErrorCode::kNotEuicc, DescribeAttempts());
}

bool IsdrLocator::SelectNext() { return SelectFrom(next_); }

bool IsdrLocator::SelectFrom(size_t index) {
  for (size_t i = index; i < candidates_.size(); ++i) {
    Status s = channel_.Select(candidates_[i]);
    next_ = i + 1;
    if (s.ok()) {
      selected_ = candidates_[i];
      confirmed_ = false;
      return true;
    }
    attempts_.push_back(ToHex(candidates_[i]) + " (" + s.message() + ")");
    // Anything but "not found" means the card or reader itself is in trouble:
    // trying further AIDs would only repeat the failure.
    if (s.code() != ErrorCode::kNotEuicc) {
      hard_error_ = s;
      next_ = candidates_.size();
      return false;
    }
  }
  selected_.clear();
  return false;
}

std::string IsdrLocator::DescribeAttempts() const {
  std::string out = "no eUICC ISD-R found on this card";
  if (attempts_.empty()) return out;
  out += "; tried:";
  for (const auto& a : attempts_) out += "\n  " + a;
  return out;
}

}  // namespace esim
