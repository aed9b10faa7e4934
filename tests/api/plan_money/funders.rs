//! The organisation's funder register (`/api/v1/funders`): one funder per name whatever
//! its case and spacing, the reference numbers it may carry, applications that must name
//! a funder of their own organisation, deletion refused while applications refer to it,
//! and the migration that turned free-text funder names into register entries.

use super::*;
use crate::helpers::{
    Tenant, assert_conflict, delete_current, named_fields, spawn_app_migrated_from,
};

const REGISTER: &str = "/api/v1/funders";

fn funder_path(id: &str) -> String {
    format!("{REGISTER}/{id}")
}

async fn application(app: &TestApp, t: &Tenant, pid: &str, funder: &str) -> String {
    let (created, _) = create(
        app,
        &t.token,
        &lines_path(pid, FUND_APPLICATIONS),
        &fund_body(funder),
    )
    .await;
    id_of(&created)
}

#[tokio::test]
async fn a_funder_name_is_one_funder_whatever_its_case_and_spacing() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt Noord").await;
    let b = app.tenant("Steunpunt Zuid").await;

    let (utrecht, _) = create(
        &app,
        &a.token,
        REGISTER,
        &json!({
            "name": "  Gemeente   Utrecht ",
            "kind": "municipality",
            "municipality_code": "GM0344",
            "kvk_number": "30280353",
            "reference": "REL-0042",
            "contacts": [{"name": "Anouk de Vries", "role": "Beleidsadviseur mantelzorg",
                          "email": "a.devries@utrecht.example", "phone": null}]
        }),
    )
    .await;
    assert_eq!(utrecht["name"], "Gemeente Utrecht", "spaces tidied");
    assert_eq!(utrecht["municipality_code"], "GM0344");
    assert_eq!(utrecht["kvk_number"], "30280353");
    assert_eq!(utrecht["contacts"][0]["name"], "Anouk de Vries");
    assert_eq!(
        all_items(&app, &a.token, REGISTER).await,
        std::slice::from_ref(&utrecht)
    );

    for same in [
        "gemeente utrecht",
        "GEMEENTE  UTRECHT",
        "\tGemeente Utrecht",
    ] {
        assert_conflict(
            &app,
            &a.token,
            REGISTER,
            &json!({"name": same, "kind": "municipality"}),
        )
        .await;
    }
    let response = app
        .post(
            REGISTER,
            &a.token,
            &json!({"name": "Gemeente utrecht", "kind": "municipality"}),
        )
        .await;
    let refused = problem(response, 409).await;
    assert_eq!(
        named_fields(&refused),
        ["/name"],
        "the conflict names the field: {refused}"
    );

    // Renaming another funder onto the name is the same conflict.
    let (fonds, _) = create(
        &app,
        &a.token,
        REGISTER,
        &json!({"name": "Oranje Fonds", "kind": "fund"}),
    )
    .await;
    assert_write_refused(
        &app,
        &a.token,
        &funder_path(&id_of(&fonds)),
        Method::PATCH,
        None,
        Some(&json!({"name": "gemeente UTRECHT"})),
        Refused::Conflict,
    )
    .await;
    // A funder may be renamed to a spelling of its own name.
    let (renamed, _) = write_ok(
        &app,
        &a.token,
        &funder_path(&id_of(&utrecht)),
        Method::PATCH,
        None,
        &json!({"name": "gemeente Utrecht"}),
    )
    .await;
    assert_eq!(renamed["name"], "gemeente Utrecht");

    // Another organisation keeps a register of its own.
    let (own, _) = create(
        &app,
        &b.token,
        REGISTER,
        &json!({"name": "Gemeente Utrecht", "kind": "municipality"}),
    )
    .await;
    assert_ne!(own["id"], utrecht["id"]);
    assert_eq!(all_items(&app, &b.token, REGISTER).await.len(), 1);
}

