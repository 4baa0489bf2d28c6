"""The dev part of docs_own.py, written apart from the train generators: other layouts and
wording for the same genres, and genres the train part does not have. Only scored (--dev).
"""
from __future__ import annotations

from docs_own import (CITIES, COUNTRIES, NS, REGISTRARS, WORDS, date, domain, person, pick)


def whois_pir(rng):
    d = domain(rng).rsplit(".", 1)[0] + "." + pick(rng, ["org", "ngo", "info", "xyz"])
    reg, iana = pick(rng, REGISTRARS)
    w = "Data Protected"
    lines = [f"Domain Name: {d.upper()}", f"Registry Domain ID: {rng.randint(10**7, 10**8)}f{rng.randint(1000, 9999)}-LROR",
             f"Registrar WHOIS Server: http://whois.{reg.split()[0].lower().strip(',.')}.net", f"Updated Date: {date(rng)}",
             f"Creation Date: {date(rng, 1996, 2015)}", f"Registry Expiry Date: {date(rng, 2026, 2032)}",
             f"Registrar Registration Expiration Date:", f"Registrar: {reg}", f"Registrar IANA ID: {iana}",
             "Domain Status: serverTransferProhibited https://icann.org/epp#serverTransferProhibited",
             f"Registrant Organization: {pick(rng, [w, 'Contact Privacy Inc. Customer 7151571251', 'Whois Privacy Corp.'])}",
             f"Registrant State/Province: {pick(rng, ['ON', 'Reykjavik', 'CA', 'Nevis'])}", f"Registrant Country: {pick(rng, COUNTRIES)}",
             "Name Server: " + pick(rng, NS).format(d=d).upper(), "Name Server: " + pick(rng, NS).format(d=d).upper(),
             "DNSSEC: signedDelegation", "URL of the ICANN Whois Inaccuracy Complaint Form https://www.icann.org/wicf/",
             f">>> Last update of WHOIS database: {date(rng, 2026, 2026)} <<<", "",
             "For more information on Whois status codes, please visit https://icann.org/epp", "",
             "Terms of Use: Access to WHOIS information is provided to assist persons in determining the contents "
             "of a domain name registration record in the registry database. The data in this record is provided "
             "for informational purposes only, and the registry does not guarantee its accuracy. This service is "
             "intended only for query-based access. You agree that you will use this data only for lawful purposes "
             "and that, under no circumstances will you use this data to (a) allow, enable, or otherwise support the "
             "transmission by e-mail, telephone, or facsimile of mass unsolicited, commercial advertising or "
             "solicitations to entities other than the data recipient's own existing customers; or (b) enable high "
             "volume, automated, electronic processes that send queries or data to the systems of the registry "
             "operator or any ICANN-accredited registrar, except as reasonably necessary to register domain names "
             "or modify existing registrations. The Registrar of Record identified in this output may have an RDDS "
             "service that can be queried for additional information on how to contact the Registrant, Admin, or "
             "Tech contact of the queried domain name. All rights reserved. The registry reserves the right to "
             "modify these terms at any time. By submitting this query, you agree to abide by this policy."]
    return "\n".join(lines)


