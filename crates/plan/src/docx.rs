use crate::PlanError;
pub(crate) fn docx_to_text(_b: &[u8]) -> Result<String, PlanError> { Err(PlanError::NotTextOrDocx) }
