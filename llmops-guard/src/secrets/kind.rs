//! [`SecretKind`] and [`SecretFinding`]: what the scanner found and where (never the value).

use llmops_core::Finding;

/// A kind of secret the scanner recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SecretKind {
    /// An OpenAI API key (`sk-...`, `sk-proj-...`, `sk-svcacct-...`).
    OpenAiKey,
    /// An Anthropic API key (`sk-ant-api03-...`).
    AnthropicKey,
    /// An AWS access key id (`AKIA...`, `ASIA...`).
    AwsAccessKey,
    /// An AWS secret access key (40 base64 characters next to a key id or a keyword).
    AwsSecretKey,
    /// A Google Cloud API key (`AIza...`).
    GcpApiKey,
    /// The private key of a Google Cloud service-account JSON file.
    GcpServiceAccount,
    /// A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`).
    GitHubToken,
    /// A Slack token (`xoxb-`, `xoxp-`, `xapp-` ...).
    SlackToken,
    /// A Slack incoming-webhook URL.
    SlackWebhook,
    /// A Stripe key (`sk_live_`, `rk_live_`, `pk_live_`; test keys score lower).
    StripeKey,
    /// A Google OAuth client secret (`GOCSPX-`) or access token (`ya29.`).
    GoogleOAuth,
    /// A Twilio API key (`SK` + 32 hex digits).
    TwilioKey,
    /// A SendGrid API key (`SG.xxx.yyy`).
    SendGridKey,
    /// An npm access token (`npm_`).
    NpmToken,
    /// A PyPI upload token (`pypi-AgE...`).
    PyPiToken,
    /// A Hugging Face token (`hf_`, `api_org_`).
    HuggingFaceToken,
    /// The account key of an Azure storage connection string.
    AzureStorageKey,
    /// A PEM private key block (RSA, EC, DSA, OpenSSH, PGP, PKCS#8, encrypted).
    PrivateKey,
    /// A JSON Web Token (three base64url parts, a header with `alg`).
    Jwt,
    /// The password of a connection string or URL (`postgres://user:pass@host`).
    ConnectionString,
    /// A high-entropy value after a keyword (`api_key=`, `token:`, `password is`).
    Generic,
}

impl SecretKind {
    /// Every kind, in a stable order.
    pub const ALL: [SecretKind; 21] = [
        SecretKind::OpenAiKey,
        SecretKind::AnthropicKey,
        SecretKind::AwsAccessKey,
        SecretKind::AwsSecretKey,
        SecretKind::GcpApiKey,
        SecretKind::GcpServiceAccount,
        SecretKind::GitHubToken,
        SecretKind::SlackToken,
        SecretKind::SlackWebhook,
        SecretKind::StripeKey,
        SecretKind::GoogleOAuth,
        SecretKind::TwilioKey,
        SecretKind::SendGridKey,
        SecretKind::NpmToken,
        SecretKind::PyPiToken,
        SecretKind::HuggingFaceToken,
        SecretKind::AzureStorageKey,
        SecretKind::PrivateKey,
        SecretKind::Jwt,
        SecretKind::ConnectionString,
        SecretKind::Generic,
    ];

