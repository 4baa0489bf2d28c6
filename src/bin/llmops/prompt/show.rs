//! `llmops prompt list | show | render | history`: reading the prompt directory.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use llmops::prompts::{
    FieldType, InputSchema, LATEST, LabelTarget, ObjectSchema, PromptFile, PromptRegistry,
    ResolvedPrompt,
};
use llmops::{ContentPart, Error, Message, Result};
use serde_json::{Map, Value, json};

use super::{print_json, prompt_err};
use crate::OK;

/// `llmops prompt list`.
pub(super) fn list(reg: &PromptRegistry, json: bool) -> Result<u8> {
    let mut rows = Vec::new();
    for name in reg.names() {
        let versions = reg.versions(name).map_err(prompt_err)?;
        let labels = reg.labels(name).map_err(prompt_err)?;
        let latest = reg
            .resolve(&format!("{name}@{LATEST}"))
            .map_err(prompt_err)?
            .version;
        rows.push((name, versions, labels, latest));
    }
    if json {
        let items: Vec<Value> = rows
            .iter()
            .map(|(name, versions, labels, latest)| {
                json!({"name": name, "versions": versions, "labels": labels, "latest": latest})
            })
            .collect();
        print_json(&Value::Array(items))?;
        return Ok(OK);
    }
    if rows.is_empty() {
        println!("no prompts in {}", reg.dir().display());
        return Ok(OK);
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(4).max(4);
    println!(
        "{:<width$}  {:<12}  {:>6}  labels",
        "name", "versions", "latest"
    );
    for (name, versions, labels, latest) in &rows {
        println!(
            "{name:<width$}  {:<12}  {latest:>6}  {}",
            version_list(versions),
            label_list(labels)
        );
    }
    Ok(OK)
}

/// `1, 2, 3` or `1..12` when the versions are contiguous and many.
fn version_list(versions: &[u32]) -> String {
    match (versions.first(), versions.last()) {
        (Some(first), Some(last))
            if versions.len() > 3 && (*last - *first) as usize + 1 == versions.len() =>
        {
            format!("{first}..{last}")
        }
        _ => versions
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn label_list(labels: &BTreeMap<String, LabelTarget>) -> String {
    if labels.is_empty() {
        return "-".to_owned();
    }
    labels
        .iter()
        .map(|(l, v)| format!("{l}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Arguments of `llmops prompt show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// `name` (its production label), `name@label` or `name/3`.
    reference: String,
}

/// `llmops prompt show`.
pub(super) fn show(reg: &PromptRegistry, a: ShowArgs, json: bool) -> Result<u8> {
    let p = reg.resolve(&a.reference).map_err(prompt_err)?;
    // a label that splits traffic: `show` prints its stable arm and the whole split
    let target = match &p.label {
        Some(l) => Some(reg.label_target(&p.name, l).map_err(prompt_err)?),
        None => None,
    };
    if json {
        let mut v = version_json(&p);
        if let (Some(t), Value::Object(map)) = (&target, &mut v) {
            map.insert("label_target".into(), serde_json::to_value(t)?);
        }
        print_json(&v)?;
        return Ok(OK);
    }
    let f = &p.file;
    let label = match (&p.label, &target) {
        (Some(l), Some(t @ LabelTarget::Split { .. })) => format!("  (label {l}: {t})"),
        (Some(l), _) => format!("  (label {l})"),
        (None, _) => String::new(),
    };
    println!("{}/{}{label}", p.name, p.version);
    let field = |k: &str, v: String| println!("{k:<9}{v}");
    field("hash", p.hash.clone());
    field("model", f.model.clone().unwrap_or_else(|| "-".to_owned()));
    field("author", f.author.clone().unwrap_or_else(|| "-".to_owned()));
    field("reason", f.reason.clone().unwrap_or_else(|| "-".to_owned()));
    field("created", f.created.map_or_else(|| "-".to_owned(), rfc3339));
    field("format", f.format.as_str().to_owned());
    field("config", compact(&Value::Object(f.config.clone())));
    field("input", compact(&input_json(&f.input)));
    field("tools", compact(&Value::Array(f.tools.clone())));
    for m in &f.messages {
        println!();
        println!("[{}]", m.role().as_str());
        println!("{}", m.source());
    }
    Ok(OK)
}

/// RFC 3339 in UTC with `Z`, as the history file and `prompt new` write it.
pub(super) fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// One version as JSON: identity, metadata, parameters and templates.
pub(super) fn version_json(p: &ResolvedPrompt) -> Value {
    let f = &p.file;
    let messages: Vec<Value> = f
        .messages
        .iter()
        .map(|m| json!({"role": m.role().as_str(), "template": m.source()}))
        .collect();
    json!({
        "name": p.name,
        "version": p.version,
        "hash": p.hash,
        "label": p.label,
        "model": f.model,
        "config": f.config,
        "input": input_json(&f.input),
        "tools": f.tools,
        "template_format": f.format.as_str(),
        "author": f.author,
        "reason": f.reason,
        "created": f.created.map(rfc3339),
        "messages": messages,
    })
}

/// The parameters a diff compares: model, config, input schema, tools, template format.
pub(super) fn params_json(f: &PromptFile) -> Value {
    json!({
        "model": f.model,
        "config": f.config,
        "input": input_json(&f.input),
        "tools": f.tools,
        "template_format": f.format.as_str(),
    })
}

/// The input schema back in Picoschema shape (`{"schema": {...}, "default": {...}}`).
pub(super) fn input_json(input: &InputSchema) -> Value {
    let mut out = Map::new();
    if let Some(schema) = &input.schema {
        out.insert("schema".into(), object_json(schema));
    }
    if !input.defaults.is_empty() {
        let defaults: Map<String, Value> = input
            .defaults
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.insert("default".into(), Value::Object(defaults));
    }
    Value::Object(out)
}

fn object_json(obj: &ObjectSchema) -> Value {
    let mut out = Map::new();
    for (name, field) in &obj.fields {
        let optional = if field.required { "" } else { "?" };
        let (suffix, value) = type_json(&field.ty);
        let value = match (&field.description, value) {
            (Some(d), Value::String(t)) => Value::String(format!("{t}, {d}")),
            (_, v) => v,
        };
        out.insert(format!("{name}{optional}{suffix}"), value);
    }
    if let Some(w) = &obj.wildcard {
        out.insert("(*)".into(), type_json(w).1);
    }
    Value::Object(out)
}

/// The key suffix (`(array)` ...) and the value of a Picoschema type.
fn type_json(ty: &FieldType) -> (&'static str, Value) {
    match ty {
        FieldType::Array(inner) => ("(array)", type_json(inner).1),
        FieldType::Object(obj) => ("(object)", object_json(obj)),
        FieldType::Enum(values) => ("(enum)", Value::Array(values.clone())),
        other => ("", Value::String(other.name().to_owned())),
    }
}

/// Arguments of `llmops prompt render`.
#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// `name` (its production label), `name@label` or `name/3`.
    reference: String,
    /// A variable as a string, `NAME=VALUE`; repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// A variable as JSON, `NAME=JSON` (`items=[1,2]`); repeatable.
    #[arg(long = "var-json", value_name = "NAME=JSON")]
    json_vars: Vec<String>,
    /// A JSON object of variables; `--var` and `--var-json` override its keys.
    #[arg(long = "vars", value_name = "FILE.json")]
    vars_file: Option<PathBuf>,
}

/// The variables of `render` (and `compare`): file, then `--var`, then `--var-json`.
fn variables(a: &RenderArgs) -> Result<BTreeMap<String, Value>> {
    let mut vars = BTreeMap::new();
    if let Some(path) = &a.vars_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::invalid(format!("--vars {}: {e}", path.display())))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| Error::invalid(format!("--vars {}: {e}", path.display())))?;
        let Value::Object(map) = value else {
            return Err(Error::invalid(format!(
                "--vars {}: expected a JSON object of variables",
                path.display()
            )));
        };
        vars.extend(map);
    }
    let split = |flag: &str, s: &str| -> Result<(String, String)> {
        match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
            _ => Err(Error::invalid(format!("{flag} `{s}`: expected NAME=VALUE"))),
        }
    };
    for s in &a.vars {
        let (k, v) = split("--var", s)?;
        vars.insert(k, Value::String(v));
    }
    for s in &a.json_vars {
        let (k, v) = split("--var-json", s)?;
        let value = serde_json::from_str(&v)
            .map_err(|e| Error::invalid(format!("--var-json `{k}`: not JSON: {e}")))?;
        vars.insert(k, value);
    }
    Ok(vars)
}

