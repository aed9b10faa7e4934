//! `GET /api/v1/exports/quarterly-figures`: the funder report, streamed.
//!
//! A task of its own runs the export's one statement in a read-only transaction (one
//! snapshot) and writes rows into a bounded channel that the response body reads, so
//! memory holds a few chunks whatever the size, and a slow client slows Postgres down
//! instead of filling memory. The response starts once the first row is in: a fault
//! before that is an ordinary problem (503 for the database). After it, a fault ends the
//! body with an error, which cuts the connection, so no client takes a partial file for
//! a whole one. A client that goes away closes the channel: the task cancels the query.

use std::sync::{Arc, Mutex};

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};
use utoipa::IntoParams;

use crate::auth::permit::{Allowed, ReadExports};
use crate::db::exports::{self, FigureScope};
use crate::db::{Conn, Db};
use crate::domain::organisation::{AccountKind, ReportLanguage};
use crate::domain::plan::Quarter;
use crate::domain::report::ReportState;
use crate::domain::{FundApplicationId, FunderId, ProjectId};
use crate::error::{ApiError, FieldError};
use crate::exports::csv::CsvSheet;
use crate::exports::xlsx::{self, XlsxSheet};
use crate::exports::{self as sheets, Dialect, Format, Layout};
use crate::routes::extract::Query;

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The media type of the CSV files.
pub const CSV: &str = "text/csv; charset=utf-8";

/// A chunk of the body: sent when this much is written.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the query and the client.
const CHUNKS_IN_FLIGHT: usize = 4;

/// An XLSX workbook, as bytes.
pub struct Workbook;

impl utoipa::PartialSchema for Workbook {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .into()
    }
}

impl utoipa::ToSchema for Workbook {}

/// What the file covers and how it is written.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `long` (the default): one row per reported figure, every breakdown kept; `wide`:
    /// one row per project and quarter with each figure's total.
    #[param(inline)]
    pub layout: Option<Layout>,
    /// `csv` (the default) or `xlsx`.
    #[param(inline)]
    pub format: Option<Format>,
    /// For CSV: `excel-nl` (the default: what Dutch Excel and LibreOffice open right with
    /// a double-click) or `rfc4180`.
    #[param(inline)]
    pub dialect: Option<Dialect>,
    /// The language of headers and labels; the caller's account's `report_language` when
    /// left out.
    pub lang: Option<ReportLanguage>,
    /// Only this project.
    pub project_id: Option<ProjectId>,
    /// Only projects with this fund application (and only its funder in the funder
    /// column).
    #[param(value_type = Option<String>, format = Uuid)]
    pub fund_application_id: Option<FundApplicationId>,
    /// Only projects with an application to this funder of the register.
    pub funder_id: Option<FunderId>,
    /// From this quarter on, e.g. `2026-Q1` (earlier quarters still count towards the
    /// cumulative figures).
    #[param(value_type = Option<String>, pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$")]
    pub from: Option<Quarter>,
    /// Up to this quarter, e.g. `2026-Q4`.
    #[param(value_type = Option<String>, pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$")]
    pub to: Option<Quarter>,
    /// The report states included, comma-separated; `submitted,accepted` when left out.
    /// A funder account never sees drafts.
    #[param(
        value_type = Option<String>,
        pattern = r"^(draft|submitted|accepted|returned)(,(draft|submitted|accepted|returned))*$",
        max_length = 200
    )]
    pub states: Option<String>,
}

/// The states asked for: a comma-separated list of known states, each once.
fn states(list: Option<&str>) -> Result<Vec<ReportState>, FieldError> {
    let Some(list) = list else {
        return Ok(vec![ReportState::Submitted, ReportState::Accepted]);
    };
    if list.chars().count() > 200 {
        return Err(FieldError::parameter(
            "states",
            "must be at most 200 characters",
        ));
    }
    let mut states = Vec::new();
    for item in list.split(',') {
        let state: ReportState = item
            .parse()
            .map_err(|e: String| FieldError::parameter("states", e))?;
        if !states.contains(&state) {
            states.push(state);
        }
    }
    Ok(states)
}

