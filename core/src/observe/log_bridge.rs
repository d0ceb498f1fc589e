//! Forwards the core's `tracing` events to a host language's logging (Python's `logging`, a
//! Node callback, SLF4J): one [`LogRecord`] per event, with the fields of the event and of
//! the spans it happened in (`connector`, `operation`, `idempotency_key`, ...).
//!
//! The core's own log statements never carry a secret (bodies are logged masked, credentials
//! and card data are never logged), so neither do the records.
//!
//! A process has one bridge: [`install`] sets the global `tracing` subscriber (it fails if
//! another one is set) with a filter taken from `RUST_LOG` when that is set, else from the
//! default the binding passes; [`set_filter`] changes it later.

use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Record};
use tracing::{Event, Id, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{reload, EnvFilter, Layer, Registry};

/// One log event of the core.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    pub level: Level,
    /// The module that logged it (`connector_service::client`, ...).
    pub target: String,
    pub message: String,
    /// The event's fields, then those of its spans (innermost first), without duplicates.
    pub fields: Vec<(String, String)>,
}

impl LogRecord {
    /// The level's lower-case name (`error`, `warn`, `info`, `debug`, `trace`).
    pub fn level_name(&self) -> &'static str {
        match self.level {
            Level::ERROR => "error",
            Level::WARN => "warn",
            Level::INFO => "info",
            Level::DEBUG => "debug",
            Level::TRACE => "trace",
        }
    }

    /// `message key=value ...`, for logging systems that take one string.
    pub fn formatted(&self) -> String {
        let mut out = self.message.clone();
        for (name, value) in &self.fields {
            out.push(' ');
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
        out
    }
}

/// Receives the records; called on the thread that logged, so keep it quick.
pub trait LogSink: Send + Sync + 'static {
    fn log(&self, record: LogRecord);
}

#[derive(Default)]
struct Fields {
    message: Option<String>,
    fields: Vec<(String, String)>,
}

impl Fields {
    fn push(&mut self, field: &Field, value: String) {
        if field.name() == "message" {
            self.message = Some(value);
        } else if let Some(slot) = self.fields.iter_mut().find(|(n, _)| n == field.name()) {
            slot.1 = value;
        } else {
            self.fields.push((field.name().to_string(), value));
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.push(field, format!("{value:?}"));
    }
}

/// The span fields kept in a span's extensions.
struct SpanFields(Vec<(String, String)>);

/// The layer calling the current sink.
struct Bridge {
    sink: Arc<RwLock<Option<Arc<dyn LogSink>>>>,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Bridge {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(existing)) = extensions.get_mut::<SpanFields>() {
            let mut fields = Fields {
                message: None,
                fields: std::mem::take(existing),
            };
            values.record(&mut fields);
            *existing = fields.fields;
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let sink = match self.sink.read() {
            Ok(guard) => guard.clone(),
            Err(_) => return,
        };
        let Some(sink) = sink else { return };
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                if let Some(SpanFields(span_fields)) = span.extensions().get::<SpanFields>() {
                    for (name, value) in span_fields {
                        if !fields.fields.iter().any(|(n, _)| n == name) {
                            fields.fields.push((name.clone(), value.clone()));
                        }
                    }
                }
            }
        }
        let metadata = event.metadata();
        sink.log(LogRecord {
            level: *metadata.level(),
            target: metadata.target().to_string(),
            message: fields.message.unwrap_or_default(),
            fields: fields.fields,
        });
    }
}

struct Installed {
    sink: Arc<RwLock<Option<Arc<dyn LogSink>>>>,
    filter: reload::Handle<EnvFilter, Registry>,
}

static INSTALLED: OnceLock<std::result::Result<Installed, String>> = OnceLock::new();

fn parse_filter(directives: &str) -> Result<EnvFilter, String> {
    EnvFilter::try_new(directives).map_err(|e| format!("invalid log filter `{directives}`: {e}"))
}

fn installed(default_filter: &str) -> Result<&'static Installed, String> {
    let result = INSTALLED.get_or_init(|| {
        let filter = match std::env::var("RUST_LOG") {
            Ok(env) if !env.trim().is_empty() => parse_filter(&env)?,
            _ => parse_filter(default_filter)?,
        };
        let (filter, handle) = reload::Layer::new(filter);
        let sink = Arc::new(RwLock::new(None));
        tracing_subscriber::registry()
            .with(filter)
            .with(Bridge { sink: sink.clone() })
            .try_init()
            .map_err(|e| format!("another tracing subscriber is installed: {e}"))?;
        Ok(Installed {
            sink,
            filter: handle,
        })
    });
    result.as_ref().map_err(Clone::clone)
}

/// Sends the core's log events to `sink` (replacing the previous sink; `None` stops
/// forwarding). The first call installs the bridge as the global `tracing` subscriber, with
/// `RUST_LOG` as its filter when set, else `default_filter` (e.g. `connector_service=info`).
pub fn install(sink: Option<Arc<dyn LogSink>>, default_filter: &str) -> Result<(), String> {
    let installed = installed(default_filter)?;
    *installed
        .sink
        .write()
        .map_err(|_| "the log sink lock is poisoned")? = sink;
    Ok(())
}

/// Replaces the filter (`RUST_LOG` syntax, e.g. `connector_service=debug`) of an installed
/// bridge.
pub fn set_filter(directives: &str) -> Result<(), String> {
    let filter = parse_filter(directives)?;
    let installed = match INSTALLED.get() {
        Some(Ok(installed)) => installed,
        Some(Err(e)) => return Err(e.clone()),
        None => return Err("the log bridge is not installed".into()),
    };
    installed
        .filter
        .reload(filter)
        .map_err(|e| format!("cannot change the log filter: {e}"))
}

/// Whether [`install`] succeeded in this process.
pub fn is_installed() -> bool {
    matches!(INSTALLED.get(), Some(Ok(_)))
}
