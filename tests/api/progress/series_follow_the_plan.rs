//! Which reports count, the series themselves, and who may read them.

use super::*;

#[tokio::test]
async fn only_accepted_reports_count_with_include_accepted() {
    let f = fixture().await;
    let progress = progress_at(&f.app, &f.admin.token, &f.pid, "?include=accepted").await;
    assert_progress(&f, &progress, "accepted", Inc::Accepted);
}

#[tokio::test]
async fn submitted_and_accepted_reports_count_by_default() {
    let f = fixture().await;
    let submitted = progress_at(&f.app, &f.admin.token, &f.pid, "?include=submitted").await;
    assert_progress(&f, &submitted, "submitted", Inc::Submitted);
    let default = progress_at(&f.app, &f.admin.token, &f.pid, "").await;
    assert_eq!(default, submitted, "submitted is the default");
}

#[tokio::test]
async fn drafts_count_only_with_include_draft() {
    let f = fixture().await;
    let progress = progress_at(&f.app, &f.admin.token, &f.pid, "?include=draft").await;
    assert_progress(&f, &progress, "draft", Inc::Draft);
    // The draft for Q2 shows nowhere else.
    for query in ["", "?include=submitted", "?include=accepted"] {
        let other = progress_at(&f.app, &f.admin.token, &f.pid, query).await;
        let g1 = other["reach"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["subject"]["target_group_id"] == json!(f.g1))
            .expect("G1");
        assert_eq!(g1["quarters"][1]["actual"], "0", "{query}");
    }
}

#[tokio::test]
async fn the_progress_series_follow_the_plan() {
    // The fixture's own figures, to make sure the plan the expectations rest on is what
    // the server stored.
    let f = fixture().await;
    let (app, token, pid) = (&f.app, &f.admin.token, &f.pid);
    let lines = json_of(app.get(&lines_path(pid, "budget-lines"), token).await).await;
    let lines: Vec<Value> = lines["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!([l["id"], l["category"], l["amount"]]))
        .collect();
    assert_eq!(
        lines,
        [
            json!([f.l1, "personnel", "4000.00"]),
            json!([f.l2, "communication", "1200.00"]),
            json!([f.l3, "communication", "450.50"]),
        ]
    );
    let groups = json_of(app.get(&lines_path(pid, "target-groups"), token).await).await;
    let groups: Vec<Value> = groups["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].clone())
        .collect();
    assert_eq!(groups, [json!(f.g1), json!(f.g2)]);
    let quarters = json_of(app.get(&lines_path(pid, "quarterly-reports"), token).await).await;
    let states: Vec<Value> = quarters["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| json!([q["quarter"], q["state"]]))
        .collect();
    assert_eq!(
        states,
        [
            json!(["2025-Q1", "accepted"]),
            json!(["2025-Q2", "draft"]),
            json!(["2025-Q3", "submitted"]),
            json!(["2025-Q4", "not_started"]),
        ]
    );
}

#[tokio::test]
async fn a_bogus_include_is_422_and_names_the_parameter() {
    let f = fixture().await;
    for query in ["include=bogus", "include=Accepted"] {
        let response = f
            .app
            .get(
                &lines_path(&f.pid, &format!("progress?{query}")),
                &f.admin.token,
            )
            .await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), ["include"], "{query}: {body}");
    }
}

#[tokio::test]
async fn a_viewer_reads_progress_and_another_organisation_gets_404() {
    let f = fixture().await;
    let (_, viewer) = f.app.user_with_role(&f.admin, "viewer").await;
    for query in ["", "?include=accepted", "?include=draft"] {
        let as_admin = progress_at(&f.app, &f.admin.token, &f.pid, query).await;
        let as_viewer = progress_at(&f.app, &viewer, &f.pid, query).await;
        assert_eq!(as_viewer, as_admin, "{query}");
    }

    let stranger = f.app.tenant("Andere Organisatie").await;
    let response = f
        .app
        .get(&lines_path(&f.pid, "progress"), &stranger.token)
        .await;
    problem(response, 404).await;
    let response = f
        .app
        .get(
            &lines_path(&f.pid, "progress?include=draft"),
            &stranger.token,
        )
        .await;
    problem(response, 404).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let response = f
        .app
        .get(&lines_path(&unknown, "progress"), &f.admin.token)
        .await;
    problem(response, 404).await;
}
