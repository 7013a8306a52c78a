//! The `trash_bin` example, clicked through in a real browser: Debian's Chromium, headless,
//! driven through chromedriver (WebDriver).
//!
//! The example's modules are mounted here at the crate root, as in the example, and its router
//! is served in this process on a free port: the test needs no binary built and found
//! elsewhere, leaves no server behind, and a failure in a handler is this test's failure.
//! chromedriver is its one child process, killed on drop.
//!
//! Without chromedriver the test says it skipped and passes; with `CI=true` a missing browser is
//! a failure. Screenshots of every page visited: `target/tmp/trash_bin/`.

#[path = "../examples/trash_bin/demo.rs"]
mod demo;
#[path = "../examples/trash_bin/models.rs"]
mod models;
#[path = "../examples/trash_bin/pages.rs"]
mod pages;
#[path = "../examples/trash_bin/staff.rs"]
mod staff;
#[path = "../examples/trash_bin/web.rs"]
mod web;

use std::error::Error;
use std::io::Write;
use std::net::{Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

type TestResult<T = ()> = Result<T, Box<dyn Error + Send + Sync>>;

/// The browser window, in CSS pixels.
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_trash_bin_in_chromium() -> TestResult {
    let Some(driver) = chromedriver_path() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            return Err(
                "CI=true but chromedriver is missing: `apt-get install chromium chromium-driver`, \
                        or point CHROMEDRIVER at it"
                    .into(),
            );
        }
        // Straight to stderr: the test harness would swallow `eprintln!` of a passing test.
        writeln!(
            std::io::stderr(),
            "trash_bin browser test SKIPPED: no chromedriver on PATH \
             (apt-get install chromium chromium-driver)"
        )?;
        return Ok(());
    };

    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = web::router(demo::pool().await.map_err(|e| e.to_string())?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let driver = Chromedriver::start(driver)?;
    let client = driver.connect().await?;
    let mut browser = Browser {
        client,
        base,
        shots: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("trash_bin"),
        taken: 0,
    };
    let _ = std::fs::remove_dir_all(&browser.shots); // last run's pictures
    std::fs::create_dir_all(&browser.shots)?;
    // The scenarios run as a task so that a failed assertion still ends the browser session
    // (Chromium would outlive chromedriver otherwise), then fails the test with its message.
    let client = browser.client.clone();
    let outcome = tokio::spawn(async move { scenarios(&mut browser).await }).await;
    client.close().await?;
    let _ = std::fs::remove_file(demo::database_file());
    outcome.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

async fn scenarios(b: &mut Browser) -> TestResult {
    // The members list: live members only; the switcher says it is a demo.
    let members = b.open("/", "members").await?;
    assert!(members.contains("Linus Torvalds"), "{members}");
    assert!(
        !members.contains("Ada Lovelace"),
        "deleted earlier: {members}"
    );
    assert!(b.text("header").await?.contains("demo only"));

    // Bob deletes Linus with a reason: Linus and his post leave the lists.
    b.act_as("bob").await?;
    b.submit("/members/2/delete", &[("reason", "asked to leave")])
        .await?;
    let members = b.page("members-after-delete").await?;
    assert!(!members.contains("Linus Torvalds"), "{members}");
    let posts = b.open("/posts", "posts-after-delete").await?;
    assert!(!posts.contains("Just for fun"), "{posts}");
    assert!(posts.contains("On computable numbers"), "{posts}");

    // The trash bin, newest first: bob, the reason, what the changeset holds per table.
    b.open("/trash", "trash-as-bob").await?;
    let linus = b.text("#changeset-6").await?;
    for expected in [
        "member “Linus Torvalds”",
        "by bob",
        "asked to leave",
        "members 1",
        "posts 1",
        "comments 1",
        "sessions 1",
        "votes 1",
    ] {
        assert!(linus.contains(expected), "{expected:?} in {linus}");
    }
    assert!(
        b.has("#changeset-6 form button").await?,
        "bob may restore his own"
    );
    // Carol's deletion of Ada: no Restore button for bob.
    let ada = b.text("#changeset-5").await?;
    assert!(
        ada.contains("Only an administrator or carol may restore this."),
        "{ada}"
    );
    assert!(!b.has("#changeset-5 form").await?);

    // Bob restores it anyway (a forged or stale request): the runtime's rule refuses it,
    // readably, and nothing changes.
    b.forge_post("/trash/5/restore", &[]).await?;
    let refused = b.page("restore-refused").await?;
    assert!(
        refused.contains("Only an administrator or carol may restore this deletion."),
        "{refused}"
    );
    assert!(refused.contains("Nothing was changed"), "{refused}");
    let members = b.open("/", "members-still-without-ada").await?;
    assert!(!members.contains("Ada Lovelace"), "{members}");
    b.open("/trash", "trash-after-refusal").await?;
    let ada = b.text("#changeset-5").await?;
    assert!(
        ada.contains("Holds: members 1"),
        "still in the trash: {ada}"
    );
    assert!(
        !b.has("a[href='/members/4/export']").await?,
        "export is for admins"
    );
    assert!(
        !b.has("form[action='/members/4/erase']").await?,
        "erase too"
    );

    // Paged: five per page, the oldest on the next one.
    b.open("/trash", "trash-page-1").await?;
    assert!(!b.has("#changeset-1").await?);
    b.click("#older").await?;
    let older = b.page("trash-page-2").await?;
    assert!(
        older.contains("comment “First!!1 Buy cheap watches”"),
        "{older}"
    );
    assert!(!older.contains("Linus"), "{older}");

    // Alice, an administrator, restores carol's deletion of Ada: everything it hid comes back,
    // and the comment carol had hidden before, in its own changeset, stays hidden.
    b.act_as("alice").await?;
    b.open("/trash", "trash-as-alice").await?;
    b.submit("/trash/5/restore", &[]).await?;
    let ada = b.text("#changeset-5").await?;
    assert!(ada.contains("Restored"), "{ada}");
    assert!(ada.contains("by alice"), "{ada}");
    let members = b.open("/", "members-after-restore").await?;
    assert!(members.contains("Ada Lovelace"), "{members}");
    let posts = b.open("/posts", "posts-after-restore").await?;
    let engine = b.text("#post-1").await?;
    assert!(engine.contains("A beautiful piece of work."), "{engine}");
    assert!(
        !posts.contains("First!!1"),
        "hidden earlier, still hidden: {posts}"
    );
    assert!(b.text("#post-2").await?.contains("On Bernoulli numbers"));

    // Bob restores his own deletion: the staff member who made it may.
    b.act_as("bob").await?;
    b.open("/trash", "trash-bob-restores-own").await?;
    b.submit("/trash/6/restore", &[]).await?;
    assert!(b.text("#changeset-6").await?.contains("Restored"));
    assert!(b
        .open("/", "members-linus-back")
        .await?
        .contains("Linus Torvalds"));

    // Deactivating is not deleting: Alan stays listed, marked inactive.
    b.submit("/members/5/active", &[]).await?;
    let alan = b.text("#member-5").await?;
    assert!(alan.contains("inactive"), "{alan}");
    assert!(alan.contains("Reactivate"), "{alan}");
    b.shot("members-deactivated").await?;

    // A new member takes the email of a deleted one; restoring the deleted one would collide.
    b.submit(
        "/members",
        &[("name", "Grace B. Hopper"), ("email", "grace@example.org")],
    )
    .await?;
    let members = b.page("members-new-grace").await?;
    assert!(members.contains("Grace B. Hopper"), "{members}");
    b.act_as("alice").await?;
    b.open("/trash", "trash-before-conflict").await?;
    b.submit("/trash/3/restore", &[]).await?;
    let problem = b.page("restore-conflict").await?;
    assert!(
        problem.contains("two live members the same email address"),
        "{problem}"
    );
    assert!(problem.contains("Nothing was changed"), "{problem}");
    let members = b.open("/", "members-after-conflict").await?;
    assert!(!members.contains("Grace Hopper"), "{members}");
    b.open("/trash", "trash-after-conflict").await?;
    assert!(!b.text("#changeset-3").await?.contains("Restored"));

    // GDPR, as alice: export Margaret's data, then erase her.
    b.open("/", "members-as-alice").await?;
    assert!(b.has("#member-4 a[href='/members/4/export']").await?);
    let (disposition, body) = b.fetch("/members/4/export").await?;
    assert_eq!(disposition, "attachment; filename=\"member-4.json\"");
    let export: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(
        export["members"][0]["email"], "margaret@example.org",
        "{export:#}"
    );
    assert_eq!(
        export["posts"][0]["title"], "Apollo guidance, priority displays",
        "{export:#}"
    );
    assert_eq!(export["sessions"][0]["device"], "laptop", "{export:#}");
    let votes = export["votes"].as_array().ok_or("no votes in the export")?;
    // The three she cast, and the two cast on her post.
    assert_eq!(votes.len(), 5, "{export:#}");

    // Bob may not erase, even by a forged request.
    b.act_as("bob").await?;
    b.forge_post("/members/4/erase", &[("reason", "GDPR request")])
        .await?;
    let refused = b.page("erase-refused").await?;
    assert!(
        refused.contains("Only an administrator may erase a member."),
        "{refused}"
    );
    assert!(b
        .open("/", "members-margaret-still-there")
        .await?
        .contains("Margaret Hamilton"));

    b.act_as("alice").await?;
    b.find("#member-4 details.erase summary")
        .await?
        .click()
        .await?;
    b.shot("erase-form").await?;
    b.submit("/members/4/erase", &[]).await?; // the reason is filled in: "GDPR request"
    b.readme_shot().await?;
    let erasure = b.text("#erasure-1").await?;
    for expected in [
        "members #4",
        "by alice",
        "GDPR request",
        "members 1",
        "posts 1",
        "sessions 1",
        "Kept without their author: votes 3",
    ] {
        assert!(erasure.contains(expected), "{expected:?} in {erasure}");
    }
    let trash = b.page("trash-after-erase").await?;
    assert!(!trash.contains("Margaret"), "no personal data: {trash}");
    assert!(!trash.contains("margaret@"), "no personal data: {trash}");
    let members = b.open("/", "members-after-erase").await?;
    assert!(!members.contains("Margaret"), "{members}");
    let posts = b.open("/posts", "posts-after-erase").await?;
    assert!(!posts.contains("Apollo guidance"), "{posts}");
    let votes = b.text("#post-1 .votes").await?;
    assert_eq!(votes, "Votes: Deleted user, Alan Turing");
    assert_eq!(b.text("#post-3 .votes").await?, "Votes: Deleted user");
    Ok(())
}

/// The browser session, the app's address, and where screenshots go.
struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
    taken: usize,
}

