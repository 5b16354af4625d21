use crate::{Finding, ParseOutcome};
pub(crate) fn lint_impl(_o: &ParseOutcome) -> Vec<Finding> { vec![] }
