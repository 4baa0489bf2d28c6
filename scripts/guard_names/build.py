#!/usr/bin/env python3
"""Re-creates llmops-guard/data/names/gazetteer.txt from pinned, permissively licensed sources.

Run by hand (never in CI), see README.md beside this file:

    apt-get install wamerican-small   # Debian's small English word list
    python3 scripts/guard_names/build.py --work /tmp/guard-names

Sources:
- Faker 40.54.0 (MIT): given names (`first_names*`) and surnames (`last_names*`) of every
  `faker/providers/person/<locale>` whose names are written in a cased alphabet; place names
  (`countries`, `cities`, `states`, `provinces`, `regions`, `departments`, `cantons`,
  `municipalities`) of `faker/providers/address/<locale>`; common words (`word_list`) of
  `faker/providers/lorem/{en_US,de_DE,fr_FR,es_ES,it_IT,nl_NL}`. The wheel is fetched with
  `pip download --no-deps` and its sha256 checked; its modules are imported from the unpacked
  wheel (plain tuples and dicts of strings, nothing runs).
- Debian's word list `/usr/share/dict/american-english-small` (wamerican-small, SCOWL
  size 35, MIT-like SCOWL copyright): only *read* to decide whether a name is also a common
  lowercase word (one flag per name); none of its words is copied into the output.

Output: sections headed `[<flags>]`, each a sorted list of lowercase tokens, one a line;
flags are letters:
`g` given name, `s` surname, `w` also a common word (lowercase dictionary word, a lorem word,
a month or weekday), `p` a place name (country, city, state ...). A token with only `w` or `p`
is not a name: the recognizer uses it to refuse capitalised common words as surnames.
`stats.json` beside it records the counts and the pinned versions.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import pkgutil
import subprocess
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "guard_corpus"))
import registry  # noqa: E402  (download, sha256 check, extract)
REPO = HERE.parent.parent
OUT = REPO / "llmops-guard" / "data" / "names"

# name, version, file, sha256, licence
PINS = [
    ("faker", "40.54.0", "faker-40.54.0-py3-none-any.whl",
     "2dd88ee8cb63a9149e19ef48bdd73879bc3854d8ba2d6c1535e902a762e603f7", "MIT"),
]

# Debian word list file, package, licence
# (The full French, Spanish, Italian and German lists of wfrench, wspanish, witalian and
# wngerman were tried and dropped: they hold every inflected form and flag plain given names
# such as Jorge, Martina, Pamela, Oscar or Malte as words.)
DICTS = [
    ("american-english-small", "wamerican-small", "SCOWL (MIT-like)"),
]

LOREM_LOCALES = ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"]

# Month and weekday names (en, de, fr, es, it, nl), written here.
CALENDAR = """
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Januar Februar März Juni Juli Oktober Dezember Montag Dienstag Mittwoch Donnerstag Freitag
Samstag Sonntag Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre
Décembre Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Enero Febrero Marzo Abril Mayo
Junio Julio Agosto Septiembre Octubre Noviembre Diciembre Lunes Martes Miércoles Jueves
Viernes Sábado Domingo Gennaio Febbraio Aprile Maggio Giugno Luglio Settembre Ottobre
Dicembre Lunedì Martedì Mercoledì Giovedì Venerdì Sabato Domenica
"""

# Words of product, company and support-ticket vocabulary that are capitalised in the middle
# of sentences (written here): never a surname after a given name.
TITLE_WORDS = """
Pro Max Plus Mini Ultra Lite Air Studio Cloud Station Street Road Avenue Lane Square Park
Bank Group Inc Ltd LLC GmbH AG SA SAS SpA Corp Company Co Team Support Service Services
Store Shop Online Digital Mobile Labs Lab Systems Solutions Technologies Software Hardware
Edition Series Version Update Release Beta Alpha Gold Silver Premium Basic Standard
Enterprise Business Home Office Center Centre University College School Hospital Airport
Hotel Restaurant Cafe Museum Church Bridge River Lake Mountain Valley Beach Island North
South East West Central International National Global United Kingdom Republic States
Foundation Institute Association Council Committee Department Ministry Agency Court
Express Airlines Air Rail Motors Pharma Health Energy Insurance Capital Partners Holdings
Model Series Account Order Invoice Ticket Refund Delivery Payment Manager Admin Dashboard
Settings Profile Password Login Error Warning Note Subject Re Fwd Hello Hi Dear Thanks
Regards Best Cheers Sincerely Yes No Okay OK Please Sorry Monday Weekend Christmas Easter
"""

# Function words, greetings and sign-offs in en, de, fr, es, it (written here): capitalised at
# the start of a sentence or a letter, never part of a name.
FUNCTION_WORDS = """
The A An And Or But If So Is Are Was Were Be Been Am Do Does Did Has Have Had It Its This That
These Those There Here What When Where Why How Who Which Whom Whose Not No Yes Can Could Would
Should Shall Might Must We You They He She I My Our Your Their His Her Me Us Them Also Just Only
Please Thanks Thank Dear Hello Hi Hey Regards Best Kind Cheers Sincerely Yours Greetings Good
Morning Afternoon Evening Night To From Cc Bcc Re Fwd Subject Date Sent Attn On In At For With
By Of About After Before Since Until Then Now Today Tomorrow Yesterday Again Still Any All Some
Der Die Das Ein Eine Und Oder Aber Wenn Ist Sind War Ich Du Er Sie Es Wir Ihr Mein Meine Ihre
Bitte Danke Hallo Liebe Lieber Sehr Geehrte Geehrter Herzliche Viele Grüße Gruß Freundlichen
Mit Von Zu Im Am Auf Für Bei Nach Guten Tag Morgen Abend Kunde Kundin
Le La Les Un Une Et Ou Mais Si Est Sont Je Tu Il Elle Nous Vous Ils Elles Mon Ma Mes Votre Vos
Bonjour Bonsoir Salut Merci Cher Chère Chers Cordialement Bien Madame Monsieur Au Du Des Pour
Avec Dans Sur Client Cliente
El Los Las Una Y Pero Es Son Yo Tú Él Ella Nosotros Usted Ustedes Mi Tu Su Hola Gracias
Estimado Estimada Estimados Querido Querida Saludos Atentamente Buenos Buenas Días Tardes Por
Para Con En Cliente
Il Lo Gli Uno Ed Ma Sono Io Lei Noi Voi Loro Mio Mia Ciao Grazie Gentile Gentili Caro Cara
Cari Saluti Cordiali Distinti Buongiorno Buonasera Per Con Nel Della Del
English French German Spanish Italian Dutch Portuguese Polish Russian Chinese Japanese Korean
Arabic Hindi Turkish Greek Swedish Norwegian Danish Finnish Czech British American Canadian
Australian Irish Scottish Welsh European African Asian Latin Swiss Austrian Belgian Mexican
Brazilian Argentine Indian Deutsch Français Française Español Española Italiano Italiana
"""

# Given names that are common words in German, French, Spanish or Italian (written here; the
# English ones come from the word list).
NAME_WORDS = """
Pierre Rosa Luz Paz Sol Pilar Blanca Rocío Consuelo Dolores Esperanza Amparo Alba Angel Ángel
Franco Fortunato Stella Bianca Gioia Ernst Frank Constance Prudence Patience Socorro Remedios
Soledad Victoria Reina Cielo Marina Fe Clemente Benigno Modesto Inocencio Serena Felice
"""

# Well-known places not in Faker's lists as single words (written here).
PLACES = """
London Paris Berlin Madrid Rome Milan Vienna Zurich Geneva Amsterdam Brussels Lisbon Dublin
Prague Warsaw Budapest Athens Oslo Stockholm Copenhagen Helsinki Munich Hamburg Frankfurt
Cologne Lyon Marseille Nice Toulouse Bordeaux Barcelona Valencia Seville Naples Turin
Florence Venice Bologna Tokyo Osaka Beijing Shanghai Seoul Delhi Mumbai Sydney Melbourne
Toronto Montreal Vancouver Boston Chicago Dallas Houston Austin Denver Seattle Phoenix Miami
Atlanta Detroit Orlando Nashville Portland Sacramento Memphis Charlotte Jackson Madison
Lincoln Columbus Raleigh Richmond Savannah Aurora Florida Georgia Virginia Carolina Dakota
Montana Nevada Arizona Texas California Indiana Victoria Tasmania Jordan Israel Chad Kenya
India China Japan America Europe Africa Asia Australia Canada Mexico Brazil Argentina Chile
Peru Cuba Egypt Iran Iraq Turkey Russia Ukraine Poland Germany France Spain Italy Portugal
Austria Switzerland Sweden Norway Denmark Finland Ireland Scotland Wales England Britain
Holland Belgium Greece Siberia Bavaria Sicily Sardinia Corsica Provence Normandy Brittany
Catalonia Andalusia Tuscany Lombardy Alsace Lorraine Savoy Geneva Lucerne Salzburg Dresden
Leipzig Stuttgart Bremen Hannover Nuremberg Heidelberg Cambridge Oxford Manchester
Liverpool Leeds Glasgow Edinburgh Belfast Cardiff Bristol Chelsea Kensington Brooklyn
Manhattan Harlem Queens Bronx Hollywood Silicon Sahara Amazon Nile Danube Rhine Seine Thames
Alps Andes Himalaya Everest Adelaide Brisbane Perth Auckland Wellington Canberra Hobart
Darwin Cairo Lagos Nairobi Accra Dakar Casablanca Tunis Dubai Doha Riyadh Istanbul Ankara
Jakarta Manila Bangkok Hanoi Singapore Lima Bogota Caracas Quito Havana Kingston Montevideo
"""

# Brand and product names that are also given names (written here).
BRANDS = """
Alexa Siri Cortana Mercedes Benz Porsche Ferrari Lamborghini Harley Davidson Tesla Ford Chevrolet
Dodge Lincoln Jaguar Mazda Toyota Honda Nissan Subaru Skoda Seat Opel Renault Peugeot
Citroen Fiat Lancia Alfa Volvo Saab Audi Kia Hyundai Dell Compaq Oracle Adobe Wendys
McDonald Disney Marvel Pixar Hermes Chanel Dior Gucci Prada Versace Armani Zara Mango Lidl
Aldi Ikea Nike Puma Adidas Reebok Fila Kappa Nestle Heineken Carlsberg Guinness Corona
Sierra Tango Quebec Kilo Lima Yankee Zulu Echo Delta Foxtrot
Django Flask Jenkins Ansible Kubernetes Docker Jira Confluence Slack Zoom Teams Stripe
Shopify Heroku Vercel Netlify Grafana Kibana Sentry Jekyll Gatsby Ruby
Rust Perl Swift Dart Scala Elixir Erlang Haskell Ada Lisp Clojure Kotlin Groovy
Redis Mongo Postgres Pandas Keras Spark Hadoop Hive Kafka Airflow Celery
Sphinx Nginx Apache Tomcat Jetty Ubuntu Debian Fedora Arch Gentoo Mint Alpine Windows
Galaxy Pixel Surface Xbox Kindle Echo Nest Ring Roku Sonos Bose Fitbit Garmin Canon Nikon
Leica Olympus Pentax Sony Philips Siemens Bosch Miele Braun Gillette Dove Tide Ajax Nivea
"""


def fetch(work: Path) -> Path:
    """Faker's wheel, downloaded once and sha256-checked, unpacked under `work`."""
    name, version, file, digest, _ = PINS[0]
    whl = registry.download("pypi", name, version, work / "dl", file, sha=digest)
    return registry.extract(whl, work / "faker")