fn text_of(m: &Message) -> String {
    m.content
        .iter()
        .filter_map(ContentPart::as_text)
        .collect::<Vec<_>>()
        .join("")
}

/// `llmops prompt render`.
pub(super) fn render(reg: &PromptRegistry, a: RenderArgs, json: bool) -> Result<u8> {
    let vars = variables(&a)?;
    let p = reg.resolve(&a.reference).map_err(prompt_err)?;
    let messages = p.render(&vars).map_err(prompt_err)?;
    if json {
        let ms: Vec<Value> = messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "text": text_of(m)}))
            .collect();
        print_json(&json!({
            "name": p.name,
            "version": p.version,
            "hash": p.hash,
            "label": p.label,
            "model": p.file.model,
            "config": p.file.config,
            "messages": ms,
        }))?;
        return Ok(OK);
    }
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("[{}]", m.role.as_str());
        println!("{}", text_of(m));
    }
    Ok(OK)
}

/// Arguments of `llmops prompt history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// The prompt name.
    name: String,
    /// Only the changes of this label.
    #[arg(long)]
    label: Option<String>,
}

/// `llmops prompt history`.
pub(super) fn history(reg: &PromptRegistry, a: HistoryArgs, json: bool) -> Result<u8> {
    // an unknown prompt is an error, not an empty history
    reg.versions(&a.name).map_err(prompt_err)?;
    let mut records = reg.history(&a.name).map_err(prompt_err)?;
    if let Some(l) = &a.label {
        records.retain(|r| &r.label == l);
    }
    if json {
        print_json(&serde_json::to_value(&records)?)?;
        return Ok(OK);
    }
    if records.is_empty() {
        println!("no label changes recorded for `{}`", a.name);
        return Ok(OK);
    }
    let v = |v: Option<&LabelTarget>| v.map_or_else(|| "-".to_owned(), ToString::to_string);
    for r in &records {
        println!(
            "{}  {}  {:<8}  {}  {} -> {}  {}{}",
            rfc3339(r.at),
            r.who,
            r.action.as_str(),
            r.label,
            v(r.from.as_ref()),
            v(r.to.as_ref()),
            r.why,
            // the figures behind an automatic change (the canary guard's revert)
            r.details
                .as_ref()
                .map(|d| format!("  {}", compact(d)))
                .unwrap_or_default()
        );
    }
    Ok(OK)
}