impl Browser {
    /// Goes to `path`, saves a screenshot, and returns the page's text.
    async fn open(&mut self, path: &str, shot: &str) -> TestResult<String> {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        self.page(shot).await
    }

    /// Saves a screenshot of the current page and returns its text.
    async fn page(&mut self, shot: &str) -> TestResult<String> {
        self.shot(shot).await?;
        self.text("body").await
    }

    async fn shot(&mut self, name: &str) -> TestResult {
        self.taken += 1;
        let png = self.client.screenshot().await?;
        std::fs::write(
            self.shots.join(format!("{:02}-{name}.png", self.taken)),
            png,
        )?;
        Ok(())
    }

    async fn text(&self, css: &str) -> TestResult<String> {
        Ok(self.find(css).await?.text().await?)
    }

    async fn find(&self, css: &str) -> TestResult<Element> {
        let found = self.client.find(Locator::Css(css)).await;
        Ok(found.map_err(|e| format!("no `{css}` on the page: {e}"))?)
    }

    async fn has(&self, css: &str) -> TestResult<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// Picks a staff member with the switcher at the top of the page.
    async fn act_as(&self, name: &str) -> TestResult {
        self.click(&format!("header button[value='{name}']"))
            .await?;
        let current = self.text("header button.current").await?;
        assert!(current.starts_with(name), "acting as {current}");
        Ok(())
    }

