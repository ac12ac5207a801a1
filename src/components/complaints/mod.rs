//! Complaints, the shopper's side: the form (drafts kept in the browser, sent exactly once),
//! the ticket with its escalation, and the lists of a shopper's complaints.

pub mod drafts;
mod form;
mod list;
pub mod sending;
mod ticket;

pub use form::{ComplaintForm, ReportProblem};
pub use list::{ComplaintList, ComplaintSource};
pub use ticket::{ComplaintTicket, TicketCard};
