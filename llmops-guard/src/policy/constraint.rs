//! [`Constraint`]: what the values at one JSON pointer of a tool's arguments may be.

use std::fmt;

use regex::{Regex, RegexBuilder};
use serde_json::Value;

/// Compiled patterns may take at most this many bytes (the `regex` crate's size limit).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// What the values at one place of a tool's arguments may be, beyond the tool's JSON Schema.
///
/// `at` is a JSON pointer (RFC 6901: `/to`, `/items/0/sku`, `~1` for `/` and `~0` for `~` in
/// a key) where a segment `*` stands for every item of an array (or every value of an object):
/// `/recipients/*`. The constraint applies to every value the pointer reaches:
///
/// - an **allow-list**: the value must equal one of [`one_of`](Self::one_of), or (a string)
///   start with one of [`prefix`](Self::prefix), end with one of [`suffix`](Self::suffix), or
///   match [`pattern`](Self::pattern) whole (the pattern is anchored at both ends); any one
///   match admits it. [`ignore_case`](Self::ignore_case) folds ASCII letters for exact,
///   prefix and suffix matches and makes the pattern case-insensitive;
/// - a **numeric range**: [`min`](Self::min) ≤ value ≤ [`max`](Self::max) (the value must be
///   a number);
/// - a **string length**: at most [`max_len`](Self::max_len) characters (the value must be a
///   string);
/// - **presence**: [`required`](Self::required) refuses arguments where the pointer reaches
///   nothing.
///
/// An absent or `null` value passes unless `required`; a value of the wrong shape fails (a
/// string where the pointer goes on, a number where a string rule applies), so a model cannot
/// slip past an allow-list by changing a value's type.
///
/// ```
/// use llmops_guard::policy::Constraint;
/// // one recipient: inside the company, or one partner address
/// let to = Constraint::at("/to")
///     .suffix("@ourcompany.com")
///     .one_of(["orders@partner.example"])
///     .ignore_case()
///     .required();
/// let amount = Constraint::at("/amount").range(0.0, 500.0);
/// # let _ = (to, amount);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Constraint {
    /// The JSON pointer (with `*` segments) the constraint applies to.
    pub at: String,
    /// Exact values allowed (strings, numbers, booleans ...).
    pub one_of: Vec<Value>,
    /// Allowed string prefixes.
    pub prefix: Vec<String>,
    /// Allowed string suffixes.
    pub suffix: Vec<String>,
    /// A pattern (`regex` syntax, linear time) a string may match whole instead.
    pub pattern: Option<String>,
    /// Whether exact, prefix, suffix and pattern matches ignore case.
    pub ignore_case: bool,
    /// The smallest number allowed.
    pub min: Option<f64>,
    /// The largest number allowed.
    pub max: Option<f64>,
    /// The most characters a string may have.
    pub max_len: Option<usize>,
    /// Whether the pointer must reach a value.
    pub required: bool,
}

impl Constraint {
    /// A constraint on the values at `pointer`.
    pub fn at(pointer: impl Into<String>) -> Self {
        Constraint {
            at: pointer.into(),
            ..Constraint::default()
        }
    }

    /// Allows these exact values.
    #[must_use]
    pub fn one_of<V: Into<Value>>(mut self, values: impl IntoIterator<Item = V>) -> Self {
        self.one_of.extend(values.into_iter().map(Into::into));
        self
    }

    /// Allows strings that start with `p`.
    #[must_use]
    pub fn prefix(mut self, p: impl Into<String>) -> Self {
        self.prefix.push(p.into());
        self
    }

    /// Allows strings that end with `s`.
    #[must_use]
    pub fn suffix(mut self, s: impl Into<String>) -> Self {
        self.suffix.push(s.into());
        self
    }

    /// Allows strings that match `re` whole.
    #[must_use]
    pub fn pattern(mut self, re: impl Into<String>) -> Self {
        self.pattern = Some(re.into());
        self
    }

    /// Ignores case in exact, prefix, suffix and pattern matches.
    #[must_use]
    pub fn ignore_case(mut self) -> Self {
        self.ignore_case = true;
        self
    }

