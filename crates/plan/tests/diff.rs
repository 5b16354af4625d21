//! `diff` on the seed plan: the two extractions of one plan are the same projects, and
//! a changed copy shows exactly its changes.
#![allow(clippy::unwrap_used)]

mod common;

use prongsai_plan::diff::diff;
use prongsai_plan::parse_text;

#[test]
fn the_two_extractions_are_the_same_projects() {
    let a = parse_text(&common::seed_a()).unwrap().plan;
    let b = parse_text(&common::seed_b()).unwrap().plan;
    let d = diff(&a, &b);
    assert!(d.projects_added.is_empty(), "{:?}", d.projects_added);
    assert!(d.projects_removed.is_empty(), "{:?}", d.projects_removed);
    assert_eq!(d.matches.len(), 36);
    assert!(d.matches.iter().all(|(n, o)| n == o), "{:?}", d.matches);
    assert!(d.budget_changes.is_empty(), "{:?}", d.budget_changes);
    assert!(d.target_changes.is_empty(), "{:?}", d.target_changes);
}

#[test]
fn a_changed_budget_line_in_the_text() {
    let text = common::seed_b();
    let b = parse_text(&text).unwrap().plan;
    // Project 2's yearly budget of 120,000 becomes 125,000 in every place it is written.
    let changed = parse_text(&text.replace("120,000", "125,000"))
        .unwrap()
        .plan;
    let d = diff(&b, &changed);
    assert!(
        d.projects_added.is_empty()
            && d.projects_removed.is_empty()
            && d.projects_renamed.is_empty()
    );
    assert!(!d.budget_changes.is_empty());
    assert!(
        d.budget_changes
            .iter()
            .all(|c| c.project_no == 2 && c.old == 120_000 && c.new == 125_000),
        "{:?}",
        d.budget_changes
    );
    assert_eq!(d.budget_totals.len(), d.budget_changes.len());
}
