// The two patches asn1/asn1c_generate.cmake applies to asn1c 0.9.28 output.
//
// (a) Generated headers with SEQUENCE OF an inline type compile as C++ and the
//     lists work (.list.array / .count / free).
// (b) Using a constrained subtype no longer rewrites its global descriptor:
//     asn_check_constraints keeps rejecting a 9-byte Iccid after a decode.
#include <gtest/gtest.h>

#include <cstring>
#include <type_traits>
#include <utility>

// asn1c_support.h first: it prepares the C library headers for asn1c's asn_system.h.
#include "asn1/asn1c_support.h"
// clang-format off
#include "EUICCInfo1.h"
#include "Iccid.h"
#include "ProfileInfo.h"
#include "asn1/es10_codec.h"
#include "tests/unit/asn1/test_util.h"
// clang-format on

namespace esim::es10 {
namespace {

using esim::testing::Hex;
using internal::AppendNew;
using internal::AsnPtr;
using internal::Elements;
using internal::NewAsn;

// ---- (a) A_SEQUENCE_OF(struct X { ... }) in C++ ----------------------------------------

// ProfileInfo.notificationConfigurationInfo is a SEQUENCE OF an inline SEQUENCE:
// the generated header defines the element struct inside A_SEQUENCE_OF(...),
// which unpatched asn1c repeats inside the `free` parameter list (not C++). In
// C++ the element struct is a member class of the anonymous list struct.
using ConfigList = decltype(std::declval<ProfileInfo_t&>().notificationConfigurationInfo->list);
using ConfigElement = std::remove_pointer_t<std::remove_reference_t<decltype(*ConfigList{}.array)>>;
static_assert(std::is_class_v<ConfigElement>);
// The patched free pointer names the element type: same function type as C's void (*)(type *).
static_assert(std::is_same_v<decltype(ConfigList{}.free), void (*)(ConfigElement*)>);
static_assert(std::is_same_v<decltype(EUICCInfo1_t{}.euiccCiPKIdListForSigning.list.free),
                             void (*)(SubjectKeyIdentifier_t*)>);

TEST(Asn1cPatchSequenceOf, InlineElementTypeListIsUsableFromCpp) {
  AsnPtr<ProfileInfo_t> profile = NewAsn<ProfileInfo_t>(asn_DEF_ProfileInfo);
  auto& list = internal::Emplace(profile->notificationConfigurationInfo).list;
  for (const char* address : {"a.example", "b.example", "c.example"}) {
    ConfigElement& element = AppendNew(list);
    internal::SetEvents(element.profileManagementOperation, NotificationEvents{.enable = true});
    internal::SetText(element.notificationAddress, address);
  }
  ASSERT_EQ(list.count, 3);
  ASSERT_NE(list.array, nullptr);
  EXPECT_EQ(internal::ToText(list.array[2]->notificationAddress), "c.example");
  EXPECT_EQ(Elements(list).size(), 3u);

  Result<Bytes> der = internal::EncodeAsn(asn_DEF_ProfileInfo, profile.get());
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), "E335B633"
                         "300F800206408109612E6578616D706C65"
                         "300F800206408109622E6578616D706C65"
                         "300F800206408109632E6578616D706C65");
  auto decoded = internal::DecodeAsn<ProfileInfo_t>(asn_DEF_ProfileInfo, *der);
  ASSERT_OK(decoded);
  const auto& decoded_list = (*decoded)->notificationConfigurationInfo->list;
  ASSERT_EQ(decoded_list.count, 3);
  EXPECT_EQ(internal::ToText(decoded_list.array[1]->notificationAddress), "b.example");
  EXPECT_TRUE(internal::BitIsSet(decoded_list.array[0]->profileManagementOperation, 1));
}

TEST(Asn1cPatchSequenceOf, DecodedListIsReadableThroughArrayAndCount) {
  auto info = internal::DecodeAsn<EUICCInfo1_t>(
      asn_DEF_EUICCInfo1, Hex("BF201F" "8203020202" "A916" "0414" "F54172BDF98A95D65CBEB88A38A1C11D800A85C3" "AA00"));
  ASSERT_OK(info);
  const auto& verification = (*info)->euiccCiPKIdListForVerification.list;
  ASSERT_EQ(verification.count, 1);
  EXPECT_EQ(ToHex(internal::ToBytes(*verification.array[0])), "F54172BDF98A95D65CBEB88A38A1C11D800A85C3");
  EXPECT_EQ((*info)->euiccCiPKIdListForSigning.list.count, 0);
}

// ---- (b) constraints survive use of the type ---------------------------------------------

bool IccidConstraintHolds(size_t length) {
  Bytes bytes(length, 0x98);
  OCTET_STRING_t iccid{};
  iccid.buf = bytes.data();
  iccid.size = static_cast<int>(bytes.size());
  char error[128];
  size_t error_size = sizeof(error);
  return asn_check_constraints(&asn_DEF_Iccid, &iccid, error, &error_size) == 0;
}

TEST(Asn1cPatchConstraints, NineByteIccidStillFailsAfterDecodingAnIccid) {
  // Before: any use of Iccid's decoder replaced asn_DEF_Iccid.check_constraints
  // with OCTET STRING's (no constraint), so a 9-byte ICCID then passed.
  auto profile = Decode<ProfileInfo>(Hex("E30C5A0A89670000000000452301"));
  ASSERT_OK(profile);
  auto encoded = Encode(*profile);  // encoder, printer-free path too
  ASSERT_OK(encoded);

  EXPECT_FALSE(IccidConstraintHolds(9));
  EXPECT_TRUE(IccidConstraintHolds(10));
  EXPECT_FALSE(IccidConstraintHolds(11));
  // And the codec keeps enforcing it end to end.
  EXPECT_FALSE(Decode<ProfileInfo>(Hex("E30B5A09896700000000004523")).ok());
}

TEST(Asn1cPatchConstraints, DescriptorsAreNeverWritten) {
  // A byte snapshot of the descriptors a decode + encode + free touches: the
  // patched code copies a descriptor before "inheriting", so nothing changes
  // (no data race between threads using a type for the first time).
  asn_TYPE_descriptor_t iccid_before;
  asn_TYPE_descriptor_t profile_state_before;
  std::memcpy(&iccid_before, &asn_DEF_Iccid, sizeof(iccid_before));
  std::memcpy(&profile_state_before, &asn_DEF_ProfileState, sizeof(profile_state_before));

  auto profile = Decode<ProfileInfo>(Hex("E3105A0A896700000000004523019F700101"));
  ASSERT_OK(profile);
  ASSERT_OK(Encode(*profile));

  EXPECT_EQ(std::memcmp(&iccid_before, &asn_DEF_Iccid, sizeof(iccid_before)), 0);
  EXPECT_EQ(std::memcmp(&profile_state_before, &asn_DEF_ProfileState, sizeof(profile_state_before)), 0);
}

}  // namespace
}  // namespace esim::es10
