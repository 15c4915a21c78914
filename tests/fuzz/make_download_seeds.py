#!/usr/bin/env python3
"""Regenerates tests/fuzz/corpus/download_decode/ (run by hand, never by `make fuzz`).

Source: an APDU trace of one profile download with extended-length APDUs (each answer whole),
recorded with `esimctl --trace FILE profile download ...` through tests/pcsc-rig.sh
`--vcard-arg --extended-length` from the test SM-DP+ (as tests/e2e/download_test.sh does). Each
seed is a selector byte (the decoder of fuzz_download_decode.cc) followed by one message taken
from the trace (the card's answers, the server's signed data forwarded in AuthenticateServer and
PrepareDownload, the BPP rejoined from the load's STORE DATA pieces) or built around them (a
StoreMetadata, a CancelSession error, the three ES9+ JSON answers). Usage: make_download_seeds.py TRACE
"""
import base64
import hashlib
import json
import os
import sys

lines=[l.strip() for l in open(sys.argv[1]) if l[:1] in '<>']
pairs=[(bytes.fromhex(lines[i][2:]), bytes.fromhex(lines[i+1][2:])) for i in range(len(lines)-1) if lines[i][0]=='>' and lines[i+1][0]=='<']
def cmd_data(c):
    if c[4]==0 and len(c)>7:
        n=int.from_bytes(c[5:7],'big'); return c[7:7+n]
    return c[5:5+c[4]]
def tlv(tag,val):
    l=len(val)
    L=bytes([l]) if l<128 else (bytes([0x81,l]) if l<256 else bytes([0x82])+l.to_bytes(2,'big'))
    return bytes.fromhex(tag)+L+val
def tlv_first(b):
    i=2 if b[0]&0x1f==0x1f else 1
    l=b[i]; i+=1
    if l&0x80: i+=l&0x7f
    j=i; t=j+(2 if b[j]&0x1f==0x1f else 1)
    l=b[t]; t+=1
    if l&0x80: n=l&0x7f; l=int.from_bytes(b[t:t+n],'big'); t+=n
    return b[j:t+l]
seeds={}; bpp=b''; in_load=False
for c,r in pairs:
    if c[1]!=0xE2: continue
    d=cmd_data(c); resp=r[:-2]; tag=d[:2].hex().upper()
    if tag=='BF2E': seeds[0]=resp
    if tag=='BF38': seeds[2]=resp; seeds[1]=tlv_first(d)
    if tag=='BF21': seeds[4]=resp; seeds[3]=tlv_first(d)
    if tag=='BF36': in_load=True
    if in_load:
        bpp+=d
        if resp: seeds[8]=resp; in_load=False
seeds[6]=bpp
seeds[7]=tlv('BF25', tlv('5A',bytes.fromhex('98440021436587092181'))+tlv('91',b'Tailspin Mobile')+tlv('92',b'Tailspin Test')+tlv('95',b'\x02'))
seeds[5]=bytes.fromhex('BF4103810105')
tid='01020304'; hdr={"functionExecutionStatus":{"status":"Executed-Success"}}
b64=lambda b: base64.b64encode(b).decode()
seeds[9]=json.dumps({"header":hdr,"transactionId":tid,"serverSigned1":b64(seeds[1]),"serverSignature1":b64(b'\x5f\x37\x40'+bytes(64)),"euiccCiPKIdToBeUsed":b64(bytes.fromhex('0414')+bytes(20)),"serverCertificate":b64(b'\x30\x03\x02\x01\x00')}).encode()
seeds[10]=json.dumps({"header":hdr,"transactionId":tid,"profileMetadata":b64(seeds[7]),"smdpSigned2":b64(seeds[3]),"smdpSignature2":b64(b'\x5f\x37\x40'+bytes(64)),"smdpCertificate":b64(b'\x30\x00')}).encode()
seeds[11]=json.dumps({"header":hdr,"transactionId":tid,"boundProfilePackage":b64(bpp)}).encode()
out=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'download_decode')
os.makedirs(out, exist_ok=True)
for k,v in sorted(seeds.items()):
    data=bytes([k])+v
    open(os.path.join(out,hashlib.sha256(data).hexdigest()[:16]),'wb').write(data)
    print(k,len(v))