    /// Numbers from `min` to `max`, both included.
    #[must_use]
    pub fn range(mut self, min: f64, max: f64) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }

    /// Numbers of at least `min`.
    #[must_use]
    pub fn min(mut self, min: f64) -> Self {
        self.min = Some(min);
        self
    }

    /// Numbers of at most `max`.
    #[must_use]
    pub fn max(mut self, max: f64) -> Self {
        self.max = Some(max);
        self
    }

    /// Strings of at most `n` characters.
    #[must_use]
    pub fn max_len(mut self, n: usize) -> Self {
        self.max_len = Some(n);
        self
    }

    /// The pointer must reach a value.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Checks the constraint and compiles it; the error says what is wrong.
    pub(crate) fn compile(&self) -> Result<Compiled, String> {
        let path = parse_pointer(&self.at)?;
        let has_list = !self.one_of.is_empty()
            || !self.prefix.is_empty()
            || !self.suffix.is_empty()
            || self.pattern.is_some();
        if !has_list
            && self.min.is_none()
            && self.max.is_none()
            && self.max_len.is_none()
            && !self.required
        {
            return Err(format!(
                "constraint at `{}` has no rule (one_of, prefix, suffix, pattern, min, max, max_len or required)",
                self.at
            ));
        }
        if self.prefix.iter().chain(&self.suffix).any(String::is_empty) {
            return Err(format!(
                "constraint at `{}`: an empty prefix or suffix would allow every string",
                self.at
            ));
        }
        for (name, v) in [("min", self.min), ("max", self.max)] {
            if v.is_some_and(|v| !v.is_finite()) {
                return Err(format!(
                    "constraint at `{}`: `{name}` must be a finite number",
                    self.at
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min, self.max)
            && lo > hi
        {
            return Err(format!(
                "constraint at `{}`: `min` ({lo}) is above `max` ({hi})",
                self.at
            ));
        }
        let pattern = match &self.pattern {
            None => None,
            Some(p) => Some(
                RegexBuilder::new(&format!("^(?:{p})$"))
                    .case_insensitive(self.ignore_case)
                    .size_limit(PATTERN_SIZE_LIMIT)
                    .build()
                    .map_err(|e| format!("constraint at `{}`: bad `pattern`: {e}", self.at))?,
            ),
        };
        Ok(Compiled {
            at: self.at.clone().into_boxed_str(),
            path,
            one_of: self.one_of.clone().into_boxed_slice(),
            prefix: boxed(&self.prefix),
            suffix: boxed(&self.suffix),
            pattern,
            has_list,
            ignore_case: self.ignore_case,
            min: self.min,
            max: self.max,
            max_len: self.max_len,
            required: self.required,
        })
    }
}

fn boxed(v: &[String]) -> Box<[Box<str>]> {
    v.iter().map(|s| s.as_str().into()).collect()
}

/// One step of a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// An object key, or an array index when it is one.
    Key(Box<str>),
    /// Every item or value.
    Any,
}

/// Parses a JSON pointer with `*` segments.
pub(crate) fn parse_pointer(p: &str) -> Result<Box<[Seg]>, String> {
    if p.is_empty() {
        return Ok(Box::new([]));
    }
    let Some(rest) = p.strip_prefix('/') else {
        return Err(format!(
            "`{p}` is not a JSON pointer (it must be empty or start with `/`)"
        ));
    };
    rest.split('/')
        .map(|s| {
            if s == "*" {
                return Ok(Seg::Any);
            }
            let mut out = String::with_capacity(s.len());
            let mut chars = s.chars();
            while let Some(c) = chars.next() {
                if c != '~' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('0') => out.push('~'),
                    Some('1') => out.push('/'),
                    _ => {
                        return Err(format!(
                            "`{p}`: `~` must be followed by 0 or 1 in a JSON pointer"
                        ));
                    }
                }
            }
            Ok(Seg::Key(out.into_boxed_str()))
        })
        .collect()
}

/// A constraint ready to check.
#[derive(Debug)]
pub(crate) struct Compiled {
    at: Box<str>,
    path: Box<[Seg]>,
    one_of: Box<[Value]>,
    prefix: Box<[Box<str>]>,
    suffix: Box<[Box<str>]>,
    pattern: Option<Regex>,
    has_list: bool,
    ignore_case: bool,
    min: Option<f64>,
    max: Option<f64>,
    max_len: Option<usize>,
    required: bool,
}

