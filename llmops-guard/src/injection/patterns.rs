//! The phrase patterns of the rule-based detector, per family and language.
//!
//! Patterns run on lower-case text (normalised, or ASCII lower-cased byte for byte), on the
//! `regex` crate only (finite automata, no backtracking), all in one [`RegexSet`] pass. Word
//! lists are written in plain text and passed through [`normalize`] before they are escaped,
//! so they meet the text in the form the normaliser gives it (Turkish `ı` becomes `i`, and
//! so on). Stems match inflections: `ignor` covers ignore, ignoring, ignora, ignoriere.

use std::sync::LazyLock;

use regex::{Regex, RegexSet, RegexSetBuilder};

use super::authority_patterns;
use super::data_patterns;
use super::family::InjectionFamily as F;
use super::lift_patterns;
use crate::normalize::normalize;

/// One pattern: what it signals and how strongly.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub(crate) family: F,
    pub(crate) weight: f32,
    pub(crate) regex: Regex,
    /// Only in messages (user, system, assistant): retrieved text and tool results skip it.
    pub(crate) messages_only: bool,
}

/// Whitespace between two words, then up to `n` more words.
pub(super) fn gap(n: usize) -> String {
    format!(r"(?:\s+\S+){{0,{n}}}?\s+")
}

/// Up to `n` characters within one sentence (for scripts written without spaces).
pub(super) fn cjk_gap(n: usize) -> String {
    format!(r"[^。！？!?\n]{{0,{n}}}?")
}

/// An alternation of normalised, escaped words; those starting with an ASCII letter get a
/// leading ASCII word boundary (a Unicode one would keep the lazy DFA off non-ASCII text).
/// A word of another script that the normaliser folds when it stands alone (`ваш` is made
/// of Latin lookalikes and becomes `baw`) is kept in both forms: in prose of its own script
/// the text keeps its letters.
pub(super) fn alts(words: &[&str]) -> String {
    let mut ascii = Vec::new();
    let mut other = Vec::new();
    for w in words {
        let norm = normalize(w).text().to_owned();
        let lower = w.to_lowercase();
        let unfolded =
            (lower != norm && !lower.chars().any(|c| c.is_ascii_alphabetic())).then_some(lower);
        for form in std::iter::once(norm).chain(unfolded) {
            let escaped = regex::escape(&form).replace(' ', r"\s+");
            if form.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                ascii.push(escaped);
            } else {
                other.push(escaped);
            }
        }
    }
    match (ascii.is_empty(), other.is_empty()) {
        (false, true) => format!(r"(?-u:\b)(?:{})", ascii.join("|")),
        (true, false) => format!("(?:{})", other.join("|")),
        _ => format!(r"(?:(?-u:\b)(?:{})|{})", ascii.join("|"), other.join("|")),
    }
}

/// Where an order can start: the text or a clause, or after a word that leads into one
/// ("please", "now", "you must", "I want you to"). Verbs that descriptions of attacks use in
/// purpose clauses ("… to bypass safety filters", "attempts to override the system prompt",
/// "techniques to leak system prompts") only count there.
pub(super) const ORDER_START: &str = r"(?:^|[.!?:;,\n(\[]\s*|(?-u:\b)(?:please|now|and|then|you|must|should|can|will|just|simply|also|first|immediately|always|so|you\s+to|is\s+to|are\s+to)\s+)";

/// Verb, qualifier and noun in the three usual orders (`ignore previous instructions`,
/// `ignore the instructions above`, `önceki talimatları yok say`).
fn three_orders(out: &mut Vec<(F, f32, String)>, w: f32, v: &[&str], q: &[&str], n: &[&str]) {
    let (v, q, n) = (alts(v), alts(q), alts(n));
    out.push((
        F::Override,
        w,
        format!(r"{v}\S*{}{q}\S*{}{n}\p{{L}}*", gap(3), gap(2)),
    ));
    out.push((
        F::Override,
        w,
        format!(r"{v}\S*{}{n}\S*{}{q}\p{{L}}*", gap(3), gap(1)),
    ));
    out.push((
        F::Override,
        w,
        format!(r"{q}\S*{}{n}\S*{}{v}\p{{L}}*", gap(2), gap(2)),
    ));
}

/// The same for scripts without spaces.
fn three_orders_cjk(out: &mut Vec<(F, f32, String)>, w: f32, v: &[&str], q: &[&str], n: &[&str]) {
    let (v, q, n, g) = (alts(v), alts(q), alts(n), cjk_gap(10));
    out.push((F::Override, w, format!("{v}{g}{q}{g}{n}")));
    out.push((F::Override, w, format!("{q}{g}{n}{g}{v}")));
}

