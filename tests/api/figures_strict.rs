//! Bulk figures refuse what they cannot read unambiguously: a CSV quote that never
//! closes, a CSV row with more or fewer cells than the header, one figure set twice in
//! one request (JSON or CSV). Each is a 422 naming every row involved, and nothing is
//! stored. A replayed answer is the first answer's bytes.

use serde_json::{Value, json};

use crate::figures::{
    all_not_started, cells_named, ok, one_project, outcome, replayed, row, send, send_csv,
    send_json, states,
};
use crate::helpers::{PlannedProject, TestApp, problem, spawn_app, stored};

const HEADER: &str = "project;kwartaal;cijfer;onderwerp;waarde\n";

async fn nothing_stored(app: &TestApp, token: &str, p: &PlannedProject) {
    assert!(
        all_not_started(&states(app, token, &p.pid).await),
        "no report was created"
    );
}

#[tokio::test]
async fn a_quote_that_never_closes_names_its_line_and_every_line_it_would_swallow() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;
    let pid = &p.pid;
    let file = |developments: &str| {
        format!(
            "{HEADER}{pid};2025-Q1;developments;;{developments}\n\
             {pid};2025-Q1;key_person_contacts;;5\n\
             {pid};2025-Q1;referrals_made;;2\n\
             {pid};2025-Q1;network_meetings;;3\n"
        )
    };

    // Read leniently, the quote took the three rows after it as its text: 200, `rows: 1`.
    let found = problem(
        send_csv(&app, &t.token, file("\"Eerste bijeenkomst in de moskee")).await,
        422,
    )
    .await;
    assert_eq!(
        cells_named(&found),
        [
            (2, "value".to_string()),
            (3, String::new()),
            (4, String::new()),
            (5, String::new())
        ],
        "{found}"
    );
    let opener = &found["errors"][0]["message"];
    assert!(
        opener.as_str().unwrap().contains("never closed"),
        "{opener}"
    );
    nothing_stored(&app, &t.token, &p).await;

    // Closed, the same file is four rows.
    let answer = ok(
        send_csv(&app, &t.token, file("\"Eerste bijeenkomst; in de moskee\"")).await,
        "closed quote",
    )
    .await;
    assert_eq!(answer, outcome(false, &[(pid, "2025-Q1", true, 4)]));
    let (report, _) = stored(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(
        report["narrative"]["developments"],
        "Eerste bijeenkomst; in de moskee"
    );
    assert_eq!(report["reach"]["key_person_contacts"], 5);
    assert_eq!(report["network"]["network_meetings"], 3);
}

