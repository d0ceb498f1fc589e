//! `uniffi-bindgen` for this workspace: generates the Kotlin glue from the compiled library
//! (library mode). Run by `bindings-kotlin/Makefile`; see `bindings-kotlin/README.md`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
