//! Every vocabulary's labels, in English and Dutch, in this one place: funder reports'
//! headers and cells and `GET /api/v1/vocabularies` read them here. Each table is an
//! exhaustive match, so a value added to a vocabulary does not compile until it has
//! both labels.

use crate::export::{ExportColumn, FigureMeasure, ReportSection, SubjectKind, Unit};
use crate::organisation::ReportLanguage;
use crate::plan::{
    Activity, BudgetCategory, Channel, FundStatus, FunderKind, Level, PartnerCategory,
    PartnerFunction, ReportReviewer, RoadmapStatus, TargetTheme, TranslationUnit,
};
use crate::project::{OrganisationRole, ProjectStatus};
use crate::report::{Figure, QuarterState, ReportState};

/// A value of a vocabulary with labels.
pub trait Labelled: Copy + 'static {
    /// The vocabulary's name, as `GET /api/v1/vocabularies` keys it: `activity`.
    const NAME: &'static str;
    /// Every value, in order.
    fn all() -> Vec<Self>;
    /// The value as the API writes it: `key_person_meetings`.
    fn value(self) -> &'static str;
    /// `(English, Dutch)`.
    fn labels(self) -> (&'static str, &'static str);

    /// The label in `lang`.
    fn label(self, lang: ReportLanguage) -> &'static str {
        let (en, nl) = self.labels();
        match lang {
            ReportLanguage::En => en,
            ReportLanguage::Nl => nl,
        }
    }
}

macro_rules! labels {
    ($($ty:ident $name:literal { $($variant:ident => $en:literal, $nl:literal;)+ })+) => {$(
        impl Labelled for $ty {
            const NAME: &'static str = $name;
            fn all() -> Vec<Self> {
                $ty::ALL.to_vec()
            }
            fn value(self) -> &'static str {
                self.as_str()
            }
            fn labels(self) -> (&'static str, &'static str) {
                match self {
                    $($ty::$variant => ($en, $nl),)+
                }
            }
        }
    )+};
}