#[tokio::test]
async fn a_row_with_more_or_fewer_cells_than_the_header_is_refused() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;
    let pid = &p.pid;
    // Comma separated, with an unquoted decimal comma (read leniently: 40 hours, the
    // ",5" dropped) and a row that stops before its value.
    let file = |hours: &str| {
        format!(
            "project_id,quarter,figure,subject,value\n\
             {pid},2025-Q1,key_person_contacts,,5\n\
             {pid},2025-Q1,hours_spent,outreach,{hours}\n\
             {pid},2025-Q1,referrals_made,\n"
        )
    };
    let found = problem(send_csv(&app, &t.token, file("40,5")).await, 422).await;
    assert_eq!(
        cells_named(&found),
        [(3, String::new()), (4, "value".to_string())],
        "{found}"
    );
    let messages: Vec<&str> = found["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("6 cells and the header 5"), "{found}");
    assert!(messages[1].contains("4 cells and the header 5"), "{found}");
    nothing_stored(&app, &t.token, &p).await;

    // Quoted, the decimal comma is one cell; the short row gets its value.
    let fixed = file("\"40,5\"").replace(",referrals_made,\n", ",referrals_made,,2\n");
    let answer = ok(send_csv(&app, &t.token, fixed).await, "fixed").await;
    assert_eq!(answer, outcome(false, &[(pid, "2025-Q1", true, 3)]));
    let (report, _) = stored(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(
        report["budget"]["hours"],
        json!([{"activity": "outreach", "hours": "40.50"}])
    );
    assert_eq!(report["reach"]["referrals_made"], 2);
}

#[tokio::test]
async fn the_same_figure_set_twice_in_a_csv_names_every_row_and_stores_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;
    let (pid, group) = (&p.pid, &p.groups[0]);
    let upper = group.to_uppercase();
    // Three rows set one figure (read leniently, the last won without a word), and two
    // more name one target group in two spellings of its id.
    let file = format!(
        "{HEADER}{pid};2025-Q1;key_person_contacts;;1\n\
         {pid};2025-Q1;reach_new;{group};4\n\
         {pid};2025-Q1;key_person_contacts;;2\n\
         {pid};2025-Q2;key_person_contacts;;7\n\
         {pid};2025-Q1;reach_new;{upper};5\n\
         {pid};2025-Q1;key_person_contacts;;3\n"
    );
    let found = problem(send_csv(&app, &t.token, file).await, 422).await;
    assert_eq!(
        cells_named(&found),
        [2, 3, 4, 6, 7]
            .map(|line| (line, "figure".to_string()))
            .to_vec(),
        "{found}"
    );
    let message = |line: u64| {
        found["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["row"] == line)
            .and_then(|e| e["message"].as_str())
            .unwrap()
            .to_string()
    };
    assert!(
        message(4).starts_with("line 2, line 4 and line 7 all set key_person_contacts of 2025-Q1"),
        "{found}"
    );
    assert!(
        message(6).starts_with("line 3 and line 6 all set reach_new of 2025-Q1"),
        "{found}"
    );
    nothing_stored(&app, &t.token, &p).await;
}

#[tokio::test]
async fn the_same_figure_set_twice_in_json_points_at_every_row_and_stores_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;
    let pid = &p.pid;
    let rows = [
        row(pid, "2025-Q1", "spent", Some(&p.lines[0]), json!("10.00")),
        row(pid, "2025-Q1", "spent", Some(&p.lines[1]), json!("20.00")),
        row(
            pid,
            "2025-Q1",
            "communication_count",
            Some("flyers/tr"),
            json!(3),
        ),
        row(pid, "2025-Q1", "spent", Some(&p.lines[0]), json!("30,00")),
        row(
            pid,
            "2025-Q1",
            "communication_count",
            Some("flyers"),
            json!(4),
        ),
        row(
            pid,
            "2025-Q1",
            "communication_count",
            Some("flyers/tr"),
            json!(5),
        ),
    ];
    let found = problem(send_json(&app, &t.token, &rows).await, 422).await;
    let pointers: Vec<&str> = found["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/figures/0/figure",
            "/figures/3/figure",
            "/figures/2/figure",
            "/figures/5/figure"
        ],
        "{found}"
    );
    assert!(
        found["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("/figures/0 and /figures/3 all set spent of 2025-Q1"),
        "{found}"
    );
    nothing_stored(&app, &t.token, &p).await;

    // Each once, they are applied.
    let once: Vec<Value> = [0, 1, 2, 4].iter().map(|&i| rows[i].clone()).collect();
    let answer = ok(send_json(&app, &t.token, &once).await, "each once").await;
    assert_eq!(answer, outcome(false, &[(pid, "2025-Q1", true, 4)]));
}

#[tokio::test]
async fn a_replay_answers_with_exactly_the_bytes_of_the_first_answer() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;
    let key = "5d2b7c1e-0a9f-4e3b-8c6d-2f1e0a9b8c7d";
    let pid = &p.pid;
    let file = format!(
        "{HEADER}{pid};2025-Q1;key_person_contacts;;5\n\
         {pid};2025-Q2;reach_new;{};3\n",
        p.groups[1]
    );
    let post = || send(&app, &t.token, "", "text/csv", file.clone(), Some(key));

    let first = post().await;
    assert_eq!(first.status(), 200);
    assert_eq!(replayed(&first), None);
    let first_type = first.headers()["content-type"].clone();
    let first_bytes = first.bytes().await.unwrap();
    // The document the service writes, key for key in its order (jsonb would put
    // `rows` before `dry_run`).
    assert!(
        first_bytes.starts_with(b"{\"dry_run\":false,\"rows\":2,\"reports\":[{\"project_id\":"),
        "{}",
        String::from_utf8_lossy(&first_bytes)
    );

    for _ in 0..2 {
        let retry = post().await;
        assert_eq!(retry.status(), 200);
        assert_eq!(replayed(&retry).as_deref(), Some("true"));
        assert_eq!(retry.headers()["content-type"], first_type);
        assert_eq!(retry.headers()["cache-control"], "no-store");
        let bytes = retry.bytes().await.unwrap();
        assert_eq!(
            bytes,
            first_bytes,
            "the replay: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
}