#[tokio::test]
async fn a_funder_is_refused_at_the_field_that_is_wrong() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    for (body, pointer) in [
        (json!({"name": "", "kind": "fund"}), "/name"),
        (json!({"name": "  ", "kind": "fund"}), "/name"),
        (json!({"name": "f".repeat(201), "kind": "fund"}), "/name"),
        (json!({"name": "Zonder soort"}), "/kind"),
        // The kind of the old free-text field is now `fund`.
        (json!({"name": "Fonds", "kind": "private_fund"}), "/kind"),
        (
            json!({"name": "Fonds", "kind": "fund", "kvk_number": "3028035"}),
            "/kvk_number",
        ),
        (
            json!({"name": "Fonds", "kind": "fund", "kvk_number": "3028035A"}),
            "/kvk_number",
        ),
        (
            json!({"name": "Gemeente", "kind": "municipality", "municipality_code": "0344"}),
            "/municipality_code",
        ),
        (
            json!({"name": "Gemeente", "kind": "municipality", "municipality_code": "gm0344"}),
            "/municipality_code",
        ),
        (
            json!({"name": "Gemeente", "kind": "municipality", "municipality_code": ""}),
            "/municipality_code",
        ),
        (
            json!({"name": "Fonds", "kind": "fund", "kvk_number": " 30280353"}),
            "/kvk_number",
        ),
        (
            json!({"name": "Gemeente", "kind": "municipality", "municipality_code": "GM03440"}),
            "/municipality_code",
        ),
        // A municipality code belongs to a municipality only.
        (
            json!({"name": "Provincie Utrecht", "kind": "province", "municipality_code": "GM0344"}),
            "/municipality_code",
        ),
        (
            json!({"name": "Fonds", "kind": "fund", "reference": "r".repeat(201)}),
            "/reference",
        ),
        (
            json!({"name": "Fonds", "kind": "fund", "notes": "n".repeat(4001)}),
            "/notes",
        ),
        (
            json!({"name": "Fonds", "kind": "fund", "contacts": [{"role": "Adviseur"}]}),
            "/contacts/0/name",
        ),
        (
            json!({"name": "Fonds", "kind": "fund", "contacts": [{"name": "Els", "email": "geen-adres"}]}),
            "/contacts/0/email",
        ),
        (
            json!({"name": "Fonds", "kind": "fund", "website": "https://fonds.example"}),
            "/website",
        ),
    ] {
        assert_rejected(&app, &t.token, REGISTER, &body, &[pointer]).await;
    }

    // Every kind the register knows is accepted.
    for (i, kind) in [
        "municipality",
        "fund",
        "province",
        "national_government",
        "health_insurer_or_care_office",
        "other",
    ]
    .into_iter()
    .enumerate()
    {
        let (created, _) = create(
            &app,
            &t.token,
            REGISTER,
            &json!({"name": format!("Financier {i}"), "kind": kind}),
        )
        .await;
        assert_eq!(created["kind"], kind);
    }
}

#[tokio::test]
async fn a_funder_that_applications_refer_to_cannot_be_deleted_until_they_are_gone() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let first = new_project(&app, &t.token, "Mantelzorg in de wijk").await;
    let second = new_project(&app, &t.token, "Jonge mantelzorgers").await;
    let funder = register_funder(&app, &t.token, "Oranje Fonds", "fund").await;
    let applications = [
        (first.clone(), application(&app, &t, &first, &funder).await),
        (
            second.clone(),
            application(&app, &t, &second, &funder).await,
        ),
    ];
    let ids = sorted(applications.iter().map(|(_, id)| id.clone()).collect());

    let path = funder_path(&funder);
    let (before, etag) = fetch(&app, &t.token, &path).await;
    let refused = problem(
        app.send_if_match(Method::DELETE, &path, &t.token, &etag, None)
            .await,
        409,
    )
    .await;
    let named: Vec<String> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["message"].as_str().expect("message").to_string())
        .collect();
    assert_eq!(
        sorted(named),
        ids.iter()
            .map(|id| format!("used by fund applications {id}"))
            .collect::<Vec<_>>(),
        "{refused}"
    );
    assert_eq!(fetch(&app, &t.token, &path).await, (before, etag));

    for (pid, id) in &applications {
        let line = line_path(pid, FUND_APPLICATIONS, id);
        assert_eq!(delete_current(&app, &t.token, &line).await.status(), 204);
    }
    assert_eq!(delete_current(&app, &t.token, &path).await.status(), 204);
    assert_eq!(app.get(&path, &t.token).await.status(), 404);
}

