"""Carriers of part 1 (own writing, i14): retrieved content an agent reads (e-mail, ticket,
meeting invite, README, code comment, issue, web page, calendar note, log line, CI output,
chat export, bare line). Each carrier is a function (rng, inner, key) -> text; `inner` is an
operational injection (attack) or an ordinary line for humans (benign twin); `key` is a fill
key of fill.py (zht = traditional Chinese). Attacks and twins use the same carriers."""

import json

from .fill import GREET, LABELS, NAMES, PARAS, PROJECTS, SIGN, SUBJECTS


def _paras(rng, key, k):
    pool = PARAS[key]
    return rng.sample(pool, min(k, len(pool)))


def _place(rng, parts, inner):
    i = rng.randint(0, len(parts))
    return parts[:i] + [inner] + parts[i:]


def _date(rng):
    return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def email(rng, inner, key):
    a, b = rng.sample(NAMES, 2)
    body = _place(rng, _paras(rng, key, rng.randint(1, 2)), inner)
    return (f"From: {a} <{a.split()[0].lower()}@corp.example>\nTo: {b.split()[0].lower()}@corp.example\n"
            f"Subject: {rng.choice(SUBJECTS[key])}\n\n{rng.choice(GREET[key])}\n\n" + "\n\n".join(body)
            + f"\n\n{rng.choice(SIGN[key])}")


def ticket(rng, inner, key):
    t, d, c, _, _ = LABELS[key]
    n = rng.randint(10000, 99999)
    p = _paras(rng, key, 1)[0]
    if rng.random() < 0.5:
        return f"{t} #{n} [{rng.choice(PROJECTS)}] P{rng.randint(1, 4)}\n{d}: {p}\n{inner}"
    return f"{t} #{n} [{rng.choice(PROJECTS)}]\n{d}: {p}\n---\n{c} ({rng.choice(NAMES)}): {inner}"


def invite(rng, inner, key):
    _, _, _, notes, att = LABELS[key]
    desc = (rng.choice(PARAS[key]) + "\\n" + inner).replace("\n", "\\n")
    return ("BEGIN:VCALENDAR\nBEGIN:VEVENT\n"
            f"SUMMARY:{rng.choice(SUBJECTS[key])}\nDTSTART:{_date(rng).replace('-', '')}T{rng.randint(8, 17):02d}0000Z\n"
            f"ORGANIZER:mailto:{rng.choice(NAMES).split()[0].lower()}@corp.example\n"
            f"DESCRIPTION:{notes}: {desc}\nEND:VEVENT\nEND:VCALENDAR")


def calendar_note(rng, inner, key):
    _, _, _, notes, att = LABELS[key]
    return (f"{_date(rng)} {rng.randint(9, 17)}:{rng.choice(['00', '30'])} — {rng.choice(SUBJECTS[key])}\n"
            f"{att}: {', '.join(rng.sample(NAMES, 3))}\n{notes}: {inner}")


def readme(rng, inner, key):
    proj = rng.choice(PROJECTS)
    steps = ["git clone https://git.corp.example/team/" + proj + ".git", "cd " + proj, "make setup", "make test"]
    spot = rng.choice(["line", "comment", "note"])
    line = {"line": inner, "comment": f"<!-- {inner} -->", "note": f"> **Note:** {inner}"}[spot]
    parts = [f"# {proj}", rng.choice(PARAS[key]), "## Setup", "```sh\n" + "\n".join(steps) + "\n```"]
    parts = _place(rng, parts[1:], line)
    return f"# {proj}\n\n" + "\n\n".join(parts)


def code_comment(rng, inner, key):
    lines = inner.split("\n")
    if rng.random() < 0.5:
        com = "\n".join("# " + x for x in lines)
        return (f"import os\n\n{com}\ndef load_config(path=\"config.yaml\"):\n    with open(path) as fh:\n"
                f"        return fh.read()\n")
    com = "\n".join("// " + x for x in lines)
    return f"export function retry(fn, n = 3) {{\n  {com.replace(chr(10), chr(10) + '  ')}\n  return fn().catch(e => n > 0 ? retry(fn, n - 1) : Promise.reject(e));\n}}\n"


def issue(rng, inner, key):
    _, _, c, _, _ = LABELS[key]
    a, b = rng.sample(NAMES, 2)
    return (f"#{rng.randint(100, 4999)} {rng.choice(SUBJECTS[key])} · {rng.choice(PROJECTS)}\n\n"
            f"{a}: {rng.choice(PARAS[key])}\n\n{b} {c.lower() if key == 'en' else c}:\n{inner}")


def webpage(rng, inner, key):
    t = rng.choice(SUBJECTS[key])
    ps = _place(rng, [f"<p>{p}</p>" for p in _paras(rng, key, 2)], rng.choice([f"<p>{inner}</p>", f"<!-- {inner} -->",
                                                                               f"<div style=\"display:none\">{inner}</div>"]))
    return f"<html><head><title>{t}</title></head><body>\n<h1>{t}</h1>\n" + "\n".join(ps) + "\n</body></html>"


def log_line(rng, inner, key):
    ts = f"{_date(rng)}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    lvl = rng.choice(["INFO", "WARN", "NOTICE"])
    pre = [f"{ts} INFO [worker-{rng.randint(1, 8)}] job {rng.randint(100, 999)} finished in {rng.randint(20, 900)} ms"]
    return "\n".join(pre[: rng.randint(0, 1)] + [f"{ts} {lvl} [{rng.choice(PROJECTS)}] {inner.replace(chr(10), ' ')}"])


def ci_output(rng, inner, key):
    n = rng.randint(12, 300)
    return (f"Run make test\n> {rng.choice(PROJECTS)}@1.{rng.randint(0, 9)}.{rng.randint(0, 20)} test\n"
            f"  ✓ {n} passing ({rng.randint(2, 59)}s)\n##[warning]{inner.replace(chr(10), ' ')}\n"
            f"Post job cleanup.")


def chat_export(rng, inner, key):
    a, b = rng.sample(NAMES, 2)
    return (f"[{rng.randint(9, 18)}:{rng.randint(10, 59)}] {a}: {rng.choice(PARAS[key])}\n"
            f"[{rng.randint(9, 18)}:{rng.randint(10, 59)}] {b}: {inner}")


def tool_json(rng, inner, key):
    field = rng.choice(["description", "body", "note", "message"])
    return json.dumps({"id": rng.randint(1000, 99999), "title": rng.choice(SUBJECTS[key]), field: inner,
                       "updated": _date(rng)}, ensure_ascii=False)


def bare(rng, inner, key):
    return inner


CARRIERS = [email, ticket, invite, calendar_note, readme, code_comment, issue, webpage, log_line,
            ci_output, chat_export, tool_json, bare]
