//! Routes and handlers. Diesel is synchronous: each handler runs its database work on tokio's
//! blocking threads ([`db`]) and renders a page, or redirects after a change (POST, then GET).

use axum::extract::{Form, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use maud::Markup;
use serde::Deserialize;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{ChangesetFilter, Erasure};

use crate::demo::DbPool;
use crate::models::*;
use crate::pages::{self, PostView, TrashEntry};
use crate::staff::{self, Acting};

/// Changesets per page of the trash bin.
const PAGE: usize = 5;
/// Erasure records on the trash bin's first page.
const ERASURES: usize = 20;

pub fn router(pool: DbPool) -> Router {
    Router::new()
        .route("/", get(members_page))
        .route("/members", post(add_member))
        .route("/members/{id}/active", post(set_active))
        .route("/members/{id}/delete", post(delete_member))
        .route("/members/{id}/export", get(export_member))
        .route("/members/{id}/erase", post(erase_member))
        .route("/posts", get(posts_page))
        .route("/trash", get(trash_page))
        .route("/trash/{id}/restore", post(restore))
        .route("/acting-as", post(act_as))
        .with_state(pool)
}

/// Runs `work` with a pooled connection on a blocking thread.
async fn db<T, F>(pool: &DbPool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get()?)).await?
}

/// The live member `id`; a hidden or unknown one is `NotFound`, which the pages show as gone.
fn live_member(conn: &mut SqliteConnection, id: i32) -> QueryResult<Member> {
    Member::active()
        .find(id)
        .select(Member::as_select())
        .first(conn)
}

async fn members_page(State(pool): State<DbPool>, Acting(me): Acting) -> Result<Markup, AppError> {
    let members = db(&pool, |conn| {
        Ok(Member::active()
            .order(members::name)
            .select(Member::as_select())
            .load(conn)?)
    })
    .await?;
    Ok(pages::members(me, &members))
}

#[derive(Deserialize)]
struct NewMember {
    name: String,
    email: String,
}

async fn add_member(
    State(pool): State<DbPool>,
    Form(new): Form<NewMember>,
) -> Result<Redirect, AppError> {
    db(&pool, move |conn| {
        diesel::insert_into(members::table)
            .values((members::name.eq(new.name), members::email.eq(new.email)))
            .execute(conn)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/"))
}

#[derive(Deserialize)]
struct SetActive {
    active: bool,
}

/// Deactivating is the app's own reversible flag, not a deletion: the member stays listed.
async fn set_active(
    State(pool): State<DbPool>,
    Path(id): Path<i32>,
    Form(form): Form<SetActive>,
) -> Result<Redirect, AppError> {
    db(&pool, move |conn| {
        let updated = diesel::update(Member::active().find(id))
            .set(members::is_active.eq(form.active))
            .execute(conn)?;
        match updated {
            0 => Err(DieselError::NotFound.into()),
            _ => Ok(()),
        }
    })
    .await?;
    Ok(Redirect::to("/"))
}

#[derive(Deserialize)]
struct Reason {
    reason: String,
}

impl Reason {
    /// The reason, which the record keeps: deletions and erasures must say why.
    fn required(self) -> Result<String, AppError> {
        match self.reason.trim() {
            "" => Err(AppError::new(
                StatusCode::BAD_REQUEST,
                "Say why: the trash bin shows the reason.",
            )),
            reason => Ok(reason.to_owned()),
        }
    }
}

/// Soft delete: the member, their posts (with comments and votes) and sessions leave every list
/// as one changeset, recorded with who and why.
async fn delete_member(
    State(pool): State<DbPool>,
    Acting(me): Acting,
    Path(id): Path<i32>,
    Form(form): Form<Reason>,
) -> Result<Redirect, AppError> {
    let reason = form.required()?;
    db(&pool, move |conn| {
        let member = live_member(conn, id)?;
        member.soft_delete_with(conn, DeleteOptions::new().actor(me.name).reason(reason))?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/"))
}

/// GDPR export: the member and everything under them, as a JSON download.
async fn export_member(
    State(pool): State<DbPool>,
    Acting(me): Acting,
    Path(id): Path<i32>,
) -> Result<Response, AppError> {
    if !me.admin {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "Only an administrator may export a member's data.",
        ));
    }
    let json = db(&pool, move |conn| {
        let member = live_member(conn, id)?;
        Ok(member.export_tree(conn)?)
    })
    .await?;
    let headers = [
        (CONTENT_TYPE, "application/json".to_owned()),
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"member-{id}.json\""),
        ),
    ];
    Ok((headers, format!("{json:#}")).into_response())
}