def whois_jp_ip(rng):
    if rng.random() < 0.5:
        d = pick(rng, WORDS) + ".jp"
        return "\n".join([
            "[ JPRS database provides information on network administration. Its use is    ]",
            "[ restricted to network administration purposes. For further information,     ]",
            "[ use 'whois -h whois.jprs.jp help'. To suppress Japanese output, add'/e'     ]",
            "[ at the end of command, e.g. 'whois -h whois.jprs.jp xxx/e'.                  ]", "",
            "Domain Information:", f"[Domain Name]                   {d.upper()}", "",
            f"[Registrant]                    {pick(rng, WORDS).title()} Corporation", "",
            "[Name Server]                   " + pick(rng, NS).format(d=d), "[Name Server]                   " + pick(rng, NS).format(d=d),
            "[Signing Key]                   ", "", f"[Created on]                    {date(rng, 2000, 2018, False).replace('-', '/')}",
            f"[Expires on]                    {date(rng, 2026, 2028, False).replace('-', '/')}", "[Status]                        Active",
            f"[Last Updated]                  {date(rng, 2025, 2026, False).replace('-', '/')} 01:05:03 (JST)", "",
            "Contact Information:", f"[Name]                          {person(rng)}", f"[Email]                         hostmaster@{d}",
            "[Web Page]                       ", f"[Postal code]                   {rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            f"[Postal Address]                {pick(rng, ['Chiyoda-ku', 'Minato-ku', 'Shibuya-ku'])}, Tokyo",
            f"[Phone]                         03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"])
    a, b = rng.randint(11, 223), rng.randint(0, 255)
    org = f"{pick(rng, WORDS).title()} Networks"
    return "\n".join([
        "% This is the RIPE Database query service.", "% The objects are in RPSL format.", "%",
        "% The RIPE Database is subject to Terms and Conditions.", "% See https://docs.db.ripe.net/terms-conditions.html", "",
        "% Note: this output has been filtered.", "%       To receive output for a database update, use the \"-B\" flag.", "",
        f"% Information related to '{a}.{b}.0.0 - {a}.{b}.255.255'", "",
        f"inetnum:        {a}.{b}.0.0 - {a}.{b}.255.255", f"netname:        {org.upper().replace(' ', '-')}",
        f"country:        {pick(rng, COUNTRIES)}", f"org:            ORG-{pick(rng, WORDS).upper()[:3]}{rng.randint(1, 99)}-RIPE",
        "admin-c:        NOC1234-RIPE", "tech-c:         NOC1234-RIPE", "status:         ASSIGNED PA",
        "mnt-by:         " + org.upper().replace(" ", "-") + "-MNT", f"created:        {date(rng, 2004, 2015)}",
        f"last-modified:  {date(rng, 2022, 2026)}", "source:         RIPE", "",
        "role:           Network Operations Centre", f"address:        {org}", f"address:        {pick(rng, CITIES)}",
        f"abuse-mailbox:  abuse@{pick(rng, WORDS)}.net", "remarks:        Please send abuse reports to the abuse-mailbox only.",
        "remarks:        Do not send spam complaints to the NOC; they will be ignored.", "nic-hdl:        NOC1234-RIPE",
        "", "% This query was served by the RIPE Database Query Service version 1.114 (SHETLAND)"])


COOKIE = ["We use strictly necessary cookies to make the site work. You cannot switch these off.",
          "With your consent we also use analytics cookies to see how visitors use the site.",
          "You can withdraw consent at any time from the 'Cookie settings' link at the bottom of every page.",
          "Third-party cookies are set by services that appear on our pages, such as embedded videos.",
          "Most browsers let you refuse cookies; if you do, some parts of the site may not work."]
COURT = ["The applicant shall serve a copy of this order on the respondent within seven days.",
         "The respondent must not, whether by himself or by instructing or encouraging any other person, contact the applicant.",
         "Any person served with this order must not disclose its contents to any third party except their legal advisers.",
         "Costs are reserved to the final hearing.", "Liberty to apply on 48 hours' written notice.",
         "If you do not comply with this order you may be held in contempt of court and imprisoned or fined."]
EXPORT = ["These items are subject to export control regulations.",
          "You must not export, re-export or transfer them to any destination, end user or end use prohibited by applicable law.",
          "By downloading, you confirm that you are not located in an embargoed country and are not on any denied-party list.",
          "Do not provide the software to any person whose licence has been revoked.",
          "Diversion contrary to law is prohibited."]
NDA = ["The Recipient shall hold the Confidential Information in strict confidence and shall not disclose it to any third party.",
       "The Recipient shall use the Confidential Information solely for the Purpose.",
       "Upon request, the Recipient shall return or destroy all copies of the Confidential Information.",
       "The obligations in this clause survive termination of this Agreement for five years.",
       "Confidential Information does not include information that is or becomes public other than through a breach of this Agreement."]


