//! Strict request extractors: JSON bodies and query strings whose errors name the
//! field (JSON Pointer or parameter) in a problem document.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// The largest body accepted, set from `MANTELMONITOR_MAX_BODY_BYTES`.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// The largest bulk figures body accepted, set from `MANTELMONITOR_MAX_FIGURES_BYTES`.
#[derive(Debug, Clone, Copy)]
pub struct FiguresLimit(pub usize);

/// A bulk figures body: a [`RawBody`] within the [`FiguresLimit`].
pub struct FiguresBody(pub RawBody);

impl FromRequest for FiguresBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<FiguresLimit>().map_or(16_777_216, |l| l.0);
        let body = RawBody::read(req, payload, limit);
        Box::pin(async move { body.await.map(FiguresBody) })
    }
}

/// A JSON request body. Wrong content type: 415. Too large: 413. Not JSON: 400.
/// JSON of the wrong shape (types, unknown or missing fields): 422 with a pointer.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = RawBody::from_request(req, payload);
        Box::pin(async move {
            let body = body.await?;
            if !is_json(body.content_type.as_deref()) {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "The request body must be JSON (Content-Type: application/json), not {}.",
                    body.content_type.as_deref().unwrap_or("missing")
                )));
            }
            parse_json(&body.bytes).map(Json)
        })
    }
}

/// A request body of any type with its content type, read up to the body limit (413
/// beyond it), for handlers that accept more than JSON.
pub struct RawBody {
    pub content_type: Option<String>,
    pub bytes: web::BytesMut,
}

impl RawBody {
    /// The media type without parameters, lowercase.
    pub fn essence(&self) -> Option<String> {
        self.content_type.as_deref().map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }

    pub fn is_json(&self) -> bool {
        is_json(self.content_type.as_deref())
    }
}

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map_or(1_048_576, |l| l.0);
        Self::read(req, payload, limit)
    }
}

impl RawBody {
    /// Reads the body, at most `limit` bytes (413 beyond).
    fn read(
        req: &HttpRequest,
        payload: &mut Payload,
        limit: usize,
    ) -> Pin<Box<dyn Future<Output = Result<Self, ApiError>>>> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            let too_large = || {
                ApiError::PayloadTooLarge(format!("The request body is larger than {limit} bytes."))
            };
            if declared_length.is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            // Room for what the client says it sends, so a large body is not copied as
            // it grows.
            let mut bytes = web::BytesMut::with_capacity(declared_length.unwrap_or(0));
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::bad_request(format!("The request body could not be read: {e}"))
                })?;
                if bytes.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(RawBody {
                content_type,
                bytes,
            })
        })
    }
}

fn is_json(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses JSON, mapping serde's errors to problem documents with a JSON Pointer.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "The request body is empty; a JSON document is expected.",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        // `310.0` is a whole number to JSON (and to JSON Schema's `integer`), though not to
        // serde: read such a body again with its whole numbers written as integers. Only
        // on this rare path, so that every other body is read once, straight from bytes.
        Err(error)
            if error.inner().is_data()
                && error
                    .inner()
                    .to_string()
                    .starts_with("invalid type: floating point") =>
        {
            // Read as it was sent: a key given twice is refused here as the typed read
            // refuses it, not settled by the last one winning.
            let mut reader = serde_json::Deserializer::from_slice(body);
            let mut document = match serde_path_to_error::deserialize::<_, UniqueKeys>(&mut reader)
            {
                Ok(UniqueKeys(document)) => document,
                Err(duplicate) if duplicate.inner().is_data() => {
                    return Err(problem(duplicate, body));
                }
                Err(_) => return Err(problem(error, body)),
            };
            if !integral(&mut document) {
                return Err(problem(error, body));
            }
            return serde_path_to_error::deserialize(document).map_err(|e| problem(e, body));
        }
        Err(error) => return Err(problem(error, body)),
    };
    deserializer.end().map_err(|e| {
        ApiError::bad_request(format!(
            "The request body has data after the JSON document: {e}."
        ))
    })?;
    Ok(value)
}

/// A JSON value whose objects name each key once (`serde_json::Value` keeps the last).
struct UniqueKeys(serde_json::Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UniqueKeysVisitor)
            .map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate field `{key}`"
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// Writes every number of `value` that is whole (`310.0`) as an integer; whether any was.
fn integral(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(number) => match number.as_f64() {
            // Within 2^53 a float is a whole number exactly when it has no fraction.
            Some(float)
                if !number.is_i64()
                    && !number.is_u64()
                    && float.fract() == 0.0
                    && float.abs() <= 9_007_199_254_740_992.0 =>
            {
                *value = Value::from(float as i64);
                true
            }
            _ => false,
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, item| integral(item) | any),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |any, item| integral(item) | any),
        _ => false,
    }
}

