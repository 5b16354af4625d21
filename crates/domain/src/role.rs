//! Roles (บทบาท) a person holds in one organization, and what each role may do.
//!
//! Every staff route names the [`Permission`] it needs; [`Role::allows`] is the one
//! matrix that decides. Membership is per organization: a clerk of one municipality is
//! nobody in another.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// ประชาชน — a citizen with an account (accounts are optional for citizens).
    Citizen,
    /// เจ้าหน้าที่ — an officer of one division.
    Officer,
    /// ผู้อำนวยการกอง/หัวหน้าสำนัก — head of a division.
    DivisionHead,
    /// ปลัดเทศบาล — the municipal clerk, the most senior civil servant.
    Clerk,
    /// ผู้บริหาร — the mayor and deputies.
    Executive,
    /// หน่วยตรวจสอบภายใน — internal audit.
    InternalAuditor,
    /// เจ้าหน้าที่รับแจ้งเบาะแสการทุจริต — the only role that handles corruption reports.
    IntegrityOfficer,
    /// สมาชิกสภา — council member: read-only oversight.
    CouncilMember,
    /// ผู้ดูแลระบบ — administrator of the organization's accounts and settings.
    Admin,
}

/// Something a signed-in person may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Enter the staff area at all (its dashboard and profile pages).
    StaffArea,
    /// Edit the organization's profile and divisions.
    ManageOrganization,
    /// Create accounts, set roles, reset passwords, require TOTP.
    ManageUsers,
    /// Read the audit trail.
    ViewAuditTrail,
    /// See every division's work (plans, progress, complaints), read-only.
    ViewAllWork,
    /// Import and edit the anti-corruption plan.
    ManagePlan,
    /// Record progress on one's own division's projects.
    EditOwnDivision,
    /// Approve the division's progress (division heads).
    ApproveDivision,
    /// Submit and lock a reporting round.
    SubmitRound,
    /// See the plan's yearly progress and the round reports: those who record and
    /// approve it, and, read-only, those who see every division's work.
    ViewProgress,
    /// Handle general complaints.
    HandleComplaints,
    /// See the complaint queue and cases: those who handle them, and, read-only, those
    /// who see every division's work.
    ViewComplaints,
    /// Read and handle corruption reports. Only integrity officers.
    HandleCorruptionReports,
    /// Draft items for the public information centre.
    DraftInformation,
    /// Publish items to the public information centre.
    PublishInformation,
    /// Record spending and procurement plans and procurement records (supplies officers,
    /// heads, the clerk).
    ManageProcurement,
    /// Record spending checks of disbursements (project 12): internal audit and heads.
    CheckSpending,
    /// See conflict-of-interest matches and clear or confirm them (project 11).
    ReviewConflicts,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Citizen,
        Role::Officer,
        Role::DivisionHead,
        Role::Clerk,
        Role::Executive,
        Role::InternalAuditor,
        Role::IntegrityOfficer,
        Role::CouncilMember,
        Role::Admin,
    ];

    /// Roles that belong to the staff area (everyone but citizens).
    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }

    /// The authorization matrix. Least privilege: what is not listed is refused.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            StaffArea => self.is_staff(),
            ManageOrganization => matches!(self, Clerk | Admin),
            ManageUsers => matches!(self, Admin),
            ViewAuditTrail => matches!(self, Admin | InternalAuditor),
            ViewAllWork => matches!(
                self,
                Clerk | Executive | InternalAuditor | CouncilMember | Admin
            ),
            ManagePlan => matches!(self, Clerk | Admin),
            EditOwnDivision => matches!(self, Officer | DivisionHead),
            ApproveDivision => matches!(self, DivisionHead),
            SubmitRound => matches!(self, Clerk),
            ViewProgress => self.allows(EditOwnDivision) || self.allows(ViewAllWork),
            HandleComplaints => matches!(self, Officer | DivisionHead | Clerk),
            ViewComplaints => self.allows(HandleComplaints) || self.allows(ViewAllWork),
            HandleCorruptionReports => matches!(self, IntegrityOfficer),
            DraftInformation => matches!(self, Officer | DivisionHead | Clerk),
            PublishInformation => matches!(self, DivisionHead | Clerk),
            ManageProcurement => matches!(self, Officer | DivisionHead | Clerk),
            CheckSpending => matches!(self, InternalAuditor | DivisionHead | Clerk),
            ReviewConflicts => matches!(self, DivisionHead | Clerk | InternalAuditor),
        }
    }

    /// Whether an administrator may require a second factor of this role.
    pub fn can_require_totp(self) -> bool {
        self.is_staff()
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Officer => "officer",
            Role::DivisionHead => "division_head",
            Role::Clerk => "clerk",
            Role::Executive => "executive",
            Role::InternalAuditor => "internal_auditor",
            Role::IntegrityOfficer => "integrity_officer",
            Role::CouncilMember => "council_member",
            Role::Admin => "admin",
        }
    }

    pub fn label_th(self) -> &'static str {
        match self {
            Role::Citizen => "ประชาชน",
            Role::Officer => "เจ้าหน้าที่",
            Role::DivisionHead => "ผู้อำนวยการกอง/หัวหน้าสำนัก",
            Role::Clerk => "ปลัด",
            Role::Executive => "ผู้บริหาร",
            Role::InternalAuditor => "หน่วยตรวจสอบภายใน",
            Role::IntegrityOfficer => "เจ้าหน้าที่รับแจ้งเบาะแสการทุจริต",
            Role::CouncilMember => "สมาชิกสภา",
            Role::Admin => "ผู้ดูแลระบบ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Citizen => "Citizen",
            Role::Officer => "Officer",
            Role::DivisionHead => "Division head",
            Role::Clerk => "Municipal clerk",
            Role::Executive => "Executive",
            Role::InternalAuditor => "Internal auditor",
            Role::IntegrityOfficer => "Integrity officer",
            Role::CouncilMember => "Council member",
            Role::Admin => "Administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.code() == t || r.label_th() == s.trim())
            .ok_or_else(|| {
                let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                format!("unknown role {s:?}: use one of {}", codes.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_integrity_officers_handle_corruption_reports() {
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.allows(Permission::HandleCorruptionReports))
            .collect();
        assert_eq!(allowed, vec![Role::IntegrityOfficer]);
    }

    #[test]
    fn citizens_never_enter_the_staff_area() {
        assert!(!Role::Citizen.allows(Permission::StaffArea));
        assert!(Role::CouncilMember.allows(Permission::StaffArea));
        assert!(!Role::CouncilMember.allows(Permission::EditOwnDivision));
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(r));
            assert_eq!(r.label_th().parse::<Role>(), Ok(r));
        }
        assert_eq!("division-head".parse::<Role>(), Ok(Role::DivisionHead));
        assert!("mayor".parse::<Role>().is_err());
    }
}
