//! The quickstart: one request through the llmops pipeline.
//!
//! ```sh
//! cargo run --example quickstart                      # offline, scripted provider
//! OPENAI_API_KEY=sk-... cargo run --example quickstart   # a real OpenAI(-compatible) server
//! OPENAI_BASE_URL=http://127.0.0.1:8000/v1 LLMOPS_MODEL=openai/my-model cargo run --example quickstart
//! ANTHROPIC_API_KEY=sk-ant-... cargo run --example quickstart
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use llmops::{
    Anthropic, ChatRequest, ChatResponse, Client, ExchangeRecord, MemoryObserver, OpenAi,
    ScriptedProvider, Stage, StreamEvent, Usage, from_fn,
};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // one line, never a Debug dump (errors carry no key)
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let records = MemoryObserver::new();
    let builder = Client::builder()
        .observer(records.clone())
        // a user middleware in a named slot: runs once per provider attempt
        .layer_at(
            Stage::BeforeProvider,
            from_fn(|req, cx, next| {
                Box::pin(async move {
                    eprintln!("[middleware] attempt {} → {}", cx.attempt() + 1, req.model);
                    next.run(req, cx).await
                })
            }),
        );

    let real = std::env::var("OPENAI_API_KEY").is_ok() || std::env::var("OPENAI_BASE_URL").is_ok();
    let (builder, model) = if real {
        let model = std::env::var("LLMOPS_MODEL").unwrap_or_else(|_| "openai/gpt-4.1-mini".into());
        (builder.provider(OpenAi::from_env()?), model)
    } else if std::env::var("ANTHROPIC_API_KEY").is_ok() {
        let model =
            std::env::var("LLMOPS_MODEL").unwrap_or_else(|_| "anthropic/claude-haiku-4-5".into());
        (builder.provider(Anthropic::from_env()?), model)
    } else {
        eprintln!(
            "No OPENAI_API_KEY / OPENAI_BASE_URL / ANTHROPIC_API_KEY: using the scripted provider (offline)."
        );
        let scripted = ScriptedProvider::new()
            .reply_with(ChatResponse::new("Rust's ownership model frees memory deterministically, without a garbage collector.").with_usage(Usage::new(24, 13)))
            .reply("Streaming works the same way: one exchange, one record.")
            .chunks(8)
            .chunk_delay(Duration::from_millis(40));
        (builder.provider(scripted), "scripted/demo".to_owned())
    };
    let client = builder.build()?;

    // 1. a full reply
    let req = ChatRequest::new(&model)
        .system("You answer in one sentence.")
        .user("Why does Rust not need a garbage collector?")
        .max_tokens(120)
        .tenant("acme")
        .feature("quickstart");
    let reply = client.chat(req).await?;
    println!("\n{}\n", reply.text());
    let m = &reply.meta;
    println!(
        "provider={} model={} attempts={} latency={:?} usage={}in/{}out scripted={}",
        m.provider,
        m.model_answered.as_deref().unwrap_or("?"),
        m.attempts,
        m.latency,
        reply.usage.input_tokens,
        reply.usage.output_tokens,
        m.scripted
    );

    // 2. a streamed reply
    let mut stream = client
        .chat_stream(
            ChatRequest::new(&model)
                .user("Say something about streaming.")
                .tenant("acme"),
        )
        .await?;
    print!("\n> ");
    while let Some(ev) = stream.next().await {
        if let StreamEvent::Delta { text } = ev? {
            print!("{text}");
            std::io::stdout().flush()?;
        }
    }
    println!("\n");
    drop(stream);

    // 3. the records: exactly one per exchange
    client.flush().await?;
    let recs: Vec<ExchangeRecord> = records.records();
    println!("{} exchange records (one per exchange).", recs.len());
    if let Some(first) = recs.first() {
        println!(
            "The first, as the request log will write it:\n{}",
            serde_json::to_string_pretty(first)?
        );
    }
    Ok(())
}
