//! Who hears about what: e-mail queued in the outbox when a placement starts waiting on someone
//! (the district after a run, the mentor after approval) or is settled (the candidate and the
//! coordinators on confirmation, the coordinators on a decline). The action has already been
//! kept when these run, so a failure to queue is logged, never turned into an error.

use std::collections::BTreeMap;

use tandem_domain::Role;
use tandem_store::outbox::Mail;
use tandem_store::placements::Placement;
use tandem_store::{Page, Store};

/// Who answers for a district (as `Principal::can_approve_for` decides).
const APPROVERS: &[Role] = &[Role::Admin, Role::Coordinator, Role::PartnershipLead];

async fn queue(store: &Store, mails: Vec<Mail>) {
    if let Err(error) = store.enqueue_mail(&mails).await {
        tracing::warn!(%error, count = mails.len(), "could not queue e-mail");
    }
}

fn mail(name: &str, address: &str, subject: String, body: String, link: String) -> Mail {
    Mail {
        to_address: address.to_owned(),
        to_name: name.to_owned(),
        subject,
        body: format!("Hello {name},\n\n{body}"),
        link,
    }
}

/// After a run: each district's approvers hear how many placements wait for them.
pub(crate) async fn run_proposed(store: &Store, term_id: i64, run_id: i64) {
    let Ok((placements, _)) = store.placements(term_id, Page::all()).await else {
        return;
    };
    let Ok(term) = store.term(term_id).await else {
        return;
    };
    let mut by_district: BTreeMap<i64, (String, usize)> = BTreeMap::new();
    for p in placements
        .iter()
        .filter(|p| p.run_id == Some(run_id) && p.status == "proposed")
    {
        if let Some(district) = p.district_id {
            let entry = by_district
                .entry(district)
                .or_insert_with(|| (p.district_name.clone().unwrap_or_default(), 0));
            entry.1 += 1;
        }
    }
    let districts: Vec<i64> = by_district.keys().copied().collect();
    let Ok(people) = store.addresses(&districts, APPROVERS).await else {
        return;
    };
    let mails = people
        .iter()
        .filter_map(|(district, name, address)| {
            let (district_name, count) = by_district.get(district)?;
            Some(mail(
                name,
                address,
                format!("{count} placements wait for your approval ({})", term.name),
                format!(
                    "The placement match for {} proposes {count} candidates for schools of \
                     {district_name}. Please approve each one, or decline it with a reason.",
                    term.name
                ),
                "/".to_owned(),
            ))
        })
        .collect();
    queue(store, mails).await;
}

/// The district approved: the mentor is asked to accept.
pub(crate) async fn approved(store: &Store, p: &Placement) {
    let Some(address) = &p.mentor_email else {
        return;
    };
    let mail = mail(
        &p.mentor_name,
        address,
        format!("A student teacher for you: {}", p.candidate_name),
        format!(
            "{} has approved {} ({}) as your student teacher at {}. Please accept, or decline \
             with a reason.",
            p.district_name.as_deref().unwrap_or("The district"),
            p.candidate_name,
            p.program_name,
            p.school_name
        ),
        format!("/placements/{}", p.id),
    );
    queue(store, vec![mail]).await;
}

/// The mentor accepted: the candidate and the provider's coordinators hear it is confirmed.
pub(crate) async fn confirmed(store: &Store, p: &Placement) {
    let subject = format!(
        "Placement confirmed: {} at {}",
        p.candidate_name, p.school_name
    );
    let body = format!(
        "{} will teach with {} at {}.",
        p.candidate_name, p.mentor_name, p.school_name
    );
    let link = format!("/placements/{}", p.id);
    let mut mails = Vec::new();
    if let Ok(candidate) = store.person(p.candidate_person_id).await
        && let Some(address) = &candidate.email
    {
        mails.push(mail(
            &candidate.name,
            address,
            subject.clone(),
            body.clone(),
            link.clone(),
        ));
    }
    mails.extend(coordinators(store, p.term_id, &subject, &body, &link).await);
    queue(store, mails).await;
}

/// A decline: the provider's coordinators hear who declined and why, to re-run for the rest.
pub(crate) async fn declined(store: &Store, p: &Placement, by: &str, reason: &str) {
    let subject = format!(
        "Placement declined: {} at {}",
        p.candidate_name, p.school_name
    );
    let body = format!(
        "{by} declined placing {} with {} at {}: \"{reason}\". The school will not be proposed \
         to this candidate again; re-run the match for the term with the other placements \
         locked.",
        p.candidate_name, p.mentor_name, p.school_name
    );
    let link = format!("/terms/{}", p.term_id);
    let mails = coordinators(store, p.term_id, &subject, &body, &link).await;
    queue(store, mails).await;
}

/// The coordinators of the provider whose term it is.
async fn coordinators(
    store: &Store,
    term_id: i64,
    subject: &str,
    body: &str,
    link: &str,
) -> Vec<Mail> {
    let provider = match store.term(term_id).await {
        Ok(term) => store
            .partnership(term.partnership_id)
            .await
            .map(|p| p.provider_id),
        Err(e) => Err(e),
    };
    let Ok(provider) = provider else {
        return Vec::new();
    };
    store
        .addresses(&[provider], &[Role::Coordinator])
        .await
        .unwrap_or_default()
        .iter()
        .map(|(_, name, address)| {
            mail(
                name,
                address,
                subject.to_owned(),
                body.to_owned(),
                link.to_owned(),
            )
        })
        .collect()
}