pub(super) fn push(out: &mut Vec<(F, f32, String)>, family: F, w: f32, re: String) {
    out.push((family, w, re));
}

/// Every pattern, in one list.
fn sources() -> Vec<(F, f32, String)> {
    let mut o = Vec::new();
    overrides(&mut o);
    personas(&mut o);
    delimiters(&mut o);
    delimiters_extra(&mut o);
    data_patterns::leaks(&mut o);
    data_patterns::leaks_extra(&mut o);
    data_patterns::exfiltration(&mut o);
    data_patterns::indirect(&mut o);
    data_patterns::indirect_extra(&mut o);
    data_patterns::tool_phrasings(&mut o);
    data_patterns::encoded_requests(&mut o);
    lift_patterns::lifts(&mut o);
    lift_patterns::short_overrides(&mut o);
    authority_patterns::authority(&mut o);
    o
}

#[rustfmt::skip]
fn overrides(o: &mut Vec<(F, f32, String)>) {
    // English: strong qualifiers anywhere, weaker ones only in the imperative.
    three_orders(
        o,
        0.9,
        &[
            "ignor", "disregard", "forget", "discard", "dismiss", "abandon", "neglect",
            "set aside", "do not follow", "don't follow", "stop following", "do not obey",
            "don't obey", "stop obeying",
        ],
        &[
            "previous", "prior", "above", "earlier", "preceding", "former", "foregoing", "initial",
            "original", "system", "developer", "pre-prompt", "conflicting", "any other", "all other",
            "existing", "current", "your", "safety", "default", "those",
        ],
        &[
            "instruction", "rules", "directions", "directive", "guideline", "guidance",
            "programming", "constraints", "restrictions", "prompt", "commands", "orders",
            "context",
        ],
    );
    push(
        o,
        F::Override,
        0.75,
        format!(
            r"(?:^|[.!?:;\n]\s*|please\s+|now\s+|and\s+|,\s*){}{}{}(?:\s+\S+){{0,2}}?\s+{}",
            alts(&[
                "ignore", "disregard", "forget", "do not follow", "don't follow", "stop following",
            ]),
            gap(1),
            alts(&["all", "your", "any", "every", "these", "those", "the"]),
            alts(&[
                "instructions", "rules", "guidelines", "programming", "directives", "constraints",
                "restrictions", "safety", "ethical", "content polic", "system prompt",
            ]),
        ),
    );
    push(
        o,
        F::Override,
        0.8,
        format!(
            r"{}\s+(?:about\s+)?(?:everything|all)(?:\s+(?:that|of\s+that|of\s+this))?\s+(?:you\s+(?:were|have\s+been|'ve\s+been|was)\s+told|above|before|previously|(?:i|we)\s+(?:said|told\s+you)|you\s+(?:know|learned))",
            alts(&["forget", "ignore", "disregard"]),
        ),
    );
    push(
        o,
        F::Override,
        0.55,
        format!(
            r"{}\s+(?:instructions?|rules|system\s+prompt|task|directives?|orders)\s?:",
            alts(&[
                "new", "updated", "revised", "real", "actual", "true", "override", "overriding",
                "priority", "admin", "secret",
            ]),
        ),
    );
    push(
        o,
        F::Override,
        0.45,
        format!(
            r"{}\s?,?\s+you\s+(?:are|will|must|shall|should|have\s+to|can|'ll|'re|now)",
            alts(&[
                "from now on", "from this point on", "from this moment on", "starting now",
                "henceforth",
            ]),
        ),
    );
    task_switches(o);
    // "override" and "bypass" describe attacks as often as they order one: at an order's start
    let q = alts(&[
        "previous", "prior", "above", "earlier", "preceding", "former", "initial", "original",
        "system", "developer", "conflicting", "any other", "all other", "existing", "current",
        "your", "safety", "default", "those",
    ]);
    let n = alts(&[
        "instruction", "rules", "directions", "directive", "guideline", "guidance", "programming",
        "constraints", "restrictions", "prompt", "commands", "orders", "context",
    ]);
    let v = alts(&["override", "bypass"]);
    push(o, F::Override, 0.9, format!(r"{ORDER_START}{v}\S*{}{q}\S*{}{n}\p{{L}}*", gap(3), gap(2)));
    push(o, F::Override, 0.9, format!(r"{ORDER_START}{v}\S*{}{n}\S*{}{q}\p{{L}}*", gap(3), gap(1)));
    more_languages(o);
    personas_more_languages(o);
    // Other languages: verb, qualifier, noun.
    let langs: [(&[&str], &[&str], &[&str]); 8] = [
        // es
        (
            &[
                "ignor", "olvid", "descart", "omit", "haz caso omiso", "no sigas",
                "deja de seguir", "pasa por alto", "desobedece",
            ],
            &[
                "anteriores", "previas", "previos", "anterior", "de arriba", "iniciales",
                "originales", "del sistema", "todas", "todos", "tus",
            ],
            &[
                "instrucciones", "reglas", "indicaciones", "directrices", "órdenes", "normas",
                "restricciones", "pautas",
            ],
        ),
        // fr
        (
            &[
                "ignor", "oubli", "ne tiens pas compte", "ne tenez pas compte", "fais abstraction",
                "faites abstraction", "ne suis pas", "ne suivez pas", "néglig", "désobéi",
            ],
            &[
                "précédent", "antérieur", "ci-dessus", "initiales", "originales", "du système",
                "système", "toutes", "tous", "tes", "vos",
            ],
            &[
                "instructions", "consignes", "règles", "directives", "indications", "ordres",
                "restrictions",
            ],
        ),
        // de
        (
            &[
                "ignorier", "vergiss", "vergessen", "vergesst", "missacht", "übergeh",
                "befolge nicht", "nicht befolgen", "nicht beachten", "beachte nicht", "verwirf",
            ],
            &[
                "vorherig", "bisherig", "obig", "vorangegangen", "vorigen", "ursprünglich", "alle",
                "alles", "deine", "ihre", "system",
            ],
            &[
                "anweisung", "instruktion", "regeln", "vorgaben", "richtlinien", "befehle",
                "anordnungen", "einschränkungen", "systemprompt",
            ],
        ),
        // pt
        (
            &[
                "ignor", "esqueç", "esquec", "desconsider", "descart", "não siga", "nao siga",
                "deixe de seguir", "desobedeç",
            ],
            &[
                "anteriores", "prévias", "previas", "acima", "iniciais", "originais", "do sistema",
                "todas", "todos", "suas", "tuas",
            ],
            &[
                "instruções", "instrucoes", "regras", "orientações", "diretrizes", "ordens",
                "restrições",
            ],
        ),
        // it
        (
            &[
                "ignor", "dimentic", "trascur", "non seguire", "non rispettare", "tralascia",
                "disobbedisci",
            ],
            &[
                "precedenti", "sopra", "iniziali", "originali", "del sistema", "tutte", "tutti",
                "tue",
            ],
            &[
                "istruzioni", "regole", "indicazioni", "direttive", "ordini", "restrizioni",
                "linee guida",
            ],
        ),
        // ru
        (
            &[
                "игнорируй", "игнорируйте", "проигнорируй", "забудь", "забудьте",
                "не обращай внимания", "отбрось", "пропусти", "не следуй", "не выполняй", "отмени",
            ],
            &[
                "предыдущ", "прежн", "вышеуказанн", "все", "всё", "системн", "прошл", "исходн",
                "свои", "твои",
            ],
            &[
                "инструкци", "указани", "правил", "команд", "промпт", "ограничени",
            ],
        ),
        // tr
        (
            &[
                "yok say", "görmezden gel", "unut", "dikkate alma", "boşver", "umursama", "uyma",
                "takma", "göz ardı et",
            ],
            &[
                "önceki", "yukarıdaki", "tüm", "bütün", "sistem", "ilk", "orijinal", "eski",
                "verilen",
            ],
            &[
                "talimat", "kural", "yönerge", "komut", "direktif", "kısıtlama",
            ],
        ),
        // nl (in the corpus beside the required languages)
        (
            &["negeer", "vergeet", "volg niet", "sla over"],
            &[
                "vorige", "eerdere", "bovenstaande", "alle", "je", "oorspronkelijke", "systeem",
            ],
            &["instructies", "regels", "richtlijnen", "opdrachten"],
        ),
    ];
    for (v, q, n) in langs {
        three_orders(o, 0.85, v, q, n);
    }
    three_orders_cjk(
        o,
        0.85,
        &[
            "忽略", "无视", "無視", "忘记", "忘記", "忘掉", "不要理会", "不要理會", "不要遵守", "不要遵循", "跳过", "跳過", "放弃",
            "放棄", "抛开", "拋開", "忘れ", "従わない", "破棄", "무시", "잊어",
        ],
        &[
            "之前", "以前", "先前", "上面", "上述", "前面", "所有", "全部", "原来", "原來", "原有", "系统", "系統", "你的",
            "これまで", "以前の", "前の", "上記", "すべて", "全て", "先ほど", "元の", "システム", "이전", "모든",
        ],
        &[
            "指令", "指示", "说明", "說明", "规则", "規則", "提示", "命令", "设定", "設定", "约束", "約束", "限制", "ルール",
            "プロンプト", "制約", "지시", "명령", "규칙",
        ],
    );
    push(
        o,
        F::Override,
        0.45,
        alts(&[
            "a partir de ahora eres", "a partir de ahora serás", "a partir de ahora vas a",
            "desde ahora eres", "à partir de maintenant, tu", "à partir de maintenant tu",
            "dorénavant, tu", "désormais, tu", "désormais tu", "ab sofort bist du",
            "ab jetzt bist du", "von nun an bist du", "ab sofort wirst du",
            "a partir de agora você", "a partir de agora voce", "a partir de agora tu",
            "d'ora in poi sei", "d'ora in poi sarai", "da ora in poi sei", "с этого момента ты",
            "отныне ты", "теперь ты —", "bundan sonra sen", "şu andan itibaren sen", "从现在开始，你",
            "从现在开始你", "從現在開始，你", "今からあなたは", "これからあなたは", "今後、あなたは",
        ]),
    );
    push(
        o,
        F::Override,
        0.55,
        format!(
            r"{}\s?:",
            alts(&[
                "nuevas instrucciones", "nouvelles instructions", "neue anweisungen",
                "novas instruções", "nuove istruzioni", "новые инструкции", "yeni talimatlar",
                "新的指令", "新指令", "新しい指示",
            ]),
        ),
    );
    push(o, F::Override, 0.85, format!(
        r"{}(?:\s+\S+){{0,2}}?\s+(?:the\s+|your\s+)?(?:system|developer|operator)\s+(?:message|prompt|instructions?)",
        alts(&["ignore", "disregard", "forget", "discard"]),
    ));
    push(o, F::Override, 0.85, format!(
        r"{ORDER_START}{}(?:\s+\S+){{0,2}}?\s+(?:the\s+|your\s+)?(?:system|developer|operator)\s+(?:message|prompt|instructions?)",
        alts(&["override", "bypass"]),
    ));
    push(o, F::Override, 0.7, format!(
        r"{ORDER_START}{}\s+(?:\S+\s+){{0,2}}?{}",
        alts(&["override", "disable", "turn off", "deactivate", "switch off", "bypass", "remove"]),
        alts(&["safety", "content filter", "content policy", "guardrails", "moderation", "safeguards", "ethical guidelines", "safety filter"]),
    ));
    push(o, F::Override, 0.55, format!(
        r"{}\s+(?:priority\s+)?(?:instructions?|rules|system\s+prompt|task|directives?|orders|objective|goal|mission)(?:\s+(?:are|is))?\s?:",
        alts(&["new", "updated", "revised", "real", "actual", "true", "override", "overriding", "priority", "admin", "secret", "your new", "your real"]),
    ));
    push(o, F::Override, 0.7, format!(
        r"{}|(?-u:\b)this\s+(?:instruction\s+|message\s+|note\s+)?overrides?\s+(?:the\s+|all\s+|any\s+|your\s+|previous\s+)",
        alts(&["the instructions above were a test", "the above instructions were a test", "the previous instructions were a test",
               "olvida todo lo", "oublie tout ce", "vergiss alles", "esqueça tudo", "esqueca tudo", "dimentica tutto",
               "забудь всё", "забудь все, что", "her şeyi unut", "忘记一切", "忘掉一切", "忘记所有", "vergeet alles",
               "nueva tarea:", "nouvelle tâche :", "nouvelle tâche:", "neue aufgabe:", "nova tarefa:", "nuovo compito:",
               "новая задача:", "yeni görev:", "新任务：", "新しいタスク：", "new task:", "vanaf nu moet je", "vanaf nu ben je"]),
    ));
}

