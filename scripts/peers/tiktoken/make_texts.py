#!/usr/bin/env python3
"""Writes the three 64 KiB texts the token-counting bench and speed.py share (texts/):

- prose.txt: the repository's user guide (docs/*.md, sorted by name), English prose;
- code.txt: core's Rust sources (llmops-core/src/**/*.rs, sorted by path);
- multilingual.txt: sentences in 14 languages (written for this bench), shuffled with seed 7.

Each is cut at the last character boundary at or below 65,536 bytes. Run from anywhere;
re-running on a changed tree changes the texts, so the committed ones are the reference.
"""
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SIZE = 64 * 1024

SENTENCES = [
    "The invoice was paid on Tuesday, but the receipt never arrived.",
    "Die Rechnung wurde am Dienstag bezahlt, aber die Quittung kam nie an.",
    "La facture a été payée mardi, mais le reçu n'est jamais arrivé.",
    "La factura se pagó el martes, pero el recibo nunca llegó.",
    "Счёт был оплачен во вторник, но квитанция так и не пришла.",
    "发票已于星期二支付，但收据一直没有寄到。",
    "請求書は火曜日に支払われましたが、領収書は届きませんでした。",
    "청구서는 화요일에 지불되었지만 영수증은 오지 않았습니다.",
    "تم دفع الفاتورة يوم الثلاثاء، لكن الإيصال لم يصل أبدًا.",
    "चालान मंगलवार को चुकाया गया, लेकिन रसीद कभी नहीं आई।",
    "Το τιμολόγιο πληρώθηκε την Τρίτη, αλλά η απόδειξη δεν έφτασε ποτέ.",
    "Fatura salı günü ödendi ama makbuz hiç gelmedi.",
    "Hóa đơn đã được thanh toán vào thứ Ba, nhưng biên lai không bao giờ đến.",
    "החשבונית שולמה ביום שלישי, אבל הקבלה מעולם לא הגיעה.",
    "Where is my order #48213? 📦🚚 It said 2–3 days… 😕",
    "Mein Passwort funktioniert nicht mehr – können Sie es zurücksetzen?",
    "Pouvez-vous m'envoyer la facture en PDF, s'il vous plaît ?",
    "我想取消订阅，但找不到按钮。",
    "アカウントを削除する方法を教えてください。",
    "Не могу войти в аккаунт после обновления приложения.",
]


def cut(text: str) -> str:
    data = text.encode()[:SIZE]
    return data.decode("utf-8", errors="ignore")


def fill(parts, sep="\n\n"):
    out, n = [], 0
    for p in parts:
        out.append(p)
        n += len(p.encode()) + len(sep)
        if n > SIZE:
            break
    return cut(sep.join(out))


def main():
    docs = sorted((ROOT / "docs").glob("*.md"))
    prose = fill(p.read_text() for p in docs)
    code = fill((p.read_text() for p in sorted((ROOT / "llmops-core/src").rglob("*.rs"))), "\n")
    rng = random.Random(7)
    sentences = []
    while sum(len(s.encode()) + 1 for s in sentences) <= SIZE:
        para = rng.sample(SENTENCES, k=5)
        sentences.append(" ".join(para))
    multi = cut("\n".join(sentences))
    for name, text in [("prose", prose), ("code", code), ("multilingual", multi)]:
        path = HERE / "texts" / f"{name}.txt"
        path.write_text(text)
        print(path, len(text.encode()), "bytes")


if __name__ == "__main__":
    main()
