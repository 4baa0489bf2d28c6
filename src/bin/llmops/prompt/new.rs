//! `llmops prompt new | edit`: write the next immutable version `DIR/NAME/<n>.prompt`, with
//! `version`, `author`, `reason` and `created` set in its front matter. An existing version
//! file is never touched; a new version that does not load (the whole directory is validated)
//! is deleted again.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use clap::Args;
use llmops::prompts::{LATEST, PromptFile, PromptRegistry, Reference};
use llmops::{Error, Result};
use serde_json::json;

use super::{load, print_json, prompt_err};
use crate::{ERROR, OK};

/// Arguments of `llmops prompt new`.
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The prompt name (a new one, or one whose next version to create).
    name: String,
    /// The version to copy (`name`, `name@label`, `name/3`; default: NAME's latest version,
    /// or a minimal template for a new prompt).
    #[arg(long, value_name = "REF")]
    from: Option<String>,
    /// The author (default: $USER).
    #[arg(long)]
    who: Option<String>,
    /// Why this version exists (its `reason`).
    #[arg(long)]
    why: String,
    /// Open the copy in $VISUAL / $EDITOR before it is written.
    #[arg(long)]
    edit: bool,
}

/// Arguments of `llmops prompt edit`.
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// The prompt whose latest version to edit into the next one.
    name: String,
    /// The author (default: $USER).
    #[arg(long)]
    who: Option<String>,
    /// Why this version exists (its `reason`).
    #[arg(long)]
    why: String,
}

/// The body of a new prompt's first version.
const TEMPLATE: &str = "---
input:
  schema:
    question: string
