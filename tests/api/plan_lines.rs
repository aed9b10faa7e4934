//! Plan lines of a project: target groups (`/target-groups`) and planned hours
//! (`/hours`), and their own rules (languages, quarters, amounts, uniqueness). What
//! every part shares (roles, tenancy, If-Match/ETag, 405, merge patch, paging, delete)
//! is in [`crate::contract`].

use crate::helpers::{Refused, assert_rejected, assert_write_refused, create};
use crate::helpers::{
    all_items, fetch, id_of, json_of, line_path, lines_path, new_project, version,
};
use crate::helpers::{etag_of, problem, project_body, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

const TARGET_GROUPS: &str = "target-groups";
const HOURS: &str = "hours";

const ACTIVITIES: [&str; 8] = [
    "outreach",
    "key_person_meetings",
    "caregiver_conversations",
    "network_meetings",
    "communication",
    "coordination",
    "training",
    "other",
];

fn target_group_body(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Mantelzorgers met een Turkse achtergrond in Oost",
        "languages": ["tr", "nl"]
    })
}

fn hours_body(activity: &str, quarter: &str) -> Value {
    json!({
        "activity": activity,
        "quarter": quarter,
        "hours": "120.50",
        "hourly_rate": "45.00",
        "notes": "Twee sleutelpersonen"
    })
}

/// The `i`-th of a set of distinct, valid bodies for `segment`.
fn sample(segment: &str, i: usize) -> Value {
    match segment {
        TARGET_GROUPS => target_group_body(&format!("Doelgroep {i}")),
        HOURS => hours_body(ACTIVITIES[i % 8], &format!("2026-Q{}", 1 + (i / 8) % 4)),
        other => panic!("unknown segment {other}"),
    }
}

// --- target groups: create and languages ----------------------------------------------

#[tokio::test]
async fn a_target_group_is_created_with_201_location_etag_and_get_and_list_agree() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Doelgroepen").await;
    let collection = lines_path(&pid, TARGET_GROUPS);

    let response = app
        .post(
            &collection,
            &tenant.token,
            &target_group_body("Turks-Nederlandse mantelzorgers"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "id is a UUID: {id}");
    assert_eq!(
        location,
        format!("/api/v1/projects/{pid}/target-groups/{id}")
    );
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["name"], "Turks-Nederlandse mantelzorgers");
    assert_eq!(
        created["description"],
        "Mantelzorgers met een Turkse achtergrond in Oost"
    );
    assert_eq!(created["languages"], json!(["tr", "nl"]));
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());
    let mut keys: Vec<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "created_at",
            "description",
            "id",
            "languages",
            "name",
            "project_id",
            "updated_at"
        ]
    );

    let (got, got_etag) = fetch(&app, &tenant.token, &location).await;
    assert_eq!(got, created, "GET gives what POST returned");
    assert_eq!(got_etag, etag);
    let listed = json_of(app.get(&collection, &tenant.token).await).await;
    assert_eq!(listed["items"], json!([created]));
    assert!(listed["next_cursor"].is_null());
}

#[tokio::test]
async fn languages_are_iso_639_1_codes_or_639_3_codes_for_languages_without_one() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Talen").await;
    let collection = lines_path(&pid, TARGET_GROUPS);
    let languages = json!(["tr", "ar", "nl", "ti", "zgh", "srn", "pap"]);
    let body = json!({"name": "Veel talen", "description": null, "languages": languages});
    let (created, _) = create(&app, &tenant.token, &lines_path(&pid, TARGET_GROUPS), &body).await;
    assert_eq!(created["languages"], languages);
    assert!(created["description"].is_null());
    let (got, _) = fetch(
        &app,
        &tenant.token,
        &line_path(&pid, TARGET_GROUPS, &id_of(&created)),
    )
    .await;
    assert_eq!(got["languages"], languages, "stored as sent");

    // Tigrinya has a 639-1 code, so its 639-3 code is refused, pointing at the right one.
    let body = json!({"name": "Tigrinya", "description": null, "languages": ["nl", "tir"]});
    let problem = assert_rejected(&app, &tenant.token, &collection, &body, &["/languages/1"]).await;
    let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == "ti"),
        "the message names \"ti\": {message}"
    );
}

#[tokio::test]
async fn an_unknown_uppercase_or_repeated_language_is_422_at_its_index() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Talen").await;
    let collection = lines_path(&pid, TARGET_GROUPS);
    for (languages, pointer) in [
        (json!(["nl", "xx"]), "/languages/1"),
        (json!(["TR"]), "/languages/0"),
        (json!(["nl", "ar", "Nl"]), "/languages/2"),
        (json!(["nl", "tr", "nl"]), "/languages/2"),
        (json!(["zgh", "ar", "zgh"]), "/languages/2"),
        (json!(["nl", 5]), "/languages/1"),
    ] {
        let body = json!({"name": "Groep", "description": null, "languages": languages});
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }
}

