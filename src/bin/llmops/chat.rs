//! `llmops chat`: one request from the command line, streamed to the terminal.

use std::io::{IsTerminal, Read, Write};

use clap::Args;
use futures_util::StreamExt;
use llmops::{
    Anthropic, ChatRequest, Client, Error, MemoryObserver, OpenAi, Result, ScriptedProvider,
    StreamEvent,
};

use crate::config::Config;

/// Arguments of `llmops chat`.
#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// The model: `provider/model`, a bare model name, an alias or a deployment id.
    #[arg(short, long)]
    model: Option<String>,
    /// A system prompt.
    #[arg(short, long)]
    system: Option<String>,
    /// Sampling temperature (0 to 2).
    #[arg(long)]
    temperature: Option<f32>,
    /// Maximum output tokens.
    #[arg(long)]
    max_tokens: Option<u32>,
    /// Wait for the whole reply instead of streaming it.
    #[arg(long)]
    no_stream: bool,
    /// Answer with the scripted provider (no network, no key): for trying the CLI.
    #[arg(long)]
    offline: bool,
    /// The message (read from standard input when absent).
    message: Vec<String>,
}

pub(crate) async fn run(args: ChatArgs, cfg: &Config, json: bool) -> Result<u8> {
    let message = if args.message.is_empty() {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            return Err(Error::invalid(
                "no message: pass it as an argument or on standard input",
            ));
        }
        let mut s = String::new();
        stdin.lock().read_to_string(&mut s)?;
        s.trim().to_owned()
    } else {
        args.message.join(" ")
    };
    if message.is_empty() {
        return Err(Error::invalid("the message is empty"));
    }
    let offline = args.offline
        || args
            .model
            .as_deref()
            .is_some_and(|m| m.starts_with("scripted/"));
    let records = MemoryObserver::new();
    let mut b = Client::builder().observer(records.clone());
    let mut default_model = cfg.default_model.clone();
    if offline {
        let echo: String = message.chars().take(200).collect();
        b = b.provider(
            ScriptedProvider::new()
                .repeat(format!(
                    "(scripted reply: no model was called) You said: {echo}"
                ))
                .chunks(6),
        );
        default_model = Some("scripted/offline".into());
    } else if cfg.has_providers() {
        b = cfg.apply(b)?;
    } else {
        let mut any = false;
        if std::env::var("OPENAI_API_KEY").is_ok() || std::env::var("OPENAI_BASE_URL").is_ok() {
            b = b.provider(OpenAi::from_env()?);
            default_model.get_or_insert_with(|| "openai/gpt-4.1-mini".into());
            any = true;
        }
        if std::env::var("ANTHROPIC_API_KEY").is_ok() {
            b = b.provider(Anthropic::from_env()?);
            default_model.get_or_insert_with(|| "anthropic/claude-haiku-4-5".into());
            any = true;
        }
        if !any {
            return Err(Error::config(
                "no provider configured: set OPENAI_API_KEY (or OPENAI_BASE_URL) or ANTHROPIC_API_KEY, write an llmops.toml, or pass --offline",
            ));
        }
    }
    // a configured request log records CLI exchanges too, so `llmops log show | replay` find them
    #[cfg(feature = "trace")]
    if let Some(path) = &cfg.log {
        let log = llmops::trace::RequestLog::open(llmops::trace::RequestLogOptions::new(path))
            .map_err(Error::from)?;
        b = b.observer(log);
    }
    let client = b.build()?;
    // offline, the scripted provider is the only one, so it serves any model name
    let model = args.model.or(default_model).ok_or_else(|| {
        Error::invalid("no model: pass --model or set default_model in llmops.toml")
    })?;
    let mut req = ChatRequest::new(model);
    if let Some(s) = args.system {
        req = req.system(s);
    }
    req = req.user(message);
    if let Some(t) = args.temperature {
        req = req.temperature(t);
    }
    if let Some(n) = args.max_tokens {
        req = req.max_tokens(n);
    }

    let text = if args.no_stream || json {
        let r = client.chat(req).await?;
        if !json {
            println!("{}", r.text());
        }
        r.text()
    } else {
        let mut s = client.chat_stream(req).await?;
        let mut out = std::io::stdout().lock();
        let mut text = String::new();
        while let Some(ev) = s.next().await {
            if let StreamEvent::Delta { text: t } = ev? {
                out.write_all(t.as_bytes())?;
                out.flush()?;
                text.push_str(&t);
            }
        }
        writeln!(out)?;
        text
    };
    client.flush().await?;
    let record = records.records().pop();
    if json {
        // a struct, not `json!`: a `Value` would widen f32 parameters (0.3 → 0.30000001192092896)
        #[derive(serde::Serialize)]
        struct Out<'a> {
            text: &'a str,
            usage: Option<llmops::Usage>,
            record: Option<&'a llmops::ExchangeRecord>,
        }
        let out = Out {
            text: &text,
            usage: record.as_ref().map(|r| r.usage),
            record: record.as_ref(),
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else if let Some(r) = record {
        eprintln!(
            "[{} {} · {} in / {} out tokens · {:.0} ms{}]",
            r.provider.as_deref().unwrap_or("?"),
            r.model_answered.as_deref().unwrap_or(&r.model_requested),
            r.usage.input_tokens,
            r.usage.output_tokens,
            r.latency.as_secs_f64() * 1000.0,
            if r.scripted { " · scripted" } else { "" }
        );
    }
    Ok(crate::OK)
}
