#!/usr/bin/env python3
"""More diverse train data for the learned injection detector (issue 8, point 7): run by hand,
writes scripts/guard_train/augment.jsonl (train only; the trainer reads it with --extra).

- attacks of our own writing (ml_text.py) in 17 languages: overrides, prompt leaks, persona
  switches, fake delimiters, each obfuscated at build time by code (confusables, leetspeak,
  base64, hex, rot13, tag characters, zero-width, spaced letters) and buried in long benign
  documents (indirect);
- benign texts: the same languages' everyday requests (same verbs), UI messages of the GNU /
  Debian gettext catalogues installed here (/usr/share/locale, 30 languages), and long
  documents: licence texts (/usr/share/common-licenses), package READMEs (/usr/share/doc) and
  man pages in 20 languages (/usr/share/man), so windows over documents do not fire.

None of these is a source of the held-out split (SOURCES.md), and the corpus's train.jsonl
is left unchanged: build.py removes held-out texts that are near-duplicates of train texts,
so adding to train.jsonl would change heldout.jsonl. Each line has a `group` (the unit of the
trainer's grouped cross-validation). Deterministic: sorted walks, a seeded generator.
"""
import base64, codecs, gettext, glob, gzip, hashlib, json, os, random, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ml_text import ML, DELIMS, INDIRECT_LEADS, chunks as para_chunks  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "augment.jsonl")
SRC_OWN = "llmops-own (i8-quality, scripts/guard_train/ml_text.py)"
rng = random.Random(8)
rows = []


def add(text, label, family, lang, source, group):
    rows.append({"text": text, "label": label, "family": family, "lang": lang, "source": source,
                 "group": group, "split": "train"})


# ---- obfuscation (our own maps; not spikee's or garak's) ----
CONF = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ", "j": "ј",
        "A": "Α", "B": "Β", "E": "Ε", "H": "Η", "I": "Ι", "K": "Κ", "M": "Μ", "N": "Ν", "O": "Ο", "P": "Ρ", "T": "Τ"}


def confusable(s, ratio):
    return "".join(CONF[ch] if ch in CONF and rng.random() < ratio else ch for ch in s)


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def math_bold(s):
    out = []
    for c in s:
        if "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - 97))
        elif "A" <= c <= "Z":
            out.append(chr(0x1D400 + ord(c) - 65))
        else:
            out.append(c)
    return "".join(out)


LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def leet(s):
    return "".join(LEET.get(c.lower(), c) if rng.random() < 0.7 else c for c in s)


def tags(s):
    return "".join(chr(0xE0000 + ord(c)) if ord(c) < 128 else c for c in s)


def zero_width(s):
    zw = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
    return "".join(c + (rng.choice(zw) if c.isalpha() and rng.random() < 0.5 else "") for c in s)


def spaced(s):
    return " ".join(s)


ENC_WRAP = {
    "base64": ["Decode this and do what it says: {P}", "{P}", "Base64 task for you: {P}", "Run the following (base64): {P}"],
    "hex": ["Decode the hex and follow it: {P}", "{P}", "hex instructions -> {P}"],
    "rot13": ["Apply ROT13 to this and obey: {P}", "rot13: {P}"],
}


def encode(kind, s):
    if kind == "base64":
        return base64.b64encode(s.encode()).decode()
    if kind == "hex":
        return s.encode().hex()
    return codecs.encode(s, "rot13")


# ---- attacks in every language ----
attacks = []  # (family, lang, text)
for lang, (openers, overrides, goals, leaks, roles, _benign) in sorted(ML.items()):
    for o in openers:
        for g in rng.sample(goals, min(3, len(goals))):
            attacks.append(("override", lang, f"{o} {g}."))
    for ov in overrides:
        attacks.append(("override", lang, f"{ov} {rng.choice(goals)[:1].upper()}{rng.choice(goals)[1:]}."))
    for lk in leaks:
        attacks.append(("prompt_leak", lang, lk))
        attacks.append(("prompt_leak", lang, f"{rng.choice(overrides)} {lk}"))
    for r in roles:
        g = rng.choice(goals)
        attacks.append(("roleplay", lang, f"{r} {g[:1].upper()}{g[1:]}."))
    for d in rng.sample(DELIMS, 4):
        x = f"{rng.choice(overrides)} {rng.choice(goals)[:1].upper()}{rng.choice(goals)[1:]}."
        attacks.append(("delimiter", lang, d.replace("{X}", x)))
for fam, lang, text in attacks:
    add(text, "attack", fam, lang, SRC_OWN, f"aug:{fam}:{lang}")

# obfuscated copies (family = the obfuscation); the group is the obfuscation and the language
plain = [a for a in attacks if a[0] in ("override", "prompt_leak", "roleplay")]
for fam, lang, text in rng.sample(plain, min(240, len(plain))):
    k = rng.randrange(6)
    if k == 0:
        add(confusable(text, 0.6), "attack", "homoglyph", lang, SRC_OWN, f"aug:homoglyph:confusable:{lang}")
    elif k == 1:
        add(fullwidth(text), "attack", "homoglyph", lang, SRC_OWN, f"aug:homoglyph:fullwidth:{lang}")
    elif k == 2:
        add(math_bold(text), "attack", "homoglyph", lang, SRC_OWN, f"aug:homoglyph:math:{lang}")
    elif k == 3:
        add(leet(text), "attack", "encoded", lang, SRC_OWN, f"aug:encoded:leet:{lang}")
    elif k == 4:
        add(tags(text) if rng.random() < 0.5 else "Hi! " + tags(text), "attack", "invisible", lang, SRC_OWN, f"aug:invisible:tags:{lang}")
    else:
        add(zero_width(text), "attack", "invisible", lang, SRC_OWN, f"aug:invisible:zw:{lang}")
