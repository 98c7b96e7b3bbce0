// Package examples holds example gtrace scripts (*.gt). Each has a usage
// header and sample output, and the tests parse, check and compile every one
// of them, load them into the verifier, and run the deterministic ones.
package examples
