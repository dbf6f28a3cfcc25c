use thiserror::Error;

/// Why an upstream call gave no answer; the text is shown to users, so it says what
/// happened and what to check, and never carries a credential.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UpstreamError {
    /// No connection could be made (refused, unknown host, TLS failure).
    #[error("could not connect to {url}: {reason}")]
    Connect {
        /// The datasource URL, without credentials.
        url: String,
        /// The innermost cause, such as "Connection refused".
        reason: String,
    },
    /// The call took longer than the datasource's `timeout` setting.
    #[error("{url} did not answer within {secs} s (setting timeout); check the server's load or raise the timeout")]
    Timeout {
        /// The datasource URL, without credentials.
        url: String,
        /// The timeout in seconds.
        secs: u64,
    },
    /// A non-success HTTP status without a Prometheus error body.
    #[error("{url} answered HTTP {status}{body}")]
    Status {
        /// The datasource URL, without credentials.
        url: String,
        /// Status code and reason.
        status: String,
        /// A short, tag-free extract of the body, prefixed with ": ", or empty.
        body: String,
    },
    /// Prometheus answered with its own error (bad_data, execution, timeout, ...).
    #[error("Prometheus rejected the query ({error_type}): {message}")]
    Api {
        /// Prometheus's `errorType`.
        error_type: String,
        /// Prometheus's `error`.
        message: String,
    },
    /// The body grew past `maxResponseBytes`.
    #[error("the response from {url} is larger than {limit} bytes (setting maxResponseBytes); narrow the query (fewer series or a shorter range) or raise the setting")]
    TooLarge {
        /// The datasource URL, without credentials.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The body is not the Prometheus API's JSON.
    #[error("{url} answered with something that is not Prometheus API JSON ({detail}); check that the URL points at a Prometheus-compatible API root")]
    Malformed {
        /// The datasource URL, without credentials.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// The connection broke while the body was arriving.
    #[error("the connection to {url} broke while reading the answer: {reason}")]
    Body {
        /// The datasource URL, without credentials.
        url: String,
        /// The innermost cause.
        reason: String,
    },
    /// The answer did not fit in the process's memory budget.
    #[error(transparent)]
    Budget(#[from] crate::budget::BudgetError),
    /// The HTTP client could not be built from the settings (TLS material, mostly).
    #[error("{0}")]
    Setup(String),
}
