//! Unit tests of the Fiserv connector.
