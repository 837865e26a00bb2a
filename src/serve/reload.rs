//! Live reload: the build state shared with every open page, over server-sent
//! events. Only `serve` injects the script; `build` output never holds it.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

/// The path the reload script listens on.
pub const EVENTS_PATH: &str = "/__scholia/events";

/// The script injected into every served HTML page: reloads on a good build,
/// shows an overlay with the errors of a bad one (as text, never as HTML). The
/// server writes the overlay's first line, since only it knows whether a good
/// build is being served.
pub const RELOAD_SCRIPT: &str = r#"<script>
(() => {
  const events = new EventSource("/__scholia/events");
  const overlayId = "__scholia-build-error";
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("build-error", (event) => {
    let overlay = document.getElementById(overlayId);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:rgba(20,10,10,.94);color:#ffd7d7;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "scholia: " + event.data;
  });
})();
</script>
"#;

/// Where the site stands, for pages that connect now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildState {
    /// The last build succeeded.
    Good,
    /// The last build failed with this report.
    Failed(String),
}

/// One message to the open pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReloadEvent {
    /// A new build is ready: reload.
    Reload,
    /// The build failed: show this.
    BuildError(String),
}

impl ReloadEvent {
    /// The event in the server-sent events wire format.
    fn to_wire(&self) -> String {
        match self {
            ReloadEvent::Reload => "event: reload\ndata: ok\n\n".into(),
            ReloadEvent::BuildError(report) => {
                let data: String = report
                    .lines()
                    .map(|line| format!("data: {line}\n"))
                    .collect();
                format!("event: build-error\n{data}\n")
            }
        }
    }
}

/// What the overlay says above a failed build's errors, when an earlier build
/// is being served.
pub const LAST_GOOD_BUILD: &str = "the last build failed; this page is from the last good build.";
/// What the overlay says above a failed build's errors, when no build has
/// succeeded yet.
pub const NO_GOOD_BUILD: &str =
    "the build failed and there is no good build yet; this page reloads once the site builds.";

/// The open pages and the latest build state.
#[derive(Debug)]
pub struct ReloadHub {
    clients: Mutex<Vec<Sender<String>>>,
    /// The latest state, and whether any build has succeeded.
    state: Mutex<(BuildState, bool)>,
}

impl Default for ReloadHub {
    fn default() -> Self {
        ReloadHub {
            clients: Mutex::new(Vec::new()),
            state: Mutex::new((BuildState::Good, false)),
        }
    }
}

impl ReloadHub {
    /// Records a build's outcome and tells every open page.
    pub fn publish(&self, state: BuildState) {
        let mut current = self.state.lock().expect("state lock");
        let built = current.1 || state == BuildState::Good;
        let event = match &state {
            BuildState::Good => ReloadEvent::Reload,
            BuildState::Failed(report) => ReloadEvent::BuildError(overlay_text(report, built)),
        };
        *current = (state, built);
        drop(current);
        let wire = event.to_wire();
        // A page that went away has dropped its receiver: forget it.
        self.clients
            .lock()
            .expect("clients lock")
            .retain(|client| client.send(wire.clone()).is_ok());
    }

    /// A stream for one page: starts with the current error, if any.
    pub fn subscribe(&self) -> EventStream {
        let (sender, receiver) = channel();
        if let (BuildState::Failed(report), built) = &*self.state.lock().expect("state lock") {
            let _ = sender.send(ReloadEvent::BuildError(overlay_text(report, *built)).to_wire());
        }
        self.clients.lock().expect("clients lock").push(sender);
        EventStream { receiver }
    }

    /// Whether any build has succeeded.
    pub fn has_good_build(&self) -> bool {
        self.state.lock().expect("state lock").1
    }

    /// Ends every stream (on shutdown).
    pub fn close(&self) {
        self.clients.lock().expect("clients lock").clear();
    }
}

/// A failed build's report under the line that says what is being served.
fn overlay_text(report: &str, built: bool) -> String {
    let heading = if built {
        LAST_GOOD_BUILD
    } else {
        NO_GOOD_BUILD
    };
    format!("{heading}\n\n{report}")
}

/// The events for one open page, in the wire format.
pub struct EventStream {
    receiver: Receiver<String>,
}

impl EventStream {
    /// Blocks until the next event; `None` once the hub has closed.
    pub fn next_event(&self) -> Option<String> {
        self.receiver.recv().ok()
    }
}

/// `html` with the reload script before `</body>` (or at the end).
pub fn inject_script(html: &str) -> String {
    match html.rfind("</body>") {
        Some(at) => format!("{}{RELOAD_SCRIPT}{}", &html[..at], &html[at..]),
        None => format!("{html}{RELOAD_SCRIPT}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_go_over_the_wire_line_by_line() {
        let wire = ReloadEvent::BuildError("a\nb".into()).to_wire();
        assert_eq!(wire, "event: build-error\ndata: a\ndata: b\n\n");
    }

    #[test]
    fn a_new_page_hears_the_current_error_first() {
        let hub = ReloadHub::default();
        hub.publish(BuildState::Failed("broken".into()));
        let stream = hub.subscribe();
        let first = stream.next_event().unwrap();
        assert!(first.contains("data: broken"), "{first}");
        assert!(first.contains(NO_GOOD_BUILD), "{first}");
        hub.close();
        assert_eq!(stream.next_event(), None);
    }

    #[test]
    fn the_overlay_says_whether_a_good_build_is_served() {
        let hub = ReloadHub::default();
        assert!(!hub.has_good_build());
        hub.publish(BuildState::Good);
        hub.publish(BuildState::Failed("broken".into()));
        assert!(hub.has_good_build());
        let first = hub.subscribe().next_event().unwrap();
        assert!(first.contains(LAST_GOOD_BUILD), "{first}");
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let html = inject_script("<html><body><p>x</p></body></html>");
        assert!(html.ends_with("</script>\n</body></html>"), "{html}");
    }
}
