// The contract of every PATCH, as a TypeScript client sees it. `.ci/run` generates
// `generated/openapi.ts` from the committed openapi/openapi.json with openapi-typescript
// and compiles this file with `tsc --strict --noEmit`: the bodies below must type-check,
// and every line after `@ts-expect-error` must be refused. So the check fails when a
// patch body loses its type (a bare object, `Record<string, never>`, an index
// signature), when a field is renamed or removed, or when `null` is allowed where it
// would remove a required field. No casts and no `any` here, on purpose.

import type { paths } from "./generated/openapi";

type Patch<P extends keyof paths> = paths[P] extends {
  patch: { requestBody: { content: { "application/merge-patch+json": infer Body } } };
}
  ? Body
  : never;

type PlainJson<P extends keyof paths> = paths[P] extends {
  patch: { requestBody: { content: { "application/json": infer Body } } };
}
  ? Body
  : never;

// Every PATCH takes the same body under both media types.
// (Identical types, not merely assignable ones: patches of all-optional fields are
// assignable to one another whenever they share a field.)
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type PatchPath = {
  [P in keyof paths]: paths[P] extends { patch: { requestBody: unknown } } ? P : never;
}[keyof paths];
type Agree = { [P in PatchPath]: Same<Patch<P>, PlainJson<P>> }[PatchPath];
export const mediaTypesAgree: false extends Agree ? never : true = true;

type TargetGroupPatch = Patch<"/api/v1/projects/{project_id}/target-groups/{target_group_id}">;
type HoursPatch = Patch<"/api/v1/projects/{project_id}/hours/{hours_id}">;
type BudgetLinePatch = Patch<"/api/v1/projects/{project_id}/budget-lines/{budget_line_id}">;
type TranslationCostPatch =
  Patch<"/api/v1/projects/{project_id}/translation-costs/{translation_cost_id}">;
type FundApplicationPatch =
  Patch<"/api/v1/projects/{project_id}/fund-applications/{fund_application_id}">;
type TargetPatch = Patch<"/api/v1/projects/{project_id}/targets/{target_id}">;
type EvaluationMomentPatch =
  Patch<"/api/v1/projects/{project_id}/evaluation-moments/{evaluation_moment_id}">;
type RoadmapStepPatch = Patch<"/api/v1/projects/{project_id}/roadmap/{step}">;
type PartnerPatch = Patch<"/api/v1/partners/{partner_id}">;
type FunderPatch = Patch<"/api/v1/funders/{funder_id}">;
type ProjectPartnerPatch = Patch<"/api/v1/projects/{project_id}/partners/{project_partner_id}">;
type ReportPatch = Patch<"/api/v1/projects/{project_id}/quarterly-reports/{quarter}">;
type ProjectPatch = Patch<"/api/v1/projects/{project_id}">;
type OrganisationPatch = Patch<"/api/v1/organisation">;
type UserPatch = Patch<"/api/v1/users/{user_id}">;

// ---------------------------------------------------------------- valid bodies

export const targetGroup: TargetGroupPatch = {
  name: "Turks-Nederlandse mantelzorgers in Oost",
  description: null,
  languages: ["tr", "nl"],
};
export const targetGroupAsJson: PlainJson<"/api/v1/projects/{project_id}/target-groups/{target_group_id}"> = {
  languages: null,
};
export const hours: HoursPatch = { hours: "12.5", hourly_rate: "45.00", notes: null };
export const budgetLine: BudgetLinePatch = {
  amount: "1200.00",
  phases: [{ quarter: "2026-Q1", amount: "1200.00" }],
};
export const budgetLineUnphased: BudgetLinePatch = { phases: null };
export const translationCost: TranslationCostPatch = {
  target_languages: ["ar", "ti"],
  unit: "pages",
  quantity: "3",
};
export const fundApplication: FundApplicationPatch = {
  status: "submitted",
  submitted_on: "2026-02-01",
  amount_granted: null,
  budget_line_ids: [],
  reporting_duties: [{ quarter: "2026-Q2", due_on: "2026-07-31" }],
  report_reviewer: "organisation",
};
export const target: TargetPatch = { planned: "25", ladder_level: "coordinate", notes: null };
export const evaluationMoment: EvaluationMomentPatch = {
  subject: "Tussentijdse evaluatie met sleutelpersonen",
  outcome_notes: null,
};
export const roadmapStep: RoadmapStepPatch = { status: "in_progress", notes: null };
export const partner: PartnerPatch = {
  notes: null,
  contacts: [{ name: "Fatma Yılmaz", role: null, email: null, phone: null }],
};
export const funder: FunderPatch = {
  kind: "municipality",
  municipality_code: "GM0344",
  kvk_number: null,
  contacts: [{ name: "Anouk de Vries", role: "Beleidsadviseur", email: null, phone: null }],
};
export const projectPartner: ProjectPartnerPatch = {
  functions: ["referrer"],
  current_level: "in_contact",
  level_since: null,
};
export const report: ReportPatch = {
  reach: { key_person_contacts: 4, referrals_made: null },
  narrative: { developments: "Twee nieuwe sleutelpersonen", obstacles: null },
  communication: [{ channel: "flyers", count: 200 }],
  budget: null,
};
export const projectChange: ProjectPatch = { summary: null, status: "active" };
export const organisation: OrganisationPatch = { report_due_days: 30 };
export const user: UserPatch = { role: "viewer", active: false };