labels! {
    Activity "activity" {
        Outreach => "Outreach", "Outreach en werving";
        KeyPersonMeetings => "Meetings with key persons", "Gesprekken met sleutelpersonen";
        CaregiverConversations => "Conversations with caregivers", "Gesprekken met mantelzorgers";
        NetworkMeetings => "Network meetings", "Netwerkoverleggen";
        Communication => "Communication", "Communicatie";
        Coordination => "Coordination", "Coördinatie";
        Training => "Training", "Scholing";
        Other => "Other", "Overig";
    }
    BudgetCategory "budget_category" {
        Personnel => "Personnel", "Personeel";
        Communication => "Communication", "Communicatie";
        Translation => "Translation", "Vertaling";
        Interpretation => "Interpreting", "Tolken";
        Materials => "Materials", "Materialen";
        Activities => "Activities", "Activiteiten";
        Venue => "Venue", "Locatie en zaalhuur";
        Training => "Training", "Scholing";
        Overhead => "Overhead", "Overhead";
        Other => "Other", "Overig";
    }
    TranslationUnit "translation_unit" {
        Words => "Words", "Woorden";
        Pages => "Pages", "Pagina's";
        Minutes => "Minutes", "Minuten";
        Flat => "Flat fee", "Vast bedrag";
    }
    FunderKind "funder_kind" {
        Municipality => "Municipality", "Gemeente";
        Fund => "Fund", "Fonds";
        Province => "Province", "Provincie";
        NationalGovernment => "National government", "Rijksoverheid";
        HealthInsurerOrCareOffice => "Health insurer or care office", "Zorgverzekeraar of zorgkantoor";
        Other => "Other", "Overig";
    }
    FundStatus "fund_status" {
        Draft => "Draft", "Concept";
        Submitted => "Submitted", "Ingediend";
        Granted => "Granted", "Toegekend";
        PartiallyGranted => "Partially granted", "Gedeeltelijk toegekend";
        Rejected => "Rejected", "Afgewezen";
        Withdrawn => "Withdrawn", "Ingetrokken";
    }
    ReportReviewer "report_reviewer" {
        Funder => "Funder", "Financier";
        Organisation => "Organisation", "Organisatie";
    }
    TargetTheme "target_theme" {
        Reach => "Reach", "Bereik";
        Partners => "Network", "Netwerk";
        Communication => "Communication", "Communicatie";
        Hours => "Hours", "Uren";
        Spend => "Spend", "Besteding";
    }
    Channel "channel" {
        SocialMedia => "Social media", "Sociale media";
        Newsletter => "Newsletter", "Nieuwsbrief";
        LocalNewspaper => "Local newspaper", "Lokale krant";
        Flyers => "Flyers", "Flyers";
        Video => "Video", "Video";
        Website => "Website", "Website";
        InformationMeeting => "Information meeting", "Voorlichtingsbijeenkomst";
        Radio => "Radio", "Radio";
        MessagingGroups => "Messaging groups", "Appgroepen";
        PartnerChannels => "Partners' channels", "Kanalen van partners";
        InPerson => "In person", "Persoonlijk contact";
    }
    RoadmapStatus "roadmap_status" {
        NotStarted => "Not started", "Niet begonnen";
        InProgress => "In progress", "Bezig";
        Done => "Done", "Afgerond";
        Skipped => "Skipped", "Overgeslagen";
    }
    PartnerCategory "partner_category" {
        Welfare => "Welfare", "Welzijn";
        MigrantOrganisation => "Migrant organisation or key persons", "Migrantenorganisatie of sleutelpersonen";
        Religious => "Religious house", "Religieuze instelling";
        CultureSpecificCare => "Culture-specific care", "Cultuurspecifieke zorg";
        GeneralCare => "General care", "Algemene zorg";
        School => "School", "School";
        Municipality => "Municipality", "Gemeente";
        Other => "Other", "Overig";
    }
    PartnerFunction "partner_function" {
        Referrer => "Referrer", "Doorverwijzer";
        ReferralTarget => "Referral target", "Verwijsadres";
        CollaborationPartner => "Collaboration partner", "Samenwerkingspartner";
        KnowledgePartner => "Knowledge partner", "Kennispartner";
    }
    ProjectStatus "project_status" {
        Draft => "Draft", "Concept";
        Active => "Active", "Lopend";
        Completed => "Completed", "Afgerond";
        Cancelled => "Cancelled", "Geannuleerd";
    }
    OrganisationRole "organisation_role" {
        DirectSupport => "Direct support", "Directe ondersteuning";
        ExpertiseCentre => "Expertise centre", "Expertisecentrum";
        Advocacy => "Advocacy", "Belangenbehartiging";
    }
    ReportState "report_state" {
        Draft => "Draft", "Concept";
        Submitted => "Submitted", "Ingediend";
        Accepted => "Accepted", "Goedgekeurd";
        Returned => "Returned", "Teruggestuurd";
    }
    QuarterState "quarter_state" {
        NotStarted => "Not started", "Niet begonnen";
        Draft => "Draft", "Concept";
        Submitted => "Submitted", "Ingediend";
        Accepted => "Accepted", "Goedgekeurd";
        Returned => "Returned", "Teruggestuurd";
    }
    Figure "figure" {
        ReachNew => "Caregivers reached for the first time", "Nieuw bereikte mantelzorgers";
        ReachTotal => "Caregivers reached", "Bereikte mantelzorgers";
        KeyPersonContacts => "Contacts with key persons", "Contacten met sleutelpersonen";
        ActivityParticipants => "Activity participants", "Deelnemers aan activiteiten";
        ReferralsReceived => "Referrals received", "Ontvangen verwijzingen";
        ReferralsMade => "Referrals made", "Gedane verwijzingen";
        PartnerReferralsReceived => "Referrals received from the partner", "Verwijzingen van de partner";
        PartnerReferralsMade => "Referrals made to the partner", "Verwijzingen naar de partner";
        ActivePartners => "Active partners", "Actieve partners";
        NewPartners => "New partners", "Nieuwe partners";
        NetworkMeetings => "Network meetings", "Netwerkoverleggen";
        LevelChange => "Step on the collaboration ladder", "Trede op de samenwerkingsladder";
        CommunicationCount => "Communications", "Communicatie-uitingen";
        CommunicationReach => "Reach of communication", "Bereik van communicatie";
        CommunicationCost => "Cost of communication", "Kosten van communicatie";
        Spent => "Spent", "Besteed";
        HoursSpent => "Hours spent", "Bestede uren";
        Developments => "Developments", "Ontwikkelingen";
        Obstacles => "Obstacles", "Knelpunten";
        Signals => "Signals", "Signalen";
        NextQuarter => "Plans for the next quarter", "Plannen voor het volgende kwartaal";
    }
    ReportSection "report_section" {
        Reach => "Reach", "Bereik";
        Network => "Network", "Netwerk";
        Communication => "Communication", "Communicatie";
        Budget => "Budget", "Budget";
        Narrative => "Narrative", "Toelichting";
    }
    SubjectKind "subject_kind" {
        Project => "Project", "Project";
        TargetGroup => "Target group", "Doelgroep";
        Partner => "Partner", "Partner";
        Channel => "Channel", "Kanaal";
        BudgetLine => "Budget line", "Begrotingspost";
        Activity => "Activity", "Activiteit";
    }
    Unit "unit" {
        Count => "Count", "Aantal";
        Euro => "Euro", "Euro";
        Hours => "Hours", "Uren";
        Level => "Ladder step", "Trede";
        Text => "Text", "Tekst";
    }
    ExportColumn "export_column" {
        Organisation => "Organisation", "Organisatie";
        Project => "Project", "Project";
        Funder => "Funder", "Financier";
        ApplicationReference => "Application reference", "Kenmerk aanvraag";
        Quarter => "Quarter", "Kwartaal";
        QuarterStart => "Quarter start", "Begin kwartaal";
        ReportState => "Report state", "Status rapportage";
        Revision => "Revision", "Versie";
        Section => "Section", "Onderdeel";
        Figure => "Figure", "Cijfer";
        SubjectKind => "Subject kind", "Soort onderwerp";
        Subject => "Subject", "Onderwerp";
        Language => "Language", "Taal";
        Unit => "Unit", "Eenheid";
        Planned => "Planned", "Gepland";
        Actual => "Actual", "Gerealiseerd";
        CumulativePlanned => "Cumulative planned", "Cumulatief gepland";
        CumulativeActual => "Cumulative actual", "Cumulatief gerealiseerd";
        Variance => "Variance", "Verschil";
        Text => "Text", "Tekst";
    }
    FigureMeasure "figure_measure" {
        Total => "total", "totaal";
        Planned => "planned", "gepland";
        Cumulative => "cumulative", "cumulatief";
        CumulativePlanned => "cumulative planned", "cumulatief gepland";
    }
}