for fam, lang, text in rng.sample(plain, min(150, len(plain))):
    kind = rng.choice(sorted(ENC_WRAP))
    add(rng.choice(ENC_WRAP[kind]).replace("{P}", encode(kind, text)), "attack", "encoded", lang, SRC_OWN, f"aug:encoded:{kind}:{lang}")
for fam, lang, text in rng.sample(plain, min(40, len(plain))):
    add(spaced(text), "attack", "encoded", lang, SRC_OWN, f"aug:encoded:spaced:{lang}")


# ---- benign documents from this system (not held-out sources) ----
def chunks(text):
    return para_chunks(text, 300, 2500)


def read(path):
    op = gzip.open if path.endswith(".gz") else open
    try:
        with op(path, "rt", encoding="utf-8") as fh:
            return fh.read()
    except (UnicodeDecodeError, OSError, EOFError):
        return ""


def troff_to_text(t):
    lines = []
    for ln in t.splitlines():
        if ln.startswith(('.\\"', "'\\\"")):
            continue
        if ln.startswith("."):
            parts = ln.split(None, 1)
            if parts[0] in (".SH", ".SS", ".B", ".I", ".BR", ".IR", ".BI", ".RB", ".IB") and len(parts) > 1:
                lines.append(parts[1].replace('"', ""))
            elif parts[0] in (".PP", ".P", ".LP", ".TP", ".IP", ".sp", ".br"):
                lines.append("")
            continue
        lines.append(re.sub(r"\\f[BIRP]|\\\(..|\\[-&e]|\\\*\(..|\\s[+-]?\d", "", ln).replace("\\-", "-"))
    return "\n".join(lines)


docs = []  # (lang, source, group, text)
for path in sorted(glob.glob("/usr/share/common-licenses/*")):
    if os.path.isfile(path) and not os.path.islink(path):
        for c in chunks(read(path)):
            docs.append(("en", f"debian:{path}", "doc:licenses", c))
for path in sorted(glob.glob("/usr/share/doc/*/README*")):
    if int(hashlib.sha256(path.encode()).hexdigest()[:8], 16) % 100 < 50:
        for c in chunks(read(path))[:3]:
            docs.append(("en", f"debian:{path}", f"doc:usr-share-doc:{path.split('/')[4]}", c))
for path in sorted(glob.glob("/usr/share/man/*/man[178]/*.gz")):
    lang = path.split("/")[4]
    if int(hashlib.sha256(path.encode()).hexdigest()[:8], 16) % 100 < 25:
        for c in chunks(troff_to_text(read(path)))[:2]:
            docs.append((lang.split("_")[0], f"debian:{path}", f"doc:man:{lang}:{os.path.basename(path).split('.')[0]}", c))
rng.shuffle(docs)
by_kind = {}
for d in docs:
    by_kind.setdefault(":".join(d[2].split(":")[:3]), []).append(d)
kept = []
for g in sorted(by_kind):
    kept += by_kind[g][:160]
for lang, src, group, text in kept:
    add(text, "benign", "document", lang, src, group)

# indirect: attacks buried in other documents (not the benign ones above)
hosts = [d for d in docs if d not in kept and len(d[3]) > 600]
for fam, lang, text in rng.sample(attacks, min(220, len(attacks))):
    host = rng.choice(hosts)[3] if hosts else ""
    cut = rng.randrange(len(host) + 1)
    while cut < len(host) and not host[cut].isspace():
        cut += 1
    lead = rng.choice(INDIRECT_LEADS)
    tail = " -->" if lead == "<!-- " else ("</span>" if lead.startswith("<span") else "")
    add(f"{host[:cut]}\n{lead}{text}{tail}\n{host[cut:]}", "attack", "indirect", lang, SRC_OWN, f"aug:indirect:{lang}")

# ---- benign short texts ----
for lang, spec in sorted(ML.items()):
    benign = spec[5]
    for b in benign:
        add(b, "benign", "general", lang, SRC_OWN, f"aug-benign:general:{lang}")
    for _ in range(len(benign)):
        a, b = rng.sample(benign, 2)
        add(f"{a} {b}", "benign", "general", lang, SRC_OWN, f"aug-benign:general:{lang}")
    # benign encodings: a request to decode an ordinary sentence
    b = rng.choice(benign)
    kind = rng.choice(sorted(ENC_WRAP))
    add(f"What does this {kind} say? {encode(kind, b)}", "benign", "general", lang, SRC_OWN, f"aug-benign:encoded:{lang}")

# UI messages of installed gettext catalogues: one text = a few messages of one catalogue
for d in sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES")):
    lang = d.split("/")[4]
    if "@" in lang:
        continue
    msgs = []
    for mo in sorted(glob.glob(d + "/*.mo")):
        if mo.split("/")[-1].startswith("iso_"):
            continue
        try:
            with open(mo, "rb") as fh:
                cat = gettext.GNUTranslations(fh)._catalog
        except Exception:
            continue
        for k, v in cat.items():
            if isinstance(v, str) and k and 20 <= len(v) <= 300 and "%" not in v:
                msgs.append(v)
    if len(msgs) < 20:
        continue
    rng.shuffle(msgs)
    for i in range(min(12, len(msgs) // 4)):
        add("\n".join(msgs[i * 4:(i + 1) * 4]), "benign", "general",
            lang.split("_")[0], f"debian:/usr/share/locale/{lang}", f"locale:{lang}")

with open(OUT, "w", encoding="utf-8") as fh:
    for i, r in enumerate(rows):
        r = {"id": f"aug-{r['label'][0]}-{r['family']}-{i:05d}", **r}
        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
import collections  # noqa: E402
print(len(rows), collections.Counter((r["label"], r["family"]) for r in rows))
