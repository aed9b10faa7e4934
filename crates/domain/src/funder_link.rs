//! A funder link: consent from both sides before a funder account sees anything. An
//! organisation requests it for an entry of its funder register; the funder account
//! accepts or refuses; either side ends it. The database guards the same moves.

text_enum!(
    /// Where a funder link stands.
    LinkState {
        /// Requested by the organisation; the funder account has not answered.
        Requested => "requested",
        /// Accepted by the funder account: it sees what the organisation applied to that
        /// funder for.
        Accepted => "accepted",
        /// Refused by the funder account.
        Refused => "refused",
        /// Ended by either side (or withdrawn by the organisation before an answer).
        Ended => "ended",
    }
);

text_enum!(
    /// The side of a funder link an account is on.
    LinkSide {
        /// The organisation whose register entry it is.
        Organisation => "organisation",
        /// The funder account.
        Funder => "funder",
    }
);

text_enum!(
    /// A move of a funder link.
    LinkAction {
        /// The funder account takes part.
        Accept => "accept",
        /// The funder account declines.
        Refuse => "refuse",
        /// Either side stops sharing (the organisation withdraws a request this way).
        End => "end",
    }
);

impl LinkAction {
    /// The state a link moves to.
    pub fn target(self) -> LinkState {
        match self {
            LinkAction::Accept => LinkState::Accepted,
            LinkAction::Refuse => LinkState::Refused,
            LinkAction::End => LinkState::Ended,
        }
    }

    /// Whether `side` may make this move from `state`; why not, in words for the caller.
    pub fn check(self, state: LinkState, side: LinkSide) -> Result<(), LinkRefusal> {
        if !self.belongs_to(side) {
            Err(LinkRefusal::Side(
                "Only the funder account accepts or refuses a link.".into(),
            ))
        } else if self.opens_from(state, side) {
            Ok(())
        } else {
            Err(LinkRefusal::State(LinkAction::open(state, side)))
        }
    }

    /// The moves `side` may make from `state`.
    pub fn open(state: LinkState, side: LinkSide) -> Vec<LinkAction> {
        LinkAction::ALL
            .iter()
            .copied()
            .filter(|action| action.belongs_to(side) && action.opens_from(state, side))
            .collect()
    }

    /// Accepting and refusing are the funder account's answers; either side ends.
    fn belongs_to(self, side: LinkSide) -> bool {
        self == LinkAction::End || side == LinkSide::Funder
    }

    fn opens_from(self, state: LinkState, side: LinkSide) -> bool {
        match (self, state) {
            (LinkAction::Accept | LinkAction::Refuse, LinkState::Requested) => true,
            (LinkAction::End, LinkState::Accepted) => true,
            // Before an answer the organisation withdraws; the funder account refuses.
            (LinkAction::End, LinkState::Requested) => side == LinkSide::Organisation,
            _ => false,
        }
    }
}

/// Why a move of a link is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRefusal {
    /// The caller's side may never make it.
    Side(String),
    /// Not from this state; the moves that are open to the caller.
    State(Vec<LinkAction>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use LinkAction::*;
    use LinkSide::*;
    use LinkState::*;

    #[test]
    fn only_the_funder_answers_a_request() {
        assert_eq!(Accept.check(Requested, Funder), Ok(()));
        assert_eq!(Refuse.check(Requested, Funder), Ok(()));
        assert!(matches!(
            Accept.check(Requested, Organisation),
            Err(LinkRefusal::Side(_))
        ));
        assert!(matches!(
            Refuse.check(Accepted, Organisation),
            Err(LinkRefusal::Side(_))
        ));
    }

    #[test]
    fn either_side_ends_an_accepted_link_and_the_organisation_withdraws_a_request() {
        assert_eq!(End.check(Accepted, Funder), Ok(()));
        assert_eq!(End.check(Accepted, Organisation), Ok(()));
        assert_eq!(End.check(Requested, Organisation), Ok(()));
        assert_eq!(
            End.check(Requested, Funder),
            Err(LinkRefusal::State(vec![Accept, Refuse]))
        );
    }

    #[test]
    fn a_refused_or_ended_link_stays_so() {
        for state in [Refused, Ended] {
            for side in [Organisation, Funder] {
                assert_eq!(End.check(state, side), Err(LinkRefusal::State(vec![])));
                assert!(LinkAction::open(state, side).is_empty());
            }
            assert_eq!(Accept.check(state, Funder), Err(LinkRefusal::State(vec![])));
        }
        assert_eq!(
            Accept.check(Accepted, Funder),
            Err(LinkRefusal::State(vec![End]))
        );
    }
}