/// Why a value fails a constraint (never the value itself).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Violation {
    /// Nothing at the pointer, and it is required.
    Missing,
    /// The pointer goes on through a value that is neither object nor array.
    Shape,
    /// A string rule meets something else.
    NotString,
    /// A range meets something else.
    NotNumber,
    /// Longer than allowed.
    TooLong(usize),
    /// Outside the range.
    OutOfRange(Option<f64>, Option<f64>),
    /// Not in the allow-list.
    NotAllowed,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Missing => f.write_str("is required and missing"),
            Violation::Shape => f.write_str("does not have the shape the policy expects"),
            Violation::NotString => f.write_str("must be a string"),
            Violation::NotNumber => f.write_str("must be a number"),
            Violation::TooLong(n) => write!(f, "is longer than {n} characters"),
            Violation::OutOfRange(lo, hi) => {
                f.write_str("is outside the allowed range ")?;
                match (lo, hi) {
                    (Some(lo), Some(hi)) => write!(f, "[{lo}, {hi}]"),
                    (Some(lo), None) => write!(f, "(at least {lo})"),
                    (None, Some(hi)) => write!(f, "(at most {hi})"),
                    (None, None) => Ok(()),
                }
            }
            Violation::NotAllowed => f.write_str("is not in its allow-list"),
        }
    }
}

impl Compiled {
    /// The pointer as written (for reasons).
    pub(crate) fn at(&self) -> &str {
        &self.at
    }

    /// Checks every value the pointer reaches.
    pub(crate) fn check(&self, args: &Value) -> Result<(), Violation> {
        let reached = self.visit(args, &self.path)?;
        if reached == 0 && self.required {
            return Err(Violation::Missing);
        }
        Ok(())
    }

    /// Checks the values under `v` along `path`; counts those that are present.
    fn visit(&self, v: &Value, path: &[Seg]) -> Result<usize, Violation> {
        let Some((seg, rest)) = path.split_first() else {
            if v.is_null() {
                return Ok(0);
            }
            self.check_value(v)?;
            return Ok(1);
        };
        match (seg, v) {
            (_, Value::Null) => Ok(0),
            (Seg::Key(k), Value::Object(m)) => match m.get(&**k) {
                Some(x) => self.visit(x, rest),
                None => Ok(0),
            },
            (Seg::Key(k), Value::Array(a)) => match array_index(k) {
                Some(i) => match a.get(i) {
                    Some(x) => self.visit(x, rest),
                    None => Ok(0),
                },
                None => Err(Violation::Shape),
            },
            (Seg::Any, Value::Array(a)) => {
                let mut n = 0;
                for x in a {
                    n += self.visit(x, rest)?;
                }
                Ok(n)
            }
            (Seg::Any, Value::Object(m)) => {
                let mut n = 0;
                for x in m.values() {
                    n += self.visit(x, rest)?;
                }
                Ok(n)
            }
            _ => Err(Violation::Shape),
        }
    }

    fn check_value(&self, v: &Value) -> Result<(), Violation> {
        if let Some(limit) = self.max_len {
            let Value::String(s) = v else {
                return Err(Violation::NotString);
            };
            // bytes bound characters: count only when the bytes are over
            if s.len() > limit && s.chars().count() > limit {
                return Err(Violation::TooLong(limit));
            }
        }
        if self.min.is_some() || self.max.is_some() {
            let Some(x) = v.as_f64() else {
                return Err(Violation::NotNumber);
            };
            if self.min.is_some_and(|lo| x < lo) || self.max.is_some_and(|hi| x > hi) {
                return Err(Violation::OutOfRange(self.min, self.max));
            }
        }
        if self.has_list && !self.allowed(v) {
            let string_rules =
                !self.prefix.is_empty() || !self.suffix.is_empty() || self.pattern.is_some();
            if self.one_of.is_empty() && string_rules && !v.is_string() {
                return Err(Violation::NotString);
            }
            return Err(Violation::NotAllowed);
        }
        Ok(())
    }