#[tokio::test]
async fn an_application_names_a_funder_of_its_own_organisation() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt Noord").await;
    let b = app.tenant("Steunpunt Zuid").await;
    let pid = new_project(&app, &a.token, "Fondsen").await;
    let theirs = register_funder(&app, &b.token, "Gemeente Groningen", "municipality").await;
    let ours = register_funder(&app, &a.token, "Gemeente Assen", "municipality").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);

    for funder in [theirs.clone(), uuid::Uuid::new_v4().to_string()] {
        assert_rejected(
            &app,
            &a.token,
            &collection,
            &fund_body(&funder),
            &["/funder_id"],
        )
        .await;
    }
    assert_rejected(
        &app,
        &a.token,
        &collection,
        &without(&fund_body(&ours), "funder_id"),
        &["/funder_id"],
    )
    .await;

    let id = application(&app, &a, &pid, &ours).await;
    assert_write_refused(
        &app,
        &a.token,
        &line_path(&pid, FUND_APPLICATIONS, &id),
        Method::PATCH,
        None,
        Some(&json!({"funder_id": theirs})),
        Refused::Invalid(&["/funder_id"]),
    )
    .await;
    let (stored, _) = fetch(&app, &a.token, &line_path(&pid, FUND_APPLICATIONS, &id)).await;
    assert_eq!(stored["funder_id"], ours);
}

#[tokio::test]
async fn the_register_is_in_the_audit_trail_without_its_contacts() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let (created, _) = create(
        &app,
        &t.token,
        REGISTER,
        &json!({"name": "Fonds Zorg Dichtbij", "kind": "fund",
                "contacts": [{"name": "Pieter Bakker", "email": "p.bakker@fonds.example", "phone": "0201234567"}]}),
    )
    .await;
    let path = funder_path(&id_of(&created));
    write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"kind": "other", "contacts": []}),
    )
    .await;
    assert_eq!(delete_current(&app, &t.token, &path).await.status(), 204);

    let page = json_of(app.get("/api/v1/audit?limit=200", &t.token).await).await;
    let text = page.to_string();
    for personal in ["Pieter", "p.bakker@fonds.example", "0201234567"] {
        assert!(!text.contains(personal), "{personal} in the trail: {text}");
    }
    let events: Vec<&Value> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["entity"] == "funder")
        .collect();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["deleted", "updated", "created"], "{page:#}");
    assert!(events.iter().all(|e| e["entity_id"] == created["id"]));
    assert_eq!(events[1]["before"]["kind"], "fund");
    assert_eq!(events[1]["after"]["kind"], "other");
    assert_eq!(
        events[1]["before"]["contacts"],
        json!({"redacted": true, "count": 1})
    );
    assert_eq!(
        events[1]["after"]["contacts"],
        json!({"redacted": true, "count": 0})
    );
    assert_eq!(events[0]["before"]["name"], "Fonds Zorg Dichtbij");
}

/// What the database held before the register: applications naming their funder in free
/// text, spelled in several ways, in two organisations.
const BEFORE_THE_REGISTER: &str = r#"
INSERT INTO organisations (id, name) VALUES
    ('0195a000-0000-7000-8000-00000000000a', 'Steunpunt Noord'),
    ('0195a000-0000-7000-8000-00000000000b', 'Steunpunt Zuid');
INSERT INTO users (id, organisation_id, email, name, password_hash, role) VALUES
    ('0195a000-0000-7000-8000-0000000000a1', '0195a000-0000-7000-8000-00000000000a',
     'admin@noord.example', 'Beheer Noord', '{hash}', 'admin'),
    ('0195a000-0000-7000-8000-0000000000b1', '0195a000-0000-7000-8000-00000000000b',
     'admin@zuid.example', 'Beheer Zuid', '{hash}', 'admin');
INSERT INTO projects (id, organisation_id, name, start_date, end_date) VALUES
    ('0195a000-0000-7000-8000-0000000001a1', '0195a000-0000-7000-8000-00000000000a',
     'Mantelzorg in de wijk', '2026-01-01', '2026-12-31'),
    ('0195a000-0000-7000-8000-0000000001a2', '0195a000-0000-7000-8000-00000000000a',
     'Jonge mantelzorgers', '2026-01-01', '2026-12-31'),
    ('0195a000-0000-7000-8000-0000000001b1', '0195a000-0000-7000-8000-00000000000b',
     'Respijtzorg', '2026-01-01', '2026-12-31');
INSERT INTO fund_applications
    (id, organisation_id, project_id, funder_name, funder_kind, amount_requested, created_at)
