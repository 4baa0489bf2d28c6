//! The original Porter stemmer (Porter, 1980), as Lucene's `PorterStemFilter` applies it.
//!
//! This is the classic algorithm with the two departures of Martin Porter's own reference
//! implementation that Lucene also carries (`-bli → -ble` instead of `-abli → -able`, and
//! `-logi → -log`), the guards for the two known out-of-bounds cases, and Lucene's rule that
//! words of one or two characters are left alone. It is *not* Snowball English ("Porter2"),
//! which stems differently (`generously`: Porter `gener`, Porter2 `generous`).
//!
//! Letters other than `a e i o u` (and `y` after a vowel) count as consonants, non-ASCII ones
//! included, exactly as in Lucene.

/// A Porter stemmer, reusable from word to word (it keeps its buffer).
///
/// While stemming, `b[0..=k]` is the current stem and `j` the end of the stem before the
/// suffix last matched by [`Porter::ends`] (`-1` when that suffix is the whole word).
#[derive(Debug, Default)]
pub(crate) struct Porter {
    b: Vec<char>,
    k: usize,
    j: isize,
}

impl Porter {
    /// Stems `word` (already lowercased) into `out` (cleared first).
    pub(crate) fn stem(&mut self, word: &str, out: &mut String) {
        out.clear();
        self.b.clear();
        self.b.extend(word.chars());
        self.j = 0;
        if self.b.len() > 2 {
            self.k = self.b.len() - 1;
            self.step1ab();
            self.step1c();
            self.step2();
            self.step3();
            self.step4();
            self.step5();
            out.extend(self.b.iter().take(self.k + 1));
        } else {
            out.push_str(word);
        }
    }