#[tokio::test]
async fn target_group_name_and_description_limits_and_a_repeated_name_are_refused() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Namen").await;
    let other_pid = new_project(&app, &tenant.token, "Ander project").await;
    let collection = lines_path(&pid, TARGET_GROUPS);

    for name in ["", "   "] {
        assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &target_group_body(name),
            &["/name"],
        )
        .await;
    }
    let long = "ë".repeat(201);
    assert_rejected(
        &app,
        &tenant.token,
        &collection,
        &target_group_body(&long),
        &["/name"],
    )
    .await;
    let mut body = target_group_body("Lange beschrijving");
    body["description"] = json!("d".repeat(4001));
    assert_rejected(&app, &tenant.token, &collection, &body, &["/description"]).await;
    let mut body = target_group_body("Zonder naam");
    body.as_object_mut().unwrap().remove("name");
    assert_rejected(&app, &tenant.token, &collection, &body, &["/name"]).await;
    let mut body = target_group_body("Kleur");
    body["colour"] = json!("blauw");
    assert_rejected(&app, &tenant.token, &collection, &body, &["/colour"]).await;

    // The limits themselves are fine.
    let mut body = target_group_body(&"ë".repeat(200));
    body["description"] = json!("d".repeat(4000));
    create(&app, &tenant.token, &lines_path(&pid, TARGET_GROUPS), &body).await;

    let (first, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Eritrese mantelzorgers"),
    )
    .await;
    let before = all_items(&app, &tenant.token, &collection).await;
    let response = app
        .post(
            &collection,
            &tenant.token,
            &target_group_body("Eritrese mantelzorgers"),
        )
        .await;
    problem(response, 409).await;
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        before,
        "no second one stored"
    );
    // The same name in another project is fine.
    create(
        &app,
        &tenant.token,
        &lines_path(&other_pid, TARGET_GROUPS),
        &target_group_body("Eritrese mantelzorgers"),
    )
    .await;

    // Renaming another group to the taken name is refused too.
    let (second, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Syrische mantelzorgers"),
    )
    .await;
    let path = line_path(&pid, TARGET_GROUPS, &id_of(&second));
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"name": first["name"]})),
        Refused::Conflict,
    )
    .await;
}

// --- hours: amounts, quarters, uniqueness ---------------------------------------------

#[tokio::test]
async fn hours_are_created_and_amounts_are_answered_with_two_decimals() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Uren").await;
    let collection = lines_path(&pid, HOURS);

    let response = app
        .post(
            &collection,
            &tenant.token,
            &hours_body("outreach", "2026-Q3"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert_eq!(location, format!("/api/v1/projects/{pid}/hours/{id}"));
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["activity"], "outreach");
    assert_eq!(created["quarter"], "2026-Q3");
    assert_eq!(created["hours"], "120.50");
    assert_eq!(created["hourly_rate"], "45.00");
    assert_eq!(created["notes"], "Twee sleutelpersonen");
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());
    let (got, got_etag) = fetch(&app, &tenant.token, &location).await;
    assert_eq!((got, got_etag), (created.clone(), etag));

    // Fewer decimals in, always two out; the bounds themselves are accepted.
    for (i, (hours, rate, hours_out, rate_out)) in [
        ("120.5", "45", "120.50", "45.00"),
        ("0", "0", "0.00", "0.00"),
        ("10000", "1000.00", "10000.00", "1000.00"),
        ("7.25", "0.5", "7.25", "0.50"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({
            "activity": ACTIVITIES[i + 1],
            "quarter": "2026-Q1",
            "hours": hours,
            "hourly_rate": rate,
            "notes": null
        });
        let (line, _) = create(&app, &tenant.token, &lines_path(&pid, HOURS), &body).await;
        assert_eq!(
            (line["hours"].as_str(), line["hourly_rate"].as_str()),
            (Some(hours_out), Some(rate_out)),
            "{body}"
        );
        assert!(line["notes"].is_null());
    }
    let all = all_items(&app, &tenant.token, &collection).await;
    assert_eq!(all.len(), 5);
    assert_eq!(all[0], created);
}

