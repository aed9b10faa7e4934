//! Structured logs with tracing, and the request-id middleware.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The database driver's log targets. At debug `tokio_postgres` logs every statement
/// with its bound parameters: emails, password hashes, report texts.
const DRIVER_TARGETS: [&str; 4] = [
    "tokio_postgres",
    "postgres_protocol",
    "diesel",
    "diesel_async",
];

/// Installs the global subscriber. Levels from `RUST_LOG` (default `info`); the driver
/// stays at `info` unless `RUST_LOG` names it.
pub fn init(format: LogFormat) {
    let (filter, drivers) = filters(std::env::var("RUST_LOG").ok().as_deref());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) is harmless: keep the first subscriber.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .finish()
            .with(drivers)
            .try_init(),
        LogFormat::Text => builder.finish().with(drivers).try_init(),
    };
}

/// The levels `spec` (as `RUST_LOG`) asks for, and a second filter that holds every
/// driver target `spec` does not name (itself or a module of it) at `info`. The second
/// is a filter of its own, so that no broader directive, not even one for a span
/// (`[request]=debug`), turns the driver's parameter logging on.
fn filters(spec: Option<&str>) -> (EnvFilter, Targets) {
    let spec = spec.unwrap_or("info");
    let filter = EnvFilter::try_new(spec).unwrap_or_else(|_| EnvFilter::new("info"));
    let named = |target: &str| {
        spec.split(',').any(|directive| {
            let named = directive
                .split(['[', '='])
                .next()
                .unwrap_or_default()
                .trim();
            named == target || named.starts_with(&format!("{target}::"))
        })
    };
    // No more verbose than `filter` itself, which decides anyway: the subscriber's most
    // verbose level is what the `log` crate is told (at `init`), and a level above it
    // turned every debug line of the driver into a record that was made, handed over
    // and dropped, on every statement.
    let most = filter.max_level_hint().unwrap_or(LevelFilter::TRACE);
    let drivers = DRIVER_TARGETS
        .into_iter()
        .filter(|target| !named(target))
        .fold(Targets::new().with_default(most), |t, target| {
            t.with_target(target, LevelFilter::INFO.min(most))
        });
    (filter, drivers)
}

/// Gives every request an id (the caller's `X-Request-Id` when it is sane), a span
/// that every log line of the request carries, one summary line, and echoes the id.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        organisation_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request finished"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt;

    use super::filters;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What a subscriber built as `init` builds it writes for the driver's statement
    /// log (as tokio_postgres writes it, at debug), a notice of the database, and a
    /// debug line of the service, inside a request span.
    fn logged(spec: &str) -> String {
        let capture = Capture::default();
        let writer = capture.clone();
        let (filter, drivers) = filters(Some(spec));
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish()
            .with(drivers);
        tracing::subscriber::with_default(subscriber, || {
            tracing::info_span!("request").in_scope(|| {
                tracing::debug!(
                    target: "tokio_postgres::query",
                    "executing statement s47 with parameters: [\"admin@example.org\"]"
                );
                tracing::debug!(target: "tokio_postgres::prepare", "preparing query s47");
                tracing::info!(target: "tokio_postgres::connection", "NOTICE: a notice");
                tracing::debug!(target: "mantelmonitor::routes", "a debug line");
            });
        });
        let bytes = capture.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn debug_leaves_the_drivers_statements_and_parameters_out() {
        for spec in [
            "debug",
            "trace",
            "info,mantelmonitor=debug,[request]=trace",
            "[request]=debug",
        ] {
            let out = logged(spec);
            assert!(!out.contains("admin@example.org"), "{spec}: {out}");
            assert!(!out.contains("preparing query"), "{spec}: {out}");
            assert!(
                out.contains("NOTICE: a notice"),
                "{spec}: the driver's info stays: {out}"
            );
            assert!(out.contains("a debug line"), "{spec}: {out}");
        }
    }

    #[test]
    fn the_drivers_statements_are_logged_when_asked_for_by_name() {
        let out = logged("debug,tokio_postgres=debug");
        assert!(out.contains("admin@example.org"), "{out}");
        assert!(out.contains("preparing query"), "{out}");
        // Naming one of its modules asks for that module only.
        let out = logged("info,tokio_postgres::query=debug");
        assert!(out.contains("admin@example.org"), "{out}");
        assert!(!out.contains("preparing query"), "{out}");
        assert!(!out.contains("a debug line"), "{out}");
    }

    #[test]
    fn the_subscriber_is_no_more_verbose_than_asked() {
        // Its most verbose level is what the `log` crate is told (the driver logs
        // through it): above what was asked, every debug line is made and dropped.
        use tracing_subscriber::filter::LevelFilter;
        for (spec, most) in [
            ("warn", LevelFilter::WARN),
            ("info", LevelFilter::INFO),
            ("info,mantelmonitor=debug", LevelFilter::DEBUG),
            ("debug,tokio_postgres=trace", LevelFilter::TRACE),
        ] {
            let (filter, drivers) = filters(Some(spec));
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .finish()
                .with(drivers);
            assert_eq!(
                tracing::Subscriber::max_level_hint(&subscriber),
                Some(most),
                "{spec}"
            );
        }
    }

    #[test]
    fn the_default_is_info() {
        let out = logged("not a filter[");
        assert!(out.contains("NOTICE: a notice"), "{out}");
        assert!(!out.contains("a debug line"), "{out}");
    }
}
