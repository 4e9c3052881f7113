//go:build race

package main

// raceBuild: the binary under test is built with -race too.
const raceBuild = true
