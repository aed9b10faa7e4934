//! Whose figures a file holds: an organisation user gets its own organisation's; a funder
//! account gets what is shared with it (accepted links, applications past draft), across
//! organisations, in one file, with only its own applications in the funder column;
//! never a draft report, never another funder's project. Two organisations, two funders.

use reqwest::Method;
use serde_json::json;

use super::fixtures::export;
use crate::funders::shared::{applied, linked, report};
use crate::helpers::{Tenant, TestApp, lines_path, register_funder, spawn_app};

/// `(organisation, project, funder, quarter, state)` of every row, from the rfc4180 file.
async fn rows(app: &TestApp, token: &str, query: &str) -> Vec<[String; 5]> {
    let text = export(app, token, &format!("dialect=rfc4180&lang=en&{query}"))
        .await
        .text()
        .await
        .expect("text");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows: Vec<[String; 5]> = reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            [&r[0], &r[1], &r[2], &r[4], &r[6]].map(str::to_string)
        })
        .collect();
    rows.dedup();
    rows
}

fn row(org: &str, project: &str, funder: &str, quarter: &str, state: &str) -> [String; 5] {
    [org, project, funder, quarter, state].map(str::to_string)
}

struct World {
    app: TestApp,
    north: Tenant,
    south: Tenant,
    utrecht: Tenant,
    fund: Tenant,
    north_utrecht: String,
    north_utrecht_link: String,
}

/// Noord: "Samen" applied to Utrecht and the Oranje Fonds, "Fonds alleen" to the fund,
/// "In voorbereiding" to Utrecht as a draft. Zuid: "Respijt" applied to Utrecht. Links:
/// Noord with both funders, Zuid with Utrecht (accepted) and with the fund (requested
/// only).
async fn world() -> World {
    let app = spawn_app().await;
    let north = app.tenant("Steunpunt Noord").await;
    let south = app.tenant("Steunpunt Zuid").await;
    let (utrecht, utrecht_code) = app.funder_account("Gemeente Utrecht").await;
    let (fund, fund_code) = app.funder_account("Oranje Fonds").await;
    let north_utrecht =
        register_funder(&app, &north.token, "Gemeente Utrecht", "municipality").await;
    let north_fund = register_funder(&app, &north.token, "Oranje Fonds", "fund").await;
    let south_utrecht =
        register_funder(&app, &south.token, "Gemeente Utrecht", "municipality").await;
    let south_fund = register_funder(&app, &south.token, "Oranje Fonds", "fund").await;

    let together = applied(&app, &north, "Samen", &north_utrecht, "submitted").await;
    let body = json!({"funder_id": north_fund, "amount_requested": "2500", "status": "submitted",
                      "submitted_on": "2026-01-20"});
    let response = app
        .post(
            &lines_path(&together, "fund-applications"),
            &north.token,
            &body,
        )
        .await;
    assert_eq!(response.status(), 201);
    let fund_only = applied(&app, &north, "Fonds alleen", &north_fund, "submitted").await;
    let preparing = applied(&app, &north, "In voorbereiding", &north_utrecht, "draft").await;
    let respite = applied(&app, &south, "Respijt", &south_utrecht, "submitted").await;
    let respite_fund = applied(
        &app,
        &south,
        "Respijt voor het fonds",
        &south_fund,
        "submitted",
    )
    .await;
    for (org, pid) in [
        (&north, &together),
        (&north, &fund_only),
        (&north, &preparing),
        (&south, &respite),
        (&south, &respite_fund),
    ] {
        report(&app, org, pid, "2026-Q1", true).await;
    }
    report(&app, &north, &together, "2026-Q2", false).await;

    let north_utrecht_link = linked(&app, &north, &north_utrecht, &utrecht_code, &utrecht).await;
    linked(&app, &north, &north_fund, &fund_code, &fund).await;
    linked(&app, &south, &south_utrecht, &utrecht_code, &utrecht).await;
    let requested = app
        .post(
            "/api/v1/funder-links",
            &south.token,
            &json!({"funder_id": south_fund, "funder_code": fund_code}),
        )
        .await;
    assert_eq!(requested.status(), 201, "a link the fund has not accepted");
    World {
        app,
        north,
        south,
        utrecht,
        fund,
        north_utrecht,
        north_utrecht_link,
    }
}

#[tokio::test]
async fn each_caller_gets_what_it_may_see_and_a_funder_its_own_applications() {
    let w = world().await;
    let app = &w.app;
    let north = "Steunpunt Noord";
    let south = "Steunpunt Zuid";

    // Utrecht: across both organisations, never the draft (even when asked for), never
    // the fund's projects; only itself in the funder column of the co-funded project.
    let expected = vec![
        row(north, "Samen", "Gemeente Utrecht", "2026-Q1", "Submitted"),
        row(south, "Respijt", "Gemeente Utrecht", "2026-Q1", "Submitted"),
    ];
    assert_eq!(rows(app, &w.utrecht.token, "").await, expected);
    assert_eq!(
        rows(
            app,
            &w.utrecht.token,
            "states=draft,submitted,accepted,returned"
        )
        .await,
        expected
    );
    let response = export(app, &w.utrecht.token, "").await;
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("kwartaalcijfers-gemeente-utrecht-2026-Q1.csv"),
        "{disposition}"
    );

    // The fund: Noord only (Zuid's link is not accepted).
    assert_eq!(
        rows(app, &w.fund.token, "").await,
        [
            row(
                north,
                "Fonds alleen",
                "Oranje Fonds",
                "2026-Q1",
                "Submitted"
            ),
            row(north, "Samen", "Oranje Fonds", "2026-Q1", "Submitted"),
        ]
    );

    // Noord: its own projects only, every funder of each, drafts when asked for.
    assert_eq!(
        rows(app, &w.north.token, "").await,
        [
            row(
                north,
                "Fonds alleen",
                "Oranje Fonds",
                "2026-Q1",
                "Submitted"
            ),
            row(north, "In voorbereiding", "", "2026-Q1", "Submitted"),
            row(
                north,
                "Samen",
                "Gemeente Utrecht; Oranje Fonds",
                "2026-Q1",
                "Submitted"
            ),
        ]
    );
    assert!(
        rows(app, &w.north.token, "states=draft").await
            == [row(
                north,
                "Samen",
                "Gemeente Utrecht; Oranje Fonds",
                "2026-Q2",
                "Draft"
            )]
    );
    assert_eq!(
        rows(
            app,
            &w.north.token,
            &format!("funder_id={}", w.north_utrecht)
        )
        .await,
        [row(
            north,
            "Samen",
            "Gemeente Utrecht",
            "2026-Q1",
            "Submitted"
        )]
    );
    assert_eq!(
        rows(app, &w.south.token, "").await,
        [
            row(south, "Respijt", "Gemeente Utrecht", "2026-Q1", "Submitted"),
            row(
                south,
                "Respijt voor het fonds",
                "Oranje Fonds",
                "2026-Q1",
                "Submitted"
            ),
        ]
    );

    // Ended by Noord: Utrecht's next file holds Zuid only.
    let ended = app
        .request(
            Method::POST,
            &format!("/api/v1/funder-links/{}/end", w.north_utrecht_link),
            Some(&w.north.token),
        )
        .send()
        .await
        .expect("end");
    assert_eq!(ended.status(), 200);
    assert_eq!(
        rows(app, &w.utrecht.token, "").await,
        [row(
            south,
            "Respijt",
            "Gemeente Utrecht",
            "2026-Q1",
            "Submitted"
        )]
    );
}
