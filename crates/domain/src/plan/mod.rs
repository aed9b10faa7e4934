//! The vocabulary of a project plan: quarters, amounts, language codes, and the closed
//! lists of activities, budget categories, channels, partner kinds and ladder levels.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// Serde through `Display` and `FromStr`: the value is a JSON string, and a parse error
/// becomes the field's message.
macro_rules! serde_via_str {
    ($name:ty) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = Cow::<str>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// SQL through an inner type: `to` makes the inner value from `v: &Self`, `from` makes
/// the value (a `Result`) from the inner `i`.
macro_rules! sql_via {
    ($name:ty, $sql:ty, $inner:ty, |$v:ident| $to:expr, |$i:ident| $from:expr) => {
        #[cfg(feature = "diesel")]
        impl diesel::serialize::ToSql<$sql, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                let $v = self;
                let inner: $inner = $to;
                <$inner as diesel::serialize::ToSql<$sql, diesel::pg::Pg>>::to_sql(
                    &inner,
                    &mut out.reborrow(),
                )
            }
        }

        #[cfg(feature = "diesel")]
        impl diesel::deserialize::FromSql<$sql, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let $i = <$inner as diesel::deserialize::FromSql<$sql, diesel::pg::Pg>>::from_sql(
                    bytes,
                )?;
                $from
            }
        }
    };
}

mod amount;
mod language;
mod level;
mod quarter;
mod reporting;

pub use amount::{
    Amount, Euros, EurosRequested, HourlyRate, Hours, Quantity, TargetValue, UnitPrice,
    amount_pattern,
};
pub use language::{LanguageCode, distinct_languages};
pub use level::Level;
pub use quarter::Quarter;
pub use reporting::ReportingDuty;

text_enum!(
    /// What planned or spent hours are for.
    Activity {
        Outreach => "outreach",
        KeyPersonMeetings => "key_person_meetings",
        CaregiverConversations => "caregiver_conversations",
        NetworkMeetings => "network_meetings",
        Communication => "communication",
        Coordination => "coordination",
        Training => "training",
        Other => "other",
    }
);

text_enum!(
    /// The category of a budget line.
    BudgetCategory {
        Personnel => "personnel",
        Communication => "communication",
        Translation => "translation",
        Interpretation => "interpretation",
        Materials => "materials",
        Activities => "activities",
        Venue => "venue",
        Training => "training",
        Overhead => "overhead",
        Other => "other",
    }
);

text_enum!(
    /// How a translation is priced.
    TranslationUnit {
        Words => "words",
        Pages => "pages",
        Minutes => "minutes",
        Flat => "flat",
    }
);

text_enum!(
    /// Who accepts or returns the quarterly reports of a project that a fund application
    /// funds.
    ReportReviewer {
        /// The funder, through its funder account, once the organisation's link to it is
        /// accepted (until then the organisation reviews).
        Funder => "funder",
        /// The organisation itself: an admin other than the one who submitted.
        Organisation => "organisation",
    }
);

text_enum!(
    /// What kind of body a funder is.
    FunderKind {
        /// A municipality (*gemeente*).
        Municipality => "municipality",
        /// A charitable fund (*fonds*).
        Fund => "fund",
        /// A province (*provincie*).
        Province => "province",
        /// The national government or one of its agencies (*Rijk*).
        NationalGovernment => "national_government",
        /// A health insurer or care office (*zorgverzekeraar*, *zorgkantoor*).
        HealthInsurerOrCareOffice => "health_insurer_or_care_office",
        Other => "other",
    }
);

text_enum!(
    /// Where a fund application stands.
    FundStatus {
        Draft => "draft",
        Submitted => "submitted",
        Granted => "granted",
        PartiallyGranted => "partially_granted",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
    }
);

impl FundStatus {
    /// The statuses an application may move to from this one.
    pub fn next(self) -> &'static [FundStatus] {
        use FundStatus::*;
        match self {
            Draft => &[Submitted, Withdrawn],
            Submitted => &[Granted, PartiallyGranted, Rejected, Withdrawn],
            Granted | PartiallyGranted | Rejected | Withdrawn => &[],
        }
    }

    /// A funder has decided: granted, partly or not.
    pub fn decided(self) -> bool {
        matches!(
            self,
            FundStatus::Granted | FundStatus::PartiallyGranted | FundStatus::Rejected
        )
    }
}

