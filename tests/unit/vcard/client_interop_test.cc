// The project's own client stack (ApduTransport, StoreDataChannel, codec) against the
// virtual card through OpenVirtualReader: the same path esimctl takes with --reader virtual:.
#include "apdu/apdu_transport.h"
#include "apdu/store_data_channel.h"
#include "asn1/es10_codec.h"
#include "tests/unit/vcard/vcard_test_util.h"
#include "vcard/virtual_reader.h"

namespace esim::vcard::testing {
namespace {

struct Mode {
  bool short_apdu_only;
  bool logical_channel;
  size_t block_size;
};

class ClientInteropTest : public ::testing::TestWithParam<Mode> {};

TEST_P(ClientInteropTest, ListEnableAndRetrieve) {
  TempDir dir;
  std::filesystem::copy_file(DefaultStatePath(), dir.File("card.json"));
  VirtualEuicc::Options o;
  o.short_apdu_only = GetParam().short_apdu_only;
  auto reader = OpenVirtualReader(dir.File("card.json"), o);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  apdu::ApduTransport transport(**reader);
  apdu::StoreDataOptions so;
  so.logical_channel = GetParam().logical_channel;
  so.block_size = GetParam().block_size;
  auto channel = apdu::StoreDataChannel::Open(transport, so);
  ASSERT_TRUE(channel.ok()) << channel.status().message();
  ASSERT_TRUE((*channel)->Select(H("A0000005591010FFFFFFFF8900000100")).ok());

  auto call = [&](const auto& request) -> Result<Bytes> {
    ESIM_ASSIGN_OR_RETURN(Bytes der, es10::Encode(request));
    return (*channel)->Send(der);
  };
  auto profiles = call(es10::GetProfilesInfoRequest{});
  ASSERT_TRUE(profiles.ok()) << profiles.status().message();
  auto decoded = es10::Decode<es10::GetProfilesInfoResponse>(*profiles);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->profileInfoListOk.value().size(), 3u);

  auto enable = call(es10::EnableProfileRequest{es10::Iccid("8999020020000002021"), false});
  ASSERT_TRUE(enable.ok()) << enable.status().message();
  EXPECT_EQ(es10::Decode<es10::EnableProfileResponse>(*enable)->enableResult, 0);

  auto pending = call(es10::RetrieveNotificationsListRequest{});
  ASSERT_TRUE(pending.ok()) << pending.status().message();
  auto list = es10::Decode<es10::RetrieveNotificationsListResponse>(*pending);
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(list->notificationList.value().size(), 5u);
  EXPECT_TRUE((*channel)->Close().ok());
}

INSTANTIATE_TEST_SUITE_P(Modes, ClientInteropTest,
                         ::testing::Values(Mode{false, false, 255}, Mode{false, true, 120},
                                           Mode{true, true, 63}, Mode{true, false, 255}));

}  // namespace
}  // namespace esim::vcard::testing