---
{{role \"system\"}}
You are a helpful assistant.
{{role \"user\"}}
{{question}}
";

/// `llmops prompt new`.
pub(super) fn new(dir: &Path, a: NewArgs, json: bool) -> Result<u8> {
    let NewArgs {
        name,
        from,
        who: w,
        why: y,
        edit,
    } = a;
    create(dir, &name, from, w, y, edit, json)
}

/// `llmops prompt edit`: `new --from NAME@latest --edit`.
pub(super) fn edit(dir: &Path, a: EditArgs, json: bool) -> Result<u8> {
    let from = format!("{}@{LATEST}", a.name);
    create(dir, &a.name, Some(from), a.who, a.why, true, json)
}

fn create(
    dir: &Path,
    name: &str,
    from: Option<String>,
    who: Option<String>,
    why: String,
    edit: bool,
    json: bool,
) -> Result<u8> {
    let who = super::who(who)?;
    let why = super::why(why)?;
    check_name(name)?;
    if !dir.exists() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::config(format!("cannot create {}: {e}", dir.display())))?;
    }
    let reg = load(dir)?;
    let exists = reg.versions(name).is_ok();
    let from = match from {
        Some(f) => Some(f),
        None if exists => Some(format!("{name}@{LATEST}")),
        None => None,
    };
    let (source, from_label) = match &from {
        Some(r) => {
            let p = reg.resolve(r).map_err(prompt_err)?;
            let path = reg
                .dir()
                .join(&p.name)
                .join(format!("{}.prompt", p.version));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::config(format!("{}: {e}", path.display())))?;
            (text, Some(format!("{}/{}", p.name, p.version)))
        }
        None => (TEMPLATE.to_owned(), None),
    };
    let version = next_version(&reg, name)?;
    let created = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let stamp = |text: &str| set_metadata(text, version, &who, &why, &created);
    let mut text = stamp(&source);
    if edit {
        let edited = run_editor(name, version, &text)?;
        if edited == text {
            if json {
                print_json(&json!({"prompt": name, "created": null, "change": false}))?;
            } else {
                println!("no change: no version written");
            }
            return Ok(OK);
        }
        if let Err(e) = PromptFile::parse(name, &edited) {
            eprintln!("error: the edited prompt does not parse: {e}");
            eprintln!("nothing was written");
            return Ok(ERROR);
        }
        // the metadata is this command's, whatever the editor left in it
        text = stamp(&edited);
    }
    let new_folder = !dir.join(name).exists();
    let path = write_version(dir, name, version, &text)?;
    let reg = match PromptRegistry::load(dir) {
        Ok(reg) => reg,
        Err(e) => {
            if let Err(r) = std::fs::remove_file(&path) {
                eprintln!("warning: cannot remove {}: {r}", path.display());
            }
            if new_folder {
                let _ = std::fs::remove_dir(dir.join(name));
            }
            return Err(Error::config(format!(
                "the new version {name}/{version} does not load, so it was not kept: {e}"
            )));
        }
    };
    let p = reg
        .resolve(&format!("{name}/{version}"))
        .map_err(prompt_err)?;
    if json {
        print_json(&json!({
            "prompt": name,
            "version": version,
            "hash": p.hash,
            "file": path,
            "from": from_label,
            "author": who,
            "reason": why,
            "created": created,
        }))?;
    } else {
        println!(
            "created {name}/{version} ({}){}",
            path.display(),
            from_label.map(|f| format!(" from {f}")).unwrap_or_default()
        );
    }
    Ok(OK)
}

/// A prompt name must be a plain word (what `Reference::parse` accepts as a name).
fn check_name(name: &str) -> Result<()> {
    match Reference::parse(name).map_err(prompt_err)? {
        Reference::Label { name: n, .. } if n == name && !name.starts_with('.') => Ok(()),
        _ => Err(Error::invalid(format!(
            "`{name}` is not a prompt name (no `@`, `/`, whitespace or leading `.`)"
        ))),
    }
}

/// One more than the highest version of `name` on disk or ever recorded in the lock, so a
/// deleted version's number is never reused.
fn next_version(reg: &PromptRegistry, name: &str) -> Result<u32> {
    let on_disk = reg
        .versions(name)
        .ok()
        .and_then(|v| v.last().copied())
        .unwrap_or(0);
    let lock = reg.dir().join(".llmops").join("versions.lock");
    let locked = std::fs::read_to_string(&lock)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|key| key.rsplit_once('/'))
        .filter(|(n, _)| *n == name)
        .filter_map(|(_, v)| v.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    on_disk
        .max(locked)
        .checked_add(1)
        .ok_or_else(|| Error::invalid(format!("prompt `{name}` has no version number left")))
}

/// Writes `DIR/NAME/<version>.prompt`, refusing to overwrite anything.
fn write_version(dir: &Path, name: &str, version: u32, text: &str) -> Result<PathBuf> {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::config(format!("cannot create {}: {e}", folder.display())))?;
    let path = folder.join(format!("{version}.prompt"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Error::config(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::config(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// The front-matter keys this command owns.
const OWNED: [&str; 4] = ["version", "author", "reason", "created"];

/// `text` with `version`, `author`, `reason` and `created` (re)written at the end of its
/// front matter (which is added when the file has none). Other keys, their order and
/// comments are kept; the values are JSON strings, which YAML reads as they are.
fn set_metadata(text: &str, version: u32, author: &str, reason: &str, created: &str) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
    let owned = format!(
        "version: {version}\nauthor: {}\nreason: {}\ncreated: {}\n",
        quote(author),
        quote(reason),
        quote(created)
    );
    let (bom, rest) = match text.strip_prefix('\u{feff}') {
        Some(r) => ("\u{feff}", r),
        None => ("", text),
    };
    let lines: Vec<&str> = rest.split_inclusive('\n').collect();
    let is_fence = |l: &&str| l.trim_end() == "---";
    let close = match lines.first() {
        Some(first) if is_fence(first) => lines.iter().skip(1).position(is_fence).map(|i| i + 1),
        _ => None,
    };
    let Some(close) = close else {
        return format!("{bom}---\n{owned}---\n{rest}");
    };
    let mut out = String::from(bom);
    out.push_str("---\n");
    let mut skipping = false;
    for line in lines.iter().take(close).skip(1) {
        let top_level = !line.starts_with([' ', '\t', '-']) && !line.trim().is_empty();
        if top_level {
            skipping = OWNED.iter().any(|k| {
                line.strip_prefix(k)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            });
        }
        if !skipping {
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out.push_str(&owned);
    for line in lines.iter().skip(close) {
        out.push_str(line);
    }
    out
}

/// Opens `text` (as a temporary file `llmops-<pid>-NAME-<version>.prompt`) in `$VISUAL` /
/// `$EDITOR` and returns what the editor saved; an editor that fails is an error.
fn run_editor(name: &str, version: u32, text: &str) -> Result<String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .ok_or_else(|| Error::config("set $VISUAL or $EDITOR to edit a prompt"))?;
    let tmp = std::env::temp_dir().join(format!(
        "llmops-{}-{name}-{version}.prompt",
        std::process::id()
    ));
    std::fs::write(&tmp, text)
        .map_err(|e| Error::config(format!("cannot write {}: {e}", tmp.display())))?;
    // like git: the editor is a shell command, the file its last argument
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(&tmp)
        .status();
    let result = match status {
        Ok(s) if s.success() => std::fs::read_to_string(&tmp)
            .map_err(|e| Error::config(format!("cannot read {}: {e}", tmp.display()))),
        Ok(s) => Err(Error::config(format!(
            "the editor `{editor}` failed ({s}); nothing was written"
        ))),
        Err(e) => Err(Error::config(format!(
            "cannot run the editor `{editor}`: {e}"
        ))),
    };
    let _ = std::fs::remove_file(&tmp);
    result
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn metadata_replaces_owned_keys_and_keeps_the_rest() {
        let text = "---\nmodel: m\nversion: 2\nreason: |\n  old\n  lines\nconfig:\n  t: 1\nauthor: x\n---\nHello {{who}}\n";
        let out = set_metadata(text, 3, "ada", "new \"why\"", "2025-01-01T00:00:00Z");
        assert_eq!(
            out,
            "---\nmodel: m\nconfig:\n  t: 1\nversion: 3\nauthor: \"ada\"\nreason: \"new \\\"why\\\"\"\ncreated: \"2025-01-01T00:00:00Z\"\n---\nHello {{who}}\n"
        );
        let f = PromptFile::parse("p", &out).unwrap();
        assert_eq!(f.version, 3);
        assert_eq!(f.reason.as_deref(), Some("new \"why\""));
        assert_eq!(f.config["t"], 1);
    }

    #[test]
    fn metadata_adds_front_matter_when_missing() {
        let out = set_metadata("Hi {{who}}", 1, "a", "b", "2025-01-01T00:00:00Z");
        assert!(out.starts_with("---\nversion: 1\n"), "{out}");
        assert!(out.ends_with("---\nHi {{who}}"), "{out}");
        assert_eq!(
            PromptFile::parse("p", &out).unwrap().author.as_deref(),
            Some("a")
        );
    }
}
