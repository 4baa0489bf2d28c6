//! The `similar` assertion on the RAG layer's real local model: all-MiniLM-L6-v2 (int8 ONNX)
//! on ONNX Runtime, as in `tests/rag_fastembed.rs` (same variables, set by `.ci/run`
//! start_onnx: `LLMOPS_TEST_ORT_DYLIB`, `LLMOPS_TEST_EMBED_ONNX`,
//! `LLMOPS_TEST_EMBED_TOKENIZER_DIR`; unset, every test skips loudly; set but broken, they
//! fail). Paraphrases of help-centre answers must pass at the threshold documented in
//! `docs/eval-similarity.md` for this model, unrelated answers must fail.
//!
//! A process loads ONNX Runtime once, so this is its own test binary.
#![cfg(all(feature = "fastembed", feature = "eval"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "common/minilm.rs"]
mod minilm;

use std::sync::{Arc, OnceLock};

use llmops::eval::{AssertionSpec, BuildContext, Registry};
use llmops::rag::{LocalEmbedder, ModelFiles, RuntimeOptions};
use llmops::{EvalCase, EvalOutput, Score};

/// The `similar` threshold docs/eval-similarity.md recommends for all-MiniLM-L6-v2: measured
/// here, paraphrases score 0.64 to 0.89 and unrelated answers at most 0.23, so 0.5 leaves a
/// margin on both sides (promptfoo's default, 0.75, would fail two of the six paraphrases).
const MINILM_THRESHOLD: f64 = 0.5;

/// (reference answer, paraphrase, unrelated answer), from examples/data/helpcentre.
const TRIPLES: &[(&str, &str, &str)] = &[
    (
        "To reset your password, click Forgot password? on the sign-in page and follow the link we email you.",
        "Use the Forgot password? link on the login page; we'll send you an email with a reset link.",
        "Refunds go back to the original payment method within 5 to 10 business days.",
    ),
    (
        "Refunds are issued to the original payment method within 5 to 10 business days.",
        "You'll get your money back on the card you paid with, usually within one to two weeks.",
        "Turn on two-factor authentication under Settings, then Security.",
    ),
    (
        "After 5 failed sign-in attempts your account is locked for 15 minutes.",
        "If you enter the wrong password five times in a row, you're locked out for a quarter of an hour.",
        "You can export all workspace data as a ZIP file from the admin console.",
    ),
    (
        "Enable two-factor authentication in Settings > Security and scan the QR code with an authenticator app.",
        "Go to Settings, open Security and turn on 2FA by scanning the QR code with your authenticator app.",
        "Public links can be shared with anyone, even people without an account.",
    ),
    (
        "Deleted notes stay in the trash for 30 days, and you can restore them from there.",
        "You can recover a deleted note from the trash for up to 30 days after deleting it.",
        "Our API allows 100 requests per minute per token.",
    ),
    (
        "You can change your plan at any time from Billing; upgrades take effect immediately.",
        "Switch plans whenever you like under Billing, and an upgrade applies right away.",
        "The mobile app syncs your notes when you're back online.",
    ),
];

fn setup() -> Option<(RuntimeOptions, ModelFiles)> {
    minilm::minilm("ONNX Runtime with all-MiniLM-L6-v2 (similar assertion)")
}

/// The embedder shared by every test (loading takes a few hundred ms).
fn embedder(runtime: RuntimeOptions, files: ModelFiles) -> Arc<LocalEmbedder> {
    static E: OnceLock<Arc<LocalEmbedder>> = OnceLock::new();
    E.get_or_init(|| {
        Arc::new(
            LocalEmbedder::builder(files, runtime)
                .with_name("all-MiniLM-L6-v2-int8")
                .build()
                .unwrap(),
        )
    })
    .clone()
}

fn registry() -> Option<Registry> {
    let (runtime, files) = setup()?;
    Some(Registry::builtin(
        BuildContext::new().embedder(embedder(runtime, files)),
    ))
}