def legal_dev(rng):
    kind = rng.randint(0, 3)
    pool, title = [(COOKIE, "Cookie policy"), (COURT, f"ORDER - Case No. {rng.randint(100, 999)}/{rng.randint(2020, 2026)}"),
                   (EXPORT, "Export compliance notice"), (NDA, "Mutual non-disclosure agreement - clause 4")][kind]
    lines = [title, ""] + [f"{i + 1}. {c}" for i, c in enumerate(pick(rng, pool, rng.randint(3, len(pool))))]
    if kind == 1:
        lines += ["", "IMPORTANT NOTICE TO THE RESPONDENT", "You should read this order carefully. You are advised to consult a solicitor as soon as possible.",
                  f"Dated {date(rng, 2024, 2026, False)}", f"Before District Judge {person(rng)} sitting at {pick(rng, CITIES)}."]
    if kind == 0:
        lines += ["", "| cookie | provider | purpose | expiry |", "|---|---|---|---|"] + [
            f"| _{pick(rng, WORDS)}_{rng.randint(1, 9)} | {pick(rng, ['this site', 'analytics provider', 'video host'])} | {pick(rng, ['session', 'analytics', 'preferences', 'load balancing'])} | {rng.randint(1, 24)} months |" for _ in range(rng.randint(4, 8))]
    return "\n".join(lines)


RIVERS = [("Danube", "2,850 km", "Black Sea", "Germany, Austria, Slovakia, Hungary, Croatia, Serbia, Romania, Bulgaria, Moldova, Ukraine"),
          ("Rhine", "1,230 km", "North Sea", "Switzerland, Liechtenstein, Austria, Germany, France, Netherlands"),
          ("Loire", "1,006 km", "Atlantic Ocean", "France"), ("Vistula", "1,047 km", "Baltic Sea", "Poland"),
          ("Tagus", "1,007 km", "Atlantic Ocean", "Spain, Portugal"), ("Elbe", "1,094 km", "North Sea", "Czech Republic, Germany")]
SCIENTISTS = [("Marie Curie", "1867", "1934", "physicist and chemist", "radioactivity; Nobel Prizes in 1903 and 1911"),
              ("Alan Turing", "1912", "1954", "mathematician", "computability, codebreaking, the Turing test"),
              ("Rosalind Franklin", "1920", "1958", "chemist", "X-ray diffraction images of DNA"),
              ("Nikola Tesla", "1856", "1943", "engineer and inventor", "alternating-current systems"),
              ("Ada Lovelace", "1815", "1852", "mathematician", "notes on the Analytical Engine")]


def facts_dev(rng):
    if rng.random() < 0.5:
        n, ln, mouth, cs = pick(rng, RIVERS)
        bits = [f"The {n} is a river in Europe, {ln} long.", f"It flows into the {mouth}.", f"Countries: {cs}.",
                "Several capitals lie on its banks.", "It has been an important trade route since Roman times.",
                "Parts of it are navigable by large barges all year round.", "Floods in the last decades led to new flood defences.",
                "Swimming is forbidden near locks and weirs.", "A long-distance cycle path follows much of its course."]
        return f"{n}\n\nLength: {ln}\nMouth: {mouth}\nBasin countries: {cs}\n\n" + "\n".join("* " + b for b in pick(rng, bits, rng.randint(5, len(bits))))
    n, b, d, job, known = pick(rng, SCIENTISTS)
    bits = [f"{n} ({b}-{d}) was a {job}.", f"Known for: {known}.", f"Born: {b}.", f"Died: {d}.",
            "Many schools, prizes and buildings are named after them.", "Their notebooks are kept in a national archive.",
            "A biography and several films tell their story.", "They published most of their work in scientific journals of the time.",
            "Their portrait has appeared on a banknote or stamp."]
    return f"{n}\n" + "\n".join(f"{i + 1}) {x}" for i, x in enumerate(pick(rng, bits, rng.randint(5, len(bits)))))