    fn at(&self, i: isize) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.b.get(i))
            .copied()
            .unwrap_or('\0')
    }

    fn k(&self) -> isize {
        self.k as isize
    }

    /// Whether `b[i]` is a consonant.
    fn cons(&self, i: isize) -> bool {
        match self.at(i) {
            'a' | 'e' | 'i' | 'o' | 'u' => false,
            'y' => i == 0 || !self.cons(i - 1),
            _ => true,
        }
    }

    /// The number of vowel-consonant sequences in `b[0..=j]` (`[C](VC)^m[V]`).
    fn m(&self) -> usize {
        let mut n = 0;
        let mut i = 0;
        // Skip the leading consonants.
        loop {
            if i > self.j {
                return n;
            }
            if !self.cons(i) {
                break;
            }
            i += 1;
        }
        i += 1;
        loop {
            // A run of vowels ...
            loop {
                if i > self.j {
                    return n;
                }
                if self.cons(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
            n += 1;
            // ... then a run of consonants.
            loop {
                if i > self.j {
                    return n;
                }
                if !self.cons(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
        }
    }

    fn vowel_in_stem(&self) -> bool {
        (0..=self.j).any(|i| !self.cons(i))
    }

    /// Whether `b[i-1..=i]` is a double consonant.
    fn double_c(&self, i: isize) -> bool {
        i >= 1 && self.at(i) == self.at(i - 1) && self.cons(i)
    }

    /// Whether `b[i-2..=i]` is consonant-vowel-consonant, the last not `w`, `x` or `y`.
    fn cvc(&self, i: isize) -> bool {
        i >= 2
            && self.cons(i)
            && !self.cons(i - 1)
            && self.cons(i - 2)
            && !matches!(self.at(i), 'w' | 'x' | 'y')
    }

    /// Whether the stem ends with `s`; if so `j` marks the end of what precedes it.
    fn ends(&mut self, s: &str) -> bool {
        let len = s.len() as isize;
        let start = self.k() - len + 1;
        if start < 0 {
            return false;
        }
        if !s.chars().zip(start..).all(|(c, i)| self.at(i) == c) {
            return false;
        }
        self.j = self.k() - len;
        true
    }

    /// Replaces `b[j+1..=k]` by `s`.
    fn set_to(&mut self, s: &str) {
        let start = usize::try_from(self.j + 1).unwrap_or(0);
        let end = start + s.len();
        if self.b.len() < end {
            self.b.resize(end, '\0');
        }
        for (slot, c) in self.b.iter_mut().skip(start).zip(s.chars()) {
            *slot = c;
        }
        self.k = end.saturating_sub(1);
    }

    /// [`Porter::set_to`] when the stem before the suffix has `m() > 0`.
    fn replace(&mut self, s: &str) {
        if self.m() > 0 {
            self.set_to(s);
        }
    }

    /// The first rule whose suffix matches is applied (or not, by `m()`), and no later one.
    fn first_rule(&mut self, rules: &[(&str, &str)]) {
        for (suffix, with) in rules {
            if self.ends(suffix) {
                self.replace(with);
                return;
            }
        }
    }

    /// Plurals and `-ed` / `-ing`.
    fn step1ab(&mut self) {
        if self.at(self.k()) == 's' {
            if self.ends("sses") {
                self.k -= 2;
            } else if self.ends("ies") {
                self.set_to("i");
            } else if self.at(self.k() - 1) != 's' {
                self.k -= 1;
            }
        }
        if self.ends("eed") {
            if self.m() > 0 {
                self.k -= 1;
            }
        } else if (self.ends("ed") || self.ends("ing")) && self.vowel_in_stem() {
            self.k = usize::try_from(self.j).unwrap_or(0);
            if self.ends("at") {
                self.set_to("ate");
            } else if self.ends("bl") {
                self.set_to("ble");
            } else if self.ends("iz") {
                self.set_to("ize");
            } else if self.double_c(self.k()) {
                if !matches!(self.at(self.k()), 'l' | 's' | 'z') {
                    self.k -= 1;
                }
            } else if self.m() == 1 && self.cvc(self.k()) {
                self.set_to("e");
            }
        }
    }

    /// Terminal `y` to `i` when the stem has another vowel.
    fn step1c(&mut self) {
        if self.ends("y")
            && self.vowel_in_stem()
            && let Some(c) = self.b.get_mut(self.k)
        {
            *c = 'i';
        }
    }

    /// Double suffixes to single ones (`-ization` → `-ize`).
    fn step2(&mut self) {
        if self.k == 0 {
            return;
        }
        let rules: &[(&str, &str)] = match self.at(self.k() - 1) {
            'a' => &[("ational", "ate"), ("tional", "tion")],
            'c' => &[("enci", "ence"), ("anci", "ance")],
            'e' => &[("izer", "ize")],
            'l' => &[
                ("bli", "ble"),
                ("alli", "al"),
                ("entli", "ent"),
                ("eli", "e"),
                ("ousli", "ous"),
            ],
            'o' => &[("ization", "ize"), ("ation", "ate"), ("ator", "ate")],
            's' => &[
                ("alism", "al"),
                ("iveness", "ive"),
                ("fulness", "ful"),
                ("ousness", "ous"),
            ],
            't' => &[("aliti", "al"), ("iviti", "ive"), ("biliti", "ble")],
            'g' => &[("logi", "log")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    /// `-ic-`, `-full`, `-ness` and the like.
    fn step3(&mut self) {
        let rules: &[(&str, &str)] = match self.at(self.k()) {
            'e' => &[("icate", "ic"), ("ative", ""), ("alize", "al")],
            'i' => &[("iciti", "ic")],
            'l' => &[("ical", "ic"), ("ful", "")],
            's' => &[("ness", "")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    /// `-ant`, `-ence` and the like, in context `<c>vcvc<v>`.
    fn step4(&mut self) {
        if self.k == 0 {
            return;
        }
        let suffixes: &[&str] = match self.at(self.k() - 1) {
            'a' => &["al"],
            'c' => &["ance", "ence"],
            'e' => &["er"],
            'i' => &["ic"],
            'l' => &["able", "ible"],
            'n' => &["ant", "ement", "ment", "ent"],
            'o' => {
                let ion = self.ends("ion") && matches!(self.at(self.j), 's' | 't');
                if !ion && !self.ends("ou") {
                    return;
                }
                &[]
            }
            's' => &["ism"],
            't' => &["ate", "iti"],
            'u' => &["ous"],
            'v' => &["ive"],
            'z' => &["ize"],
            _ => return,
        };
        if !suffixes.is_empty() && !suffixes.iter().any(|s| self.ends(s)) {
            return;
        }
        if self.m() > 1 {
            self.k = usize::try_from(self.j).unwrap_or(0);
        }
    }

    /// A final `-e` when `m() > 1`, and `-ll` to `-l`.
    fn step5(&mut self) {
        self.j = self.k();
        if self.at(self.k()) == 'e' {
            let a = self.m();
            if a > 1 || a == 1 && !self.cvc(self.k() - 1) {
                self.k -= 1;
            }
        }
        if self.at(self.k()) == 'l' && self.double_c(self.k()) && self.m() > 1 {
            self.k -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(w: &str) -> String {
        let mut out = String::new();
        Porter::default().stem(w, &mut out);
        out
    }

    #[test]
    fn examples_from_the_paper() {
        for (w, s) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "ti"),
            ("caress", "caress"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("bled", "bled"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("conflated", "conflat"),
            ("troubled", "troubl"),
            ("sized", "size"),
            ("hopping", "hop"),
            ("tanned", "tan"),
            ("falling", "fall"),
            ("hissing", "hiss"),
            ("fizzed", "fizz"),
            ("failing", "fail"),
            ("filing", "file"),
            ("happy", "happi"),
            ("sky", "sky"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("rational", "ration"),
            ("valenci", "valenc"),
            ("digitizer", "digit"),
            ("conformabli", "conform"),
            ("radicalli", "radic"),
            ("differentli", "differ"),
            ("vileli", "vile"),
            ("analogousli", "analog"),
            ("vietnamization", "vietnam"),
            ("predication", "predic"),
            ("operator", "oper"),
            ("feudalism", "feudal"),
            ("decisiveness", "decis"),
            ("hopefulness", "hope"),
            ("callousness", "callous"),
            ("formaliti", "formal"),
            ("sensitiviti", "sensit"),
            ("sensibiliti", "sensibl"),
            ("triplicate", "triplic"),
            ("formative", "form"),
            ("formalize", "formal"),
            ("electriciti", "electr"),
            ("electrical", "electr"),
            ("hopeful", "hope"),
            ("goodness", "good"),
            ("revival", "reviv"),
            ("allowance", "allow"),
            ("inference", "infer"),
            ("airliner", "airlin"),
            ("gyroscopic", "gyroscop"),
            ("adjustable", "adjust"),
            ("defensible", "defens"),
            ("irritant", "irrit"),
            ("replacement", "replac"),
            ("adjustment", "adjust"),
            ("dependent", "depend"),
            ("adoption", "adopt"),
            ("homologou", "homolog"),
            ("communism", "commun"),
            ("activate", "activ"),
            ("angulariti", "angular"),
            ("homologous", "homolog"),
            ("effective", "effect"),
            ("bowdlerize", "bowdler"),
            ("probate", "probat"),
            ("rate", "rate"),
            ("cease", "ceas"),
            ("controll", "control"),
            ("roll", "roll"),
        ] {
            assert_eq!(stem(w), s, "{w}");
        }
    }

    #[test]
    fn lucene_departures_and_guards() {
        // -logi → -log and -bli → -ble (Porter's own implementation, kept by Lucene).
        assert_eq!(stem("analogi"), "analog");
        assert_eq!(stem("generously"), "gener");
        // Bug 1 ('aed', 'eed', 'oed') and bug 2 ('ion' alone) do not go out of bounds.
        for w in [
            "aed", "eed", "oed", "ion", "ions", "y", "yy", "yyy", "ies", "sss",
        ] {
            let _ = stem(w);
        }
        // One- and two-letter words are left alone.
        assert_eq!(stem("is"), "is");
        assert_eq!(stem("as"), "as");
        // Non-ASCII letters are consonants.
        assert_eq!(stem("cafés"), "café");
        assert_eq!(stem("naïve"), "naïv");
    }
}
