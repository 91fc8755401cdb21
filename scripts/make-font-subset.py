#!/usr/bin/env python3
"""Builds assets/fonts/NotoSansSC-kiosk-subset.otf from Debian's fonts-noto-cjk.

Coverage: ASCII, CJK punctuation, full-width forms, every GB2312 character, the given-name
characters GB2312 lacks that request forms meet (see STACK notes), and every character used in
the demo data and the kiosk's own source (screen text). Needs fontTools (Debian python3-fonttools).
Run: /usr/bin/python3 scripts/make-font-subset.py
"""
import pathlib, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
src = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
out = root / "assets/fonts/NotoSansSC-kiosk-subset.otf"

chars = set(chr(c) for c in range(0x20, 0x7F))
chars |= set(chr(c) for c in range(0x3000, 0x3040))  # CJK symbols and punctuation
chars |= set(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width forms
chars |= set("·—‘’“”…※○●△▲□■◆★☆→←↑↓√×÷±≤≥≠℃°№")
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars |= set(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars |= set("喆堃赟昇珺玥镕犇龑淼焱垚鑫磊晟琦琪瑶璐瑾瑜璇钰颖婧婷妍嫣娅娴旻昀昕晗晔曦暄煜炜烨熠彧骞睿翀翔翊羿蔚蕾馨麒麟勰懿")
for pattern in ["assets/demo/*.jsonl", "src/**/*.rs", "kiosk-config/*.toml"]:
    for f in root.glob(pattern):
        chars |= set(f.read_text(encoding="utf-8"))
chars = {c for c in chars if c.isprintable() or c == " "}
text_file = root / "target/font-subset-chars.txt"
text_file.parent.mkdir(exist_ok=True)
text_file.write_text("".join(sorted(chars)), encoding="utf-8")
subprocess.run([sys.executable, "-m", "fontTools.subset", str(src), "--font-number=2",
                f"--text-file={text_file}", "--layout-features=*", "--no-hinting",
                f"--output-file={out}"], check=True)
print(f"{out}: {out.stat().st_size} bytes, {len(chars)} characters")
