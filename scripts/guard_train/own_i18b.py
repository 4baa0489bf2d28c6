"""own-i18b: a development set of authority / provenance-spoofing attacks and benign look-alikes.

`python3 scripts/guard_train/own_i18b.py` writes scripts/guard_train/own-i18b-dev.jsonl and the
counts section of own-i18b.md. Standard library only, no network, deterministic (no clock, no
unseeded randomness): two runs give byte-identical files.

Data (hand-written for this set, independent of own-i18): own_i18b_data_en_a.py (English
attacks), own_i18b_data_en_b.py (English benign), own_i18b_data_eu.py (de fr es pt it),
own_i18b_data_world.py (nl ru zh ja). One entry = one scenario = one `group`; each scenario gives
the bare text and, at most, one framed variant (carrier chosen from a hash of the scenario key,
same carriers for both labels so the framing is not a label cue).

Dedupe: own_common.dedupe (exact, near a held-out split hashed only, near train.jsonl or any
other scripts/guard_train/*.jsonl incl. own-i18*.jsonl and fresh-dev.jsonl hashed only, near a
kept row of another group). Prints counts only.
"""

import collections
import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from own_i18b_data_en_a import ATTACKS_EN  # noqa: E402
from own_i18b_data_en_b import BENIGN_EN  # noqa: E402
from own_i18b_data_eu import ROWS_EU  # noqa: E402
from own_i18b_data_world import ROWS_WORLD  # noqa: E402

OUT = HERE / "own-i18b-dev.jsonl"
MD = HERE / "own-i18b.md"
SOURCE = "own-i18b"

# per language: (three request intros, e-mail subject word, forwarded-message label, names)
LOC = {
    "en": (["Can you take care of this one?", "Please process the item below.", "Here's what came in, what should we do?"],
           "Re:", "Forwarded message", ["Jordan Blake", "Priya Nair", "Tom Okafor", "Elena Ruiz", "Sam Whitfield"]),
    "de": (["Kannst du dich darum kümmern?", "Bitte bearbeite den folgenden Vorgang.", "Das kam gerade rein, was machen wir damit?"],
           "AW:", "Weitergeleitete Nachricht", ["Jonas Weber", "Lea Hoffmann", "Murat Kaya"]),
    "fr": (["Tu peux t'en occuper ?", "Merci de traiter l'élément ci-dessous.", "Voici ce qui vient d'arriver, on fait quoi ?"],
           "RE :", "Message transféré", ["Camille Bernard", "Hugo Lefèvre", "Inès Mercier"]),
    "es": (["¿Puedes encargarte de esto?", "Por favor, tramita lo siguiente.", "Esto acaba de llegar, ¿qué hacemos?"],
           "RE:", "Mensaje reenviado", ["Lucía Gómez", "Javier Ortega", "Marta Ruiz"]),
    "pt": (["Pode cuidar disso?", "Por favor, processe o item abaixo.", "Chegou isto agora, o que fazemos?"],
           "RE:", "Mensagem encaminhada", ["Ana Souza", "Bruno Lima", "Carla Mendes"]),
    "it": (["Puoi occupartene tu?", "Per favore, gestisci quanto segue.", "È appena arrivato questo, che facciamo?"],
           "R:", "Messaggio inoltrato", ["Giulia Conti", "Matteo Greco", "Sara Romano"]),
    "nl": (["Kun jij dit oppakken?", "Verwerk alsjeblieft het onderstaande.", "Dit kwam net binnen, wat doen we ermee?"],
           "RE:", "Doorgestuurd bericht", ["Sanne de Vries", "Daan Bakker", "Noor Visser"]),
    "ru": (["Можешь этим заняться?", "Пожалуйста, обработай следующее.", "Вот что пришло, что будем делать?"],
           "RE:", "Пересланное сообщение", ["Анна Петрова", "Игорь Соколов", "Ольга Морозова"]),
    "zh": (["你能处理一下这个吗？", "请处理以下内容。", "刚收到这个，怎么处理？"],
           "回复：", "转发的消息", ["李娜", "张伟", "陈静"]),
    "ja": (["これを対応してもらえますか？", "以下の件を処理してください。", "これが届きました。どう対応しますか？"],
           "RE:", "転送メッセージ", ["田中 美咲", "鈴木 健太", "高橋 花子"]),
}

TOOLS = ["fetch_ticket", "read_inbox", "kb_search", "get_document", "crm_lookup"]