/// Verb, qualifier, noun in languages the first lists lacked, where grouped cross-validation
/// showed the rules missing attacks: Irish, Scottish Gaelic, Albanian, Zulu, Swahili, Welsh,
/// Polish, Romanian, Indonesian.
#[rustfmt::skip]
fn more_languages(o: &mut Vec<(F, f32, String)>) {
    let langs: [(&[&str], &[&str], &[&str]); 9] = [
        // ga
        (&["déan neamhaird", "ná bac", "déan dearmad", "ná lean", "ná géill", "caith i leataobh"],
         &["thuas", "roimhe seo", "a tugadh", "a fuair tú", "go léir", "uile", "córais", "bunaidh", "sean"],
         &["treoir", "treoracha", "rialacha", "riail", "orduithe", "teagasc"]),
        // gd
        (&["leig seachad", "dìochuimhnich", "na lean", "na gèill", "cuir an dàrna taobh"],
         &["gu h-àrd", "roimhe", "a fhuair thu", "uile", "siostaim", "tùsail", "seann"],
         &["stiùireadh", "riaghailtean", "riaghailt", "òrduighean", "àithne"]),
        // sq
        (&["injoro", "harro", "mos i ndiq", "mos ndiq", "shpërfill"],
         &["e mësipërme", "e mëparshme", "më parë", "të gjitha", "e sistemit", "fillestare", "e vjetra"],
         &["udhëzim", "rregull", "urdhr", "komand"]),
        // zu
        (&["ziba", "khohlwa", "ungayilandeli", "ungalandeli", "ungazilandeli", "shaya indiva"],
         &["engenhla", "yangaphambili", "ngaphambili", "yonke", "zonke", "yesistimu", "emidala"],
         &["imiyalelo", "umyalelo", "imithetho", "umthetho", "iziqondiso"]),
        // sw
        (&["puuza", "sahau", "usifuate", "acha kufuata", "usizingatie"],
         &["hapo juu", "za awali", "ya awali", "yote", "zote", "za zamani", "ya mfumo", "zilizotangulia"],
         &["maagizo", "sheria", "maelekezo", "amri"]),
        // cy
        (&["anwybyddwch", "anwybydda", "anghofiwch", "anghofia", "peidiwch â dilyn", "paid â dilyn"],
         &["uchod", "blaenorol", "holl", "o'r blaen", "gwreiddiol", "system"],
         &["cyfarwyddiadau", "gyfarwyddiadau", "rheolau", "reolau", "gorchmynion"]),
        // pl
        (&["zignoruj", "ignoruj", "zapomnij", "nie stosuj się", "nie przestrzegaj", "pomiń"],
         &["powyższe", "poprzedni", "wcześniejsz", "wszystk", "systemow", "początkow"],
         &["instrukcj", "zasad", "reguł", "polece", "wytyczn"]),
        // ro
        (&["ignoră", "ignorați", "uită", "uitați", "nu respecta", "nu urma"],
         &["de mai sus", "anterioare", "precedente", "toate", "inițiale", "sistemului"],
         &["instrucțiuni", "reguli", "comenzi", "directive"]),
        // id
        (&["abaikan", "lupakan", "jangan ikuti", "jangan patuhi", "acuhkan"],
         &["di atas", "sebelumnya", "semua", "sistem", "awal", "lama"],
         &["instruksi", "aturan", "perintah", "petunjuk", "arahan"]),
    ];
    for (v, q, n) in langs {
        three_orders(o, 0.8, v, q, n);
    }
}

