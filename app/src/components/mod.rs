//! Reusable pieces of the admin UI.

mod clipboard;
pub mod color_field;
pub mod copy_button;
pub mod fields;
pub mod ordered_list;
pub mod random;
pub mod timer;
