//! Paging through the project list, and its query parameters.

use super::*;

#[tokio::test]
async fn seven_projects_page_by_three_in_creation_order_each_exactly_once() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let mut created = Vec::new();
    for i in 1..=7 {
        let (project, _) = app
            .project(&tenant.token, &project_body(&format!("Project {i}")))
            .await;
        created.push(id_of(&project));
    }

    let walk = || async {
        let mut sizes = Vec::new();
        let mut ids = Vec::new();
        let mut cursors = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("{PROJECTS}?limit=3&cursor={c}"),
                None => format!("{PROJECTS}?limit=3"),
            };
            let response = app.get(&path, &tenant.token).await;
            assert_eq!(response.status(), 200, "{path}");
            let page = json_of(response).await;
            let items = page["items"].as_array().unwrap();
            sizes.push(items.len());
            ids.extend(items.iter().map(id_of));
            cursors.push(page["next_cursor"].clone());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
            assert!(sizes.len() < 10, "the pages never end");
        }
        (sizes, ids, cursors)
    };
    let (sizes, ids, cursors) = walk().await;
    assert_eq!(sizes, [3, 3, 1]);
    assert!(cursors[0].is_string() && cursors[1].is_string());
    assert!(cursors[2].is_null(), "no next_cursor on the last page");
    assert_eq!(ids, created, "every project once, oldest first");
    let again = walk().await;
    assert_eq!(
        again,
        (sizes, ids, cursors),
        "the same walk gives the same pages"
    );

    // A page size that divides the total: the last full page may carry a cursor,
    // but following it gives an empty page, never a repeat.
    let mut seen = Vec::new();
    let mut path = format!("{PROJECTS}?limit=7");
    loop {
        let page = json_of(app.get(&path, &tenant.token).await).await;
        seen.extend(page["items"].as_array().unwrap().iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{PROJECTS}?limit=7&cursor={next}"),
            None => break,
        }
        assert!(seen.len() <= 7, "projects repeated: {seen:?}");
    }
    assert_eq!(seen, created);
}

#[tokio::test]
async fn a_limit_outside_1_to_200_is_422_naming_limit() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    app.project(&tenant.token, &project_body("Een")).await;
    for limit in ["0", "201", "-1", "veel"] {
        let response = app
            .get(&format!("{PROJECTS}?limit={limit}"), &tenant.token)
            .await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), ["limit"], "limit={limit}");
    }
    for limit in ["1", "200"] {
        let response = app
            .get(&format!("{PROJECTS}?limit={limit}"), &tenant.token)
            .await;
        assert_eq!(response.status(), 200, "limit={limit}");
        assert_eq!(
            json_of(response).await["items"].as_array().unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn a_garbage_cursor_is_422_naming_cursor() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    for cursor in ["nope", "bm9wZQ", "MTIzOmFiYw", "%F0%9F%92%A9"] {
        let response = app
            .get(&format!("{PROJECTS}?cursor={cursor}"), &tenant.token)
            .await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), ["cursor"], "cursor={cursor}");
    }
}

#[tokio::test]
async fn an_unknown_query_parameter_is_422_naming_it() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let response = app
        .get(&format!("{PROJECTS}?colour=blue"), &tenant.token)
        .await;
    let body = problem(response, 422).await;
    assert_eq!(named_fields(&body), ["colour"]);
}