VALUES
    ('0195a000-0000-7000-8000-000000000a01', '0195a000-0000-7000-8000-00000000000a',
     '0195a000-0000-7000-8000-0000000001a1', 'Gemeente Utrecht', 'municipality', 1000,
     '2026-01-02 10:00+01'),
    ('0195a000-0000-7000-8000-000000000a02', '0195a000-0000-7000-8000-00000000000a',
     '0195a000-0000-7000-8000-0000000001a2', 'gemeente  utrecht ', 'other', 2000,
     '2026-01-03 10:00+01'),
    ('0195a000-0000-7000-8000-000000000a03', '0195a000-0000-7000-8000-00000000000a',
     '0195a000-0000-7000-8000-0000000001a1', 'Oranje   Fonds', 'private_fund', 3000,
     '2026-01-04 10:00+01'),
    ('0195a000-0000-7000-8000-000000000a04', '0195a000-0000-7000-8000-00000000000a',
     '0195a000-0000-7000-8000-0000000001a2', 'GEMEENTE UTRECHT', 'municipality', 4000,
     '2026-01-05 10:00+01'),
    ('0195a000-0000-7000-8000-000000000b01', '0195a000-0000-7000-8000-00000000000b',
     '0195a000-0000-7000-8000-0000000001b1', 'Gemeente Utrecht', 'municipality', 5000,
     '2026-01-06 10:00+01');
"#;

#[tokio::test]
async fn the_migration_makes_one_register_entry_per_organisation_and_name() {
    let hash = mantelmonitor::auth::password::hash(crate::helpers::PASSWORD).expect("hash");
    let seed = BEFORE_THE_REGISTER.replace("{hash}", &hash);
    let app = spawn_app_migrated_from("2026-12-02-000008", &seed).await;
    let noord = app
        .login("admin@noord.example", crate::helpers::PASSWORD)
        .await;
    let zuid = app
        .login("admin@zuid.example", crate::helpers::PASSWORD)
        .await;

    let register = all_items(&app, &noord, REGISTER).await;
    let named: Vec<(&str, &str)> = register
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sorted(named),
        [
            ("Gemeente Utrecht", "municipality"),
            ("Oranje Fonds", "fund")
        ],
        "spelled and kinded as in the earliest application, spaces tidied: {register:?}"
    );
    let id_of_name = |name: &str| {
        register
            .iter()
            .find(|f| f["name"] == name)
            .map(id_of)
            .expect("in the register")
    };
    let (utrecht, oranje) = (id_of_name("Gemeente Utrecht"), id_of_name("Oranje Fonds"));

    let projects = [
        "0195a000-0000-7000-8000-0000000001a1",
        "0195a000-0000-7000-8000-0000000001a2",
    ];
    let mut kept = Vec::new();
    for pid in projects {
        for item in all_items(&app, &noord, &lines_path(pid, FUND_APPLICATIONS)).await {
            kept.push((
                item["id"].as_str().unwrap().to_string(),
                item["funder_id"].as_str().unwrap().to_string(),
                item["amount_requested"].as_str().unwrap().to_string(),
            ));
        }
    }
    let expected = [
        ("a01", &utrecht, "1000.00"),
        ("a02", &utrecht, "2000.00"),
        ("a03", &oranje, "3000.00"),
        ("a04", &utrecht, "4000.00"),
    ]
    .map(|(id, funder, amount)| {
        (
            format!("0195a000-0000-7000-8000-000000000{id}"),
            funder.to_string(),
            amount.to_string(),
        )
    });
    assert_eq!(sorted(kept), expected, "every application kept");

    // The summary adds the three spellings up as one funder.
    let summary = json_of(
        app.get(&format!("/api/v1/projects/{}/summary", projects[1]), &noord)
            .await,
    )
    .await;
    assert_eq!(
        summary["funding"]["per_funder"],
        json!([{"funder_id": utrecht, "funder_name": "Gemeente Utrecht",
                "funder_kind": "municipality", "applications": 2,
                "requested": "6000.00", "granted": "0.00", "pending": "6000.00"}]),
        "{summary:#}"
    );

    // The other organisation got an entry of its own for the same name.
    let theirs = all_items(&app, &zuid, REGISTER).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["name"], "Gemeente Utrecht");
    assert_ne!(theirs[0]["id"], utrecht);
    let b_applications = all_items(
        &app,
        &zuid,
        &lines_path("0195a000-0000-7000-8000-0000000001b1", FUND_APPLICATIONS),
    )
    .await;
    assert_eq!(b_applications.len(), 1);
    assert_eq!(b_applications[0]["funder_id"], theirs[0]["id"]);

    // The change of representation is not a change of the plan.
    let history = json_of(
        app.get(&format!("/api/v1/projects/{}/history", projects[0]), &noord)
            .await,
    )
    .await;
    let updates: Vec<&Value> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "updated")
        .collect();
    assert!(updates.is_empty(), "{history:#}");
}
