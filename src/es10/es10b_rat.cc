// ES10b GetRAT (BF43): the Rules Authorisation Table, which says which operators may set which
// profile policy rules on this card (SGP.22 §2.9.2.2, §5.7.22).
#include "src/es10/es10_call.h"

namespace esim {

Result<es10::RulesAuthorisationTable> Es10Client::GetRat() {
  return Call<es10::RulesAuthorisationTable>(es10::GetRatRequest{});
}

}  // namespace esim
