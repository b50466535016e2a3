//! A partnership's people and liaisons, its meetings (agenda from the toolkit, attendees, notes,
//! decisions, a data day's snapshot) and its action items.

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use tandem_domain::FieldErrors;
use tandem_domain::meetings::{
    ActionDraft, ActionFields, ActionSource, ActionStatus, ActionStatusFields, MeetingFields,
    MeetingKind,
};
use tandem_domain::partnerships::Figures;
use tandem_domain::toolkit::ToolKind;
use tandem_store::meetings::{ActionItem, Attendee, Meeting, Member};
use tandem_store::toolkit::ToolItem;

use super::{Choice, Id, Layout, number, render, render_form, saved_or_form, today};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::{Guard, PartnershipView, PartyPerson};

pub fn people_choices(people: &[PartyPerson]) -> Vec<Choice> {
    Choice::list(
        people
            .iter()
            .map(|p| (p.person_id.to_string(), p.label.clone())),
    )
}

// ---- people and liaisons ----

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MemberFields {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    role: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RemoveFields {
    person_id: String,
    org_id: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LiaisonFields {
    org_id: String,
    #[serde(default)]
    liaison_id: String,
}

#[derive(Template)]
#[template(path = "partnerships/people.html")]
struct PeoplePage {
    layout: Layout,
    view: PartnershipView,
    members: Vec<Member>,
    people: Vec<Choice>,
    /// The provider's people, who may be a district's liaison.
    liaisons: Vec<Choice>,
    form: MemberFields,
    errors: FieldErrors,
}

async fn people_page(
    guard: &Guard,
    id: i64,
    form: MemberFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let members = guard.members(&view).await?;
    let everyone = if view.can_work {
        guard.party_people(&view).await?
    } else {
        Vec::new()
    };
    let provider = view.partnership.provider_id;
    let page = PeoplePage {
        layout: Layout::new(guard, "People", "/partnerships"),
        people: people_choices(&everyone),
        liaisons: people_choices(
            &everyone
                .iter()
                .filter(|p| p.org_id == provider)
                .cloned()
                .collect::<Vec<_>>(),
        ),
        members,
        view,
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn people(guard: Guard, Id(id): Id) -> PageResult<Response> {
    people_page(&guard, id, MemberFields::default(), FieldErrors::default()).await
}

pub async fn add_member(
    Id(id): Id,
    Submitted { guard, form }: Submitted<MemberFields>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::default();
    let person = tandem_domain::input::id(&mut errors, "person_id", &form.person_id, "a person");
    let role = tandem_domain::input::name(&mut errors, "role", &form.role);
    if errors.get("role").is_some() && form.role.trim().is_empty() {
        errors = FieldErrors(errors.0.into_iter().filter(|e| e.field != "role").collect());
        errors.add("role", "Say what the person does in this partnership");
    }
    let result = match errors.finish(|| person.unwrap_or_default()) {
        Ok(person) => guard
            .set_member(id, person, &role)
            .await
            .map(|()| format!("/partnerships/{id}/people")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| people_page(&guard, id, form, errors)).await
}

pub async fn remove_member(
    Id(id): Id,
    Submitted { guard, form }: Submitted<RemoveFields>,
) -> PageResult<Response> {
    let (Ok(person), Ok(org)) = (form.person_id.parse(), form.org_id.parse()) else {
        return Err(AppError::NotFound.into());
    };
    guard.remove_member(id, person, org).await?;
    Ok(axum::response::Redirect::to(&format!("/partnerships/{id}/people")).into_response())
}

pub async fn set_liaison(
    Id(id): Id,
    Submitted { guard, form }: Submitted<LiaisonFields>,
) -> PageResult<Response> {
    let Ok(org) = form.org_id.parse() else {
        return Err(AppError::NotFound.into());
    };
    let mut errors = FieldErrors::default();
    let liaison = tandem_domain::meetings::optional_id(
        &mut errors,
        "liaison_id",
        &form.liaison_id,
        "the liaison",
    );
    let result = match errors.finish(|| liaison) {
        Ok(liaison) => guard
            .set_liaison(id, org, liaison)
            .await
            .map(|()| format!("/partnerships/{id}/people")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        people_page(&guard, id, MemberFields::default(), errors)
    })
    .await
}

pub async fn export_people(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let members = guard.members(&view).await?;
    let header = [
        "person_id",
        "name",
        "email",
        "org_id",
        "organization",
        "role",
    ];
    let rows = members.into_iter().map(|m| {
        vec![
            m.person_id.to_string(),
            m.person_name,
            m.email,
            m.org_id.to_string(),
            m.org_name,
            m.role,
        ]
    });
    Ok(csv_export::download(
        "partnership-people.csv",
        &header,
        rows,
    )?)
}

// ---- meetings ----

pub fn kind_label(code: &str) -> &'static str {
    MeetingKind::parse(code).map_or("", MeetingKind::label)
}

fn kinds() -> Vec<Choice> {
    Choice::list(
        MeetingKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), k.label().to_owned())),
    )
}

#[derive(Template)]
#[template(path = "partnerships/meetings.html")]
struct MeetingsPage {
    layout: Layout,
    view: PartnershipView,
    meetings: Vec<Meeting>,
    agendas: Vec<ToolItem>,
}

pub async fn meetings(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let meetings = guard.meetings(&view).await?;
    let agendas = guard
        .toolkit()
        .await?
        .into_iter()
        .filter(|t| t.kind == ToolKind::Agenda.code())
        .collect();
    let page = MeetingsPage {
        layout: Layout::new(&guard, "Meetings", "/partnerships"),
        view,
        meetings,
        agendas,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "partnerships/meeting_form.html")]
struct MeetingForm {
    layout: Layout,
    view: PartnershipView,
    action: String,
    editing: bool,
    form: MeetingFields,
    errors: FieldErrors,
    kinds: Vec<Choice>,
    people: Vec<Choice>,
}

async fn meeting_form(
    guard: &Guard,
    view: PartnershipView,
    meeting: Option<i64>,
    form: MeetingFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    if !view.can_work {
        return Err(AppError::Forbidden.into());
    }
    let people = guard.party_people(&view).await?;
    let page = MeetingForm {
        layout: Layout::new(
            guard,
            if meeting.is_some() {
                "Edit the meeting record"
            } else {
                "Plan a meeting"
            },
            "/partnerships",
        ),
        action: match meeting {
            Some(m) => format!("/meetings/{m}"),
            None => format!("/partnerships/{}/meetings", view.partnership.id),
        },
        editing: meeting.is_some(),
        people: people_choices(&people),
        kinds: kinds(),
        view,
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewMeetingQuery {
    template: Option<String>,
}

/// A new meeting's form; `?template=ID` starts its agenda from a toolkit item.
pub async fn new_meeting(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<NewMeetingQuery>,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let mut form = MeetingFields {
        kind: MeetingKind::Regular.code().to_owned(),
        ..MeetingFields::default()
    };
    if let Some(template) = number(&query.template) {
        let item = guard.tool(template).await?;
        if item.slug.as_deref() == Some("agenda-data-day") {
            form.kind = MeetingKind::DataDay.code().to_owned();
        }
        form.title = item.title.trim_end_matches(" agenda").to_owned();
        form.agenda = item.body;
    }
    meeting_form(&guard, view, None, form, FieldErrors::default()).await
}

pub async fn create_meeting(
    Id(id): Id,
    Submitted { guard, form }: Submitted<MeetingFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_meeting(id, &draft)
            .await
            .map(|m| format!("/meetings/{m}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| async {
        let view = guard.partnership(id).await?;
        meeting_form(&guard, view, None, form, errors).await
    })
    .await
}

#[derive(Template)]
#[template(path = "partnerships/meeting.html")]
struct MeetingPage {
    layout: Layout,
    view: PartnershipView,
    meeting: Meeting,
    attendees: Vec<Attendee>,
    snapshot: Option<Figures>,
    panel: ActionPanel,
}

async fn meeting_page(
    guard: &Guard,
    id: i64,
    form: ActionFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let (view, meeting, attendees) = guard.meeting(id).await?;
    let panel = ActionPanel::new(
        guard,
        &view,
        Some(("meeting_id", id)),
        format!("/meetings/{id}"),
        form,
        errors.clone(),
    )
    .await?;
    let page = MeetingPage {
        layout: Layout::new(guard, meeting.title.clone(), "/partnerships"),
        snapshot: meeting
            .snapshot
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
        view,
        meeting,
        attendees,
        panel,
    };
    render_form(&page, &errors)
}

pub async fn meeting(guard: Guard, Id(id): Id) -> PageResult<Response> {
    meeting_page(&guard, id, ActionFields::default(), FieldErrors::default()).await
}

pub async fn edit_meeting(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let (view, meeting, attendees) = guard.meeting(id).await?;
    let form = MeetingFields {
        title: meeting.title,
        kind: meeting.kind,
        held_on: meeting.held_on,
        location: meeting.location,
        agenda: meeting.agenda,
        notes: meeting.notes,
        decisions: meeting.decisions,
        attendee_ids: attendees.iter().map(|a| a.person_id.to_string()).collect(),
    };
    meeting_form(&guard, view, Some(id), form, FieldErrors::default()).await
}

pub async fn update_meeting(
    Id(id): Id,
    Submitted { guard, form }: Submitted<MeetingFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .update_meeting(id, &draft)
            .await
            .map(|_| format!("/meetings/{id}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| async {
        let (view, _, _) = guard.meeting(id).await?;
        meeting_form(&guard, view, Some(id), form, errors).await
    })
    .await
}

pub async fn export_meetings(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let meetings = guard.meetings(&view).await?;
    let header = [
        "id",
        "held_on",
        "kind",
        "title",
        "location",
        "agenda",
        "notes",
        "decisions",
    ];
    let rows = meetings.into_iter().map(|m| {
        vec![
            m.id.to_string(),
            m.held_on,
            m.kind,
            m.title,
            m.location,
            m.agenda,
            m.notes,
            m.decisions,
        ]
    });
    Ok(csv_export::download("meetings.csv", &header, rows)?)
}

// ---- action items ----

fn action_statuses() -> Vec<Choice> {
    Choice::list(
        ActionStatus::ALL
            .iter()
            .map(|s| (s.code().to_owned(), s.label().to_owned())),
    )
}

pub fn action_label(code: &str) -> &'static str {
    ActionStatus::parse(code).map_or("", ActionStatus::label)
}

/// What a page of action items shows (`partnerships/action_rows.html` and `action_form.html`):
/// the items of one source (or all), the owners to choose from and the add form.
pub struct ActionPanel {
    pub actions: Vec<ActionItem>,
    pub today: time::Date,
    pub owners: Vec<Choice>,
    pub fields: ActionFields,
    pub errors: FieldErrors,
    /// Hidden fields that tie a new item to its source.
    pub source: Vec<(&'static str, String)>,
    /// Where a status change returns to.
    pub back: String,
}

impl ActionPanel {
    /// The panel of the items whose `source` field (meeting_id, feedback_id, cycle_id) is `id`,
    /// or of every item when `source` is `None`.
    pub async fn new(
        guard: &Guard,
        view: &PartnershipView,
        source: Option<(&'static str, i64)>,
        back: String,
        fields: ActionFields,
        errors: FieldErrors,
    ) -> PageResult<ActionPanel> {
        let actions = guard
            .action_items(view)
            .await?
            .into_iter()
            .filter(|a| match source {
                Some(("meeting_id", id)) => a.meeting_id == Some(id),
                Some(("feedback_id", id)) => a.feedback_id == Some(id),
                Some((_, id)) => a.cycle_id == Some(id),
                None => true,
            })
            .collect();
        let owners = if view.can_work {
            people_choices(&guard.party_people(view).await?)
        } else {
            Vec::new()
        };
        Ok(ActionPanel {
            actions,
            today: today(),
            owners,
            fields,
            errors,
            source: source
                .map(|(field, id)| vec![(field, id.to_string())])
                .unwrap_or_default(),
            back,
        })
    }
}

#[derive(Template)]
#[template(path = "partnerships/actions.html")]
struct ActionsPage {
    layout: Layout,
    view: PartnershipView,
    panel: ActionPanel,
}

async fn actions_page(
    guard: &Guard,
    id: i64,
    form: ActionFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let panel = ActionPanel::new(
        guard,
        &view,
        None,
        format!("/partnerships/{id}/actions"),
        form,
        errors.clone(),
    )
    .await?;
    let page = ActionsPage {
        layout: Layout::new(guard, "Action items", "/partnerships"),
        view,
        panel,
    };
    render_form(&page, &errors)
}

pub async fn actions(guard: Guard, Id(id): Id) -> PageResult<Response> {
    actions_page(&guard, id, ActionFields::default(), FieldErrors::default()).await
}

/// Adds an action item; back to where it was added from (a meeting, feedback, a cycle or the
/// list).
pub async fn create_action(
    Id(id): Id,
    Submitted { guard, form }: Submitted<ActionFields>,
) -> PageResult<Response> {
    let parsed = form.parse();
    let back = |draft: &ActionDraft| match draft.source {
        ActionSource {
            meeting_id: Some(m),
            ..
        } => format!("/meetings/{m}"),
        ActionSource {
            feedback_id: Some(f),
            ..
        } => format!("/feedback/{f}"),
        ActionSource {
            cycle_id: Some(c), ..
        } => format!("/cycles/{c}"),
        _ => format!("/partnerships/{id}/actions"),
    };
    let result = match parsed {
        Ok(draft) => guard.create_action(id, &draft).await.map(|_| back(&draft)),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let meeting = number(&Some(form.meeting_id.clone()));
    saved_or_form(result, |errors| async move {
        match meeting {
            Some(m) => meeting_page(&guard, m, form, errors).await,
            None => actions_page(&guard, id, form, errors).await,
        }
    })
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct StatusFields {
    status: String,
    #[serde(default)]
    back: String,
}

/// Changes an action item's status, then back to the page it was changed on (only local paths).
pub async fn set_action_status(
    Id(item): Id,
    Submitted { guard, form }: Submitted<StatusFields>,
) -> PageResult<Response> {
    let status = ActionStatusFields {
        status: form.status.clone(),
    }
    .parse()
    .map_err(AppError::Invalid)?;
    let partnership = guard.set_action_status(item, status).await?;
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        format!("/partnerships/{partnership}/actions")
    };
    Ok(axum::response::Redirect::to(&back).into_response())
}

pub async fn export_actions(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let today = today();
    let actions = guard.action_items(&view).await?;
    let header = [
        "id",
        "title",
        "owner_id",
        "owner_name",
        "due_on",
        "status",
        "overdue",
        "meeting_id",
        "feedback_id",
        "cycle_id",
    ];
    let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let rows = actions.into_iter().map(|a| {
        vec![
            a.id.to_string(),
            a.title.clone(),
            text(a.owner_id),
            a.owner_name.clone().unwrap_or_default(),
            a.due_on.clone().unwrap_or_default(),
            a.status.clone(),
            a.overdue(&today).to_string(),
            text(a.meeting_id),
            text(a.feedback_id),
            text(a.cycle_id),
        ]
    });
    Ok(csv_export::download("action-items.csv", &header, rows)?)
}

/// The members named by one party.
pub fn of_party<'a>(members: &'a [Member], org: &i64) -> Vec<&'a Member> {
    members.iter().filter(|m| m.org_id == *org).collect()
}

/// Whether an optional id is the chosen option's value.
pub fn chosen(id: &Option<i64>, value: &str) -> bool {
    id.is_some_and(|id| id.to_string() == value)
}

/// The statuses an item can be moved to from the page.
pub fn next_statuses(current: &str) -> Vec<Choice> {
    action_statuses()
        .into_iter()
        .filter(|c| c.value != current)
        .collect()
}