    /// Fills the form posting to `action` on the current page and submits it.
    async fn submit(&self, action: &str, fields: &[(&str, &str)]) -> TestResult {
        let form = self.find(&format!("form[action='{action}']")).await?;
        for (name, value) in fields {
            let input = form.find(Locator::Css(&format!("[name='{name}']"))).await?;
            input.send_keys(value).await?;
        }
        let button = form.find(Locator::Css("button")).await?;
        self.navigate_by(button).await
    }

    async fn click(&self, css: &str) -> TestResult {
        let target = self.find(css).await?;
        self.navigate_by(target).await
    }

    /// Posts a form the page does not offer (a forged request, or one from a stale page).
    async fn forge_post(&self, action: &str, fields: &[(&str, &str)]) -> TestResult {
        let old = self.client.find(Locator::Css("html")).await?;
        let script = "const [action, fields] = arguments;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            for (const [name, value] of fields) {
                const input = document.createElement('input');
                input.name = name;
                input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();";
        self.client
            .execute(script, vec![json!(action), json!(fields)])
            .await?;
        self.wait_for_new_page(old).await
    }

    /// The `Content-Disposition` and body of a download, fetched by the page (with its cookie).
    async fn fetch(&self, path: &str) -> TestResult<(String, String)> {
        let script = "const done = arguments[arguments.length - 1];
            fetch(arguments[0])
                .then(async r => done([r.headers.get('content-disposition'), await r.text()]))
                .catch(e => done(['', String(e)]));";
        let reply = self.client.execute_async(script, vec![json!(path)]).await?;
        let (disposition, body) = serde_json::from_value(reply)?;
        Ok((disposition, body))
    }

