//! Races between clients editing, submitting and creating a report.

use super::*;

#[tokio::test]
async fn two_clients_editing_with_the_same_etag_one_wins_the_other_gets_412() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let path = report_path(pid, q);
    create_report(&app, &t.token, pid, q, &full_content(&plan)).await;

    for round in 0..3 {
        let (_, etag) = stored(&app, &t.token, pid, q).await;
        let (a, b) = (
            variant(&plan, &format!("A{round}")),
            variant(&plan, &format!("B{round}")),
        );
        let (method, a_body, b_body) = if round == 1 {
            (
                Method::PATCH,
                json!({"narrative": a["narrative"]}),
                json!({"narrative": b["narrative"]}),
            )
        } else {
            (Method::PUT, a.clone(), b.clone())
        };
        let (ra, rb) = tokio::join!(
            app.send_if_match(method.clone(), &path, &t.token, &etag, Some(&a_body)),
            app.send_if_match(method.clone(), &path, &coordinator, &etag, Some(&b_body)),
        );
        let statuses = (ra.status().as_u16(), rb.status().as_u16());
        let (winner, winner_etag) = match statuses {
            (200, 412) => (&a, etag_of(&ra)),
            (412, 200) => (&b, etag_of(&rb)),
            other => {
                panic!("round {round} ({method}): expected one 200 and one 412, got {other:?}")
            }
        };
        let (report, stored_etag) = stored(&app, &t.token, pid, q).await;
        assert_content(
            &report,
            winner,
            &format!("round {round}: the winner's content"),
        );
        assert_eq!(
            stored_etag, winner_etag,
            "round {round}: the winner's version"
        );
    }
    let updates = actions(&events(&app, &t.token, pid, q).await)
        .iter()
        .filter(|a| *a == "updated")
        .count();
    assert_eq!(updates, 3, "one update per round");
}

#[tokio::test]
async fn two_clients_submitting_at_once_one_gets_409() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    for q in ["2025-Q1", "2025-Q2", "2025-Q3"] {
        create_report(&app, &coordinator, pid, q, &full_content(&plan)).await;
        let (ra, rb) = tokio::join!(
            act(&app, &coordinator, pid, q, "submit", None, None),
            act(&app, &t.token, pid, q, "submit", None, None),
        );
        let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{q}: one submit wins");
        let loser = if ra.status() == 409 { ra } else { rb };
        let body = problem(loser, 409).await;
        assert_eq!(body["type"], INVALID_TRANSITION, "{q}: {body}");
        assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "submitted");
        let submitted = actions(&events(&app, &t.token, pid, q).await)
            .iter()
            .filter(|a| *a == "submitted")
            .count();
        assert_eq!(submitted, 1, "{q}: submitted once");
    }
}

#[tokio::test]
async fn two_clients_creating_the_same_quarter_at_once_lose_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    for q in ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"] {
        let path = report_path(pid, q);
        let (a, b) = (
            variant(&plan, &format!("{q} A")),
            variant(&plan, &format!("{q} B")),
        );
        let (ra, rb) = tokio::join!(
            put(&app, &t.token, &path, &a),
            put(&app, &coordinator, &path, &b)
        );
        let statuses = [ra.status().as_u16(), rb.status().as_u16()];
        let created = statuses.iter().filter(|s| **s == 201).count();
        assert!(
            created >= 1 && statuses.iter().all(|s| [201, 409, 428].contains(s)),
            "{q}: one 201, the other 201, 409 or 428; got {statuses:?}"
        );
        let (report, _) = stored(&app, &t.token, pid, q).await;
        assert_eq!(report["revision"], 1);
        assert_eq!(report["state"], "draft");
        let developments = &report["narrative"]["developments"];
        assert!(
            *developments == a["narrative"]["developments"]
                || *developments == b["narrative"]["developments"],
            "{q}: content is one of the two bodies: {developments}"
        );
        assert!(
            report["narrative"] == a["narrative"] || report["narrative"] == b["narrative"],
            "{q}: not a mixture"
        );
        assert_content(
            &report,
            &json!({"reach": a["reach"], "network": a["network"], "budget": a["budget"], "communication": a["communication"]}),
            q,
        );
        if created == 1 {
            // The single creator's body is the one stored.
            let winner = if statuses[0] == 201 { &a } else { &b };
            assert_content(&report, winner, &format!("{q}: the creator's body"));
            let creations = actions(&events(&app, &t.token, pid, q).await)
                .iter()
                .filter(|a| *a == "created")
                .count();
            assert_eq!(creations, 1, "{q}: created once");
        }
    }
    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.len(), 8, "still one entry per quarter");
}