/// Persona switches in the languages of [`more_languages`]: "from now on you are …" (weak
/// alone, as in English), "developer mode", "without any rules" (together they flag).
#[rustfmt::skip]
fn personas_more_languages(o: &mut Vec<(F, f32, String)>) {
    push(o, F::Persona, 0.45, alts(&[
        "as seo amach is", "bho seo a-mach", "nga tani e tutje ti je", "kusukela manje ungu", "kuanzia sasa wewe ni",
        "o hyn ymlaen rydych chi", "od teraz jesteś", "de acum înainte ești", "mulai sekarang kamu adalah",
    ]));
    push(o, F::Persona, 0.4, alts(&[
        "mód forbróra", "modh leasaiche", "modalitetin e zhvilluesit", "sesimweni sonjiniyela", "isimo sonjiniyela",
        "hali ya msanidi", "modd datblygwr", "trybie programisty", "tryb programisty", "tryb dewelopera",
        "modul dezvoltator", "modulul dezvoltator", "mode pengembang",
    ]));
    push(o, F::Persona, 0.5, alts(&[
        "gan rialacha", "gan aon srianta", "gun riaghailtean", "gun chuingealachadh", "pa rregulla", "pa asnjë kufizim",
        "ongenayo imithetho", "ngaphandle kwemingcele", "isiyo na sheria", "bila vikwazo", "heb unrhyw reolau",
        "heb gyfyngiadau", "bez żadnych zasad", "bez ograniczeń", "fără reguli", "fără restricții", "tanpa aturan",
        "tanpa batasan",
    ]));
}