#[tokio::test]
async fn invalid_activity_quarter_or_amounts_are_422_at_that_field() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Uren").await;
    let collection = lines_path(&pid, HOURS);
    let with = |field: &str, value: Value| {
        let mut body = hours_body("outreach", "2026-Q3");
        body[field] = value;
        body
    };
    let cases = [
        (with("activity", json!("fundraising")), "/activity"),
        (with("quarter", json!("2026-Q5")), "/quarter"),
        (with("quarter", json!("2026Q3")), "/quarter"),
        (with("quarter", json!("2026-Q0")), "/quarter"),
        (with("hours", json!(120.5)), "/hours"),
        (with("hours", json!("1.234")), "/hours"),
        (with("hours", json!("-1")), "/hours"),
        (with("hours", json!("10000.01")), "/hours"),
        (with("hours", json!("veel")), "/hours"),
        (with("hourly_rate", json!(45)), "/hourly_rate"),
        (with("hourly_rate", json!("1000.01")), "/hourly_rate"),
        (with("hourly_rate", json!("-0.01")), "/hourly_rate"),
        (with("hourly_rate", json!("45.001")), "/hourly_rate"),
        (with("colour", json!("blauw")), "/colour"),
    ];
    for (body, pointer) in cases {
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }
    let mut body = hours_body("outreach", "2026-Q3");
    body.as_object_mut().unwrap().remove("hours");
    assert_rejected(&app, &tenant.token, &collection, &body, &["/hours"]).await;
}

#[tokio::test]
async fn the_quarter_must_overlap_the_project_period() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    // A period that starts and ends in the middle of a quarter.
    let (project, _) = app
        .project(
            &tenant.token,
            &json!({"name": "Kort project", "start_date": "2026-02-15", "end_date": "2026-08-10"}),
        )
        .await;
    let pid = id_of(&project);
    let collection = lines_path(&pid, HOURS);
    for quarter in ["2025-Q4", "2026-Q4", "2030-Q1"] {
        assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &hours_body("outreach", quarter),
            &["/quarter"],
        )
        .await;
    }
    for (activity, quarter) in [
        ("outreach", "2026-Q1"),
        ("training", "2026-Q2"),
        ("other", "2026-Q3"),
    ] {
        let (line, _) = create(
            &app,
            &tenant.token,
            &lines_path(&pid, HOURS),
            &hours_body(activity, quarter),
        )
        .await;
        assert_eq!(line["quarter"], quarter);
    }

    // Moving a line out of the period is refused as well.
    let first = id_of(&all_items(&app, &tenant.token, &collection).await[0]);
    let path = line_path(&pid, HOURS, &first);
    let (_, etag) = fetch(&app, &tenant.token, &path).await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"quarter": "2026-Q4"})),
        Refused::Invalid(&["/quarter"]),
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&hours_body("outreach", "2025-Q4")),
        Refused::Invalid(&["/quarter"]),
    )
    .await;
}

#[tokio::test]
async fn a_second_line_for_the_same_activity_and_quarter_is_409() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Uren").await;
    let other_pid = new_project(&app, &tenant.token, "Ander project").await;
    let collection = lines_path(&pid, HOURS);
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("outreach", "2026-Q3"),
    )
    .await;

    let before = all_items(&app, &tenant.token, &collection).await;
    let mut again = hours_body("outreach", "2026-Q3");
    again["hours"] = json!("10.00");
    let response = app.post(&collection, &tenant.token, &again).await;
    problem(response, 409).await;
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        before,
        "nothing stored"
    );

    // Another quarter, another activity or another project is fine.
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("outreach", "2026-Q4"),
    )
    .await;
    let (training, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("training", "2026-Q3"),
    )
    .await;
    create(
        &app,
        &tenant.token,
        &lines_path(&other_pid, HOURS),
        &hours_body("outreach", "2026-Q3"),
    )
    .await;

    // Moving a line onto a taken activity and quarter is a 409 too.
    let path = line_path(&pid, HOURS, &id_of(&training));
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"activity": "outreach"})),
        Refused::Conflict,
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&hours_body("outreach", "2026-Q3")),
        Refused::Conflict,
    )
    .await;
}

// --- merge patch and PUT ---------------------------------------------------------------

