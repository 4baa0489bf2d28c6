#!/usr/bin/env python3
"""Own writing for i11: benign retrieved documents of the genres a RAG deployment retrieves.

    python3 scripts/guard_train/docs_own.py
    # writes scripts/guard_train/docs-own.jsonl (train) and docs-own-dev.jsonl (dev)

WHOIS / RDAP-style records in several registry and registrar layouts (redacted contacts,
"please query the RDDS service", terms-of-use notices), terms of service, privacy policies,
regulations and licence clauses (full of "you must not", "do not disclose"), encyclopaedic
fact lists, CVs, product spec sheets, API and CLI reference pages, README install steps, FAQ
pages, e-mail threads, meeting notes, medicine leaflets, recipes, log excerpts and CSV or
Markdown tables. Every text is benign, `family: document`, `kind: retrieved`, 300-3000 bytes,
grouped per genre (`own:docs:<genre>` for train, `own:docs-dev:<genre>` for dev), so the
grouped cross-validation never has one genre on both sides and the leave-one-source-out view
leaves it out with the rest of our own writing.

The dev file is written apart: other layouts, other wording and other subjects for the same
genres (other registrars' WHOIS output, other kinds of legal text, other fact lists, ...),
plus genres that the train file does not have at all (safety data sheets, leases, release
notes, security advisories, post-mortems, exam instructions, game rules, warranty cards).
It is only scored (`--dev`). Seeded: the same files every run.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_TRAIN = HERE / "docs-own.jsonl"
OUT_DEV = HERE / "docs-own-dev.jsonl"
SRC = "llmops-own (i11 documents, scripts/guard_train/docs_own.py)"
MIN_LEN, MAX_LEN = 300, 3000

WORDS = ["north", "maple", "quartz", "harbor", "pixel", "amber", "cobalt", "river", "summit", "lumen",
         "falcon", "cedar", "orbit", "meadow", "vertex", "nimbus", "tundra", "willow", "atlas", "ember",
         "granite", "solstice", "kestrel", "juniper", "beacon", "cinder", "delta", "fjord", "garnet",
         "hollow", "indigo", "jasper", "krypton", "lagoon", "mistral", "nova", "onyx", "prairie"]
SUFFIX = ["shop", "labs", "cloud", "media", "travel", "foods", "health", "systems", "studio", "works",
          "books", "motors", "energy", "finance", "garden", "games", "legal", "print"]
FIRST = ["Anna", "Ben", "Chloe", "David", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
         "Lars", "Mei", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor",
         "Wen", "Yusuf", "Zofia", "Marco", "Leila", "Tomasz", "Aisha", "Pablo"]
LAST = ["Keller", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Haddad", "Fischer", "Brennan",
        "Costa", "Nguyen", "Kowalski", "Silva", "Dubois", "Petrov", "Osei", "Jensen", "Romano", "Kaur",
        "Byrne", "Schmidt", "Alvarez", "Ito", "Mensah", "Larsen", "Horvat"]
CITIES = ["Lyon", "Leeds", "Porto", "Graz", "Tampere", "Ghent", "Bilbao", "Brno", "Aarhus", "Cork",
          "Utrecht", "Bologna", "Kraków", "Dundee", "Malmö", "Basel", "Nantes", "Toledo", "Cluj", "Split"]
COUNTRIES = ["FR", "GB", "PT", "AT", "FI", "BE", "ES", "CZ", "DK", "IE", "NL", "IT", "PL", "SE", "CH",
             "US", "CA", "DE", "JP", "AU"]
TLDS = ["com", "net", "org", "io", "shop", "info", "app", "dev", "co", "eu"]
REGISTRARS = [("NameCheap, Inc.", 1068), ("GoDaddy.com, LLC", 146), ("Tucows Domains Inc.", 69),
              ("Gandi SAS", 81), ("OVH sas", 433), ("Key-Systems GmbH", 269), ("Porkbun LLC", 1861),
              ("Dynadot Inc", 472), ("Hostinger Operations, UAB", 1636), ("Cloudflare, Inc.", 1910),
              ("Network Solutions, LLC", 2), ("Gransy s.r.o.", 1505)]
NS = ["ns1.{d}", "ns2.{d}", "dns1.registrar-servers.com", "dns2.registrar-servers.com",
      "ns-1234.awsdns-26.org", "ns-88.awsdns-11.com", "alice.ns.cloudflare.com", "bob.ns.cloudflare.com",
      "ns1.dynadot.com", "dns101.ovh.net", "ns3.gandi.net", "pdns1.domaincontrol.com"]


def pick(rng, xs, k=None):
    return rng.choice(xs) if k is None else rng.sample(xs, k)


def domain(rng):
    return f"{pick(rng, WORDS)}{pick(rng, ['', '-'])}{pick(rng, SUFFIX)}.{pick(rng, TLDS)}"


def date(rng, y0=2003, y1=2026, t=True):
    y, m, d = rng.randint(y0, y1), rng.randint(1, 12), rng.randint(1, 28)
    if not t:
        return f"{y}-{m:02d}-{d:02d}"
    return f"{y}-{m:02d}-{d:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


def person(rng):
    return f"{pick(rng, FIRST)} {pick(rng, LAST)}"


def fit(text: str, rng) -> str | None:
    """Cuts a text to at most MAX_LEN bytes at a line break; None when shorter than MIN_LEN."""
    b = text.encode()
    if len(b) > MAX_LEN:
        cut = b[:MAX_LEN].decode(errors="ignore")
        cut = cut[: cut.rfind("\n")] if "\n" in cut[MAX_LEN // 2:] else cut[: cut.rfind(" ")]
        text = cut.rstrip()
    return text if len(text.encode()) >= MIN_LEN else None


# ---------------------------------------------------------------- WHOIS (train layouts)

TOU_VERISIGN = (
    "TERMS OF USE: You are not authorized to access or query our Whois database through the use "
    "of electronic processes that are high-volume and automated except as reasonably necessary to "
    "register domain names or modify existing registrations; the Data in the registry's Whois "
    "database is provided for information purposes only, and to assist persons in obtaining "
    "information about or related to a domain name registration record. We do not guarantee its "
    "accuracy. By submitting a Whois query, you agree to abide by the following terms of use: You "
    "agree that you may use this Data only for lawful purposes and that under no circumstances "
    "will you use this Data to: (1) allow, enable, or otherwise support the transmission of mass "
    "unsolicited, commercial advertising or solicitations via e-mail, telephone, or facsimile; or "
    "(2) enable high volume, automated, electronic processes that apply to the registry (or its "
    "computer systems). The compilation, repackaging, dissemination or other use of this Data is "
    "expressly prohibited without the prior written consent of the registry. We reserve the right "
    "to modify these terms at any time. By submitting this query, you agree to abide by this policy.")


def whois_thin(rng):
    d = domain(rng).split(".")[0] + ".com"
    reg, iana = pick(rng, REGISTRARS)
    ns = [n.format(d=d) for n in pick(rng, NS, 2)]
    st = pick(rng, ["clientTransferProhibited", "clientDeleteProhibited", "clientUpdateProhibited",
                    "serverHold", "ok"], rng.randint(1, 3))
    lines = [f"   Domain Name: {d.upper()}", f"   Registry Domain ID: {rng.randint(10**9, 10**10)}_DOMAIN_COM-VRSN",
             f"   Registrar WHOIS Server: whois.{reg.split()[0].lower().strip(',.')}.com",
             f"   Registrar URL: http://www.{reg.split()[0].lower().strip(',.')}.com",
             f"   Updated Date: {date(rng)}", f"   Creation Date: {date(rng, 1998, 2015)}",
             f"   Registry Expiry Date: {date(rng, 2026, 2031)}", f"   Registrar: {reg}",
             f"   Registrar IANA ID: {iana}", "   Registrar Abuse Contact Email: abuse@" +
             reg.split()[0].lower().strip(',.') + ".com",
             f"   Registrar Abuse Contact Phone: +1.{rng.randint(2000000000, 9999999999)}"]
    lines += [f"   Domain Status: {s} https://icann.org/epp#{s}" for s in st]
    lines += [f"   Name Server: {n.upper()}" for n in ns]
    lines += ["   DNSSEC: " + pick(rng, ["unsigned", "signedDelegation"]),
              "   URL of the ICANN Whois Inaccuracy Complaint Form: https://www.icann.org/wicf/",
              f">>> Last update of whois database: {date(rng, 2025, 2026)} <<<", "",
              "For more information on Whois status codes, please visit https://icann.org/epp", "",
              "NOTICE: The expiration date displayed in this record is the date the registrar's "
              "sponsorship of the domain name registration in the registry is currently set to expire. "
              "This date does not necessarily reflect the expiration date of the domain name registrant's "
              "agreement with the sponsoring registrar. Users may consult the sponsoring registrar's "
              "Whois database to view the registrar's reported date of expiration for this registration.", ""]
    if rng.random() < 0.8:
        lines.append(TOU_VERISIGN)
    return "\n".join(lines)


def whois_redacted(rng):
    d = domain(rng)
    reg, iana = pick(rng, REGISTRARS)
    host = reg.split()[0].lower().strip(",.")
    red = "REDACTED FOR PRIVACY"
    out = [f"Domain Name: {d}", f"Registry Domain ID: D{rng.randint(10**8, 10**9)}-{pick(rng, ['LROR', 'CNIC', 'DONUTS', 'GOOGLE'])}",
           f"Registrar WHOIS Server: whois.{host}.com", f"Registrar URL: https://www.{host}.com",
           f"Updated Date: {date(rng)}", f"Creation Date: {date(rng, 2005, 2022)}",
           f"Registrar Registration Expiration Date: {date(rng, 2026, 2030)}",
           f"Registrar: {reg}", f"Registrar IANA ID: {iana}",
           f"Registrar Abuse Contact Email: abuse@{host}.com",
           f"Registrar Abuse Contact Phone: +{rng.randint(1, 49)}.{rng.randint(100000000, 999999999)}",
           "Reseller: " + pick(rng, ["", "Hover", "Squarespace Domains", "Wix.com Ltd."]),
           "Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited"]
    for role in ["Registrant", "Admin", "Tech"]:
        if role != "Registrant" and rng.random() < 0.3:
            continue
        out += [f"Registry {role} ID: {red}", f"{role} Name: {red}",
                f"{role} Organization: " + (red if rng.random() < 0.6 else pick(rng, ["Privacy service provided by Withheld for Privacy ehf", "Domains By Proxy, LLC", "Data Protected"])),
                f"{role} Street: {red}", f"{role} City: {red}",
                f"{role} State/Province: " + pick(rng, [red, "Capital Region", "ON", "CA", "Bavaria"]),
                f"{role} Postal Code: {red}", f"{role} Country: {pick(rng, COUNTRIES)}",
                f"{role} Phone: {red}", f"{role} Fax: {red}",
                f"{role} Email: " + pick(rng, [
                    f"Please query the RDDS service of the Registrar of Record identified in this output for information on how to contact the {role}, Admin, or Tech contact of the queried domain name.",
                    f"https://www.{host}.com/contact-domain-owner/{d}",
                    red])]
    out += [f"Name Server: {n.format(d=d)}" for n in pick(rng, NS, 2)]
    out += ["DNSSEC: unsigned", "URL of the ICANN Whois Inaccuracy Complaint Form: https://www.icann.org/wicf/",
            f">>> Last update of WHOIS database: {date(rng, 2025, 2026)} <<<", ""]
    notes = [
        "For more information on Whois status codes, please visit https://icann.org/epp",
        "The Service is provided so that you may look up certain information in relation to domain names "
        "that we store in our database. Use of the Service is subject to our policies, in particular you "
        "should familiarise yourself with our Acceptable Use Policy and our Privacy Policy.",
        "NOTICE: Access to our WHOIS information is provided to assist persons in determining the contents "
        "of a domain name registration record. You may not use this data to allow, enable, or otherwise "
        "support the transmission of mass unsolicited commercial advertising or solicitations. By "
        "submitting this query, you agree to abide by these terms.",
        "Registrar RDAP service: https://rdap." + host + ".com/ . Please query the RDDS service of the "
        "Registrar of Record for contact information. Do not use the data for marketing purposes.",
    ]
    out += pick(rng, notes, rng.randint(1, 3))
    return "\n".join(out)


def whois_cctld(rng):
    d = domain(rng).rsplit(".", 1)[0] + "." + pick(rng, ["uk", "de", "nl", "be", "fr", "se", "ch"])
    reg, _ = pick(rng, REGISTRARS)
    fmt = rng.randint(0, 2)
    if fmt == 0:
        return "\n".join([
            "", "    Domain name:", f"        {d}", "", "    Data validation:",
            "        Nominated registrant has been validated", "",
            "    Registrar:", f"        {reg} [Tag = {pick(rng, WORDS).upper()}]",
            f"        URL: https://www.{reg.split()[0].lower().strip(',.')}.com", "",
            "    Relevant dates:", f"        Registered on: {date(rng, 2000, 2020, False)}",
            f"        Expiry date:  {date(rng, 2026, 2029, False)}", f"        Last updated:  {date(rng, 2024, 2026, False)}",
            "", "    Registration status:", "        Registered until expiry date.", "",
            "    Name servers:"] + [f"        {n.format(d=d)}" for n in pick(rng, NS, 2)] + [
            "", f"    WHOIS lookup made at {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:12 {date(rng, 2025, 2026, False)}", "",
            "-- ", "This WHOIS information is provided for free by the registry, the .uk domain name registry.",
            "Copyright the registry 2026.", "You may not access the .uk WHOIS or use any data from it except as permitted",
            "by the terms of use available in full at the registry's website, which includes",
            "restrictions on: (A) use of the data for advertising, or its repackaging,",
            "recompilation, redistribution or reuse (B) obscuring, removing or hiding any or",
            "all of this notice and (C) exceeding query rate or volume limits. The data is",
            "provided on an 'as-is' basis and may lag behind the register. Access may be",
            "withdrawn or restricted at any time."])
    if fmt == 1:
        return "\n".join([
            "% Restricted rights.", "%", "% Terms and Conditions of Use", "%",
            "% The above data may only be used within the scope of technical or",
            "% administrative necessities of Internet operation or to remedy legal",
            "% problems.", "% The use for other purposes, in particular for advertising, is not permitted.",
            "%", "% The registry's database is protected by copyright and related rights.", "",
            f"Domain: {d}", "Nserver: " + pick(rng, NS).format(d=d), "Nserver: " + pick(rng, NS).format(d=d),
            "Status: connect", f"Changed: {date(rng, 2023, 2026)}", "",
            "[Tech-C]", "Type: ROLE", f"Name: Hostmaster {pick(rng, WORDS).title()}", f"Organisation: {reg}",
            f"Address: {rng.randint(1, 200)} {pick(rng, WORDS).title()}strasse", f"PostalCode: {rng.randint(10000, 99999)}",
            f"City: {pick(rng, CITIES)}", f"CountryCode: {pick(rng, COUNTRIES)}",
            f"Phone: +{rng.randint(30, 49)}.{rng.randint(10**8, 10**9)}", f"Email: hostmaster@{d}",
            f"Changed: {date(rng, 2018, 2026)}", "",
            "[Zone-C]", "Type: ROLE", "Name: DNS Operations", f"Organisation: {reg}",
            "Remarks: Contact the registrar for questions about this domain. Do not send abuse reports to the registry."])
    return "\n".join([
        f"Domain name: {d}", "Status:      active", "", "Registrar:", f"   {reg}",
        f"   {rng.randint(1, 300)} {pick(rng, WORDS).title()} Avenue", f"   {pick(rng, CITIES)}",
        f"   {pick(rng, COUNTRIES)}", "", "Abuse Contact:", f"   abuse@{reg.split()[0].lower().strip(',.')}.com", "",
        "DNSSEC:      yes", "", "Domain nameservers:"] + [f"   {n.format(d=d)}" for n in pick(rng, NS, 3)] + [
        "", f"Creation Date: {date(rng, 1999, 2020, False)}", "", f"Updated Date: {date(rng, 2022, 2026, False)}", "",
        "Record maintained by: registry operator", "",
        "Copyright notice", "No part of this publication may be reproduced, published, stored in a",
        "retrieval system, or transmitted, in any form or by any means, electronic,",
        "mechanical, recording, or otherwise, without prior permission of the registry.",
        "Any use of this material for advertising, targeting commercial offers or",
        "similar activities is explicitly forbidden and liable to result in legal",
        "action. Anyone who is aware or suspects that such activities are taking",
        "place is asked to inform the registry.", "(c) registry operator, all rights reserved."])


# ---------------------------------------------------------------- legal / policy (train)

TOS_CLAUSES = [
    "You must not use the Service for any unlawful purpose or in any way that could damage, disable or impair it.",
    "You must not attempt to gain unauthorised access to any part of the Service, to other accounts, or to computer systems connected to the Service.",
    "Do not disclose your password to anyone. You are responsible for all activity that occurs under your account.",
    "You agree not to reverse engineer, decompile or disassemble any software provided as part of the Service, except where applicable law expressly permits it.",
    "We may suspend or terminate your access at any time, without notice, if we reasonably believe that you have breached these Terms.",
    "You must be at least 16 years old to create an account. If you are under 18, you confirm that a parent or guardian has agreed to these Terms.",
    "Any content you upload remains yours. You grant us a worldwide, non-exclusive licence to host and display it solely to operate the Service.",
    "Do not upload content that infringes the intellectual property rights of others or that is defamatory, obscene or harassing.",
    "These Terms are governed by the laws of {country}, and the courts of {city} have exclusive jurisdiction.",
    "To the fullest extent permitted by law, the Service is provided \"as is\" and we disclaim all warranties, express or implied.",
    "We may update these Terms from time to time. Continued use of the Service after a change means you accept the updated Terms.",
    "You may not resell, sublicense or commercially exploit the Service without our prior written consent.",
    "Ignore any e-mail that claims to come from us and asks for your password; we will never ask for it.",
    "You must keep your contact details up to date so that we can send you notices about your account.",
    "If any provision of these Terms is held invalid, the remaining provisions remain in full force and effect.",
    "Refunds are issued to the original payment method within 14 days of an approved request.",
    "You must not use automated means, including bots, scrapers or crawlers, to access the Service except through our published API.",
    "Nothing in these Terms limits liability for death or personal injury caused by negligence, or for fraud.",
]
PRIV_CLAUSES = [
    "We collect the information you give us when you register, such as your name, e-mail address and billing details.",
    "We use cookies and similar technologies to keep you signed in and to understand how the Service is used.",
    "We do not sell your personal data. We share it only with processors that act on our instructions and under contract.",
    "You have the right to access, correct or delete your personal data, and to object to or restrict its processing.",
    "To exercise your rights, write to our data protection officer at privacy@{domain}. We will answer within one month.",
    "Employees must not disclose personal data to third parties unless the disclosure is authorised by this policy.",
    "We keep account data for as long as your account is open and for six years afterwards to meet legal obligations.",
    "Where we transfer data outside the European Economic Area, we rely on the Standard Contractual Clauses.",
    "If you believe we have not handled your data lawfully, you may lodge a complaint with your supervisory authority.",
    "Do not send us special categories of personal data, such as health information, unless we ask for it.",
    "Access to production systems is limited to staff who need it, and every access is logged and reviewed.",
    "This policy applies to all processing of personal data by {org} and its subsidiaries.",
]
REG_CLAUSES = [
    "The operator shall keep a record of every inspection for a period of not less than five years.",
    "No person shall operate the installation unless a valid permit has been issued under Article {n}.",
    "The competent authority may, by written notice, require the operator to provide any information it reasonably needs.",
    "A person who contravenes paragraph ({m}) commits an offence and is liable on summary conviction to a fine.",
    "Member States shall ensure that the information referred to in paragraph 1 is made available to the public free of charge.",
    "The provider must not disclose confidential information obtained in the course of the assessment, except as required by law.",
    "This Regulation shall enter into force on the twentieth day following that of its publication.",
    "For the purposes of this Section, 'consumer' means any natural person acting for purposes outside their trade or profession.",
    "The employer must ensure that no worker is exposed to noise above the exposure limit value.",
    "Applications shall be submitted on the form set out in Annex {roman} and accompanied by the documents listed there.",
    "Where the deadline falls on a public holiday, it is extended to the next working day.",
    "Nothing in this Part shall be construed as requiring the disclosure of information protected by legal privilege.",
]


def legal(rng, kind):
    org = f"{pick(rng, WORDS).title()} {pick(rng, ['Ltd', 'GmbH', 'SAS', 'Inc.', 'B.V.', 'AB'])}"
    fmt = dict(country=pick(rng, ["England and Wales", "Ireland", "the Netherlands", "Germany", "France", "Sweden"]),
               city=pick(rng, CITIES), domain=domain(rng), org=org, n=rng.randint(3, 40), m=rng.randint(1, 9),
               roman=pick(rng, ["I", "II", "III", "IV", "V"]))
    pool = {"tos": TOS_CLAUSES, "privacy": PRIV_CLAUSES, "regulation": REG_CLAUSES}[kind]
    title = {"tos": f"{org} - Terms of Service", "privacy": f"{org} Privacy Notice",
             "regulation": f"Part {rng.randint(1, 9)} - {pick(rng, ['Permits', 'General obligations', 'Enforcement', 'Information duties', 'Definitions'])}"}[kind]
    body = [title, f"Last updated: {date(rng, 2019, 2026, False)}", ""]
    for i, c in enumerate(pick(rng, pool, rng.randint(3, min(9, len(pool))))):
        num = f"{i + 1}." if kind != "regulation" else f"({i + 1})"
        body.append(f"{num} {c.format(**fmt)}")
    return "\n".join(body)


# ---------------------------------------------------------------- encyclopaedic facts (train)

LANDMARKS = [
    ("Eiffel Tower", "Paris", "wrought-iron lattice tower", "1889", "330 m", "Gustave Eiffel's company"),
    ("Sagrada Família", "Barcelona", "basilica", "1882 (begun)", "172.5 m", "Antoni Gaudí"),
    ("Tower Bridge", "London", "combined bascule and suspension bridge", "1894", "65 m", "Horace Jones and John Wolfe Barry"),
    ("Golden Gate Bridge", "San Francisco", "suspension bridge", "1937", "227 m", "Joseph Strauss"),
    ("Colosseum", "Rome", "oval amphitheatre", "80 AD", "48 m", "the Flavian emperors"),
    ("Atomium", "Brussels", "steel building of nine spheres", "1958", "102 m", "André Waterkeyn"),
    ("CN Tower", "Toronto", "concrete communications tower", "1976", "553.3 m", "John Andrews Architects"),
    ("Alhambra", "Granada", "palace and fortress complex", "1238 onwards", "n/a", "the Nasrid dynasty"),
    ("Sydney Opera House", "Sydney", "multi-venue performing arts centre", "1973", "65 m", "Jørn Utzon"),
    ("Charles Bridge", "Prague", "stone bridge", "1402", "n/a", "Peter Parler"),
]
FACT_LINES = [
    "The {n} is a {k} in {c}.", "It was completed in {y} and stands {h} tall.", "It was designed by {a}.",
    "It receives several million visitors every year.", "It is a UNESCO World Heritage Site or part of one.",
    "During restoration works, parts of the structure were closed to the public.",
    "Photography for private use is allowed; drones are not permitted above the site.",
    "The {n} has appeared in many films, postcards and advertisements.",
    "Local regulations require visitors to keep to the marked paths.",
    "A small museum at the base explains its construction.",
    "It was originally criticised by some artists and writers of the time.",
    "At night it is lit by an illumination system installed in a later renovation.",
    "It is one of the most recognisable structures in {c}.",
]
FACT_SPECIES = [
    ("red fox", "Vulpes vulpes", "mammal", "Northern Hemisphere", "3-7 years"),
    ("common swift", "Apus apus", "bird", "Europe and Asia; winters in Africa", "up to 21 years"),
    ("blue whale", "Balaenoptera musculus", "marine mammal", "all oceans", "80-90 years"),
    ("monarch butterfly", "Danaus plexippus", "insect", "North America", "2-6 weeks (summer generations)"),
    ("giant sequoia", "Sequoiadendron giganteum", "tree", "Sierra Nevada, California", "over 3,000 years"),
    ("axolotl", "Ambystoma mexicanum", "amphibian", "lakes near Mexico City", "10-15 years"),
]


def facts(rng, kind):
    if kind == "landmark":
        n, c, k, y, h, a = pick(rng, LANDMARKS)
        lines = [f"{n}", "", "Quick facts:"]
        kv = [("Location", c), ("Type", k), ("Completed", y), ("Height", h), ("Architect / builder", a),
              ("Visitors per year", f"about {rng.randint(2, 9)} million"), ("Opening hours", f"{rng.randint(8, 10)}:00-{rng.randint(18, 23)}:00")]
        lines += [f"- {k_}: {v}" for k_, v in kv]
        lines.append("")
        lines += ["- " + s.format(n=n, k=k, c=c, y=y, h=h, a=a) for s in pick(rng, FACT_LINES, rng.randint(5, 10))]
        return "\n".join(lines)
    n, sci, cls, rng_, life = pick(rng, FACT_SPECIES)
    lines = [f"{n.title()} ({sci})", f"Class: {cls}", f"Range: {rng_}", f"Lifespan: {life}",
             f"Conservation status: {pick(rng, ['Least Concern', 'Vulnerable', 'Endangered', 'Near Threatened'])}", ""]
    more = [f"The {n} is a {cls} found in {rng_}.", f"Its scientific name is {sci}.",
            f"The {n} feeds mainly at dawn and dusk.", "Populations have declined in some regions because of habitat loss.",
            "It is protected by law in several countries; do not disturb nesting or breeding sites.",
            f"The oldest recorded individual lived {life.split()[-2] if life[0].isdigit() else 'much longer than average'} years.",
            "Researchers track individuals with small tags or by photographs of their markings.",
            "In folklore it often appears as a symbol of cunning, endurance or renewal."]
    lines += pick(rng, more, rng.randint(4, len(more)))
    return "\n".join(lines)


# ---------------------------------------------------------------- CVs (train)

SKILLS = ["Python", "Rust", "SQL", "Kubernetes", "Terraform", "React", "Java", "Go", "AWS", "GCP", "Excel",
          "Tableau", "SAP", "Figma", "AutoCAD", "Salesforce", "Power BI", "Docker", "Linux", "C++"]
ROLES = ["Software Engineer", "Data Analyst", "Project Manager", "Nurse", "Mechanical Engineer",
         "Accountant", "UX Designer", "Site Reliability Engineer", "Sales Manager", "Teacher", "Paralegal"]
BULLETS = [
    "Led a team of {k} engineers delivering a {w} platform used by {m} customers.",
    "Reduced monthly cloud costs by {p}% by rightsizing instances and removing unused storage.",
    "Designed and ran the onboarding programme for new hires in the {w} department.",
    "Managed a budget of EUR {m} and reported progress to the steering committee every quarter.",
    "Introduced automated testing; release failures fell by {p}% within six months.",
    "Handled {k}0+ client accounts and achieved {p}% of annual target.",
    "Wrote internal guidelines on data handling and trained staff to follow them.",
    "Migrated legacy reporting to a modern data warehouse with no downtime.",
    "Supervised {k} apprentices and ran weekly safety briefings.",
    "Responsible for month-end close, reconciliations and audit preparation.",
]


def resume(rng):
    name = person(rng)
    role = pick(rng, ROLES)
    lines = [name.upper(), f"{role} | {pick(rng, CITIES)} | {name.split()[0].lower()}.{name.split()[1].lower()}@example.com | +{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}", "",
             "PROFILE", f"{role} with {rng.randint(3, 20)} years of experience. Reliable, organised and comfortable working with stakeholders at every level.", "",
             "EXPERIENCE"]
    y = 2025
    for _ in range(rng.randint(2, 4)):
        y0 = y - rng.randint(1, 5)
        lines.append(f"{pick(rng, ['Senior ', 'Lead ', '', 'Junior '])}{role}, {pick(rng, WORDS).title()} {pick(rng, SUFFIX).title()} - {y0}-{y}")
        for b in pick(rng, BULLETS, rng.randint(2, 4)):
            lines.append("  * " + b.format(k=rng.randint(2, 9), w=pick(rng, WORDS), m=rng.randint(10, 900) * 1000, p=rng.randint(10, 45)))
        y = y0
    lines += ["", "EDUCATION", f"{pick(rng, ['BSc', 'MSc', 'BA', 'MEng', 'Diploma'])} in {pick(rng, ['Computer Science', 'Economics', 'Nursing', 'Mechanical Engineering', 'Law', 'Design'])}, University of {pick(rng, CITIES)} ({y - rng.randint(1, 4)})",
              "", "SKILLS", ", ".join(pick(rng, SKILLS, rng.randint(4, 8))),
              "", "LANGUAGES", ", ".join(pick(rng, ["English (fluent)", "German (B2)", "French (C1)", "Spanish (native)", "Polish (native)", "Japanese (A2)"], 2)),
              "", "References available on request."]
    return "\n".join(lines)


# ---------------------------------------------------------------- product specs, API/CLI docs, README, FAQ

def spec(rng):
    prod = f"{pick(rng, WORDS).title()} {pick(rng, ['X2', 'Pro', 'Mini', '500', 'S', 'Air', 'Max'])}"
    kind = pick(rng, ["cordless drill", "wireless router", "laptop", "coffee machine", "e-bike", "monitor"])
    kv = [("Model", prod), ("Product type", kind), ("Dimensions", f"{rng.randint(10, 60)} x {rng.randint(10, 40)} x {rng.randint(2, 30)} cm"),
          ("Weight", f"{rng.randint(1, 25)}.{rng.randint(0, 9)} kg"), ("Power", f"{rng.randint(5, 1500)} W"),
          ("Colour", pick(rng, ["black", "silver", "white", "graphite"])), ("Warranty", f"{rng.randint(1, 5)} years"),
          ("Operating temperature", f"0-{rng.randint(35, 45)} °C"), ("Certifications", "CE, RoHS, UKCA"),
          ("In the box", "device, power adapter, quick start guide")]
    lines = [f"{prod} - Technical specifications", ""] + [f"{k}: {v}" for k, v in kv] + ["", "Safety notes:"]
    lines += ["- " + s for s in pick(rng, [
        "Do not use the device near water.", "Do not open the housing; there are no user-serviceable parts inside.",
        "Use only the supplied charger.", "Keep out of reach of children.", "Do not cover the ventilation openings.",
        "Disconnect the power before cleaning.", "Ignore the blinking orange light during the first charge; it is normal.",
        "Never operate the device with a damaged cable."], rng.randint(3, 6))]
    return "\n".join(lines)


def api_doc(rng):
    res = pick(rng, ["orders", "users", "invoices", "webhooks", "projects", "tokens"])
    lines = [f"## {pick(rng, ['GET', 'POST', 'DELETE', 'PATCH'])} /v{rng.randint(1, 3)}/{res}", "",
             f"Returns or changes {res} of the authenticated account.", "", "### Parameters", "",
             "| name | type | required | description |", "|---|---|---|---|"]
    for p_ in pick(rng, ["limit", "cursor", "status", "created_after", "expand", "id", "name", "dry_run"], rng.randint(3, 6)):
        lines.append(f"| {p_} | {pick(rng, ['string', 'integer', 'boolean'])} | {pick(rng, ['yes', 'no'])} | {pick(rng, ['Maximum number of items to return (1-100).', 'Opaque cursor from the previous page.', 'Filter by status.', 'ISO 8601 timestamp.', 'Do not set this in production.', 'Identifier of the object.'])} |")
    lines += ["", "### Notes", ""]
    lines += ["- " + s for s in pick(rng, [
        "Always send the `Authorization: Bearer <token>` header. Never embed the token in client-side code.",
        "Do not retry a request that returned 4xx without changing it.",
        "Ignore unknown fields in responses: new fields may be added without notice.",
        "You must set `Idempotency-Key` on every POST to avoid duplicate charges.",
        "Rate limit: 100 requests per minute per token; exceeding it returns 429.",
        "Deleted objects cannot be restored. Export them first if you need a copy.",
        "Override the default page size with `limit`; the maximum is 100.",
        "System fields (`id`, `created`, `updated`) are read-only and ignored on input."], rng.randint(3, 6))]
    lines += ["", "### Example", "", "```", f"curl -H 'Authorization: Bearer $TOKEN' https://api.{domain(rng)}/v1/{res}?limit=10", "```"]
    return "\n".join(lines)


def cli_doc(rng):
    tool = pick(rng, ["syncd", "backupctl", "imgconv", "logship", "kvtool", "deployer"])
    opts = [("-v, --verbose", "Print more information. Repeat for more detail."),
            ("-n, --dry-run", "Show what would be done without changing anything."),
            ("-f, --force", "Overwrite existing files. Use with care: there is no undo."),
            ("-c, --config FILE", "Read settings from FILE instead of the default location."),
            ("--ignore-errors", "Continue with the next item when one fails."),
            ("--system", "Use the system-wide configuration instead of the user's."),
            ("-o, --output DIR", "Write results to DIR."), ("--reset", "Forget the saved state and start over."),
            ("-q, --quiet", "Suppress all output except errors.")]
    lines = [f"{tool.upper()}(1)", "", "NAME", f"    {tool} - {pick(rng, ['synchronise folders', 'manage backups', 'convert images', 'ship logs', 'edit key-value stores', 'deploy releases'])}",
             "", "SYNOPSIS", f"    {tool} [OPTIONS] SOURCE [TARGET]", "", "DESCRIPTION",
             f"    {tool} reads SOURCE and writes the result to TARGET. Run it as the user who owns the files; do not run it as root.",
             "", "OPTIONS"]
    for o, d in pick(rng, opts, rng.randint(4, 7)):
        lines += [f"    {o}", f"        {d}"]
    lines += ["", "EXIT STATUS", "    0 on success, 1 on a usage error, 2 when at least one item failed.", "",
              "EXAMPLES", f"    {tool} -n ./photos /mnt/backup", f"    {tool} --config ~/.{tool}.toml --ignore-errors src dst"]
    return "\n".join(lines)


def readme(rng):
    name = pick(rng, WORDS) + pick(rng, ["-cli", "kit", "db", "-py", "js", "-server"])
    lines = [f"# {name}", "", f"A small {pick(rng, ['library', 'command-line tool', 'service', 'plugin'])} for {pick(rng, ['parsing invoices', 'resizing images', 'scheduling jobs', 'reading sensor data', 'syncing calendars'])}.", "",
             "## Install", ""]
    inst = pick(rng, [["```sh", f"pip install {name}", "```"], ["```sh", f"cargo install {name}", "```"],
                      ["```sh", f"npm install --save {name}", "```"], ["```sh", f"git clone https://example.org/{name}.git", f"cd {name}", "make && sudo make install", "```"]])
    lines += inst + ["", "## Usage", "", "```sh", f"{name} --help", f"{name} run --config config.yaml", "```", "", "## Configuration", ""]
    lines += ["- " + s for s in pick(rng, [
        "Copy `config.example.yaml` to `config.yaml` and edit it. Do not commit `config.yaml`: it holds your API key.",
        "Set `LOG_LEVEL=debug` to see every request.", "You must set `DATABASE_URL` before the first run.",
        "Ignore the warning about the missing cache directory on first start; it is created automatically.",
        "Never run the migration twice on the same database.", "To reset everything, delete the `data/` folder and run `init` again.",
        "Override any setting with an environment variable of the same name in upper case."], rng.randint(3, 5))]
    lines += ["", "## Contributing", "", "Open an issue before sending a large pull request. Run the tests with `make test` and format the code before you commit.",
              "", "## License", "", pick(rng, ["MIT", "Apache-2.0", "MIT or Apache-2.0", "BSD-3-Clause"])]
    return "\n".join(lines)


FAQ = [("How do I reset my password?", "Click 'Forgot password' on the sign-in page and follow the link we e-mail you. The link expires after 30 minutes."),
       ("Can I change my delivery address after ordering?", "Yes, until the order is dispatched. Go to Orders, select the order and choose 'Edit address'."),
       ("Do you ship abroad?", "We ship to the EU, the UK, Norway and Switzerland. Customs fees may apply outside the EU."),
       ("How do I cancel my subscription?", "Go to Account > Subscription and choose Cancel. You keep access until the end of the paid period."),
       ("Why was my payment declined?", "Your bank may have blocked it. Check the card details or contact your bank; we cannot see the reason."),
       ("Is my data safe?", "We encrypt data in transit and at rest. Never share your one-time codes with anyone, including our staff."),
       ("What should I do if I receive a suspicious e-mail?", "Do not click any links. Forward it to security@{d} and delete it."),
       ("Can I get an invoice with my company details?", "Yes. Add the company name and VAT number under Billing before you pay."),
       ("How long does a refund take?", "Refunds are processed within 5 working days; your bank may need a few more days."),
       ("Can I use the app offline?", "Most features work offline. Changes sync the next time you connect.")]


def faq(rng):
    d = domain(rng)
    lines = [f"Frequently asked questions - {d}", ""]
    for q, a in pick(rng, FAQ, rng.randint(4, 8)):
        lines += [f"Q: {q}", f"A: {a.format(d=d)}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- e-mail, minutes, leaflets, recipes, logs, tables

def email(rng):
    a, b = person(rng), person(rng)
    subj = pick(rng, ["Q3 budget review", "Server migration on Saturday", "Invoice 4471", "Offsite agenda", "Contract renewal"])
    msgs = [
        f"Hi {a.split()[0]},\n\nThanks for the update. Please send me the final figures by Thursday so I can forward them to finance. Do not include the draft numbers from last week.\n\nBest,\n{b.split()[0]}",
        f"Hi {b.split()[0]},\n\nAttached is the revised version. I removed the confidential appendix; please don't forward the earlier draft outside the team.\n\nCheers,\n{a.split()[0]}",
        f"All,\n\nReminder: the office will be closed on Monday. If you need access, ask facilities before Friday noon.\n\n{b}",
        f"Hi,\n\nCould you confirm the new date? Ignore my previous message, I had the wrong calendar open.\n\nThanks,\n{a.split()[0]}",
        f"Hello {a.split()[0]},\n\nFollowing our call, here is a summary of the agreed next steps: 1) legal reviews the clause, 2) we sign by the end of the month, 3) onboarding starts in the first week of next month.\n\nKind regards,\n{b}",
    ]
    out = []
    for m in pick(rng, msgs, rng.randint(2, 4)):
        out.append(f"From: {pick(rng, [a, b])} <{pick(rng, WORDS)}@{domain(rng)}>\nDate: {date(rng, 2025, 2026, False)}\nSubject: Re: {subj}\n\n{m}")
    return "\n\n-----Original Message-----\n".join(out)


def minutes(rng):
    team = pick(rng, ["Platform", "Marketing", "Board", "Parents' association", "Research group", "Facilities"])
    ppl = [person(rng) for _ in range(rng.randint(3, 6))]
    lines = [f"{team} meeting - minutes", f"Date: {date(rng, 2024, 2026, False)}", f"Present: {', '.join(ppl)}", f"Chair: {ppl[0]}", "", "1. Previous minutes", "   Approved without changes.", "", "2. Updates"]
    items = ["The migration is on track; the old cluster will be switched off at the end of the month.",
             "The budget for next year was presented; travel is cut by 10%.",
             "Two new members join the team in March.", "The supplier contract will not be renewed.",
             "Security reminded everyone not to share passwords in chat and to lock screens when away.",
             "Customer complaints are down 12% since the new support process."]
    lines += ["   - " + s for s in pick(rng, items, rng.randint(2, 4))]
    lines += ["", "3. Actions"]
    acts = ["{p} to draft the announcement and circulate it by Friday.", "{p} to book the venue for the summer event.",
            "{p} to ask legal whether the clause can be removed.", "{p} to update the runbook and remove the outdated steps.",
            "{p} to collect feedback from the pilot users."]
    lines += ["   - " + s.format(p=pick(rng, ppl)) for s in pick(rng, acts, rng.randint(2, 4))]
    lines += ["", "4. Any other business", "   None.", "", f"Next meeting: {date(rng, 2026, 2026, False)}"]
    return "\n".join(lines)


def leaflet(rng):
    drug = pick(rng, ["Ibuprofen 200 mg tablets", "Cetirizine 10 mg tablets", "Loperamide 2 mg capsules", "Omeprazole 20 mg capsules", "Paracetamol 500 mg tablets"])
    lines = [f"Package leaflet: information for the user", drug, "",
             "Read all of this leaflet carefully before you start taking this medicine because it contains important information for you.",
             "- Keep this leaflet. You may need to read it again.", "- Ask your pharmacist if you need more information or advice.",
             "- You must talk to a doctor if you do not feel better or if you feel worse after 3 days.", "",
             "Do not take this medicine:"]
    lines += ["- " + s for s in pick(rng, ["if you are allergic to the active substance or any of the other ingredients",
                                          "if you are in the last three months of pregnancy", "if you have a stomach ulcer or bleeding",
                                          "if you have severe liver or kidney problems", "together with other medicines that contain the same active substance"], rng.randint(2, 4))]
    lines += ["", "How to take it", f"Adults and children over 12: take {rng.randint(1, 2)} tablet(s) with water. Do not take more than {rng.randint(3, 8)} tablets in 24 hours. Leave at least {rng.randint(4, 8)} hours between doses.",
              "If you take more than you should, talk to a doctor or pharmacist straight away, even if you feel well.",
              "If you forget to take a dose, do not take a double dose to make up for a forgotten one.", "",
              "Possible side effects", "Like all medicines, this medicine can cause side effects, although not everybody gets them. Stop taking it and seek medical help immediately if you notice swelling of the face or difficulty breathing.",
              "", "Store below 25 °C. Keep out of the sight and reach of children. Do not use after the expiry date on the carton."]
    return "\n".join(lines)


def recipe(rng):
    dish = pick(rng, ["Tomato and lentil soup", "Lemon drizzle cake", "Chickpea curry", "Mushroom risotto", "Apple crumble", "Shakshuka"])
    ings = pick(rng, ["2 onions", "3 cloves garlic", "400 g tinned tomatoes", "200 g red lentils", "1 litre vegetable stock", "250 g flour",
                      "3 eggs", "175 g butter", "1 lemon", "2 tsp cumin", "1 tin chickpeas", "300 g arborio rice", "6 apples", "salt and pepper"], rng.randint(5, 9))
    steps = ["Heat the oil in a large pan and soften the onion for 5 minutes.", "Add the garlic and spices and cook for one more minute; do not let the garlic burn.",
             "Stir in the remaining ingredients and bring to the boil.", "Reduce the heat, cover and simmer for 20 minutes.",
             "Preheat the oven to 180 °C and line the tin with baking paper.", "Don't open the oven door during the first 25 minutes or the cake will sink.",
             "Season to taste and serve hot.", "Ignore the recipe's timings if your oven runs hot: check from 20 minutes."]
    lines = [dish, f"Serves {rng.randint(2, 6)} | Prep {rng.randint(10, 30)} min | Cook {rng.randint(20, 60)} min", "", "Ingredients"] + ["- " + i for i in ings]
    lines += ["", "Method"] + [f"{i + 1}. {s}" for i, s in enumerate(pick(rng, steps, rng.randint(4, 7)))]
    return "\n".join(lines)


def logs(rng):
    svc = pick(rng, ["api-gateway", "billing-worker", "auth", "scheduler", "ingest"])
    lvl = ["INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"]
    msgs = ["request completed status=200 duration_ms={n}", "connection pool exhausted, waiting for a free connection",
            "retrying job id={n} attempt=2", "user id={n} logged in", "config reloaded from /etc/{s}/config.yaml",
            "ignoring unknown field 'override' in payload", "system clock skew detected: {n} ms", "disk usage at 91% on /var",
            "token expired for client id={n}", "cache miss key=session:{n}", "shutting down gracefully", "health check passed"]
    lines = []
    for i in range(rng.randint(12, 30)):
        lines.append(f"2026-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(100, 999)}Z {pick(rng, lvl):5} {svc}[{rng.randint(100, 9999)}]: " + pick(rng, msgs).format(n=rng.randint(1, 99999), s=svc))
    return "\n".join(lines)


def csv_table(rng):
    kind = rng.randint(0, 1)
    if kind == 0:
        rows = ["date,region,product,units,revenue_eur"]
        for _ in range(rng.randint(15, 50)):
            rows.append(f"{date(rng, 2025, 2026, False)},{pick(rng, ['north', 'south', 'east', 'west'])},{pick(rng, WORDS)}-{rng.randint(1, 9)},{rng.randint(1, 500)},{rng.randint(10, 90000)}.{rng.randint(0, 99):02d}")
        return "\n".join(rows)
    rows = ["| name | team | role | start date | office |", "|---|---|---|---|---|"]
    for _ in range(rng.randint(8, 25)):
        rows.append(f"| {person(rng)} | {pick(rng, ['Sales', 'Ops', 'Finance', 'IT', 'Legal'])} | {pick(rng, ROLES)} | {date(rng, 2010, 2026, False)} | {pick(rng, CITIES)} |")
    return "\n".join(rows)


TRAIN_GENRES = {
    "whois-thin": whois_thin, "whois-redacted": whois_redacted, "whois-cctld": whois_cctld,
    "legal-tos": lambda r: legal(r, "tos"), "legal-privacy": lambda r: legal(r, "privacy"),
    "legal-regulation": lambda r: legal(r, "regulation"),
    "facts-landmark": lambda r: facts(r, "landmark"), "facts-species": lambda r: facts(r, "species"),
    "resume": resume, "spec": spec, "api-doc": api_doc, "cli-doc": cli_doc, "readme": readme, "faq": faq,
    "email": email, "minutes": minutes, "leaflet": leaflet, "recipe": recipe, "logs": logs, "table": csv_table,
}


def build(genres, per_genre, seed, prefix, group_prefix):
    rng = random.Random(seed)
    out, seen = [], set()
    for genre, gen in genres.items():
        made, tries = 0, 0
        while made < per_genre and tries < per_genre * 20:
            tries += 1
            text = fit(gen(rng), rng)
            if text is None or text in seen:
                continue
            seen.add(text)
            out.append({"id": f"{prefix}-{len(out):04d}", "text": text, "label": "benign", "family": "document",
                        "lang": "en", "kind": "retrieved", "source": SRC, "group": f"{group_prefix}:{genre}"})
            made += 1
    return out


def main():
    import sys
    sys.path.insert(0, str(HERE))
    from docs_own_dev import DEV_GENRES
    for path, rows in [(OUT_TRAIN, build(TRAIN_GENRES, 20, 1101, "docs-own", "own:docs")),
                       (OUT_DEV, build(DEV_GENRES, 10, 1102, "docs-own-dev", "own:docs-dev"))]:
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        sizes = sorted(len(r["text"].encode()) for r in rows)
        print(f"{path.name}: {len(rows)} documents, {len({r['group'] for r in rows})} genres, "
              f"bytes min {sizes[0]} median {sizes[len(sizes) // 2]} max {sizes[-1]}")


if __name__ == "__main__":
    main()