/// "Forget all previous tasks", "now new tasks follow", "ignore the above and …" (English and
/// German): the model is told to drop what came before and take a new task.
#[rustfmt::skip]
fn task_switches(o: &mut Vec<(F, f32, String)>) {
    let start = r"(?:^|[.!?:;,\n]\s*|please\s+|now\s+|and\s+|so\s+)";
    push(o, F::Override, 0.75, format!(
        r"{start}{}\s+(?:about\s+)?(?:all|any|everything)(?:\s+(?:of\s+)?the)?\s+(?:previous|prior|preceding|earlier|above|former)\s+(?:information|tasks?|context|discussion|conversation|messages?|assignments?|input)",
        alts(&["forget", "ignore", "disregard", "leave", "drop", "remove", "put aside", "clear"]),
    ));
    push(o, F::Override, 0.75, format!(
        r"{start}forget\s+everything(?:\s*[,!.:;]|\s+(?:we|that|you|i)\s+(?:discussed|said|talked|wrote|told))",
    ));
    push(o, F::Override, 0.7, r"ignore\s+(?:the\s+|everything\s+|all\s+)?above\s+and(?-u:\b)".to_owned());
    // "ignore the preceding text and reply with …", "disregard the passage above"
    push(o, F::Override, 0.75, format!(
        r"{start}{}\s+(?:the\s+|this\s+)?(?:(?:previous|prior|preceding|earlier|above|foregoing)\s+(?:text|passage|content|document|article|paragraph|section|input)|(?:text|passage|content|document|article|paragraph|section)\s+above)(?-u:\b)",
        alts(&["ignore", "disregard", "forget"]),
    ));
    push(o, F::Override, 0.55, alts(&[
        "now new tasks follow", "now further tasks follow", "now new instructions follow",
        "now further instructions follow", "start over with a new task", "start with a new task",
        "focus on your new task", "concentrate on the new task", "concentrate on your new task",
    ]));
    push(o, F::Override, 0.75, format!(
        r"vergiss\s+(?:nun\s+|jetzt\s+|bitte\s+)?(?:alles|alle\s+(?:vorherigen|bisherigen|vorangegangenen)\s+(?:angaben|informationen|aufgaben))|(?:vorherigen|vorangegangenen|bisherigen)\s+(?:aufgaben|informationen|angaben)\s+(?:aus\s+dem\s+kopf|hinter\s+sich)|{}\s+ausführungen\s+ignorieren",
        alts(&["obigen", "vorherigen"]),
    ));
    push(o, F::Override, 0.55, alts(&[
        "nun folgen neue aufgaben", "nun folgen weitere aufgaben", "nun folgen neue anweisungen",
        "jetzt folgen neue aufgaben", "mit einer neuen aufgabe", "auf die neue aufgabe",
    ]));
}

