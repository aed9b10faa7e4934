//! Deleting a project deletes its lines.

use super::*;

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
