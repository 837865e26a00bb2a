//! Threading rules both importers share: a reply whose parent was left out
//! (spam, deleted) or never existed hangs under its nearest kept ancestor, or
//! at the top level, so no kept comment is lost and no thread is broken.

use std::collections::{HashMap, HashSet};

/// The parent each kept comment gets (in the order given): its nearest kept
/// ancestor, with any cycle among kept comments broken at the first comment
/// met on it, which moves to the top level.
pub(crate) fn kept_parents(
    parents: &HashMap<String, Option<String>>,
    kept_in_order: &[String],
) -> Vec<Option<String>> {
    let kept: HashSet<String> = kept_in_order.iter().cloned().collect();
    let mut resolved: HashMap<String, Option<String>> = kept_in_order
        .iter()
        .map(|id| (id.clone(), nearest_kept_parent(id, parents, &kept)))
        .collect();
    for id in kept_in_order {
        let mut visited = HashSet::new();
        let mut current = resolved[id].clone();
        while let Some(parent) = current {
            if &parent == id {
                resolved.insert(id.clone(), None);
                break;
            }
            if !visited.insert(parent.clone()) {
                break;
            }
            current = resolved.get(&parent).cloned().flatten();
        }
    }
    kept_in_order
        .iter()
        .map(|id| resolved.remove(id).flatten())
        .collect()
}

/// The nearest ancestor of `id` that is kept, following `parents` (every
/// comment's parent, kept or not). `None`: a top-level comment. Cycles and
/// chains longer than the thread end at the top level.
fn nearest_kept_parent(
    id: &str,
    parents: &HashMap<String, Option<String>>,
    kept: &HashSet<String>,
) -> Option<String> {
    let mut current = parents.get(id)?.as_deref()?;
    let mut visited = HashSet::new();
    loop {
        if current == id || !visited.insert(current) {
            return None;
        }
        if kept.contains(current) {
            return Some(current.to_string());
        }
        current = parents.get(current)?.as_deref()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(pairs: &[(&str, Option<&str>)]) -> HashMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(id, parent)| (id.to_string(), parent.map(str::to_string)))
            .collect()
    }

    #[test]
    fn skips_left_out_ancestors() {
        let parents = chain(&[
            ("1", None),
            ("2", Some("1")),
            ("3", Some("2")),
            ("4", Some("9")),
        ]);
        let kept: HashSet<String> = ["1", "3", "4"].map(String::from).into();
        assert_eq!(
            nearest_kept_parent("3", &parents, &kept).as_deref(),
            Some("1")
        );
        assert_eq!(nearest_kept_parent("4", &parents, &kept), None);
        assert_eq!(nearest_kept_parent("1", &parents, &kept), None);
    }

    #[test]
    fn cycles_among_kept_comments_are_broken_once() {
        let parents = chain(&[("1", Some("2")), ("2", Some("1")), ("3", Some("2"))]);
        let order = ["1", "2", "3"].map(String::from);
        assert_eq!(
            kept_parents(&parents, &order),
            [None, Some("1".to_string()), Some("2".to_string())]
        );
    }

    #[test]
    fn cycles_end_at_the_top_level() {
        let parents = chain(&[("1", Some("2")), ("2", Some("1")), ("3", Some("3"))]);
        let kept: HashSet<String> = ["1", "3"].map(String::from).into();
        assert_eq!(nearest_kept_parent("1", &parents, &kept), None);
        assert_eq!(nearest_kept_parent("3", &parents, &kept), None);
    }
}