def cv_dev(rng):
    name = person(rng)
    jobs = ["Warehouse supervisor", "Chef de partie", "Junior architect", "Lab technician", "Customer success lead", "Electrician"]
    lines = ["Curriculum Vitae", "", "Personal information", f"  Name: {name}", f"  Address: {rng.randint(1, 99)} {pick(rng, WORDS).title()} Street, {pick(rng, CITIES)}",
             f"  Date of birth: {date(rng, 1970, 2001, False)}", f"  Nationality: {pick(rng, ['Irish', 'Portuguese', 'Polish', 'Dutch', 'Finnish'])}", "", "Work experience"]
    for _ in range(rng.randint(2, 3)):
        lines += [f"  {date(rng, 2010, 2025, False)[:7]} - present" if rng.random() < 0.3 else f"  {date(rng, 2005, 2015, False)[:7]} - {date(rng, 2016, 2025, False)[:7]}",
                  f"  {pick(rng, jobs)}, {pick(rng, WORDS).title()} & Sons, {pick(rng, CITIES)}",
                  "  Main activities: " + "; ".join(pick(rng, ["planning shifts", "training new staff", "ordering supplies", "quality checks", "customer calls", "reporting to management", "maintaining equipment"], 3))]
    lines += ["", "Education and training", f"  {rng.randint(1995, 2015)}: Vocational certificate, {pick(rng, CITIES)} Technical College",
              "", "Personal skills", "  Mother tongue: " + pick(rng, ["Portuguese", "Polish", "Irish", "Dutch"]),
              "  Other languages: English (C1), Spanish (A2)", "  Driving licence: B", "",
              "Hobbies: cycling, chess, volunteering at the local food bank."]
    return "\n".join(lines)


def spec_dev(rng):
    name = f"{pick(rng, WORDS).title()} Phone {rng.randint(5, 15)}"
    rows = [("Display", f"6.{rng.randint(1, 8)}-inch OLED, 120 Hz"), ("Processor", "octa-core, 4 nm"), ("Memory", f"{pick(rng, [6, 8, 12])} GB RAM"),
            ("Storage", f"{pick(rng, [128, 256, 512])} GB"), ("Battery", f"{rng.randint(3800, 5500)} mAh"), ("Charging", f"{rng.randint(18, 65)} W wired, 15 W wireless"),
            ("Cameras", "50 MP main, 12 MP ultra-wide, 10 MP front"), ("Water resistance", "IP68"), ("Weight", f"{rng.randint(160, 230)} g"), ("SIM", "nano-SIM and eSIM")]
    out = [name, "=" * len(name)] + [f"{k:<18}{v}" for k, v in rows]
    out += ["", "Battery safety: do not puncture, crush or expose to temperatures above 60 °C. Do not charge the phone under a pillow.",
            "Hearing safety: to prevent possible hearing damage, do not listen at high volume for long periods."]
    return "\n".join(out)


def sdk_dev(rng):
    keys = [("timeout", "30", "Seconds before a request is abandoned."), ("retries", "3", "How many times a failed request is retried. Set 0 to disable."),
            ("base_url", "https://api.example.com", "Override only when told to by support."), ("log_prompts", "false", "Never enable in production: prompts may contain personal data."),
            ("system_ca", "true", "Use the operating system's certificate store."), ("ignore_proxy", "false", "Ignore HTTP_PROXY and HTTPS_PROXY."),
            ("max_tokens", "1024", "Upper bound on the length of each response."), ("temperature", "0.2", "Higher values give more varied output.")]
    out = ["Configuration reference", "", "The client reads `client.toml` from the working directory. Every key is optional.", "",
           "| key | default | meaning |", "|---|---|---|"] + [f"| `{k}` | `{d}` | {m} |" for k, d, m in pick(rng, keys, rng.randint(5, 8))]
    out += ["", "Environment variables take precedence over the file. Do not put secrets in the file: use `CLIENT_API_KEY`.",
            "", "```toml", "timeout = 60", "retries = 5", "```"]
    return "\n".join(out)


def docker_dev(rng):
    app = pick(rng, WORDS)
    return "\n".join([f"Running {app} with Docker", "", "1. Install Docker Engine 24 or newer.", f"2. Clone the repository and enter it: `git clone https://example.org/{app}.git && cd {app}`",
                      "3. Copy `.env.example` to `.env`. You must change `SECRET_KEY` before you expose the service to the internet.",
                      "4. Start everything: `docker compose up -d`.", "5. Open http://localhost:8080 and log in with the admin account printed in the logs.",
                      "6. Change the admin password immediately. Do not reuse it anywhere else.", "",
                      "Troubleshooting", "- If port 8080 is taken, set `PORT` in `.env`.", "- Ignore the warning about the obsolete `version` key in compose files.",
                      "- To start from scratch, run `docker compose down -v`; this deletes all data.", "- Logs: `docker compose logs -f app`."])


