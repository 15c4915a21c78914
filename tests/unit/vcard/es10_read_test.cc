// The virtual ISD-R's read-only ES10 functions, checked byte for byte against the
// facts sheet with the card's own TLV reader (the codec-based checks are in
// es10_decode_test.cc).
#include "tests/unit/vcard/vcard_test_util.h"
#include "vcard/der.h"

namespace esim::vcard::testing {
namespace {

class Es10ReadTest : public CardFixture {
 protected:
  void SetUp() override {
    CardFixture::SetUp();
    ASSERT_EQ(SelectIsdr(), 0x9000);
  }
  // The children of the response's outer element, checking the outer tag.
  std::vector<der::Tlv> Children(const Bytes& response, uint32_t outer) {
    kept_ = response;
    auto tlv = der::ParseSingle(kept_);
    EXPECT_TRUE(tlv.ok());
    if (!tlv.ok()) return {};
    EXPECT_EQ(tlv->tag, outer);
    auto children = der::ReadChildren(tlv->value);
    EXPECT_TRUE(children.ok());
    return children.ok() ? *children : std::vector<der::Tlv>{};
  }
  Bytes kept_;
};

TEST_F(Es10ReadTest, GetEid) {
  auto r = Es10("BF3E035C015A");
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "BF3E125A1089049032000000000000000012345644");
}

TEST_F(Es10ReadTest, EuiccInfo1) {
  auto r = Es10("BF2000");
  ASSERT_EQ(r.sw, 0x9000);
  auto c = Children(r.data, 0xBF20);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(ToHex(c[0].whole), "8203020202");
  EXPECT_EQ(c[1].tag, 0xA9u);
  EXPECT_EQ(ToHex(c[1].value).substr(0, 4), "0414");
  EXPECT_EQ(c[2].tag, 0xAAu);
}

TEST_F(Es10ReadTest, EuiccInfo2MembersInAsn1Order) {
  auto r = Es10("BF2200");
  ASSERT_EQ(r.sw, 0x9000);
  auto c = Children(r.data, 0xBF22);
  std::vector<uint32_t> tags;
  for (const auto& t : c) tags.push_back(t.tag);
  std::vector<uint32_t> want{0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0xA9, 0xAA, 0x8B, 0x04, 0x0C};
  EXPECT_EQ(tags, want);
  EXPECT_EQ(ToHex(c[2].value), "040600");
  EXPECT_EQ(ToHex(c[3].value), "8101008203064B7083021AA4");  // 0 apps, 412528 NVM, 6820 RAM
  EXPECT_EQ(ToHex(c[4].value), "067F36C0");                  // 6 unused bits: last bit 17
  EXPECT_EQ(der::Text(c[12].value), "ESIMCTL-VIRTUAL-0001");
}

TEST_F(Es10ReadTest, ProfilesAllMembers) {
  auto r = Es10("BF2D00");
  ASSERT_EQ(r.sw, 0x9000);
  auto c = Children(r.data, 0xBF2D);
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(c[0].tag, 0xA0u);
  auto list = der::ReadChildren(c[0].value);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  auto first = der::ReadChildren((*list)[0].value);
  ASSERT_TRUE(first.ok());
  std::vector<uint32_t> tags;
  for (const auto& t : *first) tags.push_back(t.tag);
  std::vector<uint32_t> want{0x5A, 0x4F, 0x9F70, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0xB6, 0xB7, 0x99};
  EXPECT_EQ(tags, want);
  EXPECT_EQ(ToHex((*first)[0].value), "989910000100001010F8");  // 8999010010000001018
  EXPECT_EQ(ToHex((*first)[2].value), "01");                    // enabled
  EXPECT_EQ(der::Text((*first)[4].value), "Northwind Mobile");
  EXPECT_EQ(ToHex((*first)[7].value).substr(0, 16), "89504E470D0A1A0A");  // a PNG
  EXPECT_EQ(ToHex((*first)[9].value), "301C800204F08116736D64702E6E6F72746877696E642E6578616D706C65");
  EXPECT_EQ(ToHex((*first)[10].value), "800300F1108102" "4E57");  // 00101 + gid1
  EXPECT_EQ(ToHex((*first)[11].value), "00");                    // no PPR bits set
}

TEST_F(Es10ReadTest, TagListReturnsOnlyRequestedMembers) {
  auto r = Es10("BF2D065C045A9F7095");
  ASSERT_EQ(r.sw, 0x9000);
  auto c = Children(r.data, 0xBF2D);
  auto list = der::ReadChildren(c.at(0).value);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  for (const auto& p : *list) {
    auto members = der::ReadChildren(p.value);
    ASSERT_TRUE(members.ok());
    ASSERT_EQ(members->size(), 3u);
    EXPECT_EQ((*members)[0].tag, 0x5Au);
    EXPECT_EQ((*members)[1].tag, 0x9F70u);
    EXPECT_EQ((*members)[2].tag, 0x95u);
  }
}

TEST_F(Es10ReadTest, SearchByIccidAidAndClass) {
  auto by_iccid = Es10("BF2D11A00C5A0A989920000200002020F1" "5C015A");
  ASSERT_EQ(by_iccid.sw, 0x9000);
  EXPECT_EQ(ToHex(by_iccid.data), "BF2D10A00EE30C5A0A989920000200002020F1");
  auto by_aid = Es10("BF2D17A0124F10A0000005591010FFFFFFFF8900001200" "5C0192");
  ASSERT_EQ(by_aid.sw, 0x9000);
  EXPECT_NE(ToHex(by_aid.data).find(ToHex(Bytes{'F', 'a', 'b', 'r', 'i', 'k', 'a', 'm'})), std::string::npos);
  auto test_class = Es10("BF2D08A003950100" "5C0195");
  ASSERT_EQ(test_class.sw, 0x9000);
  EXPECT_EQ(ToHex(test_class.data), "BF2D07A005E303950100");
  auto none = Es10("BF2D0EA00C5A0A989920000200002020F9");
  EXPECT_EQ(ToHex(none.data), "BF2D02A000");
  // A 9-byte ICCID matches nothing.
  auto short_iccid = Es10("BF2D0DA00B5A09989920000200002020");
  EXPECT_EQ(ToHex(short_iccid.data), "BF2D02A000");
}

TEST_F(Es10ReadTest, BadSearchCriteriaIsIncorrectInputValues) {
  EXPECT_EQ(ToHex(Es10("BF2D05A003800101").data), "BF2D03810101");
  EXPECT_EQ(ToHex(Es10("BF2D02A000").data), "BF2D03810101");
}

TEST_F(Es10ReadTest, ConfiguredAddresses) {
  auto r = Es10("BF3C00");
  ASSERT_EQ(r.sw, 0x9000);
  auto c = Children(r.data, 0xBF3C);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(der::Text(c[0].value), "smdp.contoso.example");
  EXPECT_EQ(der::Text(c[1].value), "lpa.ds.gsma.com");
}

TEST_F(Es10ReadTest, Rat) {
  auto r = Es10("BF4300");
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "BF4314A012301080020560A1073005800300F110820100");
}