/// How the file is written, once the scope is known.
#[derive(Debug, Clone, Copy)]
struct Writing {
    layout: Layout,
    format: Format,
    dialect: Dialect,
    lang: Option<ReportLanguage>,
}

/// What the response needs before its first byte.
struct Start {
    file_name: String,
    format: Format,
}

/// The handler waits for this: the start of the file, or what went wrong before it.
type Ready = Arc<Mutex<Option<oneshot::Sender<Result<Start, ApiError>>>>>;

fn signal(ready: &Ready, outcome: Result<Start, ApiError>) -> Result<(), ApiError> {
    let sender = ready.lock().unwrap_or_else(|e| e.into_inner()).take();
    match (sender, outcome) {
        (Some(sender), outcome) => {
            let _ = sender.send(outcome);
            Ok(())
        }
        // Already started: a later fault is the caller's to handle.
        (None, Err(error)) => Err(error),
        (None, Ok(_)) => Ok(()),
    }
}

/// Export quarterly figures (funder report)
///
/// The figures of the quarterly reports in scope as a spreadsheet: an organisation user
/// gets its own organisation's projects; a funder account gets every project shared
/// with it, across organisations, in one file (with only its own applications in the
/// funder column). Planned figures (targets, planned hours, budget phases) stand beside
/// the reported ones; cumulative figures add up every quarter so far in the states asked
/// for, so a `from` quarter does not reset them.
///
/// The file reads one snapshot and is streamed as it is produced; a fault after the
/// first byte cuts the connection (the body never ends normally), so a partial file
/// cannot pass for a whole one. Text cells that a spreadsheet would read as a formula
/// get a leading `'` in CSV; numbers are never touched. XLSX files are sent once
/// complete, at most 1,048,575 rows.
#[utoipa::path(
    tag = "exports",
    params(ExportQuery),
    responses(
        (status = 200, description = "The file, with a `Content-Disposition` naming the account and the period.",
            headers(("Content-Disposition" = String, description = "`attachment`, with the file name.")),
            content(
                (String = "text/csv"),
                (Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ))
    )
)]
#[get("/exports/quarterly-figures")]
pub async fn quarterly_figures(
    db: web::Data<Db>,
    principal: Allowed<ReadExports>,
    Query(query): Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let states = states(query.states.as_deref()).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        errors.push(FieldError::parameter("to", "must not be before from"));
    }
    let format = query.format.unwrap_or_default();
    if format == Format::Xlsx && query.dialect.is_some() {
        errors.push(FieldError::parameter(
            "dialect",
            "applies to CSV only; leave it out for format=xlsx",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let scope = FigureScope {
        states,
        from: query.from,
        to: query.to,
        project: query.project_id,
        fund_application: query.fund_application_id,
        funder: query.funder_id,
        for_funder: principal.kind == AccountKind::Funder,
    };
    let writing = Writing {
        layout: query.layout.unwrap_or_default(),
        format,
        dialect: query.dialect.unwrap_or_default(),
        lang: query.lang,
    };
    let (ready_tx, ready_rx) = oneshot::channel();
    let ready: Ready = Arc::new(Mutex::new(Some(ready_tx)));
    let (body_tx, body_rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHUNKS_IN_FLIGHT);
    let db = db.into_inner();
    let (reach, account) = (principal.reach(), principal.organisation_id);
    actix_web::rt::spawn(async move {
        let task_ready = ready.clone();
        let task_body = body_tx.clone();
        let cut = body_tx.clone();
        let outcome = db
            .reading(reach, async move |conn| {
                export(conn, account, &scope, writing, &task_ready, &task_body).await
            })
            .await;
        let finished = match outcome {
            Ok(Some(workbook)) => save(workbook, body_tx).await,
            Ok(None) => Ok(()),
            Err(error) => Err(error),
        };
        if let Err(error) = finished.or_else(|e| signal(&ready, Err(e))) {
            // Ends the body with an error: the connection is cut, the file never ends.
            let _ = cut
                .send(Err(std::io::Error::other("the export failed")))
                .await;
            tracing::error!(
                ?error,
                "an export failed after its first byte; the connection is cut"
            );
        }
    });
    let start = ready_rx.await.map_err(|_| {
        ApiError::Internal("the export ended before it started".to_string().into())
    })??;
    let content_type = match start.format {
        Format::Csv => CSV,
        Format::Xlsx => XLSX,
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition(&start.file_name)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .streaming(body(body_rx)))
}

/// The body: the chunks as they come; an error ends it abnormally.
fn body(
    mut chunks: mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| chunks.poll_recv(cx))
}

/// `attachment` with the file name (ASCII already; `filename*` for clients that prefer
/// it).
fn disposition(file_name: &str) -> String {
    format!("attachment; filename=\"{file_name}\"; filename*=UTF-8''{file_name}")
}

/// The client went away: nothing more to write.
struct Gone;

/// Sends a chunk; `Gone` when the client left.
async fn send(
    body: &mpsc::Sender<Result<Bytes, std::io::Error>>,
    bytes: Vec<u8>,
) -> Result<(), Gone> {
    if bytes.is_empty() {
        return Ok(());
    }
    body.send(Ok(Bytes::from(bytes))).await.map_err(|_| Gone)
}

/// Runs the export on `conn`: for CSV, the rows go out as they come (`None` returned);
/// for XLSX, the workbook with every row is returned to be saved.
async fn export(
    conn: &mut Conn,
    account: crate::domain::OrganisationId,
    scope: &FigureScope,
    writing: Writing,
    ready: &Ready,
    body: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<Option<XlsxSheet>, ApiError> {
    let shared: &Conn = conn;
    let ((), (name, language), (first, last)) = tokio::try_join!(
        exports::settings(shared),
        exports::account(shared, account),
        exports::period(shared, scope)
    )?;
    let lang = writing.lang.unwrap_or(language);
    let period = (
        scope.from.or(first).map(|q| q.to_string()),
        scope.to.or(last).map(|q| q.to_string()),
    );
    let extension = match writing.format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    let start = || Start {
        file_name: sheets::file_name(lang, &name, period.clone(), extension),
        format: writing.format,
    };
    let cancel = conn.canceller();
    match writing.format {
        Format::Csv => {
            let mut sheet = CsvSheet::new(writing.dialect);
            sheets::write_header(&mut sheet, writing.layout, lang).map_err(internal)?;
            let streamed = match writing.layout {
                Layout::Long => {
                    let rows = exports::long(conn, scope).await?;
                    stream_csv(rows, &mut sheet, ready, body, start, |s, r| {
                        sheets::write_long(s, r, lang)
                    })
                    .await
                }
                Layout::Wide => {
                    let rows = exports::wide(conn, scope).await?;
                    stream_csv(rows, &mut sheet, ready, body, start, |s, r| {
                        sheets::write_wide(s, r, lang)
                    })
                    .await
                }
            };
            match streamed {
                Ok(()) => Ok(None),
                Err(Stop::Gone) => {
                    // Stop Postgres producing rows nobody reads; a cancel that arrives
                    // after the statement ended is ignored by an idle backend.
                    if let Err(error) = cancel.cancel().await {
                        tracing::warn!(%error, "could not cancel the export's query");
                    }
                    tracing::info!("the client left during an export; its query was cancelled");
                    Ok(None)
                }
                Err(Stop::Failed(error)) => Err(error),
            }
        }
        Format::Xlsx => {
            let mut sheet = XlsxSheet::new(match lang {
                ReportLanguage::Nl => "Kwartaalcijfers",
                ReportLanguage::En => "Quarterly figures",
            })
            .map_err(internal)?;
            sheets::write_header(&mut sheet, writing.layout, lang).map_err(internal)?;
            match writing.layout {
                Layout::Long => {
                    let rows = exports::long(conn, scope).await?;
                    fill(rows, &mut sheet, |s, r| sheets::write_long(s, r, lang)).await?;
                }
                Layout::Wide => {
                    let rows = exports::wide(conn, scope).await?;
                    fill(rows, &mut sheet, |s, r| sheets::write_wide(s, r, lang)).await?;
                }
            }
            signal(ready, Ok(start()))?;
            Ok(Some(sheet))
        }
    }
}

fn internal(error: std::io::Error) -> ApiError {
    ApiError::Internal(Box::new(error))
}

/// Why streaming stopped early.
enum Stop {
    Gone,
    Failed(ApiError),
}

/// Writes the rows as CSV, starting the response with the first row (or the end).
async fn stream_csv<R>(
    rows: impl Stream<Item = Result<R, crate::db::QueryError>>,
    sheet: &mut CsvSheet,
    ready: &Ready,
    body: &mpsc::Sender<Result<Bytes, std::io::Error>>,
    start: impl Fn() -> Start,
    write: impl Fn(&mut CsvSheet, &R) -> std::io::Result<()>,
) -> Result<(), Stop> {
    let mut rows = std::pin::pin!(rows);
    let mut started = false;
    loop {
        let next = rows.next().await;
        if !started {
            // The first row (or the end, or a fault) is in: answer now.
            if let Some(Err(error)) = next {
                return Err(Stop::Failed(error.into()));
            }
            signal(ready, Ok(start())).map_err(Stop::Failed)?;
            started = true;
        }
        match next {
            None => break,
            Some(Err(error)) => return Err(Stop::Failed(error.into())),
            Some(Ok(row)) => {
                write(sheet, &row).map_err(|e| Stop::Failed(internal(e)))?;
                if sheet.buffered() >= CHUNK {
                    let chunk = sheet.take().map_err(|e| Stop::Failed(internal(e)))?;
                    send(body, chunk).await.map_err(|Gone| Stop::Gone)?;
                }
            }
        }
    }
    let rest = sheet.take().map_err(|e| Stop::Failed(internal(e)))?;
    send(body, rest).await.map_err(|Gone| Stop::Gone)
}

/// Writes every row into the workbook.
async fn fill<R>(
    rows: impl Stream<Item = Result<R, crate::db::QueryError>>,
    sheet: &mut XlsxSheet,
    write: impl Fn(&mut XlsxSheet, &R) -> std::io::Result<()>,
) -> Result<(), ApiError> {
    let mut rows = std::pin::pin!(rows.map_err(ApiError::from));
    while let Some(row) = rows.try_next().await? {
        if sheet.full() {
            return Err(ApiError::Validation(vec![FieldError::parameter(
                "format",
                format!(
                    "the export has more than {} rows, more than an XLSX worksheet holds; \
                     narrow it (project_id, from, to) or ask for format=csv",
                    xlsx::MAX_ROWS - 1
                ),
            )]));
        }
        write(sheet, &row).map_err(internal)?;
    }
    Ok(())
}

/// Writes the workbook into the body, off the request threads (zipping takes a while).
async fn save(
    sheet: XlsxSheet,
    body: mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), ApiError> {
    let result = tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter {
            body,
            buffer: Vec::with_capacity(CHUNK),
        };
        sheet.finish(&mut out).and_then(|()| out.flush_all())
    })
    .await
    .map_err(|e| ApiError::Internal(Box::new(e)))?;
    match result {
        Ok(()) => Ok(()),
        // The client went away while the workbook was written: nothing to report.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(internal(error)),
    }
}

/// A blocking writer into the body's channel, in chunks.
struct ChannelWriter {
    body: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn flush_all(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.body
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.flush_all()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_default_parse_and_name_the_bad_one() {
        assert_eq!(
            states(None).unwrap(),
            [ReportState::Submitted, ReportState::Accepted]
        );
        assert_eq!(
            states(Some("accepted,returned,accepted")).unwrap(),
            [ReportState::Accepted, ReportState::Returned]
        );
        let error = states(Some("accepted,done")).unwrap_err();
        assert!(error.message.contains("done"), "{error:?}");
    }
}
