//! The toolkit: Tandem's templates and questions to consider by focus area, organizations' own
//! items, and what a partnership attaches.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use tandem_domain::FieldErrors;
use tandem_domain::toolkit::{FocusArea, ToolFields, ToolKind};
use tandem_store::toolkit::ToolItem;

use super::{Choice, Id, Layout, render, render_form, saved_or_form};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::Guard;

pub fn kind_label(code: &str) -> &'static str {
    ToolKind::parse(code).map_or("", ToolKind::label)
}

pub fn focus_label(code: &str) -> &'static str {
    FocusArea::parse(code).map_or("", FocusArea::label)
}

/// Items grouped by focus area, in the vocabulary's order.
pub struct FocusGroup {
    pub label: &'static str,
    pub items: Vec<ToolItem>,
}

fn groups(items: Vec<ToolItem>) -> Vec<FocusGroup> {
    FocusArea::ALL
        .iter()
        .map(|f| FocusGroup {
            label: f.label(),
            items: items
                .iter()
                .filter(|i| i.focus == f.code())
                .cloned()
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "toolkit/list.html")]
struct ListPage {
    layout: Layout,
    groups: Vec<FocusGroup>,
    can_add: bool,
}

pub async fn list(guard: Guard) -> PageResult<Response> {
    let items = guard.toolkit().await?;
    let page = ListPage {
        layout: Layout::new(&guard, "Toolkit", "/toolkit"),
        groups: groups(items),
        can_add: !guard.tool_orgs().await?.is_empty(),
    };
    render(&page)
}

pub async fn export(guard: Guard) -> PageResult<Response> {
    let items = guard.toolkit().await?;
    let header = ["id", "owner", "kind", "focus", "title", "body"];
    let rows = items.into_iter().map(|i| {
        vec![
            i.id.to_string(),
            i.org_name.unwrap_or_else(|| "Tandem".to_owned()),
            i.kind,
            i.focus,
            i.title,
            i.body,
        ]
    });
    Ok(csv_export::download("toolkit.csv", &header, rows)?)
}

/// Partnerships the caller works in, to attach an item to.
async fn attachable(guard: &Guard) -> PageResult<Vec<Choice>> {
    let (partnerships, _) = guard
        .partnerships(&Default::default(), tandem_store::Page::all())
        .await?;
    let mut choices = Vec::new();
    for p in partnerships {
        if guard.partnership(p.id).await?.can_work {
            choices.push((p.id.to_string(), p.name));
        }
    }
    Ok(Choice::list(choices))
}

#[derive(Template)]
#[template(path = "toolkit/show.html")]
struct ShowPage {
    layout: Layout,
    item: ToolItem,
    can_edit: bool,
    partnerships: Vec<Choice>,
}

pub async fn show(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let item = guard.tool(id).await?;
    let page = ShowPage {
        layout: Layout::new(&guard, item.title.clone(), "/toolkit"),
        can_edit: guard.can_edit_tool(&item),
        partnerships: attachable(&guard).await?,
        item,
    };
    render(&page)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    org_id: String,
    #[serde(flatten)]
    fields: ToolFields,
}

#[derive(Template)]
#[template(path = "toolkit/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    form: ItemForm,
    errors: FieldErrors,
    orgs: Vec<Choice>,
    kinds: Vec<Choice>,
    focuses: Vec<Choice>,
}

async fn form_page(
    guard: &Guard,
    id: Option<i64>,
    form: ItemForm,
    errors: FieldErrors,
) -> PageResult<Response> {
    let orgs = guard.tool_orgs().await?;
    if orgs.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let page = FormPage {
        layout: Layout::new(
            guard,
            if id.is_some() {
                "Edit the item"
            } else {
                "Add to the toolkit"
            },
            "/toolkit",
        ),
        action: id.map_or("/toolkit".to_owned(), |id| format!("/toolkit/{id}")),
        editing: id.is_some(),
        orgs: Choice::list(orgs.into_iter().map(|(id, name)| (id.to_string(), name))),
        kinds: Choice::list(
            ToolKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), k.label().to_owned())),
        ),
        focuses: Choice::list(
            FocusArea::ALL
                .iter()
                .map(|f| (f.code().to_owned(), f.label().to_owned())),
        ),
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn new(guard: Guard) -> PageResult<Response> {
    form_page(&guard, None, ItemForm::default(), FieldErrors::default()).await
}

pub async fn create(Submitted { guard, form }: Submitted<ItemForm>) -> PageResult<Response> {
    let mut errors = FieldErrors::default();
    let org = tandem_domain::input::id(&mut errors, "org_id", &form.org_id, "your organization");
    let parsed = form.fields.parse();
    let result = match (parsed, errors.is_empty()) {
        (Ok(draft), true) => guard
            .create_tool(org.unwrap_or_default(), &draft)
            .await
            .map(|id| format!("/toolkit/{id}")),
        (Ok(_), false) => Err(AppError::Invalid(errors)),
        (Err(mut more), _) => {
            more.0.extend(errors.0);
            Err(AppError::Invalid(more))
        }
    };
    saved_or_form(result, |errors| form_page(&guard, None, form, errors)).await
}

pub async fn edit(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let item = guard.tool(id).await?;
    if !guard.can_edit_tool(&item) {
        return Err(AppError::Forbidden.into());
    }
    let form = ItemForm {
        org_id: item.org_id.map(|o| o.to_string()).unwrap_or_default(),
        fields: ToolFields {
            kind: item.kind,
            focus: item.focus,
            title: item.title,
            body: item.body,
        },
    };
    form_page(&guard, Some(id), form, FieldErrors::default()).await
}

pub async fn update(
    Id(id): Id,
    Submitted { guard, form }: Submitted<ItemForm>,
) -> PageResult<Response> {
    let result = match form.fields.parse() {
        Ok(draft) => guard
            .update_tool(id, &draft)
            .await
            .map(|()| format!("/toolkit/{id}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| form_page(&guard, Some(id), form, errors)).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AttachFields {
    #[serde(default)]
    partnership_id: String,
    #[serde(default)]
    item_id: String,
}

/// Attaches an item to a partnership (from the item's page).
pub async fn attach(Submitted { guard, form }: Submitted<AttachFields>) -> PageResult<Response> {
    let (Ok(partnership), Ok(item)) = (form.partnership_id.parse(), form.item_id.parse()) else {
        return Err(AppError::Invalid(FieldErrors::single(
            "partnership_id",
            "Select a partnership from the list",
        ))
        .into());
    };
    match guard.attach_tool(partnership, item).await {
        Ok(()) | Err(AppError::Invalid(_)) => {}
        Err(other) => return Err(other.into()),
    }
    Ok(Redirect::to(&format!("/partnerships/{partnership}#toolkit-title")).into_response())
}

/// Detaches an item from a partnership.
pub async fn detach(
    Id(id): Id,
    Submitted { guard, form }: Submitted<AttachFields>,
) -> PageResult<Response> {
    let Ok(item) = form.item_id.parse() else {
        return Err(AppError::NotFound.into());
    };
    guard.detach_tool(id, item).await?;
    Ok(Redirect::to(&format!("/partnerships/{id}#toolkit-title")).into_response())
}