text_enum!(
    /// What a target measures.
    TargetTheme {
        /// Caregivers reached, per target group (or all).
        Reach => "reach",
        /// Partners at or above a collaboration level.
        Partners => "partners",
        /// Communication items, per channel and/or language.
        Communication => "communication",
        /// Hours, per activity (or all).
        Hours => "hours",
        /// Euros spent, per budget line or category (or all).
        Spend => "spend",
    }
);

text_enum!(
    /// A communication channel.
    Channel {
        SocialMedia => "social_media",
        Newsletter => "newsletter",
        LocalNewspaper => "local_newspaper",
        Flyers => "flyers",
        Video => "video",
        Website => "website",
        InformationMeeting => "information_meeting",
        Radio => "radio",
        MessagingGroups => "messaging_groups",
        PartnerChannels => "partner_channels",
        InPerson => "in_person",
    }
);

text_enum!(
    /// Where a roadmap step stands.
    RoadmapStatus {
        NotStarted => "not_started",
        InProgress => "in_progress",
        Done => "done",
        Skipped => "skipped",
    }
);

text_enum!(
    /// The kind of a partner organisation.
    PartnerCategory {
        /// Community centres, libraries, social workers, volunteer organisations.
        Welfare => "welfare",
        /// Migrant self-organisations and key persons.
        MigrantOrganisation => "migrant_organisation",
        /// Mosques, churches, temples, spiritual carers.
        Religious => "religious",
        /// Culture-specific home care, day care, nursing homes.
        CultureSpecificCare => "culture_specific_care",
        /// GPs, practice nurses, dementia case managers, geriatric networks, mental health.
        GeneralCare => "general_care",
        School => "school",
        /// Social-support consultants.
        Municipality => "municipality",
        Other => "other",
    }
);

text_enum!(
    /// What a partner does in a project.
    PartnerFunction {
        /// Sends caregivers to us.
        Referrer => "referrer",
        /// We send caregivers to them.
        ReferralTarget => "referral_target",
        /// Shared activities, materials, rooms.
        CollaborationPartner => "collaboration_partner",
        /// Exchange of expertise.
        KnowledgePartner => "knowledge_partner",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_print_and_span_periods() {
        let q: Quarter = "2026-Q3".parse().unwrap();
        assert_eq!(q.to_string(), "2026-Q3");
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert!("2026-Q5".parse::<Quarter>().is_err());
        assert!("2026Q3".parse::<Quarter>().is_err());
        assert!("1999-Q1".parse::<Quarter>().is_err());
        let start = NaiveDate::from_ymd_opt(2026, 2, 15).unwrap();
        let end = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
        let all: Vec<String> = Quarter::spanning(start, end)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(all, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]);
        assert!(!"2027-Q2".parse::<Quarter>().unwrap().within(start, end));
    }

    #[test]
    fn amounts_are_strict_two_decimal_strings() {
        assert_eq!("1250.5".parse::<Amount>().unwrap().to_string(), "1250.50");
        assert_eq!("7".parse::<Amount>().unwrap().to_string(), "7.00");
        for bad in [
            "-1",
            "1.234",
            "1,5",
            "",
            ".5",
            "5.",
            "1e3",
            " 1",
            "1234567890123",
        ] {
            assert!(bad.parse::<Amount>().is_err(), "{bad}");
        }
    }

    #[test]
    fn language_codes_follow_iso_639() {
        assert!("tr".parse::<LanguageCode>().is_ok());
        assert!("zgh".parse::<LanguageCode>().is_ok());
        assert!("srn".parse::<LanguageCode>().is_ok());
        assert!("pap".parse::<LanguageCode>().is_ok());
        assert!("ti".parse::<LanguageCode>().is_ok());
        assert!(
            "tir"
                .parse::<LanguageCode>()
                .unwrap_err()
                .contains("\"ti\"")
        );
        assert!("xx".parse::<LanguageCode>().is_err());
        assert!("TR".parse::<LanguageCode>().is_err());
    }

    #[test]
    fn fund_lifecycle() {
        assert_eq!(
            FundStatus::Draft.next(),
            &[FundStatus::Submitted, FundStatus::Withdrawn]
        );
        assert!(FundStatus::Granted.next().is_empty());
    }
}
