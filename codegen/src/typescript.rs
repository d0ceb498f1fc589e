//! Generator for the typescript binding's types (not written yet).

use crate::api::Api;
use crate::Generated;

pub fn generate(_api: &Api) -> Vec<Generated> {
    Vec::new()
}