TEST_F(Es10ReadTest, ListNotificationAllAndFiltered) {
  auto all = Es10("BF2800");
  ASSERT_EQ(all.sw, 0x9000);
  auto c = Children(all.data, 0xBF28);
  auto list = der::ReadChildren(c.at(0).value);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ(ToHex((*list)[0].whole).substr(0, 24), "BF2F2B800107810207800C16");
  auto enable = Es10("BF2804810206 40");
  auto ce = Children(enable.data, 0xBF28);
  auto elist = der::ReadChildren(ce.at(0).value);
  ASSERT_TRUE(elist.ok());
  ASSERT_EQ(elist->size(), 1u);
  EXPECT_EQ(ToHex((*elist)[0].value).substr(0, 6), "800108");
  auto none = Es10("BF280481020410");
  EXPECT_EQ(ToHex(none.data), "BF2802A000");
}

TEST_F(Es10ReadTest, RetrieveNotificationsStructure) {
  auto r = Es10("BF2B00");
  ASSERT_EQ(r.sw, 0x9000);
  auto c = Children(r.data, 0xBF2B);
  auto list = der::ReadChildren(c.at(0).value);
  ASSERT_TRUE(list.ok()) << list.status().message() << " " << ToHex(r.data);
  ASSERT_EQ(list->size(), 3u);
  auto parts = der::ReadChildren((*list)[1].value);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[0].tag, 0xBF2Fu);
  EXPECT_EQ((*parts)[1].tag, 0x5F37u);
  EXPECT_EQ((*parts)[1].value.size(), 64u);
  EXPECT_EQ((*parts)[2].tag, 0x30u);
  EXPECT_EQ((*parts)[3].tag, 0x30u);
}

TEST_F(Es10ReadTest, RetrieveBySeqNumberAndEvent) {
  auto by_seq = Es10("BF2B05A003800109");
  auto c = Children(by_seq.data, 0xBF2B);
  auto list = der::ReadChildren(c.at(0).value);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_NE(ToHex((*list)[0].value).find("800109"), std::string::npos);
  auto by_event = Es10("BF2B06A00481020780");
  auto ce = Children(by_event.data, 0xBF2B);
  auto elist = der::ReadChildren(ce.at(0).value);
  ASSERT_TRUE(elist.ok());
  EXPECT_EQ(elist->size(), 2u);
  EXPECT_EQ(ToHex(Es10("BF2B05A003800163").data), "BF2B02A000");
}

TEST_F(Es10ReadTest, RetrieveWithBareSeqNumberIsUndefinedError) {
  EXPECT_EQ(ToHex(Es10("BF2B03800107").data), "BF2B0381017F");
}

TEST_F(Es10ReadTest, CancelSessionWithoutSessionIsError) {
  EXPECT_EQ(ToHex(Es10("BF41088003A1B2C3810101").data), "BF4103810105");
  EXPECT_EQ(ToHex(Es10("BF4100").data), "BF410381017F");
}

}  // namespace
}  // namespace esim::vcard::testing
