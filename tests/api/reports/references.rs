//! What a report refers to in the plan stays there until the report is stored: a report
//! written while a line it uses is deleted, and a line deleted while a report that uses
//! it is written. One side is held open in a transaction of the test's own, the other
//! sent over HTTP; whichever starts first, the second waits and then sees the first.

use mantelmonitor::db::monitoring::{plan_refs, reports};
use mantelmonitor::db::plan::target_groups::TargetGroups;
use mantelmonitor::db::plan::{LineScope, Lines};
use mantelmonitor::db::scope::ProjectScope;
use mantelmonitor::domain::audit::{Acting, Actor};
use mantelmonitor::domain::{OrganisationId, ProjectId, TargetGroupId, UserId};
use mantelmonitor::error::ApiError;
use mantelmonitor::monitoring::content::ReportContent;
use tokio::sync::oneshot;

use super::*;

/// How long the side sent over HTTP is given to (wrongly) finish while the other holds.
const HELD: std::time::Duration = std::time::Duration::from_millis(400);

fn acting(t: &Tenant) -> Acting {
    Acting {
        organisation: OrganisationId::from_uuid(t.organisation_id.parse().unwrap()),
        actor: Actor::User(UserId::from_uuid(t.admin_id.parse().unwrap())),
    }
}

/// A target group of its own (no target refers to it) and a report body using it.
async fn group_and_content(app: &TestApp, t: &Tenant, plan: &Plan) -> (String, Value) {
    let (group, _) = create(
        app,
        &t.token,
        &lines_path(&plan.pid, "target-groups"),
        &json!({"name": "Eritrese mantelzorgers", "languages": ["ti"]}),
    )
    .await;
    let group = id_of(&group);
    let content = json!({
        "reach": {"per_target_group": [{"target_group_id": group, "new": 3, "total": 7}]}
    });
    (group, content)
}

#[tokio::test]
async fn a_report_written_while_a_line_it_uses_is_deleted_waits_and_then_is_refused() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let (group, content) = group_and_content(&app, &t, &plan).await;
    let who = acting(&t);
    let (org, project): (OrganisationId, ProjectId) = (
        who.organisation,
        ProjectId::from_uuid(plan.pid.parse().unwrap()),
    );
    let key = TargetGroupId::from_uuid(group.parse().unwrap());

    // The delete, as the DELETE request makes it, not yet committed.
    let (held, go) = (oneshot::channel(), oneshot::channel::<()>());
    let (db, (held_tx, held_rx), (go_tx, go_rx)) = (app.db.clone(), held, go);
    let deleting = tokio::spawn(async move {
        db.acting(who, async move |conn| {
            let scope = ProjectScope::open(conn, org, Some(project)).await?;
            let current = TargetGroups::find(conn, &scope, key, true).await?;
            TargetGroups::delete(conn, &scope, &current).await?;
            let _ = held_tx.send(());
            let _ = go_rx.await;
            Ok::<_, ApiError>(())
        })
        .await
        .map_err(|e| e.to_string())
    });
    held_rx.await.expect("the delete ran");

    let path = report_path(&plan.pid, "2025-Q2");
    let writing = put(&app, &t.token, &path, &content);
    tokio::pin!(writing);
    assert!(
        tokio::time::timeout(HELD, &mut writing).await.is_err(),
        "the report waits for the delete to end"
    );
    go_tx.send(()).unwrap();
    deleting.await.unwrap().expect("the delete commits");

    let body = problem(writing.await, 422).await;
    assert!(
        body.to_string().contains("target_group_id"),
        "names the line that is gone: {body}"
    );
    problem(
        app.get(&report_path(&plan.pid, "2025-Q2"), &t.token).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_line_deleted_while_a_report_using_it_is_written_waits_and_then_is_refused() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let (group, content) = group_and_content(&app, &t, &plan).await;
    let who = acting(&t);
    let (org, project) = (
        who.organisation,
        ProjectId::from_uuid(plan.pid.parse().unwrap()),
    );
    let content: ReportContent = serde_json::from_value(content).unwrap();
    let quarter = "2025-Q2".parse().unwrap();

    let group_path = format!("{}/{group}", lines_path(&plan.pid, "target-groups"));
    let (_, etag) = fetch(&app, &t.token, &group_path).await;

    // The report's write, as the PUT makes it, not yet committed.
    let (held, go) = (oneshot::channel(), oneshot::channel::<()>());
    let (db, (held_tx, held_rx), (go_tx, go_rx)) = (app.db.clone(), held, go);
    let writing = tokio::spawn(async move {
        db.acting(who, async move |conn| {
            let scope = ProjectScope::open(conn, org, Some(project)).await?;
            let (refs, _) = plan_refs(conn, &scope, None).await?;
            let uses = refs.target_groups.iter().any(|g| g.to_string() == group);
            reports::create(conn, &scope, quarter, content).await?;
            let _ = held_tx.send(uses);
            let _ = go_rx.await;
            Ok::<_, ApiError>(())
        })
        .await
        .map_err(|e| e.to_string())
    });
    assert!(
        held_rx.await.expect("the report was written"),
        "the plan offered the group"
    );

    let deleting = app.send_if_match(Method::DELETE, &group_path, &t.token, &etag, None);
    tokio::pin!(deleting);
    assert!(
        tokio::time::timeout(HELD, &mut deleting).await.is_err(),
        "the delete waits for the report to be stored"
    );
    go_tx.send(()).unwrap();
    writing.await.unwrap().expect("the report commits");

    let body = problem(deleting.await, 409).await;
    assert!(
        body.to_string().contains("2025-Q2"),
        "names the quarter whose report uses it: {body}"
    );
    fetch(&app, &t.token, &group_path).await;
}