// An empty patch changes nothing and is allowed everywhere.
export const nothing: [TargetGroupPatch, ReportPatch, ProjectPatch] = [{}, {}, {}];

// ---------------------------------------------------------------- refused bodies

// @ts-expect-error an unknown field
export const unknownField: TargetGroupPatch = { nmae: "Oost" };
// @ts-expect-error a wrong type
export const wrongType: TargetGroupPatch = { name: 12 };
// @ts-expect-error null would remove a required field
export const nullRequired: TargetGroupPatch = { name: null };
// @ts-expect-error an amount is a string, not a number
export const amountAsNumber: HoursPatch = { hours: 12.5 };
// @ts-expect-error null on a required field
export const hoursNull: HoursPatch = { quarter: null };
// @ts-expect-error null on a required field
export const budgetNull: BudgetLinePatch = { category: null };
// @ts-expect-error not a category
export const budgetCategory: BudgetLinePatch = { category: "snacks" };
// @ts-expect-error null on a required field
export const translationNull: TranslationCostPatch = { target_languages: null };
// @ts-expect-error null on a required field
export const fundNull: FundApplicationPatch = { funder_id: null };
// @ts-expect-error null on a required field
export const funderNameNull: FunderPatch = { name: null };
// @ts-expect-error the free-text kind of old is not a funder kind
export const funderKind: FunderPatch = { kind: "private_fund" };
// @ts-expect-error not a reviewer of reports
export const fundReviewer: FundApplicationPatch = { report_reviewer: "gemeente" };
// @ts-expect-error not a fund status
export const fundStatus: FundApplicationPatch = { status: "approved" };
// @ts-expect-error null on a required field
export const targetNull: TargetPatch = { theme: null };
// @ts-expect-error null on a required field
export const momentNull: EvaluationMomentPatch = { planned_on: null };
// @ts-expect-error null on a required field
export const roadmapNull: RoadmapStepPatch = { status: null };
// @ts-expect-error an unknown field
export const roadmapUnknown: RoadmapStepPatch = { step: 3 };
// @ts-expect-error null on a required field
export const partnerNull: PartnerPatch = { category: null };
// @ts-expect-error a list item is replaced whole, so it needs its required fields
export const partnerContact: PartnerPatch = { contacts: [{ role: "Sleutelpersoon" }] };
// @ts-expect-error null on a required field
export const projectPartnerNull: ProjectPartnerPatch = { partner_id: null };
// @ts-expect-error an unknown field in a nested object
export const reportNested: ReportPatch = { narrative: { colour: "red" } };
// @ts-expect-error a count is a number
export const reportCount: ReportPatch = { reach: { key_person_contacts: "4" } };
// @ts-expect-error an unknown section
export const reportSection: ReportPatch = { summary: "Goed kwartaal" };
// @ts-expect-error null would remove a required field
export const projectNull: ProjectPatch = { name: null };
// @ts-expect-error null would remove a required field
export const organisationNull: OrganisationPatch = { name: null };
// @ts-expect-error null would remove a required field
export const userNull: UserPatch = { active: null };

// ---------------------------------------------------------------- bulk figures

type Figures = NonNullable<
  paths["/api/v1/quarterly-figures"]["post"]["requestBody"]
>["content"]["application/json"];
type Figure = Figures["figures"][number];
const figure = {
  project_id: "0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d11",
  quarter: "2026-Q3",
  figure: "reach_new",
} as const;
export const figures: Figures = {
  figures: [
    { ...figure, subject: "0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d12", value: 12 },
    { ...figure, figure: "spent", value: "1250.50" },
  ],
};
// @ts-expect-error a figure's value is a number or text
export const figureBoolean: Figure = { ...figure, value: true };
// @ts-expect-error a figure's value is a number or text
export const figureNull: Figure = { ...figure, value: null };
// @ts-expect-error a figure's value is a number or text
export const figureObject: Figure = { ...figure, value: { amount: 12 } };

// The whole-plan PUT: every section's lines are typed (the part's own fields, the line's
// `id`, `step` for the roadmap, and the read-only fields a GET shows), so a plan read
// with GET can be sent back, and a wrong field is refused at compile time.
type PlanDocument = NonNullable<
  paths["/api/v1/projects/{project_id}/plan"]["put"]["requestBody"]
>["content"]["application/json"];
const basics = { name: "Mantelzorg Oost", start_date: "2026-01-01", end_date: "2026-12-31" };
export const plan: PlanDocument = {
  project: basics,
  target_groups: [
    {
      id: "0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d13",
      name: "Turkish-Dutch caregivers in Oost",
      languages: ["tr", "nl"],
      created_at: "2026-01-05T10:00:00Z",
    },
  ],
  roadmap: [{ step: 3, status: "done", notes: null }],
};
// @ts-expect-error a section's line takes no unknown fields
export const planUnknownField: PlanDocument = { project: basics, target_groups: [{ name: "x", colour: "red" }] };
// @ts-expect-error a roadmap line names its step
export const planStepless: PlanDocument = { project: basics, roadmap: [{ status: "done" }] };
// @ts-expect-error a section is a list of lines, not any object
export const planLoose: PlanDocument = { project: basics, hours: [42] };
