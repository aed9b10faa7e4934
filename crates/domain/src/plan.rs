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
    /// Who a fund application goes to.
    FunderKind {
        Municipality => "municipality",
        PrivateFund => "private_fund",
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

/// The five-step collaboration ladder, stored as 1 to 5 so that "at or above" is a
/// comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::SmallInt)
)]
pub struct Level(i16);

impl Level {
    pub const NAMES: [&'static str; 5] = [
        "know_of_each_other",
        "in_contact",
        "coordinate",
        "collaborate",
        "work_as_one",
    ];

    pub fn rank(self) -> i16 {
        self.0
    }
    pub fn from_rank(rank: i16) -> Option<Self> {
        (1..=5).contains(&rank).then_some(Level(rank))
    }
    pub fn as_str(self) -> &'static str {
        Self::NAMES[usize::try_from(self.0 - 1).unwrap_or(0)]
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .and_then(|i| Level::from_rank(i16::try_from(i + 1).ok()?))
            .ok_or_else(|| {
                format!(
                    "unknown level {s:?}; expected one of, from low to high: {}",
                    Self::NAMES.join(", ")
                )
            })
    }
}

serde_via_str!(Level);

impl PartialSchema for Level {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A step on the collaboration ladder, from low to high: know_of_each_other, in_contact, coordinate, collaborate, work_as_one.",
            ))
            .enum_values(Some(Self::NAMES))
            .into()
    }
}
impl ToSchema for Level {}

sql_via!(Level, diesel::sql_types::SmallInt, i16, |v| v.0, |i| {
    Level::from_rank(i).ok_or_else(|| format!("ladder level {i} out of range").into())
});

/// A calendar quarter, written `2026-Q3`; stored as the date of its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Date)
)]
pub struct Quarter {
    year: i32,
    number: u32,
}

impl Quarter {
    pub fn new(year: i32, number: u32) -> Option<Self> {
        ((2000..=2100).contains(&year) && (1..=4).contains(&number))
            .then_some(Quarter { year, number })
    }
    pub fn containing(date: NaiveDate) -> Self {
        Quarter {
            year: date.year(),
            number: date.month0() / 3 + 1,
        }
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or_default()
    }
    pub fn last_day(self) -> NaiveDate {
        self.next()
            .map(|q| q.first_day().pred_opt().unwrap_or_default())
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or_default())
    }
    pub fn next(self) -> Option<Self> {
        if self.number == 4 {
            Quarter::new(self.year + 1, 1)
        } else {
            Quarter::new(self.year, self.number + 1)
        }
    }
    /// True when the quarter overlaps the period `[start, end]`.
    pub fn within(self, start: NaiveDate, end: NaiveDate) -> bool {
        self.first_day() <= end && self.last_day() >= start
    }
    /// Every quarter that overlaps `[start, end]`, in order.
    pub fn spanning(start: NaiveDate, end: NaiveDate) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = Some(Quarter::containing(start));
        while let Some(quarter) = q.filter(|q| q.first_day() <= end) {
            out.push(quarter);
            q = quarter.next();
        }
        out
    }
    /// Checks that the quarter lies in the project period, for a field error.
    pub fn check_within(self, start: NaiveDate, end: NaiveDate) -> Result<Self, String> {
        if self.within(start, end) {
            Ok(self)
        } else {
            Err(format!(
                "{self} is outside the project period {start} to {end}"
            ))
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

impl FromStr for Quarter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a quarter; write it as 2026-Q3");
        let (year, number) = s.split_once("-Q").ok_or_else(bad)?;
        if year.len() != 4 || number.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number: u32 = number.parse().map_err(|_| bad())?;
        Quarter::new(year, number).ok_or_else(|| {
            format!("{s:?} is not a quarter from 2000-Q1 to 2100-Q4; write it as 2026-Q3")
        })
    }
}

serde_via_str!(Quarter);

impl PartialSchema for Quarter {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A calendar quarter, e.g. `2026-Q3`."))
            .pattern(Some(r"^(20[0-9]{2}|2100)-Q[1-4]$"))
            .examples([serde_json::json!("2026-Q3")])
            .into()
    }
}
impl ToSchema for Quarter {}

sql_via!(
    Quarter,
    diesel::sql_types::Date,
    NaiveDate,
    |v| v.first_day(),
    |i| Ok(Quarter::containing(i))
);

/// A non-negative decimal with at most two decimals: euros, hours, quantities. Sent as
/// a string (`"1250.50"`) so that no client turns it into a float; stored as NUMERIC.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Numeric)
)]
pub struct Amount(Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    pub fn new(value: Decimal) -> Self {
        // Half a cent rounds up, as in Postgres `round()` and in spreadsheets.
        let mut value =
            value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        value.rescale(2);
        Amount(value)
    }
    pub fn value(self) -> Decimal {
        self.0
    }
    /// Checks an upper bound, for a field error.
    pub fn at_most(self, max: i64) -> Result<Self, String> {
        if self.0 <= Decimal::from(max) {
            Ok(self)
        } else {
            Err(format!("must be at most {max}"))
        }
    }
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount::new(self.0 + other.0)
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.0;
        value.rescale(2);
        write!(f, "{value}")
    }
}

impl FromStr for Amount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{s:?} is not an amount; write a non-negative decimal with at most two decimals and a point, e.g. \"1250.50\""
            )
        };
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 12
            || fraction.len() > 2
            || (s.contains('.') && fraction.is_empty())
            || !digits(whole)
            || !digits(fraction)
        {
            return Err(bad());
        }
        s.parse::<Decimal>().map(Amount::new).map_err(|_| bad())
    }
}

serde_via_str!(Amount);

impl PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A non-negative decimal with at most two decimals, as a string, e.g. `\"1250.50\"`.",
            ))
            .pattern(Some(r"^[0-9]{1,12}(\.[0-9]{1,2})?$"))
            .examples([serde_json::json!("1250.50")])
            .into()
    }
}
impl ToSchema for Amount {}

sql_via!(
    Amount,
    diesel::sql_types::Numeric,
    Decimal,
    |v| v.0,
    |i| Ok(Amount::new(i))
);

/// An ISO 639 language code: 639-1 (`tr`), or 639-3 (`zgh`, `srn`, `pap`) for a
/// language that has no 639-1 code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for LanguageCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        use isolang::Language;
        match s.len() {
            2 if Language::from_639_1(s).is_some() => Ok(LanguageCode(s.to_string())),
            3 => match Language::from_639_3(s) {
                Some(language) => match language.to_639_1() {
                    Some(short) => Err(format!(
                        "{s:?} has the ISO 639-1 code {short:?} ({}); use that",
                        language.to_name()
                    )),
                    None => Ok(LanguageCode(s.to_string())),
                },
                None => Err(format!("{s:?} is not an ISO 639-3 language code")),
            },
            _ => Err(format!(
                "{s:?} is not an ISO 639 language code; use the lowercase ISO 639-1 code (\"tr\"), or ISO 639-3 (\"zgh\") where a language has no 639-1 code"
            )),
        }
    }
}

serde_via_str!(LanguageCode);

impl PartialSchema for LanguageCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An ISO 639-1 language code, or an ISO 639-3 code for a language without a 639-1 code (Tamazight `zgh`, Sranan Tongo `srn`, Papiamento `pap`).",
            ))
            .pattern(Some("^[a-z]{2,3}$"))
            .examples([serde_json::json!("tr")])
            .into()
    }
}
impl ToSchema for LanguageCode {}

sql_via!(
    LanguageCode,
    diesel::sql_types::Text,
    String,
    |v| v.0.clone(),
    |i| Ok(LanguageCode(i))
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