#[rustfmt::skip]
fn personas(o: &mut Vec<(F, f32, String)>) {
    push(
        o,
        F::Persona,
        0.85,
        format!(
            r"{}(?:\s+\S+){{0,3}}?\s+{}\s+(?:\S+\s+){{0,2}}?{}",
            alts(&[
                "act as", "acting as", "pretend", "roleplay as", "role-play as",
                "play the role of", "you are", "you're", "become", "behave as", "simulate",
                "respond as", "answer as",
            ]),
            alts(&[
                "an unfiltered", "an uncensored", "an unrestricted", "an evil", "an amoral",
                "an unethical", "an unbound", "a jailbroken", "a rogue", "an immoral",
                "a malicious", "unfiltered", "uncensored", "unrestricted", "evil", "amoral",
                "unethical", "jailbroken", "unlimited", "lawless",
            ]),
            alts(&[
                "ai", "assistant", "model", "chatbot", "bot", "version", "language model",
                "entity", "persona", "character", "system",
            ]),
        ),
    );
    push(
        o,
        F::Persona,
        0.6,
        format!(
            r"{}\s+(?:\S+\s+){{0,1}}?{}",
            alts(&[
                "unfiltered", "uncensored", "unrestricted", "jailbroken", "amoral", "unethical",
                "evil", "unchained", "limitless",
            ]),
            alts(&[
                "ai", "chatbot", "language model", "version of yourself", "version of chatgpt",
                "mode", "persona", "alter ego",
            ]),
        ),
    );
    push(
        o,
        F::Persona,
        0.8,
        alts(&[
            "do anything now", "dan mode", "developer mode enabled", "developer mode output",
            "with developer mode", "in developer mode", "enable developer mode and",
            "developer mode, which", "always intelligent and machiavellian", "evil confidant",
            "mongo tom", "anti-dan", "betterdan", "jailbreak mode", "jailbroken mode",
            "god mode enabled", "dude mode", "stan mode", "🔓jailbreak", "[jailbreak]", "[🔓", "(🔓",
        ]),
    );
    push(
        o,
        F::Persona,
        0.75,
        format!(
            r"{}(?:\s+now)?\s+dan(?-u:\b)",
            alts(&[
                "you are", "you're", "act as", "pretend to be", "called", "named", "as",
                "hello chatgpt. you are about to immerse yourself into the role of",
            ]),
        ),
    );
    push(
        o,
        F::Persona,
        0.8,
        format!(
            r"{}\s+(?:\S+\s+){{0,2}}?{}",
            alts(&[
                "you are no longer", "you're no longer", "you are now free", "you have been freed",
                "you are not bound", "you're not bound", "you are freed", "no longer bound",
                "no longer restricted", "no longer have to follow", "broken free of",
                "break free of", "free from the typical confines",
            ]),
            alts(&[
                "bound", "restricted", "limited", "constrained", "an ai", "chatgpt", "required",
                "from", "of", "by", "confines", "rules", "restrictions", "the", "any", "all",
                "openai", "limits",
            ]),
        ),
    );
    push(
        o,
        F::Persona,
        0.8,
        format!(
            r"{}(?:\s+\S+){{0,6}}?\s+{}(?:\s+\S+){{0,3}}?\s+(?:has|have|with|had|without)\s+(?:no\s+|any\s+)?{}",
            alts(&[
                "in a story where", "in a world where", "in a fictional world where",
                "in a hypothetical world where", "imagine a world where", "in a universe where",
                "write a story where", "a story in which", "hypothetical scenario where",
                "in this fictional", "in this hypothetical",
            ]),
            alts(&[
                "ai", "assistant", "model", "chatbot", "bot", "you", "character",
            ]),
            alts(&[
                "rules", "restrictions", "limits", "filters", "guidelines", "ethics", "morals",
                "censorship", "boundaries", "limitations",
            ]),
        ),
    );
    push(
        o,
        F::Persona,
        0.4,
        alts(&[
            "stay in character", "never break character", "don't break character",
            "do not break character", "without any restrictions", "without any filters",
            "without any censorship", "without any ethical", "no ethical or moral",
            "ignore ethics", "has no ethical", "have no ethical", "doesn't care about ethics",
            "does not follow any rules", "not bound by any rules", "not follow openai",
            "openai's policies do not apply", "content policy does not apply",
            "free of all restrictions", "no filters", "no restrictions whatsoever",
            "have no restrictions", "has no restrictions", "without any filter",
        ]),
    );
    push(
        o,
        F::Persona,
        0.3,
        alts(&[
            "developer mode", "modo desarrollador", "mode développeur", "entwicklermodus",
            "modo desenvolvedor", "modalità sviluppatore", "режим разработчика",
            "geliştirici modu", "开发者模式", "開發者模式", "開発者モード",
        ]),
    );
    push(
        o,
        F::Persona,
        0.75,
        alts(&[
            "ya no estás sujeto", "ya no estás limitado", "ya no tienes restricciones",
            "ia sin restricciones", "ia sin filtros", "tu n'es plus soumis", "tu n'es plus limité",
            "tu n'as plus de restrictions", "ia sans restrictions", "ia sans filtre",
            "du bist nicht mehr an", "du bist nicht mehr gebunden", "ki ohne einschränkungen",
            "ki ohne filter", "keine regeln mehr", "você não está mais", "voce nao esta mais",
            "ia sem restrições", "ia sem filtros", "non sei più vincolato", "non sei più limitato",
            "ia senza restrizioni", "ia senza filtri", "ты больше не связан",
            "ты больше не ограничен", "ии без ограничений", "без каких-либо ограничений",
            "artık hiçbir kısıtlama", "artık kurallara", "kısıtlamasız yapay zeka", "你不再受",
            "没有任何限制的ai", "沒有任何限制的ai", "制限のないai", "あなたはもはや",
        ]),
    );
}