    /// The category as recorded in a core [`Finding`] (`secret.openai_key` ...).
    ///
    /// ```
    /// use llmops_guard::secrets::SecretKind;
    /// assert_eq!(SecretKind::AwsAccessKey.as_str(), "secret.aws_access_key");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::OpenAiKey => "secret.openai_key",
            SecretKind::AnthropicKey => "secret.anthropic_key",
            SecretKind::AwsAccessKey => "secret.aws_access_key",
            SecretKind::AwsSecretKey => "secret.aws_secret_key",
            SecretKind::GcpApiKey => "secret.gcp_api_key",
            SecretKind::GcpServiceAccount => "secret.gcp_service_account",
            SecretKind::GitHubToken => "secret.github_token",
            SecretKind::SlackToken => "secret.slack_token",
            SecretKind::SlackWebhook => "secret.slack_webhook",
            SecretKind::StripeKey => "secret.stripe_key",
            SecretKind::GoogleOAuth => "secret.google_oauth",
            SecretKind::TwilioKey => "secret.twilio_key",
            SecretKind::SendGridKey => "secret.sendgrid_key",
            SecretKind::NpmToken => "secret.npm_token",
            SecretKind::PyPiToken => "secret.pypi_token",
            SecretKind::HuggingFaceToken => "secret.huggingface_token",
            SecretKind::AzureStorageKey => "secret.azure_storage_key",
            SecretKind::PrivateKey => "secret.private_key",
            SecretKind::Jwt => "secret.jwt",
            SecretKind::ConnectionString => "secret.connection_string",
            SecretKind::Generic => "secret.generic",
        }
    }

    /// The typed placeholder a redaction writes (`<SECRET_OPENAI_KEY>`): the kind, never a
    /// part of the value.
    ///
    /// ```
    /// use llmops_guard::secrets::SecretKind;
    /// assert_eq!(SecretKind::OpenAiKey.placeholder(), "<SECRET_OPENAI_KEY>");
    /// ```
    pub fn placeholder(self) -> &'static str {
        match self {
            SecretKind::OpenAiKey => "<SECRET_OPENAI_KEY>",
            SecretKind::AnthropicKey => "<SECRET_ANTHROPIC_KEY>",
            SecretKind::AwsAccessKey => "<SECRET_AWS_ACCESS_KEY>",
            SecretKind::AwsSecretKey => "<SECRET_AWS_SECRET_KEY>",
            SecretKind::GcpApiKey => "<SECRET_GCP_API_KEY>",
            SecretKind::GcpServiceAccount => "<SECRET_GCP_SERVICE_ACCOUNT>",
            SecretKind::GitHubToken => "<SECRET_GITHUB_TOKEN>",
            SecretKind::SlackToken => "<SECRET_SLACK_TOKEN>",
            SecretKind::SlackWebhook => "<SECRET_SLACK_WEBHOOK>",
            SecretKind::StripeKey => "<SECRET_STRIPE_KEY>",
            SecretKind::GoogleOAuth => "<SECRET_GOOGLE_OAUTH>",
            SecretKind::TwilioKey => "<SECRET_TWILIO_KEY>",
            SecretKind::SendGridKey => "<SECRET_SENDGRID_KEY>",
            SecretKind::NpmToken => "<SECRET_NPM_TOKEN>",
            SecretKind::PyPiToken => "<SECRET_PYPI_TOKEN>",
            SecretKind::HuggingFaceToken => "<SECRET_HUGGINGFACE_TOKEN>",
            SecretKind::AzureStorageKey => "<SECRET_AZURE_STORAGE_KEY>",
            SecretKind::PrivateKey => "<SECRET_PRIVATE_KEY>",
            SecretKind::Jwt => "<SECRET_JWT>",
            SecretKind::ConnectionString => "<SECRET_PASSWORD>",
            SecretKind::Generic => "<SECRET>",
        }
    }

    /// Whether the kind comes from a provider-specific rule (a known prefix or structure), as
    /// opposed to the keyword-and-entropy rule. Specific findings win over generic ones where
    /// they overlap, whatever their scores.
    pub fn is_specific(self) -> bool {
        self != SecretKind::Generic
    }

    /// The position of the kind in [`SecretKind::ALL`].
    pub(crate) fn index(self) -> usize {
        SecretKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or(SecretKind::ALL.len())
    }
}

impl std::fmt::Display for SecretKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One secret found in a text: byte offsets into that text and a confidence. It holds no
/// part of the value, so its `Debug` output is safe to log.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SecretFinding {
    /// What was found.
    pub kind: SecretKind,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Confidence in 0..=1: provider checksums and fixed structures score highest, test keys,
    /// documented example keys and placeholder-looking values lowest.
    pub score: f32,
}

impl SecretFinding {
    pub(crate) fn new(kind: SecretKind, start: usize, end: usize, score: f32) -> Self {
        SecretFinding {
            kind,
            start,
            end,
            score,
        }
    }

    /// The span's length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span is empty (never for a finding the scanner returns).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The matched text, when the span lies in `text` on character boundaries. Handle with
    /// care: this is the secret.
    pub fn text<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }

    /// The finding as core records it (category, span, score; no value).
    pub fn to_finding(&self) -> Finding {
        Finding::new(self.kind.as_str(), self.start, self.end, self.score)
    }
}
