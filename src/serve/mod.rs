//! `serve`: build into a private folder, serve it on 127.0.0.1, watch the
//! sources, rebuild on change and reload open pages.
//!
//! Owns the preview loop. A failed rebuild leaves the last good build being
//! served (the build swaps its output in only on success) and shows its errors
//! in the page. Nothing here prints: each outcome goes to the caller.

mod http;
pub mod reload;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use notify::event::{MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::build::{BuildReport, BuildRequest, STATIC_DIR, rebuild};
use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::error::BuildErrors;
use crate::incremental::BuildCache;
use crate::render::templates::TEMPLATES_DIR;
use crate::site::BuildOptions;
pub use http::BindError;
use reload::{BuildState, ReloadHub};

/// How long the watcher waits for a burst of saves to settle before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// What to serve, and where.
#[derive(Debug, Clone)]
pub struct ServeRequest {
    /// The site root.
    pub root: PathBuf,
    /// The port to listen on.
    pub port: u16,
    /// When the port is taken, try the next ones instead of failing.
    pub port_fallback: bool,
    /// Drafts, future articles.
    pub options: BuildOptions,
}

/// A running preview server.
pub struct Preview {
    request: ServeRequest,
    server: Arc<tiny_http::Server>,
    hub: Arc<ReloadHub>,
    port: u16,
    /// What each build leaves for the next.
    cache: Mutex<BuildCache>,
    /// The earliest article date after the last build's time: the site
    /// changes then even if no file does.
    next_date: Mutex<Option<DateTime<Utc>>>,
    // Held for its lifetime: the served build lives in it and goes with it.
    scratch: tempfile::TempDir,
}

/// The outcome of one build while serving.
pub type Rebuild = Result<BuildReport, BuildErrors>;

/// Why the preview could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No port.
    #[error(transparent)]
    Bind(#[from] BindError),
    /// No scratch folder for the build.
    #[error("cannot create a temporary folder to build into: {0}")]
    Scratch(#[from] std::io::Error),
    /// The root is not a site (missing, or without `site.toml`): there is
    /// nothing to serve or watch.
    #[error(transparent)]
    NotASite(Box<crate::error::Error>),
}

impl Preview {
    /// Binds the port and starts answering requests (before the first build, so
    /// the address is known at once). A root that is not a site fails here,
    /// before anything is served or watched.
    pub fn start(request: ServeRequest) -> Result<Preview, StartError> {
        if !request.root.join(CONFIG_FILE).is_file() {
            return Err(StartError::NotASite(Box::new(
                crate::error::Error::NoSiteConfig {
                    root: request.root.clone(),
                },
            )));
        }
        let (server, port) = http::bind(request.port, request.port_fallback)?;
        let scratch = tempfile::tempdir()?;
        let preview = Preview {
            request,
            server: Arc::new(server),
            hub: Arc::new(ReloadHub::default()),
            port,
            cache: Mutex::new(BuildCache::default()),
            next_date: Mutex::new(None),
            scratch,
        };
        let (server, site_dir, hub) = (
            Arc::clone(&preview.server),
            preview.site_dir(),
            Arc::clone(&preview.hub),
        );
        std::thread::spawn(move || http::run(server, site_dir, hub));
        Ok(preview)
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether a build has succeeded since the server started (until one has,
    /// there is nothing good to serve).
    pub fn has_good_build(&self) -> bool {
        self.hub.has_good_build()
    }

    /// `path` (a changed file the watcher reported) relative to the site
    /// root, for messages; as given when it is not under the root.
    pub fn relative_path(&self, path: &Path) -> PathBuf {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let root = canonical(&self.request.root);
        // The file itself may be gone (a deletion): its folder is still there.
        let full = match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => canonical(parent).join(name),
            _ => canonical(path),
        };
        match full.strip_prefix(&root) {
            Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
            Ok(relative) => relative.to_path_buf(),
            Err(_) => path.to_path_buf(),
        }
    }

    /// The address pages are served at.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    fn site_dir(&self) -> PathBuf {
        self.scratch.path().join("site")
    }

    /// Builds the site as of now (reusing the last build's work after the
    /// first time, looking only at the `changed` paths when given) and tells
    /// open pages: reload, or show the errors.
    pub fn rebuild(&self, changed: Option<&[PathBuf]>) -> Rebuild {
        let mut cache = self.cache.lock().expect("cache lock");
        let request = BuildRequest {
            root: self.request.root.clone(),
            output: Some(self.site_dir()),
            options: self.request.options,
            base_url: Some(self.url().trim_end_matches('/').to_string()),
            now: Utc::now(),
        };
        let outcome = rebuild(&request, &mut cache, changed);
        *self.next_date.lock().expect("next date lock") = cache.next_date_after(request.now);
        self.hub.publish(match &outcome {
            Ok(_) => BuildState::Good,
            Err(errors) => BuildState::Failed(errors.to_string()),
        });
        outcome
    }

    /// Starts watching the sources. Call it before the first build, so that
    /// a change made during that build is not lost: it is seen by
    /// [`Preview::watch`] and causes a rebuild.
    pub fn watch_sources(&self) -> notify::Result<Watching> {
        let (sender, events) = channel::<notify::Result<Event>>();
        let mut watcher = notify::recommended_watcher(sender)?;
        let root = &self.request.root;
        for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
            if root.join(dir).is_dir() {
                watcher.watch(&root.join(dir), RecursiveMode::Recursive)?;
            }
        }
        // The root itself, shallowly: site.toml, and folders created later.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut watching = Watching {
            watcher,
            events,
            linked: Vec::new(),
        };
        watching.watch_link_targets(root);
        Ok(watching)
    }