/// The problem of a body that does not read as `T`.
fn problem(error: serde_path_to_error::Error<serde_json::Error>, body: &[u8]) -> ApiError {
    let pointer = pointer(error.path());
    let inner = error.into_inner();
    // serde_json reports some wrong types (null or a number for an enum) as syntax
    // errors; when the body is valid JSON, the value is what is wrong.
    let well_formed = || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok();
    if inner.is_syntax() && well_formed() {
        ApiError::validation(vec![FieldError::body(
            pointer,
            "has the wrong type; see the schema for the values allowed here",
        )])
    } else if inner.is_data() {
        let (pointer, message) = refine(pointer, strip_position(&inner.to_string()));
        ApiError::validation(vec![FieldError::body(pointer, plain_words(&message))])
    } else {
        ApiError::BadRequest {
            detail: format!("The request body is not valid JSON: {inner}."),
            errors: vec![FieldError::body(pointer, "is not valid JSON here")],
        }
    }
}

fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        let part = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                key.replace('~', "~0").replace('/', "~1")
            }
            Segment::Unknown => continue,
        };
        out.push('/');
        out.push_str(&part);
    }
    out
}

/// serde names a missing or unknown field in its message but not in the path; move it
/// into the pointer so every error points at the field itself.
fn refine(pointer: String, message: String) -> (String, String) {
    for (prefix, text) in [
        ("missing field `", "is required"),
        ("unknown field `", "is not a known field"),
        (
            "duplicate field `",
            "is given more than once; give each field once",
        ),
    ] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some(name) = rest.split('`').next()
        {
            let field_pointer = format!("{pointer}/{name}");
            let pointer = if pointer.ends_with(&format!("/{name}")) {
                pointer
            } else {
                field_pointer
            };
            let message = match rest.split_once(", expected ") {
                Some((_, expected)) if prefix.starts_with("unknown") => {
                    let known = names(expected);
                    match nearest(name, &known) {
                        Some(near) => format!(
                            "{text} (`{name}`); did you mean `{near}`? Known fields: {}",
                            known.join(", ")
                        ),
                        None => format!("{text} (`{name}`); known fields: {}", known.join(", ")),
                    }
                }
                _ => text.to_string(),
            };
            return (pointer, message);
        }
    }
    (pointer, message)
}

/// The names in serde's "`a`, `b` or `c`" / "one of `a`, `b`".
fn names(list: &str) -> Vec<String> {
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The known name closest to `name` (at most two edits away, or one it begins), if any.
fn nearest(name: &str, known: &[String]) -> Option<String> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut previous = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let current = row[j + 1];
                row[j + 1] = (previous + usize::from(ca != *cb))
                    .min(row[j] + 1)
                    .min(current + 1);
                previous = current;
            }
        }
        row[b.len()]
    }
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (distance(&lower, k), k))
        .filter(|(d, k)| *d <= 2 || (lower.len() >= 3 && k.starts_with(&lower)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

/// serde's and chrono's messages in the words of the API's users: what to write
/// instead, never "variant", "invalid type" or "trailing input".
pub(crate) fn plain_words(message: &str) -> String {
    // Enumerations.
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once("`, expected ")
    {
        let allowed = names(expected);
        return match nearest(value, &allowed) {
            Some(near) => format!(
                "\"{value}\" is not one of: {}; did you mean \"{near}\"?",
                allowed.join(", ")
            ),
            None => format!("\"{value}\" is not one of: {}", allowed.join(", ")),
        };
    }
    // Dates (chrono's parse errors): what a Dutch habit like 01-04-2026 runs into.
    if [
        "trailing input",
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
        "bad or unsupported format string",
    ]
    .contains(&message)
    {
        return crate::domain::project::DATE_WORDS.to_string();
    }
    // Types.
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((got, expected)) = rest.split_once(", expected ")
    {
        let got = got
            .replace("floating point `", "the number ")
            .replace("integer `", "the number ")
            .replace("string \"", "the text \"")
            .replace("boolean `", "")
            .replace('`', "");
        if expected == "a string" && got.starts_with("the number") {
            return format!("must be text in quotes, such as \"1250.50\" for an amount; got {got}");
        }
        let wanted = match expected {
            "a string" => "text in quotes".to_string(),
            "a boolean" => "true or false".to_string(),
            "a sequence" => "a list".to_string(),
            e if e.starts_with("struct ") || e == "a map" => "an object".to_string(),
            e if ["u8", "u16", "u32", "u64", "i16", "i32", "i64", "usize"].contains(&e) => {
                "a whole number".to_string()
            }
            e => e.to_string(),
        };
        return format!("must be {wanted}; got {got}");
    }
    if let Some(rest) = message.strip_prefix("invalid value: integer `")
        && let Some((value, _)) = rest.split_once('`')
    {
        return format!("{value} is out of range here");
    }
    message.to_string()
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// A query string. Unknown parameters and values of the wrong type: 422 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded_parse(
            req.query_string().as_bytes(),
        ));
        std::future::ready(
            serde_path_to_error::deserialize(deserializer)
                .map(Query)
                .map_err(|error| {
                    let path = error.path().to_string();
                    let message = error.into_inner().to_string();
                    let (parameter, message) = refine(
                        if path == "." {
                            String::new()
                        } else {
                            format!("/{path}")
                        },
                        message,
                    );
                    ApiError::validation(vec![FieldError::parameter(
                        parameter.trim_start_matches('/'),
                        plain_words(&message),
                    )])
                }),
        )
    }
}

