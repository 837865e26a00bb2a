//! Splitting a listing (index, tag, author) into numbered pages.

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// 1-based page number.
    pub number: usize,
    /// How many pages the listing has (at least 1, even when empty).
    pub total: usize,
    /// The range of item indices on this page.
    pub items: std::ops::Range<usize>,
    /// This page's URL path.
    pub url: String,
}

/// The URL path of page `number` of a listing whose first page is at `base`
/// (a path ending with `/`): page 1 is `base`, later pages `base` + `page/N/`.
pub fn page_url(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// The pages of a listing of `count` items, `per_page` each. An empty listing
/// still has one (empty) page, so its URL exists.
pub fn paginate(count: usize, per_page: usize, base: &str) -> Vec<Pager> {
    let per_page = per_page.max(1);
    let total = count.div_ceil(per_page).max(1);
    (1..=total)
        .map(|number| Pager {
            number,
            total,
            items: (number - 1) * per_page..(number * per_page).min(count),
            url: page_url(base, number),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert_eq!(paginate(0, 10, "/").len(), 1);
        assert_eq!(paginate(10, 10, "/").len(), 1);
        let pages = paginate(11, 10, "/tags/x/");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].items, 10..11);
        assert_eq!(pages[1].url, "/tags/x/page/2/");
    }
}