    /// The README's picture: the trash bin, tall enough to show the erasures under it.
    async fn readme_shot(&mut self) -> TestResult {
        self.client.set_window_size(WIDTH, 1500).await?;
        self.shot("readme-trash-bin").await?;
        self.client.set_window_size(WIDTH, HEIGHT).await?;
        Ok(())
    }

    /// Clicks `target` and waits until the next page has replaced this one.
    async fn navigate_by(&self, target: Element) -> TestResult {
        let old = self.client.find(Locator::Css("html")).await?;
        target.click().await?;
        self.wait_for_new_page(old).await
    }

    async fn wait_for_new_page(&self, old: Element) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(10);
        while old.tag_name().await.is_ok() {
            if Instant::now() > deadline {
                return Err("the click did not load a new page".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.client
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?;
        Ok(())
    }
}

fn chromedriver_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMEDRIVER") {
        return Some(path.into());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("chromedriver"))
        .find(|path| path.is_file())
}

/// A chromedriver process on a free local port, killed on drop.
struct Chromedriver {
    process: Child,
    port: u16,
}

impl Chromedriver {
    fn start(path: PathBuf) -> TestResult<Self> {
        let port = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let process = Command::new(&path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", path.display()))?;
        let driver = Chromedriver { process, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start listening within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }

    /// A headless Chromium session. `--no-sandbox`: CI runs as root.
    async fn connect(&self) -> TestResult<Client> {
        let mut options = json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", format!("--window-size={WIDTH},{HEIGHT}")],
        });
        if std::path::Path::new("/usr/bin/chromium").exists() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        Ok(ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
