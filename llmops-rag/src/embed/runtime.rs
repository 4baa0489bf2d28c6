//! [`RuntimeOptions`]: where ONNX Runtime's shared library is, and loading it once per
//! process with a typed error instead of `ort`'s panic.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use ort::environment::Environment;

use crate::{RagError, Result};

/// The environment variable [`RuntimeOptions::from_env`] reads (the one `ort` itself knows).
pub const ORT_DYLIB_ENV: &str = "ORT_DYLIB_PATH";

const WHAT: &str = "ONNX Runtime";

/// How to get a suitable library, appended to every runtime error.
pub(crate) const INSTALL_RUNTIME: &str = "Install ONNX Runtime >= 1.24 from PyPI: \
`python3 -m venv V && V/bin/pip install onnxruntime==1.31.1`, then point ORT_DYLIB_PATH \
(or RuntimeOptions::new) at V/lib/python3.X/site-packages/onnxruntime/capi/libonnxruntime.so.1.31.1 \
(libonnxruntime.1.31.1.dylib on macOS)";

/// Where the ONNX Runtime shared library is, and how many threads it may use.
///
/// The library is loaded once per process, by the first embedder or reranker built; every
/// later one must name the same file (a process can hold one ONNX Runtime).
///
/// ```
/// use llmops_rag::RuntimeOptions;
/// let rt = RuntimeOptions::new("/opt/onnx/libonnxruntime.so.1.31.1").with_intra_threads(2);
/// assert_eq!(rt.intra_threads, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuntimeOptions {
    /// The shared library (`libonnxruntime.so.1.31.1`), version 1.24 or newer.
    pub dylib: PathBuf,
    /// Threads per inference (ONNX Runtime's intra-op threads); `None` uses every core.
    pub intra_threads: Option<usize>,
}

impl RuntimeOptions {
    /// The library at `dylib`, every core.
    pub fn new(dylib: impl Into<PathBuf>) -> Self {
        RuntimeOptions {
            dylib: dylib.into(),
            intra_threads: None,
        }
    }

    /// The library named by `ORT_DYLIB_PATH`; [`RagError::Runtime`] (with how to install one)
    /// when it is unset or empty.
    pub fn from_env() -> Result<Self> {
        match std::env::var_os(ORT_DYLIB_ENV) {
            Some(p) if !p.is_empty() => Ok(RuntimeOptions::new(p)),
            _ => Err(RagError::Runtime {
                what: WHAT.into(),
                path: PathBuf::from(format!("${ORT_DYLIB_ENV}")),
                message: format!("{ORT_DYLIB_ENV} is not set"),
                install: INSTALL_RUNTIME.into(),
            }),
        }
    }

    /// Caps the threads per inference at `threads` (at least 1).
    #[must_use]
    pub fn with_intra_threads(mut self, threads: usize) -> Self {
        self.intra_threads = Some(threads);
        self
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.intra_threads == Some(0) {
            return Err(RagError::invalid("intra_threads must be at least 1"));
        }
        Ok(())
    }
}

/// The runtime this process loaded: the path asked for, its canonical form, the environment.
struct Loaded {
    path: PathBuf,
    canonical: PathBuf,
    env: Environment,
}

static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);

fn runtime_error(path: &Path, message: impl Into<String>) -> RagError {
    RagError::Runtime {
        what: WHAT.into(),
        path: path.to_path_buf(),
        message: message.into(),
        install: INSTALL_RUNTIME.into(),
    }
}

/// Maps `ort`'s loader error to [`RagError::Runtime`].
fn load_error(path: &Path, e: &ort::LoadDynamicError) -> RagError {
    let message = match e {
        ort::LoadDynamicError::BadVersion { version_str, .. } => format!(
            "version {version_str} is too old (ort 2.0.0-rc.15 needs ONNX Runtime >= 1.{})",
            ort::MINOR_VERSION
        ),
        ort::LoadDynamicError::MissingApi { .. } => {
            "not an ONNX Runtime library (it does not export OrtGetApiBase)".to_string()
        }
        other => format!("cannot load it: {other}"),
    };
    runtime_error(path, message)
}

/// The process's ONNX Runtime environment, loading the library at `options.dylib` on first
/// use. Never panics: a missing, unloadable or too old library is a [`RagError::Runtime`]
/// naming the path, and so is a second, different library once one is loaded.
pub(crate) fn environment(options: &RuntimeOptions) -> Result<Environment> {
    options.check()?;
    let path = std::path::absolute(&options.dylib).unwrap_or_else(|_| options.dylib.clone());
    let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(l) = loaded.as_ref() {
        if l.canonical == canonical {
            return Ok(l.env.clone());
        }
        return Err(runtime_error(
            &options.dylib,
            format!(
                "this process already loaded ONNX Runtime from {} and can hold only one; \
                 give every embedder and reranker the same library",
                l.path.display()
            ),
        ));
    }
    match std::fs::metadata(&path) {
        Err(e) => {
            return Err(runtime_error(
                &options.dylib,
                format!("cannot read the library: {e}"),
            ));
        }
        Ok(m) if !m.is_file() => {
            return Err(runtime_error(
                &options.dylib,
                "not a file (give the path of libonnxruntime.so.<version> itself)",
            ));
        }
        Ok(_) => {}
    }
    // `ort` panics on first use when no library is loaded; `init_from` loads it and reports
    // failure as a value. It is called before anything else of `ort`.
    let builder = ort::init_from(&path).map_err(|e| load_error(&options.dylib, &e))?;
    let env = builder.with_name("llmops").build().map_err(|e| {
        runtime_error(
            &options.dylib,
            format!("cannot create the ONNX Runtime environment: {e}"),
        )
    })?;
    *loaded = Some(Loaded {
        path,
        canonical,
        env: env.clone(),
    });
    Ok(env)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    // These tests never load a library: a process can load ONNX Runtime once, so loading
    // tests live in their own binaries (tests/fastembed_runtime.rs, the facade's
    // tests/rag_fastembed.rs).

    #[test]
    fn a_too_old_library_names_the_version_and_how_to_install() {
        let path = Path::new("/x/libonnxruntime.so.1.16.3");
        let e = load_error(
            path,
            &ort::LoadDynamicError::BadVersion {
                version_str: "1.16.3".into(),
                path: path.to_path_buf(),
            },
        );
        let msg = e.to_string();
        assert!(matches!(e, RagError::Runtime { .. }));
        assert!(msg.contains("1.16.3 is too old"), "{msg}");
        assert!(msg.contains("/x/libonnxruntime.so.1.16.3"), "{msg}");
        assert!(msg.contains("pip install onnxruntime==1.31.1"), "{msg}");
        assert!(msg.contains("capi/libonnxruntime.so.1.31.1"), "{msg}");
    }

    #[test]
    fn from_env_and_zero_threads() {
        // Reading the variable is not tested here (tests share the environment); the
        // builder's checks are.
        assert!(
            RuntimeOptions::new("x")
                .with_intra_threads(0)
                .check()
                .is_err()
        );
        assert!(RuntimeOptions::new("x").check().is_ok());
    }
}