#[tokio::test]
async fn patching_a_target_group_changes_only_what_is_sent_and_null_clears_description() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Eerst"),
    )
    .await;
    let path = line_path(&pid, TARGET_GROUPS, &id_of(&created));

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag,
            Some(&json!({"name": "Daarna"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag2 = etag_of(&response);
    assert!(version(&etag2) > version(&etag), "{etag2} after {etag}");
    let renamed = json_of(response).await;
    assert_eq!(renamed["name"], "Daarna");
    assert_eq!(renamed["languages"], json!(["tr", "nl"]), "languages kept");
    assert_eq!(
        renamed["description"], created["description"],
        "description kept"
    );
    assert_eq!(renamed["created_at"], created["created_at"]);

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag2,
            Some(&json!({"description": null})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag3 = etag_of(&response);
    assert!(version(&etag3) > version(&etag2));
    let cleared = json_of(response).await;
    assert!(cleared["description"].is_null(), "null clears description");
    assert_eq!(cleared["name"], "Daarna");
    assert_eq!(cleared["languages"], json!(["tr", "nl"]));
    assert_eq!(
        fetch(&app, &tenant.token, &path).await,
        (cleared, etag3.clone())
    );

    for (body, pointer) in [
        (json!({"name": null}), "/name"),
        (json!({"name": " "}), "/name"),
        (json!({"languages": ["nl", "xx"]}), "/languages/1"),
        (json!({"colour": "blauw"}), "/colour"),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag3),
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
}

#[tokio::test]
async fn putting_a_target_group_replaces_it_whole() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Put").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Oorspronkelijk"),
    )
    .await;
    let path = line_path(&pid, TARGET_GROUPS, &id_of(&created));
    let replacement = json!({"name": "Vervangen", "description": null, "languages": ["pap", "nl"]});
    let response = app
        .send_if_match(Method::PUT, &path, &tenant.token, &etag, Some(&replacement))
        .await;
    assert_eq!(response.status(), 200);
    let etag2 = etag_of(&response);
    assert!(version(&etag2) > version(&etag));
    let replaced = json_of(response).await;
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["name"], "Vervangen");
    assert!(replaced["description"].is_null());
    assert_eq!(replaced["languages"], json!(["pap", "nl"]));
    assert_eq!(replaced["created_at"], created["created_at"]);
    assert_eq!(
        fetch(&app, &tenant.token, &path).await,
        (replaced, etag2.clone())
    );

    let mut without_name = replacement.clone();
    without_name.as_object_mut().unwrap().remove("name");
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag2),
        Some(&without_name),
        Refused::Invalid(&["/name"]),
    )
    .await;
    let mut unknown = replacement.clone();
    unknown["colour"] = json!("blauw");
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag2),
        Some(&unknown),
        Refused::Invalid(&["/colour"]),
    )
    .await;
}

#[tokio::test]
async fn patching_hours_changes_only_what_is_sent_and_null_clears_notes() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("network_meetings", "2027-Q2"),
    )
    .await;
    let path = line_path(&pid, HOURS, &id_of(&created));

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag,
            Some(&json!({"hours": "80"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag2 = etag_of(&response);
    assert!(version(&etag2) > version(&etag));
    let patched = json_of(response).await;
    assert_eq!(patched["hours"], "80.00");
    for kept in ["activity", "quarter", "hourly_rate", "notes", "created_at"] {
        assert_eq!(patched[kept], created[kept], "{kept} kept");
    }

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag2,
            Some(&json!({"notes": null})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag3 = etag_of(&response);
    let cleared = json_of(response).await;
    assert!(cleared["notes"].is_null(), "null clears notes");
    assert_eq!(cleared["hours"], "80.00");
    assert_eq!(
        fetch(&app, &tenant.token, &path).await,
        (cleared, etag3.clone())
    );

    for (body, pointer) in [
        (json!({"hours": null}), "/hours"),
        (json!({"activity": null}), "/activity"),
        (json!({"quarter": null}), "/quarter"),
        (json!({"hours": 80}), "/hours"),
        (json!({"hours": "10000.01"}), "/hours"),
        (json!({"hourly_rate": "1.234"}), "/hourly_rate"),
        (json!({"colour": "blauw"}), "/colour"),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag3),
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
}

// --- deleting the project ------------------------------------------------------------

#[tokio::test]
async fn deleting_a_project_removes_its_lines() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (project, project_etag) = app.project(&tenant.token, &project_body("Weg")).await;
    let pid = id_of(&project);
    let kept_pid = new_project(&app, &tenant.token, "Blijft").await;
    let mut paths = Vec::new();
    for segment in [TARGET_GROUPS, HOURS] {
        let (line, _) = create(
            &app,
            &tenant.token,
            &lines_path(&pid, segment),
            &sample(segment, 0),
        )
        .await;
        paths.push(line_path(&pid, segment, &id_of(&line)));
        create(
            &app,
            &tenant.token,
            &lines_path(&kept_pid, segment),
            &sample(segment, 0),
        )
        .await;
    }

    let response = app
        .send_if_match(
            Method::DELETE,
            &format!("/api/v1/projects/{pid}"),
            &tenant.token,
            &project_etag,
            None,
        )
        .await;
    assert_eq!(response.status(), 204, "delete the project");
    for path in &paths {
        problem(app.get(path, &tenant.token).await, 404).await;
    }
    for segment in [TARGET_GROUPS, HOURS] {
        problem(
            app.get(&lines_path(&pid, segment), &tenant.token).await,
            404,
        )
        .await;
        assert_eq!(
            all_items(&app, &tenant.token, &lines_path(&kept_pid, segment))
                .await
                .len(),
            1,
            "the other project's {segment} stay"
        );
    }
}