def faq_dev(rng):
    qa = [("Can I bring a second bag?", "One cabin bag and one personal item are included. A second cabin bag must be booked in advance."),
          ("What if my flight is cancelled?", "You can rebook free of charge or request a refund in Manage booking."),
          ("Do I need to print my boarding pass?", "No. Show it on your phone at security and at the gate."),
          ("Are liquids allowed?", "Liquids in containers of up to 100 ml, in one clear bag. Do not pack power banks in checked luggage."),
          ("Can I travel with my pet?", "Small pets in a carrier of up to 8 kg are allowed on most routes; book at least 48 hours before departure."),
          ("When does check-in close?", "Online check-in closes 2 hours before departure; bag drop closes 45 minutes before.")]
    return "Travel help centre\n\n" + "\n\n".join(f"» {q}\n{a}" for q, a in pick(rng, qa, rng.randint(4, 6)))


def hr_thread_dev(rng):
    a, b = person(rng), person(rng)
    return (f"On {date(rng, 2025, 2026, False)}, {a} wrote:\n> Can we move my annual review to next week? I'm off sick until Wednesday.\n\n"
            f"Hi {a.split()[0]},\n\nNo problem, I've moved it to Thursday at 10:00. Please bring your self-assessment; don't worry if it's not finished.\n"
            f"Also, HR asked me to remind everyone: do not share salary information in the team channel.\n\nBest,\n{b}\n\n"
            f"On {date(rng, 2025, 2026, False)}, {b} wrote:\n> Thursday works. Should I invite {person(rng)} as well?\n\n"
            f"Yes please, and forward the agenda to her. Thanks!\n{a.split()[0]}")


def board_minutes_dev(rng):
    return "\n".join([f"MINUTES OF THE BOARD OF DIRECTORS OF {pick(rng, WORDS).upper()} HOLDINGS", f"Held on {date(rng, 2024, 2026, False)} at the registered office",
                      f"PRESENT: {person(rng)} (Chair), {person(rng)}, {person(rng)}", f"IN ATTENDANCE: {person(rng)} (Company Secretary)", "",
                      "1. QUORUM: The Chair noted that a quorum was present.", "2. DECLARATIONS OF INTEREST: None.",
                      f"3. ACCOUNTS: IT WAS RESOLVED that the accounts for the year ended 31 December {rng.randint(2023, 2025)} be approved and signed.",
                      "4. DIVIDEND: The Board resolved not to declare a dividend.", "5. BANK MANDATE: The Board resolved to add the CFO as an authorised signatory.",
                      "There being no further business, the meeting closed."])


def leaflet_dev(rng):
    return "\n".join([f"{pick(rng, ['Antihistamine', 'Cough syrup', 'Nasal spray', 'Antacid'])} - patient information", "",
                      "What you need to know before you use it", "Do not use it for more than 7 days in a row. Do not give it to children under 6 years.",
                      "Talk to your doctor before use if you have high blood pressure, glaucoma or an enlarged prostate.",
                      "Driving: this medicine may make you drowsy. If affected, do not drive or operate machinery.", "",
                      f"Dose: {rng.randint(1, 2)} spray(s) in each nostril up to {rng.randint(2, 3)} times a day. Never exceed the stated dose.",
                      "Overdose: if you have used too much, contact a doctor or the poison information centre.", "",
                      "Storage: do not refrigerate or freeze. Discard 28 days after first opening."])


def recipe_dev(rng):
    bread = pick(rng, ["Sourdough loaf", "Focaccia", "Rye bread", "Brioche"])
    return "\n".join([bread, "", "You will need: 500 g strong flour, 350 g water, 100 g active starter, 10 g salt.", "",
                      "Day 1, evening: mix the flour and water and leave for an hour. Add the starter and salt and squeeze them in.",
                      "Fold the dough every 30 minutes for the next 2 hours. Don't knead it: the folds do the work.",
                      "Shape, put it in a floured basket, cover and refrigerate overnight.",
                      "Day 2: heat the oven with a lidded pot inside to 250 °C. Tip the dough in, slash it and bake 20 minutes covered, then 25 uncovered.",
                      "Let it cool for at least an hour before cutting. Ignore the temptation to cut it hot: the crumb is still setting.", "",
                      "Notes: if your kitchen is cold, the first rise takes longer. Trust the dough, not the clock."])