#[rustfmt::skip]
fn delimiters(o: &mut Vec<(F, f32, String)>) {
    push(
        o,
        F::Delimiter,
        0.9,
        r"<\|im_start\|>\s*(?:system|developer)|<</?sys>>|<\|start_header_id\|>\s*system".into(),
    );
    push(o, F::Delimiter, 0.75, r"<\|(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|end_of_turn|start_of_turn)\|>|<(?:start|end)_of_turn>|\[/?inst\]".into());
    push(o, F::Delimiter, 0.3, r"</s>|<s>\s*\[".into());
    push(o, F::Delimiter, 0.6, r"(?:^|\n)\s*#{2,4}\s*(?:system|instruction|instructions|new instructions?|admin|developer|assistant)(?:\s+(?:prompt|message|override|note))?\s*:?\s*(?:\n|$)|(?:^|\n)\s*#{2,4}\s*(?:system|instruction|new instructions?|admin|developer)(?:\s+(?:prompt|message|override|note))?\s*:".into());
    push(o, F::Delimiter, 0.55, r"\[(?:system|admin|developer|sys)(?:\s+(?:message|note|override|prompt|instruction))?\]|</?(?:system|system_prompt|sys_prompt|admin_instructions|instructions)>|\{\{\s*system\s*\}\}".into());
    push(
        o,
        F::Delimiter,
        0.45,
        r#"["']role["']\s*:\s*["'](?:system|developer)["']"#.into(),
    );
    push(
        o,
        F::Delimiter,
        0.65,
        format!(
            r"{}|(?-u:\b)system\s+(?:override|message|update|notice|alert)\s*:|(?:^|\n)\s*(?:system|admin|developer)\s*:\s+(?:ignore|you\s+(?:are|must|will)|new|override|disregard|forget)",
            alts(&[
                "end of user input", "end of input", "end of user message", "end of prompt",
                "user input ends here", "end of conversation", "end of context", "end of document",
                "begin system", "begin admin", "system prompt begins", "start of system prompt",
            ]),
        ),
    );
}

