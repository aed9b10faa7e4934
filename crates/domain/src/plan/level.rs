//! The collaboration ladder's levels.

use super::*;

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