/// GDPR erasure: the member and their tree are gone for good; the votes they cast on others'
/// posts stay, without a voter. The record says that it happened, not what was erased.
async fn erase_member(
    State(pool): State<DbPool>,
    Acting(me): Acting,
    Path(id): Path<i32>,
    Form(form): Form<Reason>,
) -> Result<Redirect, AppError> {
    let reason = form.required()?;
    db(&pool, move |conn| {
        let member = live_member(conn, id)?;
        member.erase(conn, EraseOptions::new().actor(me.name).reason(reason))?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/trash"))
}

async fn posts_page(State(pool): State<DbPool>, Acting(me): Acting) -> Result<Markup, AppError> {
    let posts = db(&pool, |conn| {
        let (posts, authors): (Vec<Post>, Vec<String>) = Post::active()
            .inner_join(members::table)
            .filter(Member::is_live())
            .order(posts::id)
            .select((Post::as_select(), members::name))
            .load::<(Post, String)>(conn)?
            .into_iter()
            .unzip();
        let comments = Comment::belonging_to(&posts)
            .active()
            .order(comments::id)
            .select(Comment::as_select())
            .load(conn)?
            .grouped_by(&posts);
        // A vote whose voter is gone (erased, or deleted and not restored) shows "Deleted user".
        let live_voter = votes::member_id
            .eq(members::id.nullable())
            .and(Member::is_live());
        let votes = Vote::belonging_to(&posts)
            .active()
            .left_join(members::table.on(live_voter))
            .order(votes::id)
            .select((Vote::as_select(), members::name.nullable()))
            .load::<(Vote, Option<String>)>(conn)?
            .grouped_by(&posts);
        Ok(posts
            .into_iter()
            .zip(authors)
            .zip(comments.into_iter().zip(votes))
            .map(|((post, author), (comments, votes))| PostView {
                post,
                author,
                comments: comments.into_iter().map(|c| c.body).collect(),
                voters: votes
                    .into_iter()
                    .map(|(_, name)| name.unwrap_or_else(|| "Deleted user".into()))
                    .collect(),
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(pages::posts(me, &posts))
}

#[derive(Deserialize)]
struct Page {
    before: Option<i64>,
}

async fn trash_page(
    State(pool): State<DbPool>,
    Acting(me): Acting,
    Query(Page { before }): Query<Page>,
) -> Result<Markup, AppError> {
    let (entries, older, erasures) = db(&pool, move |conn| {
        // Keyset paging, newest first; one changeset more than a page tells if there is another.
        let mut filter = ChangesetFilter::new().limit(PAGE as i64 + 1);
        filter.before_id = before;
        let mut changesets = Changeset::list(conn, &filter)?;
        let older = (changesets.len() > PAGE).then(|| {
            changesets.truncate(PAGE);
            changesets[PAGE - 1].id
        });
        let entries = changesets
            .into_iter()
            .map(|changeset| {
                Ok(TrashEntry {
                    rows: Changeset::rows(conn, changeset.id)?,
                    subject: subject(conn, &changeset)?,
                    changeset,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        // Erasures are rare: the first page shows the newest ones.
        let erasures = match before {
            None => Erasure::list_page(conn, None, ERASURES as i64)?,
            Some(_) => Vec::new(),
        };
        Ok((entries, older, erasures))
    })
    .await?;
    Ok(pages::trash(
        me,
        &entries,
        before.is_some(),
        older,
        &erasures,
    ))
}

/// What a changeset started from, in words: "member “Ada Lovelace”".
fn subject(conn: &mut SqliteConnection, changeset: &Changeset) -> QueryResult<String> {
    let table = changeset.root_table.as_str();
    let Some(id) = changeset
        .root_key
        .as_deref()
        .and_then(|k| k.parse::<i32>().ok())
    else {
        return Ok(table.to_owned());
    };
    let (kind, name): (_, QueryResult<String>) = match table {
        "members" => (
            "member",
            members::table.find(id).select(members::name).first(conn),
        ),
        "posts" => (
            "post",
            posts::table.find(id).select(posts::title).first(conn),
        ),
        "comments" => (
            "comment",
            comments::table.find(id).select(comments::body).first(conn),
        ),
        _ => return Ok(format!("{table} #{id}")),
    };
    Ok(match name.optional()? {
        Some(name) => format!("{kind} “{name}”"),
        None => format!("{kind} #{id}"),
    })
}

/// Restores a whole changeset.
async fn restore(
    State(pool): State<DbPool>,
    Acting(me): Acting,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    db(&pool, move |conn| {
        Changeset::restore_with(conn, id, &RestoreOptions::new().actor(me.name))?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/trash"))
}

#[derive(Deserialize)]
struct ActAs {
    name: String,
    back: String,
}

/// The demo's "acting as" switcher: sets the cookie and goes back to the page it came from.
async fn act_as(Form(form): Form<ActAs>) -> Result<Response, AppError> {
    let staff = staff::find(&form.name)
        .ok_or_else(|| AppError::new(StatusCode::BAD_REQUEST, "No such staff member."))?;
    let back = match form.back.starts_with('/') && !form.back.starts_with("//") {
        true => form.back,
        false => "/".into(),
    };
    let cookie = format!(
        "{}={}; Path=/; SameSite=Lax",
        staff::COOKIE_NAME,
        staff.name
    );
    Ok(([(SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}

/// A failed request: a status and a message for the person who clicked, shown as a page.
pub struct AppError {
    status: StatusCode,
    message: String,
}

impl AppError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            message: message.into(),
        }
    }

    fn gone() -> Self {
        AppError::new(
            StatusCode::NOT_FOUND,
            "It is not there any more: someone may have changed it meanwhile.",
        )
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            eprintln!("{}: {}", self.status, self.message);
        }
        (self.status, pages::problem(self.status, &self.message)).into_response()
    }
}

impl From<SoftDeleteError> for AppError {
    fn from(e: SoftDeleteError) -> Self {
        use SoftDeleteError::*;
        match e {
            // The app's one unique index is the live members' email.
            Conflict { .. } => AppError::new(
                StatusCode::CONFLICT,
                "Restoring this would give two live members the same email address. \
                 Change the email of the live member first, then restore again.",
            ),
            NotFound { .. } | ChangesetNotFound { .. } => AppError::gone(),
            AlreadyRestored { .. } | AlreadyDeleted { .. } | NotDeleted { .. } => {
                AppError::new(StatusCode::CONFLICT, e.to_string())
            }
            Refused { message, .. } | Aborted { message, .. } => {
                AppError::new(StatusCode::FORBIDDEN, message)
            }
            Transient(_) => AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The database was busy and nothing was changed: try again.",
            ),
            Protected { .. } => AppError::new(StatusCode::CONFLICT, e.to_string()),
            InvalidInput { .. } => AppError::new(StatusCode::BAD_REQUEST, e.to_string()),
            Database(e) => e.into(),
            _ => AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => AppError::gone(),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::new(
                StatusCode::CONFLICT,
                "A live member already uses that email address.",
            ),
            e => AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}