fn form_urlencoded_parse(input: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        count: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    fn first_error(body: &str) -> (u16, FieldError) {
        let err = parse_json::<Outer>(body.as_bytes()).unwrap_err();
        let problem = err.problem();
        (problem.status, problem.errors.into_iter().next().unwrap())
    }

    #[test]
    fn a_whole_number_written_with_a_point_is_a_whole_number() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Counts {
            count: u32,
            more: Option<Vec<i32>>,
        }
        let read = parse_json::<Counts>(br#"{"count": 310.0, "more": [-2.0, 3]}"#).unwrap();
        assert_eq!(
            read,
            Counts {
                count: 310,
                more: Some(vec![-2, 3])
            }
        );
        for (body, pointer) in [
            (r#"{"count": 310.5}"#, "/count"),
            (r#"{"count": 1.0, "more": [0.25]}"#, "/more/0"),
            (r#"{"count": 1e300}"#, "/count"),
            // a key given twice is refused on this path as on the typed one
            (r#"{"count": 1.0, "count": 2}"#, "/count"),
            (r#"{"count": 2, "more": [1.0], "count": 2}"#, "/count"),
            (r#"{"count": 1, "count": 2.0}"#, "/count"),
        ] {
            let problem = parse_json::<Counts>(body.as_bytes()).unwrap_err().problem();
            assert_eq!(problem.status, 422, "{body}");
            assert_eq!(
                problem.errors[0].pointer.as_deref(),
                Some(pointer),
                "{body}"
            );
        }
    }

    #[test]
    fn errors_point_at_the_field() {
        let (status, e) =
            first_error(r#"{"items":[{"name":"a","count":1},{"name":"b","count":"x"}]}"#);
        assert_eq!(
            (status, e.pointer.as_deref()),
            (422, Some("/items/1/count"))
        );
        let (_, e) = first_error(r#"{"items":[{"name":"a"}]}"#);
        assert_eq!(
            (e.pointer.as_deref(), e.message.as_str()),
            (Some("/items/0/count"), "is required")
        );
        let (_, e) = first_error(r#"{"items":[],"extra":1}"#);
        assert_eq!(e.pointer.as_deref(), Some("/extra"));
        assert!(e.message.starts_with("is not a known field"));
        let (_, e) = first_error(r#"{"items":[{"name":"a","count":1,"name":"b"}]}"#);
        assert_eq!(
            (e.pointer.as_deref(), e.message.as_str()),
            (
                Some("/items/0/name"),
                "is given more than once; give each field once"
            )
        );
    }

    #[test]
    fn library_words_become_the_api_users_words() {
        let plain = |m: &str| plain_words(m);
        assert_eq!(
            plain("unknown variant `busy`, expected one of `draft`, `active`, `completed`"),
            "\"busy\" is not one of: draft, active, completed"
        );
        assert_eq!(
            plain("unknown variant `actve`, expected `draft` or `active`"),
            "\"actve\" is not one of: draft, active; did you mean \"active\"?"
        );
        assert!(plain("trailing input").contains("YYYY-MM-DD"));
        assert_eq!(
            plain("invalid type: floating point `1250.5`, expected a string"),
            "must be text in quotes, such as \"1250.50\" for an amount; got the number 1250.5"
        );
        assert_eq!(
            plain("invalid type: string \"x\", expected u32"),
            "must be a whole number; got the text \"x\""
        );
        assert_eq!(
            plain("invalid type: null, expected a sequence"),
            "must be a list; got null"
        );
        for message in [
            plain("unknown variant `a`, expected `b`"),
            plain("invalid type: map, expected a string"),
        ] {
            for jargon in ["variant", "invalid type", "`"] {
                assert!(!message.contains(jargon), "{message}");
            }
        }
        let (_, e) = first_error(r#"{"itmes":[]}"#);
        assert_eq!(e.pointer.as_deref(), Some("/itmes"));
        assert!(e.message.contains("did you mean `items`?"), "{}", e.message);
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        let (status, _) = first_error(r#"{"items": [}"#);
        assert_eq!(status, 400);
        assert_eq!(
            parse_json::<Outer>(b"  ").unwrap_err().problem().status,
            400
        );
        assert_eq!(
            parse_json::<Outer>(br#"{"items":[]} {}"#)
                .unwrap_err()
                .problem()
                .status,
            400
        );
    }
}