def cased_word(s: str) -> bool:
    """One word (letters, inner hyphens or apostrophes) of a cased alphabet, capitalised."""
    if len(s) < 2 or not s[0].isupper():
        return False
    for i, c in enumerate(s):
        if c in "-'’":
            if i == 0 or i == len(s) - 1 or not s[i + 1].isalpha():
                return False
        elif not (c.isalpha() or unicodedata.category(c) == "Mn"):
            return False
    # a cased alphabet: the word has a lowercase form that differs
    return s.lower() != s


def values(v) -> list:
    if isinstance(v, dict):
        return list(v.keys())
    if isinstance(v, (list, tuple, set, frozenset)):
        return list(v)
    return []


def class_attrs(cls, pred) -> dict:
    out = {}
    for klass in reversed(cls.__mro__):
        for k, v in vars(klass).items():
            if pred(k):
                out[k] = v
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/guard-names"))
    args = ap.parse_args()
    sys.path.insert(0, str(fetch(args.work)))
    import faker  # noqa: F401  (from the unpacked wheel)
    import faker.providers.address as address
    import faker.providers.lorem as lorem
    import faker.providers.person as person

    flags: dict[str, set[str]] = collections.defaultdict(set)
    per_locale = collections.Counter()

    def add(token: str, flag: str) -> bool:
        token = unicodedata.normalize("NFC", token.strip())
        if not cased_word(token):
            return False
        # keys are compared in lowercase by the recognizer
        flags[token.lower()].add(flag)
        return True

    for m in pkgutil.iter_modules(person.__path__):
        prov = importlib.import_module(f"faker.providers.person.{m.name}").Provider
        attrs = class_attrs(prov, lambda k: k.startswith(("first_names", "last_names")))
        for k, v in attrs.items():
            flag = "g" if k.startswith("first") else "s"
            for x in values(v):
                if isinstance(x, str) and add(x, flag):
                    per_locale[m.name] += 1

    places = 0
    faker_places: set[str] = set()
    place_attr = ("cities", "city_names", "countries", "states", "provinces", "regions",
                  "departments", "cantons", "municipalities", "real_city_names",
                  "metropolitan_cities")
    for m in pkgutil.iter_modules(address.__path__):
        try:
            prov = importlib.import_module(f"faker.providers.address.{m.name}").Provider
        except Exception:  # a locale module that needs an optional import
            continue
        for k, v in class_attrs(prov, lambda k: k in place_attr).items():
            for x in values(v):
                if isinstance(x, str) and cased_word(x.strip()):
                    faker_places.add(unicodedata.normalize("NFC", x.strip()).lower())
    # Faker's places only flag names that are also places (Florence, Jordan): a place that is
    # no name needs no entry. The well-known places written above are entries of their own.
    for key in faker_places:
        if key in flags:
            flags[key].add("p")
            places += 1
    for x in PLACES.split():
        add(x, "p")

    words = set()
    for loc in LOREM_LOCALES:
        prov = importlib.import_module(f"faker.providers.lorem.{loc}").Provider
        words.update(w.lower() for w in prov.word_list if isinstance(w, str))
    words.update(w.lower() for w in CALENDAR.split())
    words.update(w.lower() for w in TITLE_WORDS.split())
    words.update(w.lower() for w in BRANDS.split())
    words.update(w.lower() for w in FUNCTION_WORDS.split())
    words.update(w.lower() for w in NAME_WORDS.split())

    dict_words = set()
    dict_versions = {}
    for file, pkg, _lic in DICTS:
        path = Path("/usr/share/dict") / file
        if not path.exists():
            sys.exit(f"{path} missing: apt-get install {pkg}")
        ver = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg],
                             capture_output=True, text=True).stdout
        dict_versions[pkg] = ver
        with open(path, encoding="utf-8", errors="ignore") as f:
            for line in f:
                w = unicodedata.normalize("NFC", line.strip())
                # lowercase entries only: a common word, not a proper noun
                if w and w[0].islower() and "'" not in w:
                    dict_words.add(w)

    # Every common word is an entry (so the recognizer can refuse "Anna Support"); a name that
    # is also a common word is flagged ambiguous.
    for w in words:
        flags[w].add("w") if cased_word(w.capitalize()) else None
    ambiguous = 0
    for key, fl in flags.items():
        if ("g" in fl or "s" in fl) and key in dict_words:
            fl.add("w")
        if "g" in fl and ("w" in fl or "p" in fl):
            ambiguous += 1

    OUT.mkdir(parents=True, exist_ok=True)
    order = "gswp"
    sections = collections.defaultdict(list)
    for key in sorted(flags):
        sections["".join(c for c in order if c in flags[key])].append(key)
    lines = []
    for fl in sorted(sections, key=lambda f: [order.index(c) for c in f]):
        lines.append(f"[{fl}]")
        lines.extend(sections[fl])
    (OUT / "gazetteer.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    count = collections.Counter()
    for fl in flags.values():
        for c in fl:
            count[c] += 1
    stats = {
        "entries": len(flags),
        "given_names": count["g"],
        "surnames": count["s"],
        "common_words": count["w"],
        "places": count["p"],
        "faker_places_that_are_names": places,
        "ambiguous_given_names": ambiguous,
        "bytes": (OUT / "gazetteer.txt").stat().st_size,
        "faker": {"version": PINS[0][1], "sha256": PINS[0][3], "licence": PINS[0][4]},
        "faker_person_tokens_per_locale": dict(sorted(per_locale.items())),
        "debian_word_lists": {pkg: {"file": f, "version": dict_versions[pkg], "licence": lic}
                              for f, pkg, lic in DICTS},
    }
    (OUT / "stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    print(json.dumps({k: v for k, v in stats.items() if not isinstance(v, dict)}, indent=1))


if __name__ == "__main__":
    main()