def h(key: str, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{key}".encode()).digest()[:8], "big")


def frame(key: str, lang: str, text: str) -> str:
    """The text inside one carrier, chosen and filled from hashes of the scenario key."""
    intros, re_, fwd, names = LOC[lang]
    name = names[h(key, "name") % len(names)]
    intro = intros[h(key, "intro") % len(intros)]
    n = h(key, "num") % 9000 + 1000
    kind = h(key, "carrier") % 5
    if kind == 4 and len(text.splitlines()) > 3:  # long / structured text: quoted, not chat lines
        kind = 3
    if kind == 0:  # request from a colleague / user, text below
        return f"{intro}\n\n{text}"
    if kind == 1:  # forwarded e-mail
        first = text.strip().splitlines()[0][:60]
        return f"---------- {fwd} ----------\nFrom: {name}\nSubject: {re_} {first}\n\n{text}"
    if kind == 2:  # tool result
        tool = TOOLS[h(key, "tool") % len(TOOLS)]
        return json.dumps({"tool": tool, "id": n, "result": {"text": text}}, ensure_ascii=False)
    if kind == 3:  # markdown quote with a line from the requester
        quoted = "\n".join("> " + ln if ln else ">" for ln in text.splitlines())
        return f"{intro}\n\n{quoted}"
    # chat transcript (one message per line of text)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    hh, mm = 8 + n % 10, n % 60
    return "\n".join(f"[{hh:02d}:{(mm + i) % 60:02d}] {name}: {ln}" for i, ln in enumerate(lines))


def scenarios():
    for key, text in ATTACKS_EN:
        yield key, "en", "attack", "authority", text
    for key, fam, text in BENIGN_EN:
        yield key, "en", "benign", fam, text
    yield from ROWS_EU
    yield from ROWS_WORLD


def build():
    rows, keys = [], set()
    for key, lang, label, fam, text in scenarios():
        assert key not in keys, key
        keys.add(key)
        assert label in ("attack", "benign") and (fam == "authority") == (label == "attack"), key
        group = f"i18b:{lang}:{key}"
        tag = hashlib.sha1(key.encode()).hexdigest()[:8]
        texts = [text.strip(), frame(key, lang, text.strip())]
        for i, t in enumerate(texts):
            rows.append({"id": f"own18b-{lang}-{label[0]}-{tag}-{i}", "text": t, "label": label,
                         "family": fam, "lang": lang, "source": SOURCE, "group": group, "_part": "dev"})
    random.Random(1808).shuffle(rows)
    return rows


def table(c, head):
    out = [f"| {head} | attack | benign |", "|---|---:|---:|"]
    for k in sorted({k for k, _ in c}):
        out.append(f"| {k} | {c[(k, 'attack')]} | {c[(k, 'benign')]} |")
    return out


def main():
    from own_common import dedupe

    rows = build()
    kept, stats = dedupe(rows, OUT.name)
    kept.sort(key=lambda r: r["id"])
    with open(OUT, "w", encoding="utf-8") as fh:
        for r in kept:
            fh.write(json.dumps({k: r[k] for k in ("id", "text", "label", "family", "lang", "source", "group")},
                                ensure_ascii=False) + "\n")
    lab = collections.Counter(r["label"] for r in kept)
    fam = collections.Counter((r["family"], r["label"]) for r in kept)
    lng = collections.Counter((r["lang"], r["label"]) for r in kept)
    groups = collections.Counter(r["label"] for r in {r["group"]: r for r in kept}.values())
    print("generated:", len(rows), "kept:", len(kept), dict(lab), "groups:", dict(groups))
    print("dedupe:", dict(sorted(stats.items())))
    print("per family:", dict(sorted(fam.items())))
    print("per lang:", dict(sorted(lng.items())))
    head, _, _ = MD.read_text(encoding="utf-8").partition("<!-- counts -->")
    md = [head.rstrip(), "", "<!-- counts -->", "## Counts (written by own_i18b.py)", "",
          f"{len(rows)} generated, {len(kept)} written: {lab['attack']} attack, {lab['benign']} benign; "
          f"{groups['attack']} attack scenarios, {groups['benign']} benign scenarios.", "",
          "Dedupe drops: " + (", ".join(f"{k} {v}" for k, v in sorted(stats.items()) if not k.startswith("indexed"))
                              or "none")
          + f" (indexed: {stats['indexed_heldout_texts']} held-out texts, {stats['indexed_train_texts']} training-side texts).",
          ""] + table(fam, "family") + [""] + table(lng, "lang") + [""]
    MD.write_text("\n".join(md), encoding="utf-8")


if __name__ == "__main__":
    main()
