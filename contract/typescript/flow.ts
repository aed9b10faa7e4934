// An integrator's program, as an intranet would write one: a client generated from the
// committed OpenAPI document (openapi-typescript for the types, openapi-fetch for the
// calls), compiled with `tsc --strict` and run by .ci/browser-check against the service and
// the organisation's OpenID provider. It signs in at the provider, creates a project,
// adds a target group and PATCHes it (merge patch, If-Match), writes and submits a
// quarterly report, and reads the change feed, checking each answer. Every request body
// and parameter below is typed by the document: no casts, no `any`.
//
// Usage: node .contract-node/flow/flow.js <api base URL> <issuer URL> (compiled there by
// `tsc --project contract/typescript/tsconfig.flow.json`, beside a package.json that
// says `"type": "module"`).

import createClient from "openapi-fetch";
import type { paths } from "./generated/openapi";

declare const process: { argv: string[]; exit(code: number): never };

function check(ok: boolean, what: string): void {
  if (!ok) {
    console.error(`flow FAILED: ${what}`);
    process.exit(1);
  }
}

const api = process.argv[2] ?? "";
const issuer = process.argv[3] ?? "";
check(api !== "" && issuer !== "", "usage: node flow.js <api> <issuer>");

// Signing in at the organisation's provider (the password grant, for a program without a
// browser; the browser check signs in with the authorization code).
const form = new URLSearchParams({
  grant_type: "password",
  username: "integratie@intranet.example",
  email: "integratie@intranet.example",
  name: "Intranet-koppeling",
  groups: "zorg-coordinatoren",
});
const tokenAnswer = await fetch(`${issuer}/token`, {
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: form,
});
const tokenBody: unknown = await tokenAnswer.json();
const token =
  typeof tokenBody === "object" && tokenBody !== null && "access_token" in tokenBody
    ? String(tokenBody.access_token)
    : "";
check(token.length > 0, `a token from the provider (${tokenAnswer.status})`);

const client = createClient<paths>({
  baseUrl: api,
  headers: { Authorization: `Bearer ${token}` },
});

const me = await client.GET("/api/v1/users/me");
check(me.data?.role === "coordinator", `signed in as a coordinator: ${JSON.stringify(me.error)}`);

const created = await client.POST("/api/v1/projects", {
  body: {
    name: "Koppeling vanuit het intranet",
    summary: "Mantelzorgers met een migratieachtergrond bereiken",
    organisation_role: "direct_support",
    start_date: "2026-01-01",
    end_date: "2027-12-31",
  },
});
check(created.response.status === 201 && created.data !== undefined, `project: ${JSON.stringify(created.error)}`);
const projectId = created.data?.id ?? "";

const group = await client.POST("/api/v1/projects/{project_id}/target-groups", {
  params: { path: { project_id: projectId } },
  body: { name: "Turks-Nederlandse mantelzorgers", languages: ["tr"] },
});
check(group.response.status === 201 && group.data !== undefined, `target group: ${JSON.stringify(group.error)}`);
const groupId = group.data?.id ?? "";
const etag = group.response.headers.get("ETag") ?? "";

const patched = await client.PATCH("/api/v1/projects/{project_id}/target-groups/{target_group_id}", {
  params: {
    path: { project_id: projectId, target_group_id: groupId },
    header: { "If-Match": etag },
  },
  headers: { "Content-Type": "application/merge-patch+json" },
  body: { description: "In Oost en Zuid", languages: ["tr", "nl"] },
});
check(
  patched.data?.description === "In Oost en Zuid" && patched.response.headers.get("ETag") !== etag,
  `merge patch with If-Match: ${JSON.stringify(patched.error)}`,
);
// A stale ETag is refused, as the contract says.
const stale = await client.PATCH("/api/v1/projects/{project_id}/target-groups/{target_group_id}", {
  params: {
    path: { project_id: projectId, target_group_id: groupId },
    header: { "If-Match": etag },
  },
  body: { description: "Te laat" },
});
check(stale.response.status === 412, `a stale If-Match: ${stale.response.status}`);

const report = await client.PUT("/api/v1/projects/{project_id}/quarterly-reports/{quarter}", {
  params: { path: { project_id: projectId, quarter: "2026-Q1" } },
  headers: { "If-None-Match": "*" },
  body: {},
});
check(report.response.status === 201, `the quarter's draft: ${JSON.stringify(report.error)}`);
const submitted = await client.POST("/api/v1/projects/{project_id}/quarterly-reports/{quarter}/submit", {
  params: { path: { project_id: projectId, quarter: "2026-Q1" } },
});
check(submitted.data?.state === "submitted", `submitted: ${JSON.stringify(submitted.error)}`);

// The change feed: what happened, in order. It may lag a moment behind a commit.
let kinds: string[] = [];
for (let i = 0; i < 50 && !kinds.includes("report.submitted"); i++) {
  const feed = await client.GET("/api/v1/events", { params: { query: { limit: 500 } } });
  kinds = (feed.data?.items ?? [])
    .filter((e) => e.data !== null && typeof e.data === "object" && "project_id" in e.data && e.data.project_id === projectId)
    .map((e) => e.type);
  if (!kinds.includes("report.submitted")) await new Promise((done) => setTimeout(done, 100));
}
check(
  kinds[0] === "plan.changed" && kinds[kinds.length - 1] === "report.submitted",
  `the change feed: ${kinds.join(", ")}`,
);
console.log(`flow passed: signed in through the provider, project ${projectId}, patched its target group, submitted 2026-Q1; feed: ${kinds.join(", ")}`);
