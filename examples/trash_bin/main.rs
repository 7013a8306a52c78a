//! A staff back office for a members' club: members, their posts, and a trash bin from which
//! staff undo deletions themselves.
//!
//! Run it with `cargo run --example trash_bin --features async` (embedded SQLite, nothing to
//! install) and open the URL it prints. `PORT=8080` picks the port; otherwise any free one is
//! used.
//!
//! - `models.rs` — the tables and what soft deletion means for them (`#[soft_delete(...)]`);
//! - `demo.rs` — the pool (diesel-async's deadpool) and the demo data;
//! - `staff.rs` — who is acting (a demo-only switcher) and who may restore what;
//! - `web.rs` — routes and handlers; `pages.rs` — the HTML.

mod demo;
mod models;
mod pages;
mod staff;
mod web;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = demo::pool().await?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "0".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("The club's back office: http://{}/", listener.local_addr()?);
    axum::serve(listener, web::router(pool)).await?;
    Ok(())
}