    /// Rebuilds after each burst of changes that `watching` sees, and when an
    /// article's date passes (it comes out, or stops being scheduled), calling
    /// `on_rebuild` with the changed paths and the outcome, until `stop` is set.
    pub fn watch(
        &self,
        mut watching: Watching,
        stop: &AtomicBool,
        mut on_rebuild: impl FnMut(&[PathBuf], &Rebuild),
    ) {
        let root = &self.request.root;
        let mut changed: Vec<PathBuf> = Vec::new();
        // Events were lost (the kernel's queue overflowed): look at every file.
        let mut rescan = false;
        while !stop.load(Ordering::SeqCst) {
            match watching.events.recv_timeout(DEBOUNCE) {
                Ok(Ok(event)) if event.need_rescan() => {
                    rescan = true;
                    changed.push(root.join(CONTENT_DIR));
                }
                Ok(Ok(event)) if is_change(&event.kind) => {
                    for path in event.paths {
                        if is_source(root, &path) {
                            changed.push(path);
                        } else {
                            changed.extend(watching.links_to(&path));
                        }
                    }
                }
                Ok(_) => {}
                // Quiet for DEBOUNCE after a burst: rebuild once for all of it.
                Err(RecvTimeoutError::Timeout) if !changed.is_empty() => {
                    changed.sort();
                    changed.dedup();
                    watching.rewatch(root, &changed);
                    if changed.iter().any(|path| may_add_or_remove_links(path)) {
                        watching.watch_link_targets(root);
                    }
                    let hints = (!rescan).then_some(changed.as_slice());
                    on_rebuild(&changed, &self.rebuild(hints));
                    changed.clear();
                    rescan = false;
                }
                Err(RecvTimeoutError::Timeout) if self.date_passed() => {
                    on_rebuild(&[], &self.rebuild(Some(&[])));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    }

    /// Whether the time has come that the last build named as the next date
    /// of an article.
    fn date_passed(&self) -> bool {
        let next = *self.next_date.lock().expect("next date lock");
        next.is_some_and(|date| Utc::now() >= date)
    }

    /// Stops answering requests and ends the event streams.
    pub fn shutdown(&self) {
        self.stopper().stop();
    }

    /// A handle that stops the server from elsewhere (a Ctrl-C handler) without
    /// keeping the preview, and so its build folder, alive.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            server: Arc::clone(&self.server),
            hub: Arc::clone(&self.hub),
        }
    }
}

/// Stops a preview's server and event streams.
#[derive(Clone)]
pub struct Stopper {
    server: Arc<tiny_http::Server>,
    hub: Arc<ReloadHub>,
}

impl Stopper {
    /// Stops answering requests and ends the event streams.
    pub fn stop(&self) {
        self.hub.close();
        self.server.unblock();
    }
}

/// The file watcher of a preview, started before its first build.
pub struct Watching {
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// Each symbolic link under the sources that leads elsewhere in the site
    /// (the loader follows those), as its target (resolved) and itself: a
    /// change at the target is a change to the link's file.
    linked: Vec<(PathBuf, PathBuf)>,
}

impl Watching {
    /// Finds the links under the sources that lead elsewhere in the site, and
    /// watches where they lead (a file's folder, shallowly; a folder whole).
    fn watch_link_targets(&mut self, root: &Path) {
        let site = canonical(root);
        let sources = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];
        let linked: Vec<(PathBuf, PathBuf)> = sources
            .iter()
            .flat_map(|dir| walkdir::WalkDir::new(root.join(dir)).into_iter().flatten())
            .filter(|entry| entry.path_is_symlink())
            .filter_map(|entry| {
                let target = std::fs::canonicalize(entry.path()).ok()?;
                let elsewhere = target.starts_with(&site)
                    && !sources.iter().any(|dir| target.starts_with(site.join(dir)));
                elsewhere.then(|| (target, entry.into_path()))
            })
            .collect();
        for (target, _) in &linked {
            if self.linked.iter().any(|(known, _)| known == target) {
                continue;
            }
            let _ = match target.parent() {
                Some(folder) if !target.is_dir() => {
                    self.watcher.watch(folder, RecursiveMode::NonRecursive)
                }
                _ => self.watcher.watch(target, RecursiveMode::Recursive),
            };
        }
        self.linked = linked;
    }

