//! The timing of a build's named steps ("content 12 ms, model 30 ms, ...").
//!
//! Owns [`Steps`] only, so that the build and the cache it consults can both
//! time what they do without depending on each other.

use std::time::{Duration, Instant};

/// Times each step of a build.
pub(crate) struct Steps(pub(crate) Vec<(&'static str, Duration)>);

impl Steps {
    /// Runs `step`, recording its time under `name`.
    pub(crate) fn run<T>(&mut self, name: &'static str, step: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = step();
        self.0.push((name, start.elapsed()));
        result
    }
}
