mod common;
use common::*;

#[test]
fn a_minimal_site_builds() {
    let site = Site::new();
    site.article("hello", "2020-01-02", "", "Hello **world**.");
    site.build();
    let page = site.page("articles/hello/index.html");
    assert_eq!(text(one(&page, "h1")), "Title of hello");
}