    /// The sources that a change at `path` (outside them) changes: the
    /// links that lead to it, or to a folder holding it. (A path through a
    /// linked folder would be resolved to where it leads, outside the
    /// sources: the link itself is named, which makes the build look at
    /// every article's stamps.)
    fn links_to(&self, path: &Path) -> Vec<PathBuf> {
        let path = canonical_parent(path);
        self.linked
            .iter()
            .filter(|(target, _)| path.starts_with(target))
            .map(|(_, link)| link.clone())
            .collect()
    }

    /// Watches again a source folder that was created or replaced (a new
    /// folder is not under the old watch).
    fn rewatch(&mut self, root: &Path, changed: &[PathBuf]) {
        for dir in [TEMPLATES_DIR, STATIC_DIR, CONTENT_DIR] {
            if changed.contains(&root.join(dir)) {
                let _ = self
                    .watcher
                    .watch(&root.join(dir), RecursiveMode::Recursive);
            }
        }
    }
}

/// Whether an event changes a file: reading files (as every build does) must
/// not trigger a rebuild.
fn is_change(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// Whether a changed source path may have added or removed a link: it is
/// one, or a folder (made or moved in), or gone.
fn may_add_or_remove_links(path: &Path) -> bool {
    std::fs::symlink_metadata(path).map_or(true, |m| m.is_symlink() || m.is_dir())
}

/// `path` resolved, or as it is if it cannot be.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` with its folder resolved (it may itself be gone, or a link).
fn canonical_parent(path: &Path) -> PathBuf {
    path.parent()
        .map(|parent| canonical(parent).join(path.file_name().unwrap_or_default()))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Whether a changed path is one of the site's sources.
fn is_source(root: &Path, path: &Path) -> bool {
    let root = canonical(root);
    let path = canonical_parent(path);
    let Ok(relative) = path.strip_prefix(&root) else {
        return false;
    };
    let mut parts = relative.components();
    let first = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let hidden = relative
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    match first.as_deref() {
        Some(CONFIG_FILE) => true,
        Some(dir) if [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR].contains(&dir) => !hidden,
        _ => false,
    }
}