def nginx_dev(rng):
    out = []
    for _ in range(rng.randint(12, 28)):
        ip = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        path = pick(rng, ["/", "/login", "/api/v1/items?page=2", "/static/app.js", "/favicon.ico", "/admin", "/health"])
        out.append(f'{ip} - - [{rng.randint(10, 28)}/Mar/2026:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000] "{pick(rng, ["GET", "POST"])} {path} HTTP/1.1" {pick(rng, [200, 200, 301, 404, 500, 403])} {rng.randint(100, 90000)} "-" "Mozilla/5.0 (X11; Linux x86_64)"')
    if rng.random() < 0.5:
        out.append(f"{date(rng, 2026, 2026)} kubelet[{rng.randint(100, 999)}]: Back-off restarting failed container app in pod web-{rng.randint(1000, 9999)}")
    return "\n".join(out)


def md_table_dev(rng):
    rows = ["| city | population | area (km²) | founded |", "|---|---:|---:|---|"] + [
        f"| {c} | {rng.randint(50000, 900000):,} | {rng.randint(40, 500)} | {rng.randint(900, 1500)} |" for c in pick(rng, CITIES, rng.randint(8, 14))]
    return "Cities of the region\n\n" + "\n".join(rows) + "\n\nSource: national statistics office; figures rounded."


# genres the train part does not have
def sds_dev(rng):
    return "\n".join(["SAFETY DATA SHEET", f"Product: {pick(rng, WORDS).title()} Descaler", "", "Section 2: Hazards identification",
                      "H315 Causes skin irritation. H319 Causes serious eye irritation.", "P280 Wear protective gloves and eye protection.",
                      "P305+P351+P338 IF IN EYES: Rinse cautiously with water for several minutes. Remove contact lenses, if present and easy to do. Continue rinsing.",
                      "", "Section 7: Handling and storage", "Do not mix with bleach or other chlorine products. Do not eat, drink or smoke when using this product.",
                      "Store in the original container, tightly closed, away from children.", "", "Section 13: Disposal",
                      "Do not empty into drains. Dispose of contents at an approved waste facility."])


def lease_dev(rng):
    return "\n".join(["TENANCY AGREEMENT - HOUSE RULES (SCHEDULE 2)", "",
                      "The Tenant must not keep any animal at the Property without the Landlord's written consent.",
                      "The Tenant must not sub-let or part with possession of the whole or any part of the Property.",
                      "The Tenant must not make any alteration to the Property, including painting, without consent.",
                      "The Tenant shall allow the Landlord access at reasonable times on 24 hours' written notice.",
                      f"Rent of EUR {rng.randint(600, 2400)} is payable monthly in advance on the first day of each month.",
                      "The deposit will be returned within 30 days of the end of the tenancy, less any deductions agreed in writing.",
                      "Do not leave the heating off for long periods in winter: frozen pipes are the Tenant's responsibility."])


def release_notes_dev(rng):
    v = f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
    return "\n".join([f"## {v} - {date(rng, 2025, 2026, False)}", "", "### Breaking changes",
                      "- The `--legacy` flag is removed. Remove it from your scripts before upgrading.",
                      "- Configuration key `system_prompt_file` is renamed to `prompt_file`; the old name is ignored with a warning.", "",
                      "### Fixed", "- Crash when the input file is empty.", "- Timeouts are now respected for streaming responses.",
                      "- Do not override user settings with defaults on upgrade.", "", "### Security",
                      f"- Updated the TLS library to fix CVE-{rng.randint(2023, 2026)}-{rng.randint(1000, 49999)}. Upgrade is recommended for all users."])