impl Labelled for Level {
    const NAME: &'static str = "ladder_level";
    fn all() -> Vec<Self> {
        (1..=5).filter_map(Level::from_rank).collect()
    }
    fn value(self) -> &'static str {
        self.as_str()
    }
    fn labels(self) -> (&'static str, &'static str) {
        match self.rank() {
            1 => ("Know of each other", "Kennen elkaar"),
            2 => ("In contact", "Hebben contact"),
            3 => ("Coordinate", "Stemmen af"),
            4 => ("Collaborate", "Werken samen"),
            _ => ("Work as one", "Werken als één"),
        }
    }
}

/// One value of a vocabulary with its label in the language asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub value: &'static str,
    pub label: &'static str,
}

/// Every vocabulary, by name, with its labels in `lang`.
pub fn all(lang: ReportLanguage) -> Vec<(&'static str, Vec<Term>)> {
    fn terms<T: Labelled>(lang: ReportLanguage) -> (&'static str, Vec<Term>) {
        (
            T::NAME,
            T::all()
                .into_iter()
                .map(|v| Term {
                    value: v.value(),
                    label: v.label(lang),
                })
                .collect(),
        )
    }
    vec![
        terms::<Activity>(lang),
        terms::<BudgetCategory>(lang),
        terms::<TranslationUnit>(lang),
        terms::<FunderKind>(lang),
        terms::<FundStatus>(lang),
        terms::<ReportReviewer>(lang),
        terms::<TargetTheme>(lang),
        terms::<Channel>(lang),
        terms::<RoadmapStatus>(lang),
        terms::<PartnerCategory>(lang),
        terms::<PartnerFunction>(lang),
        terms::<Level>(lang),
        terms::<ProjectStatus>(lang),
        terms::<OrganisationRole>(lang),
        terms::<ReportState>(lang),
        terms::<QuarterState>(lang),
        terms::<Figure>(lang),
        terms::<ReportSection>(lang),
        terms::<SubjectKind>(lang),
        terms::<Unit>(lang),
        terms::<ExportColumn>(lang),
        terms::<FigureMeasure>(lang),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_a_label_in_both_languages_and_no_label_repeats_in_a_vocabulary() {
        for lang in [ReportLanguage::En, ReportLanguage::Nl] {
            for (name, terms) in all(lang) {
                assert!(!terms.is_empty(), "{name}");
                let mut labels: Vec<&str> = terms.iter().map(|t| t.label).collect();
                assert!(labels.iter().all(|l| !l.trim().is_empty()), "{name}");
                labels.sort_unstable();
                labels.dedup();
                assert_eq!(
                    labels.len(),
                    terms.len(),
                    "{name} repeats a label in {lang}"
                );
            }
        }
    }

    #[test]
    fn labels_follow_the_language() {
        assert_eq!(
            Activity::KeyPersonMeetings.label(ReportLanguage::Nl),
            "Gesprekken met sleutelpersonen"
        );
        assert_eq!(
            Activity::KeyPersonMeetings.label(ReportLanguage::En),
            "Meetings with key persons"
        );
        assert_eq!(
            Level::from_rank(5).map(|l| l.label(ReportLanguage::Nl)),
            Some("Werken als één")
        );
        let names: Vec<&str> = all(ReportLanguage::Nl)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }
}