    fn allowed(&self, v: &Value) -> bool {
        if self.one_of.iter().any(|o| self.same(o, v)) {
            return true;
        }
        let Value::String(s) = v else {
            return false;
        };
        let s = s.as_bytes();
        self.prefix
            .iter()
            .any(|p| s.get(..p.len()).is_some_and(|h| self.eq(h, p.as_bytes())))
            || self.suffix.iter().any(|p| {
                s.len()
                    .checked_sub(p.len())
                    .and_then(|at| s.get(at..))
                    .is_some_and(|t| self.eq(t, p.as_bytes()))
            })
            || self
                .pattern
                .as_ref()
                .is_some_and(|re| std::str::from_utf8(s).is_ok_and(|s| re.is_match(s)))
    }

    fn eq(&self, a: &[u8], b: &[u8]) -> bool {
        if self.ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    fn same(&self, allowed: &Value, v: &Value) -> bool {
        match (allowed, v) {
            (Value::String(a), Value::String(b)) => self.eq(a.as_bytes(), b.as_bytes()),
            (Value::Number(a), Value::Number(b)) => {
                a == b || matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
            }
            _ => allowed == v,
        }
    }
}

/// An RFC 6901 array index: `0`, or digits without a leading zero.
fn array_index(k: &str) -> Option<usize> {
    if k.is_empty() || (k.len() > 1 && k.starts_with('0')) || !k.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    k.parse().ok()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(c: Constraint, v: Value) -> Result<(), Violation> {
        c.compile().unwrap().check(&v)
    }

    #[test]
    fn pointers_parse_with_escapes_and_wildcards() {
        assert_eq!(parse_pointer("").unwrap().len(), 0);
        assert_eq!(
            &*parse_pointer("/a~1b/*/c~0").unwrap(),
            &[Seg::Key("a/b".into()), Seg::Any, Seg::Key("c~".into())]
        );
        assert!(parse_pointer("to").is_err());
        assert!(parse_pointer("/a~2").is_err());
        assert!(parse_pointer("/a~").is_err());
    }

    #[test]
    fn build_errors_say_what_is_wrong() {
        let cases = [
            (Constraint::at("/to"), "has no rule"),
            (Constraint::at("/to").suffix(""), "empty prefix or suffix"),
            (Constraint::at("/n").range(5.0, 1.0), "above `max`"),
            (Constraint::at("/n").min(f64::NAN), "finite"),
            (Constraint::at("/s").pattern("("), "bad `pattern`"),
            (Constraint::at("s").required(), "not a JSON pointer"),
        ];
        for (c, msg) in cases {
            let e = c.compile().unwrap_err();
            assert!(e.contains(msg), "{e}");
        }
    }

    #[test]
    fn allow_list_is_a_union_of_exact_prefix_suffix_and_pattern() {
        let c = || {
            Constraint::at("/to")
                .suffix("@ourcompany.com")
                .prefix("ops-")
                .one_of(["orders@partner.example"])
                .pattern(r"[a-z]+@lab\.example")
        };
        for ok in [
            "ann@ourcompany.com",
            "ops-pager",
            "orders@partner.example",
            "bob@lab.example",
        ] {
            assert_eq!(check(c(), json!({ "to": ok })), Ok(()), "{ok}");
        }
        for bad in [
            "ann@ourcompany.com.evil.example",
            "Ann@OurCompany.com",
            "orders@partner.example ",
            "xbob@lab.example.org",
            "",
        ] {
            assert_eq!(
                check(c(), json!({ "to": bad })),
                Err(Violation::NotAllowed),
                "{bad}"
            );
        }
        // case folding on request
        assert_eq!(
            check(c().ignore_case(), json!({ "to": "Ann@OurCompany.COM" })),
            Ok(())
        );
        assert_eq!(
            check(c().ignore_case(), json!({ "to": "BOB@LAB.example" })),
            Ok(())
        );
        // another type does not slip through
        assert_eq!(check(c(), json!({ "to": 7 })), Err(Violation::NotAllowed));
        assert_eq!(
            check(
                Constraint::at("/to").suffix("@x.com"),
                json!({ "to": ["a@x.com"] })
            ),
            Err(Violation::NotString)
        );
    }

    #[test]
    fn wildcards_check_every_item_and_shapes_fail_closed() {
        let c = || Constraint::at("/to/*").suffix("@ourcompany.com");
        assert_eq!(
            check(
                c(),
                json!({ "to": ["a@ourcompany.com", "b@ourcompany.com"] })
            ),
            Ok(())
        );
        assert_eq!(
            check(c(), json!({ "to": ["a@ourcompany.com", "b@evil.example"] })),
            Err(Violation::NotAllowed)
        );
        // a scalar where the pointer goes on
        assert_eq!(
            check(c(), json!({ "to": "b@evil.example" })),
            Err(Violation::Shape)
        );
        assert_eq!(
            check(Constraint::at("/a/b").one_of([1]), json!({ "a": "x" })),
            Err(Violation::Shape)
        );
        // objects' values too, and array indices
        assert_eq!(
            check(c(), json!({ "to": { "x": "b@evil.example" } })),
            Err(Violation::NotAllowed)
        );
        let first = Constraint::at("/to/0").one_of(["a"]);
        assert_eq!(check(first.clone(), json!({ "to": ["a", "b"] })), Ok(()));
        assert_eq!(
            check(first.clone(), json!({ "to": ["b", "a"] })),
            Err(Violation::NotAllowed)
        );
        assert_eq!(
            check(
                Constraint::at("/to/01").one_of(["a"]),
                json!({ "to": ["a"] })
            ),
            Err(Violation::Shape)
        );
    }

    #[test]
    fn absent_and_null_pass_unless_required() {
        let c = Constraint::at("/cc").suffix("@ourcompany.com");
        assert_eq!(check(c.clone(), json!({})), Ok(()));
        assert_eq!(check(c.clone(), json!({ "cc": null })), Ok(()));
        assert_eq!(
            check(c.clone().required(), json!({})),
            Err(Violation::Missing)
        );
        assert_eq!(
            check(c.required(), json!({ "cc": null })),
            Err(Violation::Missing)
        );
        assert_eq!(
            check(
                Constraint::at("/to/*").required().max_len(3),
                json!({ "to": [] })
            ),
            Err(Violation::Missing)
        );
    }

    #[test]
    fn ranges_and_lengths() {
        let amount = || Constraint::at("/amount").range(0.0, 500.0);
        assert_eq!(check(amount(), json!({ "amount": 500 })), Ok(()));
        assert_eq!(check(amount(), json!({ "amount": 0.5 })), Ok(()));
        assert_eq!(
            check(amount(), json!({ "amount": 500.01 })),
            Err(Violation::OutOfRange(Some(0.0), Some(500.0)))
        );
        assert_eq!(
            check(amount(), json!({ "amount": -1 })),
            Err(Violation::OutOfRange(Some(0.0), Some(500.0)))
        );
        assert_eq!(
            check(amount(), json!({ "amount": "5" })),
            Err(Violation::NotNumber)
        );
        let len = || Constraint::at("/s").max_len(3);
        assert_eq!(check(len(), json!({ "s": "äöü" })), Ok(()));
        assert_eq!(
            check(len(), json!({ "s": "äöüx" })),
            Err(Violation::TooLong(3))
        );
        assert_eq!(check(len(), json!({ "s": 1 })), Err(Violation::NotString));
        // numbers compare by value
        let n = Constraint::at("/n").one_of([1]);
        assert_eq!(check(n.clone(), json!({ "n": 1.0 })), Ok(()));
        assert_eq!(check(n, json!({ "n": 2 })), Err(Violation::NotAllowed));
    }

    #[test]
    fn violations_read_as_rules() {
        assert_eq!(
            Violation::OutOfRange(Some(0.0), Some(500.0)).to_string(),
            "is outside the allowed range [0, 500]"
        );
        assert_eq!(
            Violation::OutOfRange(None, Some(2.5)).to_string(),
            "is outside the allowed range (at most 2.5)"
        );
        assert_eq!(
            Violation::TooLong(5).to_string(),
            "is longer than 5 characters"
        );
    }
}
