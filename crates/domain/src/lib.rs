//! Tandem's domain: the vocabularies, validated inputs, the access policy and the NCES directory
//! reader. Nothing here does I/O beyond reading a byte stream it is handed.

#[macro_use]
pub mod values;
pub mod access;
pub mod calibration;
pub mod cycles;
pub mod depth;
pub mod input;
pub mod meetings;
pub mod nces;
pub mod partnerships;
pub mod placements;
pub mod toolkit;

pub use access::{Grant, OrgRef, Principal, Scope};
pub use input::{FieldError, FieldErrors};
pub use values::{GradeBand, LicensureArea, OrgKind, Pathway, Role};
