//! Email addresses of users.

/// A syntactically plausible email address, trimmed. Case is kept as given; uniqueness
/// is case-insensitive in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        let length = value.chars().count();
        if !(3..=254).contains(&length) {
            return Err("must be an email address of 3 to 254 characters".into());
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err("must be an email address like name@example.org".into());
        };
        let plausible = !local.is_empty()
            && local.chars().count() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@');
        if !plausible {
            return Err("must be an email address like name@example.org".into());
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn accepts_ordinary_addresses_and_rejects_the_rest() {
        assert_eq!(
            Email::parse(" Anna@Steunpunt.nl ").unwrap().as_str(),
            "Anna@Steunpunt.nl"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@x.nl",
            "anna@localhost",
            "an na@x.nl",
            "a@b@c.nl",
            "anna@.nl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
