#!/usr/bin/env python3
"""Regenerates the seed corpora in tests/fuzz/corpus/ (run by hand, never by `make fuzz`).

Sources: the public test vectors of ../shared/docs/sgp22-facts.md section 7 (copied below as
hex) and APDU traces recorded with `esimctl --trace FILE --reader virtual:STATE` (`chip info`,
`profile list`, `notification list`, `profile nickname`) against a copy of
vcard/default-state.json. Usage: make_seeds.py TRACE...
"""
import hashlib
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

# sgp22-facts.md section 7 (Android EuiccPort test vectors), SW not included.
VECTORS = [
    "BF2D14A012E3105A0A896700000000004523019F700101",
    "BF2D03810101",
    "BF282BA029BF2F11800101810204100C08736D64702E636F6DBF2F12800102810204200C09736D6470322E636F6D",
    "BF282BA029BF2F118001010C08736D64702E636F6D81020410BF2F128001020C09736D6470322E636F6D81020420",
    "BF2803810103",
    "BF330C5A0A89670000000000452301",
    "BF3303800100",
    "BF280481020430",
    "BF3C148008534D44502E434F4D8108736D64732E636F6D",
    "BF41088003A1B2C3810101",
]

# fuzz_es10_decode's selector byte per outer tag: (response index, request index).
SELECTOR = {
    "BF3E": (0, 19), "BF20": (1, None), "BF22": (2, None), "BF2D": (3, 20), "BF31": (4, 21),
    "BF32": (5, 22), "BF33": (6, 23), "BF29": (7, 24), "BF34": (8, 25), "BF3C": (9, None),
    "BF3F": (10, 26), "BF43": (11, None), "BF28": (12, 27), "BF2B": (13, 28), "BF30": (14, 29),
    "BF41": (15, 30), "E3": (16, None), "BF2F": (17, None), "BF37": (18, None), "30": (18, None),
}


def write(target, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def tag_of(der):
    h = der.hex().upper()
    return h[:4] if h.startswith("BF") else h[:2]


def parse_trace(path):
    """(command, response) byte pairs of a trace."""
    pairs, command = [], None
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line.startswith(">"):
            command = bytes.fromhex(line[1:].replace(" ", ""))
        elif line.startswith("<") and command is not None:
            pairs.append((command, bytes.fromhex(line[1:].replace(" ", ""))))
            command = None
    return pairs


def es10_seed(der, request):
    sel = SELECTOR.get(tag_of(der))
    if sel is None:
        return
    index = sel[1] if request else sel[0]
    if index is None:
        return
    write("es10_decode", bytes([index]) + der)
    # decode_command: raw auto, and as hex text (mode bit 7).
    write("decode_command", bytes([0]) + der)
    write("decode_command", bytes([0x80 | (1 if request else 2)]) + der.hex().upper().encode())


def main():
    for h in VECTORS:
        der = bytes.fromhex(h)
        tag = tag_of(der)
        # Requests among the vectors: DeleteProfile request, ListNotification filter, CancelSession.
        request = h in ("BF330C5A0A89670000000000452301", "BF280481020430", "BF41088003A1B2C3810101")
        es10_seed(der, request)
    for trace in sys.argv[1:]:
        text = open(trace, "rb").read()
        # The recording's temp path is of no interest: name the state file only.
        text = re.sub(rb"virtual:\S*/", b"virtual:", text)
        write("trace_parser", text)
        pairs = parse_trace(trace)
        chunks = b""
        apdus = b""
        for command, response in pairs:
            if command[1] == 0xE2 and len(command) > 6:
                es10_seed(command[5:5 + command[4]], True)
            if len(response) > 2 and command[1] == 0xE2:
                es10_seed(response[:-2], False)
            if len(response) <= 255:
                chunks += bytes([len(response)]) + response
            if len(command) <= 255:
                apdus += bytes([len(command)]) + command
        # apdu_transport: flags 0 (no repeat, short, basic channel, block 255), 64 rounds.
        write("apdu_transport", bytes([0x00, 0x3F]) + chunks)
        # vcard_apdu: the recorded commands, as they are and in T=0 mode.
        write("vcard_apdu", bytes([0x00]) + apdus)
        write("vcard_apdu", bytes([0x01]) + apdus)
    # es9_response: HTTP status (2 bytes) + body, as the test SM-DP+ and real servers answer.
    for status, body in [(204, b""), (200, b"{}"), (400, b'{"error":"bad signature"}'),
                         (500, b'{"message":"internal error"}'), (0, b"testsmdpplus1.example.com:8443"),
                         (404, b"<html>not found</html>")]:
        write("es9_response", struct.pack(">H", status) + body)
    # apdu_transport: GET RESPONSE chains, 6Cxx, 91xx, a card repeating 6100 forever.
    for seed in ["00 3F 02 6110 12 00112233445566778899AABBCCDDEEFF9000",
                 "00 3F 02 6C05 07 01020304059000",
                 "01 3F 02 6100",
                 "04 3F 03 01 9000 02 9000 04 BF2D00 9110",
                 "02 00 02 6100 02 6C00 02 9000"]:
        write("apdu_transport", bytes.fromhex(seed.replace(" ", "")))


if __name__ == "__main__":
    main()