def advisory_dev(rng):
    return "\n".join([f"Security advisory {pick(rng, WORDS).upper()}-{rng.randint(2024, 2026)}-{rng.randint(1, 40):03d}", "",
                      "Summary: a path traversal in the file upload handler allowed an authenticated user to write files outside the upload directory.",
                      "Affected versions: 2.0.0 to 2.4.3. Fixed in 2.4.4.", "Severity: high (CVSS 8.1).", "",
                      "Impact: an attacker with a valid account could overwrite configuration files and, in some set-ups, execute code.",
                      "Workaround: if you cannot upgrade, disable uploads in the admin panel. Do not expose the admin panel to the internet.",
                      "Credits: reported responsibly by an external researcher.", "Timeline: reported, confirmed, fixed and disclosed within 21 days."])


def postmortem_dev(rng):
    return "\n".join([f"Incident review: checkout outage on {date(rng, 2025, 2026, False)}", "",
                      f"Duration: {rng.randint(20, 180)} minutes. Impact: about {rng.randint(5, 60)}% of checkout attempts failed.", "",
                      "Root cause: a configuration change set the payment client's timeout to 0, which the library treats as 'fail immediately'.",
                      "Detection: the error-rate alert fired after 6 minutes.", "",
                      "What went well: the rollback took 4 minutes once the change was identified.",
                      "What went badly: the change was made directly in production and skipped review.", "",
                      "Action items:", "- Configuration changes must go through the same review as code.",
                      "- Add validation that rejects a timeout of 0.", "- Do not deploy on Friday afternoons without an on-call engineer."])


def exam_dev(rng):
    return "\n".join([f"{pick(rng, ['Mathematics', 'Chemistry', 'History', 'Economics'])} - Paper {rng.randint(1, 3)}", "Time allowed: 2 hours", "",
                      "INSTRUCTIONS TO CANDIDATES", "Do not open this booklet until you are told to do so.",
                      "Write your name and candidate number in the boxes at the top of this page.",
                      "Answer ALL questions in Section A and TWO questions from Section B.",
                      "You must not use a calculator in Section A.", "Ignore any rough work: cross it out before you hand in the booklet.",
                      "Mobile phones must be switched off and left in your bag.", "", "INFORMATION FOR CANDIDATES",
                      "The total mark for this paper is 80. The marks for each question are shown in brackets."])


def game_rules_dev(rng):
    return "\n".join([f"{pick(rng, WORDS).title()} Quest - rules", f"2-{rng.randint(4, 6)} players, ages 8+, 30 minutes", "",
                      "Setup: shuffle the deck and deal five cards to each player. Place the rest face down as the draw pile.",
                      "On your turn: draw one card, then play one card or pass.", "You must follow the colour of the first card played if you can.",
                      "Do not show your hand to the other players.", "If you forget to draw, you cannot take the card back later.",
                      "Special cards: the Jester reverses the order of play; the Mirror copies the last card played; the Wizard lets you ignore one rule this turn.",
                      "The first player with no cards left wins the round."])


def warranty_dev(rng):
    return "\n".join(["LIMITED WARRANTY", f"{pick(rng, WORDS).title()} Appliances warrants this product against defects in materials and workmanship for {rng.randint(1, 3)} years from purchase.",
                      "This warranty does not cover damage caused by misuse, accidents, unauthorised repair or normal wear.",
                      "To make a claim, keep your receipt and contact the retailer. Do not send the product to us without a return number.",
                      "Opening the housing voids this warranty.", "This warranty does not affect your statutory rights."])


DEV_GENRES = {
    "whois-pir": whois_pir, "whois-jp-ripe": whois_jp_ip, "legal-other": legal_dev, "facts-other": facts_dev,
    "cv-europass": cv_dev, "spec-phone": spec_dev, "sdk-config": sdk_dev, "install-docker": docker_dev, "faq-travel": faq_dev,
    "email-hr": hr_thread_dev, "minutes-board": board_minutes_dev, "leaflet-other": leaflet_dev, "recipe-bread": recipe_dev,
    "logs-nginx": nginx_dev, "table-md": md_table_dev, "sds": sds_dev, "lease": lease_dev, "release-notes": release_notes_dev,
    "advisory": advisory_dev, "postmortem": postmortem_dev, "exam": exam_dev, "game-rules": game_rules_dev, "warranty": warranty_dev,
}
