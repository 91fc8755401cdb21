#!/usr/bin/env python3
"""Builds assets/unihan/shapes.tsv from Debian's unicode-data (the Unihan database).

For every CJK unified ideograph of the basic block (U+4E00..U+9FFF) that has a Mandarin
reading, one line: the character, its four-corner codes (kFourCornerCode, the first four
digits, several separated by spaces) and its Cangjie code (kCangjie). The corrector in
src/search/correct.rs compares characters by these two shape codes (形近字) besides their
pinyin (同音字). Only these fields are kept, and the fifth four-corner digit is dropped: the file
is a modified extract (see assets/unihan/LICENSE, the Unicode licence).
Run: apt-get install unicode-data && /usr/bin/python3 scripts/make-shape-table.py
"""
import bz2, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
ucd = pathlib.Path("/usr/share/unicode")
out = root / "assets/unihan/shapes.tsv"


def fields(name):
    with bz2.open(ucd / name, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cp, key, value = line.rstrip("\n").split("\t")
            c = int(cp[2:], 16)
            if 0x4E00 <= c <= 0x9FFF:
                yield chr(c), key, value


mandarin = {c for c, k, _ in fields("Unihan_Readings.txt.bz2") if k == "kMandarin"}
corner, cangjie = {}, {}
for c, k, v in fields("Unihan_DictionaryLikeData.txt.bz2"):
    if k == "kFourCornerCode":
        codes = []
        for code in v.split():
            if code[:4] not in codes:
                codes.append(code[:4])
        corner[c] = " ".join(codes)
    elif k == "kCangjie":
        cangjie[c] = v
lines = [
    f"{c}\t{corner.get(c, '')}\t{cangjie.get(c, '')}\n"
    for c in sorted(mandarin)
    if c in corner or c in cangjie
]
header = (
    "# Shape codes of CJK ideographs, extracted from the Unihan database (Unicode 15.0,\n"
    "# Debian package unicode-data) by scripts/make-shape-table.py: character, four-corner\n"
    "# codes (kFourCornerCode, four digits), Cangjie code (kCangjie). Modified: only these\n"
    "# fields, fifth four-corner digit dropped. Unicode licence: see LICENSE beside this file.\n"
)
out.write_text(header + "".join(lines), encoding="utf-8")
print(f"{out}: {len(lines)} characters")