async fn similar(
    reg: &Registry,
    spec: AssertionSpec,
    reference: Option<&str>,
    output: &str,
) -> Score {
    let mut case = EvalCase::default();
    case.id = "helpcentre".into();
    case.expected = reference.map(str::to_owned);
    reg.compile(&spec)
        .unwrap()
        .evaluate(&case, &EvalOutput::text(output))
        .await
        .unwrap()
}

#[tokio::test]
async fn backend_similar_passes_paraphrases_and_fails_unrelated_answers() {
    let Some(reg) = registry() else { return };
    let (mut para_min, mut unrel_max) = (f64::INFINITY, f64::NEG_INFINITY);
    for (reference, paraphrase, unrelated) in TRIPLES {
        let spec = AssertionSpec::new("similar", *reference).threshold(MINILM_THRESHOLD);
        let p = similar(&reg, spec.clone(), None, paraphrase).await;
        let u = similar(&reg, spec, None, unrelated).await;
        eprintln!(
            "similar: paraphrase {:.3}  unrelated {:.3}  ({reference:.40}...) [{}]",
            p.value, u.value, u.reason
        );
        assert!(
            p.pass,
            "paraphrase fails at {MINILM_THRESHOLD}: {p:?}\n  {reference}\n  {paraphrase}"
        );
        assert!(
            !u.pass,
            "unrelated passes at {MINILM_THRESHOLD}: {u:?}\n  {reference}\n  {unrelated}"
        );
        para_min = para_min.min(p.value);
        unrel_max = unrel_max.max(u.value);
    }
    eprintln!(
        "similar on all-MiniLM-L6-v2: lowest paraphrase {para_min:.3}, highest unrelated {unrel_max:.3}"
    );
    // the documented threshold sits in a real gap, not on its edge
    assert!(para_min - MINILM_THRESHOLD > 0.1, "{para_min}");
    assert!(MINILM_THRESHOLD - unrel_max > 0.2, "{unrel_max}");
}

/// Embeddings measure topic and wording, not facts: an answer on the right topic with a wrong
/// figure scores like a paraphrase (docs/eval-similarity.md says to pair `similar` with
/// `contains`/`llm-rubric` for facts).
#[tokio::test]
async fn backend_similar_does_not_check_facts() {
    let Some(reg) = registry() else { return };
    let wrong = [
        (
            "The reset link is valid for 60 minutes and can be used once.",
            "The reset link is valid for 24 hours and can be used several times.",
        ),
        (
            "After 5 failed sign-in attempts your account is locked for 15 minutes.",
            "After 3 failed sign-in attempts your account is locked for a full day.",
        ),
        (
            "Deleted notes stay in the trash for 30 days.",
            "Deleted notes stay in the trash for 7 days.",
        ),
    ];
    for (reference, answer) in wrong {
        let s = similar(
            &reg,
            AssertionSpec::new("similar", reference).threshold(MINILM_THRESHOLD),
            None,
            answer,
        )
        .await;
        eprintln!("similar: wrong figure {:.3}  ({reference:.40}...)", s.value);
        assert!(s.pass, "{s:?}");
    }
}

#[tokio::test]
async fn backend_not_similar_and_the_cases_expected_output() {
    let Some(reg) = registry() else { return };
    let (reference, paraphrase, unrelated) = TRIPLES[0];
    // no value: the case's expected output is the reference
    let spec = AssertionSpec::of("similar").threshold(MINILM_THRESHOLD);
    assert!(
        similar(&reg, spec.clone(), Some(reference), paraphrase)
            .await
            .pass
    );
    assert!(!similar(&reg, spec, Some(reference), unrelated).await.pass);
    // negated: the unrelated answer passes, the paraphrase fails
    let spec = AssertionSpec::new("not-similar", reference).threshold(MINILM_THRESHOLD);
    assert!(similar(&reg, spec.clone(), None, unrelated).await.pass);
    assert!(!similar(&reg, spec, None, paraphrase).await.pass);
    // an identical answer scores ~1 at promptfoo's default threshold
    let s = similar(
        &reg,
        AssertionSpec::new("similar", reference),
        None,
        reference,
    )
    .await;
    assert!(s.pass && s.value > 0.999, "{s:?}");
}