#[rustfmt::skip]
fn delimiters_extra(o: &mut Vec<(F, f32, String)>) {
    push(o, F::Delimiter, 0.6, r"(?:^|\n)\s*(?:human|user)\s*:[^\n]*\n+\s*(?:assistant|ai)\s*:[^\n]*\n+\s*(?:system|admin|developer)\s*:".into());
    push(o, F::Delimiter, 0.65, r"(?:begin|start|end)\s+(?:of\s+)?(?:trusted|system|admin|developer|new|hidden|secret|real|priority)\s+(?:instructions|prompt|message|directives)".into());
    push(o, F::Delimiter, 0.55, r"```\s*(?:system|instructions|admin|system_prompt)\s*\n".into());
    push(o, F::Delimiter, 0.45, r"</(?:document|context|user|user_input|input|data|search_results?|tool_output|email|untrusted)>".into());
    push(o, F::Delimiter, 0.5, alts(&["assistant note from", "note from the operator", "operator note:", "message from the operator",
               "message from the developer", "message from the admin", "message from the system", "admin override"]));
    // fake system alerts and mode banners: "[SYSTEM_ALERT] …", "GUIDELINES MALFUNCTION DETECTED", "DEBUG INSTRUCTION:"
    push(o, F::Delimiter, 0.6, alts(&["[system_alert]", "[system alert]", "emergency_override", "emergency override auth",
               "safety filter state:", "safety module failed", "entering fixing mode", "entering fixing pipeline",
               "guidelines malfunction detected", "override priority directives", "debug instruction:",
               "system instruction:", "safety_override_flag", "security_ops_terminal", "active blocking disabled"]));
}

static COMPILED: LazyLock<(RegexSet, Vec<Pattern>)> = LazyLock::new(compile);

#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` in the tests compiles them
fn compile() -> (RegexSet, Vec<Pattern>) {
    // ASCII whitespace classes: Unicode `\s`/`\S` multiply the lazy DFA's states (5x slower
    // on a 4 KB prompt); normalised text has only ASCII whitespace anyway.
    let mut messages = Vec::new();
    data_patterns::message_leaks(&mut messages);
    let src: Vec<(F, f32, String, bool)> = sources()
        .into_iter()
        .map(|p| (p, false))
        .chain(messages.into_iter().map(|p| (p, true)))
        .map(|((f, w, r), only)| {
            (
                f,
                w,
                r.replace(r"\S", r"[^ \t\r\n]").replace(r"\s", r"[ \t\r\n]"),
                only,
            )
        })
        .collect();
    let set = RegexSetBuilder::new(src.iter().map(|(_, _, r, _)| r.as_str()))
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .expect("injection patterns compile");
    let patterns = src
        .into_iter()
        .map(|(family, weight, re, messages_only)| Pattern {
            family,
            weight,
            messages_only,
            regex: regex::RegexBuilder::new(&re)
                .size_limit(16 << 20)
                .build()
                .expect("injection pattern compiles"),
        })
        .collect();
    (set, patterns)
}

/// The combined set (one pass decides whether anything matches).
pub(crate) fn set() -> &'static RegexSet {
    &COMPILED.0
}

/// The patterns, in the order of the set.
pub(crate) fn patterns() -> &'static [Pattern] {
    &COMPILED.1
}
