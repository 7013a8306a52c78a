//! Routes and handlers. Each handler checks a connection out of the pool, awaits its queries
//! and the soft-delete operations on it, and renders a page, or redirects after a change (POST,
//! then GET).

use axum::extract::{Form, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::PoolError;
use diesel_async::RunQueryDsl;
use maud::Markup;
use serde::Deserialize;
use soft_delete_runtime::asynchronous::prelude::*;
use soft_delete_runtime::ChangesetFilter;

use crate::demo::{Conn, DbPool};
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

/// The live member `id`; a hidden or unknown one is `NotFound`, which the pages show as gone.
async fn live_member(conn: &mut Conn, id: i32) -> QueryResult<Member> {
    Member::active()
        .find(id)
        .select(Member::as_select())
        .first(conn)
        .await
}

async fn members_page(State(pool): State<DbPool>, Acting(me): Acting) -> Result<Markup, AppError> {
    let mut conn = pool.get().await?;
    let members = Member::active()
        .order(members::name)
        .select(Member::as_select())
        .load(&mut conn)
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
    let mut conn = pool.get().await?;
    diesel::insert_into(members::table)
        .values((members::name.eq(new.name), members::email.eq(new.email)))
        .execute(&mut conn)
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
    let mut conn = pool.get().await?;
    let updated = diesel::update(Member::active().find(id))
        .set(members::is_active.eq(form.active))
        .execute(&mut conn)
        .await?;
    match updated {
        0 => Err(AppError::gone()),
        _ => Ok(Redirect::to("/")),
    }
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
    let mut conn = pool.get().await?;
    let member = live_member(&mut conn, id).await?;
    member
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new().actor(me.name).reason(reason),
        )
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
    let mut conn = pool.get().await?;
    let member = live_member(&mut conn, id).await?;
    let json = member.export_tree(&mut conn).await?;
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
    let mut conn = pool.get().await?;
    let member = live_member(&mut conn, id).await?;
    member
        .erase(&mut conn, EraseOptions::new().actor(me.name).reason(reason))
        .await?;
    Ok(Redirect::to("/trash"))
}

async fn posts_page(State(pool): State<DbPool>, Acting(me): Acting) -> Result<Markup, AppError> {
    let mut conn = pool.get().await?;
    let (posts, authors): (Vec<Post>, Vec<String>) = Post::active()
        .inner_join(members::table)
        .filter(Member::is_live())
        .order(posts::id)
        .select((Post::as_select(), members::name))
        .load::<(Post, String)>(&mut conn)
        .await?
        .into_iter()
        .unzip();
    let comments = Comment::belonging_to(&posts)
        .active()
        .order(comments::id)
        .select(Comment::as_select())
        .load(&mut conn)
        .await?
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
        .load::<(Vote, Option<String>)>(&mut conn)
        .await?
        .grouped_by(&posts);
    let posts: Vec<PostView> = posts
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
        .collect();
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
    let mut conn = pool.get().await?;
    // Keyset paging, newest first; one changeset more than a page tells if there is another.
    let mut filter = ChangesetFilter::new().limit(PAGE as i64 + 1);
    filter.before_id = before;
    let mut changesets = Changeset::list(&mut conn, &filter).await?;
    let older = (changesets.len() > PAGE).then(|| {
        changesets.truncate(PAGE);
        changesets[PAGE - 1].id
    });
    let mut entries = Vec::with_capacity(changesets.len());
    for changeset in changesets {
        entries.push(TrashEntry {
            rows: Changeset::rows(&mut conn, changeset.id).await?,
            subject: subject(&mut conn, &changeset).await?,
            changeset,
        });
    }
    // Erasures are rare: the first page shows the newest ones.
    let erasures = match before {
        None => Erasure::list_page(&mut conn, None, ERASURES as i64).await?,
        Some(_) => Vec::new(),
    };
    Ok(pages::trash(
        me,
        &entries,
        before.is_some(),
        older,
        &erasures,
    ))
}

/// What a changeset started from, in words: "member “Ada Lovelace”".
async fn subject(conn: &mut Conn, changeset: &Changeset) -> QueryResult<String> {
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
            members::table
                .find(id)
                .select(members::name)
                .first(conn)
                .await,
        ),
        "posts" => (
            "post",
            posts::table.find(id).select(posts::title).first(conn).await,
        ),
        "comments" => (
            "comment",
            comments::table
                .find(id)
                .select(comments::body)
                .first(conn)
                .await,
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
    let mut conn = pool.get().await?;
    let options = RestoreOptions::new().actor(me.name);
    Changeset::restore_with(&mut conn, id, &options).await?;
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
            AlreadyRestored { .. }
            | NothingToRestore { .. }
            | AlreadyDeleted { .. }
            | NotDeleted { .. } => AppError::new(StatusCode::CONFLICT, e.to_string()),
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

impl From<PoolError> for AppError {
    fn from(e: PoolError) -> Self {
        AppError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
    }
}
